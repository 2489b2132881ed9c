//! The churn model: training (linfa-logistic on standardised features), scoring, explanations and the
//! stored form. Pure Rust, no pgrx types: unit-tested without a server.
//!
//! Training rows are (customer, as-of date) snapshots. The holdout is the snapshot at `as_of`; the
//! model learns from `snapshots` earlier snapshots, the latest `horizon_days` before it, so none of
//! the training labels looks past `as_of` (a time-based split: the model is judged on a period it
//! never saw). The model's probabilities are calibrated on the holdout (Platt scaling: the holdout is
//! the latest date whose outcomes are known, so the churn rate it calibrates to is the most recent
//! one); the holdout metrics are cross-fitted, each half calibrated on the other (`ml::calibration`).
//! The stored model is the one those metrics describe.

use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::ml::calibration::{self, Calibration};
use crate::ml::churn::features::{self as churn_features, Features, InvoiceFact, FEATURE_COUNT, FEATURE_NAMES};
use crate::ml::metrics::{self as ml_metrics, Metrics, ReliabilityBin};
use crate::ml::monitoring::{self, Histogram};
use crate::ml::training::{read_params, Activation};
use crate::ml::StoredModel;
use crate::params::ParamError;

/// The version of the stored model layout; import refuses others. Format 1 (0.5.0 and earlier) had no
/// calibration and read a typical gap from two invoice dates: such models are refused with a hint to
/// retrain.
pub const MODEL_FORMAT: u32 = 2;
pub const KIND: &str = "churn";

/// A trained churn model as stored in `odoo_mirror.ml_models.model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnModel {
    pub format: u32,
    pub features: Vec<String>,
    /// Standardisation: z = (input - mean) / scale. A scale of 0 marks a feature that was constant in
    /// training; its weight is 0.
    pub means: Vec<f64>,
    pub scales: Vec<f64>,
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// Typical gap (days) assumed for customers with a single invoice date: the training median.
    pub typical_gap_fill: f64,
    pub horizon_days: i32,
    pub active_window_days: i32,
    /// From the raw logit to a probability. (Defaults only so that a format 1 model parses far enough
    /// to be refused by validate() with a retrain hint.)
    #[serde(default = "uncalibrated")]
    pub calibration: Calibration,
    /// Each input's training distribution, for drift monitoring.
    #[serde(default)]
    pub input_histograms: Vec<Histogram>,
}

fn uncalibrated() -> Calibration {
    UNCALIBRATED
}

/// No calibration: the raw logit's sigmoid (what a model is before it is calibrated).
pub const UNCALIBRATED: Calibration = Calibration { slope: 1.0, intercept: 0.0, base_rate: 0.5 };

impl ChurnModel {
    /// Checks a model read from the store or given to import: right features, finite numbers.
    pub fn validate(&self) -> Result<(), String> {
        if self.format == 1 {
            return Err(format!(
                "model format 1 was trained by odoo_mirror 0.5.0 or earlier: its probabilities are not calibrated and its features have changed since; retrain it with SELECT odoo_mirror.train_churn_model() (this version reads format {MODEL_FORMAT})"
            ));
        }
        if self.format != MODEL_FORMAT {
            return Err(format!(
                "model format {} is not supported (this version reads format {MODEL_FORMAT})",
                self.format
            ));
        }
        self.calibration.check()?;
        if self.input_histograms.len() != FEATURE_COUNT {
            return Err(format!(
                "input_histograms has {} entries, {FEATURE_COUNT} expected",
                self.input_histograms.len()
            ));
        }
        for histogram in &self.input_histograms {
            histogram.check()?;
        }
        if self.features.iter().map(String::as_str).ne(FEATURE_NAMES.iter().copied()) {
            return Err(format!("features must be exactly {FEATURE_NAMES:?}"));
        }
        for (name, values) in [("means", &self.means), ("scales", &self.scales), ("weights", &self.weights)] {
            if values.len() != FEATURE_COUNT {
                return Err(format!("{name} has {} values, {FEATURE_COUNT} expected", values.len()));
            }
            if values.iter().any(|value| !value.is_finite()) {
                return Err(format!("{name} holds a value that is not a finite number"));
            }
        }
        // Bounds that keep every logit finite: model inputs are logs, ratios and shares (|input| < 1e3),
        // so |weight × (input - mean) / scale| stays below 1e6 × 2e9 / 1e-6 per feature.
        if self.scales.iter().any(|&scale| scale != 0.0 && !(1e-6..=1e9).contains(&scale)) {
            return Err("scales must be 0 (an unused feature) or between 1e-6 and 1e9".into());
        }
        if self.means.iter().any(|mean| mean.abs() > 1e9) || self.weights.iter().any(|weight| weight.abs() > 1e6) {
            return Err("means must be within ±1e9 and weights within ±1e6".into());
        }
        if self.intercept.abs() > 1e6 {
            return Err("the intercept must be within ±1e6".into());
        }
        if !self.intercept.is_finite() || !self.typical_gap_fill.is_finite() || self.typical_gap_fill < 0.0 {
            return Err("intercept and typical_gap_fill must be finite (and the fill not negative)".into());
        }
        if !(1..=3650).contains(&self.horizon_days) || !(1..=3650).contains(&self.active_window_days) {
            return Err("horizon_days and active_window_days must be 1..3650".into());
        }
        Ok(())
    }

    fn standardised(&self, features: &Features) -> [f64; FEATURE_COUNT] {
        let inputs = features.model_inputs(self.typical_gap_fill);
        let mut z = [0.0; FEATURE_COUNT];
        for (index, value) in z.iter_mut().enumerate() {
            if self.scales[index] > 0.0 {
                *value = (inputs[index] - self.means[index]) / self.scales[index];
            }
        }
        z
    }

