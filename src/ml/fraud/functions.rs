//! The fraud model's SQL functions: training, scoring (one expense, every expense), explanations,
//! the n8n RPC, the predictions refresh, and the fraud columns of get_pending_expenses. Thin wrappers
//! over `signals` and `model` (pure Rust), `store` (its statements) and the model registry, which
//! parses models once per backend and reads the active one once per statement.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::{AnyNumeric, JsonB};

use crate::error::OdooMirrorError;
use crate::ml::fraud::model::{self as fraud_model, FraudModel, FraudTrainError, Scored, TrainConfig};
use crate::ml::fraud::signals::{ExpenseFact, FOREST_FEATURES};
use crate::ml::fraud::store::{self, FraudPrediction};
use crate::ml::freshness::rules::{self as freshness_rules, Source};
use crate::ml::freshness::store::{self as freshness_store, Kind};
use crate::ml::metrics as ml_metrics;
use crate::ml::registry::{self, Active, Candidate, Served};
use crate::ml::training::Comparison;
use crate::params::{self, P_LIMIT, P_PARAMS};
use crate::spi::jsonb::JsonbArg;
use crate::spi::Snapshot;

/// How many reasons the RPC and the predictions table keep.
const REASON_COUNT: usize = 3;

impl Served for FraudModel {
    /// None when no fraud model is active: get_pending_expenses works without one.
    type Context = Option<Rc<Active<FraudModel>>>;

    fn context(active: Option<Active<Self>>) -> Result<Self::Context, OdooMirrorError> {
        Ok(active.map(Rc::new))
    }

    fn refresh_after_activation() -> Result<serde_json::Value, OdooMirrorError> {
        refresh(true)
    }
}

/// The active fraud model for this statement, None when none is active.
fn active_context() -> Result<Option<Rc<Active<FraudModel>>>, OdooMirrorError> {
    Ok(registry::statement_context::<FraudModel>()?.as_ref().clone())
}

/// The active fraud model for this statement; 42704 when none is active.
fn scoring_context() -> Result<Rc<Active<FraudModel>>, OdooMirrorError> {
    active_context()?.ok_or_else(registry::no_model::<FraudModel>)
}

impl From<FraudTrainError> for OdooMirrorError {
    /// 22000 (data_exception), as the churn model's degenerate data: the data cannot support a model;
    /// 22023 for a forest p_params would make too large to store.
    fn from(error: FraudTrainError) -> Self {
        let (sqlstate, hint) = match error {
            FraudTrainError::NoExpenses | FraudTrainError::TooFewExpenses(_) => (
                PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
                "replicate hr_expense first: SELECT * FROM odoo_mirror.verify()",
            ),
            // The settings chose the size: 22023, as any other bad p_params value.
            FraudTrainError::ForestTooLarge { .. } => (
                PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                "lower p_params.trees or p_params.sample_size (the defaults are 100 and 256)",
            ),
            _ => (
                PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
                "check the mirrored expenses: SELECT * FROM odoo_mirror.v_expense_summary",
            ),
        };
        OdooMirrorError::TrainingRefused { sqlstate, message: error.to_string(), hint: hint.into() }
    }
}

/// An expense with its employee's expenses, or None when it cannot be scored (no such expense, no
/// employee, no date).
fn expense_with_history(expense_id: i32) -> Result<Option<(ExpenseFact, Vec<ExpenseFact>)>, OdooMirrorError> {
    let expenses = store::expense_history(expense_id)?;
    Ok(expenses.iter().find(|expense| expense.id == expense_id).cloned().map(|target| (target, expenses)))
}

fn iso(days: i32) -> String {
    Date::saturating_from_raw(days).to_iso_string()
}

// Scoring ----------------------------------------------------------------------------------------------

/// Probability-scaled fraud score (0..1) of one expense under the active model; NULL for an expense
/// the mirror does not have (or that has no employee or date).
#[pg_extern(stable, parallel_safe, strict, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn fraud_score(p_expense_id: i32) -> Result<Option<f64>, ErrorReport> {
    let context = scoring_context()?;
    if let Some(score) = store::stored_score(p_expense_id, context.model_ref.version)? {
        return Ok(Some(score));
    }
    Ok(expense_with_history(p_expense_id)?.map(|(target, expenses)| context.model.score(&target, &expenses).score))
}

