//! The expense fraud model: the rules of `fraud_signals` and an isolation forest over their numeric
//! features, combined by a logistic function into a 0..1 score with reasons. Pure Rust, unit-tested.
//!
//! score = sigmoid(intercept + Σ weight_r × strength_r + weight_f × forest_input), where strength_r is
//! how strongly rule r fired (0 when it did not) and forest_input is the isolation-forest score's
//! distance above the training data's typical score. Without labels the weights are the documented
//! defaults below; with auditors' labels (odoo_mirror.expense_labels) they are fitted by logistic
//! regression (linfa), which calibrates the score to the labelled fraud rate (Platt scaling).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::ml::fraud::isolation_forest::{IsolationForest, SplitMix64};
use crate::ml::fraud::signals::{self as fraud_signals, Assessment, Baseline, ExpenseFact, Rule, SignalConfig};
use crate::ml::metrics::{self as ml_metrics, Metrics};
use crate::ml::monitoring::{self, Histogram};
use crate::ml::training::{read_params, Activation};
use crate::ml::{sigmoid, StoredModel};
use crate::params::ParamError;

/// The version of the stored model layout; import refuses others. Format 1 (0.5.0 and earlier)
/// compared raw amounts and had no round-amount-on-weekend rule: such models are refused with a hint to
/// retrain. Format 2 (0.6.0) had no consecutive-document-numbers rule, split claims of any size and
/// one strength for every near duplicate: it is read as format 3 with that rule's weight 0 and
/// 0.6.0's settings, so it scores as it did until retrained.
pub const MODEL_FORMAT: u32 = 3;
pub const KIND: &str = "fraud";

/// The rules, in the order of the model's inputs; the forest is the last input.
pub const RULES: [Rule; 11] = [
    Rule::EmployeeAmountOutlier,
    Rule::CategoryAmountOutlier,
    Rule::ExactDuplicate,
    Rule::NearDuplicate,
    Rule::SplitClaim,
    Rule::RoundAmount,
    Rule::RoundAmountOnWeekend,
    Rule::WeekendDate,
    Rule::LateSubmission,
    Rule::FrequencySpike,
    Rule::ConsecutiveDocumentNumbers,
];
pub const INPUT_COUNT: usize = RULES.len() + 1;
pub const FOREST_INPUT: usize = RULES.len();
pub const FOREST_NAME: &str = "isolation_forest";

pub fn input_names() -> Vec<String> {
    RULES.iter().map(|rule| rule.name().to_string()).chain([FOREST_NAME.to_string()]).collect()
}

/// Default weights (logit per unit of strength), used without labels. Prior beliefs, documented in
/// the README: with nothing fired the score is sigmoid(-4.5) ≈ 1%; an exact duplicate alone gives
/// about 0.82, a near duplicate 0.5, a strong amount outlier 0.4 to 0.6, a split claim 0.4 to 0.7;
/// a burst of claims at 5 times the usual rate about 0.1; round amounts, weekends and late submission
/// are weak alone and add up; a round amount on a weekend about 0.35. Late submission and bursts are
/// circumstances, not schemes of the ACFE's expense reimbursement typology (mischaracterised,
/// overstated, fictitious, multiple reimbursements): a long trip explains both, so they weigh least.
/// Consecutive document numbers from one vendor days apart (0.6.1) score 0.27 alone (strength 0.7) and
/// 0.5 when two or more other claims are next to it (strength 0.9): a strong hint, weaker than a
/// duplicate.
/// A fit on labels keeps at least half of each (`fit_weights`): labels refine the rules, they do not
/// switch one off.
pub const DEFAULT_WEIGHTS: [f64; INPUT_COUNT] = [4.0, 3.0, 6.0, 6.0, 6.0, 1.5, 3.0, 1.5, 1.0, 3.0, 5.0, 0.8];
pub const DEFAULT_INTERCEPT: f64 = -4.5;

/// The forest's input: how far its score is above the training data's typical (median) score, in
/// tenths, capped at ±2: an anomaly is not a fraud (a travel week, a late claim after a long trip are
/// unusual and legitimate), so without labels the forest breaks ties between rules, it does not
/// outweigh them.
fn forest_input(score: f64, typical: f64) -> f64 {
    let input = (score - typical) * 10.0;
    if input.is_finite() {
        input.clamp(-2.0, 2.0)
    } else {
        0.0
    }
}

/// A fraud model as stored in `odoo_mirror.ml_models.model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FraudModel {
    pub format: u32,
    /// Input names, in weight order.
    pub features: Vec<String>,
    pub signals: SignalConfig,
    /// The company's amount baseline per category (product id), from the training data.
    pub categories: BTreeMap<i32, Baseline>,
    pub forest: IsolationForest,
    /// The median forest score of the training data.
    pub forest_typical: f64,
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// Whether the weights were fitted on labels (false: the default weights).
    pub fitted_on_labels: bool,
    /// Each input's distribution over the training expenses, for drift monitoring. (Default only so
    /// that a format 1 model parses far enough to be refused with a retrain hint.)
    #[serde(default)]
    pub input_histograms: Vec<Histogram>,
}

/// One scored expense: the score, its assessment and every input's contribution to the logit.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub logit: f64,
    pub forest_score: f64,
    pub inputs: [f64; INPUT_COUNT],
    pub contributions: [f64; INPUT_COUNT],
    pub assessment: Assessment,
}

/// One reason for a score: the rule, what it saw, how strongly, and what it added to the logit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub rule: &'static str,
    pub evidence: String,
    pub strength: f64,
    pub weight: f64,
    pub contribution: f64,
}

