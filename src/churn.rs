//! The churn model's SQL functions: training, scoring (one customer, every customer), explanations,
//! the n8n RPC and the predictions refresh. Thin wrappers over `churn_features` and `churn_model`
//! (pure Rust) and `ml_storage` (SPI).
//!
//! Per-backend cache: models are parsed once per backend and kept by (id, row version). Which model
//! is active, and the scoring date, are read once per statement (keyed by transaction start,
//! statement start, command id and subtransaction), so a model activated in another session is used from the next
//! statement on, without a restart or shared_preload_libraries, and a statement never mixes models.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::{AnyNumeric, JsonB};

use crate::churn_features::{self, Features};
use crate::churn_model::{self, Activation, ChurnModel, Snapshot, TrainConfig, TrainError};
use crate::error::OdooMirrorError;
use crate::ml_metrics;
use crate::ml_storage::{self, ModelRef, Prediction};
use crate::params::{self, P_AS_OF, P_HORIZON_DAYS, P_LIMIT, P_PARAMS};

/// How many reasons get_churn_risks and the predictions table give.
const REASON_COUNT: usize = 3;

pub(crate) type StatementKey = (i64, i64, u32, u32);

/// What every scoring call of one statement shares.
struct ScoringContext {
    model_ref: ModelRef,
    model: Rc<ChurnModel>,
    /// Days since 2000-01-01: the mirror's today (see ml_storage::scoring_dates).
    scoring_date: i32,
    current_date: i32,
}

thread_local! {
    static MODELS: RefCell<HashMap<ModelRef, Rc<ChurnModel>>> = RefCell::new(HashMap::new());
    static STATEMENT: RefCell<Option<(StatementKey, Rc<ScoringContext>)>> = const { RefCell::new(None) };
}

pub(crate) fn statement_key() -> StatementKey {
    // SAFETY: plain reads of the current transaction's state; `used = false` never asserts, also in
    // parallel workers. The subtransaction id: after a rollback to a savepoint the command id goes on,
    // but what the rolled-back part activated must not be used.
    unsafe {
        (
            pg_sys::GetCurrentTransactionStartTimestamp(),
            pg_sys::GetCurrentStatementStartTimestamp(),
            pg_sys::GetCurrentCommandId(false),
            pg_sys::GetCurrentSubTransactionId(),
        )
    }
}

/// The parsed model behind `model_ref`, from the cache or the store.
fn load_model(model_ref: ModelRef) -> Result<Rc<ChurnModel>, OdooMirrorError> {
    if let Some(model) = MODELS.with(|cache| cache.borrow().get(&model_ref).cloned()) {
        return Ok(model);
    }
    let json = ml_storage::model_json(model_ref.id)?;
    let model: ChurnModel = serde_json::from_value(json)
        .map_err(|error| error.to_string())
        .and_then(|model: ChurnModel| model.validate().map(|()| model))
        .map_err(|problem| OdooMirrorError::Conflict {
            sqlstate: PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
            message: format!("stored churn model version {} is not usable: {problem}", model_ref.version),
            hint: "activate another version with odoo_mirror.activate_model('churn', <version>), or train a new one".into(),
        })?;
    let model = Rc::new(model);
    MODELS.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Old versions go once the cache holds a few: a backend rarely needs more than two.
        if cache.len() >= 8 {
            cache.clear();
        }
        cache.insert(model_ref, model.clone());
    });
    Ok(model)
}

/// The active model and the scoring date for this statement.
fn scoring_context() -> Result<Rc<ScoringContext>, OdooMirrorError> {
    let key = statement_key();
    if let Some(context) = STATEMENT.with(|cell| cell.borrow().as_ref().filter(|(cached, _)| *cached == key).map(|(_, context)| context.clone())) {
        return Ok(context);
    }
    let Some(model_ref) = ml_storage::active_model(churn_model::KIND)? else {
        return Err(OdooMirrorError::NoModel { kind: churn_model::KIND, train_function: "train_churn_model" });
    };
    let model = load_model(model_ref.clone())?;
    let (latest, current_date) = ml_storage::scoring_dates()?;
    let context = Rc::new(ScoringContext { model_ref, model, scoring_date: latest.unwrap_or(current_date), current_date });
    STATEMENT.with(|cell| *cell.borrow_mut() = Some((key, context.clone())));
    Ok(context)
}

