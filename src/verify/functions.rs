//! `odoo_mirror.verify()`: what a DBA runs after setting up replication. Gathers facts from the
//! catalog through SPI and turns them into checks with the rules in `verify.rs`.
//!
//! It runs with the caller's privileges, so "readable" and "callable" mean: by the caller. Privilege
//! checks come before every probe, so a caller without access gets a `fail` row, not an error.

use pgrx::prelude::*;

use crate::catalog::{self, Rpc};
use pgrx::pg_sys::panic::ErrorReport;

use crate::error::OdooMirrorError;
use crate::spi::subtransaction;
use crate::spi::{select_names, select_rows, select_value};
use crate::verify::rules;
use crate::verify::rules::{
    blanked_check, index_check, landing_check, none_allowed, payment_delays_check, rollup_check, rows,
    subscription_check, table_check, Check, Status, SubscriptionFacts,
};

const RELATIONS_WITHOUT_SELECT: &str = "\
    SELECT c.relname::text FROM pg_catalog.pg_class AS c \
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
    WHERE n.nspname = 'odoo_mirror' AND c.relkind IN ('r', 'v', 'm', 'p') \
      AND NOT pg_catalog.has_table_privilege($1, c.oid, 'SELECT') ORDER BY 1";

const RELATIONS_WITH_SELECT: &str = "\
    SELECT c.relname::text FROM pg_catalog.pg_class AS c \
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
    WHERE n.nspname = 'odoo_mirror' AND c.relkind IN ('r', 'v', 'm', 'p') \
      AND pg_catalog.has_table_privilege($1, c.oid, 'SELECT') ORDER BY 1";

const FUNCTIONS_WITH_EXECUTE: &str = "\
    SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc AS p \
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace \
    WHERE n.nspname = 'odoo_mirror' AND pg_catalog.has_function_privilege($1, p.oid, 'EXECUTE') ORDER BY 1";

const FUNCTIONS_EXECUTABLE_BY_PUBLIC: &str = "\
    SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc AS p \
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace \
    WHERE n.nspname = 'odoo_mirror' AND EXISTS ( \
        SELECT FROM pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) AS acl \
        WHERE acl.grantee = 0 AND acl.privilege_type = 'EXECUTE') ORDER BY 1";

const FUNCTIONS_WITHOUT_SEARCH_PATH: &str = "\
    SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc AS p \
    JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace \
    WHERE n.nspname = 'odoo_mirror' AND NOT EXISTS ( \
        SELECT FROM pg_catalog.unnest(p.proconfig) AS setting WHERE setting LIKE 'search_path=%') ORDER BY 1";

/// Clean (not stale) invoice dates on which the rollup and account_move disagree.
const ROLLUP_MISMATCHES: &str = "\
    WITH direct AS ( \
        SELECT m.invoice_date, COALESCE(m.company_id, 0) AS company_id, m.move_type::text AS move_type, \
               COALESCE(pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.amount_untaxed_signed > '-Infinity' \
                                                  AND m.amount_untaxed_signed < 'Infinity'), 0) AS amount, \
               pg_catalog.count(*) AS moves \
        FROM odoo_mirror.account_move AS m \
        WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date IS NOT NULL \
        GROUP BY 1, 2, 3), \
    rollup AS ( \
        SELECT r.invoice_date, r.company_id, r.move_type::text AS move_type, r.amount_untaxed_signed AS amount, \
               r.move_count AS moves \
        FROM odoo_mirror.revenue_daily AS r), \
    differences AS ((TABLE direct EXCEPT TABLE rollup) UNION ALL (TABLE rollup EXCEPT TABLE direct)) \
    SELECT pg_catalog.count(DISTINCT d.invoice_date) FROM differences AS d \
    WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s \
                      WHERE s.invoice_date = d.invoice_date OR s.invoice_date IS NULL)";

/// Stale dates and how long the oldest has waited for a refresh.
const ROLLUP_STALENESS: &str = "\
    SELECT pg_catalog.count(DISTINCT COALESCE(s.invoice_date, 'infinity')), \
           COALESCE(pg_catalog.floor(EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.min(s.changed_at)) / 3600), 0)::bigint \
    FROM odoo_mirror.revenue_daily_stale AS s";