/// Every expense's fraud score in one pass over the expenses: the batch form of fraud_score.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn fraud_scores() -> Result<TableIterator<'static, (name!(expense_id, i32), name!(score, f64))>, ErrorReport> {
    let context = scoring_context()?;
    let mut rows = Vec::new();
    store::for_each_employee(Snapshot::Statement, |expenses| {
        rows.extend(expenses.iter().map(|target| (target.id, context.model.score(target, expenses).score)));
        Ok(())
    })?;
    Ok(TableIterator::new(rows))
}

fn explanation(context: &Active<FraudModel>, target: &ExpenseFact, scored: &Scored) -> serde_json::Value {
    let model = &context.model;
    let reasons = model.reasons(scored);
    let inputs: Vec<serde_json::Value> = fraud_model::input_names()
        .iter()
        .enumerate()
        .map(|(index, name)| {
            serde_json::json!({
                "input": name,
                "value": scored.inputs[index],
                "weight": model.weights[index],
                "contribution": scored.contributions[index],
            })
        })
        .collect();
    let forest_features: serde_json::Map<String, serde_json::Value> = FOREST_FEATURES
        .iter()
        .zip(scored.assessment.features.iter())
        .map(|(name, value)| (name.to_string(), serde_json::json!(value)))
        .collect();
    serde_json::json!({
        "expense_id": target.id,
        "employee_id": target.employee_id,
        "sheet_id": target.sheet_id,
        "date": iso(target.date),
        "amount": target.amount,
        "model_version": context.model_ref.version,
        "fitted_on_labels": model.fitted_on_labels,
        "score": scored.score,
        "logit": scored.logit,
        "intercept": model.intercept,
        "top_reason": reasons.first().map(fraud_model::reason_text),
        "reasons": reasons,
        "inputs": inputs,
        "isolation_forest": {"score": scored.forest_score, "typical": model.forest_typical, "features": forest_features},
        "note": "score = sigmoid(intercept + sum of contributions); contribution = weight x input, where a rule's input is its strength (0 when it did not fire) and the forest's is its score above the typical one, in tenths",
    })
}

/// Why an expense scores what it does: each rule's evidence, strength, weight and contribution, and the
/// isolation forest's view. NULL for an expense that cannot be scored; 22023 for a NULL id.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn explain_fraud(p_expense_id: Option<i32>) -> Result<Option<JsonB>, ErrorReport> {
    let p_expense_id = params::P_EXPENSE_ID.require(p_expense_id)?;
    let context = scoring_context()?;
    Ok(expense_with_history(p_expense_id)?.map(|(target, expenses)| {
        let scored = context.model.score(&target, &expenses);
        JsonB(explanation(&context, &target, &scored))
    }))
}

/// One scored expense, before details are looked up.
struct Suspect {
    expense_id: i32,
    employee_id: i32,
    sheet_id: Option<i32>,
    score: f64,
    reasons: Vec<String>,
    /// What the RPC shows besides the score, when already read with it (stored predictions).
    details: Option<store::ExpenseDetails>,
}

fn suspect(model: &FraudModel, target: &ExpenseFact, scored: &Scored) -> Suspect {
    let reasons = model.reasons(scored).iter().take(REASON_COUNT).map(fraud_model::reason_text).collect();
    Suspect {
        expense_id: target.id,
        employee_id: target.employee_id,
        sheet_id: target.sheet_id,
        score: scored.score,
        reasons,
        details: None,
    }
}

/// Which employees' expenses to score: everyone's, or those listed.
#[derive(Clone, Copy)]
enum Employees<'a> {
    All,
    Only(&'a [i32]),
}

