//! Turning a model's scores into probabilities that mean what they say. Pure Rust, unit-tested.
//!
//! Platt scaling (Platt, 1999): p = sigmoid(slope × logit + intercept), fitted by Newton's method on a
//! labelled snapshot the model was not fitted on (the churn model's holdout: the latest date with
//! known outcomes, so the churn rate it calibrates to is the most recent one there is), with Platt's
//! smoothed targets so that a separable snapshot cannot drive the slope to infinity. `cross_fitted`
//! judges a calibration fairly on the snapshot it is fitted on: each half is calibrated on the other.
//!
//! No prior-shift correction (EM on the unlabelled scored population, Saerens et al. 2002) is applied:
//! on CDNOW it read the shift in who is active (covariate shift) as a shift in the churn rate and
//! moved the expected rate from 0.82 to 0.14 where 0.70 was observed.

use serde::{Deserialize, Serialize};

use crate::ml::sigmoid;

/// The slope of a flat calibration: positive (a stored model must have one) and too small to move a
/// probability.
pub const FLAT_SLOPE: f64 = 1e-9;

/// How a raw logit becomes a probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub slope: f64,
    pub intercept: f64,
    /// The churn rate of the labelled snapshot the calibration was fitted on.
    pub base_rate: f64,
}

impl Calibration {
    /// The probability of a raw logit.
    pub fn probability(&self, raw_logit: f64) -> f64 {
        sigmoid(self.slope * raw_logit + self.intercept)
    }

    /// Fits one on `logits` and `labels` (see `platt`); None as platt. A slope that is not positive
    /// means the logits rank this snapshot backwards or not at all: the calibration is then flat, every
    /// probability the snapshot's churn rate (an honest probability from a model that cannot rank).
    pub fn fit(logits: &[f64], labels: &[bool]) -> Option<Self> {
        let (slope, intercept) = platt(logits, labels)?;
        let base_rate = labels.iter().filter(|&&label| label).count() as f64 / labels.len().max(1) as f64;
        if slope <= 0.0 {
            return Some(Self { slope: FLAT_SLOPE, intercept: logit(base_rate), base_rate });
        }
        Some(Self { slope, intercept, base_rate })
    }

    /// Whether the logits could not rank the calibration snapshot (see `fit`).
    pub fn is_flat(&self) -> bool {
        self.slope <= FLAT_SLOPE
    }

    /// Whether every number is usable: finite, a positive slope (a model whose scores rank churners
    /// lower than stayers is not calibrated, it is refused), a rate strictly between 0 and 1.
    pub fn check(&self) -> Result<(), String> {
        if ![self.slope, self.intercept, self.base_rate].iter().all(|value| value.is_finite()) {
            return Err("the calibration holds a value that is not a finite number".into());
        }
        if !(self.slope > 0.0 && self.slope <= 1e3) || self.intercept.abs() > 1e3 {
            return Err("the calibration's slope must be in (0, 1000] and its intercept within ±1000".into());
        }
        if !(0.0 < self.base_rate && self.base_rate < 1.0) {
            return Err("the calibration's churn rate must be strictly between 0 and 1".into());
        }
        Ok(())
    }
}

/// Out-of-fold calibrated probabilities: the rows are split in two halves (even and odd positions),
/// each calibrated by a fit on the other. None when a half cannot be fitted.
pub fn cross_fitted(logits: &[f64], labels: &[bool]) -> Option<Vec<f64>> {
    let half = |parity: usize| -> (Vec<f64>, Vec<bool>) {
        logits
            .iter()
            .zip(labels)
            .enumerate()
            .filter(|(index, _)| index % 2 == parity)
            .map(|(_, (&l, &y))| (l, y))
            .unzip()
    };
    let (even_logits, even_labels) = half(0);
    let (odd_logits, odd_labels) = half(1);
    let on_even = Calibration::fit(&odd_logits, &odd_labels)?;
    let on_odd = Calibration::fit(&even_logits, &even_labels)?;
    Some(
        logits
            .iter()
            .enumerate()
            .map(|(index, &logit)| if index % 2 == 0 { on_even.probability(logit) } else { on_odd.probability(logit) })
            .collect(),
    )
}

fn logit(probability: f64) -> f64 {
    (probability / (1.0 - probability)).ln()
}

