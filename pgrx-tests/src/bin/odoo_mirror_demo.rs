//! `make demo`: a throwaway PostgreSQL cluster, odoo_mirror installed, realistic data loaded, and what
//! each kind of user sees: the DBA's verify(), the analyst's views, n8n's RPCs as PostgREST returns them.
//! The cluster is stopped and removed at the end.
//!
//! Options: --scale N (customers, default 2000), --keep (leave the cluster running for exploration).

use std::process::ExitCode;
use std::time::Instant;

use odoo_mirror_tests::cluster::{Cluster, Result};
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::postgrest::{RpcCall, RpcOutcome};

const DATABASE: &str = "odoo_analytics";

fn section(title: &str) {
    println!("\n=== {title} {}", "=".repeat(90usize.saturating_sub(title.len())));
}

fn show(cluster: &Cluster, title: &str, sql: &str) -> Result<()> {
    section(title);
    println!("{sql}\n");
    let output = cluster.psql_script(DATABASE, &format!("\\pset footer off\n\\pset null '·'\n{sql};\n"))?;
    print!("{output}");
    Ok(())
}

fn run(scale: u32, keep: bool) -> Result<()> {
    let started = Instant::now();
    let cluster = Cluster::start("demo", &[])?;
    println!("PostgreSQL 15 cluster in {} on 127.0.0.1:{}", cluster.dir.display(), cluster.port);
    create_database_with_extension(&cluster, DATABASE)?;
    println!("CREATE EXTENSION odoo_mirror: done");
    let today = chrono::Utc::now().date_naive();
    let load_started = Instant::now();
    let stats = load_demo_data(&cluster, DATABASE, scale, today)?;
    println!("Demo data (scale {scale}, seed 42, up to {today}) loaded in {:.1}s:", load_started.elapsed().as_secs_f64());
    for (table, rows) in &stats.tables {
        println!("  {table:<24} {rows:>9} rows");
    }

    // What a scheduler (pg_cron) does every few minutes: fold changed invoice dates into the rollup.
    let refreshed = cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_revenue_rollup()")?;
    println!("Revenue rollup refreshed: {refreshed} invoice dates");

    show(&cluster, "DBA: verification report", "SELECT * FROM odoo_mirror.verify()")?;
    show(
        &cluster,
        "Analyst (Superset): overdue customer invoices",
        "SELECT invoice_number, partner_name, invoice_date_due, currency, amount_total, amount_residual_signed, days_overdue\n\
         FROM odoo_mirror.v_invoice_summary WHERE is_overdue AND move_type = 'out_invoice'\n\
         ORDER BY days_overdue DESC LIMIT 5",
    )?;
    show(
        &cluster,
        "Analyst: top customers by net revenue",
        "SELECT partner_name, company_name, currency, invoiced_amount, refunded_amount, net_revenue, invoice_count, last_invoice_date\n\
         FROM odoo_mirror.v_revenue_by_partner ORDER BY net_revenue DESC LIMIT 5",
    )?;
    show(
        &cluster,
        "Analyst: expense lines",
        "SELECT expense_id, employee_name, description, total_amount, company_currency, expense_state, sheet_status\n\
         FROM odoo_mirror.v_expense_summary ORDER BY expense_date DESC, expense_id LIMIT 5",
    )?;
    show(
        &cluster,
        "Analyst: expenses by employee",
        "SELECT employee_name, expense_count, total_amount, amount_submitted, amount_approved, amount_done, amount_refused, last_expense_date\n\
         FROM odoo_mirror.v_expense_by_employee ORDER BY total_amount DESC LIMIT 5",
    )?;
    show(
        &cluster,
        "Analyst: tasks",
        "SELECT task_id, task_name, project_name, stage_name, status, priority_label, assignees, is_overdue, days_overdue\n\
         FROM odoo_mirror.v_task_summary WHERE NOT is_closed ORDER BY days_overdue DESC, task_id LIMIT 5",
    )?;

    for (title, call) in [
        (
            "n8n: POST /rpc/get_pending_expenses {\"p_limit\": 3}",
            RpcCall::post("get_pending_expenses", &[("p_limit", "integer")], r#"{"p_limit": 3}"#, "n8n_service"),
        ),
        (
            "n8n: POST /rpc/get_overdue_tasks {\"p_limit\": 3}",
            RpcCall::post("get_overdue_tasks", &[("p_limit", "integer")], r#"{"p_limit": 3}"#, "n8n_service"),
        ),
        (
            "n8n: GET /rpc/get_revenue_trends?p_months=6",
            RpcCall::get("get_revenue_trends", &[("p_months", "integer")], r#"{"p_months": 6}"#, "n8n_service"),
        ),
        (
            "n8n: POST /rpc/get_pending_expenses {\"p_limit\": 5000} (bad input: HTTP 400)",
            RpcCall::post("get_pending_expenses", &[("p_limit", "integer")], r#"{"p_limit": 5000}"#, "n8n_service"),
        ),
    ] {
        section(title);
        match call.run(&cluster, DATABASE)? {
            RpcOutcome::Body(body) => println!("{}", pretty_json(&body)),
            RpcOutcome::Error { sqlstate, message } => println!("SQLSTATE {sqlstate}: {message}"),
        }
    }

    if keep {
        println!("\nThe cluster keeps running: psql -h 127.0.0.1 -p {} -U postgres {DATABASE}", cluster.port);
        std::mem::forget(cluster);
    } else {
        cluster.stop()?;
        println!("\nDone in {:.1}s; the cluster was stopped and removed.", started.elapsed().as_secs_f64());
    }
    Ok(())
}

fn pretty_json(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_else(|_| body.to_string()),
        Err(_) => body.to_string(),
    }
}

fn main() -> ExitCode {
    let mut scale = 2000;
    let mut keep = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scale" => match args.next().and_then(|value| value.parse().ok()) {
                Some(value) if (10..=1_000_000).contains(&value) => scale = value,
                _ => {
                    eprintln!("odoo_mirror_demo: --scale takes a number from 10 to 1000000");
                    return ExitCode::from(2);
                }
            },
            "--keep" => keep = true,
            other => {
                eprintln!("odoo_mirror_demo: unknown option {other}");
                return ExitCode::from(2);
            }
        }
    }
    match run(scale, keep) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("odoo_mirror_demo: {error}");
            ExitCode::FAILURE
        }
    }
}
