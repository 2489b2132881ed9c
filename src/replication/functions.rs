//! The replication set-up functions a DBA runs: publication_sql(), create_landing_tables(),
//! drop_landing_tables(). Thin wrappers over src/replication.rs. Owner-only (grants.sql revokes them
//! from PUBLIC); they run with the caller's privileges, which must include owning the mirror tables.

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

use crate::catalog;
use crate::error::OdooMirrorError;
use crate::params::{P_PUBLICATION, P_SCHEMA};
use crate::replication::statements::{self, ExistingRelation, LandingConflict, LandingFacts};
use crate::spi::{execute, select_names, select_rows, select_value};

const MIRROR_COLUMNS_SQL: &str = "\
    SELECT a.attname::text FROM pg_catalog.pg_attribute AS a \
    WHERE a.attrelid = pg_catalog.to_regclass('odoo_mirror.' || pg_catalog.quote_ident($1)) \
      AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

const INSTALLED_TABLES_SQL: &str = "\
    SELECT t.name FROM pg_catalog.unnest($1::text[]) WITH ORDINALITY AS t(name, position) \
    WHERE pg_catalog.to_regclass('odoo_mirror.' || pg_catalog.quote_ident(t.name)) IS NOT NULL \
    ORDER BY t.position";

/// The mirror tables this installation has. The library can be newer than the installed SQL objects
/// (after a package upgrade, before ALTER EXTENSION odoo_mirror UPDATE): the set-up functions cover
/// the tables the installed version created, and the update's runbook adds the rest.
fn installed_tables() -> Result<Vec<String>, OdooMirrorError> {
    let names: Vec<String> = catalog::TABLES.iter().map(|table| table.to_string()).collect();
    select_names(INSTALLED_TABLES_SQL, &[names.into()])
}

/// The statement to run on the Odoo database: a DO block that creates the publication (or sets its
/// tables) with, per mirrored table, the mirror's columns that exist on that Odoo server.
#[pg_extern(stable, parallel_safe)]
#[search_path(pg_catalog, pg_temp)]
fn publication_sql(
    p_publication: default!(Option<&str>, "'odoo_pub_scout'"),
    p_odoo_schema: default!(Option<&str>, "'public'"),
) -> Result<String, ErrorReport> {
    let publication = P_PUBLICATION.require(p_publication)?;
    let odoo_schema = P_SCHEMA.require(p_odoo_schema)?;
    let mut tables = Vec::new();
    for table in installed_tables()? {
        let columns = select_names(MIRROR_COLUMNS_SQL, &[table.as_str().into()])?;
        if columns.is_empty() {
            return Err(OdooMirrorError::NoRows("the columns of a mirror table").into());
        }
        tables.push((table, columns));
    }
    Ok(statements::publication_block(publication, odoo_schema, env!("CARGO_PKG_VERSION"), &tables))
}

const PARENT_SQL: &str = "\
    SELECT pn.nspname::text, p.relname::text \
    FROM pg_catalog.pg_inherits AS i \
    JOIN pg_catalog.pg_class AS p ON p.oid = i.inhparent \
    JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.relnamespace \
    WHERE i.inhrelid = pg_catalog.to_regclass('odoo_mirror.' || pg_catalog.quote_ident($1))";

const EXISTING_SQL: &str = "\
    SELECT c.relkind::text, \
           CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, \
           (SELECT pg_catalog.count(*) FROM pg_catalog.pg_inherits AS i WHERE i.inhparent = c.oid) \
    FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
    WHERE n.nspname = $1 AND c.relname = $2";

fn parent_of(table: &str) -> Result<Option<(String, String)>, OdooMirrorError> {
    let parents = select_rows(PARENT_SQL, &[table.into()], |row| {
        Ok((row.get::<String>(1)?.unwrap_or_default(), row.get::<String>(2)?.unwrap_or_default()))
    })?;
    Ok(parents.into_iter().next())
}

/// The relation named <schema>.<table>, if any.
fn existing_relation(schema: &str, table: &str) -> Result<Option<ExistingRelation>, OdooMirrorError> {
    let existing = select_rows(EXISTING_SQL, &[schema.into(), table.into()], |row| {
        Ok(ExistingRelation {
            relkind: row.get::<String>(1)?.unwrap_or_default(),
            partition_key: row.get::<String>(2)?,
            partitions: row.get::<i64>(3)?.unwrap_or(0),
        })
    })?;
    Ok(existing.into_iter().next())
}

fn landing_facts(schema: &str, table: &str) -> Result<LandingFacts, OdooMirrorError> {
    Ok(LandingFacts { attached_to: parent_of(table)?, existing: existing_relation(schema, table)? })
}

fn existing_closed_roles() -> Result<Vec<String>, OdooMirrorError> {
    let wanted: Vec<String> = statements::CLOSED_TO_ROLES.iter().map(|role| role.to_string()).collect();
    select_names(
        "SELECT r.rolname::text FROM pg_catalog.pg_roles AS r WHERE r.rolname = ANY ($1) ORDER BY 1",
        &[wanted.into()],
    )
}

/// One advisory lock for both functions: concurrent calls run one after the other.
const LANDING_LOCK_SQL: &str =
    "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('odoo_mirror.landing_tables'))";

/// Makes `CREATE SUBSCRIPTION ... PUBLICATION odoo_pub_scout` land rows in odoo_mirror.*: for each
/// mirror table, a partitioned table of the same name in p_schema (where Odoo's tables are, 'public')
/// whose only partition is the mirror table. Idempotent; after a restore it re-attaches the mirror
/// tables to the restored landing tables. Either every table gets its landing table or none does.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn create_landing_tables(
    p_schema: default!(Option<&str>, "'public'"),
) -> Result<
    TableIterator<'static, (name!(mirror_table, String), name!(landing_table, String), name!(action, String))>,
    ErrorReport,
