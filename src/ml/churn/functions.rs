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
use crate::ml::freshness::rules::{self as freshness_rules, Source};
use crate::ml::freshness::store::{self as freshness_store, Kind};
use crate::ml::metrics as ml_metrics;
use crate::ml::registry::{self, Active, Candidate, Served};
use crate::ml::store::ModelRef;
use crate::ml::training::Comparison;
use crate::params::{self, P_AS_OF, P_HORIZON_DAYS, P_LIMIT, P_PARAMS};
use crate::spi::datum::{as_of_days, iso_date as iso};
use crate::spi::jsonb::JsonbArg;
use crate::spi::Snapshot as Reading;

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

    fn refresh_after_activation() -> Result<serde_json::Value, OdooMirrorError> {
        refresh(true)
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

// Scoring ----------------------------------------------------------------------------------------------

/// Churn probability of one customer (commercial partner) within the active model's horizon, as of
/// the mirror's today. NULL for a partner without a posted customer invoice.
#[pg_extern(stable, parallel_safe, strict, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn churn_score(p_partner_id: i32) -> Result<Option<f64>, ErrorReport> {
    // Live: one customer's invoices are one index range, cheaper than the stored row's freshness checks.
    let context = scoring_context()?;
    let facts = store::customer_facts(p_partner_id, context.scoring_date)?;
    Ok(churn_features::features_as_of(&facts, context.scoring_date)
        .map(|features| context.model.probability(&features)))
}

/// Which customers to score: everyone, or those listed.
#[derive(Clone, Copy)]
enum Customers<'a> {
    All,
    Only(&'a [i32]),
}

/// Scores the customers with history, streaming their invoices once (in `snapshot`); `keep` sees each.
fn score_customers(
    context: &ScoringContext,
    as_of: i32,
    customers: Customers<'_>,
    snapshot: Reading,
    mut keep: impl FnMut(i32, &[churn_features::InvoiceFact], Features, f64),
) -> Result<(), OdooMirrorError> {
    let each_customer = |partner_id: i32, facts: &[churn_features::InvoiceFact]| {
        if let Some(features) = churn_features::features_as_of(facts, as_of) {
            let score = context.model.probability(&features);
            keep(partner_id, facts, features, score);
        }
        Ok(())
    };
    match customers {
        Customers::All => store::for_each_customer(snapshot, as_of, each_customer),
        Customers::Only(ids) => store::for_customers(snapshot, ids, as_of, each_customer),
    }
}

/// Every customer's churn score in one pass over the invoices (as of p_as_of, default the mirror's
/// today): the batch form of churn_score.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn churn_scores(
    p_as_of: default!(Option<Date>, "NULL"),
) -> Result<TableIterator<'static, (name!(partner_id, i32), name!(score, f64))>, ErrorReport> {
    let context = scoring_context()?;
    let as_of = as_of_days(P_AS_OF, p_as_of, context.current_date)?.unwrap_or(context.scoring_date);
    let mut rows = Vec::new();
    score_customers(&context, as_of, Customers::All, Reading::Statement, |partner_id, _, _, score| {
        rows.push((partner_id, score))
    })?;
    Ok(TableIterator::new(rows))
}

