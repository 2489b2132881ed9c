//! In-database machine learning: models trained, versioned, activated, explained and served inside
//! PostgreSQL (DDL in src/sql/ml.sql and src/sql/fraud.sql).
//!
//! - `registry`: what every model kind shares: the per-backend cache of parsed models (by kind and
//!   row version), the active model read once per statement, and the train → store → activate →
//!   report lifecycle;
//! - `store`: the model store's statements (`odoo_mirror.ml_models`);
//! - `functions`: `activate_model`, `export_model`, `import_model`, for any kind;
//! - `training` (pure): `p_params` parsing and the activation rules;
//! - `metrics` (pure): ROC AUC, PR AUC, log loss, Brier, calibration error and reliability, precision
//!   and recall at the top;
//! - `calibration` (pure): Platt scaling, cross-fitted;
//! - `monitoring` (pure): input drift (population stability index); `performance`: kept predictions
//!   judged against what happened (`model_performance()`);
//! - `freshness`: the stored predictions kept current (marks, runs, history);
//! - `churn/`, `fraud/`: one folder per model kind, each with its SQL functions (`functions`), its
//!   pure model and its statements (`store`).

pub mod calibration;
pub mod churn;
pub mod fraud;
pub(crate) mod freshness;
mod functions;
pub mod metrics;
pub mod monitoring;
mod performance;

pub(crate) use performance::performance as model_performance_rows;
pub(crate) mod registry;
pub(crate) mod store;
pub mod training;

/// The logistic function both models score with, stable at both ends.
pub fn sigmoid(logit: f64) -> f64 {
    if logit >= 0.0 {
        1.0 / (1.0 + (-logit).exp())
    } else {
        let e = logit.exp();
        e / (1.0 + e)
    }
}

/// What the registry and the model store need of a model kind; each kind's pure model implements it.
pub trait StoredModel: serde::Serialize + serde::de::DeserializeOwned + 'static {
    /// Its `odoo_mirror.ml_models.kind`.
    const KIND: &'static str;
    /// The SQL function that trains one (named in errors).
    const TRAIN_FUNCTION: &'static str;
    /// The stored format this version reads and writes.
    const FORMAT: u32;
    /// Whether a parsed model (from the store or an import) can score; Err says what is wrong.
    fn check(&self) -> Result<(), String>;
    /// The names of its inputs, stored beside it in `ml_models.features`.
    fn feature_names(&self) -> Vec<String>;
    /// A parsed model of an earlier format this version still reads, in the current format (by
    /// default as it is; `check` refuses formats that cannot be brought forward).
    fn migrated(self) -> Self
    where
        Self: Sized,
    {
        self
    }
}
