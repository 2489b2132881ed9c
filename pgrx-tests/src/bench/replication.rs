//! The replication throughput section: invoices per second from commit on an Odoo-shaped publisher to
//! the row in the mirror, through a real subscription, with the memory trigger on and off, and with the
//! prediction marks (0.6.0's `mark_predictions_stale` triggers) on and off.

use std::time::Instant;

use crate::cluster::{Cluster, Result};
use crate::demo::{create_database_with_extension, load_generated};
use crate::generator::Config;
use crate::odoo::{conninfo, odoo_tables_sql, wait_for, wait_until_streaming, PUBLISHER_CONF};

/// One replication run.
struct Run {
    memory: bool,
    marks: bool,
    /// Seconds Odoo took to commit.
    committed: f64,
    /// Seconds until the last invoice was in the mirror.
    arrived: f64,
    chunks: i64,
    /// Marks written for the churn predictions (one per customer and transaction).
    marked: i64,
}

/// Invoices replicated per second, with the memory trigger and the prediction marks on and off.
pub struct Throughput {
    invoices: i64,
    batch: i64,
    runs: Vec<Run>,
}

/// The churn marks' triggers on account_move (the fraud ones are on the expense tables).
const MARK_TRIGGERS: [&str; 3] =
    ["churn_stale_on_insert_or_delete", "churn_stale_on_update", "churn_stale_on_truncate"];

fn switch_marks(mirror: &Cluster, database: &str, on: bool) -> Result<()> {
    let script: String = MARK_TRIGGERS
        .iter()
        .map(|trigger| {
            format!(
                "ALTER TABLE odoo_mirror.account_move {} TRIGGER {trigger};\n",
                if on { "ENABLE ALWAYS" } else { "DISABLE" }
            )
        })
        .collect();
    mirror.psql_script(database, &script).map(drop)
}

/// Invoices per second from commit on an Odoo-shaped publisher to the row in the mirror, through a real
/// subscription: memory and marks on (as installed), memory off, then marks off too (ALTER SYSTEM and
/// ALTER TABLE, both picked up by the apply worker).
pub fn measure(invoices: i64) -> Result<Throughput> {
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
    mirror.sql(
        mirror_db,
        &format!("CREATE SUBSCRIPTION odoo_sub CONNECTION '{}' PUBLICATION odoo_pub_scout", conninfo(&odoo, odoo_db)),
    )?;
    wait_until_streaming(&mirror, mirror_db, "odoo_sub", std::time::Duration::from_secs(600))?;
    mirror.sql(mirror_db, "SELECT odoo_mirror.rebuild_memory()")?;

    let batch = 1000;
    let mut runs = Vec::new();
    // Marks on and off twice, alternating, so that neither gains from the table's growth between runs.
    let settings = [(true, true), (false, true), (false, false), (false, true), (false, false)];
    for (run, (memory_on, marks_on)) in settings.into_iter().enumerate() {
        switch_marks(&mirror, mirror_db, marks_on)?;
        mirror.sql(mirror_db, "DELETE FROM odoo_mirror.prediction_stale")?;
        // LOAD: ALTER SYSTEM accepts the setting once the library has defined it in this session.
        mirror.psql_script(
            mirror_db,
            &format!(
                "LOAD 'odoo_mirror';\nALTER SYSTEM SET odoo_mirror.memory_enabled = {};\n",
                if memory_on { "on" } else { "off" }
            ),
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
            &format!(
                "SELECT count(*) FROM odoo_mirror.account_move WHERE id BETWEEN {first} AND {}",
                first + invoices - 1
            ),
            &invoices.to_string(),
            std::time::Duration::from_secs(1800),
        )?;
        let arrived = started.elapsed().as_secs_f64();
        let chunks_after: i64 = mirror.sql(mirror_db, "SELECT count(*) FROM ipai_memory.chunks")?.parse().unwrap_or(0);
        let marked: i64 = mirror
            .sql(mirror_db, "SELECT count(*) FROM odoo_mirror.prediction_stale WHERE kind = 'churn'")?
            .parse()
            .unwrap_or(0);
        eprintln!(
            "replication, memory {memory_on}, marks {marks_on}: {invoices} invoices committed in {committed:.1} s, all in the mirror after {arrived:.1} s ({:.0} invoices/s), {} chunks, {marked} marks",
            invoices as f64 / arrived,
            chunks_after - chunks_before
        );
        runs.push(Run {
            memory: memory_on,
            marks: marks_on,
            committed,
            arrived,
            chunks: chunks_after - chunks_before,
            marked,
        });
    }
    switch_marks(&mirror, mirror_db, true)?;
    mirror.psql_script(mirror_db, "LOAD 'odoo_mirror';\nALTER SYSTEM RESET odoo_mirror.memory_enabled;\n")?;
    mirror.sql(mirror_db, "DROP SUBSCRIPTION odoo_sub")?;
    Ok(Throughput { invoices, batch, runs })
}

