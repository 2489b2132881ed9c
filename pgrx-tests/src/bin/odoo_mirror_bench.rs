//! `make bench`: pgbench latency (p50, p99) of each RPC and of a typical query on each view, each as a
//! ratio to a baseline measured in the same session on the same cluster, written to BENCHMARKS.md.
//!
//! Options: --scale N (customers; 100000 gives about 1M invoices, 100k expenses, 100k tasks),
//! --seconds N (per query, default 10), --out FILE (default BENCHMARKS.md), --only churn (load the
//! data and run only the churn benchmark, replacing that section of FILE; --only fraud likewise;
//! --only readers: the views and RPCs with both models trained and predictions refreshed, for an A/B
//! of two builds in one session; --only replication: the replication throughput section, on its own
//! two clusters, without the scale data).
//!
//! This file is the driver (options, the cluster and the data, the order of the measurements, the
//! report's frame and `--only`); each section's measurement and text is a module of
//! `odoo_mirror_tests::bench` (latency, rollup, memory_trigger, replication), or `churn_bench` and
//! `fraud_bench`.

use std::fs;
use std::process::ExitCode;
use std::time::Instant;

use odoo_mirror_tests::bench::latency::{self, UNREFRESHED};
use odoo_mirror_tests::bench::pgbench::run_case;
use odoo_mirror_tests::bench::{memory_trigger, replication, rollup, DATABASE};
use odoo_mirror_tests::cluster::{Cluster, ClusterError, Result};
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::{churn_bench, fraud_bench};

fn run(scale: u32, seconds: u32, out: &str) -> Result<()> {
    let cluster = Cluster::start("bench", &["max_parallel_workers_per_gather = 2", "work_mem = '64MB'"])?;
    create_database_with_extension(&cluster, DATABASE)?;
    let started = Instant::now();
    let stats = load_demo_data(&cluster, DATABASE, scale, chrono::Utc::now().date_naive())?;
    let load_seconds = started.elapsed().as_secs_f64();
    eprintln!("loaded scale {scale} in {load_seconds:.0}s");
    settle_after_load(&cluster)?;

    let variables = latency::variables(&cluster)?;

    // Straight after the load every invoice date is stale: revenue trends aggregate account_move.
    let unrefreshed = run_case(&cluster, &UNREFRESHED, seconds, &variables)?;
    eprintln!("{:<60} p50 {:>9.3} ms  p99 {:>9.3} ms", UNREFRESHED.name, unrefreshed.p50_ms, unrefreshed.p99_ms);
    let (refreshed_dates, refresh_ms) = rollup::refresh(&cluster)?;

    // The models sections train and activate a churn and a fraud model; with their predictions
    // refreshed, the readers below run in the state users run them in (get_pending_expenses scores
    // each report's lines with the active fraud model).
    // As a schedule would first: the churn model dates payments by the settlements this refresh keeps.
    cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_payment_delays()")?;
    let churn = churn_bench::measure(&cluster, DATABASE, 3)?;
    let fraud = fraud_bench::measure(&cluster, DATABASE, &stats)?;
    cluster.sql(
        DATABASE,
        "SELECT odoo_mirror.refresh_churn_predictions(), odoo_mirror.refresh_fraud_predictions(), \
         odoo_mirror.refresh_payment_delays()",
    )?;
    cluster.sql(DATABASE, "VACUUM ANALYZE")?;

    let mut results = latency::measure(&cluster, seconds, &variables)?;

    results.push((&UNREFRESHED, unrefreshed));
    // Last, because its rolled-back inserts leave dead rows behind in account_move.
    let ingest = rollup::measure(&cluster)?;
    let memory = memory_trigger::measure(&cluster, 100_000)?;
    let throughput = replication::measure(100_000)?;

    let mut report = String::new();
    report.push_str("# odoo_mirror benchmarks\n\n");
    report.push_str(
        "Every figure is read as a ratio against a baseline measured in the same run, on the same throwaway\n",
    );
    report.push_str(
        "PostgreSQL 15 cluster. Latencies are pgbench's per-transaction latencies (one client, `-T` seconds per\n",
    );
    report.push_str("query, logged with `-l`), client round trip included. Ratios travel better than milliseconds, not perfectly:\n");
    report.push_str(
        "the `count(*)` baseline uses parallel workers (it depends on the core count: 2 here) and the primary-key\n",
    );
    report.push_str(
        "baseline is mostly the round trip. Absolute timings on this machine varied up to 2x between runs.\n\n",
    );
    report.push_str("## How to run\n\n```\nmake bench                      # BENCH_SCALE=100000 by default\n");
    report.push_str(&format!(
        "# which runs:\ncargo pgrx install --release --pg-config /usr/lib/postgresql/15/bin/pg_config\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --seconds {seconds} --out {out}\n\
         # the churn section alone (loads the data, replaces that section):\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --only churn --out {out}\n\
         # the fraud section alone:\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --only fraud --out {out}\n\
         # the views and RPCs alone, models trained (an A/B of two installed builds; writes the Results section):\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --only readers --out FILE\n```\n\n"
    ));
    report.push_str(&format!(
        "## Data (generator scale {scale}, seed 42, loaded in {load_seconds:.0} s)\n\n| table | rows |\n|---|---:|\n"
    ));
    for (table, rows) in &stats.tables {
        report.push_str(&format!("| {table} | {rows} |\n"));
    }
    report.push_str(&latency::report(&cluster, &results, &variables)?);
    report.push_str(&rollup::report(&refreshed_dates, refresh_ms, &ingest));
    report.push_str(latency::TARGETS_NOTE);
    report.push_str(&memory_trigger::report(&memory));
    report.push_str(&replication::report(&throughput));
    report.push_str(&churn_bench::report(&churn));
    report.push_str(&fraud_bench::report(&fraud));
    fs::write(out, report).map_err(|e| ClusterError(format!("cannot write {out}: {e}")))?;
    eprintln!("wrote {out}");
    Ok(())
}