#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn verify(
) -> Result<TableIterator<'static, (name!(check, String), name!(status, String), name!(detail, String))>, ErrorReport> {
    let checks = run_checks()?;
    Ok(TableIterator::new(
        checks.into_iter().map(|check| (check.name, check.status.as_str().to_string(), check.detail)),
    ))
}

fn run_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = guarded("extension", || Ok(vec![extension_check()?]));
    // One scan per table gives its row count and its odd values; the values rows come after the indexes.
    let mut value_checks = Vec::new();
    for table in catalog::TABLES {
        let (values, table_checks): (Vec<Check>, Vec<Check>) =
            guarded(&format!("table {table}"), || check_table(table))
                .into_iter()
                .partition(|check| check.name.starts_with("values "));
        checks.extend(table_checks);
        value_checks.extend(values);
    }
    for view in catalog::VIEWS {
        checks.extend(guarded(&format!("view {view}"), || Ok(vec![check_view(view)?])));
    }
    for rpc in catalog::RPCS {
        checks.extend(guarded(&format!("rpc {}", rpc.name), || Ok(vec![check_rpc(rpc)?])));
    }
    for index in catalog::INDEXES {
        checks.extend(guarded(&format!("index {index}"), || {
            let valid = select_value::<bool>(
                "SELECT i.indisvalid FROM pg_catalog.pg_index AS i \
                 JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid \
                 JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'odoo_mirror' AND c.relname = $1",
                &[(*index).into()],
            )?;
            Ok(vec![index_check(index, valid)])
        }));
    }
    checks.extend(value_checks);
    checks.extend(guarded("revenue rollup", rollup_checks));
    checks.extend(guarded("payment delays", || Ok(vec![payment_delays_checks()?])));
    checks.extend(guarded("memory", memory_checks));
    checks.extend(guarded("replication", replication_checks));
    checks.extend(guarded("models", model_checks));
    checks.extend(guarded("model monitoring", monitoring_checks));
    checks.extend(guarded("grants", grant_checks));
    Ok(checks)
}

/// Runs one check (or group of checks) in its own subtransaction: whatever stops it (a damaged
/// catalog, a lock timeout, a value PostgreSQL cannot compute) becomes a `fail` row with its SQLSTATE
/// and message, and the other checks still run. verify() itself never raises for them.
fn guarded(name: &str, run: impl FnOnce() -> Result<Vec<Check>, OdooMirrorError>) -> Vec<Check> {
    match subtransaction::run(run) {
        Ok(checks) => checks,
        Err(failure) => vec![Check::new(
            name,
            Status::Fail,
            format!("the check could not run: {} {}", failure.sqlstate, failure.message),
        )],
    }
}

fn trigger_enabled_always(trigger: &str) -> Result<bool, OdooMirrorError> {
    Ok(select_value::<bool>(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_trigger AS t \
         WHERE t.tgrelid = pg_catalog.to_regclass('odoo_mirror.account_move') AND t.tgname = $1 AND t.tgenabled = 'A')",
        &[trigger.into()],
    )?
    .unwrap_or(false))
}