fn for_employees(
    employees: Employees<'_>,
    snapshot: Snapshot,
    each_employee: impl FnMut(&[ExpenseFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    match employees {
        Employees::All => store::for_each_employee(snapshot, each_employee),
        Employees::Only(ids) => store::for_employees(snapshot, ids, each_employee),
    }
}

/// The open expenses of `employees` scoring at least `min_score`, scored live.
fn live_suspects(
    model: &FraudModel,
    min_score: f64,
    employees: Employees<'_>,
) -> Result<Vec<Suspect>, OdooMirrorError> {
    let mut suspects = Vec::new();
    for_employees(employees, Snapshot::Statement, |expenses| {
        for target in expenses.iter().filter(|expense| expense.open) {
            // Reasons (formatted text) only for the expenses kept.
            let scored = model.score(target, expenses);
            if scored.score >= min_score {
                suspects.push(suspect(model, target, &scored));
            }
        }
        Ok(())
    })?;
    Ok(suspects)
}

/// The `limit` open expenses most suspicious (at least `min_score`): the stored predictions, with the
/// employees whose expenses changed since the refresh scored live; everyone live when the stored
/// ones are another model's.
fn top_suspects(context: &Active<FraudModel>, min_score: f64, limit: i32) -> Result<Vec<Suspect>, OdooMirrorError> {
    let freshness = freshness_store::freshness(Kind::Fraud)?;
    let mut suspects = match freshness_rules::source(freshness, context.model_ref.version, None) {
        Source::Live => live_suspects(&context.model, min_score, Employees::All)?,
        Source::Stored { stale } => {
            let mut suspects: Vec<Suspect> = store::stored_suspects(min_score, &stale, limit)?
                .into_iter()
                .map(|stored| Suspect {
                    expense_id: stored.expense_id,
                    employee_id: stored.employee_id,
                    sheet_id: stored.sheet_id,
                    score: stored.score,
                    reasons: stored.reasons,
                    details: Some(stored.details),
                })
                .collect();
            suspects.extend(live_suspects(&context.model, min_score, Employees::Only(&stale))?);
            suspects
        }
    };
    suspects.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.expense_id.cmp(&b.expense_id)));
    suspects.truncate(limit as usize);
    Ok(suspects)
}

type SuspectRow = (
    i32,
    Option<String>,
    i32,
    Option<String>,
    Option<i32>,
    Option<Date>,
    Option<AnyNumeric>,
    Option<String>,
    Option<String>,
    f64,
    Option<String>,
    Vec<String>,
    i32,
);

/// Open expenses (awaiting approval, posting or payment) scoring at least p_min_score, most suspicious
/// first, with the reasons in words: for n8n.
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_suspicious_expenses(
    p_limit: default!(Option<i32>, 20),
    p_min_score: default!(Option<f64>, 0.7),
) -> Result<
    TableIterator<
        'static,
        (
            name!(expense_id, i32),
            name!(expense_name, Option<String>),
            name!(employee_id, i32),
            name!(employee_name, Option<String>),
            name!(sheet_id, Option<i32>),
            name!(date, Option<Date>),
            name!(amount, Option<AnyNumeric>),
            name!(currency, Option<String>),
            name!(state, Option<String>),
            name!(score, f64),
            name!(top_reason, Option<String>),
            name!(reasons, Vec<String>),
            name!(model_version, i32),
        ),
    >,
    ErrorReport,
> {
    let limit = P_LIMIT.require(p_limit)?;
    let min_score = params::score_threshold(p_min_score)?;
    let context = scoring_context()?;
    let suspects = top_suspects(&context, min_score, limit)?;
    // Stored predictions come with their details; only the ones scored live need another query.
    let missing: Vec<i32> =
        suspects.iter().filter(|suspect| suspect.details.is_none()).map(|suspect| suspect.expense_id).collect();
    let mut details = if missing.is_empty() { HashMap::new() } else { store::expense_details(missing)? };
    let rows: Vec<SuspectRow> = suspects
        .into_iter()
        .map(|suspect| {
            let detail = suspect.details.or_else(|| details.remove(&suspect.expense_id));
            let (name, employee_name, date, amount, currency, state) = match detail {
                Some(d) => (d.name, d.employee_name, d.date, d.amount, d.currency, d.state),
                None => (None, None, None, None, None, None),
            };
            (
                suspect.expense_id,
                name,
                suspect.employee_id,
                employee_name,
                suspect.sheet_id,
                date,
                amount,
                currency,
                state,
                suspect.score,
                suspect.reasons.first().cloned(),
                suspect.reasons,
                context.model_ref.version,
            )
        })
        .collect();
    Ok(TableIterator::new(rows))
}