    /// Each feature's contribution to the logit: weight × standardised value. Zero is the training
    /// average, so a positive contribution pushes this customer's risk above an average customer's.
    pub fn contributions(&self, features: &Features) -> [f64; FEATURE_COUNT] {
        let z = self.standardised(features);
        let mut contributions = [0.0; FEATURE_COUNT];
        for (index, contribution) in contributions.iter_mut().enumerate() {
            *contribution = self.weights[index] * z[index];
        }
        contributions
    }

    pub fn logit(&self, features: &Features) -> f64 {
        self.intercept + self.contributions(features).iter().sum::<f64>()
    }

    /// Calibrated probability of churn within the horizon, in [0, 1], never NaN for a validated model.
    pub fn probability(&self, features: &Features) -> f64 {
        self.calibration.probability(self.logit(features))
    }
}

impl StoredModel for ChurnModel {
    const KIND: &'static str = KIND;
    const TRAIN_FUNCTION: &'static str = "train_churn_model";
    const FORMAT: u32 = MODEL_FORMAT;

    fn check(&self) -> Result<(), String> {
        self.validate()
    }

    fn feature_names(&self) -> Vec<String> {
        self.features.clone()
    }
}

/// Risk bands for dashboards: high from 0.7, medium from 0.4.
pub fn risk_band(score: f64) -> &'static str {
    if score >= 0.7 {
        "high"
    } else if score >= 0.4 {
        "medium"
    } else {
        "low"
    }
}