fn memory_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = Vec::new();
    let trigger = catalog::MEMORY_TRIGGER;
    checks.push(if trigger_enabled_always(trigger)? {
        Check::new(format!("trigger {trigger}"), Status::Ok, "fires on every change, replication included (ENABLE ALWAYS)")
    } else {
        Check::new(
            format!("trigger {trigger}"),
            Status::Fail,
            format!("missing, disabled or not ENABLE ALWAYS (fix: ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER {trigger};)"),
        )
    });

    let store = select_rows(
        "SELECT pg_catalog.to_regclass('ipai_memory.chunks') IS NOT NULL, \
                pg_catalog.to_regclass('ipai_memory.sessions') IS NOT NULL, \
                (SELECT c.reltuples::bigint FROM pg_catalog.pg_class AS c WHERE c.oid = pg_catalog.to_regclass('ipai_memory.chunks'))",
        &[],
        |row| Ok((row.get::<bool>(1)?.unwrap_or(false), row.get::<bool>(2)?.unwrap_or(false), row.get::<i64>(3)?)),
    )?;
    let (chunks, sessions, estimate) = store.first().cloned().unwrap_or((false, false, None));
    let idempotent = crate::memory::store::memory_store_ready()?;
    checks.push(match (chunks, sessions) {
        (true, true) if !idempotent => Check::new(
            "memory store",
            Status::Fail,
            "ipai_memory.chunks has no unique index on (source_table, source_id, event): the trigger writes nothing \
             (fix: ALTER TABLE ipai_memory.chunks ADD UNIQUE (source_table, source_id, event))",
        ),
        (true, true) => Check::new(
            "memory store",
            Status::Ok,
            match estimate {
                Some(estimate) if estimate >= 0 => {
                    format!("ipai_memory.chunks and sessions present (about {estimate} chunks)")
                }
                _ => "ipai_memory.chunks and sessions present".to_string(),
            },
        ),
        _ => Check::new(
            "memory store",
            Status::Fail,
            "ipai_memory.chunks or ipai_memory.sessions is missing: run SELECT odoo_mirror.rebuild_memory()",
        ),
    });

    if chunks && sessions && idempotent {
        let unresolved = crate::memory::store::count_unresolved_name_chunks(crate::memory::content::AGENT_NAME)?;
        checks.push(if unresolved == 0 {
            Check::new("memory names", Status::Ok, "every invoice chunk names its currency and partner where the mirror has them")
        } else {
            Check::new(
                "memory names",
                Status::Warn,
                format!(
                    "{unresolved} invoice chunk(s) were written before their currency or partner replicated (an initial copy \
                     syncs tables in parallel): run SELECT odoo_mirror.rebuild_memory()"
                ),
            )
        });
    }

    let enabled = select_value::<String>("SELECT pg_catalog.current_setting('odoo_mirror.memory_enabled', true)", &[])?;
    checks.push(match enabled.as_deref() {
        Some("off") => Check::new(
            "memory enabled",
            Status::Warn,
            "odoo_mirror.memory_enabled is off: invoices do not become memory; switch it on, then SELECT odoo_mirror.rebuild_memory()",
        ),
        _ => Check::new("memory enabled", Status::Ok, "odoo_mirror.memory_enabled is on"),
    });

    let errors = select_rows(
        "SELECT pg_catalog.count(*), (pg_catalog.array_agg(e.sqlstate || ': ' || e.message ORDER BY e.id DESC))[1] \
         FROM odoo_mirror.memory_errors AS e WHERE e.occurred_at > pg_catalog.now() - interval '24 hours'",
        &[],
        |row| Ok((row.get::<i64>(1)?.unwrap_or(0), row.get::<String>(2)?)),
    )?;
    let (recent, latest) = errors.first().cloned().unwrap_or((0, None));
    checks.push(if recent == 0 {
        Check::new("memory errors", Status::Ok, "none in the last 24 h")
    } else {
        Check::new(
            "memory errors",
            Status::Warn,
            format!(
                "{recent} in the last 24 h, latest: {}; see odoo_mirror.memory_errors, fix the cause, then SELECT odoo_mirror.rebuild_memory()",
                latest.unwrap_or_default()
            ),
        )
    });
    Ok(checks)
}

/// The active churn model and whether the predictions table was scored with it.
fn model_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = churn_model_checks()?;
    checks.push(fraud_model_check()?);
    Ok(checks)
}

