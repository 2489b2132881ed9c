//! `make bench`: pgbench latency (p50, p99) of each RPC and of a typical query on each view, each as a
//! ratio to a baseline measured in the same session on the same cluster, written to BENCHMARKS.md.
//!
//! Options: --scale N (customers; 100000 gives about 1M invoices, 100k expenses, 100k tasks),
//! --seconds N (per query, default 10), --out FILE (default BENCHMARKS.md).

use std::fs;
use std::process::ExitCode;
use std::time::Instant;

use odoo_mirror_tests::cluster::{Cluster, ClusterError, Result};
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};

const DATABASE: &str = "bench";

struct Case {
    name: &'static str,
    /// pgbench script: one transaction.
    script: &'static str,
    /// The baseline it is compared with, and the target ratio (p50) it must stay under, if any.
    baseline: Option<(&'static str, Option<f64>)>,
}

const UNREFRESHED: Case = Case {
    name: "rpc get_revenue_trends(12) before the first rollup refresh",
    script: "SELECT * FROM odoo_mirror.get_revenue_trends(12);\n",
    baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", None)),
};

const CASES: &[Case] = &[
    Case {
        name: "baseline: primary-key lookup on account_move",
        script: "\\set id random(1, :max_move_id)\nSELECT * FROM odoo_mirror.account_move WHERE id = :id;\n",
        baseline: None,
    },
    Case {
        name: "baseline: SELECT count(*) FROM odoo_mirror.account_move",
        script: "SELECT count(*) FROM odoo_mirror.account_move;\n",
        baseline: None,
    },
    Case {
        name: "rpc get_pending_expenses(20)",
        script: "SELECT * FROM odoo_mirror.get_pending_expenses(20);\n",
        baseline: Some(("baseline: primary-key lookup on account_move", Some(5.0))),
    },
    Case {
        name: "rpc get_overdue_tasks(20)",
        script: "SELECT * FROM odoo_mirror.get_overdue_tasks(20);\n",
        baseline: Some(("baseline: primary-key lookup on account_move", Some(5.0))),
    },
    Case {
        name: "rpc get_revenue_trends(12)",
        script: "SELECT * FROM odoo_mirror.get_revenue_trends(12);\n",
        baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", Some(1.0))),
    },
    Case {
        name: "rpc get_revenue_trends(12), 1% of the dates changed since the refresh",
        script: "SELECT * FROM odoo_mirror.get_revenue_trends(12);\n",
        baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", Some(1.0))),
    },
    Case {
        name: "view v_invoice_summary: one customer's invoices",
        script: "\\set partner random(:first_customer, :last_customer)\n\
                 SELECT * FROM odoo_mirror.v_invoice_summary WHERE partner_id = :partner ORDER BY invoice_date DESC LIMIT 50;\n",
        baseline: Some(("baseline: primary-key lookup on account_move", None)),
    },
    Case {
        name: "view v_invoice_summary: overdue receivables total",
        script: "SELECT count(*), sum(amount_residual_signed) FROM odoo_mirror.v_invoice_summary WHERE is_overdue AND move_type = 'out_invoice';\n",
        baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", None)),
    },
    Case {
        name: "view v_revenue_by_partner: top 20 customers",
        script: "SELECT * FROM odoo_mirror.v_revenue_by_partner ORDER BY net_revenue DESC LIMIT 20;\n",
        baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", None)),
    },
    Case {
        name: "view v_expense_summary: one employee's latest expenses",
        script: "\\set employee random(1, :employees)\n\
                 SELECT * FROM odoo_mirror.v_expense_summary WHERE employee_id = :employee ORDER BY expense_date DESC LIMIT 50;\n",
        baseline: Some(("baseline: primary-key lookup on account_move", None)),
    },
    Case {
        name: "view v_expense_by_employee: all employees",
        script: "SELECT * FROM odoo_mirror.v_expense_by_employee ORDER BY total_amount DESC;\n",
        baseline: Some(("baseline: SELECT count(*) FROM odoo_mirror.account_move", None)),
    },
    Case {
        name: "view v_task_summary: one project's open tasks",
        script: "\\set project random(1, :projects)\n\
                 SELECT * FROM odoo_mirror.v_task_summary WHERE project_id = :project AND NOT is_closed;\n",
        baseline: Some(("baseline: primary-key lookup on account_move", None)),
    },
];

/// How a view query reads its data: "index" when no table of more than 10,000 rows is read whole.
fn plan_reads(cluster: &Cluster, script: &str, variables: &[(String, String)]) -> Result<String> {
    let mut sql: String = script.lines().filter(|line| !line.starts_with("\\set")).collect::<Vec<_>>().join("\n");
    for (name, value) in variables {
        sql = sql.replace(&format!(":{name}"), value);
    }
    // pgbench's random variables: any value in range will do for the plan.
    for (name, value) in [("partner", "first_customer"), ("employee", "1"), ("project", "1")] {
        let value = variables.iter().find(|(n, _)| n == value).map(|(_, v)| v.as_str()).unwrap_or(value);
        sql = sql.replace(&format!(":{name}"), value);
    }
    let plan = cluster.sql(DATABASE, &format!("EXPLAIN {}", sql.trim_end_matches([';', '\n'])))?;
    let big_tables = cluster.sql(
        DATABASE,
        "SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'odoo_mirror'::regnamespace AND relkind = 'r' AND reltuples > 10000",
    )?;
    let full_scans: Vec<&str> = big_tables
        .split(',')
        .filter(|table| plan.lines().any(|line| line.contains(&format!("Seq Scan on {table} "))))
        .collect();
    Ok(if full_scans.is_empty() { "index".to_string() } else { format!("full scan of {}", full_scans.join(", ")) })
}

struct Measured {
    p50_ms: f64,
    p99_ms: f64,
    transactions: usize,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn run_case(cluster: &Cluster, case: &Case, seconds: u32, variables: &[(String, String)]) -> Result<Measured> {
    let dir = cluster.dir.join("pgbench");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| ClusterError(e.to_string()))?;
    let script = dir.join("case.sql");
    fs::write(&script, case.script).map_err(|e| ClusterError(e.to_string()))?;
    let mut command = cluster.client("pgbench");
    command.current_dir(&dir).args(["-n", "-c", "1", "-T", &seconds.to_string(), "-l", "--log-prefix=case", "-f"]);
    command.arg(&script);
    for (name, value) in variables {
        command.arg("-D").arg(format!("{name}={value}"));
    }
    command.arg(DATABASE);
    let output = command.output().map_err(|e| ClusterError(format!("pgbench: {e}")))?;
    if !output.status.success() {
        return Err(ClusterError(format!("pgbench failed for {}: {}", case.name, String::from_utf8_lossy(&output.stderr))));
    }
    let mut latencies = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| ClusterError(e.to_string()))?.flatten() {
        if entry.file_name().to_string_lossy().starts_with("case.") {
            let log = fs::read_to_string(entry.path()).map_err(|e| ClusterError(e.to_string()))?;
            // client_id transaction_no time(us) script_no time_epoch time_us
            latencies.extend(log.lines().filter_map(|line| line.split(' ').nth(2)?.parse::<f64>().ok()).map(|us| us / 1000.0));
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Measured { p50_ms: percentile(&latencies, 0.5), p99_ms: percentile(&latencies, 0.99), transactions: latencies.len() })
}

struct IngestCost {
    rows: i64,
    without_ms: f64,
    with_ms: f64,
    /// One invoice per transaction (steady replication): p50 latency without and with the triggers.
    single_without_ms: f64,
    single_with_ms: f64,
}

/// Times a bulk INSERT into account_move with its triggers disabled and enabled.
fn measure_stale_marking_cost(cluster: &Cluster) -> Result<IngestCost> {
    // Copies of existing invoices under new ids, staged once, outside the timed statements.
    cluster.sql(
        DATABASE,
        "CREATE UNLOGGED TABLE public.bench_staged_moves AS SELECT * FROM odoo_mirror.account_move ORDER BY id LIMIT 200000; \
         UPDATE public.bench_staged_moves SET id = id + 100000000",
    )?;
    let rows: i64 = cluster.sql(DATABASE, "SELECT count(*) FROM public.bench_staged_moves")?.parse().unwrap_or(0);
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
    cluster.sql(DATABASE, "DELETE FROM odoo_mirror.account_move WHERE id >= 300000000; DROP SEQUENCE public.bench_move_ids")?;
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

fn run(scale: u32, seconds: u32, out: &str) -> Result<()> {
    let cluster = Cluster::start("bench", &["max_parallel_workers_per_gather = 2", "work_mem = '64MB'"])?;
    create_database_with_extension(&cluster, DATABASE)?;
    let started = Instant::now();
    let stats = load_demo_data(&cluster, DATABASE, scale, chrono::Utc::now().date_naive())?;
    let load_seconds = started.elapsed().as_secs_f64();
    eprintln!("loaded scale {scale} in {load_seconds:.0}s");
    cluster.sql(DATABASE, "VACUUM ANALYZE")?;

    let value = |sql: &str| cluster.sql(DATABASE, sql);
    let variables = vec![
        ("max_move_id".to_string(), value("SELECT max(id) FROM odoo_mirror.account_move")?),
        ("first_customer".to_string(), value("SELECT min(id) FROM odoo_mirror.res_partner WHERE customer_rank > 0")?),
        ("last_customer".to_string(), value("SELECT max(id) FROM odoo_mirror.res_partner WHERE customer_rank > 0")?),
        ("employees".to_string(), value("SELECT max(id) FROM odoo_mirror.hr_employee")?),
        ("projects".to_string(), value("SELECT max(id) FROM odoo_mirror.project_project")?),
    ];

    // Straight after the load every invoice date is stale: revenue trends aggregate account_move.
    let unrefreshed = run_case(&cluster, &UNREFRESHED, seconds, &variables)?;
    eprintln!("{:<60} p50 {:>9.3} ms  p99 {:>9.3} ms", UNREFRESHED.name, unrefreshed.p50_ms, unrefreshed.p99_ms);
    let refresh_started = Instant::now();
    let refreshed_dates = cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_revenue_rollup()")?;
    let refresh_ms = refresh_started.elapsed().as_secs_f64() * 1000.0;
    cluster.sql(DATABASE, "VACUUM ANALYZE odoo_mirror.revenue_daily, odoo_mirror.revenue_daily_stale")?;

    let mut results: Vec<(&Case, Measured)> = Vec::new();
    for case in CASES {
        if case.name.contains("1% of the dates changed") {
            // Change one invoice on one date in a hundred of the last year, as a day of replication would.
            cluster.sql(
                DATABASE,
                "UPDATE odoo_mirror.account_move SET amount_untaxed_signed = amount_untaxed_signed + 0.01 \
                 WHERE id IN (SELECT min(id) FROM odoo_mirror.account_move \
                              WHERE state = 'posted' AND move_type = 'out_invoice' AND invoice_date >= current_date - 365 \
                                AND (invoice_date - date '2000-01-01') % 100 = 0 \
                              GROUP BY invoice_date)",
            )?;
        }
        let measured = run_case(&cluster, case, seconds, &variables)?;
        eprintln!("{:<60} p50 {:>9.3} ms  p99 {:>9.3} ms  ({} runs)", case.name, measured.p50_ms, measured.p99_ms, measured.transactions);
        results.push((case, measured));
    }

    results.push((&UNREFRESHED, unrefreshed));
    // Last, because its rolled-back inserts leave dead rows behind in account_move.
    let ingest = measure_stale_marking_cost(&cluster)?;

    let baseline = |name: &str| results.iter().find(|(case, _)| case.name == name).map(|(_, m)| m.p50_ms).unwrap_or(f64::NAN);
    let mut report = String::new();
    report.push_str("# odoo_mirror benchmarks\n\n");
    report.push_str("Every figure is read as a ratio against a baseline measured in the same run, on the same throwaway\n");
    report.push_str("PostgreSQL 15 cluster. Latencies are pgbench's per-transaction latencies (one client, `-T` seconds per\n");
    report.push_str("query, logged with `-l`), client round trip included. Ratios travel better than milliseconds, not perfectly:\n");
    report.push_str("the `count(*)` baseline uses parallel workers (it depends on the core count: 2 here) and the primary-key\n");
    report.push_str("baseline is mostly the round trip. Absolute timings on this machine varied up to 2x between runs.\n\n");
    report.push_str("## How to run\n\n```\nmake bench                      # BENCH_SCALE=100000 by default\n");
    report.push_str(&format!(
        "# which runs:\ncargo pgrx install --release --pg-config /usr/lib/postgresql/15/bin/pg_config\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --seconds {seconds} --out {out}\n```\n\n"
    ));
    report.push_str(&format!("## Data (generator scale {scale}, seed 42, loaded in {load_seconds:.0} s)\n\n| table | rows |\n|---|---:|\n"));
    for (table, rows) in &stats.tables {
        report.push_str(&format!("| {table} | {rows} |\n"));
    }
    report.push_str("\n## Results\n\n| query | p50 ms | p99 ms | runs | baseline | p50 ratio | target | met | plan (views) |\n|---|---:|---:|---:|---|---:|---:|---|---|\n");
    for (case, measured) in &results {
        let reads = if case.script.contains("FROM odoo_mirror.v_") {
            plan_reads(&cluster, case.script, &variables)?
        } else {
            "—".to_string()
        };
        let (baseline_name, ratio, target, met) = match case.baseline {
            None => ("—".to_string(), "1.00".to_string(), "—".to_string(), "—".to_string()),
            Some((name, target)) => {
                let ratio = measured.p50_ms / baseline(name);
                let short = if name.contains("primary-key") { "PK lookup" } else { "count(*)" };
                let (target, met) = match target {
                    Some(target) => (format!("≤ {target}"), if ratio <= target { "yes" } else { "**no**" }.to_string()),
                    None => ("—".to_string(), "—".to_string()),
                };
                (short.to_string(), format!("{ratio:.2}"), target, met)
            }
        };
        report.push_str(&format!(
            "| {} | {:.3} | {:.3} | {} | {baseline_name} | {ratio} | {target} | {met} | {reads} |\n",
            case.name, measured.p50_ms, measured.p99_ms, measured.transactions
        ));
    }
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
    report.push_str("\nThe targets from the issue: RPCs that return a page within 5x of a primary-key lookup (index-driven,\n");
    report.push_str("no full scan); revenue trends no slower than `count(*)` over account_move. The issue sets no target for\n");
    report.push_str("the views: their drill-downs (one customer, one employee, one project) must read through an index, which the\n");
    report.push_str("plan column checks (no full scan of a table over 10,000 rows); charts that aggregate a whole view (overdue\n");
    report.push_str("totals, revenue by customer, expenses by employee) read every row by nature and are shown against a full count.\n");
    fs::write(out, report).map_err(|e| ClusterError(format!("cannot write {out}: {e}")))?;
    eprintln!("wrote {out}");
    Ok(())
}

fn main() -> ExitCode {
    let mut scale = 100_000;
    let mut seconds = 10;
    let mut out = "BENCHMARKS.md".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--scale", Some(v)) if v.parse::<u32>().is_ok_and(|n| (10..=1_000_000).contains(&n)) => scale = v.parse().unwrap_or(scale),
            ("--seconds", Some(v)) if v.parse::<u32>().is_ok_and(|n| (1..=600).contains(&n)) => seconds = v.parse().unwrap_or(seconds),
            ("--out", Some(v)) => out = v,
            (other, _) => {
                eprintln!("odoo_mirror_bench: bad option {other} (--scale 10..1000000, --seconds 1..600, --out FILE)");
                return ExitCode::from(2);
            }
        }
    }
    match run(scale, seconds, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("odoo_mirror_bench: {error}");
            ExitCode::FAILURE
        }
    }
}