impl FraudModel {
    /// Checks a model read from the store or an import; Err says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.format == 1 {
            return Err(format!(
                "model format 1 was trained by odoo_mirror 0.5.0 or earlier (raw-amount baselines, nine rules); retrain it with SELECT odoo_mirror.train_fraud_model() (this version reads format {MODEL_FORMAT})"
            ));
        }
        if self.format != MODEL_FORMAT {
            return Err(format!("model format {} is not {MODEL_FORMAT}", self.format));
        }
        if self.weights.len() != INPUT_COUNT || self.features != input_names() {
            return Err(format!("the model must have the {INPUT_COUNT} inputs {}", input_names().join(", ")));
        }
        let bounded = |value: f64| value.is_finite() && value.abs() <= 1e3;
        if !self.weights.iter().all(|&weight| bounded(weight)) || !bounded(self.intercept) {
            return Err("weights and intercept must be finite numbers within ±1000".into());
        }
        if !(0.0..=1.0).contains(&self.forest_typical) {
            return Err("forest_typical must be within 0..1".into());
        }
        if self.categories.values().any(|baseline| {
            !(baseline.median.is_finite() && baseline.mad.is_finite() && baseline.mean_deviation.is_finite())
        }) {
            return Err("category baselines must be finite".into());
        }
        self.forest.validate(fraud_signals::FOREST_FEATURE_COUNT)?;
        if self.input_histograms.len() != INPUT_COUNT {
            return Err(format!(
                "input_histograms has {} entries, {INPUT_COUNT} expected",
                self.input_histograms.len()
            ));
        }
        for histogram in &self.input_histograms {
            histogram.check()?;
        }
        let config = &self.signals;
        if !(config.approval_threshold.is_finite()
            && config.near_amount_tolerance.is_finite()
            && config.outlier_z.is_finite())
        {
            return Err("signal thresholds must be finite".into());
        }
        if !((0.0..=1.0).contains(&config.split_min_part_share)
            && (0.0..=1.0).contains(&config.near_duplicate_same_report))
        {
            return Err("split_min_part_share and near_duplicate_same_report must be within 0..1".into());
        }
        Ok(())
    }

    /// Assesses `target` against its employee's expenses (sorted by date).
    pub fn assess(&self, target: &ExpenseFact, employee: &[ExpenseFact]) -> Assessment {
        let range = fraud_signals::comparison_range(employee, target);
        let category = target.product_id.and_then(|product| self.categories.get(&product));
        fraud_signals::assess(target, &employee[range], category, &self.signals)
    }

    pub fn score_assessment(&self, assessment: Assessment) -> Scored {
        let forest_score = self.forest.score(&assessment.features);
        let inputs = model_inputs(&assessment, forest_score, self.forest_typical);
        let mut contributions = [0.0; INPUT_COUNT];
        for index in 0..INPUT_COUNT {
            contributions[index] = self.weights[index] * inputs[index];
        }
        let logit = self.intercept + contributions.iter().sum::<f64>();
        Scored { score: sigmoid(logit), logit, forest_score, inputs, contributions, assessment }
    }

    /// Scores `target` against its employee's expenses (sorted by date).
    pub fn score(&self, target: &ExpenseFact, employee: &[ExpenseFact]) -> Scored {
        self.score_assessment(self.assess(target, employee))
    }

    /// The reasons that raised the score, strongest first.
    pub fn reasons(&self, scored: &Scored) -> Vec<Reason> {
        let mut reasons: Vec<Reason> = scored
            .assessment
            .signals
            .iter()
            .filter_map(|signal| {
                let index = RULES.iter().position(|rule| *rule == signal.rule)?;
                Some(Reason {
                    rule: signal.rule.name(),
                    evidence: signal.evidence.clone(),
                    strength: signal.strength,
                    weight: self.weights[index],
                    contribution: self.weights[index] * signal.strength,
                })
            })
            .collect();
        let forest_contribution = scored.contributions[FOREST_INPUT];
        if forest_contribution > 0.05 {
            reasons.push(Reason {
                rule: FOREST_NAME,
                evidence: format!(
                    "an unusual combination of amount, timing and frequency: anomaly score {:.2} against a typical {:.2}",
                    scored.forest_score, self.forest_typical
                ),
                strength: scored.inputs[FOREST_INPUT],
                weight: self.weights[FOREST_INPUT],
                contribution: forest_contribution,
            });
        }
        reasons.retain(|reason| reason.contribution > 0.0);
        reasons.sort_by(|a, b| b.contribution.total_cmp(&a.contribution).then(a.rule.cmp(b.rule)));
        reasons
    }
}

impl StoredModel for FraudModel {
    const KIND: &'static str = KIND;
    const TRAIN_FUNCTION: &'static str = "train_fraud_model";
    const FORMAT: u32 = MODEL_FORMAT;

    fn check(&self) -> Result<(), String> {
        self.validate()
    }

    fn feature_names(&self) -> Vec<String> {
        self.features.clone()
    }

    /// Format 2 (0.6.0) lacks the consecutive-document-numbers input, the last rule: weight 0 keeps
    /// its scores, and its training histogram says the input was always 0.
    fn migrated(mut self) -> Self {
        let before = INPUT_COUNT - 1;
        if self.format == 2
            && self.weights.len() == before
            && self.features.len() == before
            && self.input_histograms.len() == before
        {
            let at = RULES.len() - 1;
            if let Some(histogram) = Histogram::of(&[0.0]) {
                // 0.6.0 added up every small claim of a category in the split window.
                self.signals.split_min_part_share = 0.0;
                self.signals.near_duplicate_same_report = 0.75;
                self.input_histograms.insert(at, histogram);
                self.weights.insert(at, 0.0);
                self.features.insert(at, Rule::ConsecutiveDocumentNumbers.name().to_string());
                self.format = MODEL_FORMAT;
            }
        }
        self
    }
}

/// The model's inputs for an assessment: each rule's strength, then the forest input.
pub fn model_inputs(assessment: &Assessment, forest_score: f64, forest_typical: f64) -> [f64; INPUT_COUNT] {
    let mut inputs = [0.0; INPUT_COUNT];
    for (index, rule) in RULES.iter().enumerate() {
        inputs[index] = assessment.strength(*rule);
    }
    inputs[FOREST_INPUT] = forest_input(forest_score, forest_typical);
    inputs
}