fn fraud_model_check() -> Result<Check, OdooMirrorError> {
    let active = select_rows(
        "SELECT m.version, COALESCE((m.model ->> 'fitted_on_labels')::boolean, false), \
                COALESCE(m.metrics #>> '{holdout,model,roc_auc}', ''), \
                (SELECT pg_catalog.count(*) FROM odoo_mirror.expense_labels) \
         FROM odoo_mirror.ml_models AS m WHERE m.kind = 'fraud' AND m.active",
        &[],
        |row| {
            Ok((
                row.get::<i32>(1)?.unwrap_or(0),
                row.get::<bool>(2)?.unwrap_or(false),
                row.get::<String>(3)?.unwrap_or_default(),
                row.get::<i64>(4)?.unwrap_or(0),
            ))
        },
    )?;
    Ok(match active.into_iter().next() {
        None => Check::new(
            "fraud model",
            Status::Warn,
            "none active: fraud scoring and get_suspicious_expenses answer 42704, get_pending_expenses leaves its fraud columns NULL, until one is trained (SELECT odoo_mirror.train_fraud_model();)",
        ),
        Some((version, true, auc, labels)) => Check::new(
            "fraud model",
            Status::Ok,
            format!("version {version} active, fitted on labels ({labels} stored); holdout ROC AUC {}", auc.parse::<f64>().map(|value| format!("{value:.3}")).unwrap_or(auc)),
        ),
        Some((version, false, _, labels)) => Check::new(
            "fraud model",
            Status::Ok,
            format!("version {version} active, default weights ({labels} labels stored: a fit needs enough of both verdicts)"),
        ),
    })
}

fn churn_model_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let active = select_rows(
        "SELECT m.version, (m.metrics #>> '{model,roc_auc}')::float8, \
                GREATEST((m.metrics #>> '{holdout_report,recency_baseline,metrics,roc_auc}')::float8, \
                         (m.metrics #>> '{holdout_report,rfm_baseline,metrics,roc_auc}')::float8), \
                COALESCE(m.metrics ->> 'qualification', ''), COALESCE((m.metrics ->> 'qualifies')::boolean, true), \
                COALESCE(m.metrics ->> 'as_of', '?'), \
                (SELECT pg_catalog.count(*) FROM odoo_mirror.churn_predictions), \
                (SELECT r.model_version FROM odoo_mirror.prediction_runs AS r WHERE r.kind = 'churn') \
         FROM odoo_mirror.ml_models AS m WHERE m.kind = 'churn' AND m.active",
        &[],
        |row| {
            Ok((
                row.get::<i32>(1)?.unwrap_or(0),
                row.get::<f64>(2)?,
                row.get::<f64>(3)?,
                row.get::<String>(4)?.unwrap_or_default(),
                row.get::<bool>(5)?.unwrap_or(true),
                row.get::<String>(6)?.unwrap_or_default(),
                row.get::<i64>(7)?.unwrap_or(0),
                row.get::<i32>(8)?,
            ))
        },
    )?;
    let Some((version, auc, baseline_auc, qualification, qualifies, as_of, predictions, run_version)) =
        active.into_iter().next()
    else {
        return Ok(vec![Check::new(
            "churn model",
            Status::Warn,
            "none active: churn scoring and get_churn_risks answer 42704 until one is trained (SELECT odoo_mirror.train_churn_model();)",
        )]);
    };
    let model = rules::churn_model_check(version, auc, baseline_auc, &qualification, qualifies, &as_of);
    let predictions = if run_version != Some(version) {
        Check::new(
            "churn predictions",
            Status::Warn,
            format!("{predictions} stored rows are not version {version}'s: readers score everyone live until SELECT odoo_mirror.refresh_churn_predictions(); runs"),
        )
    } else {
        Check::new("churn predictions", Status::Ok, format!("{predictions} customers scored by version {version}"))
    };
    Ok(vec![model, predictions])
}

/// Drift at the last full refresh and the latest kept predictions with outcomes, per model kind.
fn monitoring_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = Vec::new();
    let performance = crate::ml::model_performance_rows()?;
    for kind in ["churn", "fraud"] {
        let drift = select_rows(
            "SELECT d.input, d.psi FROM odoo_mirror.v_model_drift AS d \
             JOIN odoo_mirror.ml_models AS m ON m.kind = d.kind AND m.version = d.model_version AND m.active \
             WHERE d.kind = $1",
            &[kind.into()],
            |row| Ok((row.get::<String>(1)?.unwrap_or_default(), row.get::<f64>(2)?.unwrap_or(0.0))),
        )?;
        checks.push(rules::drift_check(kind, &drift));
        let holdout_auc = select_value::<f64>(
            "SELECT COALESCE(m.metrics #>> '{model,roc_auc}', m.metrics #>> '{holdout,model,roc_auc}')::float8 \
             FROM odoo_mirror.ml_models AS m WHERE m.kind = $1 AND m.active",
            &[kind.into()],
        )?;
        let latest = performance
            .iter()
            .filter(|row| row.kind == kind && row.judged > 0)
            .max_by_key(|row| row.scored_on)
            .map(|row| (row.scored_on_text.clone(), row.judged, row.roc_auc, row.calibration_error));
        checks.push(rules::performance_check(kind, latest, holdout_auc));
    }
    Ok(checks)
}

