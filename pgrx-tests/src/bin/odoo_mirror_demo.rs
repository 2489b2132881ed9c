//! `make demo`: the whole pipeline on two throwaway PostgreSQL 15 clusters. One plays Odoo's database
//! (Odoo-shaped tables in public, with columns the mirror does not have, and realistic data); the other
//! is the analytics database with odoo_mirror. The publication comes from publication_sql(), a native
//! subscription lands rows through the landing tables, and then: what each kind of user sees (the
//! DBA's verify() and replication_status(), the analyst's views, n8n's RPCs as PostgREST returns them),
//! and invoices created and posted on the Odoo side showing up in the views and as AI memory.
//! Both clusters are stopped and removed at the end.
//!
//! Options: --scale N (customers, default 2000), --keep (leave the cluster running for exploration).

use std::process::ExitCode;
use std::time::Instant;

use std::time::Duration;

use odoo_mirror_tests::cluster::{Cluster, Result};
use odoo_mirror_tests::demo::{create_database_with_extension, load_generated};
use odoo_mirror_tests::generator::Config;
use odoo_mirror_tests::odoo::{conninfo, odoo_tables_sql, wait_for, wait_until_streaming, PUBLISHER_CONF};
use odoo_mirror_tests::postgrest::{RpcCall, RpcOutcome};

