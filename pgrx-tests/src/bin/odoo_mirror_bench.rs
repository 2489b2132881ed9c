//! `make bench`: pgbench latency (p50, p99) of each RPC and of a typical query on each view, each as a
//! ratio to a baseline measured in the same session on the same cluster, written to BENCHMARKS.md.
//!
//! Options: --scale N (customers; 100000 gives about 1M invoices, 100k expenses, 100k tasks),
//! --seconds N (per query, default 10), --out FILE (default BENCHMARKS.md), --only churn (load the
//! data and run only the churn benchmark, replacing that section of FILE; --only fraud likewise).

use std::fs;
use std::process::ExitCode;
use std::time::Instant;

use odoo_mirror_tests::{churn_bench, fraud_bench};
use odoo_mirror_tests::cluster::{Cluster, ClusterError, Result};
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data, load_generated};
use odoo_mirror_tests::generator::Config;
use odoo_mirror_tests::odoo::{conninfo, odoo_tables_sql, wait_for, wait_until_streaming, PUBLISHER_CONF};

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

fn run_case(cluster: &Cluster, case: &Case, seconds: u32, variables: &[(String, String)]) -> Result<Measured> {
    run_pgbench(cluster, case, ["-T", &seconds.to_string()], variables)
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
    // The memory trigger has its own measurement (measure_memory_trigger_cost): off here.
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
    cluster.sql(DATABASE, "DELETE FROM odoo_mirror.account_move WHERE id >= 300000000; DROP SEQUENCE public.bench_move_ids")?;
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

/// The memory trigger written in PL/pgSQL, as a SQL author would: the same events, content, metadata,
/// lookups, idempotent insert and error capture (EXCEPTION block), for the cost comparison.
const PLPGSQL_MEMORY_TRIGGER: &str = r#"
CREATE FUNCTION public.bench_plpgsql_invoice_to_memory() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    new_paid boolean := NEW.payment_state IN ('paid', 'in_payment');
    reached text[];
    before text[];
    events text[];
    chunk_event text;
    session bigint;
    currency_code text;
    decimals integer;
    partner text;
    kind text;
    direction text;
    amount text;
    body text;
BEGIN
    IF pg_catalog.current_setting('odoo_mirror.memory_enabled', true) = 'off' THEN
        RETURN NULL;
    END IF;
    reached := ARRAY['created'];
    IF NEW.state = 'posted' OR new_paid THEN reached := reached || 'posted'::text; END IF;
    IF new_paid THEN reached := reached || 'paid'::text; END IF;
    IF NEW.state = 'cancel' THEN reached := reached || 'cancelled'::text; END IF;
    IF TG_OP = 'UPDATE' AND OLD.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund') THEN
        before := ARRAY['created'];
        IF OLD.state = 'posted' OR OLD.payment_state IN ('paid', 'in_payment') THEN before := before || 'posted'::text; END IF;
        IF OLD.payment_state IN ('paid', 'in_payment') THEN before := before || 'paid'::text; END IF;
        IF OLD.state = 'cancel' THEN before := before || 'cancelled'::text; END IF;
        events := ARRAY(SELECT e FROM unnest(reached) AS e WHERE e <> ALL (before));
    ELSE
        events := ARRAY[reached[cardinality(reached)]];
    END IF;
    IF cardinality(events) = 0 THEN
        RETURN NULL;
    END IF;
    BEGIN
        SELECT c.name, c.decimal_places INTO currency_code, decimals FROM odoo_mirror.res_currency AS c WHERE c.id = NEW.currency_id;
        partner := COALESCE(NULLIF(btrim(NEW.invoice_partner_display_name), ''),
                            (SELECT COALESCE(NULLIF(p.complete_name, ''), p.name) FROM odoo_mirror.res_partner AS p WHERE p.id = NEW.partner_id),
                            'partner #' || NEW.partner_id, 'no partner');
        SELECT s.id INTO session FROM ipai_memory.sessions AS s WHERE s.agent_name = 'odoo-sync' ORDER BY s.id LIMIT 1;
        IF session IS NULL THEN
            INSERT INTO ipai_memory.sessions (agent_name) VALUES ('odoo-sync') RETURNING id INTO session;
        END IF;
        kind := CASE NEW.move_type WHEN 'out_invoice' THEN 'Customer invoice' WHEN 'out_refund' THEN 'Customer credit note'
                                   WHEN 'in_invoice' THEN 'Vendor bill' ELSE 'Vendor refund' END;
        direction := CASE WHEN NEW.move_type LIKE 'out_%' THEN 'to' ELSE 'from' END;
        amount := pg_catalog.to_char(round(NEW.amount_total, COALESCE(decimals, 2)),
                  'FM999G999G999G999G990' || CASE WHEN COALESCE(decimals, 2) > 0 THEN 'D' || repeat('0', COALESCE(decimals, 2)) ELSE '' END);
        FOREACH chunk_event IN ARRAY events LOOP
            body := format('%s %s %s %s: %s %s%s, %s', kind,
                           CASE WHEN COALESCE(btrim(NEW.name), '') IN ('', '/') THEN format('(draft #%s)', NEW.id) ELSE NEW.name END,
                           direction, partner, amount, COALESCE(currency_code, format('(currency #%s)', NEW.currency_id)),
                           CASE WHEN NEW.invoice_date_due IS NULL THEN '' ELSE ', due ' || NEW.invoice_date_due::text END, chunk_event);
            INSERT INTO ipai_memory.chunks (session_id, source_table, source_id, event, content, metadata)
            VALUES (session, 'account_move', NEW.id::text, chunk_event, body,
                    jsonb_build_object('source', 'odoo_mirror', 'event', chunk_event, 'move_id', NEW.id, 'name', NEW.name,
                        'move_type', NEW.move_type, 'state', NEW.state, 'payment_state', NEW.payment_state,
                        'partner_id', NEW.partner_id, 'partner_name', partner, 'company_id', NEW.company_id,
                        'currency_id', NEW.currency_id, 'currency', currency_code, 'amount_untaxed', NEW.amount_untaxed,
                        'amount_total', NEW.amount_total, 'amount_residual', NEW.amount_residual,
                        'invoice_date', NEW.invoice_date, 'invoice_date_due', NEW.invoice_date_due))
            ON CONFLICT (source_table, source_id, event) DO NOTHING;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO odoo_mirror.memory_errors (source_table, source_id, event, sqlstate, message)
        VALUES ('account_move', NEW.id, array_to_string(events, ','), SQLSTATE, SQLERRM);
    END;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER bench_plpgsql_invoice_to_memory
    AFTER INSERT OR UPDATE ON odoo_mirror.account_move
    FOR EACH ROW WHEN (NEW.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund'))
    EXECUTE FUNCTION public.bench_plpgsql_invoice_to_memory();
ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER bench_plpgsql_invoice_to_memory;
"#;

#[derive(Clone, Copy, PartialEq)]
enum MemoryTrigger {
    Disabled,
    Rust,
    Plpgsql,
}

impl MemoryTrigger {
    fn label(self) -> &'static str {
        match self {
            Self::Disabled => "memory trigger disabled (baseline)",
            Self::Rust => "Rust trigger invoice_to_memory",
            Self::Plpgsql => "equivalent PL/pgSQL trigger",
        }
    }

    fn switch_sql(self) -> &'static str {
        match self {
            Self::Disabled => "ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER invoice_to_memory; \
                               ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER bench_plpgsql_invoice_to_memory",
            Self::Rust => "ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER invoice_to_memory; \
                           ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER bench_plpgsql_invoice_to_memory",
            Self::Plpgsql => "ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER invoice_to_memory; \
                              ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER bench_plpgsql_invoice_to_memory",
        }
    }
}

