//! `odoo_mirror.model_performance()`: the predictions kept in `prediction_history` judged against what
//! happened since: churn snapshots whose horizon has passed against the customers' later invoices,
//! fraud snapshots against the auditors' labels written after them.

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;

use crate::error::OdooMirrorError;
use crate::ml::churn::features as churn_features;
use crate::ml::metrics as ml_metrics;
use crate::spi::{self, Snapshot};

/// One snapshot of `prediction_history`.
struct Kept {
    kind: String,
    model_version: i32,
    as_of: i32,
    taken_at: Option<pgrx::datum::TimestampWithTimeZone>,
    ids: Vec<i32>,
    scores: Vec<f64>,
    horizon_days: Option<i32>,
}

const HISTORY_SQL: &str = "SELECT h.kind, h.model_version, h.as_of - DATE '2000-01-01', h.taken_at, h.ids, \
         h.scores::float8[], (m.params ->> 'horizon_days')::integer \
     FROM odoo_mirror.prediction_history AS h \
     LEFT JOIN odoo_mirror.ml_models AS m ON m.kind = h.kind AND m.version = h.model_version \
     ORDER BY h.kind, h.as_of, h.model_version";

fn kept() -> Result<Vec<Kept>, OdooMirrorError> {
    spi::select_prepared(HISTORY_SQL, &[], &[], |row| {
        Ok(Kept {
            kind: row.get::<String>(1)?.unwrap_or_default(),
            model_version: row.get::<i32>(2)?.unwrap_or_default(),
            as_of: row.get::<i32>(3)?.unwrap_or_default(),
            taken_at: row.get(4)?,
            ids: row.get::<Vec<i32>>(5)?.unwrap_or_default(),
            scores: row.get::<Vec<f64>>(6)?.unwrap_or_default(),
            horizon_days: row.get::<i32>(7)?,
        })
    })
}

const LATER_LABELS_SQL: &str = "SELECT l.expense_id, l.is_fraud FROM odoo_mirror.expense_labels AS l \
     WHERE l.expense_id = ANY ($1) AND l.labelled_at > $2";

/// What happened to the customers of a churn snapshot: churned or not, by customer.
fn churn_outcomes(kept: &Kept, horizon: i32) -> Result<std::collections::HashMap<i32, bool>, OdooMirrorError> {
    let mut ids = kept.ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let mut outcomes = std::collections::HashMap::with_capacity(ids.len());
    crate::ml::churn::for_customers(Snapshot::Statement, &ids, kept.as_of + horizon, |partner_id, facts| {
        outcomes.insert(partner_id, churn_features::churned_after(facts, kept.as_of, horizon));
        Ok(())
    })?;
    Ok(outcomes)
}

type PerformanceRow = (
    String,
    i32,
    Option<Date>,
    Option<Date>,
    i32,
    i32,
    i32,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// One kept snapshot, judged.
pub struct Performance {
    pub kind: String,
    pub model_version: i32,
    /// Days since 2000-01-01.
    pub scored_on: i32,
    pub scored_on_text: String,
    pub outcome_known_on: Option<i32>,
    pub scored: i32,
    pub judged: i32,
    pub positives: i32,
    pub roc_auc: Option<f64>,
    pub log_loss: Option<f64>,
    pub brier: Option<f64>,
    pub calibration_error: Option<f64>,
    pub mean_predicted: Option<f64>,
    pub observed_rate: Option<f64>,
}

/// Every kept snapshot judged, oldest first (see the module doc).
pub(crate) fn performance() -> Result<Vec<Performance>, OdooMirrorError> {
    let data_end = crate::ml::churn::scoring_date()?;
    let mut rows = Vec::new();
    for kept in kept()? {
        let (outcomes, known_on): (std::collections::HashMap<i32, bool>, Option<i32>) = match kept.kind.as_str() {
            "churn" => {
                let Some(horizon) = kept.horizon_days else { continue };
                let known_on = kept.as_of + horizon;
                if data_end.is_none_or(|end| known_on > end) {
                    (Default::default(), Some(known_on))
                } else {
                    (churn_outcomes(&kept, horizon)?, Some(known_on))
                }
            }
            _ => {
                let labels = spi::select_prepared(
                    LATER_LABELS_SQL,
                    &[spi::INT4_ARRAY, spi::TIMESTAMPTZ],
                    &[kept.ids.clone().into(), kept.taken_at.into()],
                    |row| Ok((row.get::<i32>(1)?, row.get::<bool>(2)?)),
                )?;
                (labels.into_iter().filter_map(|(id, label)| Some((id?, label?))).collect(), None)
            }
        };
        let (scores, labels): (Vec<f64>, Vec<bool>) = kept
            .ids
            .iter()
            .zip(&kept.scores)
            .filter_map(|(id, &score)| outcomes.get(id).map(|&label| (score, label)))
            .unzip();
        let positives = labels.iter().filter(|&&label| label).count();
        let judged = !labels.is_empty();
        let both = positives > 0 && positives < labels.len();
        let metrics = ml_metrics::evaluate(&scores, &labels);
        let mean = |values: &[f64]| {
            if values.is_empty() {
                None
            } else {
                Some(values.iter().sum::<f64>() / values.len() as f64)
            }
        };
        rows.push(Performance {
            kind: kept.kind,
            model_version: kept.model_version,
            scored_on: kept.as_of,
            scored_on_text: Date::saturating_from_raw(kept.as_of).to_iso_string(),
            outcome_known_on: known_on,
            scored: kept.ids.len() as i32,
            judged: labels.len() as i32,
            positives: positives as i32,
            roc_auc: both.then_some(metrics.roc_auc),
            log_loss: judged.then_some(metrics.log_loss),
            brier: judged.then_some(metrics.brier),
            calibration_error: judged.then_some(metrics.ece),
            mean_predicted: mean(&scores),
            observed_rate: judged.then(|| positives as f64 / labels.len() as f64),
        });
    }
    Ok(rows)
}

/// How the kept predictions fared: per snapshot (model kind and version, the date it scored), how
/// many predictions have an outcome now (churn: the horizon has passed; fraud: an auditor labelled
/// the expense after the snapshot) and the metrics on those. Metrics are NULL until there is an
/// outcome (ROC AUC until both outcomes occur).
#[pg_extern(stable, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn model_performance() -> Result<
    TableIterator<
        'static,
        (
            name!(kind, String),
            name!(model_version, i32),
            name!(scored_on, Option<Date>),
            name!(outcome_known_on, Option<Date>),
            name!(scored, i32),
            name!(judged, i32),
            name!(positives, i32),
            name!(roc_auc, Option<f64>),
            name!(log_loss, Option<f64>),
            name!(brier, Option<f64>),
            name!(calibration_error, Option<f64>),
            name!(mean_predicted, Option<f64>),
            name!(observed_rate, Option<f64>),
        ),
    >,
    ErrorReport,
> {
    let rows: Vec<PerformanceRow> = performance()?
        .into_iter()
        .map(|row| {
            (
                row.kind,
                row.model_version,
                Some(Date::saturating_from_raw(row.scored_on)),
                row.outcome_known_on.map(Date::saturating_from_raw),
                row.scored,
                row.judged,
                row.positives,
                row.roc_auc,
                row.log_loss,
                row.brier,
                row.calibration_error,
                row.mean_predicted,
                row.observed_rate,
            )
        })
        .collect();
    Ok(TableIterator::new(rows))
}
