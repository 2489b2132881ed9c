//! The churn model's SQL functions: training, scoring (one customer, every customer), explanations,
//! the n8n RPC and the predictions refresh. Thin wrappers over `churn_features` and `churn_model`
//! (pure Rust), `store` (its statements) and the model registry.
//!
//! The registry parses models once per backend and builds the scoring context (the active model and
//! the scoring date) once per statement: see `ml::registry`.

use std::time::Instant;

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::{AnyNumeric, JsonB};

use crate::error::OdooMirrorError;
use crate::ml::churn::features::{self as churn_features, Features};
use crate::ml::churn::model::{self as churn_model, ChurnModel, Snapshot, TrainConfig, TrainError};
use crate::ml::churn::store::{self, Prediction};
use crate::ml::metrics as ml_metrics;
use crate::ml::registry::{self, Active, Candidate, Served};
use crate::ml::store::ModelRef;
use crate::ml::training::Comparison;
use crate::params::{self, P_AS_OF, P_HORIZON_DAYS, P_LIMIT, P_PARAMS};
use crate::spi::jsonb::JsonbArg;

/// How many reasons get_churn_risks and the predictions table give.
const REASON_COUNT: usize = 3;

/// What every scoring call of one statement shares.
pub struct ScoringContext {
    model_ref: ModelRef,
    model: std::rc::Rc<ChurnModel>,
    /// Days since 2000-01-01: the mirror's today (see store::scoring_dates).
    scoring_date: i32,
    current_date: i32,
}

impl Served for ChurnModel {
    type Context = ScoringContext;

    /// The active model and the scoring dates; 42704 when no churn model is active.
    fn context(active: Option<Active<Self>>) -> Result<ScoringContext, OdooMirrorError> {
        let Some(Active { model_ref, model }) = active else { return Err(registry::no_model::<Self>()) };
        let (latest, current_date) = store::scoring_dates()?;
        Ok(ScoringContext { model_ref, model, scoring_date: latest.unwrap_or(current_date), current_date })
    }
}

/// The active model and the scoring date for this statement.
fn scoring_context() -> Result<std::rc::Rc<ScoringContext>, OdooMirrorError> {
    registry::statement_context::<ChurnModel>()
}

impl From<TrainError> for OdooMirrorError {
    /// Too few labelled customers: 22023 (the dates chose them); degenerate data: 22000.
    fn from(error: TrainError) -> Self {
        let (sqlstate, hint) = match error {
            TrainError::TooFewRows { .. } => (
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                "choose a p_as_of with more invoice history before it (p_as_of + p_horizon_days must stay within the data), a shorter p_horizon_days, or a lower p_params.min_customers",
            ),
            _ => (PgSqlErrorCode::ERRCODE_DATA_EXCEPTION, "check the mirrored invoices: SELECT * FROM odoo_mirror.v_invoice_summary"),
        };
        OdooMirrorError::TrainingRefused { sqlstate, message: error.to_string(), hint: hint.into() }
    }
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
    let facts = store::customer_facts(p_partner_id, context.scoring_date)?;
    Ok(churn_features::features_as_of(&facts, context.scoring_date)
        .map(|features| context.model.probability(&features)))
}

