//! The revenue rollup section: the first `refresh_revenue_rollup()` after the load, and what the
//! triggers that mark changed dates stale cost the writer, as a bulk load and as steady replication.

use std::time::Instant;

use super::pgbench::{run_case, Case};
use super::DATABASE;
use crate::cluster::{Cluster, ClusterError, Result};

/// The first refresh after the load: what it returned (the dates it folded) and how long it took in
/// ms; then fresh statistics for the rollup.
pub fn refresh(cluster: &Cluster) -> Result<(String, f64)> {
    let refresh_started = Instant::now();
    let refreshed_dates = cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_revenue_rollup()")?;
    let refresh_ms = refresh_started.elapsed().as_secs_f64() * 1000.0;
    cluster.sql(DATABASE, "VACUUM ANALYZE odoo_mirror.revenue_daily, odoo_mirror.revenue_daily_stale")?;
    Ok((refreshed_dates, refresh_ms))
}

/// What the stale-marking triggers cost a writer.
pub struct IngestCost {
    rows: i64,
    without_ms: f64,
    with_ms: f64,
    /// One invoice per transaction (steady replication): p50 latency without and with the triggers.
    single_without_ms: f64,
    single_with_ms: f64,
}

/// Times a bulk INSERT into account_move with its triggers disabled and enabled.
pub fn measure(cluster: &Cluster) -> Result<IngestCost> {
    // Copies of existing invoices under new ids, staged once, outside the timed statements.
    cluster.sql(
        DATABASE,
        "CREATE UNLOGGED TABLE public.bench_staged_moves AS SELECT * FROM odoo_mirror.account_move ORDER BY id LIMIT 200000; \
         UPDATE public.bench_staged_moves SET id = id + 100000000",
    )?;
    let rows: i64 = cluster.sql(DATABASE, "SELECT count(*) FROM public.bench_staged_moves")?.parse().unwrap_or(0);
    // The memory trigger has its own measurement (`memory_trigger::measure`): off here.
    cluster.sql(DATABASE, "ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER invoice_to_memory")?;
    let time = |disable: bool| -> Result<f64> {
        let toggle = if disable { "ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER USER;" } else { "" };
        let script = format!(
            "BEGIN;\n{toggle}\n\\timing on\nINSERT INTO odoo_mirror.account_move SELECT * FROM public.bench_staged_moves;\n\\timing off\nROLLBACK;\n"
        );
        let mut samples = Vec::new();
        for _ in 0..3 {
            let output = cluster.psql_script(DATABASE, &script)?;
            let ms = output
                .lines()
                .find_map(|line| line.strip_prefix("Time: ")?.split(' ').next()?.parse::<f64>().ok())
                .ok_or_else(|| ClusterError(format!("no timing in {output}")))?;
            samples.push(ms);
        }
        samples.sort_by(f64::total_cmp);
        Ok(samples[1])
    };
    let without_ms = time(true)?;
    let with_ms = time(false)?;
    cluster.sql(DATABASE, "DROP TABLE public.bench_staged_moves")?;

    // One posted invoice per transaction, on dates spread over a year, as replication applies them.
    cluster.sql(DATABASE, "CREATE SEQUENCE public.bench_move_ids START 300000000")?;
    let single = Case {
        name: "single-invoice transactions",
        script: "INSERT INTO odoo_mirror.account_move (id, name, state, move_type, company_id, invoice_date, amount_untaxed_signed) \
                 SELECT n, 'BENCH', 'posted', 'out_invoice', 1, current_date - (n % 365)::int, 100 \
                 FROM (SELECT nextval('public.bench_move_ids') AS n) AS next_id;\n",
        baseline: None,
    };
    let seconds = 5;
    cluster.sql(DATABASE, "ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER USER")?;
    let single_without = run_case(cluster, &single, seconds, &[]);
    cluster.sql(
        DATABASE,
        "ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_stale_on_insert_or_delete; \
         ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_stale_on_update; \
         ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_rollup_on_truncate",
    )?;
    let single_without = single_without?;
    let single_with = run_case(cluster, &single, seconds, &[])?;
    cluster.sql(
        DATABASE,
        "DELETE FROM odoo_mirror.account_move WHERE id >= 300000000; DROP SEQUENCE public.bench_move_ids",
    )?;
    cluster.sql(DATABASE, "ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER invoice_to_memory")?;
    eprintln!(
        "stale marking: {rows} inserts {without_ms:.0} ms without triggers, {with_ms:.0} ms with; \
         single-invoice transactions p50 {:.3} ms without, {:.3} ms with",
        single_without.p50_ms, single_with.p50_ms
    );
    Ok(IngestCost {
        rows,
        without_ms,
        with_ms,
        single_without_ms: single_without.p50_ms,
        single_with_ms: single_with.p50_ms,
    })
}

/// The "revenue rollup" section.
pub fn report(refreshed_dates: &str, refresh_ms: f64, ingest: &IngestCost) -> String {
    let mut report = String::new();
    report.push_str(&format!(
        "\n## The revenue rollup\n\nget_revenue_trends reads the daily rollup odoo_mirror.revenue_daily for clean dates and account_move\n\
         for dates changed since the last `refresh_revenue_rollup()`; the table above shows it refreshed, with 1% of the dates\n\
         changed, and before any refresh (every date stale, the worst case). The first refresh after the load folded\n\
         {refreshed_dates} dates in {refresh_ms:.0} ms.\n\n\
         What the triggers that mark changed dates cost the writer, as a bulk load (one statement inserting {} copies of\n\
         generated invoices, median of 3 runs, rolled back) and as steady replication (one invoice per transaction, on\n\
         dates spread over a year, pgbench p50 over 5 s, one client):\n\n\
         | triggers on account_move | bulk ms | bulk ratio | one-invoice transaction ms | ratio |\n|---|---:|---:|---:|---:|\n\
         | disabled (baseline) | {:.0} | 1.00 | {:.3} | 1.00 |\n| enabled | {:.0} | {:.2} | {:.3} | {:.2} |\n",
        ingest.rows,
        ingest.without_ms,
        ingest.single_without_ms,
        ingest.with_ms,
        ingest.with_ms / ingest.without_ms,
        ingest.single_with_ms,
        ingest.single_with_ms / ingest.single_without_ms
    ));
    report
}