/// After a load: statistics and visibility map (index-only scans), then a checkpoint and the kernel's
/// writeback of the loaded gigabytes, which otherwise slow the first minutes of measurements (seen:
/// churn training 3x slower right after a load).
fn settle_after_load(cluster: &Cluster) -> Result<()> {
    cluster.sql(DATABASE, "VACUUM ANALYZE")?;
    cluster.sql(DATABASE, "CHECKPOINT")?;
    let _ = std::process::Command::new("sync").status();
    Ok(())
}

/// Replaces the section under `heading` (up to the next "## ") in `out` with `section`, or appends it.
fn replace_section(out: &str, heading: &str, section: &str) -> Result<()> {
    let existing = fs::read_to_string(out).unwrap_or_default();
    let updated = match existing.find(heading) {
        Some(start) => {
            let rest = &existing[start + heading.len()..];
            let end = rest.find("\n## ").map_or(existing.len(), |offset| start + heading.len() + offset);
            // One blank line before the next heading.
            format!("{}{}\n{}", &existing[..start], section.trim_end_matches('\n'), &existing[end..])
        }
        None => format!("{existing}{section}"),
    };
    fs::write(out, updated).map_err(|e| ClusterError(format!("cannot write {out}: {e}")))
}

/// Loads the data and runs only the churn, the fraud or the readers benchmark, or runs only the
/// replication one (which needs no data); its section replaces the one in `out`.
fn run_only(what: &str, scale: u32, seconds: u32, out: &str) -> Result<()> {
    if what == "replication" {
        // Its own two clusters: no scale data needed.
        replace_section(out, "\n## Replication throughput", &replication::report(&replication::measure(100_000)?))?;
        eprintln!("wrote the replication section of {out}");
        return Ok(());
    }
    let cluster = Cluster::start("bench", &["max_parallel_workers_per_gather = 2", "work_mem = '64MB'"])?;
    create_database_with_extension(&cluster, DATABASE)?;
    let stats = load_demo_data(&cluster, DATABASE, scale, chrono::Utc::now().date_naive())?;
    settle_after_load(&cluster)?;
    if what == "readers" {
        // The state users run in: rollup refreshed, both models trained and active, predictions and
        // payment delays refreshed.
        rollup::refresh(&cluster)?;
        cluster.sql(
            DATABASE,
            "SELECT odoo_mirror.train_churn_model(p_params => '{\"activate\": \"always\"}'); SELECT odoo_mirror.train_fraud_model(); \
             SELECT odoo_mirror.refresh_churn_predictions(), odoo_mirror.refresh_fraud_predictions(), \
             odoo_mirror.refresh_payment_delays()",
        )?;
        cluster.sql(DATABASE, "VACUUM ANALYZE")?;
        let variables = latency::variables(&cluster)?;
        let results = latency::measure(&cluster, seconds, &variables)?;
        replace_section(out, "\n## Results", &latency::report(&cluster, &results, &variables)?)?;
    } else if what == "fraud" {
        replace_section(
            out,
            "\n## The fraud model",
            &fraud_bench::report(&fraud_bench::measure(&cluster, DATABASE, &stats)?),
        )?;
    } else {
        // As a schedule would first: the churn model dates payments by the settlements it keeps.
        cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_payment_delays()")?;
        replace_section(
            out,
            "\n## The churn model",
            &churn_bench::report(&churn_bench::measure(&cluster, DATABASE, 3)?),
        )?;
    }
    eprintln!("wrote the {what} section of {out}");
    Ok(())
}

fn main() -> ExitCode {
    let mut scale = 100_000;
    let mut seconds = 10;
    let mut out = "BENCHMARKS.md".to_string();
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--scale", Some(v)) if v.parse::<u32>().is_ok_and(|n| (10..=1_000_000).contains(&n)) => {
                scale = v.parse().unwrap_or(scale)
            }
            ("--seconds", Some(v)) if v.parse::<u32>().is_ok_and(|n| (1..=600).contains(&n)) => {
                seconds = v.parse().unwrap_or(seconds)
            }
            ("--out", Some(v)) => out = v,
            ("--only", Some(v)) if ["churn", "fraud", "readers", "replication"].contains(&v.as_str()) => only = Some(v),
            (other, _) => {
                eprintln!("odoo_mirror_bench: bad option {other} (--scale 10..1000000, --seconds 1..600, --out FILE, --only churn|fraud|readers|replication)");
                return ExitCode::from(2);
            }
        }
    }
    let outcome = match &only {
        Some(what) => run_only(what, scale, seconds, &out),
        None => run(scale, seconds, &out),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("odoo_mirror_bench: {error}");
            ExitCode::FAILURE
        }
    }
}