/// Fits Platt scaling on `logits` (a model's raw logits of a labelled snapshot) and `labels`.
/// None when a class is missing, or Newton's method does not settle on finite numbers.
pub fn platt(logits: &[f64], labels: &[bool]) -> Option<(f64, f64)> {
    let positives = labels.iter().filter(|&&label| label).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 || logits.len() != labels.len() {
        return None;
    }
    // Platt's targets: (N+ + 1) / (N+ + 2) and 1 / (N- + 2) instead of 1 and 0.
    let (high, low) = ((positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0));
    let targets: Vec<f64> = labels.iter().map(|&label| if label { high } else { low }).collect();
    let loss = |slope: f64, intercept: f64| -> f64 {
        logits
            .iter()
            .zip(&targets)
            .map(|(&logit, &target)| {
                let z = slope * logit + intercept;
                // log(1 + e^z) - target × z, stable for large |z|.
                let softplus = if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
                softplus - target * z
            })
            .sum()
    };
    let (mut slope, mut intercept) = (1.0, logit(positives / labels.len() as f64));
    let mut current = loss(slope, intercept);
    for _ in 0..100 {
        let (mut g_slope, mut g_intercept, mut h_ss, mut h_si, mut h_ii) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&logit, &target) in logits.iter().zip(&targets) {
            let p = sigmoid(slope * logit + intercept);
            let weight = p * (1.0 - p);
            g_slope += (p - target) * logit;
            g_intercept += p - target;
            h_ss += weight * logit * logit;
            h_si += weight * logit;
            h_ii += weight;
        }
        let determinant = h_ss * h_ii - h_si * h_si;
        if !(determinant.is_finite() && determinant > 0.0) {
            break;
        }
        let step_slope = (h_ii * g_slope - h_si * g_intercept) / determinant;
        let step_intercept = (h_ss * g_intercept - h_si * g_slope) / determinant;
        // Halve the step until the loss does not rise.
        let mut scale = 1.0;
        let mut improved = false;
        while scale > 1e-6 {
            let (next_slope, next_intercept) = (slope - scale * step_slope, intercept - scale * step_intercept);
            let next = loss(next_slope, next_intercept);
            if next.is_finite() && next <= current {
                improved = current - next > 1e-12 * current.abs().max(1.0);
                (slope, intercept, current) = (next_slope, next_intercept, next);
                break;
            }
            scale /= 2.0;
        }
        if !improved {
            break;
        }
    }
    (slope.is_finite() && intercept.is_finite()).then_some((slope, intercept))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic uniform numbers in [0, 1).
    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed;
        move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Logits whose true probability is sigmoid(2 × logit − 1), labels drawn from it.
    fn sample(count: usize) -> (Vec<f64>, Vec<bool>) {
        let mut unit = uniform(7);
        (0..count)
            .map(|_| {
                let logit = unit() * 6.0 - 3.0;
                let churned = unit() < sigmoid(2.0 * logit - 1.0);
                (logit, churned)
            })
            .unzip()
    }

    #[test]
    fn platt_recovers_the_true_slope_and_intercept() {
        let (logits, labels) = sample(20_000);
        let (slope, intercept) = platt(&logits, &labels).expect("fits");
        assert!((slope - 2.0).abs() < 0.1, "{slope}");
        assert!((intercept + 1.0).abs() < 0.1, "{intercept}");
    }

    #[test]
    fn platt_needs_both_classes_and_survives_separable_data() {
        assert_eq!(platt(&[1.0, 2.0], &[true, true]), None);
        let logits: Vec<f64> = (0..100).map(|i| f64::from(i) - 50.0).collect();
        let labels: Vec<bool> = logits.iter().map(|&logit| logit > 0.0).collect();
        let (slope, intercept) = platt(&logits, &labels).expect("fits");
        assert!(slope.is_finite() && slope > 0.0 && intercept.is_finite(), "{slope} {intercept}");
    }

    #[test]
    fn cross_fitting_calibrates_each_half_on_the_other() {
        let (logits, labels) = sample(20_000);
        let probabilities = cross_fitted(&logits, &labels).expect("fits");
        let metrics = crate::ml::metrics::evaluate(&probabilities, &labels);
        assert!(metrics.ece < 0.02, "{metrics:?}");
        assert_eq!(cross_fitted(&[1.0, 2.0, 3.0], &[true, true, true]), None);
    }

    #[test]
    fn logits_that_rank_backwards_get_a_flat_calibration() {
        let (logits, labels) = sample(5_000);
        let backwards: Vec<f64> = logits.iter().map(|logit| -logit).collect();
        let calibration = Calibration::fit(&backwards, &labels).expect("fits");
        assert!(calibration.is_flat());
        calibration.check().expect("usable");
        assert!((calibration.probability(3.0) - calibration.base_rate).abs() < 1e-6);
        assert!(!Calibration::fit(&logits, &labels).expect("fits").is_flat());
    }

    #[test]
    fn unusable_calibrations_are_named() {
        let good = Calibration { slope: 1.0, intercept: 0.0, base_rate: 0.3 };
        assert!(good.check().is_ok());
        assert!(Calibration { slope: -1.0, ..good }.check().is_err());
        assert!(Calibration { base_rate: 1.0, ..good }.check().is_err());
        assert!(Calibration { intercept: f64::NAN, ..good }.check().is_err());
    }
}