fn replication_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = Vec::new();
    let subscriptions = select_rows(
        "SELECT s.subscription, s.state, s.tables_total, s.tables_ready, s.lag_seconds, s.apply_error_count, s.sync_error_count \
         FROM odoo_mirror.replication_status() AS s",
        &[],
        |row| {
            Ok(SubscriptionFacts {
                name: row.get::<String>(1)?.unwrap_or_default(),
                state: row.get::<String>(2)?.unwrap_or_default(),
                tables_total: row.get::<i32>(3)?.unwrap_or(0),
                tables_ready: row.get::<i32>(4)?.unwrap_or(0),
                lag_seconds: row.get::<f64>(5)?,
                apply_errors: row.get::<i64>(6)?.unwrap_or(0),
                sync_errors: row.get::<i64>(7)?.unwrap_or(0),
            })
        },
    )?;

    let landings = select_rows(
        "SELECT t.name, pn.nspname::text, \
                pg_catalog.has_table_privilege('public', p.oid, 'SELECT,INSERT,UPDATE,DELETE') \
                OR EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname IN ('anon', 'authenticated') \
                           AND pg_catalog.has_table_privilege(r.oid, p.oid, 'SELECT,INSERT,UPDATE,DELETE')) \
         FROM pg_catalog.unnest($1::text[]) AS t (name) \
         LEFT JOIN pg_catalog.pg_inherits AS i ON i.inhrelid = pg_catalog.to_regclass('odoo_mirror.' || pg_catalog.quote_ident(t.name)) \
         LEFT JOIN pg_catalog.pg_class AS p ON p.oid = i.inhparent \
         LEFT JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.relnamespace",
        &[catalog::TABLES.iter().map(|t| t.to_string()).collect::<Vec<String>>().into()],
        |row| Ok((row.get::<String>(1)?.unwrap_or_default(), row.get::<String>(2)?, row.get::<bool>(3)?.unwrap_or(false))),
    )?;
    let missing: Vec<String> =
        landings.iter().filter(|(_, schema, _)| schema.is_none()).map(|(table, _, _)| table.clone()).collect();
    let mut schemas: Vec<String> = landings.iter().filter_map(|(_, schema, _)| schema.clone()).collect();
    schemas.sort();
    schemas.dedup();
    checks.push(landing_check(&missing, catalog::TABLES.len(), subscriptions.len(), &schemas));
    let exposed: Vec<String> = landings
        .iter()
        .filter(|(_, schema, open)| schema.is_some() && *open)
        .map(|(table, schema, _)| format!("{}.{table}", schema.clone().unwrap_or_default()))
        .collect();
    if missing.len() < catalog::TABLES.len() {
        checks.push(none_allowed(
            "grants landing tables",
            Status::Fail,
            &exposed,
            "closed to PUBLIC, anon and authenticated",
            "open to PUBLIC, anon or authenticated (run create_landing_tables() again)",
        ));
    }

    if subscriptions.is_empty() {
        checks.push(Check::new("subscription", Status::Warn, "no subscription in this database"));
    }
    for subscription in &subscriptions {
        checks.push(subscription_check(subscription));
    }
    Ok(checks)
}

fn extension_check() -> Result<Check, OdooMirrorError> {
    let version = select_value::<String>(
        "SELECT extversion::text FROM pg_catalog.pg_extension WHERE extname = 'odoo_mirror'",
        &[],
    )?;
    Ok(match version {
        Some(version) => Check::new("extension", Status::Ok, format!("odoo_mirror {version} in schema odoo_mirror")),
        None => Check::new("extension", Status::Fail, "odoo_mirror is not installed in this database"),
    })
}