fn amount(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if rounded < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

fn invoices(count: f64) -> String {
    if count == 1.0 {
        "1 invoice".to_string()
    } else {
        format!("{count} invoices")
    }
}

fn percent(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

fn change(log_ratio: f64) -> String {
    let ratio = log_ratio.exp() - 1.0;
    if ratio < 0.0 {
        format!("down {}", percent(-ratio))
    } else {
        format!("up {}", percent(ratio))
    }
}

/// One feature's reading in words.
pub fn describe(features: &Features, index: usize) -> String {
    let f = features;
    match index {
        0 => format!("no invoice for {} days", f.recency_days),
        1 => format!("customer for {} days", f.tenure_days),
        2 => format!("{} in the last 90 days", invoices(f.invoices_90d)),
        3 => format!("{} in the last 365 days", invoices(f.invoices_365d)),
        4 => format!("revenue of {} in the last 90 days", amount(f.revenue_90d)),
        5 => format!("revenue of {} in the last 365 days", amount(f.revenue_365d)),
        6 => {
            let (last, previous) = (f.revenue_last_half, f.revenue_previous_half);
            if previous <= 0.0 {
                format!("revenue of {} in the last 180 days, none in the 180 days before", amount(last))
            } else if last <= 0.0 {
                format!("no revenue in the last 180 days, against {} in the 180 days before", amount(previous))
            } else {
                format!("revenue of the last 180 days {} on the 180 days before", change((last / previous).ln()))
            }
        }
        7 => {
            let (last, previous) = (f.invoices_last_half, f.invoices_previous_half);
            if last <= 0.0 {
                format!("no invoice in the last 180 days, against {} in the 180 days before", invoices(previous))
            } else {
                format!("{} in the last 180 days against {} in the 180 days before", invoices(last), invoices(previous))
            }
        }
        8 => match f.typical_gap_days {
            Some(gap) => format!("usually {gap} days between invoices"),
            None => "fewer than three invoice dates so far".to_string(),
        },
        9 => match (f.gap_ratio, f.typical_gap_days) {
            (Some(ratio), Some(gap)) if gap >= churn_features::SHORTEST_USUAL_GAP_DAYS => {
                format!("{} days since the last invoice, {ratio:.1}x the usual gap of {gap} days", f.recency_days)
            }
            (Some(_), Some(gap)) => {
                format!("{} days since the last invoice, against a usual gap of {gap} days", f.recency_days)
            }
            _ => "no usual gap yet (fewer than three invoice dates)".to_string(),
        },
        10 => {
            if f.typical_gap_days.is_none() {
                "fewer than three invoice dates so far".to_string()
            } else {
                "invoiced on three or more dates".to_string()
            }
        }
        11 => format!("{} of the last 365 days' revenue refunded", percent(f.refund_ratio)),
        12 => format!("pays {:.0} days late on average", f.days_late_avg),
        13 => format!("{} of invoices due in the last 365 days paid late or overdue", percent(f.late_share)),
        14 => format!("{} still open", amount(f.open_residual)),
        15 => format!("{} of the open amount is overdue", percent(f.overdue_residual_share)),
        _ => String::new(),
    }
}

/// Which way each feature reads as risk in a customer's terms: +1 when more of it is worse (longer since
/// the last invoice, more refunds, later payments), -1 when less of it is worse (fewer invoices, less
/// revenue, falling trends, a short relationship), 0 when neither reads as a reason (the open amount).
pub const RISK_DIRECTION: [f64; FEATURE_COUNT] =
    [1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0];

/// Features that say the same fact in other words share a group; a score's reasons name each once.
const REASON_GROUP: [u8; FEATURE_COUNT] = [0, 9, 1, 1, 2, 2, 4, 5, 3, 0, 3, 6, 7, 7, 8, 8];

/// The top reasons for a score: the features pushing the risk up most, in words, strongest first. A
/// feature is a reason only when it raises this customer's risk and its weight reads the documented
/// way (a model may give "more invoices" a positive weight beside "more revenue": that is no reason to
/// worry about a customer who buys often). Features 8 and 10 restate 9 when the gap is missing, so
/// duplicate readings give way.
pub fn top_reasons(
    features: &Features,
    contributions: &[f64; FEATURE_COUNT],
    weights: &[f64],
    count: usize,
) -> Vec<String> {
    let reads_as_risk = |index: usize| RISK_DIRECTION[index] * weights.get(index).copied().unwrap_or(0.0) > 0.0;
    let mut order: Vec<usize> =
        (0..FEATURE_COUNT).filter(|&index| contributions[index] > 0.01 && reads_as_risk(index)).collect();
    order.sort_by(|&a, &b| contributions[b].total_cmp(&contributions[a]));
    let mut reasons: Vec<String> = Vec::with_capacity(count);
    let mut groups_said: Vec<u8> = Vec::with_capacity(count);
    for index in order {
        // One reason per fact: recency and the gap ratio both say "days since the last invoice".
        if groups_said.contains(&REASON_GROUP[index]) {
            continue;
        }
        groups_said.push(REASON_GROUP[index]);
        let reason = describe(features, index);
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
        if reasons.len() == count {
            break;
        }
    }
    reasons
}

// Training -------------------------------------------------------------------------------------------

/// The keys `p_params` takes.
pub const PARAM_KEYS: &str = "active_window_days, snapshots, snapshot_step_days, l2, max_iterations, min_customers, min_history_days, allow_short_history, min_holdout_per_class, activate";

/// Training settings, from `p_params`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub horizon_days: i32,
    pub active_window_days: i32,
    pub snapshots: i32,
    pub snapshot_step_days: i32,
    pub l2: f64,
    pub max_iterations: u64,
    pub activate: Activation,
    pub min_customers: usize,
    pub min_per_class: usize,
    /// Days of invoice history a training snapshot needs before its date (default: the horizon).
    pub min_history_days: Option<i32>,
    /// Train on snapshots with less history than that, when asked explicitly.
    pub allow_short_history: bool,
    /// Fewest churned and fewest staying holdout customers a model is judged on before it may become
    /// the active one.
    pub min_holdout_per_class: usize,
}

impl TrainConfig {
    pub fn new(horizon_days: i32) -> Self {
        Self {
            horizon_days,
            active_window_days: 365,
            snapshots: 4,
            snapshot_step_days: 30,
            l2: 1.0,
            max_iterations: 200,
            activate: Activation::IfBetter,
            min_customers: 50,
            min_per_class: 10,
            min_history_days: None,
            allow_short_history: false,
            min_holdout_per_class: 30,
        }
    }

    /// Reads `p_params` (a JSON object) over the defaults; an unknown key or a bad value is an error
    /// that names it.
    pub fn with_params(mut self, params: &serde_json::Value) -> Result<Self, ParamError> {
        read_params(params, "{\"l2\": 0.5}", PARAM_KEYS, |param| {
            match param.key {
                "active_window_days" => self.active_window_days = param.int(7, 3650)? as i32,
                "snapshots" => self.snapshots = param.int(1, 24)? as i32,
                "snapshot_step_days" => self.snapshot_step_days = param.int(1, 365)? as i32,
                "max_iterations" => self.max_iterations = param.int(1, 10_000)? as u64,
                "min_customers" => self.min_customers = param.int(10, 1_000_000)? as usize,
                "min_history_days" => self.min_history_days = Some(param.int(0, 3650)? as i32),
                "allow_short_history" => self.allow_short_history = param.boolean()?,
                "min_holdout_per_class" => self.min_holdout_per_class = param.int(1, 1_000_000)? as usize,
                "l2" => self.l2 = param.number(0.0, 1e6)?,
                "activate" => self.activate = param.activation()?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(self)
    }

    /// The as-of dates of the training snapshots, latest first.
    pub fn training_dates(&self, as_of: i32) -> Vec<i32> {
        (0..self.snapshots).map(|k| as_of - self.horizon_days - k * self.snapshot_step_days).collect()
    }

    /// The training dates with enough history before them (data from `data_start` on), latest first;
    /// Err names the shortfall when none remains and short history was not allowed.
    pub fn dates_with_history(&self, as_of: i32, data_start: i32) -> Result<Vec<i32>, TrainError> {
        let dates = self.training_dates(as_of);
        if self.allow_short_history {
            return Ok(dates);
        }
        let needed = self.min_history_days.unwrap_or(self.horizon_days);
        let usable: Vec<i32> = dates.iter().copied().filter(|&date| date - data_start >= needed).collect();
        if usable.is_empty() {
            return Err(TrainError::TooLittleHistory {
                usable: usable.len(),
                snapshots: dates.len(),
                needed_days: needed,
                earliest_usable_date: data_start + needed,
            });
        }
        Ok(usable)
    }

    /// The params as stored with the model.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "horizon_days": self.horizon_days,
            "active_window_days": self.active_window_days,
            "snapshots": self.snapshots,
            "snapshot_step_days": self.snapshot_step_days,
            "l2": self.l2,
            "max_iterations": self.max_iterations,
            "min_customers": self.min_customers,
            "min_history_days": self.min_history_days.unwrap_or(self.horizon_days),
            "allow_short_history": self.allow_short_history,
            "min_holdout_per_class": self.min_holdout_per_class,
            "activate": self.activate.as_str(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    /// The dates chosen leave too few labelled customers.
    #[error("too few labelled customers: the holdout at {holdout_date} has {holdout_rows} ({holdout_churned} churned), the training snapshots have {training_rows} ({training_churned} churned); at least {min_customers} customers and {min_per_class} of each class are needed in each")]
    TooFewRows {
        holdout_date: String,
        holdout_rows: usize,
        holdout_churned: usize,
        training_rows: usize,
        training_churned: usize,
        min_customers: usize,
        min_per_class: usize,
    },
    /// Every labelled customer is in one class.
    #[error("every labelled customer {0}: a churn model needs both customers who stayed and customers who left")]
    OneClass(&'static str),
    /// No feature varies across the training rows.
    #[error("every feature is constant across the {0} training rows: nothing to learn from")]
    ConstantFeatures(usize),
    /// The solver failed or produced non-finite weights.
    #[error("the logistic regression did not converge to finite weights: {0}")]
    Fit(String),
    /// The data starts too close to the training dates: customers there have almost no history.
    #[error("too little history: {usable} of the {snapshots} training snapshots have {needed_days} days of invoices before them (the first such date is day {earliest_usable_date})")]
    TooLittleHistory { usable: usize, snapshots: usize, needed_days: i32, earliest_usable_date: i32 },
    /// The holdout cannot calibrate (one class in a half of it).
    #[error("the model cannot be calibrated on the holdout: {0}")]
    Uncalibratable(String),
}

/// The payment features (days late, late share, open and overdue amounts): they read payments as of a
/// date through the invoice's reconciliation date, or `write_date` when the mirror has no reconciliation.
pub const PAYMENT_FEATURES: std::ops::Range<usize> = 12..16;

/// Fewest settled invoices that can show whether write_date dates payments.
pub const MIN_SETTLED_TO_DATE_PAYMENTS: usize = 20;

/// Whether `write_date` dates payments in this data. In Odoo it does: reconciling a payment rewrites
/// the invoice. A data set loaded by hand often stamps every row with the load time instead, or leaves
/// it empty; then every past invoice would look unpaid at every past date, and a model trained on that
/// would meet paid invoices only when scoring. Such data trains without the payment features.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaymentDating {
    /// Settled (paid or reversed) invoices dated before the earliest training date.
    pub settled: usize,
    /// Of those, how many are dated by their reconciliations (account_partial_reconcile), not write_date.
    pub reconciled: usize,
    /// Of those dated by write_date, how many were last written after the holdout date (or never).
    pub written_after: usize,
}

impl PaymentDating {
    pub fn observe(&mut self, facts: &[InvoiceFact], dated_before: i32, written_after: i32) {
        for fact in facts {
            if !fact.is_refund && fact.settlement != churn_features::Settlement::Open && fact.date < dated_before {
                self.settled += 1;
                if fact.dated_by_reconciliation {
                    self.reconciled += 1;
                } else if fact.changed > written_after {
                    self.written_after += 1;
                }
            }
        }
    }

    /// Usable when there are enough old settled invoices to tell, and most were last written before the
    /// holdout date.
    pub fn usable(&self) -> bool {
        self.settled >= MIN_SETTLED_TO_DATE_PAYMENTS && self.written_after * 2 <= self.settled
    }

    /// Why the payment features are used or dropped, in words.
    pub fn why(&self) -> String {
        if self.settled < MIN_SETTLED_TO_DATE_PAYMENTS {
            format!(
                "dropped: only {} invoices settled before the earliest training date, fewer than {MIN_SETTLED_TO_DATE_PAYMENTS}: the data cannot show when invoices were paid",
                self.settled
            )
        } else if self.reconciled == self.settled {
            format!(
                "used: all {} settled invoices are dated by their reconciliations (account_partial_reconcile)",
                self.settled
            )
        } else if self.usable() {
            format!(
                "used: {} of {} settled invoices are dated by their reconciliations (account_partial_reconcile); of the other {}, {} were last written (write_date) before the holdout date, so write_date dates them",
                self.reconciled,
                self.settled,
                self.settled - self.reconciled,
                self.settled - self.reconciled - self.written_after
            )
        } else {
            format!(
                "dropped: {} of {} settled invoices have no reconciliation in the mirror and were last written (write_date) after the holdout date or never: the data cannot show when they were paid (mirror account_partial_reconcile)",
                self.written_after, self.settled
            )
        }
    }
}

/// Labelled rows of one snapshot date.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub features: Vec<Features>,
    pub labels: Vec<bool>,
}

impl Snapshot {
    pub fn churned(&self) -> usize {
        self.labels.iter().filter(|&&label| label).count()
    }

    pub fn churn_rate(&self) -> f64 {
        if self.labels.is_empty() {
            0.0
        } else {
            self.churned() as f64 / self.labels.len() as f64
        }
    }

    /// Adds one customer's row as of `as_of`, if the customer was active before it.
    pub fn add(&mut self, facts: &[InvoiceFact], as_of: i32, config: &TrainConfig) {
        if !churn_features::active_at(facts, as_of, config.active_window_days) {
            return;
        }
        if let Some(features) = churn_features::features_as_of(facts, as_of) {
            self.features.push(features);
            self.labels.push(churn_features::churned_after(facts, as_of, config.horizon_days));
        }
    }

    /// The rows of several snapshots together.
    pub fn merged(snapshots: &[Snapshot]) -> Snapshot {
        let mut merged = Snapshot::default();
        for snapshot in snapshots {
            merged.features.extend_from_slice(&snapshot.features);
            merged.labels.extend_from_slice(&snapshot.labels);
        }
        merged
    }
}

/// The active customers at `as_of`, their features and labels.
pub fn snapshot<'a>(customers: impl Iterator<Item = &'a [InvoiceFact]>, as_of: i32, config: &TrainConfig) -> Snapshot {
    let mut rows = Snapshot::default();
    for facts in customers {
        rows.add(facts, as_of, config);
    }
    rows
}

/// One scorer's holdout report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    pub name: &'static str,
    pub what: &'static str,
    pub metrics: Metrics,
    pub mean_predicted: f64,
    pub reliability: Vec<ReliabilityBin>,
}

impl Judged {
    fn of(name: &'static str, what: &'static str, scores: &[f64], labels: &[bool]) -> Self {
        Self {
            name,
            what,
            metrics: ml_metrics::evaluate(scores, labels),
            mean_predicted: if scores.is_empty() { 0.0 } else { scores.iter().sum::<f64>() / scores.len() as f64 },
            reliability: ml_metrics::reliability(scores, labels, 10),
        }
    }
}

/// What training produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// Calibrated on the whole holdout.
    pub model: ChurnModel,
    pub training_rows: usize,
    pub training_churned: usize,
    pub holdout_rows: usize,
    pub holdout_churned: usize,
    /// The model on the holdout (cross-fitted calibration).
    pub metrics: Metrics,
    /// Every scorer on the holdout: the model, the model uncalibrated, and the baselines.
    pub judged: Vec<Judged>,
    /// The rule for activation: Err says why the model fails it.
    pub qualification: Result<(), String>,
    /// The holdout, kept to score the active model on it.
    pub holdout: Snapshot,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 })
}