> {
    crate::spi::require_writable("create_landing_tables")?;
    Ok(TableIterator::new(create_landing(p_schema)?))
}

fn create_landing(p_schema: Option<&str>) -> Result<Vec<(String, String, String)>, OdooMirrorError> {
    let schema = P_SCHEMA.require(p_schema)?;
    statements::check_landing_schema(schema)?;
    let schema_exists = select_value::<bool>(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = $1)",
        &[schema.into()],
    )?;
    if schema_exists != Some(true) {
        return Err(OdooMirrorError::Conflict {
            sqlstate: PgSqlErrorCode::ERRCODE_INVALID_SCHEMA_NAME,
            message: format!("schema {schema} does not exist"),
            hint: "landing tables go in the schema that holds Odoo's tables on the Odoo server (usually public); create it first".into(),
        });
    }
    execute(LANDING_LOCK_SQL, &[])?;
    let roles = existing_closed_roles()?;
    let mut report = Vec::new();
    for table in &installed_tables()? {
        let table = table.as_str();
        let facts = landing_facts(schema, table)?;
        let action = statements::decide_landing(schema, table, &facts).map_err(|conflict| match conflict {
            LandingConflict::AttachedElsewhere { schema: other_schema, table: other_table } => OdooMirrorError::Conflict {
                sqlstate: PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                message: format!("odoo_mirror.{table} already lands rows from {other_schema}.{other_table}"),
                hint: "run SELECT * FROM odoo_mirror.drop_landing_tables() first".into(),
            },
            LandingConflict::NotALandingTable { relkind } => OdooMirrorError::Conflict {
                sqlstate: PgSqlErrorCode::ERRCODE_DUPLICATE_TABLE,
                message: format!(
                    "{schema}.{table} already exists and is not an odoo_mirror landing table (relkind {relkind}); nothing was changed"
                ),
                hint: "landing tables cannot share a schema with real tables of the same name (Odoo's own, say): use the mirror's own database".into(),
            },
        })?;
        for statement in statements::landing_statements(schema, table, &action) {
            execute(&statement, &[])?;
        }
        for statement in statements::lockdown_statements(schema, table, &roles) {
            execute(&statement, &[])?;
        }
        report.push((format!("odoo_mirror.{table}"), format!("{schema}.{table}"), action.as_str().to_string()));
    }
    Ok(report)
}

const ENABLED_SUBSCRIPTIONS_SQL: &str = "\
    SELECT DISTINCT s.subname::text FROM pg_catalog.pg_subscription_rel AS sr \
    JOIN pg_catalog.pg_subscription AS s ON s.oid = sr.srsubid \
    WHERE sr.srrelid = pg_catalog.to_regclass(pg_catalog.quote_ident($1) || '.' || pg_catalog.quote_ident($2)) \
      AND s.subenabled ORDER BY 1";

/// Undoes create_landing_tables(): detaches each mirror table from its landing table and drops the
/// landing table. Mirrored rows stay in odoo_mirror.*. Refuses while an enabled subscription writes
/// into them (its apply worker would fail on every change until the subscription is dropped).
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn drop_landing_tables() -> Result<
    TableIterator<'static, (name!(mirror_table, String), name!(landing_table, String), name!(action, String))>,
    ErrorReport,
> {
    crate::spi::require_writable("drop_landing_tables")?;
    Ok(TableIterator::new(drop_landing()?))
}

fn drop_landing() -> Result<Vec<(String, String, String)>, OdooMirrorError> {
    execute(LANDING_LOCK_SQL, &[])?;
    let mut report = Vec::new();
    for table in &installed_tables()? {
        let table = table.as_str();
        let Some((schema, parent)) = parent_of(table)? else { continue };
        let only_partition = existing_relation(&schema, &parent)?.is_some_and(|existing| existing.partitions == 1);
        if !only_partition || parent != table {
            return Err(OdooMirrorError::Conflict {
                sqlstate: PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                message: format!(
                    "odoo_mirror.{table} is a partition of {schema}.{parent}, which odoo_mirror did not create"
                ),
                hint: format!("detach it by hand: ALTER TABLE {schema}.{parent} DETACH PARTITION odoo_mirror.{table}"),
            });
        }
        let subscriptions = select_names(ENABLED_SUBSCRIPTIONS_SQL, &[schema.as_str().into(), parent.as_str().into()])?;
        if let Some(subscription) = subscriptions.first() {
            return Err(OdooMirrorError::Conflict {
                sqlstate: PgSqlErrorCode::ERRCODE_OBJECT_IN_USE,
                message: format!(
                    "subscription {subscription} is enabled and replicates into {schema}.{parent}; nothing was dropped"
                ),
                hint: format!("ALTER SUBSCRIPTION {subscription} DISABLE (or DROP SUBSCRIPTION {subscription}) first"),
            });
        }
        let landing = format!("{}.{}", statements::quote_ident(&schema), statements::quote_ident(&parent));
        execute(
            &format!("ALTER TABLE {landing} DETACH PARTITION odoo_mirror.{}", statements::quote_ident(table)),
            &[],
        )?;
        execute(&format!("DROP TABLE {landing}"), &[])?;
        report.push((format!("odoo_mirror.{table}"), format!("{schema}.{parent}"), "dropped".to_string()));
    }
    Ok(report)
}
