//! What training shares across model kinds (pure): reading `p_params`, and when a newly trained model
//! becomes the active one, with the reason in words.

use crate::ml::metrics::Metrics;
use crate::params::{ParamError, P_PARAMS};

/// When a newly trained model becomes the active one (`p_params.activate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Only when it beats the active model on the new holdout (or no model is active).
    IfBetter,
    Always,
    Never,
}

impl Activation {
    /// As stored in the model's params.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IfBetter => "if_better",
            Self::Always => "always",
            Self::Never => "never",
        }
    }
}

/// One key of `p_params` and its value, read as the type its setting needs; errors name the key.
pub struct Param<'a> {
    pub key: &'a str,
    pub value: &'a serde_json::Value,
}

impl Param<'_> {
    pub fn int(&self, min: i64, max: i64) -> Result<i64, String> {
        self.value
            .as_i64()
            .filter(|number| (min..=max).contains(number))
            .ok_or_else(|| format!("p_params.{} must be an integer from {min} to {max}, not {}", self.key, self.value))
    }

    pub fn number(&self, min: f64, max: f64) -> Result<f64, String> {
        self.value
            .as_f64()
            .filter(|number| number.is_finite() && (min..=max).contains(number))
            .ok_or_else(|| format!("p_params.{} must be a number from {min} to {max}, not {}", self.key, self.value))
    }

    pub fn boolean(&self) -> Result<bool, String> {
        self.value.as_bool().ok_or_else(|| format!("p_params.{} must be true or false, not {}", self.key, self.value))
    }

    pub fn activation(&self) -> Result<Activation, String> {
        match self.value {
            serde_json::Value::Bool(true) => Ok(Activation::Always),
            serde_json::Value::Bool(false) => Ok(Activation::Never),
            serde_json::Value::String(text) if text == "if_better" => Ok(Activation::IfBetter),
            serde_json::Value::String(text) if text == "always" => Ok(Activation::Always),
            serde_json::Value::String(text) if text == "never" => Ok(Activation::Never),
            other => Err(format!(
                "p_params.{} must be \"if_better\", \"always\" or \"never\" (or true/false), not {other}",
                self.key
            )),
        }
    }
}

/// Reads `p_params`, which must be a JSON object (`example` shows one): `apply` sets each key it knows
/// and returns Ok(false) for a key it does not know, which is refused with the `known` keys listed.
pub fn read_params(
    params: &serde_json::Value,
    example: &str,
    known: &str,
    mut apply: impl FnMut(Param<'_>) -> Result<bool, String>,
) -> Result<(), ParamError> {
    let Some(object) = params.as_object() else {
        return Err(P_PARAMS.invalid(format!("p_params must be a JSON object, like {example}")));
    };
    for (key, value) in object {
        if !apply(Param { key, value }).map_err(|problem| P_PARAMS.invalid(problem))? {
            return Err(P_PARAMS.invalid(format!("p_params has an unknown key \"{key}\" (known: {known})")));
        }
    }
    Ok(())
}

/// Whether a candidate with `candidate_metrics` on the holdout should replace the active model, which
/// scored `active_metrics` on the same holdout: a higher ROC AUC, or the same and a lower log loss.
pub fn beats(candidate_metrics: &Metrics, active_metrics: Option<&Metrics>) -> bool {
    match active_metrics {
        None => true,
        Some(active) => {
            candidate_metrics.roc_auc > active.roc_auc + 1e-9
                || ((candidate_metrics.roc_auc - active.roc_auc).abs() <= 1e-9
                    && candidate_metrics.log_loss < active.log_loss)
        }
    }
}

/// How the active model compares with a newly trained one, as the model's kind judged it.
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// Both scored on the new model's holdout.
    Judged { candidate: Metrics, active: Metrics },
    /// They could not be scored on one holdout: the kind says whether the new model replaces the
    /// active one, and why.
    Unjudged { replace: bool, reason: String },
}

/// Whether a newly trained model becomes the active one, and why. `qualification` is the kind's own
/// rule for any model it activates (Err: why this one fails it), applied to first models too;
/// `active` is the active model's version and how it compares; None when no usable model is active.
pub fn decide_activation(
    setting: Activation,
    qualification: &Result<(), String>,
    active: Option<(i32, &Comparison)>,
) -> (bool, String) {
    match (setting, qualification, active) {
        (Activation::Always, Ok(()), _) => (true, "forced by p_params.activate".into()),
        (Activation::Always, Err(reason), _) => {
            (true, format!("forced by p_params.activate, although it does not qualify: {reason}"))
        }
        (Activation::Never, _, _) => (false, "p_params.activate is never".into()),
        (Activation::IfBetter, Err(reason), _) => (false, format!("it does not qualify: {reason}")),
        (Activation::IfBetter, Ok(()), None) => (true, "it qualifies, and no usable model is active".into()),
        (Activation::IfBetter, Ok(()), Some((version, Comparison::Judged { candidate, active }))) => {
            let verb = if beats(candidate, Some(active)) { "beats" } else { "does not beat" };
            (
                verb == "beats",
                format!(
                    "holdout ROC AUC {:.4} {verb} active version {version}'s {:.4}",
                    candidate.roc_auc, active.roc_auc
                ),
            )
        }
        (Activation::IfBetter, Ok(()), Some((_, Comparison::Unjudged { replace, reason }))) => {
            (*replace, reason.clone())
        }
    }
}