/// Fits a logistic regression on the features `used` (others get weight 0); uncalibrated.
fn fit(rows: &Snapshot, typical_gap_fill: f64, used: &[usize], config: &TrainConfig) -> Result<ChurnModel, TrainError> {
    let n = rows.features.len();
    let inputs: Vec<[f64; FEATURE_COUNT]> =
        rows.features.iter().map(|features| features.model_inputs(typical_gap_fill)).collect();
    let mut means = vec![0.0; FEATURE_COUNT];
    let mut scales = vec![0.0; FEATURE_COUNT];
    for &index in used {
        let mean = inputs.iter().map(|row| row[index]).sum::<f64>() / n as f64;
        let variance = inputs.iter().map(|row| (row[index] - mean).powi(2)).sum::<f64>() / n as f64;
        means[index] = mean;
        // Below 1e-6 the feature is constant for all practical purposes (and validate() refuses it).
        scales[index] = if variance.sqrt() >= 1e-6 { variance.sqrt() } else { 0.0 };
    }
    let columns: Vec<usize> = used.iter().copied().filter(|&index| scales[index] > 0.0).collect();
    if columns.is_empty() {
        return Err(TrainError::ConstantFeatures(n));
    }
    let mut records = Array2::<f64>::zeros((n, columns.len()));
    for (row_index, row) in inputs.iter().enumerate() {
        for (column, &index) in columns.iter().enumerate() {
            records[[row_index, column]] = (row[index] - means[index]) / scales[index];
        }
    }
    let targets: Array1<bool> = rows.labels.iter().copied().collect();
    let dataset = Dataset::new(records, targets);
    let fitted = LogisticRegression::default()
        .alpha(config.l2)
        .max_iterations(config.max_iterations)
        .gradient_tolerance(crate::ml::training::gradient_tolerance(n))
        .fit(&dataset)
        .map_err(|error| TrainError::Fit(error.to_string()))?;
    // linfa models the larger class as "positive"; the stored weights always give P(churn).
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    let mut weights = vec![0.0; FEATURE_COUNT];
    for (column, &index) in columns.iter().enumerate() {
        weights[index] = sign * fitted.params()[column];
    }
    let model = ChurnModel {
        format: MODEL_FORMAT,
        features: FEATURE_NAMES.iter().map(|name| name.to_string()).collect(),
        means,
        scales,
        weights,
        intercept: sign * fitted.intercept(),
        typical_gap_fill,
        horizon_days: config.horizon_days,
        active_window_days: config.active_window_days,
        calibration: UNCALIBRATED,
        input_histograms: monitoring::histograms(&inputs),
    };
    model.validate().map_err(TrainError::Fit)?;
    Ok(model)
}