struct TriggerCost {
    rows: i64,
    /// (variant, median ms of one statement inserting every staged invoice, chunks written)
    bulk: Vec<(MemoryTrigger, f64, i64)>,
    /// (variant, seconds for `rows` one-invoice transactions, p50 ms, p99 ms)
    transactions: Vec<(MemoryTrigger, f64, f64, f64)>,
}

const STAGED_FIRST_ID: i64 = 200_000_001;

/// 100k invoice inserts with the memory trigger, without it, and with the PL/pgSQL equivalent: as one
/// bulk statement (median of 3, rolled back) and as 100k one-invoice transactions (pgbench).
fn measure_memory_trigger_cost(cluster: &Cluster, invoices: i64) -> Result<TriggerCost> {
    cluster.psql_script(DATABASE, PLPGSQL_MEMORY_TRIGGER)?;
    // Real generated invoices (their current states, names and amounts) under new, consecutive ids.
    cluster.sql(
        DATABASE,
        &format!(
            "CREATE TABLE public.bench_staged_invoices AS SELECT * FROM odoo_mirror.account_move \
             WHERE move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund') ORDER BY id LIMIT {invoices}; \
             UPDATE public.bench_staged_invoices AS s SET id = {} + n.rn \
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM public.bench_staged_invoices) AS n WHERE n.id = s.id; \
             ALTER TABLE public.bench_staged_invoices ADD PRIMARY KEY (id); ANALYZE public.bench_staged_invoices",
            STAGED_FIRST_ID - 1
        ),
    )?;
    let rows: i64 = cluster.sql(DATABASE, "SELECT count(*) FROM public.bench_staged_invoices")?.parse().unwrap_or(0);
    let variants = [MemoryTrigger::Disabled, MemoryTrigger::Rust, MemoryTrigger::Plpgsql];

    let mut bulk_samples: Vec<(MemoryTrigger, Vec<f64>, i64)> = variants.iter().map(|v| (*v, Vec::new(), 0)).collect();
    for _ in 0..3 {
        for (variant, samples, chunks) in bulk_samples.iter_mut() {
            cluster.sql(DATABASE, variant.switch_sql())?;
            let script = "BEGIN;\n\\timing on\nINSERT INTO odoo_mirror.account_move SELECT * FROM public.bench_staged_invoices;\n\\timing off\n\
                          SELECT 'chunks=' || count(*) FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id::bigint >= 200000001;\nROLLBACK;\n";
            let output = cluster.psql_script(DATABASE, script)?;
            let ms = output
                .lines()
                .find_map(|line| line.strip_prefix("Time: ")?.split(' ').next()?.parse::<f64>().ok())
                .ok_or_else(|| ClusterError(format!("no timing in {output}")))?;
            *chunks = output.lines().find_map(|line| line.trim().strip_prefix("chunks=")?.parse().ok()).unwrap_or(0);
            samples.push(ms);
            cluster.sql(DATABASE, "VACUUM odoo_mirror.account_move, ipai_memory.chunks, odoo_mirror.revenue_daily_stale")?;
        }
    }
    let bulk = bulk_samples
        .into_iter()
        .map(|(variant, mut samples, chunks)| {
            samples.sort_by(f64::total_cmp);
            eprintln!("memory trigger, bulk: {:<40} {:>9.0} ms ({chunks} chunks)", variant.label(), samples[1]);
            (variant, samples[1], chunks)
        })
        .collect();

    // Two interleaved rounds of half the invoices each, so that drift on this noisy machine (autovacuum,
    // the GIN pending list being merged) does not favour one variant.
    let mut totals: Vec<(MemoryTrigger, f64, Vec<f64>)> = variants.iter().map(|v| (*v, 0.0, Vec::new())).collect();
    let half = rows / 2;
    for round in 0..2 {
        for (variant, seconds, latencies) in totals.iter_mut() {
            cluster.sql(DATABASE, variant.switch_sql())?;
            let first = STAGED_FIRST_ID + round * half;
            cluster.sql(DATABASE, &format!("DROP SEQUENCE IF EXISTS public.bench_invoice_ids; CREATE SEQUENCE public.bench_invoice_ids START {first}"))?;
            let case = Case {
                name: "one invoice per transaction",
                script: "INSERT INTO odoo_mirror.account_move SELECT s.* FROM public.bench_staged_invoices AS s \
                         WHERE s.id = (SELECT nextval('public.bench_invoice_ids'));\n",
                baseline: None,
            };
            let count = if round == 0 { half } else { rows - half };
            let started = Instant::now();
            let measured = run_transactions(cluster, &case, count)?;
            *seconds += started.elapsed().as_secs_f64();
            latencies.push(measured.p50_ms);
            latencies.push(measured.p99_ms);
            // Each variant inserts the same invoices: remove them before the next one.
            cluster.sql(
                DATABASE,
                &format!(
                    "DELETE FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id::bigint >= {STAGED_FIRST_ID}; \
                     DELETE FROM odoo_mirror.account_move WHERE id >= {STAGED_FIRST_ID}"
                ),
            )?;
            cluster.sql(DATABASE, "VACUUM ANALYZE odoo_mirror.account_move, ipai_memory.chunks, odoo_mirror.revenue_daily_stale")?;
        }
    }
    let mut transactions = Vec::new();
    for (variant, seconds, latencies) in totals {
        // p50 and p99 of the two rounds: the mean of each.
        let p50 = (latencies[0] + latencies[2]) / 2.0;
        let p99 = (latencies[1] + latencies[3]) / 2.0;
        eprintln!("memory trigger, {rows} transactions: {:<40} {seconds:>6.1} s, p50 {p50:.3} ms, p99 {p99:.3} ms", variant.label());
        transactions.push((variant, seconds, p50, p99));
    }
    cluster.sql(DATABASE, MemoryTrigger::Rust.switch_sql())?;
    cluster.sql(
        DATABASE,
        "DROP TRIGGER bench_plpgsql_invoice_to_memory ON odoo_mirror.account_move; \
         DROP FUNCTION public.bench_plpgsql_invoice_to_memory(); DROP TABLE public.bench_staged_invoices; \
         DROP SEQUENCE public.bench_invoice_ids",
    )?;
    Ok(TriggerCost { rows, bulk, transactions })
}