/// Scores every customer with history, streaming the invoices once; `keep` sees each one.
fn score_customers(
    context: &ScoringContext,
    as_of: i32,
    mut keep: impl FnMut(i32, &[churn_features::InvoiceFact], Features, f64),
) -> Result<(), OdooMirrorError> {
    store::for_each_customer(as_of, |partner_id, facts| {
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
    let score = crate::ml::sigmoid(logit);
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
/// the top reasons in words. NULL for a partner without history; 22023 for a NULL id.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn explain_churn(p_partner_id: Option<i32>) -> Result<Option<JsonB>, ErrorReport> {
    let p_partner_id = params::P_PARTNER_ID.require(p_partner_id)?;
    let context = scoring_context()?;
    let facts = store::customer_facts(p_partner_id, context.scoring_date)?;
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
        (
            churn_model::top_reasons(&self.features, &contributions, REASON_COUNT),
            self.score * self.features.revenue_365d,
        )
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
    let limit = P_LIMIT.require(p_limit)?;
    let min_score = params::score_threshold(p_min_score)?;
    let context = scoring_context()?;
    let mut risks = risks(&context, min_score)?;
    risks.truncate(limit as usize);
    let mut names = store::partner_names(risks.iter().map(|risk| risk.partner_id).collect())?;
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
    crate::spi::require_writable("refresh_churn_predictions")?;
    let started = Instant::now();
    let context = scoring_context()?;
    let predictions: Vec<Prediction> = risks(&context, 0.0)?
        .into_iter()
        .map(|risk| {
            let (reasons, revenue_at_risk) = risk.reasons_and_revenue(&context.model);
            Prediction {
                partner_id: risk.partner_id,
                score: risk.score,
                band: churn_model::risk_band(risk.score),
                reasons,
                revenue_at_risk,
            }
        })
        .collect();
    let written = store::replace_predictions(predictions, context.model_ref.version, context.scoring_date)?;
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
    p_params: default!(Option<JsonbArg>, "'{}'"),
) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("train_churn_model")?;
    Ok(JsonB(train(p_as_of, p_horizon_days, p_params)?))
}

fn train(
    p_as_of: Option<Date>,
    p_horizon_days: Option<i32>,
    p_params: Option<JsonbArg>,
) -> Result<serde_json::Value, OdooMirrorError> {
    let started = Instant::now();
    let horizon = P_HORIZON_DAYS.require(p_horizon_days)?;
    let Some(params) = p_params else {
        return Err(P_PARAMS.invalid("NULL").into());
    };
    let params_json = params.parse().map_err(|problem| P_PARAMS.invalid(problem))?;
    let config = TrainConfig::new(horizon).with_params(&params_json)?;

    let (latest, current_date) = store::scoring_dates()?;
    let Some(data_end) = latest else {
        return Err(OdooMirrorError::from(TrainError::TooFewRows {
            holdout_date: "(none)".into(),
            holdout_rows: 0,
            holdout_churned: 0,
            training_rows: 0,
            training_churned: 0,
            min_customers: config.min_customers,
            min_per_class: config.min_per_class,
        }));
    };
    let as_of = as_of_days(p_as_of, current_date)?.unwrap_or(data_end - horizon);
    if as_of + horizon > data_end {
        return Err(P_AS_OF
            .invalid(format!(
                "labels for {} need invoices up to {} (p_as_of + p_horizon_days), but the mirror's posted customer invoices end on {}: use p_as_of {} or earlier",
            iso(as_of),
            iso(as_of + horizon),
            iso(data_end),
            iso(data_end - horizon)
        ))
        .into());
    }

    // One pass over the invoices builds every snapshot.
    let training_dates = config.training_dates(as_of);
    let earliest_training_date = training_dates.iter().copied().min().unwrap_or(as_of);
    let mut training = Snapshot::default();
    let mut holdout = Snapshot::default();
    let mut payment_dating = churn_model::PaymentDating::default();
    store::for_each_customer(as_of + horizon, |_, facts| {
        payment_dating.observe(facts, earliest_training_date, as_of);
        for &date in &training_dates {
            training.add(facts, date, &config);
        }
        holdout.add(facts, as_of, &config);
        Ok(())
    })?;
    let payment_features = payment_dating.usable();
    let trained = churn_model::train(training, holdout, iso(as_of), &config, payment_features)?;
    let training_seconds = started.elapsed().as_secs_f64();

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
    let weights = serde_json::json!(trained.model.weights);
    let candidate = Candidate { model: trained.model, params: config.to_json(), metrics, activation: config.activate };
    let mut report = registry::store_and_activate(candidate, |_, active| Comparison::Judged {
        candidate: trained.metrics,
        active: ml_metrics::evaluate(&churn_model::scores(active, &trained.holdout), &trained.holdout.labels),
    })?;
    if let Some(object) = report.as_object_mut() {
        object.insert("features".into(), churn_features::FEATURE_NAMES.into());
        object.insert("weights".into(), weights);
        object.insert("training_seconds".into(), training_seconds.into());
    }
    Ok(report)
}
