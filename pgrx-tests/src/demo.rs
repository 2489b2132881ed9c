//! Shared steps of the demo, the tests and the benchmarks: a database with the extension and data.

use std::io::{BufWriter, Write};
use std::process::Stdio;

use chrono::NaiveDate;

use crate::cluster::{Cluster, ClusterError, Result};
use crate::generator::{Config, Generator, Stats};

/// Creates `database` with odoo_mirror installed.
pub fn create_database_with_extension(cluster: &Cluster, database: &str) -> Result<()> {
    cluster.create_database(database)?;
    cluster.sql(database, "CREATE EXTENSION odoo_mirror").map(|_| ())
}

/// Streams generated data into the mirror tables of `database` through psql (COPY).
pub fn load_demo_data(cluster: &Cluster, database: &str, scale: u32, today: NaiveDate) -> Result<Stats> {
    let mut config = Config::new(scale, today);
    config.schema = "odoo_mirror".into();
    // An install older than 0.7.0 has no accounting tables to fill.
    config.accounting =
        cluster.sql(database, "SELECT to_regclass('odoo_mirror.account_partial_reconcile') IS NOT NULL")? == "t";
    load_generated(cluster, database, config)
}

/// Streams generated data into `database` through psql (COPY), without a temporary file; the
/// config's schema says where (odoo_mirror, or public on an Odoo-side database).
pub fn load_generated(cluster: &Cluster, database: &str, config: Config) -> Result<Stats> {
    let mut child = cluster.spawn_psql_script(database, Stdio::null())?;
    let stdin = child.stdin.take().ok_or_else(|| ClusterError("psql: no stdin".into()))?;
    let generated = Generator::new(config, BufWriter::with_capacity(1 << 20, stdin)).run();
    let (stats, writer) = generated.map_err(|e| ClusterError(format!("generator: {e}")))?;
    let mut stdin = writer.into_inner().map_err(|e| ClusterError(format!("generator: {e}")))?;
    stdin.flush().map_err(|e| ClusterError(format!("generator: {e}")))?;
    drop(stdin);
    let output = child.wait_with_output().map_err(|e| ClusterError(format!("psql: {e}")))?;
    if !output.status.success() {
        return Err(ClusterError(format!("loading demo data failed:\n{}", String::from_utf8_lossy(&output.stderr))));
    }
    Ok(stats)
}