/// A reason as one line of text: "rule: evidence".
pub fn reason_text(reason: &Reason) -> String {
    format!("{}: {}", reason.rule, reason.evidence)
}

// Training -----------------------------------------------------------------------------------------

/// Training settings, from `p_params`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub signals: SignalConfig,
    pub trees: usize,
    pub sample_size: usize,
    pub seed: u64,
    pub l2: f64,
    pub max_iterations: u64,
    /// Share of the labelled rows kept out of fitting to judge the model.
    pub holdout_share: f64,
    /// Fewest fraud and fewest legitimate examples (each) that a fit on labels needs.
    pub min_labels: usize,
    /// Whether expenses nobody labelled count as legitimate in the fit (fraud is rare, so most are).
    pub unlabelled_as_legitimate: bool,
    pub activate: Activation,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            signals: SignalConfig::default(),
            trees: 100,
            sample_size: 256,
            seed: 42,
            l2: 1.0,
            max_iterations: 200,
            holdout_share: 0.3,
            min_labels: 10,
            // Labels are usually a sample: the unlabelled hold fraud nobody has looked at yet.
            unlabelled_as_legitimate: false,
            activate: Activation::IfBetter,
        }
    }
}

pub const PARAM_KEYS: &str = "approval_threshold, split_window_days, split_min_part_share, near_amount_tolerance, near_date_days, near_duplicate_same_report, late_submission_days, outlier_z, min_history, spike_window_days, trees, sample_size, seed, l2, max_iterations, holdout_share, min_labels, unlabelled_as_legitimate, activate";

impl TrainConfig {
    /// Reads `p_params` (a JSON object) over the defaults; an unknown key or a bad value is an error
    /// that names it.
    pub fn with_params(mut self, params: &serde_json::Value) -> Result<Self, ParamError> {
        read_params(params, "{\"approval_threshold\": 250}", PARAM_KEYS, |param| {
            let signals = &mut self.signals;
            match param.key {
                "approval_threshold" => signals.approval_threshold = param.number(0.01, 1e12)?,
                "split_window_days" => signals.split_window_days = param.int(1, 365)? as i32,
                "split_min_part_share" => signals.split_min_part_share = param.number(0.0, 1.0)?,
                "near_duplicate_same_report" => signals.near_duplicate_same_report = param.number(0.0, 1.0)?,
                "near_amount_tolerance" => signals.near_amount_tolerance = param.number(0.0, 0.5)?,
                "near_date_days" => signals.near_date_days = param.int(0, 365)? as i32,
                "late_submission_days" => signals.late_submission_days = param.int(1, 3650)? as i32,
                "outlier_z" => signals.outlier_z = param.number(0.5, 50.0)?,
                "min_history" => signals.min_history = param.int(2, 1000)? as usize,
                "spike_window_days" => signals.spike_window_days = param.int(1, 365)? as i32,
                "trees" => self.trees = param.int(1, 1000)? as usize,
                "sample_size" => self.sample_size = param.int(2, 100_000)? as usize,
                "seed" => self.seed = param.int(0, i64::MAX)? as u64,
                "l2" => self.l2 = param.number(0.0, 1e6)?,
                "max_iterations" => self.max_iterations = param.int(1, 10_000)? as u64,
                "holdout_share" => self.holdout_share = param.number(0.05, 0.95)?,
                "min_labels" => self.min_labels = param.int(2, 1_000_000)? as usize,
                "unlabelled_as_legitimate" => self.unlabelled_as_legitimate = param.boolean()?,
                "activate" => self.activate = param.activation()?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(self)
    }

    /// The params as stored with the model.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "signals": self.signals,
            "trees": self.trees,
            "sample_size": self.sample_size,
            "seed": self.seed,
            "l2": self.l2,
            "max_iterations": self.max_iterations,
            "holdout_share": self.holdout_share,
            "min_labels": self.min_labels,
            "unlabelled_as_legitimate": self.unlabelled_as_legitimate,
        })
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FraudTrainError {
    #[error("no expenses to learn from: the mirror's hr_expense has no row with an employee and a date")]
    NoExpenses,
    /// The forest samples at least 2 rows: fewer cannot make a model that scores.
    #[error("too few expenses to learn from: {0} with an employee and a date, at least 2 are needed")]
    TooFewExpenses(usize),
    /// Checked before fitting: the forest's size follows from p_params and the rows there are.
    #[error(
        "p_params.trees {trees} with p_params.sample_size {sample_size} ({sampled} of the {expenses} expenses) would grow up to {nodes} forest nodes, more than the {MAX_FOREST_NODES} a stored model may hold"
    )]
    ForestTooLarge { trees: usize, sample_size: usize, sampled: usize, expenses: usize, nodes: usize },
    #[error("could not fit the isolation forest: {0}")]
    Forest(String),
    #[error("could not fit the weights on the labels: {0}")]
    Fit(String),
}

/// How the labels were used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelUse {
    pub labelled_fraud: usize,
    pub labelled_legitimate: usize,
    /// Labels naming expenses the mirror does not have (or cannot score).
    pub labels_without_expense: usize,
    pub unlabelled_counted_legitimate: usize,
    pub fitted: bool,
    pub why: String,
}

/// Holdout metrics of the model and its two halves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub rows: usize,
    pub fraud: usize,
    pub model: Metrics,
    pub precision_top_1pct: f64,
    pub recall_top_1pct: f64,
    /// The default rule weights without the forest.
    pub rules_only: Metrics,
    /// The forest's score alone.
    pub forest_only: Metrics,
    /// Mean predicted score against the observed fraud rate, by predicted-score decile.
    pub calibration: Vec<CalibrationBin>,
    /// Per input: of the held-out fraud it fired on, the share in the top 2% of the holdout under the
    /// default weights and under the fitted ones (a fit must not lose a signal the defaults had).
    pub signal_recall: Vec<SignalRecall>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalRecall {
    pub input: String,
    pub fraud_with_signal: usize,
    pub top_2pct_default: f64,
    pub top_2pct_fitted: f64,
}

