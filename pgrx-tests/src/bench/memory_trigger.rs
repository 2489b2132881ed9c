//! The invoice-to-memory trigger section: invoice inserts with the Rust trigger, without it, and with
//! the same logic as a PL/pgSQL trigger, as one bulk statement and as one-invoice transactions.

use std::time::Instant;

use super::pgbench::{run_transactions, Case};
use super::DATABASE;
use crate::cluster::{Cluster, ClusterError, Result};

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

/// The three variants' costs, as one bulk statement and as one-invoice transactions.
pub struct TriggerCost {
    rows: i64,
    /// (variant, median ms of one statement inserting every staged invoice, chunks written)
    bulk: Vec<(MemoryTrigger, f64, i64)>,
    /// (variant, seconds for `rows` one-invoice transactions, p50 ms, p99 ms)
    transactions: Vec<(MemoryTrigger, f64, f64, f64)>,
}

const STAGED_FIRST_ID: i64 = 200_000_001;

/// 100k invoice inserts with the memory trigger, without it, and with the PL/pgSQL equivalent: as one
/// bulk statement (median of 3, rolled back) and as 100k one-invoice transactions (pgbench).
pub fn measure(cluster: &Cluster, invoices: i64) -> Result<TriggerCost> {
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
            cluster.sql(
                DATABASE,
                "VACUUM odoo_mirror.account_move, ipai_memory.chunks, odoo_mirror.revenue_daily_stale",
            )?;
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
            cluster.sql(
                DATABASE,
                "VACUUM ANALYZE odoo_mirror.account_move, ipai_memory.chunks, odoo_mirror.revenue_daily_stale",
            )?;
        }
    }
    let mut transactions = Vec::new();
    for (variant, seconds, latencies) in totals {
        // p50 and p99 of the two rounds: the mean of each.
        let p50 = (latencies[0] + latencies[2]) / 2.0;
        let p99 = (latencies[1] + latencies[3]) / 2.0;
        eprintln!(
            "memory trigger, {rows} transactions: {:<40} {seconds:>6.1} s, p50 {p50:.3} ms, p99 {p99:.3} ms",
            variant.label()
        );
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

/// The "invoice-to-memory trigger" section, with the targets from the issue.
pub fn report(memory: &TriggerCost) -> String {
    let mut report = String::new();
    report.push_str("\n## The invoice-to-memory trigger (0.2.0)\n\n");
    report.push_str(&format!(
        "{} generated invoices (customer and vendor invoices and refunds in their generated states, most of them\n\
         paid: one chunk each, as the trigger writes for a row it sees first) inserted into account_move, which holds\n\
         the generated data and its memory. The baseline has the memory trigger disabled; the revenue rollup's\n\
         triggers stay on in every variant. The PL/pgSQL trigger is the same logic written as a SQL author would\n\
         (bench source: `PLPGSQL_MEMORY_TRIGGER` in pgrx-tests/src/bench/memory_trigger.rs), EXCEPTION block included.\n\n",
        memory.rows
    ));
    let base_tx =
        memory.transactions.iter().find(|(v, ..)| *v == MemoryTrigger::Disabled).map(|t| t.1).unwrap_or(f64::NAN);
    let plpgsql_tx =
        memory.transactions.iter().find(|(v, ..)| *v == MemoryTrigger::Plpgsql).map(|t| t.1).unwrap_or(f64::NAN);
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
        report.push_str(&format!(
            "| {} | {ms:.0} | {chunks} | {:.2} | {:.2} |\n",
            variant.label(),
            ms / base_bulk,
            ms / plpgsql_bulk
        ));
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