/// Whether a relation exists and the caller may read it: None when it is missing.
fn relation_readable(relation: &str) -> Result<Option<bool>, OdooMirrorError> {
    select_value::<bool>(
        "SELECT pg_catalog.has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class AS c \
         JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'odoo_mirror' AND c.relname = $1",
        &[relation.into()],
    )
}

/// A mirror table: present, readable, its row count, and for the tables the views read amounts and
/// dates from (catalog::BLANKED_VALUES), how many rows hold values the views show as NULL: amounts that
/// do not fit numeric(16,2), NaN or ±Infinity, and dates at ±infinity. The data is someone else's: a
/// warning that says where, never a failure. One scan gives all three counts.
fn check_table(table: &str) -> Result<Vec<Check>, OdooMirrorError> {
    let columns = catalog::BLANKED_VALUES.iter().find(|(name, _, _)| *name == table);
    let not_checked =
        || Check::new(format!("values {table}"), Status::Ok, "not checked: the table is missing or not readable");
    let readable = relation_readable(table)?;
    if readable != Some(true) {
        let mut checks = vec![match readable {
            None => table_check(table, None),
            _ => Check::new(format!("table {table}"), Status::Fail, "the current user cannot read it"),
        }];
        checks.extend(columns.map(|_| not_checked()));
        return Ok(checks);
    }
    let (amounts, dates): (&[&str], &[&str]) = columns.map_or((&[], &[]), |(_, amounts, dates)| (amounts, dates));
    let any_of = |columns: &[&str], test: &dyn Fn(&str) -> String| {
        if columns.is_empty() {
            "false".to_string()
        } else {
            columns.iter().map(|column| test(column)).collect::<Vec<_>>().join(" OR ")
        }
    };
    let odd_amount = any_of(amounts, &|column| format!("NOT (pg_catalog.abs(t.{column}) < 99999999999999.995)"));
    let odd_date = any_of(dates, &|column| format!("NOT pg_catalog.isfinite(t.{column})"));
    // Names come from the compiled-in catalog, never from a caller.
    let counts = select_rows(
        &format!(
            "SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE {odd_amount}), \
                    pg_catalog.count(*) FILTER (WHERE {odd_date}) \
             FROM odoo_mirror.{table} AS t"
        ),
        &[],
        |row| Ok((row.get::<i64>(1)?.unwrap_or(0), row.get::<i64>(2)?.unwrap_or(0), row.get::<i64>(3)?.unwrap_or(0))),
    )?;
    let (rows, amount_rows, date_rows) = counts.first().copied().unwrap_or((0, 0, 0));
    let mut checks = vec![table_check(table, Some(rows))];
    checks.extend(columns.map(|_| blanked_check(table, amount_rows, date_rows)));
    Ok(checks)
}

fn check_view(view: &str) -> Result<Check, OdooMirrorError> {
    let name = format!("view {view}");
    Ok(match relation_readable(view)? {
        None => Check::new(name, Status::Fail, "missing"),
        Some(false) => Check::new(name, Status::Fail, "the current user cannot read it"),
        Some(true) => {
            let rows = select_value::<i64>(
                &format!("SELECT pg_catalog.count(*) FROM (SELECT 1 FROM odoo_mirror.{view} LIMIT 1) AS probe"),
                &[],
            )?;
            let detail = if rows.unwrap_or(0) == 0 { "readable (no rows yet)" } else { "readable" };
            Check::new(name, Status::Ok, detail)
        }
    })
}

fn check_rpc(rpc: &Rpc) -> Result<Check, OdooMirrorError> {
    let name = format!("rpc {}", rpc.name);
    let facts = select_rows(
        "SELECT p.provolatile = 'v', pg_catalog.has_function_privilege(p.oid, 'EXECUTE') \
         FROM pg_catalog.pg_proc AS p WHERE p.oid = pg_catalog.to_regprocedure($1)",
        &[rpc.signature.into()],
        |row| Ok((row.get::<bool>(1)?.unwrap_or(true), row.get::<bool>(2)?.unwrap_or(false))),
    )?;
    Ok(match facts.first() {
        None => Check::new(name, Status::Fail, format!("missing: {}", rpc.signature)),
        Some((_, false)) => Check::new(name, Status::Fail, "the current user may not execute it"),
        Some((true, _)) => Check::new(name, Status::Warn, "VOLATILE: PostgREST would only serve it on POST"),
        Some((false, true)) => {
            let probe_rows = select_value::<i64>(rpc.probe, &[])?.unwrap_or(0);
            Check::new(name, Status::Ok, format!("callable (probe call returned {})", rows(probe_rows)))
        }
    })
}