pub fn scores(model: &ChurnModel, rows: &Snapshot) -> Vec<f64> {
    rows.features.iter().map(|features| model.probability(features)).collect()
}

fn raw_logits(model: &ChurnModel, features: &[Features]) -> Vec<f64> {
    features.iter().map(|features| model.logit(features)).collect()
}

/// Holdout probabilities of `model`, calibrated by cross-fitting; None when a half cannot calibrate.
fn cross_fitted(model: &ChurnModel, holdout: &Snapshot) -> Option<Vec<f64>> {
    calibration::cross_fitted(&raw_logits(model, &holdout.features), &holdout.labels)
}

/// `model` calibrated on the whole holdout.
fn calibrated(model: ChurnModel, holdout: &Snapshot) -> Result<ChurnModel, TrainError> {
    // A model that ranks the holdout backwards gets a flat calibration (the holdout's churn rate); it
    // cannot beat the baselines, so it does not qualify.
    let calibration = Calibration::fit(&raw_logits(&model, &holdout.features), &holdout.labels)
        .ok_or_else(|| TrainError::Uncalibratable("Platt scaling did not converge".into()))?;
    Ok(ChurnModel { calibration, ..model })
}

/// The activation rule: enough holdout customers of each class to judge by, and the model beats every
/// baseline on ROC AUC and log loss.
fn qualification(judged: &[Judged], holdout: &Snapshot, config: &TrainConfig, flat: bool) -> Result<(), String> {
    if flat {
        return Err(
            "it ranks the holdout backwards or not at all, so its probabilities are flat at the holdout's churn rate"
                .into(),
        );
    }
    let (churned, stayed) = (holdout.churned(), holdout.labels.len() - holdout.churned());
    if churned.min(stayed) < config.min_holdout_per_class {
        return Err(format!(
            "the holdout has {churned} churned and {stayed} staying customers; at least {} of each are needed to judge a model by (p_params.min_holdout_per_class)",
            config.min_holdout_per_class
        ));
    }
    let Some(model) = judged.iter().find(|judged| judged.name == "model") else {
        return Err("no model metrics".into());
    };
    for baseline in judged.iter().filter(|judged| judged.name.ends_with("baseline")) {
        if model.metrics.roc_auc <= baseline.metrics.roc_auc {
            return Err(format!(
                "its holdout ROC AUC {:.4} does not beat the {}'s {:.4}",
                model.metrics.roc_auc, baseline.name, baseline.metrics.roc_auc
            ));
        }
        if model.metrics.log_loss >= baseline.metrics.log_loss {
            return Err(format!(
                "its holdout log loss {:.4} does not beat the {}'s {:.4}",
                model.metrics.log_loss, baseline.name, baseline.metrics.log_loss
            ));
        }
    }
    Ok(())
}

/// The features of the recency baseline and of the RFM baseline (recency, invoices and revenue of the
/// last 365 days).
pub const RECENCY_FEATURES: [usize; 1] = [0];
pub const RFM_FEATURES: [usize; 3] = [0, 3, 5];

