//! Native logical replication from Odoo: the publication statement for the Odoo server and the
//! landing tables on the mirror. Pure Rust (statement text and decisions), unit-tested without a server;
//! src/replication_admin.rs runs them.
//!
//! Why landing tables: a subscription applies `public.account_move` only to a table of that exact name,
//! and PostgreSQL has no schema mapping. A landing table `public.account_move` is a partitioned table
//! (PARTITION BY LIST (id)) whose only partition is `odoo_mirror.account_move`, attached as DEFAULT: every
//! row a subscription applies is routed into the mirror table, which keeps its indexes and triggers.
//! No row is stored twice and nothing copies rows.

use crate::params::{ParamError, P_SCHEMA};

/// Schemas a landing table must never go to: the mirror itself, memory, PostgreSQL's own.
pub fn check_landing_schema(schema: &str) -> Result<(), ParamError> {
    let reserved = ["odoo_mirror", "ipai_memory", "information_schema"];
    if reserved.contains(&schema) || schema.starts_with("pg_") {
        return Err(P_SCHEMA.invalid(format!(
            "{schema} cannot hold landing tables (reserved for odoo_mirror, ipai_memory or PostgreSQL)"
        )));
    }
    Ok(())
}

/// `"name"` quoting as PostgreSQL's quote_ident does for names needing it; always quoted here, which is
/// equally valid and simpler to prove.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An SQL string literal that means the same whatever standard_conforming_strings says: with a
/// backslash in it, an E'' literal with backslashes doubled.
pub fn quote_literal(text: &str) -> String {
    let quoted = text.replace('\'', "''");
    if text.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// What create_landing_tables() found for one mirror table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandingFacts {
    /// The partitioned table odoo_mirror.<table> is attached to, if any: (schema, table).
    pub attached_to: Option<(String, String)>,
    /// The relation already named <schema>.<table>, if any.
    pub existing: Option<ExistingRelation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingRelation {
    /// pg_class.relkind: 'p' for a partitioned table.
    pub relkind: String,
    /// pg_get_partkeydef(), for a partitioned table.
    pub partition_key: Option<String>,
    pub partitions: i64,
}

/// What to do for one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LandingAction {
    /// Already in place.
    Unchanged,
    /// An empty landing table exists (after a restore): attach the mirror table to it.
    Attach,
    /// Create the landing table and attach the mirror table.
    Create,
}

impl LandingAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::Attach => "attached",
            Self::Create => "created",
        }
    }
}

/// Why a table cannot get its landing table, for the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LandingConflict {
    /// odoo_mirror.<table> is the partition of another schema's table.
    AttachedElsewhere { schema: String, table: String },
    /// <schema>.<table> exists and is not an empty LIST (id) partitioned table.
    NotALandingTable { relkind: String },
}

pub fn decide_landing(schema: &str, table: &str, facts: &LandingFacts) -> Result<LandingAction, LandingConflict> {
    if let Some((parent_schema, parent_table)) = &facts.attached_to {
        return if parent_schema == schema && parent_table == table {
            Ok(LandingAction::Unchanged)
        } else {
            Err(LandingConflict::AttachedElsewhere { schema: parent_schema.clone(), table: parent_table.clone() })
        };
    }
    match &facts.existing {
        None => Ok(LandingAction::Create),
        Some(existing)
            if existing.relkind == "p"
                && existing.partitions == 0
                && existing.partition_key.as_deref() == Some("LIST (id)") =>
        {
            Ok(LandingAction::Attach)
        }
        Some(existing) => Err(LandingConflict::NotALandingTable { relkind: existing.relkind.clone() }),
    }
}

/// The statements that put one landing table in place.
pub fn landing_statements(schema: &str, table: &str, action: &LandingAction) -> Vec<String> {
    let landing = format!("{}.{}", quote_ident(schema), quote_ident(table));
    let mirror = format!("odoo_mirror.{}", quote_ident(table));
    let mut statements = Vec::new();
    if *action == LandingAction::Create {
        // LIKE copies the columns, their types and NOT NULL; no indexes or constraints are needed on a
        // parent that stores nothing (the apply worker finds rows through the partition's primary key).
        statements.push(format!("CREATE TABLE {landing} (LIKE {mirror}) PARTITION BY LIST (id)"));
    }
    if *action != LandingAction::Unchanged {
        statements.push(format!("ALTER TABLE {landing} ATTACH PARTITION {mirror} DEFAULT"));
        statements.push(format!(
            "COMMENT ON TABLE {landing} IS {}",
            quote_literal(&format!(
                "odoo_mirror landing table: logical replication writes here and rows are stored in odoo_mirror.{table}. \
                 Created by odoo_mirror.create_landing_tables(); remove with odoo_mirror.drop_landing_tables()."
            ))
        ));
    }
    statements
}

/// Roles that must never read or write a landing table directly (each only when it exists).
pub const CLOSED_TO_ROLES: &[&str] = &["anon", "authenticated", "service_role", "superset_readonly", "n8n_service"];