const PAYMENT_DELAYS_SQL: &str = "\
    SELECT EXISTS (SELECT FROM odoo_mirror.account_partial_reconcile), \
           (SELECT pg_catalog.count(*) FROM odoo_mirror.payment_delays), \
           (SELECT pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.now() - pg_catalog.max(d.refreshed_at)) / 3600)::bigint \
            FROM odoo_mirror.payment_delays AS d)";

fn payment_delays_checks() -> Result<Check, OdooMirrorError> {
    let facts =
        select_rows(PAYMENT_DELAYS_SQL, &[], |row| Ok((row.get::<bool>(1)?, row.get::<i64>(2)?, row.get::<i64>(3)?)))?;
    let (has_reconciliations, rows, hours) = facts.first().copied().unwrap_or((None, None, None));
    Ok(payment_delays_check(has_reconciliations.unwrap_or(false), rows.unwrap_or(0), hours))
}

fn rollup_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = Vec::new();
    let trigger_names: Vec<String> = catalog::ROLLUP_TRIGGERS.iter().map(|name| name.to_string()).collect();
    let enabled_always = select_names(
        "SELECT t.tgname::text FROM pg_catalog.pg_trigger AS t \
         JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid \
         JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'odoo_mirror' AND c.relname = 'account_move' AND t.tgname = ANY ($1) \
           AND t.tgenabled = 'A' ORDER BY 1",
        &[trigger_names.clone().into()],
    )?;
    let not_firing: Vec<String> = trigger_names.into_iter().filter(|name| !enabled_always.contains(name)).collect();
    let mut check = none_allowed(
        "triggers revenue rollup",
        Status::Fail,
        &not_firing,
        "fire on every change, replication included (ENABLE ALWAYS)",
        "missing, disabled or not ENABLE ALWAYS",
    );
    if !not_firing.is_empty() {
        let fixes: Vec<String> = not_firing
            .iter()
            .map(|name| format!("ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER {name};"))
            .collect();
        check.detail = format!("{} (fix: {})", check.detail, fixes.join(" "));
    }
    checks.push(check);

    let name = "rollup revenue_daily";
    let readable =
        relation_readable("revenue_daily")? == Some(true) && relation_readable("revenue_daily_stale")? == Some(true);
    if !readable {
        checks.push(Check::new(name, Status::Fail, "missing, or the current user cannot read it"));
        return Ok(checks);
    }
    let mismatches = select_value::<i64>(ROLLUP_MISMATCHES, &[])?.unwrap_or(0);
    let staleness = select_rows(ROLLUP_STALENESS, &[], |row| Ok((row.get::<i64>(1)?, row.get::<i64>(2)?)))?;
    let (stale_dates, oldest_hours) =
        staleness.first().map(|(dates, hours)| (dates.unwrap_or(0), hours.unwrap_or(0))).unwrap_or((0, 0));
    checks.push(rollup_check(name, mismatches, stale_dates, oldest_hours));
    Ok(checks)
}

fn role_exists(role: &str) -> Result<bool, OdooMirrorError> {
    Ok(select_value::<bool>("SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = $1)", &[role.into()])?
        .unwrap_or(false))
}

fn has_schema_usage(role: &str) -> Result<bool, OdooMirrorError> {
    Ok(select_value::<bool>("SELECT pg_catalog.has_schema_privilege($1, 'odoo_mirror', 'USAGE')", &[role.into()])?
        .unwrap_or(false))
}

fn rpcs_not_executable_by(role: &str) -> Result<Vec<String>, OdooMirrorError> {
    let mut missing = Vec::new();
    for rpc in catalog::RPCS {
        let allowed = select_value::<bool>(
            "SELECT pg_catalog.has_function_privilege($1, pg_catalog.to_regprocedure($2), 'EXECUTE')",
            &[role.into(), rpc.signature.into()],
        )?;
        if allowed != Some(true) {
            missing.push(rpc.name.to_string());
        }
    }
    Ok(missing)
}