fn iso(days: i32) -> String {
    Date::saturating_from_raw(days).to_iso_string()
}

/// An as-of date argument: finite and not after the current date.
fn as_of_days(value: Option<Date>, current_date: i32) -> Result<Option<i32>, OdooMirrorError> {
    let Some(date) = value else { return Ok(None) };
    if date.is_infinity() || date.is_neg_infinity() {
        return Err(P_AS_OF.invalid("an infinite date").into());
    }
    let days = date.to_pg_epoch_days();
    if days > current_date {
        return Err(P_AS_OF.invalid(format!("{} is after today ({})", iso(days), iso(current_date))).into());
    }
    Ok(Some(days))
}

// Scoring ----------------------------------------------------------------------------------------------

/// Churn probability of one customer (commercial partner) within the active model's horizon, as of
/// the mirror's today. NULL for a partner without a posted customer invoice.
#[pg_extern(stable, parallel_safe, strict, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn churn_score(p_partner_id: i32) -> Result<Option<f64>, ErrorReport> {
    let context = scoring_context()?;
    let facts = ml_storage::customer_facts(p_partner_id, context.scoring_date)?;
    Ok(churn_features::features_as_of(&facts, context.scoring_date).map(|features| context.model.probability(&features)))
}

/// Scores every customer with history, streaming the invoices once; `keep` sees each one.
fn score_customers(
    context: &ScoringContext,
    as_of: i32,
    mut keep: impl FnMut(i32, &[churn_features::InvoiceFact], Features, f64),
) -> Result<(), OdooMirrorError> {
    ml_storage::for_each_customer(as_of, |partner_id, facts| {
        if let Some(features) = churn_features::features_as_of(facts, as_of) {
            let score = context.model.probability(&features);
            keep(partner_id, facts, features, score);
        }
        Ok(())
    })
}

/// Every customer's churn score in one pass over the invoices (as of p_as_of, default the mirror's
/// today): the batch form of churn_score.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn churn_scores(
    p_as_of: default!(Option<Date>, "NULL"),
) -> Result<TableIterator<'static, (name!(partner_id, i32), name!(score, f64))>, ErrorReport> {
    let context = scoring_context()?;
    let as_of = as_of_days(p_as_of, context.current_date)?.unwrap_or(context.scoring_date);
    let mut rows = Vec::new();
    score_customers(&context, as_of, |partner_id, _, _, score| rows.push((partner_id, score)))?;
    Ok(TableIterator::new(rows))
}

fn explanation(context: &ScoringContext, partner_id: i32, as_of: i32, features: &Features) -> serde_json::Value {
    let model = &context.model;
    let contributions = model.contributions(features);
    let inputs = features.model_inputs(model.typical_gap_fill);
    let logit = model.intercept + contributions.iter().sum::<f64>();
    let score = churn_model::sigmoid(logit);
    let mut order: Vec<usize> = (0..churn_features::FEATURE_COUNT).collect();
    order.sort_by(|&a, &b| contributions[b].abs().total_cmp(&contributions[a].abs()));
    let features_json: Vec<serde_json::Value> = order
        .iter()
        .map(|&index| {
            serde_json::json!({
                "feature": churn_features::FEATURE_NAMES[index],
                "value": features.readable(index),
                "model_input": inputs[index],
                "contribution": contributions[index],
                "reading": churn_model::describe(features, index),
            })
        })
        .collect();
    serde_json::json!({
        "partner_id": partner_id,
        "as_of": iso(as_of),
        "model_version": context.model_ref.version,
        "score": score,
        "risk_band": churn_model::risk_band(score),
        "logit": logit,
        "intercept": model.intercept,
        "top_reasons": churn_model::top_reasons(features, &contributions, REASON_COUNT),
        "features": features_json,
        "note": "contribution = weight x standardised value, on the logit scale; 0 is an average customer of the training data, positive values raise the risk",
    })
}