/// The gradient tolerance for linfa's logistic regression on `rows` rows. linfa minimises the summed
/// (not averaged) log loss and stops when the gradient's norm falls below an absolute tolerance
/// (1e-4 by default), which a sum over 100,000 rows rarely reaches: L-BFGS then ran to max_iterations
/// long after the weights stopped changing (issue 13: 200 iterations where 50 gave the same holdout
/// ROC AUC). 1e-5 per row is ten times tighter than scikit-learn's default on the averaged loss.
pub fn gradient_tolerance(rows: usize) -> f64 {
    const PER_ROW: f64 = 1e-5;
    PER_ROW * rows.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(roc_auc: f64, log_loss: f64) -> Metrics {
        Metrics {
            roc_auc,
            log_loss,
            pr_auc: 0.0,
            brier: 0.0,
            precision_top_10pct: 0.0,
            recall_top_10pct: 0.0,
            ece: 0.0,
        }
    }

    #[test]
    fn params_are_read_key_by_key_and_unknown_keys_are_named() {
        let mut seen = Vec::new();
        let params = serde_json::json!({"l2": 0.5, "activate": "never", "trees": 10});
        read_params(&params, "{}", "l2, activate, trees", |param| {
            match param.key {
                "l2" => seen.push(format!("l2={}", param.number(0.0, 1.0)?)),
                "activate" => seen.push(format!("activate={}", param.activation()?.as_str())),
                "trees" => seen.push(format!("trees={}", param.int(1, 100)?)),
                _ => return Ok(false),
            }
            Ok(true)
        })
        .expect("valid params");
        seen.sort();
        assert_eq!(seen, ["activate=never", "l2=0.5", "trees=10"]);

        let unknown = read_params(&serde_json::json!({"nope": 1}), "{}", "l2", |_| Ok(false)).unwrap_err();
        assert!(unknown.to_string().contains("unknown key \"nope\" (known: l2)"), "{unknown}");
        let not_object = read_params(&serde_json::json!([1]), "{\"l2\": 0.5}", "l2", |_| Ok(true)).unwrap_err();
        assert!(not_object.to_string().contains("must be a JSON object, like {\"l2\": 0.5}"), "{not_object}");
        let out_of_range =
            read_params(&serde_json::json!({"l2": 2}), "{}", "l2", |param| param.number(0.0, 1.0).map(|_| true))
                .unwrap_err();
        assert!(out_of_range.to_string().contains("p_params.l2 must be a number from 0 to 1, not 2"), "{out_of_range}");
        let activation = Param { key: "activate", value: &serde_json::json!("sometimes") }.activation();
        assert!(activation.is_err());
        assert_eq!(Param { key: "activate", value: &serde_json::json!(true) }.activation(), Ok(Activation::Always));
    }

    #[test]
    fn activation_follows_the_setting_then_the_holdout() {
        let better = Comparison::Judged { candidate: metrics(0.8, 0.4), active: metrics(0.7, 0.5) };
        let worse = Comparison::Judged { candidate: metrics(0.6, 0.4), active: metrics(0.7, 0.5) };
        let tie_lower_loss = Comparison::Judged { candidate: metrics(0.7, 0.4), active: metrics(0.7, 0.5) };
        let ok = Ok(());
        assert_eq!(
            decide_activation(Activation::Always, &ok, Some((3, &worse))),
            (true, "forced by p_params.activate".into())
        );
        assert_eq!(
            decide_activation(Activation::Never, &ok, Some((3, &better))),
            (false, "p_params.activate is never".into())
        );
        assert_eq!(
            decide_activation(Activation::IfBetter, &ok, None),
            (true, "it qualifies, and no usable model is active".into())
        );
        assert_eq!(
            decide_activation(Activation::IfBetter, &ok, Some((3, &better))),
            (true, "holdout ROC AUC 0.8000 beats active version 3's 0.7000".into())
        );
        assert_eq!(
            decide_activation(Activation::IfBetter, &ok, Some((3, &worse))),
            (false, "holdout ROC AUC 0.6000 does not beat active version 3's 0.7000".into())
        );
        assert!(decide_activation(Activation::IfBetter, &ok, Some((3, &tie_lower_loss))).0);
        let kept = Comparison::Unjudged { replace: false, reason: "it stays".into() };
        assert_eq!(decide_activation(Activation::IfBetter, &ok, Some((3, &kept))), (false, "it stays".into()));
    }

    #[test]
    fn a_model_that_does_not_qualify_is_stored_inactive_first_or_not() {
        let fails: Result<(), String> = Err("recency alone ranks better".into());
        assert_eq!(
            decide_activation(Activation::IfBetter, &fails, None),
            (false, "it does not qualify: recency alone ranks better".into())
        );
        let better = Comparison::Judged { candidate: metrics(0.8, 0.4), active: metrics(0.7, 0.5) };
        assert!(!decide_activation(Activation::IfBetter, &fails, Some((3, &better))).0);
        let (forced, reason) = decide_activation(Activation::Always, &fails, None);
        assert!(forced && reason.contains("does not qualify: recency alone"), "{reason}");
    }

    #[test]
    fn a_better_model_wins_ties_go_to_the_lower_loss() {
        let base = Metrics {
            roc_auc: 0.8,
            pr_auc: 0.5,
            log_loss: 0.4,
            brier: 0.1,
            precision_top_10pct: 0.5,
            recall_top_10pct: 0.2,
            ece: 0.01,
        };
        assert!(beats(&base, None));
        assert!(beats(&Metrics { roc_auc: 0.81, ..base }, Some(&base)));
        assert!(!beats(&Metrics { roc_auc: 0.79, ..base }, Some(&base)));
        assert!(beats(&Metrics { log_loss: 0.3, ..base }, Some(&base)));
        assert!(!beats(&base, Some(&base)));
    }
}