/// pgbench running `case` exactly `count` times on one client.
fn run_transactions(cluster: &Cluster, case: &Case, count: i64) -> Result<Measured> {
    run_pgbench(cluster, case, ["-t", &count.to_string()], &[])
}

struct Throughput {
    invoices: i64,
    batch: i64,
    /// (memory trigger on, seconds Odoo took to commit, seconds until the last invoice was in the mirror, chunks written)
    runs: Vec<(bool, f64, f64, i64)>,
}

/// Invoices per second from commit on an Odoo-shaped publisher to the row in the mirror, through a real
/// subscription, with the memory trigger on and off (ALTER SYSTEM, picked up by the apply worker).
fn measure_replication_throughput(invoices: i64) -> Result<Throughput> {
    let odoo = Cluster::start("bench-odoo", PUBLISHER_CONF)?;
    let mirror = Cluster::start("bench-mirror", &[])?;
    let (odoo_db, mirror_db) = ("odoo", "mirror");
    create_database_with_extension(&mirror, mirror_db)?;
    mirror.sql(mirror_db, "SELECT count(*) FROM odoo_mirror.create_landing_tables()")?;
    odoo.create_database(odoo_db)?;
    odoo.psql_script(odoo_db, &odoo_tables_sql(&mirror, mirror_db)?)?;
    let mut config = Config::new(200, chrono::Utc::now().date_naive());
    config.schema = "public".into();
    load_generated(&odoo, odoo_db, config)?;
    odoo.psql_script(odoo_db, &mirror.sql(mirror_db, "SELECT odoo_mirror.publication_sql()")?)?;
    mirror.sql(mirror_db, &format!("CREATE SUBSCRIPTION odoo_sub CONNECTION '{}' PUBLICATION odoo_pub_scout", conninfo(&odoo, odoo_db)))?;
    wait_until_streaming(&mirror, mirror_db, "odoo_sub", std::time::Duration::from_secs(600))?;
    mirror.sql(mirror_db, "SELECT odoo_mirror.rebuild_memory()")?;

    let batch = 1000;
    let mut runs = Vec::new();
    for (run, memory_on) in [true, false].into_iter().enumerate() {
        // LOAD: ALTER SYSTEM accepts the setting once the library has defined it in this session.
        mirror.psql_script(
            mirror_db,
            &format!("LOAD 'odoo_mirror';\nALTER SYSTEM SET odoo_mirror.memory_enabled = {};\n", if memory_on { "on" } else { "off" }),
        )?;
        mirror.sql(mirror_db, "SELECT pg_reload_conf()")?;
        std::thread::sleep(std::time::Duration::from_secs(2));
        let first = 300_000_000 + run as i64 * 10_000_000;
        let chunks_before: i64 = mirror.sql(mirror_db, "SELECT count(*) FROM ipai_memory.chunks")?.parse().unwrap_or(0);
        // One transaction per batch of invoices, as Odoo's workers commit them: posted, paid customer invoices.
        let mut script = String::new();
        for start in (0..invoices).step_by(batch as usize) {
            let from = first + start;
            let to = first + (start + batch).min(invoices) - 1;
            script.push_str(&format!(
                "INSERT INTO public.account_move (id, name, move_type, state, payment_state, partner_id, commercial_partner_id, \
                 invoice_partner_display_name, currency_id, company_id, amount_untaxed, amount_tax, amount_total, amount_residual, \
                 amount_untaxed_signed, amount_total_signed, invoice_date, invoice_date_due, date) \
                 SELECT g, 'INV/BENCH/' || g, 'out_invoice', 'posted', 'paid', 1 + g % 200, 1 + g % 200, 'Bench customer ' || g % 200, \
                 1, 1, 100 + g % 997, 21, 121 + g % 997, 0, 100 + g % 997, 121 + g % 997, current_date - (g % 365)::int, \
                 current_date - (g % 365)::int + 30, current_date - (g % 365)::int FROM generate_series({from}, {to}) AS g;\n"
            ));
        }
        let started = Instant::now();
        odoo.psql_script(odoo_db, &script)?;
        let committed = started.elapsed().as_secs_f64();
        wait_for(
            &mirror,
            mirror_db,
            &format!("SELECT count(*) FROM odoo_mirror.account_move WHERE id BETWEEN {first} AND {}", first + invoices - 1),
            &invoices.to_string(),
            std::time::Duration::from_secs(1800),
        )?;
        let arrived = started.elapsed().as_secs_f64();
        let chunks_after: i64 = mirror.sql(mirror_db, "SELECT count(*) FROM ipai_memory.chunks")?.parse().unwrap_or(0);
        eprintln!(
            "replication, memory {}: {invoices} invoices committed in {committed:.1} s, all in the mirror after {arrived:.1} s ({:.0} invoices/s), {} chunks",
            if memory_on { "on" } else { "off" },
            invoices as f64 / arrived,
            chunks_after - chunks_before
        );
        runs.push((memory_on, committed, arrived, chunks_after - chunks_before));
    }
    mirror.psql_script(mirror_db, "LOAD 'odoo_mirror';\nALTER SYSTEM RESET odoo_mirror.memory_enabled;\n")?;
    mirror.sql(mirror_db, "DROP SUBSCRIPTION odoo_sub")?;
    Ok(Throughput { invoices, batch, runs })
}