/// Why a customer scores what it does: each feature's value and its contribution to the logit, and
/// the top reasons in words. NULL for a partner without history.
#[pg_extern(stable, parallel_safe, strict, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn explain_churn(p_partner_id: i32) -> Result<Option<JsonB>, ErrorReport> {
    let context = scoring_context()?;
    let facts = ml_storage::customer_facts(p_partner_id, context.scoring_date)?;
    Ok(churn_features::features_as_of(&facts, context.scoring_date)
        .map(|features| JsonB(explanation(&context, p_partner_id, context.scoring_date, &features))))
}

/// A customer at risk, before names and reasons are looked up.
struct Risk {
    partner_id: i32,
    score: f64,
    features: Features,
}

/// The active customers (an invoice within the model's active window: the population it was trained
/// on) scoring at least `min_score`, highest first. Customers gone longer are lost, not at risk.
fn risks(context: &ScoringContext, min_score: f64) -> Result<Vec<Risk>, OdooMirrorError> {
    let as_of = context.scoring_date;
    let window = context.model.active_window_days;
    let mut risks = Vec::new();
    score_customers(context, as_of, |partner_id, facts, features, score| {
        if score >= min_score && churn_features::active_at(facts, as_of, window) {
            risks.push(Risk { partner_id, score, features });
        }
    })?;
    risks.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.partner_id.cmp(&b.partner_id)));
    Ok(risks)
}

impl Risk {
    /// The top reasons in words and the revenue at risk (score × the last 365 days' revenue).
    fn reasons_and_revenue(&self, model: &ChurnModel) -> (Vec<String>, f64) {
        let contributions = model.contributions(&self.features);
        (churn_model::top_reasons(&self.features, &contributions, REASON_COUNT), self.score * self.features.revenue_365d)
    }
}

fn money(value: f64) -> Option<AnyNumeric> {
    AnyNumeric::try_from((value * 100.0).round() / 100.0).ok()
}

type RiskRow = (i32, Option<String>, f64, String, Vec<String>, Option<AnyNumeric>, i32);

/// The customers most likely to stop buying, for n8n: score, risk band, top reasons in words and
/// revenue at risk (score × the last 365 days' untaxed revenue).
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_churn_risks(
    p_limit: default!(Option<i32>, 20),
    p_min_score: default!(Option<f64>, 0.5),
) -> Result<
    TableIterator<
        'static,
        (
            name!(partner_id, i32),
            name!(partner_name, Option<String>),
            name!(score, f64),
            name!(risk_band, String),
            name!(top_reasons, Vec<String>),
            name!(revenue_at_risk, Option<AnyNumeric>),
            name!(model_version, i32),
        ),
    >,
    ErrorReport,
> {
    let limit = P_LIMIT.require(p_limit).map_err(OdooMirrorError::from)?;
    let min_score = params::score_threshold(p_min_score).map_err(OdooMirrorError::from)?;
    let context = scoring_context()?;
    let mut risks = risks(&context, min_score)?;
    risks.truncate(limit as usize);
    let mut names = ml_storage::partner_names(risks.iter().map(|risk| risk.partner_id).collect())?;
    let rows: Vec<RiskRow> = risks
        .into_iter()
        .map(|risk| {
            let (reasons, revenue_at_risk) = risk.reasons_and_revenue(&context.model);
            (
                risk.partner_id,
                names.remove(&risk.partner_id),
                risk.score,
                churn_model::risk_band(risk.score).to_string(),
                reasons,
                money(revenue_at_risk),
                context.model_ref.version,
            )
        })
        .collect();
    Ok(TableIterator::new(rows))
}