/// Trains on the training snapshots, calibrates on the holdout, and judges it there beside the
/// baselines (recency alone, RFM, a constant), every scorer calibrated the same way.
pub fn train(
    training: Snapshot,
    holdout: Snapshot,
    holdout_date: String,
    config: &TrainConfig,
    payment_features: bool,
) -> Result<Trained, TrainError> {
    let (training_rows, training_churned) = (training.labels.len(), training.churned());
    let (holdout_rows, holdout_churned) = (holdout.labels.len(), holdout.churned());
    let too_few = |rows: usize, churned: usize| {
        rows < config.min_customers || churned < config.min_per_class || rows - churned < config.min_per_class
    };
    // One class everywhere is a property of the data, not of the dates: its own message.
    if training_rows > 0 && holdout_rows > 0 {
        if training_churned == 0 && holdout_churned == 0 {
            return Err(TrainError::OneClass("stayed (bought again within the horizon)"));
        }
        if training_churned == training_rows && holdout_churned == holdout_rows {
            return Err(TrainError::OneClass("churned (no invoice within the horizon)"));
        }
    }
    if too_few(training_rows, training_churned) || too_few(holdout_rows, holdout_churned) {
        return Err(TrainError::TooFewRows {
            holdout_date,
            holdout_rows,
            holdout_churned,
            training_rows,
            training_churned,
            min_customers: config.min_customers,
            min_per_class: config.min_per_class,
        });
    }
    let mut gaps: Vec<f64> = training.features.iter().filter_map(|features| features.typical_gap_days).collect();
    let typical_gap_fill = median(&mut gaps).unwrap_or(f64::from(config.horizon_days));
    let used: Vec<usize> =
        (0..FEATURE_COUNT).filter(|index| payment_features || !PAYMENT_FEATURES.contains(index)).collect();
    let raw = fit(&training, typical_gap_fill, &used, config)?;
    let model = calibrated(raw.clone(), &holdout)?;
    let labels = &holdout.labels;
    let model_scores = cross_fitted(&raw, &holdout)
        .ok_or_else(|| TrainError::Uncalibratable("a half of the holdout has customers of one class only".into()))?;
    let mut judged = vec![
        Judged::of("model", "calibrated on the other half of the holdout", &model_scores, labels),
        Judged::of("model_uncalibrated", "the same model before calibration", &scores(&raw, &holdout), labels),
    ];
    for (name, what, features) in [
        ("recency_baseline", "L2 logistic regression on recency alone, calibrated the same way", &RECENCY_FEATURES[..]),
        (
            "rfm_baseline",
            "L2 logistic regression on recency, frequency and revenue of the last 365 days, calibrated the same way",
            &RFM_FEATURES[..],
        ),
    ] {
        let baseline = match fit(&training, typical_gap_fill, features, config) {
            Ok(baseline) => baseline,
            Err(TrainError::ConstantFeatures(_)) => ChurnModel { weights: vec![0.0; FEATURE_COUNT], ..raw.clone() },
            Err(error) => return Err(error),
        };
        // A baseline that cannot be calibrated is judged as it is.
        let baseline_scores = cross_fitted(&baseline, &holdout).unwrap_or_else(|| scores(&baseline, &holdout));
        judged.push(Judged::of(name, what, &baseline_scores, labels));
    }
    // The constant: each half at the other half's churn rate.
    let rate = |parity: usize| {
        let half: Vec<bool> =
            labels.iter().enumerate().filter(|(index, _)| index % 2 == parity).map(|(_, &label)| label).collect();
        half.iter().filter(|&&label| label).count() as f64 / half.len().max(1) as f64
    };
    let (even_rate, odd_rate) = (rate(0), rate(1));
    let constant: Vec<f64> = (0..labels.len()).map(|index| if index % 2 == 0 { odd_rate } else { even_rate }).collect();
    judged.push(Judged::of("constant_baseline", "every customer at the other half's churn rate", &constant, labels));
    let metrics = judged[0].metrics;
    let qualification = qualification(&judged, &holdout, config, model.calibration.is_flat());
    model.validate().map_err(TrainError::Fit)?;
    Ok(Trained {
        model,
        training_rows,
        training_churned,
        holdout_rows,
        holdout_churned,
        metrics,
        judged,
        qualification,
        holdout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::churn::features::Settlement;

    /// Customers of two kinds: loyal ones buying every ~30 days until day 1000, and leavers whose
    /// gaps widen and who stop at a random day. Deterministic.
    fn population(count: usize) -> Vec<Vec<InvoiceFact>> {
        let mut state = 99u64;
        let mut next = move |modulo: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % modulo
        };
        (0..count)
            .map(|index| {
                let leaver = index % 3 == 0;
                let stop = if leaver { 300 + next(700) as i32 } else { 2000 };
                let mut facts = Vec::new();
                let mut day = next(40) as i32;
                while day < 1000 && day < stop {
                    let fading = leaver && stop - day < 120;
                    let paid_late = if fading { 40 } else { next(5) as i32 };
                    facts.push(InvoiceFact {
                        date: day,
                        is_refund: false,
                        untaxed: 100.0 + next(100) as f64,
                        total: 121.0,
                        due: day + 30,
                        changed: day + 30 + paid_late,
                        settlement: Settlement::Paid,
                        residual: 0.0,
                        dated_by_reconciliation: false,
                    });
                    day += (20 + next(20) as i32) * if fading { 2 } else { 1 };
                }
                facts
            })
            .collect()
    }

    /// (the training snapshots, the holdout), as train_churn_model builds them.
    fn split(customers: &[Vec<InvoiceFact>], as_of: i32, config: &TrainConfig) -> (Snapshot, Snapshot) {
        let snapshots: Vec<Snapshot> = config
            .training_dates(as_of)
            .into_iter()
            .map(|date| snapshot(customers.iter().map(Vec::as_slice), date, config))
            .collect();
        (Snapshot::merged(&snapshots), snapshot(customers.iter().map(Vec::as_slice), as_of, config))
    }

    fn train_on(
        customers: &[Vec<InvoiceFact>],
        as_of: i32,
        config: &TrainConfig,
        payments: bool,
    ) -> Result<Trained, TrainError> {
        let (training, holdout) = split(customers, as_of, config);
        train(training, holdout, "day 800".into(), config, payments)
    }

    fn judged<'a>(trained: &'a Trained, name: &str) -> &'a Judged {
        trained.judged.iter().find(|judged| judged.name == name).expect("judged")
    }

    #[test]
    fn learns_the_churn_signal_and_beats_chance() {
        let customers = population(900);
        let config = TrainConfig::new(90);
        let trained = train_on(&customers, 800, &config, true).expect("trains");
        assert!(trained.metrics.roc_auc > 0.8, "{:?}", trained.metrics);
        assert!(trained.metrics.log_loss.is_finite() && trained.metrics.brier < 0.25);
        // Leavers' gaps widen and they pay late before they stop: more than recency alone can see.
        let recency = judged(&trained, "recency_baseline").metrics;
        assert!(trained.metrics.roc_auc > recency.roc_auc, "{:?} {recency:?}", trained.metrics);
        // Calibrated: better log loss than a constant, small calibration error.
        assert!(trained.metrics.log_loss < judged(&trained, "constant_baseline").metrics.log_loss);
        assert!(trained.metrics.ece < 0.06, "{:?}", trained.metrics);
        assert_eq!(trained.judged.len(), 5);
        let holdout_scores = scores(&trained.model, &trained.holdout);
        let mean = |churned: bool| {
            let picked: Vec<f64> = holdout_scores
                .iter()
                .zip(&trained.holdout.labels)
                .filter(|(_, &label)| label == churned)
                .map(|(&score, _)| score)
                .collect();
            picked.iter().sum::<f64>() / picked.len() as f64
        };
        assert!(mean(true) > mean(false) + 0.2);
        trained.model.validate().expect("valid");
        let stored: ChurnModel =
            serde_json::from_value(serde_json::to_value(&trained.model).expect("json")).expect("parse");
        assert_eq!(stored, trained.model);
    }

    #[test]
    fn contributions_add_up_to_the_logit_and_reasons_explain_the_top_ones() {
        let customers = population(600);
        let config = TrainConfig::new(90);
        let trained = train_on(&customers, 800, &config, true).expect("trains");
        let features = churn_features::features_as_of(&customers[0], 800).expect("history");
        let contributions = trained.model.contributions(&features);
        let logit = trained.model.intercept + contributions.iter().sum::<f64>();
        assert!((trained.model.calibration.probability(logit) - trained.model.probability(&features)).abs() < 1e-12);
        let reasons = top_reasons(&features, &contributions, &trained.model.weights, 3);
        assert!(reasons.len() <= 3);
        let strongest =
            (0..FEATURE_COUNT).max_by(|&a, &b| contributions[a].total_cmp(&contributions[b])).expect("features");
        if contributions[strongest] > 0.01 && RISK_DIRECTION[strongest] * trained.model.weights[strongest] > 0.0 {
            assert_eq!(reasons[0], describe(&features, strongest));
        }
        // Nothing that lowers the risk, nor a weight read against its documented direction, is a reason.
        for reason in &reasons {
            let index = (0..FEATURE_COUNT).find(|&index| &describe(&features, index) == reason).expect("a feature");
            assert!(contributions[index] > 0.0 && RISK_DIRECTION[index] * trained.model.weights[index] > 0.0);
        }
    }

    #[test]
    fn one_class_and_constant_features_are_refused() {
        let config = TrainConfig { min_customers: 1, min_per_class: 0, ..TrainConfig::new(90) };
        let same = churn_features::features_as_of(
            &[InvoiceFact {
                date: 0,
                is_refund: false,
                untaxed: 1.0,
                total: 1.0,
                due: 0,
                changed: 0,
                settlement: Settlement::Paid,
                residual: 0.0,
                dated_by_reconciliation: false,
            }],
            10,
        )
        .expect("history");
        let stayed = Snapshot { features: vec![same; 20], labels: vec![false; 20] };
        let mixed = Snapshot { features: vec![same; 20], labels: (0..20).map(|i| i % 2 == 0).collect() };
        let one_class = train(stayed.clone(), stayed.clone(), "d".into(), &config, true);
        assert!(matches!(one_class, Err(TrainError::OneClass(_))), "{one_class:?}");
        let constant = train(mixed.clone(), mixed.clone(), "d".into(), &config, true);
        assert_eq!(constant.unwrap_err(), TrainError::ConstantFeatures(20));
        // A holdout whose halves hold one class each cannot calibrate: 22000 with the reason.
        let varied = churn_features::features_as_of(
            &[
                InvoiceFact {
                    date: 0,
                    is_refund: false,
                    untaxed: 5.0,
                    total: 5.0,
                    due: 0,
                    changed: 0,
                    settlement: Settlement::Paid,
                    residual: 0.0,
                    dated_by_reconciliation: false,
                },
                InvoiceFact {
                    date: 3,
                    is_refund: false,
                    untaxed: 9.0,
                    total: 9.0,
                    due: 3,
                    changed: 3,
                    settlement: Settlement::Paid,
                    residual: 0.0,
                    dated_by_reconciliation: false,
                },
            ],
            10,
        )
        .expect("history");
        let training = Snapshot {
            features: (0..20).map(|i| if i % 2 == 0 { same } else { varied }).collect(),
            labels: (0..20).map(|i| i % 2 == 0).collect(),
        };
        let split_by_half =
            Snapshot { features: training.features.clone(), labels: (0..20).map(|i| i % 2 == 0).collect() };
        let uncalibratable = train(training, split_by_half, "d".into(), &config, true);
        assert!(matches!(uncalibratable, Err(TrainError::Uncalibratable(_))), "{uncalibratable:?}");
    }

    #[test]
    fn too_few_rows_reports_the_counts() {
        let customers = population(30);
        let config = TrainConfig::new(90);
        let error = train_on(&customers, 800, &config, true).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, TrainError::TooFewRows { .. }), "{message}");
        assert!(message.contains("holdout at day 800 has"), "{message}");
    }

    #[test]
    fn params_override_defaults_and_unknown_keys_are_named() {
        let config = TrainConfig::new(60)
            .with_params(&serde_json::json!({"l2": 0.5, "snapshots": 2, "activate": true}))
            .expect("valid");
        assert_eq!((config.l2, config.snapshots, config.activate), (0.5, 2, Activation::Always));
        assert_eq!(config.training_dates(1000), vec![940, 910]);
        let error = TrainConfig::new(90).with_params(&serde_json::json!({"learning_rate": 1})).unwrap_err();
        assert!(error.to_string().contains("unknown key \"learning_rate\""), "{error}");
        assert!(TrainConfig::new(90).with_params(&serde_json::json!({"snapshots": 0})).is_err());
        assert!(TrainConfig::new(90).with_params(&serde_json::json!({"snapshots": 25})).is_err());
        assert!(TrainConfig::new(90).with_params(&serde_json::json!({"l2": -1})).is_err());
        assert!(TrainConfig::new(90).with_params(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn imported_models_are_validated() {
        let customers = population(300);
        let config = TrainConfig { min_customers: 20, ..TrainConfig::new(90) };
        let model = train_on(&customers, 800, &config, true).expect("trains").model;
        let mut broken = model.clone();
        broken.weights.pop();
        assert!(broken.validate().is_err());
        let mut broken = model.clone();
        broken.features.swap(0, 1);
        assert!(broken.validate().is_err());
        let mut broken = model.clone();
        broken.format = 3;
        assert!(broken.validate().unwrap_err().contains("format 3"));
        let mut old = model.clone();
        old.format = 1;
        assert!(old.validate().unwrap_err().contains("retrain it with SELECT odoo_mirror.train_churn_model()"));
        // A model stored by 0.5.0 (no calibration, no histograms) parses far enough to say so.
        let mut stored_by_050 = serde_json::to_value(&model).expect("json");
        stored_by_050["format"] = 1.into();
        if let Some(object) = stored_by_050.as_object_mut() {
            object.remove("calibration");
            object.remove("input_histograms");
        }
        let parsed: ChurnModel = serde_json::from_value(stored_by_050).expect("parses");
        assert!(parsed.validate().unwrap_err().contains("0.5.0 or earlier"));
        let mut broken = model;
        broken.calibration.slope = -1.0;
        assert!(broken.validate().is_err());
    }

    #[test]
    fn bands_amounts_and_the_sigmoid() {
        assert_eq!(
            (risk_band(0.7), risk_band(0.69), risk_band(0.4), risk_band(0.1)),
            ("high", "medium", "medium", "low")
        );
        assert_eq!(amount(1234567.4), "1,234,567");
        assert_eq!(amount(-999.0), "-999");
        assert_eq!(
            (invoices(1.0), invoices(0.0), invoices(3.0)),
            ("1 invoice".into(), "0 invoices".into(), "3 invoices".into())
        );
        assert_eq!(crate::ml::sigmoid(1000.0), 1.0);
        assert_eq!(crate::ml::sigmoid(-1000.0), 0.0);
        assert!(!crate::ml::sigmoid(f64::MAX).is_nan());
        assert_eq!(change(0.5f64.ln()), "down 50%");
        assert_eq!(change(2f64.ln()), "up 100%");
    }

    #[test]
    fn payment_features_are_dropped_when_write_date_is_the_load_time() {
        let customers = population(300);
        let config = TrainConfig { min_customers: 20, ..TrainConfig::new(90) };
        // As Odoo writes it: payments dated.
        let mut dating = PaymentDating::default();
        for facts in &customers {
            dating.observe(facts, 800 - 90 - 90, 800);
        }
        assert!(dating.settled > 0 && dating.usable(), "{dating:?}");
        // As a hand-made load writes it: every row written on day 5000.
        let loaded: Vec<Vec<InvoiceFact>> = customers
            .iter()
            .map(|facts| facts.iter().map(|fact| InvoiceFact { changed: 5000, ..*fact }).collect())
            .collect();
        let mut dating = PaymentDating::default();
        for facts in &loaded {
            dating.observe(facts, 800 - 90 - 90, 800);
        }
        assert!(!dating.usable(), "{dating:?}");
        let model = train_on(&loaded, 800, &config, false).expect("trains").model;
        assert!(PAYMENT_FEATURES.clone().all(|index| model.weights[index] == 0.0), "{:?}", model.weights);
        assert!(model.weights[..12].iter().any(|&weight| weight != 0.0));
    }

    #[test]
    fn reconciliation_dates_keep_the_payment_features_whatever_write_date_says() {
        let customers = population(300);
        // A load stamped write_date on day 5000, but the reconciliations date every payment.
        let loaded: Vec<Vec<InvoiceFact>> = customers
            .iter()
            .map(|facts| facts.iter().map(|fact| InvoiceFact { dated_by_reconciliation: true, ..*fact }).collect())
            .collect();
        let mut dating = PaymentDating::default();
        for facts in &loaded {
            dating.observe(facts, 800 - 90 - 90, 800);
        }
        assert!(dating.usable() && dating.reconciled == dating.settled, "{dating:?}");
        assert!(dating.why().contains("reconciliations"), "{}", dating.why());
        // Half dated each way, the write_date half stamped at load time: dropped, and the reason says why.
        let mixed: Vec<Vec<InvoiceFact>> = customers
            .iter()
            .enumerate()
            .map(|(index, facts)| {
                facts
                    .iter()
                    .map(|fact| {
                        if index % 4 == 0 {
                            InvoiceFact { dated_by_reconciliation: true, ..*fact }
                        } else {
                            InvoiceFact { changed: 5000, ..*fact }
                        }
                    })
                    .collect()
            })
            .collect();
        let mut dating = PaymentDating::default();
        for facts in &mixed {
            dating.observe(facts, 800 - 90 - 90, 800);
        }
        assert!(dating.reconciled > 0 && !dating.usable(), "{dating:?}");
        assert!(dating.why().contains("no reconciliation"), "{}", dating.why());
    }
}