fn run(scale: u32, seconds: u32, out: &str) -> Result<()> {
    let cluster = Cluster::start("bench", &["max_parallel_workers_per_gather = 2", "work_mem = '64MB'"])?;
    create_database_with_extension(&cluster, DATABASE)?;
    let started = Instant::now();
    let stats = load_demo_data(&cluster, DATABASE, scale, chrono::Utc::now().date_naive())?;
    let load_seconds = started.elapsed().as_secs_f64();
    eprintln!("loaded scale {scale} in {load_seconds:.0}s");
    settle_after_load(&cluster)?;

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
    let churn = churn_bench::measure(&cluster, DATABASE, 3)?;
    let fraud = fraud_bench::measure(&cluster, DATABASE, &stats)?;
    // Last, because its rolled-back inserts leave dead rows behind in account_move.
    let ingest = measure_stale_marking_cost(&cluster)?;
    let memory = measure_memory_trigger_cost(&cluster, 100_000)?;
    let throughput = measure_replication_throughput(100_000)?;

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
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --seconds {seconds} --out {out}\n\
         # the churn section alone (loads the data, replaces that section):\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --only churn --out {out}\n\
         # the fraud section alone:\n\
         cargo run --release -p odoo_mirror_tests --bin odoo_mirror_bench -- --scale {scale} --only fraud --out {out}\n```\n\n"
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
    report.push_str(&memory_report(&memory, &throughput));
    report.push_str(&churn_bench::report(&churn));
    report.push_str(&fraud_bench::report(&fraud));
    fs::write(out, report).map_err(|e| ClusterError(format!("cannot write {out}: {e}")))?;
    eprintln!("wrote {out}");
    Ok(())
}

fn memory_report(memory: &TriggerCost, throughput: &Throughput) -> String {
    let mut report = String::new();
    report.push_str("\n## The invoice-to-memory trigger (0.2.0)\n\n");
    report.push_str(&format!(
        "{} generated invoices (customer and vendor invoices and refunds in their generated states, most of them\n\
         paid: one chunk each, as the trigger writes for a row it sees first) inserted into account_move, which holds\n\
         the generated data and its memory. The baseline has the memory trigger disabled; the revenue rollup's\n\
         triggers stay on in every variant. The PL/pgSQL trigger is the same logic written as a SQL author would\n\
         (bench source: `PLPGSQL_MEMORY_TRIGGER` in pgrx-tests/src/bin/odoo_mirror_bench.rs), EXCEPTION block included.\n\n",
        memory.rows
    ));
    let base_tx = memory.transactions.iter().find(|(v, ..)| *v == MemoryTrigger::Disabled).map(|t| t.1).unwrap_or(f64::NAN);
    let plpgsql_tx = memory.transactions.iter().find(|(v, ..)| *v == MemoryTrigger::Plpgsql).map(|t| t.1).unwrap_or(f64::NAN);
    report.push_str(&format!(
        "As {} one-invoice transactions (pgbench `-t`, one client, two interleaved rounds of half each; what steady\n\
         replication applies; p50 and p99 are the means of the two rounds):\n\n\
         | variant | total s | invoices/s | p50 ms | p99 ms | ratio to baseline | ratio to PL/pgSQL |\n|---|---:|---:|---:|---:|---:|---:|\n",
        memory.rows
    ));
    for (variant, seconds, p50, p99) in &memory.transactions {
        report.push_str(&format!(
            "| {} | {seconds:.1} | {:.0} | {p50:.3} | {p99:.3} | {:.2} | {:.2} |\n",
            variant.label(),
            memory.rows as f64 / seconds,
            seconds / base_tx,
            seconds / plpgsql_tx
        ));
    }
    let base_bulk = memory.bulk.iter().find(|(v, ..)| *v == MemoryTrigger::Disabled).map(|b| b.1).unwrap_or(f64::NAN);
    let plpgsql_bulk = memory.bulk.iter().find(|(v, ..)| *v == MemoryTrigger::Plpgsql).map(|b| b.1).unwrap_or(f64::NAN);
    report.push_str(&format!(
        "\nAs one statement inserting all {} (median of 3, rolled back; what an initial copy or a backfill does):\n\n\
         | variant | ms | chunks | ratio to baseline | ratio to PL/pgSQL |\n|---|---:|---:|---:|---:|\n",
        memory.rows
    ));
    for (variant, ms, chunks) in &memory.bulk {
        report.push_str(&format!("| {} | {ms:.0} | {chunks} | {:.2} | {:.2} |\n", variant.label(), ms / base_bulk, ms / plpgsql_bulk));
    }
    let rust_tx = memory.transactions.iter().find(|(v, ..)| *v == MemoryTrigger::Rust).map(|t| t.1).unwrap_or(f64::NAN);
    let rust_bulk = memory.bulk.iter().find(|(v, ..)| *v == MemoryTrigger::Rust).map(|b| b.1).unwrap_or(f64::NAN);
    let verdict = |met: bool| if met { "met" } else { "**not met**" };
    report.push_str(&format!(
        "\nTargets from the issue:\n\n| target | one-invoice transactions | one bulk statement |\n|---|---|---|\n\
         | Rust trigger costs no more than the PL/pgSQL one | {:.2}x PL/pgSQL: {} | {:.2}x PL/pgSQL: {} |\n\
         | adds under 50% to the bare insert | adds {:.0}%: {} | adds {:.0}%: {} |\n",
        rust_tx / plpgsql_tx,
        verdict(rust_tx <= plpgsql_tx),
        rust_bulk / plpgsql_bulk,
        verdict(rust_bulk <= plpgsql_bulk),
        (rust_tx / base_tx - 1.0) * 100.0,
        verdict(rust_tx / base_tx < 1.5),
        (rust_bulk / base_bulk - 1.0) * 100.0,
        verdict(rust_bulk / base_bulk < 1.5),
    ));
    report.push_str(MEMORY_TARGETS_NOTE);
    report.push_str(&format!(
        "\n## Replication throughput (0.2.0)\n\n\
         Two more throwaway PostgreSQL 15 clusters on the same 2-core machine: an Odoo-shaped publisher and the mirror with\n\
         the extension, its landing tables and a native subscription (initial copy of generator scale 200 done first).\n\
         {} posted, paid customer invoices committed on the Odoo side in transactions of {}; the clock runs from the start\n\
         of the first commit until the last invoice is in odoo_mirror.account_move (polled every 100 ms). The memory trigger\n\
         is switched with ALTER SYSTEM SET odoo_mirror.memory_enabled and pg_reload_conf(), which the apply worker picks up.\n\n\
         | memory trigger | Odoo commits done after s | all in the mirror after s | invoices/s, commit to mirror | chunks written |\n|---|---:|---:|---:|---:|\n",
        throughput.invoices, throughput.batch
    ));
    for (memory_on, committed, arrived, chunks) in &throughput.runs {
        report.push_str(&format!(
            "| {} | {committed:.1} | {arrived:.1} | {:.0} | {chunks} |\n",
            if *memory_on { "on" } else { "off" },
            throughput.invoices as f64 / arrived
        ));
    }
    let rate = |on: bool| throughput.runs.iter().find(|r| r.0 == on).map(|r| throughput.invoices as f64 / r.2).unwrap_or(f64::NAN);
    report.push_str(&format!("\nWith memory on, the mirror applies {:.1} times fewer invoices per second: each invoice also writes a searchable chunk.\n", rate(false) / rate(true)));
    report.push_str(REPLICATION_NOTE);
    report
}

const MEMORY_TARGETS_NOTE: &str = "
Why bulk statements pay more: per chunk, whichever language writes it, the trigger pays a subtransaction (so
that it never raises), one INSERT through SPI with its executor start, the generated English tsvector, the
GIN entry and three btree entries, one of them the unique key that makes replays idempotent; a wide
account_move row inserted by one bulk statement costs several times less than that. So bulk loads (a
backfill) switch memory off (`odoo_mirror.memory_enabled`) and run `odoo_mirror.rebuild_memory()`
afterwards, which writes chunks set-based in batches with no subtransaction; a replication's initial copy
pays the trigger (this run's data load, 1.15M moves with memory on, is the \"loaded in\" figure above).
";

const REPLICATION_NOTE: &str = "
Both rates are far above what an Odoo server commits at steady state (a busy company posts a few invoices
per second); the difference shows in how long an initial copy, or a catch-up after an outage, takes.
";

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
            format!("{}{}{}", &existing[..start], section.trim_end_matches('\n'), &existing[end..])
        }
        None => format!("{existing}{section}"),
    };
    fs::write(out, updated).map_err(|e| ClusterError(format!("cannot write {out}: {e}")))
}

/// Loads the data and runs only the churn or the fraud benchmark; its section replaces the one in `out`.
fn run_only(what: &str, scale: u32, out: &str) -> Result<()> {
    let cluster = Cluster::start("bench", &["max_parallel_workers_per_gather = 2", "work_mem = '64MB'"])?;
    create_database_with_extension(&cluster, DATABASE)?;
    let stats = load_demo_data(&cluster, DATABASE, scale, chrono::Utc::now().date_naive())?;
    settle_after_load(&cluster)?;
    if what == "fraud" {
        replace_section(out, "\n## The fraud model", &fraud_bench::report(&fraud_bench::measure(&cluster, DATABASE, &stats)?))?;
    } else {
        replace_section(out, "\n## The churn model", &churn_bench::report(&churn_bench::measure(&cluster, DATABASE, 3)?))?;
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
            ("--scale", Some(v)) if v.parse::<u32>().is_ok_and(|n| (10..=1_000_000).contains(&n)) => scale = v.parse().unwrap_or(scale),
            ("--seconds", Some(v)) if v.parse::<u32>().is_ok_and(|n| (1..=600).contains(&n)) => seconds = v.parse().unwrap_or(seconds),
            ("--out", Some(v)) => out = v,
            ("--only", Some(v)) if v == "churn" || v == "fraud" => only = Some(v),
            (other, _) => {
                eprintln!("odoo_mirror_bench: bad option {other} (--scale 10..1000000, --seconds 1..600, --out FILE, --only churn|fraud)");
                return ExitCode::from(2);
            }
        }
    }
    let outcome = match &only {
        Some(what) => run_only(what, scale, &out),
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