/// The fraud columns of get_pending_expenses: for each (sheet id, employee id), the highest score
/// among the sheet's lines and that line's top reason ("expense #id: rule: evidence"). Empty without
/// an active fraud model, so the RPC keeps working before one is trained.
pub(crate) fn sheet_fraud(
    sheets: &[(Option<i32>, Option<i32>)],
) -> Result<HashMap<i32, (f64, Option<String>)>, OdooMirrorError> {
    let mut result = HashMap::new();
    let Some(context) = active_context()? else { return Ok(result) };
    let listed: Vec<(i32, i32)> =
        sheets.iter().filter_map(|&(sheet_id, employee_id)| Some((sheet_id?, employee_id?))).collect();
    if listed.is_empty() {
        return Ok(result);
    }
    // The stored lines of current employees; the others' sheets are scored live.
    let mut live: Vec<(i32, i32)> = listed.clone();
    if let Source::Stored { stale } =
        freshness_rules::source(freshness_store::freshness(Kind::Fraud)?, context.model_ref.version, None)
    {
        let sheet_ids: Vec<i32> = listed.iter().map(|&(sheet_id, _)| sheet_id).collect();
        for (sheet_id, expense_id, score, reason) in store::stored_sheets(&sheet_ids, &stale)? {
            let reason = reason.map(|reason| format!("expense #{expense_id}: {reason}"));
            result.insert(sheet_id, (score, reason));
        }
        live.retain(|(_, employee_id)| stale.binary_search(employee_id).is_ok());
    }
    let mut employee_ids: Vec<i32> = live.iter().map(|&(_, employee_id)| employee_id).collect();
    employee_ids.sort_unstable();
    employee_ids.dedup();
    let mut by_employee: HashMap<i32, Vec<ExpenseFact>> = HashMap::new();
    store::for_employees(Snapshot::Statement, &employee_ids, |expenses| {
        if let Some(first) = expenses.first() {
            by_employee.insert(first.employee_id, expenses.to_vec());
        }
        Ok(())
    })?;
    for (sheet_id, employee_id) in live {
        let Some(expenses) = by_employee.get(&employee_id) else { continue };
        let best = expenses
            .iter()
            .filter(|expense| expense.sheet_id == Some(sheet_id))
            .map(|target| suspect(&context.model, target, &context.model.score(target, expenses)))
            .max_by(|a, b| a.score.total_cmp(&b.score).then(b.expense_id.cmp(&a.expense_id)));
        if let Some(best) = best {
            let reason = best.reasons.first().map(|reason| format!("expense #{}: {reason}", best.expense_id));
            result.insert(sheet_id, (best.score, reason));
        }
    }
    Ok(result)
}

/// Brings odoo_mirror.fraud_predictions up to date with the fraud model active now: rescores the
/// expenses of the employees marked stale, or every expense when the model changed (or `everyone`).
/// Without an active model it only takes the marks (get_pending_expenses works without a model, and
/// its writes must not pile marks up) and forgets the run.
pub(crate) fn refresh(everyone: bool) -> Result<serde_json::Value, OdooMirrorError> {
    let started = Instant::now();
    let taken = freshness_store::begin_refresh(Kind::Fraud)?;
    let Some(context) = activated_context()? else {
        return freshness_store::nothing_to_refresh(Kind::Fraud, "employees_changed", taken.stale.len());
    };
    let context = &context;
    let version = context.model_ref.version;
    let everyone = freshness_rules::refresh_everyone(everyone, &taken, version, None);
    let employees = if everyone { Employees::All } else { Employees::Only(&taken.stale) };
    let mut predictions = Vec::new();
    let mut inputs: Vec<[f64; fraud_model::INPUT_COUNT]> = Vec::new();
    for_employees(employees, Snapshot::Latest, |expenses| {
        for target in expenses {
            let scored_inputs = context.model.score(target, expenses);
            if everyone {
                inputs.push(scored_inputs.inputs);
            }
            let scored = suspect(&context.model, target, &scored_inputs);
            predictions.push(FraudPrediction {
                expense_id: scored.expense_id,
                employee_id: scored.employee_id,
                sheet_id: scored.sheet_id,
                score: scored.score,
                reasons: scored.reasons,
                open: target.open,
            });
        }
        Ok(())
    })?;
    // Everyone scored: how far the inputs moved since training, and a snapshot to judge later.
    let drift = if everyone {
        // An input of weight 0 cannot move a score (the new rule in a model migrated from 0.6.0): its
        // shift is no reason to retrain.
        let psi: Vec<Option<f64>> = crate::ml::monitoring::drift(&context.model.input_histograms, &inputs)
            .into_iter()
            .zip(&context.model.weights)
            .map(|(psi, weight)| psi.filter(|_| *weight != 0.0))
            .collect();
        freshness_store::save_history(
            Kind::Fraud,
            version,
            None,
            predictions.iter().map(|prediction| prediction.expense_id).collect(),
            predictions.iter().map(|prediction| prediction.score).collect(),
        )?;
        let names = fraud_model::input_names();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        Some(freshness_store::drift_report(&names, &psi, inputs.len()))
    } else {
        None
    };
    store::delete_predictions(if everyone { None } else { Some(&taken.stale) })?;
    let written = store::insert_predictions(predictions, version)?;
    freshness_store::save_run(Kind::Fraud, version, None, everyone, drift)?;
    Ok(serde_json::json!({
        "rows": written,
        "rescored": if everyone { "everyone" } else { "changed employees" },
        "employees_changed": taken.stale.len(),
        "model_version": version,
        "seconds": started.elapsed().as_secs_f64(),
    }))
}