fn explanation(context: &ScoringContext, partner_id: i32, as_of: i32, features: &Features) -> serde_json::Value {
    let model = &context.model;
    let contributions = model.contributions(features);
    let inputs = features.model_inputs(model.typical_gap_fill);
    let logit = model.intercept + contributions.iter().sum::<f64>();
    let score = model.calibration.probability(logit);
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
        "top_reasons": churn_model::top_reasons(features, &contributions, &model.weights, REASON_COUNT),
        "features": features_json,
        "calibration": {"slope": model.calibration.slope, "intercept": model.calibration.intercept},
        "note": "contribution = weight x standardised value, on the logit scale; 0 is an average customer of the training data, positive values raise the risk; score = sigmoid(slope x logit + intercept) (Platt calibration)",
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
fn risks(
    context: &ScoringContext,
    min_score: f64,
    customers: Customers<'_>,
    snapshot: Reading,
) -> Result<Vec<Risk>, OdooMirrorError> {
    let as_of = context.scoring_date;
    let window = context.model.active_window_days;
    let mut risks = Vec::new();
    score_customers(context, as_of, customers, snapshot, |partner_id, facts, features, score| {
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
            churn_model::top_reasons(&self.features, &contributions, &model.weights, REASON_COUNT),
            self.score * self.features.revenue_365d,
        )
    }

    fn shown(self, model: &ChurnModel) -> store::StoredRisk {
        let (reasons, revenue_at_risk) = self.reasons_and_revenue(model);
        store::StoredRisk {
            partner_id: self.partner_id,
            score: self.score,
            band: churn_model::risk_band(self.score).to_string(),
            reasons,
            revenue_at_risk: money(revenue_at_risk),
        }
    }
}

/// A money amount as numeric with two decimals, written the one way the stored predictions write it
/// (store::money_text), so stored and live answers are the same to the character.
fn money(value: f64) -> Option<AnyNumeric> {
    // As the stored path shows it: NULL beyond numeric(16,2).
    if value.abs() >= 99_999_999_999_999.995 {
        return None;
    }
    AnyNumeric::try_from(store::money_text(value)?.as_str()).ok()
}

type RiskRow = (i32, Option<String>, f64, String, Vec<String>, Option<AnyNumeric>, i32);

/// The `limit` customers most at risk (at least `min_score`): the stored predictions, with the
/// customers whose invoices changed since the refresh scored live; everyone live when the stored ones
/// are another model's or another date's.
fn top_risks(context: &ScoringContext, min_score: f64, limit: i32) -> Result<Vec<store::StoredRisk>, OdooMirrorError> {
    let freshness = freshness_store::freshness(Kind::Churn)?;
    let mut shown: Vec<store::StoredRisk> =
        match freshness_rules::source(freshness, context.model_ref.version, Some(context.scoring_date)) {
            Source::Live => {
                let mut risks = risks(context, min_score, Customers::All, Reading::Statement)?;
                risks.truncate(limit as usize);
                risks.into_iter().map(|risk| risk.shown(&context.model)).collect()
            }
            Source::Stored { stale } => {
                let mut shown = store::stored_risks(min_score, &stale, limit)?;
                let live = risks(context, min_score, Customers::Only(&stale), Reading::Statement)?;
                shown.extend(live.into_iter().take(limit as usize).map(|risk| risk.shown(&context.model)));
                shown
            }
        };
    shown.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.partner_id.cmp(&b.partner_id)));
    shown.truncate(limit as usize);
    Ok(shown)
}

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
    let risks = top_risks(&context, min_score, limit)?;
    let mut names = store::partner_names(risks.iter().map(|risk| risk.partner_id).collect())?;
    let rows: Vec<RiskRow> = risks
        .into_iter()
        .map(|risk| {
            (
                risk.partner_id,
                names.remove(&risk.partner_id),
                risk.score,
                risk.band,
                risk.reasons,
                risk.revenue_at_risk,
                context.model_ref.version,
            )
        })
        .collect();
    Ok(TableIterator::new(rows))
}