/// Rescores every active customer into odoo_mirror.churn_predictions (for dashboards; v_churn_risk
/// reads it). Returns what it did.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn refresh_churn_predictions() -> Result<JsonB, ErrorReport> {
    let started = Instant::now();
    let context = scoring_context()?;
    let predictions: Vec<Prediction> = risks(&context, 0.0)?
        .into_iter()
        .map(|risk| {
            let (reasons, revenue_at_risk) = risk.reasons_and_revenue(&context.model);
            Prediction { partner_id: risk.partner_id, score: risk.score, band: churn_model::risk_band(risk.score), reasons, revenue_at_risk }
        })
        .collect();
    let written = ml_storage::replace_predictions(predictions, context.model_ref.version, context.scoring_date)?;
    Ok(JsonB(serde_json::json!({
        "rows": written,
        "model_version": context.model_ref.version,
        "as_of": iso(context.scoring_date),
        "seconds": started.elapsed().as_secs_f64(),
    })))
}

// Training ---------------------------------------------------------------------------------------------

fn class_balance(rows: usize, churned: usize) -> serde_json::Value {
    serde_json::json!({
        "rows": rows,
        "churned": churned,
        "stayed": rows - churned,
        "churn_rate": if rows > 0 { churned as f64 / rows as f64 } else { 0.0 },
    })
}