/// The "Replication throughput" section.
pub fn report(throughput: &Throughput) -> String {
    let mut report = String::new();
    report.push_str(&format!(
        "\n## Replication throughput (0.2.0; prediction marks 0.6.0)\n\n\
         Two more throwaway PostgreSQL 15 clusters on the same 2-core machine: an Odoo-shaped publisher and the mirror with\n\
         the extension, its landing tables and a native subscription (initial copy of generator scale 200 done first).\n\
         {} posted, paid customer invoices committed on the Odoo side in transactions of {}; the clock runs from the start\n\
         of the first commit until the last invoice is in odoo_mirror.account_move (polled every 100 ms). The memory trigger\n\
         is switched with ALTER SYSTEM SET odoo_mirror.memory_enabled and pg_reload_conf(), the churn prediction marks\n\
         (`churn_stale_*` triggers on account_move) with ALTER TABLE ... DISABLE / ENABLE ALWAYS TRIGGER; the apply\n\
         worker picks up both. The revenue rollup's date marks stay on throughout.\n\n\
         | memory trigger | prediction marks | Odoo commits done after s | all in the mirror after s | invoices/s, commit to mirror | chunks written | marks written |\n|---|---|---:|---:|---:|---:|---:|\n",
        throughput.invoices, throughput.batch
    ));
    let on_off = |on: bool| if on { "on" } else { "off" };
    for run in &throughput.runs {
        report.push_str(&format!(
            "| {} | {} | {:.1} | {:.1} | {:.0} | {} | {} |\n",
            on_off(run.memory),
            on_off(run.marks),
            run.committed,
            run.arrived,
            throughput.invoices as f64 / run.arrived,
            run.chunks,
            run.marked
        ));
    }
    // The mean rate of the runs with these settings.
    let rate = |memory: bool, marks: bool| {
        let rates: Vec<f64> = throughput
            .runs
            .iter()
            .filter(|run| run.memory == memory && run.marks == marks)
            .map(|run| throughput.invoices as f64 / run.arrived)
            .collect();
        rates.iter().sum::<f64>() / rates.len() as f64
    };
    report.push_str(&format!(
        "\nWith memory on, the mirror applies {:.1} times fewer invoices per second: each invoice also writes a searchable chunk.\n\
         The prediction marks cost {:.0}% of the apply rate (memory off, mean of two runs each way): each transaction writes one\n\
         mark per customer it touches, and the marks of a key already marked in the transaction are skipped in memory.\n",
        rate(false, true) / rate(true, true),
        (1.0 - rate(false, true) / rate(false, false)) * 100.0
    ));
    report.push_str(REPLICATION_NOTE);
    report
}

const REPLICATION_NOTE: &str = "
Both rates are far above what an Odoo server commits at steady state (a busy company posts a few invoices
per second); the difference shows in how long an initial copy, or a catch-up after an outage, takes.
";
