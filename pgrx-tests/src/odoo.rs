//! A stand-in for Odoo's own database: a second cluster with `wal_level = logical` and Odoo-shaped
//! tables in `public`, and the subscription that replicates it into a mirror cluster.
//!
//! The tables are the mirror's, reshaped the way a real Odoo database differs from the mirror: columns
//! of Odoo 17 that 18 dropped are missing (the mirror has both versions' columns), and l10n / Studio
//! columns the mirror does not know sit between Odoo's own, with Odoo's constraints (primary key,
//! NOT NULL on required fields).

use std::time::{Duration, Instant};

use crate::cluster::{fail, Cluster, Result};

/// Settings the Odoo-side cluster needs to publish.
pub const PUBLISHER_CONF: &[&str] = &["wal_level = logical", "max_wal_senders = 10", "max_replication_slots = 10"];

/// Columns the mirror has for Odoo 17 only: this stand-in is an Odoo 18 database.
const ODOO_17_ONLY: &[(&str, &str)] = &[
    ("account_move", "payment_id"),
    ("account_move", "to_check"),
    ("account_move", "send_and_print_values"),
    ("res_partner", "date"),
];

/// Columns of installed modules the mirror does not mirror, inserted after the table's 5th column.
const EXTRA_COLUMNS: &[&str] = &["l10n_latam_document_number character varying", "x_studio_priority integer"];

/// CREATE TABLE statements for Odoo-shaped tables in `public`, from the mirror's own column list.
pub fn odoo_tables_sql(mirror: &Cluster, mirror_db: &str) -> Result<String> {
    let columns = mirror.sql(
        mirror_db,
        "SELECT c.relname || '|' || a.attname || '|' || format_type(a.atttypid, a.atttypmod) \
         FROM pg_extension AS e, unnest(e.extconfig) AS t(oid) \
         JOIN pg_class AS c ON c.oid = t.oid \
         JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         WHERE e.extname = 'odoo_mirror' AND c.relkind = 'r' AND c.relname NOT IN ('memory_errors', 'ml_models', 'expense_labels', 'prediction_history') \
         ORDER BY c.relname, a.attnum",
    )?;
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for line in columns.lines() {
        let mut parts = line.splitn(3, '|');
        let (Some(table), Some(column), Some(column_type)) = (parts.next(), parts.next(), parts.next()) else {
            return fail(format!("unexpected column line {line}"));
        };
        if ODOO_17_ONLY.contains(&(table, column)) {
            continue;
        }
        if tables.last().map(|(name, _)| name.as_str()) != Some(table) {
            tables.push((table.to_string(), Vec::new()));
        }
        let definition =
            if column == "id" { "id serial PRIMARY KEY".to_string() } else { format!("{column} {column_type}") };
        if let Some((_, definitions)) = tables.last_mut() {
            definitions.push(definition);
            if definitions.len() == 5 {
                definitions.extend(EXTRA_COLUMNS.iter().map(|extra| extra.to_string()));
            }
        }
    }
    if tables.len() != 28 {
        return fail(format!("expected 28 mirror tables, found {}", tables.len()));
    }
    Ok(tables
        .iter()
        .map(|(table, definitions)| format!("CREATE TABLE public.{table} (\n    {}\n);\n", definitions.join(",\n    ")))
        .collect())
}

/// The mirror tables (what replication fills): the tables the installed extension registers for
/// pg_dump, apart from its own memory_errors and ml_models.
pub fn mirror_tables(mirror: &Cluster, mirror_db: &str) -> Result<Vec<String>> {
    let tables = mirror.sql(
        mirror_db,
        "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_extension AS e, unnest(e.extconfig) AS t(oid) \
         JOIN pg_class AS c ON c.oid = t.oid \
         WHERE e.extname = 'odoo_mirror' AND c.relkind = 'r' AND c.relname NOT IN ('memory_errors', 'ml_models', 'expense_labels', 'prediction_history')",
    )?;
    Ok(tables.split(' ').map(str::to_string).collect())
}

/// A connection string from the mirror cluster to `database` on `odoo`.
pub fn conninfo(odoo: &Cluster, database: &str) -> String {
    format!("host=127.0.0.1 port={} user=postgres dbname={database}", odoo.port)
}

/// Polls `sql` until it returns `expected`, up to `timeout`.
pub fn wait_for(cluster: &Cluster, database: &str, sql: &str, expected: &str, timeout: Duration) -> Result<()> {
    let started = Instant::now();
    loop {
        let value = cluster.sql(database, sql)?;
        if value == expected {
            return Ok(());
        }
        if started.elapsed() > timeout {
            return fail(format!("after {timeout:?}, {sql} returned {value:?}, not {expected:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until every table of `subscription` finished its initial copy and the worker streams.
pub fn wait_until_streaming(mirror: &Cluster, database: &str, subscription: &str, timeout: Duration) -> Result<()> {
    wait_for(
        mirror,
        database,
        &format!("SELECT state FROM odoo_mirror.replication_status() WHERE subscription = '{subscription}'"),
        "streaming",
        timeout,
    )
}

/// Waits until the mirror has applied everything the Odoo side has committed so far. A slot's
/// confirmed position is no proof (an idle subscriber confirms the publisher's WAL end before the
/// walsender has decoded it), so this commits a heartbeat row on the Odoo side and waits for it:
/// transactions apply in commit order.
pub fn wait_until_replicated(
    odoo: &Cluster,
    odoo_db: &str,
    mirror: &Cluster,
    mirror_db: &str,
    timeout: Duration,
) -> Result<()> {
    let beat = odoo.sql(
        odoo_db,
        "INSERT INTO public.res_currency (id, name, write_date) VALUES (999999, 'HBT', clock_timestamp()) \
         ON CONFLICT (id) DO UPDATE SET write_date = EXCLUDED.write_date RETURNING write_date::text",
    )?;
    wait_for(
        mirror,
        mirror_db,
        "SELECT write_date::text FROM odoo_mirror.res_currency WHERE id = 999999",
        &beat,
        timeout,
    )
}