/// Trains a churn model on the mirror's invoices, stores it as the next version in
/// odoo_mirror.ml_models, and activates it when it beats the active model on the new holdout.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn train_churn_model(
    p_as_of: default!(Option<Date>, "NULL"),
    p_horizon_days: default!(Option<i32>, 90),
    p_params: default!(Option<JsonB>, "'{}'"),
) -> Result<JsonB, ErrorReport> {
    let started = Instant::now();
    let horizon = P_HORIZON_DAYS.require(p_horizon_days).map_err(OdooMirrorError::from)?;
    let Some(JsonB(params_json)) = p_params else {
        return Err(OdooMirrorError::from(P_PARAMS.invalid("NULL")).into());
    };
    let config = TrainConfig::new(horizon).with_params(&params_json).map_err(|problem| OdooMirrorError::from(P_PARAMS.invalid(problem)))?;

    let (latest, current_date) = ml_storage::scoring_dates()?;
    let Some(data_end) = latest else {
        return Err(OdooMirrorError::from(TrainError::TooFewRows {
            holdout_date: "(none)".into(),
            holdout_rows: 0,
            holdout_churned: 0,
            training_rows: 0,
            training_churned: 0,
            min_customers: config.min_customers,
            min_per_class: config.min_per_class,
        })
        .into());
    };
    let as_of = as_of_days(p_as_of, current_date)?.unwrap_or(data_end - horizon);
    if as_of + horizon > data_end {
        return Err(OdooMirrorError::from(P_AS_OF.invalid(format!(
            "labels for {} need invoices up to {} (p_as_of + p_horizon_days), but the mirror's posted customer invoices end on {}: use p_as_of {} or earlier",
            iso(as_of),
            iso(as_of + horizon),
            iso(data_end),
            iso(data_end - horizon)
        )))
        .into());
    }

    // One pass over the invoices builds every snapshot.
    let training_dates = config.training_dates(as_of);
    let earliest_training_date = training_dates.iter().copied().min().unwrap_or(as_of);
    let mut training = Snapshot::default();
    let mut holdout = Snapshot::default();
    let mut payment_dating = churn_model::PaymentDating::default();
    ml_storage::for_each_customer(as_of + horizon, |_, facts| {
        payment_dating.observe(facts, earliest_training_date, as_of);
        for &date in &training_dates {
            training.add(facts, date, &config);
        }
        holdout.add(facts, as_of, &config);
        Ok(())
    })?;
    let payment_features = payment_dating.usable();
    let trained =
        churn_model::train(training, holdout, iso(as_of), &config, payment_features).map_err(OdooMirrorError::from)?;
    let training_seconds = started.elapsed().as_secs_f64();

    // Store and maybe activate, one writer at a time; scoring sessions are not blocked.
    ml_storage::lock_model_store()?;
    let active = ml_storage::active_model(churn_model::KIND)?;
    let active_metrics = match active {
        Some(model_ref) => match load_model(model_ref.clone()) {
            Ok(model) => Some((model_ref, ml_metrics::evaluate(&churn_model::scores(&model, &trained.holdout), &trained.holdout.labels))),
            // An unusable active model is beaten by any usable one.
            Err(_) => None,
        },
        None => None,
    };
    let activate = match config.activate {
        Activation::Always => true,
        Activation::Never => false,
        Activation::IfBetter => churn_model::beats(&trained.metrics, active_metrics.as_ref().map(|(_, metrics)| metrics)),
    };
    let metrics = serde_json::json!({
        "as_of": iso(as_of),
        "horizon_days": horizon,
        "training_dates": training_dates.iter().map(|&date| iso(date)).collect::<Vec<_>>(),
        "training": class_balance(trained.training_rows, trained.training_churned),
        "holdout": class_balance(trained.holdout_rows, trained.holdout_churned),
        "model": trained.metrics,
        "recency_baseline": trained.baseline_metrics,
        "payment_features": {
            "used": payment_features,
            "settled_invoices_checked": payment_dating.settled,
            "last_written_after_holdout_date": payment_dating.written_after,
            "rule": "used unless most invoices settled before the earliest training date were last written (write_date) after the holdout date: then write_date does not date payments",
        },
    });
    let model_json = serde_json::to_value(&trained.model).map_err(|error| OdooMirrorError::Conflict {
        sqlstate: PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
        message: format!("could not serialise the model: {error}"),
        hint: String::new(),
    })?;
    let (model_id, version) = ml_storage::insert_model(
        churn_model::KIND,
        config.to_json(),
        churn_features::FEATURE_NAMES.iter().map(|name| name.to_string()).collect(),
        metrics.clone(),
        model_json,
    )?;
    if activate {
        ml_storage::activate(churn_model::KIND, version)?;
    }
    let reason = match (config.activate, &active_metrics, activate) {
        (Activation::Always, _, _) => "forced by p_params.activate".to_string(),
        (Activation::Never, _, _) => "p_params.activate is never".to_string(),
        (_, None, _) => "no usable active model".to_string(),
        (_, Some((model_ref, metrics)), true) => {
            format!("holdout ROC AUC {:.4} beats active version {}'s {:.4}", trained.metrics.roc_auc, model_ref.version, metrics.roc_auc)
        }
        (_, Some((model_ref, metrics)), false) => format!(
            "holdout ROC AUC {:.4} does not beat active version {}'s {:.4}; activate it with odoo_mirror.activate_model('churn', {version})",
            trained.metrics.roc_auc, model_ref.version, metrics.roc_auc
        ),
    };
    let mut report = metrics;
    if let Some(object) = report.as_object_mut() {
        object.insert("kind".into(), churn_model::KIND.into());
        object.insert("model_id".into(), model_id.into());
        object.insert("version".into(), version.into());
        object.insert("activated".into(), activate.into());
        object.insert("activation".into(), reason.into());
        object.insert(
            "active_model_on_holdout".into(),
            match &active_metrics {
                Some((model_ref, metrics)) => serde_json::json!({"version": model_ref.version, "metrics": metrics}),
                None => serde_json::Value::Null,
            },
        );
        object.insert("params".into(), config.to_json());
        object.insert("features".into(), churn_features::FEATURE_NAMES.into());
        object.insert("weights".into(), serde_json::json!(trained.model.weights));
        object.insert("training_seconds".into(), training_seconds.into());
    }
    Ok(JsonB(report))
}