const DATABASE: &str = "odoo_analytics";
const ODOO_DATABASE: &str = "odoo";
const WAIT: Duration = Duration::from_secs(300);

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
    let odoo = Cluster::start("demo-odoo", PUBLISHER_CONF)?;
    let cluster = Cluster::start("demo", &[])?;
    println!("Odoo's database (stand-in): PostgreSQL 15 on 127.0.0.1:{}, wal_level = logical", odoo.port);
    println!("Analytics database:         PostgreSQL 15 on 127.0.0.1:{}", cluster.port);

    section("DBA, analytics side: CREATE EXTENSION odoo_mirror, then the landing tables");
    create_database_with_extension(&cluster, DATABASE)?;
    print!("{}", cluster.psql_script(DATABASE, "\\pset footer off\nSELECT action, count(*) AS tables FROM odoo_mirror.create_landing_tables() GROUP BY action;\n")?);

    section("Odoo side: Odoo-shaped tables (with l10n/Studio columns the mirror lacks) and data");
    odoo.create_database(ODOO_DATABASE)?;
    odoo.psql_script(ODOO_DATABASE, &odoo_tables_sql(&cluster, DATABASE)?)?;
    let today = chrono::Utc::now().date_naive();
    let mut config = Config::new(scale, today);
    config.schema = "public".into();
    let load_started = Instant::now();
    let stats = load_generated(&odoo, ODOO_DATABASE, config)?;
    println!(
        "Generated data (scale {scale}, seed 42, up to {today}) written to Odoo's tables in {:.1}s:",
        load_started.elapsed().as_secs_f64()
    );
    for (table, rows) in &stats.tables {
        println!("  public.{table:<24} {rows:>9} rows");
    }

    section("DBA, Odoo side: the publication from SELECT odoo_mirror.publication_sql()");
    let publication = cluster.sql(DATABASE, "SELECT odoo_mirror.publication_sql()")?;
    let lines: Vec<&str> = publication.lines().collect();
    for line in lines.iter().take(8) {
        println!("{line}");
    }
    println!("    ... ({} lines in all: the mirror's columns per table) ...", lines.len());
    let printed = odoo.psql_script(ODOO_DATABASE, &publication)?;
    for line in printed.lines().filter(|line| line.contains("odoo_mirror:")) {
        let shortened: String = line.chars().take(160).collect();
        println!("{shortened}{}", if line.chars().count() > 160 { " ..." } else { "" });
    }

    section("DBA, analytics side: CREATE SUBSCRIPTION; initial copy");
    let subscribe = format!(
        "CREATE SUBSCRIPTION odoo_sub CONNECTION '{}' PUBLICATION odoo_pub_scout",
        conninfo(&odoo, ODOO_DATABASE)
    );
    println!("{subscribe};");
    let copy_started = Instant::now();
    cluster.sql(DATABASE, &subscribe)?;
    wait_until_streaming(&cluster, DATABASE, "odoo_sub", WAIT)?;
    let moves = cluster.sql(DATABASE, "SELECT count(*) FROM odoo_mirror.account_move")?;
    let chunks = cluster.sql(DATABASE, "SELECT count(*) FROM ipai_memory.chunks")?;
    println!(
        "Initial copy done in {:.1}s: {moves} journal entries in odoo_mirror.account_move, {chunks} memory chunks written by the trigger under the apply worker",
        copy_started.elapsed().as_secs_f64()
    );

    // The runbook's step after an initial copy: tables were copied in parallel, so some invoices
    // became memory before their currency or partner had arrived; this fills the names in.
    let completed = cluster.sql(DATABASE, "SELECT odoo_mirror.rebuild_memory()")?;
    println!("SELECT odoo_mirror.rebuild_memory(): {completed} chunks written or completed (names that replicated after their invoice)");
    // What a scheduler (pg_cron) does every few minutes: fold changed invoice dates into the rollup.
    let refreshed = cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_revenue_rollup()")?;
    println!("Revenue rollup refreshed: {refreshed} invoice dates");
    show(&cluster, "DBA: replication status (\"lag under 60 s\" is one query)", "SELECT subscription, state, tables_ready || '/' || tables_total AS tables, received_lsn, applied_lsn, lag_bytes, round(lag_seconds::numeric, 1) AS lag_seconds, apply_error_count, sync_error_count FROM odoo_mirror.replication_status()")?;

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

    // Finance (0.7.0): a schedule refreshes the payment delays the cash forecast and the worklist read.
    let delays = cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_payment_delays()")?;
    section("DBA (pg_cron): SELECT odoo_mirror.refresh_payment_delays()");
    println!("{delays} partner rows of payment delays");
    show(
        &cluster,
        "Finance (Superset): aged receivables, largest balances",
        "SELECT company_name, partner_name, company_currency, not_due, overdue_1_30, overdue_31_60, overdue_61_90,\n\
         overdue_91_120, overdue_over_120, total_open\n\
         FROM odoo_mirror.v_receivable_aging ORDER BY total_open DESC LIMIT 5",
    )?;
    show(
        &cluster,
        "Finance: 13-week cash forecast (shifted by each partner's payment delay, beside the due dates)",
        "SELECT week_start, company_name, expected_in, expected_out, expected_net, due_in, due_out\n\
         FROM odoo_mirror.v_cash_forecast WHERE company_id = 1 ORDER BY week_start",
    )?;
    show(
        &cluster,
        "Finance: days sales outstanding, last 6 months",
        "SELECT month, company_name, receivables_at_month_end, credit_sales, round(days_sales_outstanding::numeric, 1) AS dso,\n\
         round(days_sales_outstanding_3m::numeric, 1) AS dso_3m\n\
         FROM odoo_mirror.v_dso_monthly WHERE company_id = 1 ORDER BY month DESC LIMIT 6",
    )?;

    for (title, call) in [
        (
            "n8n: POST /rpc/get_collections_worklist {\"p_limit\": 3}",
            RpcCall::post("get_collections_worklist", &[("p_limit", "integer")], r#"{"p_limit": 3}"#, "n8n_service"),
        ),
        (
            "n8n: POST /rpc/get_aging {\"p_company_id\": 999999} (an unknown company: HTTP 400)",
            RpcCall::post("get_aging", &[("p_company_id", "integer")], r#"{"p_company_id": 999999}"#, "n8n_service"),
        ),
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

    churn(&cluster)?;
    fraud(&cluster)?;
    live_invoices(&odoo, &cluster)?;

    if keep {
        println!("\nThe clusters keep running: psql -h 127.0.0.1 -p {} -U postgres {DATABASE} (Odoo side: -p {} {ODOO_DATABASE})", cluster.port, odoo.port);
        std::mem::forget(cluster);
        std::mem::forget(odoo);
    } else {
        cluster.sql(DATABASE, "DROP SUBSCRIPTION odoo_sub")?;
        cluster.stop()?;
        odoo.stop()?;
        println!("\nDone in {:.1}s; both clusters were stopped and removed.", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Invoices created, posted and paid in Odoo, arriving in the mirror's views and as AI memory.
fn live_invoices(odoo: &Cluster, cluster: &Cluster) -> Result<()> {
    section("Odoo side: a customer invoice is created (draft), then posted, then paid");
    let partner = odoo.sql(
        ODOO_DATABASE,
        "SELECT id || '|' || name FROM public.res_partner WHERE is_company AND customer_rank > 0 ORDER BY id LIMIT 1",
    )?;
    let (partner_id, partner_name) = partner.split_once('|').unwrap_or(("1", "a customer"));
    let currency = odoo.sql(ODOO_DATABASE, "SELECT currency_id FROM public.res_company ORDER BY id LIMIT 1")?;
    let steps = [
        (
            "INSERT (draft)",
            format!(
                "INSERT INTO public.account_move (id, name, move_type, state, payment_state, partner_id, commercial_partner_id, \
                 invoice_partner_display_name, currency_id, company_id, amount_untaxed, amount_tax, amount_total, amount_residual, \
                 amount_untaxed_signed, amount_total_signed, invoice_date, invoice_date_due, date, l10n_latam_document_number) \
                 VALUES (99000001, '/', 'out_invoice', 'draft', 'not_paid', {partner_id}, {partner_id}, $${partner_name}$$, {currency}, 1, \
                 1033.06, 216.94, 1250.00, 1250.00, 1033.06, 1250.00, current_date, current_date + 30, current_date, 'FA-0001-00000042')"
            ),
            "created",
        ),
        (
            "UPDATE (posted)",
            "UPDATE public.account_move SET name = 'INV/' || extract(year FROM current_date) || '/99001', state = 'posted', posted_before = true WHERE id = 99000001".to_string(),
            "posted",
        ),
        (
            "UPDATE (paid)",
            "UPDATE public.account_move SET payment_state = 'paid', amount_residual = 0 WHERE id = 99000001".to_string(),
            "paid",
        ),
    ];
    for (label, sql, event) in steps {
        let step_started = Instant::now();
        odoo.sql(ODOO_DATABASE, &sql)?;
        wait_for(
            cluster,
            DATABASE,
            &format!("SELECT count(*) FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id = '99000001' AND event = '{event}'"),
            "1",
            WAIT,
        )?;
        println!(
            "  {label:<16} committed in Odoo -> in the mirror and in memory after {:.2}s",
            step_started.elapsed().as_secs_f64()
        );
    }
    show(
        cluster,
        "Analyst: the new invoice in v_invoice_summary",
        "SELECT invoice_id, invoice_number, partner_name, state, payment_state, amount_total, currency, invoice_date_due\n\
         FROM odoo_mirror.v_invoice_summary WHERE invoice_id = 99000001",
    )?;
    show(
        cluster,
        "AI memory: its chunks in ipai_memory.chunks",
        "SELECT id, event, content, metadata->>'amount_total' AS amount, metadata->>'payment_state' AS payment_state\n\
         FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id = '99000001' ORDER BY id",
    )?;
    let query = partner_name.split_whitespace().next().unwrap_or("invoice").to_string();
    let mut search = RpcCall::post(
        "search_chunks",
        &[("p_query", "text"), ("p_limit", "integer")],
        &format!(r#"{{"p_query": "{query} paid", "p_limit": 3}}"#),
        "n8n_service",
    );
    search.schema = "ipai_memory".into();
    section(&format!("n8n (agent): POST /rpc/search_chunks {{\"p_query\": \"{query} paid\", \"p_limit\": 3}} (Content-Profile: ipai_memory)"));
    match search.run(cluster, DATABASE)? {
        RpcOutcome::Body(body) => println!("{}", pretty_json(&body)),
        RpcOutcome::Error { sqlstate, message } => println!("SQLSTATE {sqlstate}: {message}"),
    }
    show(cluster, "DBA: replication status after the live changes", "SELECT subscription, state, received_lsn, applied_lsn, lag_bytes, round(lag_seconds::numeric, 1) AS lag_seconds, last_message_at, apply_error_count FROM odoo_mirror.replication_status()")?;
    Ok(())
}

/// The churn model on the replicated invoices: trained, served to n8n, explained, and refreshed for Superset.
fn churn(cluster: &Cluster) -> Result<()> {
    let risks = |body: &str| {
        RpcCall::post(
            "get_churn_risks",
            &[("p_limit", "integer"), ("p_min_score", "double precision")],
            body,
            "n8n_service",
        )
    };
    section("n8n: POST /rpc/get_churn_risks {\"p_limit\": 3, \"p_min_score\": 0.5} before any model exists (42704: HTTP 400)");
    match risks(r#"{"p_limit": 3, "p_min_score": 0.5}"#).run(cluster, DATABASE)? {
        RpcOutcome::Body(body) => println!("{}", pretty_json(&body)),
        RpcOutcome::Error { sqlstate, message } => println!("SQLSTATE {sqlstate}: {message}"),
    }
    let trained_at = Instant::now();
    show(
        cluster,
        "DBA: train the churn model on the mirror's invoices (time-based holdout, calibrated, against recency, RFM and constant baselines)",
        "SELECT r->>'version' AS version, r->>'activated' AS active, r->>'as_of' AS holdout_as_of,
         r->'training'->>'rows' AS training_rows, r->'holdout'->>'rows' AS holdout_rows,
         round((r->'holdout'->>'churn_rate')::numeric, 3) AS churn_rate,
         round((r#>>'{model,roc_auc}')::numeric, 3) AS roc_auc,
         round((r#>>'{holdout_report,rfm_baseline,metrics,roc_auc}')::numeric, 3) AS rfm_roc_auc,
         round((r#>>'{model,log_loss}')::numeric, 3) AS log_loss,
         round((r#>>'{holdout_report,constant_baseline,metrics,log_loss}')::numeric, 3) AS constant_log_loss,
         round((r#>>'{model,ece}')::numeric, 3) AS ece,
         r->>'qualification' AS qualification,
         round((r->>'training_seconds')::numeric, 2) AS seconds
         FROM (SELECT odoo_mirror.train_churn_model() AS r) AS t",
    )?;
    show(
        cluster,
        "Demo only: a model that does not qualify stays inactive; activate the new version anyway to show scoring",
        "SELECT odoo_mirror.activate_model('churn', m.version)->>'version' AS activated_version
         FROM (SELECT max(version) AS version FROM odoo_mirror.ml_models WHERE kind = 'churn') AS m
         WHERE NOT EXISTS (SELECT FROM odoo_mirror.ml_models WHERE kind = 'churn' AND active)",
    )?;
    println!("(trained and stored in {:.1}s)", trained_at.elapsed().as_secs_f64());
    section("n8n: POST /rpc/get_churn_risks {\"p_limit\": 3, \"p_min_score\": 0.6}");
    let top = match risks(r#"{"p_limit": 3, "p_min_score": 0.6}"#).run(cluster, DATABASE)? {
        RpcOutcome::Body(body) => {
            println!("{}", pretty_json(&body));
            serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|rows| rows[0]["partner_id"].as_i64())
        }
        RpcOutcome::Error { sqlstate, message } => {
            println!("SQLSTATE {sqlstate}: {message}");
            None
        }
    };
    if let Some(partner) = top {
        show(
            cluster,
            &format!("Analyst: why customer {partner} scores high: SELECT odoo_mirror.explain_churn({partner})"),
            &format!(
                "SELECT f->>'feature' AS feature, round((f->>'value')::numeric, 2) AS value,
                 round((f->>'contribution')::numeric, 3) AS contribution_to_logit, f->>'reading' AS reading
                 FROM jsonb_array_elements(odoo_mirror.explain_churn({partner})->'features') AS f LIMIT 6"
            ),
        )?;
    }
    cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_churn_predictions()")?;
    show(
        cluster,
        "Analyst (Superset): churn risk by band, after SELECT odoo_mirror.refresh_churn_predictions()",
        "SELECT risk_band, count(*) AS customers, round(avg(score)::numeric, 3) AS avg_score, sum(revenue_at_risk) AS revenue_at_risk
         FROM odoo_mirror.v_churn_risk GROUP BY risk_band ORDER BY min(score) DESC",
    )?;
    Ok(())
}

/// Expense fraud on the replicated expenses (with the generator's injected cases): trained without
/// labels, served to n8n, explained, and refreshed for Superset.
fn fraud(cluster: &Cluster) -> Result<()> {
    show(
        cluster,
        "DBA: train the expense fraud model (rules + isolation forest; no labels yet: the documented default weights)",
        "SELECT r->>'version' AS version, r->>'activated' AS active, r->>'expenses' AS expenses,
         r->>'fitted_on_labels' AS fitted_on_labels, round((r->>'training_seconds')::numeric, 2) AS seconds
         FROM (SELECT odoo_mirror.train_fraud_model() AS r) AS t",
    )?;
    let suspects = RpcCall::post(
        "get_suspicious_expenses",
        &[("p_limit", "integer"), ("p_min_score", "double precision")],
        r#"{"p_limit": 3, "p_min_score": 0.7}"#,
        "n8n_service",
    );
    section("n8n: POST /rpc/get_suspicious_expenses {\"p_limit\": 3, \"p_min_score\": 0.7}");
    let top = match suspects.run(cluster, DATABASE)? {
        RpcOutcome::Body(body) => {
            println!("{}", pretty_json(&body));
            serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|rows| rows[0]["expense_id"].as_i64())
        }
        RpcOutcome::Error { sqlstate, message } => {
            println!("SQLSTATE {sqlstate}: {message}");
            None
        }
    };
    if let Some(expense) = top {
        show(
            cluster,
            &format!("Analyst: why expense {expense} is suspicious: SELECT odoo_mirror.explain_fraud({expense})"),
            &format!(
                "SELECT r->>'rule' AS rule, round((r->>'contribution')::numeric, 2) AS contribution_to_logit, r->>'evidence' AS evidence
                 FROM jsonb_array_elements(odoo_mirror.explain_fraud({expense})->'reasons') AS r"
            ),
        )?;
    }
    show(
        cluster,
        "n8n: get_pending_expenses now carries each report's highest fraud score and its reason",
        "SELECT sheet_id, employee_name, total_amount, round(fraud_score::numeric, 3) AS fraud_score, left(fraud_top_reason, 90) AS fraud_top_reason
         FROM odoo_mirror.get_pending_expenses(100) ORDER BY fraud_score DESC NULLS LAST LIMIT 5",
    )?;
    cluster.sql(DATABASE, "SELECT odoo_mirror.refresh_fraud_predictions()")?;
    show(
        cluster,
        "Analyst (Superset): suspicious expenses by top rule, after SELECT odoo_mirror.refresh_fraud_predictions()",
        "SELECT split_part(top_reason, ':', 1) AS top_rule, risk_band, count(*) AS expenses, sum(amount) AS amount
         FROM odoo_mirror.v_suspicious_expenses GROUP BY 1, 2 ORDER BY 3 DESC",
    )?;
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