/// The fraud model active now (read after the activation, in this transaction).
pub(crate) fn activated_context() -> Result<Option<Active<FraudModel>>, OdooMirrorError> {
    let Some(model_ref) = crate::ml::store::active_model_for_update(fraud_model::KIND)? else { return Ok(None) };
    let model = registry::load::<FraudModel>(&model_ref)?;
    Ok(Some(Active { model_ref, model }))
}

/// Brings odoo_mirror.fraud_predictions (v_suspicious_expenses reads it) up to date: rescores the
/// expenses of the employees whose expenses or reports changed since the last refresh, or every
/// expense when the active model changed, or with p_full. Returns what it did.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn refresh_fraud_predictions(p_full: default!(Option<bool>, false)) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("refresh_fraud_predictions")?;
    let everyone = p_full.ok_or_else(|| OdooMirrorError::from(params::P_FULL.invalid("NULL")))?;
    Ok(JsonB(refresh(everyone)?))
}

// Training ---------------------------------------------------------------------------------------------

/// Trains a fraud model on the mirror's expenses (and the auditors' labels in
/// odoo_mirror.expense_labels), stores it as the next version in odoo_mirror.ml_models, and activates
/// it by the same rules as the churn model.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn train_fraud_model(p_params: default!(Option<JsonbArg>, "'{}'")) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("train_fraud_model")?;
    Ok(JsonB(train(p_params)?))
}

fn train(p_params: Option<JsonbArg>) -> Result<serde_json::Value, OdooMirrorError> {
    let started = Instant::now();
    let Some(params) = p_params else {
        return Err(P_PARAMS.invalid("NULL").into());
    };
    let params_json = params.parse().map_err(|problem| P_PARAMS.invalid(problem))?;
    let config = TrainConfig::default().with_params(&params_json)?;

    let mut employees: Vec<Vec<ExpenseFact>> = Vec::new();
    store::for_each_employee(Snapshot::Statement, |expenses| {
        employees.push(expenses.to_vec());
        Ok(())
    })?;
    let labels = store::expense_labels()?;
    let trained = fraud_model::train(&employees, &labels, &config)?;
    let training_seconds = started.elapsed().as_secs_f64();

    let metrics = serde_json::json!({
        "expenses": trained.expenses,
        "labels": trained.labels,
        "holdout": trained.evaluation,
    });
    let (fitted_on_labels, weights, intercept) =
        (trained.model.fitted_on_labels, serde_json::json!(trained.model.weights), trained.model.intercept);
    let candidate = Candidate {
        model: trained.model,
        params: config.to_json(),
        metrics,
        activation: config.activate,
        qualification: Ok(()),
    };
    // The active model is judged on the new holdout, re-assessed with its own baselines and forest.
    let mut report = registry::store_and_activate(candidate, |active_ref, active| match &trained.evaluation {
        Some(evaluation) => {
            let (scores, truths) = fraud_model::score_ids(active, &employees, &trained.holdout);
            Comparison::Judged { candidate: evaluation.model, active: ml_metrics::evaluate(&scores, &truths) }
        }
        None if active.fitted_on_labels => Comparison::Unjudged {
            replace: false,
            reason: format!("not fitted on labels, and the active version {} is: it stays active", active_ref.version),
        },
        None => Comparison::Unjudged {
            replace: true,
            reason:
                "no labels to judge by: the newer baselines and forest replace an active model that had none either"
                    .into(),
        },
    })?;
    if let Some(object) = report.as_object_mut() {
        object.insert("fitted_on_labels".into(), fitted_on_labels.into());
        object.insert("inputs".into(), fraud_model::input_names().into());
        object.insert("weights".into(), weights);
        object.insert("intercept".into(), intercept.into());
        object.insert("training_seconds".into(), training_seconds.into());
    }
    Ok(report)
}