/// Statements that close a landing table: no privileges for PUBLIC or the API roles (Supabase's default
/// privileges would grant them on tables created in public), and row level security without policies
/// as a second lock. Neither affects the subscription, which applies as the table owner or a superuser.
pub fn lockdown_statements(schema: &str, table: &str, existing_roles: &[String]) -> Vec<String> {
    let landing = format!("{}.{}", quote_ident(schema), quote_ident(table));
    let mut statements = vec![format!("REVOKE ALL ON TABLE {landing} FROM PUBLIC")];
    for role in existing_roles {
        statements.push(format!("REVOKE ALL ON TABLE {landing} FROM {}", quote_ident(role)));
    }
    statements.push(format!("ALTER TABLE {landing} ENABLE ROW LEVEL SECURITY"));
    statements
}

/// The statement a DBA runs on the Odoo database: a DO block that publishes, for each mirrored table,
/// the mirror's columns that exist there. Odoo versions differ in columns (17 vs 18), and Odoo's
/// l10n and Enterprise modules add more: publishing the intersection makes the same statement work on
/// any of them, and columns added later stay unpublished, so an Odoo upgrade cannot stall replication.
/// Creates the publication, or sets its table list when it exists (rerun after upgrading odoo_mirror).
pub fn publication_block(
    publication: &str,
    odoo_schema: &str,
    version: &str,
    tables: &[(String, Vec<String>)],
) -> String {
    let mut columns_json = String::from("{\n");
    for (index, (table, columns)) in tables.iter().enumerate() {
        let list: Vec<String> =
            columns.iter().map(|column| serde_json::Value::from(column.as_str()).to_string()).collect();
        let separator = if index + 1 < tables.len() { "," } else { "" };
        columns_json.push_str(&format!(
            "        {}: [{}]{separator}\n",
            serde_json::Value::from(table.as_str()),
            list.join(", ")
        ));
    }
    columns_json.push_str("    }");
    let body = format!(
        r#"
DECLARE
    publication_name constant text := {publication};
    odoo_schema constant text := {schema};
    mirror_columns constant jsonb := {columns};
    mirror_table text;
    odoo_table regclass;
    column_list text;
    table_list text[] := ARRAY[]::text[];
    statement text;
BEGIN
    -- The DBA's search_path must not decide which operators and functions run here.
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF pg_catalog.current_setting('server_version_num')::integer < 150000 THEN
        RAISE EXCEPTION 'publication column lists need PostgreSQL 15 or later; this server is %',
            pg_catalog.current_setting('server_version') USING ERRCODE = '0A000';
    END IF;
    FOR mirror_table IN SELECT pg_catalog.jsonb_object_keys(mirror_columns) ORDER BY 1 LOOP
        odoo_table := pg_catalog.to_regclass(pg_catalog.format('%I.%I', odoo_schema, mirror_table));
        IF odoo_table IS NULL THEN
            RAISE NOTICE 'odoo_mirror: %.% does not exist in this database: not published', odoo_schema, mirror_table;
            CONTINUE;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                       WHERE a.attrelid = odoo_table AND a.attname = 'id' AND NOT a.attisdropped) THEN
            RAISE EXCEPTION 'odoo_mirror: % has no id column, which replication needs as its key', odoo_table
                USING ERRCODE = '42703';
        END IF;
        SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO column_list
        FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = odoo_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
          AND a.attname::text IN (SELECT pg_catalog.jsonb_array_elements_text(mirror_columns -> mirror_table));
        table_list := table_list || pg_catalog.format('%I.%I (%s)', odoo_schema, mirror_table, column_list);
    END LOOP;
    IF pg_catalog.cardinality(table_list) = 0 THEN
        RAISE EXCEPTION 'odoo_mirror: no mirrored table exists in schema %', odoo_schema USING ERRCODE = '42P01';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = publication_name) THEN
        statement := pg_catalog.format('ALTER PUBLICATION %I SET TABLE %s', publication_name,
                                       pg_catalog.array_to_string(table_list, ', '));
    ELSE
        statement := pg_catalog.format(
            'CREATE PUBLICATION %I FOR TABLE %s WITH (publish = ''insert, update, delete, truncate'')',
            publication_name, pg_catalog.array_to_string(table_list, ', '));
    END IF;
    RAISE NOTICE 'odoo_mirror: %', statement;
    EXECUTE statement;