/// Brings odoo_mirror.churn_predictions up to date with the churn model active now: rescores the
/// customers marked stale, or every active customer when the model or the scoring date changed (or
/// `everyone`). Without an active model it only takes the marks (nothing can be rescored; marks must
/// not pile up) and forgets the run.
pub(crate) fn refresh(everyone: bool) -> Result<serde_json::Value, OdooMirrorError> {
    let started = Instant::now();
    let taken = freshness_store::begin_refresh(Kind::Churn)?;
    let Some(context) = activated_context()? else {
        return freshness_store::nothing_to_refresh(Kind::Churn, "customers_changed", taken.stale.len());
    };
    let context = &context;
    let version = context.model_ref.version;
    let everyone = freshness_rules::refresh_everyone(everyone, &taken, version, Some(context.scoring_date));
    let customers = if everyone { Customers::All } else { Customers::Only(&taken.stale) };
    let risks = risks(context, 0.0, customers, Reading::Latest)?;
    // Everyone scored: how far the inputs moved since training, and a snapshot to judge later.
    let drift = if everyone {
        let inputs: Vec<[f64; churn_features::FEATURE_COUNT]> =
            risks.iter().map(|risk| risk.features.model_inputs(context.model.typical_gap_fill)).collect();
        let psi = crate::ml::monitoring::drift(&context.model.input_histograms, &inputs);
        freshness_store::save_history(
            Kind::Churn,
            context.model_ref.version,
            Some(context.scoring_date),
            risks.iter().map(|risk| risk.partner_id).collect(),
            risks.iter().map(|risk| risk.score).collect(),
        )?;
        Some(freshness_store::drift_report(churn_features::FEATURE_NAMES, &psi, inputs.len()))
    } else {
        None
    };
    let predictions: Vec<Prediction> = risks
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
    store::delete_predictions(if everyone { None } else { Some(&taken.stale) })?;
    let written = store::insert_predictions(predictions, version, context.scoring_date)?;
    freshness_store::save_run(Kind::Churn, version, Some(context.scoring_date), everyone, drift)?;
    Ok(serde_json::json!({
        "rows": written,
        "rescored": if everyone { "everyone" } else { "changed customers" },
        "customers_changed": taken.stale.len(),
        "model_version": version,
        "as_of": iso(context.scoring_date),
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

/// Brings odoo_mirror.churn_predictions (v_churn_risk reads it) up to date: rescores the customers
/// whose invoices changed since the last refresh, or every active customer when the active model or
/// the scoring date changed, or with p_full. Returns what it did.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn refresh_churn_predictions(p_full: default!(Option<bool>, false)) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("refresh_churn_predictions")?;
    let everyone = p_full.ok_or_else(|| OdooMirrorError::from(params::P_FULL.invalid("NULL")))?;
    Ok(JsonB(refresh(everyone)?))
}

/// The context of the churn model active now (read after the activation, in this transaction).
pub(crate) fn activated_context() -> Result<Option<ScoringContext>, OdooMirrorError> {
    let Some(model_ref) = crate::ml::store::active_model_for_update(churn_model::KIND)? else { return Ok(None) };
    let model = registry::load::<ChurnModel>(&model_ref)?;
    ChurnModel::context(Some(Active { model_ref, model })).map(Some)
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
    let as_of = as_of_days(P_AS_OF, p_as_of, current_date)?.unwrap_or(data_end - horizon);
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

    // One pass over the invoices builds every snapshot; no snapshot reads past its own date, no label
    // past its horizon.
    let training_dates = config.training_dates(as_of);
    let earliest_training_date = training_dates.iter().copied().min().unwrap_or(as_of);
    let mut snapshots: Vec<Snapshot> = vec![Snapshot::default(); training_dates.len()];
    let mut holdout = Snapshot::default();
    let mut payment_dating = churn_model::PaymentDating::default();
    let mut data_start = i32::MAX;
    store::for_each_customer(Reading::Statement, as_of + horizon, |_, facts| {
        payment_dating.observe(facts, earliest_training_date, as_of);
        data_start = facts
            .iter()
            .filter(|fact| !fact.is_refund)
            .map(|fact| fact.date)
            .min()
            .unwrap_or(data_start)
            .min(data_start);
        for (snapshot, &date) in snapshots.iter_mut().zip(&training_dates) {
            snapshot.add(facts, date, &config);
        }
        holdout.add(facts, as_of, &config);
        Ok(())
    })?;
    let usable_dates = config.dates_with_history(as_of, data_start).map_err(|error| match error {
        TrainError::TooLittleHistory { usable, snapshots, needed_days, earliest_usable_date } => {
            OdooMirrorError::TrainingRefused {
                sqlstate: PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
                message: format!(
                    "too little history: the invoices start on {}, so {usable} of the {snapshots} training snapshots ({}) have the {needed_days} days of history before them that customers need to be judged by (the first such date is {})",
                    iso(data_start),
                    training_dates.iter().map(|&date| iso(date)).collect::<Vec<_>>().join(", "),
                    iso(earliest_usable_date)
                ),
                hint: "choose a later p_as_of or a shorter p_horizon_days, or train anyway with p_params => '{\"allow_short_history\": true}'".into(),
            }
        }
        other => other.into(),
    })?;
    let kept: Vec<Snapshot> = training_dates
        .iter()
        .zip(snapshots)
        .filter(|(date, _)| usable_dates.contains(date))
        .map(|(_, snapshot)| snapshot)
        .collect();
    let training = Snapshot::merged(&kept);
    let payment_features = payment_dating.usable();
    let trained = churn_model::train(training, holdout, iso(as_of), &config, payment_features)?;
    let training_seconds = started.elapsed().as_secs_f64();

    let judged: serde_json::Map<String, serde_json::Value> =
        trained.judged.iter().map(|judged| (judged.name.to_string(), serde_json::json!(judged))).collect();
    let calibration = trained.model.calibration;
    let metrics = serde_json::json!({
        "as_of": iso(as_of),
        "horizon_days": horizon,
        "training_dates": usable_dates.iter().map(|&date| iso(date)).collect::<Vec<_>>(),
        "skipped_training_dates": training_dates.iter().filter(|date| !usable_dates.contains(date)).map(|&date| iso(date)).collect::<Vec<_>>(),
        "training": class_balance(trained.training_rows, trained.training_churned),
        "holdout": class_balance(trained.holdout_rows, trained.holdout_churned),
        "model": trained.metrics,
        "holdout_report": judged,
        "calibration": {
            "method": "Platt scaling on the holdout (the latest date with known outcomes); holdout metrics cross-fitted, each half calibrated on the other",
            "slope": calibration.slope,
            "intercept": calibration.intercept,
            "holdout_churn_rate": calibration.base_rate,
            "flat": calibration.is_flat(),
        },
        "qualifies": trained.qualification.is_ok(),
        "qualification": match &trained.qualification {
            Ok(()) => "enough holdout customers of each class, and it beats every baseline on ROC AUC and log loss".to_string(),
            Err(reason) => reason.clone(),
        },
        "dropped_features": if payment_features { serde_json::json!([]) } else {
            serde_json::json!(churn_model::PAYMENT_FEATURES.map(|index| churn_features::FEATURE_NAMES[index]).collect::<Vec<_>>())
        },
        "payment_features": {
            "used": payment_features,
            "settled_invoices_checked": payment_dating.settled,
            "dated_by_reconciliations": payment_dating.reconciled,
            "dated_by_write_date": payment_dating.settled - payment_dating.reconciled,
            "last_written_after_holdout_date": payment_dating.written_after,
            "why": payment_dating.why(),
        },
        "typical_gap": format!("read from {} or more distinct invoice dates, never shorter than {} days; customers with fewer dates get the training median and the single_invoice flag", churn_features::DATES_FOR_A_USUAL_GAP, churn_features::SHORTEST_USUAL_GAP_DAYS),
    });
    let weights = serde_json::json!(trained.model.weights);
    let candidate = Candidate {
        model: trained.model,
        params: config.to_json(),
        metrics,
        activation: config.activate,
        qualification: trained.qualification,
    };
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