/// Whether each row ranks in the top `share` of `scores` (at least one row).
fn in_top(scores: &[f64], share: f64) -> Vec<bool> {
    let count = ((scores.len() as f64 * share).ceil() as usize).clamp(1, scores.len().max(1));
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut top = vec![false; scores.len()];
    for &index in order.iter().take(count) {
        top[index] = true;
    }
    top
}

/// Each input's recall in the top 2% of the holdout, default weights against fitted ones.
fn signal_recall(
    inputs: &[[f64; INPUT_COUNT]],
    holdout: &[(usize, bool)],
    default_scores: &[f64],
    fitted_scores: &[f64],
) -> Vec<SignalRecall> {
    let (default_top, fitted_top) = (in_top(default_scores, 0.02), in_top(fitted_scores, 0.02));
    input_names()
        .into_iter()
        .enumerate()
        .map(|(input, name)| {
            let fired: Vec<usize> = holdout
                .iter()
                .enumerate()
                .filter(|(_, (row, label))| *label && inputs[*row][input] > 0.0)
                .map(|(position, _)| position)
                .collect();
            let share = |top: &[bool]| {
                if fired.is_empty() {
                    0.0
                } else {
                    fired.iter().filter(|&&position| top[position]).count() as f64 / fired.len() as f64
                }
            };
            SignalRecall {
                input: name,
                fraud_with_signal: fired.len(),
                top_2pct_default: share(&default_top),
                top_2pct_fitted: share(&fitted_top),
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub rows: usize,
    pub mean_score: f64,
    pub fraud_rate: f64,
}

pub struct Trained {
    pub model: FraudModel,
    pub expenses: usize,
    pub labels: LabelUse,
    pub evaluation: Option<Evaluation>,
    /// The labelled holdout (expense id → is fraud), to judge the active model on the same rows.
    pub holdout: HashMap<i32, bool>,
}

/// The most forest nodes a model may hold: about 80 MB of stored JSON, parsed by every backend that
/// scores; the default forest (100 trees of 256 rows) has at most 51,100.
pub const MAX_FOREST_NODES: usize = 1_000_000;

/// Refuses, before any fitting, the settings and data that cannot make a usable, storable model:
/// fewer than 2 expenses (the forest samples at least 2), or a forest of more than MAX_FOREST_NODES
/// nodes (a tree over n rows has at most 2n - 1).
pub fn check_forest_size(config: &TrainConfig, expenses: usize) -> Result<(), FraudTrainError> {
    if expenses < 2 {
        return Err(FraudTrainError::TooFewExpenses(expenses));
    }
    let sampled = config.sample_size.min(expenses);
    let nodes = config.trees.saturating_mul(sampled.saturating_mul(2).saturating_sub(1));
    if nodes > MAX_FOREST_NODES {
        return Err(FraudTrainError::ForestTooLarge {
            trees: config.trees,
            sample_size: config.sample_size,
            sampled,
            expenses,
            nodes,
        });
    }
    Ok(())
}

/// Whether `id` falls in the holdout: a seeded hash, so the split is stable across retrains.
fn in_holdout(id: i32, seed: u64, share: f64) -> bool {
    SplitMix64::new(seed ^ (id as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).unit() < share
}

/// Reliability by predicted-score bins (equal-width tenths).
pub fn calibration(scores: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    let mut bins: Vec<(usize, f64, usize)> = vec![(0, 0.0, 0); 10];
    for (&score, &label) in scores.iter().zip(labels) {
        let bin = ((score * 10.0).floor() as usize).min(9);
        bins[bin].0 += 1;
        bins[bin].1 += score;
        bins[bin].2 += usize::from(label);
    }
    bins.iter()
        .enumerate()
        .filter(|(_, (rows, _, _))| *rows > 0)
        .map(|(index, &(rows, sum, fraud))| CalibrationBin {
            from: index as f64 / 10.0,
            to: (index + 1) as f64 / 10.0,
            rows,
            mean_score: sum / rows as f64,
            fraud_rate: fraud as f64 / rows as f64,
        })
        .collect()
}

/// Scores every expense of `employees` (each sorted by date) whose id is in `wanted`, with `model`.
pub fn score_ids(
    model: &FraudModel,
    employees: &[Vec<ExpenseFact>],
    wanted: &HashMap<i32, bool>,
) -> (Vec<f64>, Vec<bool>) {
    let mut scores = Vec::with_capacity(wanted.len());
    let mut labels = Vec::with_capacity(wanted.len());
    for employee in employees {
        for target in employee {
            if let Some(&label) = wanted.get(&target.id) {
                scores.push(model.score(target, employee).score);
                labels.push(label);
            }
        }
    }
    (scores, labels)
}

/// Learns the category baselines and the forest from every expense, then the weights from the labels
/// when there are enough (else the defaults). `employees` holds each employee's expenses sorted by date.
pub fn train(
    employees: &[Vec<ExpenseFact>],
    labels: &HashMap<i32, bool>,
    config: &TrainConfig,
) -> Result<Trained, FraudTrainError> {
    let expense_count: usize = employees.iter().map(Vec::len).sum();
    if expense_count == 0 {
        return Err(FraudTrainError::NoExpenses);
    }
    check_forest_size(config, expense_count)?;
    // Category baselines over the whole company.
    let mut amounts: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for expense in employees.iter().flatten() {
        if let Some(product) = expense.product_id {
            amounts.entry(product).or_default().push(fraud_signals::log_amount(expense.amount));
        }
    }
    let categories: BTreeMap<i32, Baseline> = amounts
        .iter()
        .filter_map(|(&product, values)| Baseline::of(values).map(|baseline| (product, baseline)))
        .collect();

    // Every expense's assessment; the forest learns from their features.
    let mut model = FraudModel {
        format: MODEL_FORMAT,
        features: input_names(),
        signals: config.signals.clone(),
        categories,
        forest: IsolationForest::default(),
        forest_typical: 0.5,
        weights: DEFAULT_WEIGHTS.to_vec(),
        intercept: DEFAULT_INTERCEPT,
        fitted_on_labels: false,
        input_histograms: Vec::new(),
    };
    let mut ids = Vec::with_capacity(expense_count);
    let mut assessments = Vec::with_capacity(expense_count);
    for employee in employees {
        for target in employee {
            ids.push(target.id);
            assessments.push(model.assess(target, employee));
        }
    }
    let rows: Vec<Vec<f64>> = assessments.iter().map(|assessment| assessment.features.to_vec()).collect();
    model.forest = IsolationForest::fit(&rows, config.trees, config.sample_size, config.seed)
        .map_err(|error| FraudTrainError::Forest(error.to_string()))?;
    drop(rows);
    let forest_scores: Vec<f64> =
        assessments.iter().map(|assessment| model.forest.score(&assessment.features)).collect();
    model.forest_typical = fraud_signals::median(&forest_scores).unwrap_or(0.5).clamp(0.0, 1.0);
    let inputs: Vec<[f64; INPUT_COUNT]> = assessments
        .iter()
        .zip(&forest_scores)
        .map(|(assessment, &forest_score)| model_inputs(assessment, forest_score, model.forest_typical))
        .collect();
    model.input_histograms = monitoring::histograms(&inputs);

    // The examples: labelled rows, and (by default) unlabelled ones as legitimate.
    let known: HashSet<i32> = ids.iter().copied().collect();
    let labels_without_expense = labels.keys().filter(|id| !known.contains(id)).count();
    let mut examples: Vec<(usize, bool)> = Vec::new();
    let (mut labelled_fraud, mut labelled_legitimate, mut unlabelled) = (0, 0, 0);
    for (row, id) in ids.iter().enumerate() {
        match labels.get(id) {
            Some(&true) => {
                labelled_fraud += 1;
                examples.push((row, true));
            }
            Some(&false) => {
                labelled_legitimate += 1;
                examples.push((row, false));
            }
            None if config.unlabelled_as_legitimate => {
                unlabelled += 1;
                examples.push((row, false));
            }
            None => {}
        }
    }
    let fraud_examples = labelled_fraud;
    let legitimate_examples = labelled_legitimate + unlabelled;
    let mut label_use = LabelUse {
        labelled_fraud,
        labelled_legitimate,
        labels_without_expense,
        unlabelled_counted_legitimate: unlabelled,
        fitted: false,
        why: String::new(),
    };
    if fraud_examples < config.min_labels || legitimate_examples < config.min_labels {
        label_use.why = format!(
            "default weights: a fit needs at least {} fraud and {} legitimate examples, there are {fraud_examples} and {legitimate_examples}",
            config.min_labels, config.min_labels
        );
        return Ok(Trained {
            model,
            expenses: expense_count,
            labels: label_use,
            evaluation: None,
            holdout: HashMap::new(),
        });
    }

    let (holdout, training): (Vec<(usize, bool)>, Vec<(usize, bool)>) =
        examples.iter().partition(|(row, _)| in_holdout(ids[*row], config.seed, config.holdout_share));
    let has_both =
        |rows: &[(usize, bool)]| rows.iter().any(|(_, label)| *label) && rows.iter().any(|(_, label)| !*label);
    if !has_both(&training) || !has_both(&holdout) {
        label_use.why = format!(
            "default weights: with {fraud_examples} fraud examples the holdout split left one side without fraud; label more expenses or change p_params.holdout_share"
        );
        return Ok(Trained {
            model,
            expenses: expense_count,
            labels: label_use,
            evaluation: None,
            holdout: HashMap::new(),
        });
    }
    let (weights, intercept) = fit_weights(&inputs, &training, config)?;
    model.weights = weights;
    model.intercept = intercept;
    model.fitted_on_labels = true;
    model.validate().map_err(FraudTrainError::Fit)?;
    label_use.fitted = true;
    label_use.why = format!("fitted on {} examples, judged on {} held out", training.len(), holdout.len());

    // Judge on the holdout: the model, the default rules alone, the forest alone.
    let holdout_labels: Vec<bool> = holdout.iter().map(|(_, label)| *label).collect();
    let model_scores: Vec<f64> =
        holdout.iter().map(|(row, _)| logit_score(&model.weights, model.intercept, &inputs[*row])).collect();
    let mut rule_weights = DEFAULT_WEIGHTS;
    rule_weights[FOREST_INPUT] = 0.0;
    let rules_scores: Vec<f64> =
        holdout.iter().map(|(row, _)| logit_score(&rule_weights, DEFAULT_INTERCEPT, &inputs[*row])).collect();
    let forest_only: Vec<f64> = holdout.iter().map(|(row, _)| forest_scores[*row]).collect();
    let (precision_top_1pct, recall_top_1pct) =
        ml_metrics::precision_recall_at_top(&model_scores, &holdout_labels, 0.01);
    let default_scores: Vec<f64> =
        holdout.iter().map(|(row, _)| logit_score(&DEFAULT_WEIGHTS, DEFAULT_INTERCEPT, &inputs[*row])).collect();
    let evaluation = Evaluation {
        rows: holdout.len(),
        fraud: holdout_labels.iter().filter(|&&label| label).count(),
        model: ml_metrics::evaluate(&model_scores, &holdout_labels),
        precision_top_1pct,
        recall_top_1pct,
        rules_only: ml_metrics::evaluate(&rules_scores, &holdout_labels),
        forest_only: ml_metrics::evaluate(&forest_only, &holdout_labels),
        calibration: calibration(&model_scores, &holdout_labels),
        signal_recall: signal_recall(&inputs, &holdout, &default_scores, &model_scores),
    };
    let holdout_map = holdout.iter().map(|(row, label)| (ids[*row], *label)).collect();
    Ok(Trained {
        model,
        expenses: expense_count,
        labels: label_use,
        evaluation: Some(evaluation),
        holdout: holdout_map,
    })
}

fn logit_score(weights: &[f64], intercept: f64, inputs: &[f64; INPUT_COUNT]) -> f64 {
    sigmoid(intercept + weights.iter().zip(inputs).map(|(weight, input)| weight * input).sum::<f64>())
}

/// The least share of its default weight a fit on labels leaves each input: a fit may refine a rule,
/// never switch it off (issue 13: a refit on a 20% sample stopped flagging inflated amounts).
pub const KEPT_SHARE_OF_DEFAULT: f64 = 0.5;

/// Solves `matrix` × x = `vector` (a small dense system) by Gaussian elimination with partial
/// pivoting; None when it is singular.
fn solve(mut matrix: Vec<Vec<f64>>, mut vector: Vec<f64>) -> Option<Vec<f64>> {
    let size = vector.len();
    for column in 0..size {
        let pivot = (column..size).max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs()))?;
        if matrix[pivot][column].abs() < 1e-12 {
            return None;
        }
        matrix.swap(column, pivot);
        vector.swap(column, pivot);
        let (upper, lower) = matrix.split_at_mut(column + 1);
        let pivot_row = &upper[column];
        for (offset, target) in lower.iter_mut().enumerate() {
            let factor = target[column] / pivot_row[column];
            for (value, pivot_value) in target[column..].iter_mut().zip(&pivot_row[column..]) {
                *value -= factor * pivot_value;
            }
            vector[column + 1 + offset] -= factor * vector[column];
        }
    }
    let mut solution = vec![0.0; size];
    for row in (0..size).rev() {
        let rest: f64 = (row + 1..size).map(|k| matrix[row][k] * solution[k]).sum();
        solution[row] = (vector[row] - rest) / matrix[row][row];
    }
    solution.iter().all(|value| value.is_finite()).then_some(solution)
}

/// Fits the weights on the labelled rows: a logistic regression whose weights are pulled towards the
/// defaults (an L2 penalty of p_params.l2 on their distance from them) and kept at no less than
/// KEPT_SHARE_OF_DEFAULT of each, by projected Newton steps. The intercept is free: it learns the
/// labelled fraud rate.
fn fit_weights(
    inputs: &[[f64; INPUT_COUNT]],
    training: &[(usize, bool)],
    config: &TrainConfig,
) -> Result<(Vec<f64>, f64), FraudTrainError> {
    if training.is_empty() {
        return Err(FraudTrainError::Fit("no labelled expenses to fit on".into()));
    }
    // Parameters: the weights, then the intercept (index INPUT_COUNT).
    let size = INPUT_COUNT + 1;
    let floor: Vec<f64> = DEFAULT_WEIGHTS.iter().map(|weight| weight * KEPT_SHARE_OF_DEFAULT).collect();
    let row = |index: usize, parameter: usize| if parameter == INPUT_COUNT { 1.0 } else { inputs[index][parameter] };
    let objective = |parameters: &[f64]| -> f64 {
        let data: f64 = training
            .iter()
            .map(|&(index, label)| {
                let z: f64 = (0..size).map(|parameter| parameters[parameter] * row(index, parameter)).sum();
                let softplus = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
                softplus - if label { z } else { 0.0 }
            })
            .sum();
        let penalty: f64 =
            (0..INPUT_COUNT).map(|parameter| (parameters[parameter] - DEFAULT_WEIGHTS[parameter]).powi(2)).sum();
        data + config.l2 / 2.0 * penalty
    };
    let mut parameters: Vec<f64> = DEFAULT_WEIGHTS.iter().copied().chain([DEFAULT_INTERCEPT]).collect();
    let mut current = objective(&parameters);
    for _ in 0..config.max_iterations.max(1) {
        let mut gradient = vec![0.0; size];
        let mut hessian = vec![vec![0.0; size]; size];
        for &(index, label) in training {
            let z: f64 = (0..size).map(|parameter| parameters[parameter] * row(index, parameter)).sum();
            let p = sigmoid(z);
            let residual = p - if label { 1.0 } else { 0.0 };
            let weight = p * (1.0 - p);
            let x: Vec<f64> = (0..size).map(|parameter| row(index, parameter)).collect();
            for (a, (gradient_a, hessian_row)) in gradient.iter_mut().zip(hessian.iter_mut()).enumerate() {
                *gradient_a += residual * x[a];
                for (b, cell) in hessian_row.iter_mut().enumerate() {
                    *cell += weight * x[a] * x[b];
                }
            }
        }
        // A tiny ridge keeps the system solvable when an input never varies.
        for (a, hessian_row) in hessian.iter_mut().enumerate() {
            hessian_row[a] += 1e-9;
        }
        for parameter in 0..INPUT_COUNT {
            gradient[parameter] += config.l2 * (parameters[parameter] - DEFAULT_WEIGHTS[parameter]);
            hessian[parameter][parameter] += config.l2;
        }
        // Weights held at their floor by a gradient pushing them lower stay there; Newton on the rest.
        let free: Vec<usize> = (0..size)
            .filter(|&parameter| {
                parameter == INPUT_COUNT
                    || parameters[parameter] > floor[parameter] + 1e-12
                    || gradient[parameter] < 0.0
            })
            .collect();
        let reduced: Vec<Vec<f64>> = free.iter().map(|&a| free.iter().map(|&b| hessian[a][b]).collect()).collect();
        let Some(step) = solve(reduced, free.iter().map(|&a| gradient[a]).collect()) else { break };
        let mut scale = 1.0;
        let mut moved = false;
        while scale > 1e-8 {
            let mut next = parameters.clone();
            for (k, &parameter) in free.iter().enumerate() {
                next[parameter] -= scale * step[k];
                if parameter < INPUT_COUNT {
                    next[parameter] = next[parameter].max(floor[parameter]);
                }
            }
            let value = objective(&next);
            if value.is_finite() && value <= current {
                moved = current - value > 1e-10 * current.abs().max(1.0);
                parameters = next;
                current = value;
                break;
            }
            scale /= 2.0;
        }
        if !moved {
            break;
        }
    }
    let (weights, intercept) = (parameters[..INPUT_COUNT].to_vec(), parameters[INPUT_COUNT]);
    if !weights.iter().all(|weight| weight.is_finite()) || !intercept.is_finite() {
        return Err(FraudTrainError::Fit("the fit did not converge to finite weights".into()));
    }
    Ok((weights.iter().map(|weight| weight.clamp(-1e3, 1e3)).collect(), intercept.clamp(-1e3, 1e3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEDNESDAY: i32 = 9804;

    fn expense(id: i32, employee_id: i32, amount: f64, date: i32) -> ExpenseFact {
        ExpenseFact {
            id,
            employee_id,
            product_id: Some(1 + id % 3),
            sheet_id: Some(id / 3),
            amount,
            date,
            submitted: Some(date + 3),
            description: format!("item {}", id % 7),
            open: true,
            refused: false,
        }
    }

    /// 40 employees with ordinary claims, a few inflated and duplicated ones; returns the fraud ids.
    fn company() -> (Vec<Vec<ExpenseFact>>, HashMap<i32, bool>) {
        let mut random = SplitMix64::new(7);
        let mut employees = Vec::new();
        let mut fraud = HashMap::new();
        let mut next_id = 1;
        for employee_id in 1..=40 {
            let mut expenses: Vec<ExpenseFact> = (0..40)
                .map(|k| {
                    let id = next_id;
                    next_id += 1;
                    // Weekdays only, amounts 20..80 with cents.
                    let day = WEDNESDAY - 700 + k * 7 + (random.below(3) as i32);
                    expense(id, employee_id, 20.0 + random.unit() * 60.0 + 0.37, day)
                })
                .collect();
            if employee_id % 4 == 0 {
                let original = expenses[10].clone();
                let copy = ExpenseFact {
                    id: next_id,
                    sheet_id: Some(99_999),
                    submitted: Some(original.date + 40),
                    ..original
                };
                fraud.insert(copy.id, true);
                next_id += 1;
                expenses.push(copy);
            }
            if employee_id % 5 == 0 {
                expenses[20].amount *= 12.0;
                fraud.insert(expenses[20].id, true);
            }
            expenses.sort_by_key(|expense| (expense.date, expense.id));
            employees.push(expenses);
        }
        (employees, fraud)
    }

    #[test]
    fn without_labels_default_weights_rank_injected_fraud_first() {
        let (employees, fraud) = company();
        let trained = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train");
        assert!(!trained.model.fitted_on_labels && trained.evaluation.is_none());
        assert!(trained.labels.why.starts_with("default weights"), "{}", trained.labels.why);
        trained.model.validate().expect("valid");
        let mut scored: Vec<(f64, i32)> = employees
            .iter()
            .flat_map(|employee| employee.iter().map(|target| (trained.model.score(target, employee).score, target.id)))
            .collect();
        assert!(scored.iter().all(|(score, _)| score.is_finite() && (0.0..=1.0).contains(score)));
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top: Vec<i32> = scored.iter().take(fraud.len()).map(|(_, id)| *id).collect();
        let hits = top.iter().filter(|id| fraud.contains_key(id)).count();
        assert!(hits * 10 >= fraud.len() * 8, "{hits} of {} injected frauds in the top", fraud.len());
    }

    #[test]
    fn with_labels_the_weights_are_fitted_calibrated_and_reported() {
        let (employees, fraud) = company();
        let config = TrainConfig { min_labels: 5, holdout_share: 0.3, ..TrainConfig::default() };
        // Only fraud labelled: unlabelled expenses are not taken for legitimate, so nothing to fit.
        let only_fraud = train(&employees, &fraud, &config).expect("train");
        assert!(!only_fraud.model.fitted_on_labels, "{}", only_fraud.labels.why);
        let every_label: HashMap<i32, bool> =
            employees.iter().flatten().map(|e| (e.id, fraud.contains_key(&e.id))).collect();
        let trained = train(&employees, &every_label, &config).expect("train");
        // Every input's recall before and after the fit is reported.
        let recall = &trained.evaluation.as_ref().expect("evaluation").signal_recall;
        assert_eq!(recall.len(), INPUT_COUNT);
        assert!(recall.iter().all(|signal| (0.0..=1.0).contains(&signal.top_2pct_fitted)));
        // No weight falls below half its default.
        for (weight, default) in trained.model.weights.iter().zip(DEFAULT_WEIGHTS) {
            assert!(*weight >= default * KEPT_SHARE_OF_DEFAULT - 1e-9, "{:?}", trained.model.weights);
        }
        assert!(trained.model.fitted_on_labels, "{}", trained.labels.why);
        let evaluation = trained.evaluation.expect("evaluation");
        assert!(evaluation.model.roc_auc > 0.9, "{evaluation:?}");
        assert!(evaluation.fraud > 0 && evaluation.rows > evaluation.fraud);
        // Calibrated: the mean score is near the fraud rate of the data it was fitted on.
        let (scores, labels) = score_ids(
            &trained.model,
            &employees,
            &employees.iter().flatten().map(|e| (e.id, fraud.contains_key(&e.id))).collect(),
        );
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        let rate = labels.iter().filter(|&&label| label).count() as f64 / labels.len() as f64;
        assert!((mean - rate).abs() < rate * 0.5 + 0.005, "mean score {mean} against fraud rate {rate}");
    }

    #[test]
    fn the_same_seed_gives_the_same_model() {
        let (employees, _) = company();
        let first = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train").model;
        let second = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train").model;
        assert_eq!(first, second);
        let json = serde_json::to_value(&first).expect("json");
        let back: FraudModel = serde_json::from_value(json).expect("parse");
        assert_eq!(back, first);
    }

    #[test]
    fn a_format_2_model_scores_as_before_until_retrained() {
        let (employees, _) = company();
        let current = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train").model;
        // What 0.6.0 stored: the same model without the consecutive-document-numbers input.
        let at = RULES.len() - 1;
        let mut json = serde_json::to_value(&current).expect("json");
        json["format"] = 2.into();
        for key in ["weights", "features", "input_histograms"] {
            json[key].as_array_mut().expect("array").remove(at);
        }
        let old: FraudModel = serde_json::from_value(json).expect("parse");
        assert!(old.validate().is_err(), "format 2 is not read as it is");
        let migrated = old.migrated();
        migrated.validate().expect("format 2 is brought forward");
        assert_eq!(migrated.format, MODEL_FORMAT);
        assert_eq!(migrated.weights[at], 0.0);
        assert_eq!(migrated.features, input_names());
        // Its scores are the old inputs' scores: the new rule contributes nothing.
        let numbered: Vec<ExpenseFact> = (0..3)
            .map(|day| ExpenseFact {
                description: format!("ProConsult Partners, invoice {}", 4711 + day),
                ..expense(90 + day, 7, 120.0, WEDNESDAY + 7 * day)
            })
            .collect();
        let by_old = migrated.score(&numbered[2], &numbered);
        // The same model with 0.6.0's split window (every small claim added up).
        let mut current = current;
        current.signals =
            SignalConfig { split_min_part_share: 0.0, near_duplicate_same_report: 0.75, ..current.signals };
        let by_new = current.score(&numbered[2], &numbered);
        assert!(by_new.assessment.strength(Rule::ConsecutiveDocumentNumbers) > 0.0);
        assert_eq!(by_old.contributions[at], 0.0);
        assert!(by_new.score > by_old.score, "{} against {}", by_new.score, by_old.score);
        let mut without = by_new.contributions;
        without[at] = 0.0;
        assert_eq!(by_old.contributions, without);
    }

    #[test]
    fn a_single_expense_has_a_defined_score() {
        // An employee with one expense, scored by a model trained on the company.
        let (employees, _) = company();
        let trained = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train");
        let only = vec![expense(1, 1, 250.0, WEDNESDAY)];
        let scored = trained.model.score(&only[0], &only);
        assert!(scored.score.is_finite() && (0.0..=1.0).contains(&scored.score), "{scored:?}");
        // A model is not trained on fewer than 2 expenses: the forest could not score with it.
        let alone = vec![only];
        assert_eq!(
            train(&alone, &HashMap::new(), &TrainConfig::default()).err(),
            Some(FraudTrainError::TooFewExpenses(1))
        );
        assert!(matches!(train(&[], &HashMap::new(), &TrainConfig::default()), Err(FraudTrainError::NoExpenses)));
    }

    #[test]
    fn reasons_add_up_and_name_the_rule() {
        let (employees, _) = company();
        let trained = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train");
        let employee = &employees[3];
        let copy = employee.iter().find(|expense| expense.sheet_id == Some(99_999)).expect("copy");
        let scored = trained.model.score(copy, employee);
        let reasons = trained.model.reasons(&scored);
        assert_eq!(reasons[0].rule, "exact_duplicate", "{reasons:?}");
        let logit = trained.model.intercept + scored.contributions.iter().sum::<f64>();
        assert!((logit - scored.logit).abs() < 1e-12);
    }

    #[test]
    fn params_are_checked() {
        let config = TrainConfig::default()
            .with_params(&serde_json::json!({"approval_threshold": 250, "seed": 3}))
            .expect("params");
        assert_eq!(config.signals.approval_threshold, 250.0);
        assert_eq!(config.seed, 3);
        let config = TrainConfig::default()
            .with_params(&serde_json::json!({"split_min_part_share": 0, "near_duplicate_same_report": 0.75}))
            .expect("0.6.0's settings");
        assert_eq!((config.signals.split_min_part_share, config.signals.near_duplicate_same_report), (0.0, 0.75));
        for bad in [
            serde_json::json!({"split_min_part_share": 1.5}),
            serde_json::json!({"near_duplicate_same_report": -0.1}),
            serde_json::json!({"approval_threshold": -1}),
            serde_json::json!({"nope": 1}),
            serde_json::json!([1]),
            serde_json::json!({"trees": 0}),
        ] {
            assert!(TrainConfig::default().with_params(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_that_cannot_make_a_storable_model_are_refused_before_fitting() {
        let config = TrainConfig::default();
        assert_eq!(check_forest_size(&config, 0), Err(FraudTrainError::TooFewExpenses(0)));
        assert_eq!(check_forest_size(&config, 1), Err(FraudTrainError::TooFewExpenses(1)));
        assert_eq!(check_forest_size(&config, 2), Ok(()));
        assert_eq!(check_forest_size(&config, 1_000_000), Ok(()), "the default forest always fits");
        let huge = TrainConfig::default()
            .with_params(&serde_json::json!({"trees": 1000, "sample_size": 100000}))
            .expect("within each key's range");
        assert!(matches!(check_forest_size(&huge, 105_915), Err(FraudTrainError::ForestTooLarge { .. })));
        // The same settings are fine where the rows bound the sample.
        assert_eq!(check_forest_size(&huge, 400), Ok(()));
        let (employees, _) = company();
        let one = vec![vec![employees[0][0].clone()]];
        assert_eq!(train(&one, &HashMap::new(), &config).err(), Some(FraudTrainError::TooFewExpenses(1)));
    }

    #[test]
    fn a_broken_model_is_refused() {
        let (employees, _) = company();
        let mut model = train(&employees, &HashMap::new(), &TrainConfig::default()).expect("train").model;
        model.weights.pop();
        assert!(model.validate().is_err());
    }
}