END
"#,
        publication = quote_literal(publication),
        schema = quote_literal(odoo_schema),
        columns = quote_literal(&columns_json),
    );
    // A dollar-quote tag that the body (which embeds caller-given names) does not contain.
    let mut tag = "$odoo_mirror_publication$".to_string();
    let mut attempt = 0;
    while body.contains(&tag) {
        attempt += 1;
        tag = format!("$odoo_mirror_publication_{attempt}$");
    }
    format!(
        "-- odoo_mirror {version}: publication for the Odoo database. Run it there (PostgreSQL 15 or later),\n\
         -- as the owner of Odoo's tables. For each mirrored table it publishes the mirror's columns that exist\n\
         -- in this database, so extra or future Odoo columns are never published. It creates the publication,\n\
         -- or sets its tables when it exists (run it again after upgrading odoo_mirror, then ALTER SUBSCRIPTION\n\
         -- ... REFRESH PUBLICATION on the mirror). It prints the statement it runs.\n\
         DO {tag}{body}{tag};"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_tables_stay_out_of_reserved_schemas() {
        for reserved in ["odoo_mirror", "ipai_memory", "pg_catalog", "pg_toast", "information_schema"] {
            assert!(check_landing_schema(reserved).is_err(), "{reserved}");
        }
        assert!(check_landing_schema("public").is_ok());
        assert!(check_landing_schema("odoo").is_ok());
    }

    #[test]
    fn quoting_doubles_embedded_quotes() {
        assert_eq!(quote_ident(r#"we"ird"#), r#""we""ird""#);
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal(r"a\'b"), r"E'a\\''b'");
    }

    fn existing(relkind: &str, key: Option<&str>, partitions: i64) -> Option<ExistingRelation> {
        Some(ExistingRelation { relkind: relkind.into(), partition_key: key.map(str::to_string), partitions })
    }

    #[test]
    fn landing_decisions_create_reattach_keep_or_refuse() {
        let fresh = LandingFacts { attached_to: None, existing: None };
        assert_eq!(decide_landing("public", "res_partner", &fresh), Ok(LandingAction::Create));
        let in_place = LandingFacts { attached_to: Some(("public".into(), "res_partner".into())), existing: None };
        assert_eq!(decide_landing("public", "res_partner", &in_place), Ok(LandingAction::Unchanged));
        // After pg_restore: the parent came back from the dump, the attachment did not.
        let restored = LandingFacts { attached_to: None, existing: existing("p", Some("LIST (id)"), 0) };
        assert_eq!(decide_landing("public", "res_partner", &restored), Ok(LandingAction::Attach));
        // Never touch a real table (Odoo itself in the same database, say).
        let odoo_table = LandingFacts { attached_to: None, existing: existing("r", None, 0) };
        assert_eq!(
            decide_landing("public", "res_partner", &odoo_table),
            Err(LandingConflict::NotALandingTable { relkind: "r".into() })
        );
        let other_partitions = LandingFacts { attached_to: None, existing: existing("p", Some("LIST (id)"), 2) };
        assert!(decide_landing("public", "res_partner", &other_partitions).is_err());
        let elsewhere = LandingFacts { attached_to: Some(("odoo".into(), "res_partner".into())), existing: None };
        assert_eq!(
            decide_landing("public", "res_partner", &elsewhere),
            Err(LandingConflict::AttachedElsewhere { schema: "odoo".into(), table: "res_partner".into() })
        );
    }

    #[test]
    fn landing_statements_create_then_attach_and_lock_down() {
        let create = landing_statements("public", "account_move", &LandingAction::Create);
        assert_eq!(
            create[0],
            r#"CREATE TABLE "public"."account_move" (LIKE odoo_mirror."account_move") PARTITION BY LIST (id)"#
        );
        assert_eq!(
            create[1],
            r#"ALTER TABLE "public"."account_move" ATTACH PARTITION odoo_mirror."account_move" DEFAULT"#
        );
        assert_eq!(landing_statements("public", "account_move", &LandingAction::Attach).len(), 2);
        assert!(landing_statements("public", "account_move", &LandingAction::Unchanged).is_empty());
        let lockdown = lockdown_statements("public", "account_move", &["anon".to_string()]);
        assert_eq!(
            lockdown.first().map(String::as_str),
            Some(r#"REVOKE ALL ON TABLE "public"."account_move" FROM PUBLIC"#)
        );
        assert!(lockdown.contains(&r#"REVOKE ALL ON TABLE "public"."account_move" FROM "anon""#.to_string()));
        assert!(lockdown.last().is_some_and(|s| s.ends_with("ENABLE ROW LEVEL SECURITY")));
    }

    #[test]
    fn the_publication_block_embeds_names_as_literals_and_every_table() {
        let tables = vec![
            ("account_move".to_string(), vec!["id".to_string(), "name".to_string()]),
            ("res_partner".to_string(), vec!["id".to_string()]),
        ];
        let block = publication_block("odoo's pub", "public", "0.2.0", &tables);
        assert!(block.contains("publication_name constant text := 'odoo''s pub';"), "{block}");
        assert!(block.contains(r#""account_move": ["id", "name"],"#), "{block}");
        assert!(block.contains(r#""res_partner": ["id"]"#), "{block}");
        assert!(block.contains("CREATE PUBLICATION %I FOR TABLE"));
        assert!(block.contains("DO $odoo_mirror_publication$\nDECLARE"), "{block}");
        assert!(block.trim_end().ends_with("END\n$odoo_mirror_publication$;"), "{block}");
        // A name cannot end the dollar quote early: the tag changes to one the name does not contain.
        let hostile = publication_block("$odoo_mirror_publication$; DROP TABLE x; --", "public", "0.2.0", &tables);
        assert_eq!(hostile.matches("$odoo_mirror_publication_1$").count(), 2, "{hostile}");
        assert!(hostile.contains("'$odoo_mirror_publication$; DROP TABLE x; --'"), "{hostile}");
    }
}
