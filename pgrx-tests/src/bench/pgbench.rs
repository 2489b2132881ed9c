//! pgbench on one client, every transaction's latency logged: what the latency sections measure with.

use std::fs;

use super::DATABASE;
use crate::cluster::{Cluster, ClusterError, Result};

/// One benchmarked query.
pub struct Case {
    pub name: &'static str,
    /// pgbench script: one transaction.
    pub script: &'static str,
    /// The baseline it is compared with, and the target ratio (p50) it must stay under, if any.
    pub baseline: Option<(&'static str, Option<f64>)>,
}

/// Latencies of one pgbench run, in milliseconds, and how many transactions it ran.
pub struct Measured {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub transactions: usize,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// pgbench on one client, stopping after `limit` (`-T seconds` or `-t transactions`), every latency logged.
fn run_pgbench(cluster: &Cluster, case: &Case, limit: [&str; 2], variables: &[(String, String)]) -> Result<Measured> {
    let dir = cluster.dir.join("pgbench");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| ClusterError(e.to_string()))?;
    let script = dir.join("case.sql");
    fs::write(&script, case.script).map_err(|e| ClusterError(e.to_string()))?;
    let mut command = cluster.client("pgbench");
    command.current_dir(&dir).args(["-n", "-c", "1"]).args(limit).args(["-l", "--log-prefix=case", "-f"]);
    command.arg(&script);
    for (name, value) in variables {
        command.arg("-D").arg(format!("{name}={value}"));
    }
    command.arg(DATABASE);
    let output = command.output().map_err(|e| ClusterError(format!("pgbench: {e}")))?;
    if !output.status.success() {
        return Err(ClusterError(format!(
            "pgbench failed for {}: {}",
            case.name,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let mut latencies = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| ClusterError(e.to_string()))?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("case.") {
            let log = fs::read_to_string(entry.path()).map_err(|e| ClusterError(e.to_string()))?;
            // client_id transaction_no time(us) script_no time_epoch time_us
            latencies.extend(
                log.lines().filter_map(|line| line.split(' ').nth(2)?.parse::<f64>().ok()).map(|us| us / 1000.0),
            );
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Measured {
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
        transactions: latencies.len(),
    })
}

/// pgbench running `case` for `seconds` on one client.
pub fn run_case(cluster: &Cluster, case: &Case, seconds: u32, variables: &[(String, String)]) -> Result<Measured> {
    run_pgbench(cluster, case, ["-T", &seconds.to_string()], variables)
}

/// pgbench running `case` exactly `count` times on one client.
pub fn run_transactions(cluster: &Cluster, case: &Case, count: i64) -> Result<Measured> {
    run_pgbench(cluster, case, ["-t", &count.to_string()], &[])
}