fn grant_checks() -> Result<Vec<Check>, OdooMirrorError> {
    let mut checks = Vec::new();

    let readonly = catalog::READONLY_ROLE;
    let name = format!("grants {readonly}");
    if !role_exists(readonly)? {
        checks.push(Check::new(name, Status::Fail, "role missing"));
    } else if !has_schema_usage(readonly)? {
        checks.push(Check::new(name, Status::Fail, "no USAGE on schema odoo_mirror"));
    } else {
        let unreadable = select_names(RELATIONS_WITHOUT_SELECT, &[readonly.into()])?;
        checks.push(none_allowed(&name, Status::Fail, &unreadable, "reads every table and view", "cannot read"));
    }

    let service = catalog::SERVICE_ROLE;
    for role in [service, catalog::SUPABASE_SERVICE_ROLE] {
        let name = format!("grants {role}");
        if !role_exists(role)? {
            // Supabase's service_role is optional; n8n_service is not.
            if role == service {
                checks.push(Check::new(name, Status::Fail, "role missing"));
            }
            continue;
        }
        if !has_schema_usage(role)? {
            checks.push(Check::new(name, Status::Fail, "no USAGE on schema odoo_mirror"));
            continue;
        }
        let missing = rpcs_not_executable_by(role)?;
        checks.push(none_allowed(&name, Status::Fail, &missing, "executes every RPC", "cannot execute"));
        // Beyond the RPCs: tables it can read, other functions it can execute.
        let mut extra = select_names(RELATIONS_WITH_SELECT, &[role.into()])?;
        let rpc_signatures: Vec<&str> = catalog::RPCS.iter().map(|rpc| rpc.signature).collect();
        extra.extend(
            select_names(FUNCTIONS_WITH_EXECUTE, &[role.into()])?
                .into_iter()
                .filter(|function| !rpc_signatures.contains(&function.replace(", ", ",").as_str())),
        );
        checks.push(none_allowed(
            &format!("grants {role} beyond RPCs"),
            Status::Warn,
            &extra,
            "nothing but the RPCs",
            "also has access to",
        ));
    }

    for role in catalog::SUPABASE_PUBLIC_ROLES {
        if !role_exists(role)? {
            continue;
        }
        let mut exposed = select_names(RELATIONS_WITH_SELECT, &[(*role).into()])?;
        exposed.extend(select_names(FUNCTIONS_WITH_EXECUTE, &[(*role).into()])?);
        checks.push(none_allowed(&format!("grants {role}"), Status::Fail, &exposed, "no access", "has access to"));
    }

    let search_allowed = select_value::<bool>(
        "SELECT pg_catalog.has_function_privilege($1, pg_catalog.to_regprocedure($2), 'EXECUTE')",
        &[catalog::SERVICE_ROLE.into(), catalog::MEMORY_SEARCH_SIGNATURE.into()],
    )?;
    checks.push(if search_allowed == Some(true) {
        Check::new(
            format!("grants {} memory search", catalog::SERVICE_ROLE),
            Status::Ok,
            "executes ipai_memory.search_chunks",
        )
    } else {
        Check::new(
            format!("grants {} memory search", catalog::SERVICE_ROLE),
            Status::Fail,
            "cannot execute ipai_memory.search_chunks (or it is missing)",
        )
    });

    let public_functions = select_names(FUNCTIONS_EXECUTABLE_BY_PUBLIC, &[])?;
    checks.push(none_allowed(
        "grants PUBLIC",
        Status::Fail,
        &public_functions,
        "no function executable by PUBLIC",
        "executable by PUBLIC",
    ));

    let unpinned = select_names(FUNCTIONS_WITHOUT_SEARCH_PATH, &[])?;
    checks.push(none_allowed(
        "functions search_path",
        Status::Fail,
        &unpinned,
        "every function has a fixed search_path",
        "no fixed search_path",
    ));
    Ok(checks)
}
