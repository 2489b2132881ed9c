//! Model monitoring (pure, unit-tested): the population stability index of a model's inputs between
//! its training data and the customers or expenses it scores now.
//!
//! Each input's training values are cut at their deciles (equal values merged, so an input that is
//! mostly 0 gets few bins); the stored histogram keeps the edges and the training share in each bin.
//! PSI = Σ (now − then) × ln(now / then) over the bins, shares floored at 1e-4. Conventional reading:
//! below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a shift worth retraining for.

use serde::{Deserialize, Serialize};

/// One input's training distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Upper bounds of all bins but the last (a value v falls in the first bin whose edge ≥ v).
    pub edges: Vec<f64>,
    /// The training share of each bin (edges.len() + 1 of them).
    pub shares: Vec<f64>,
}

const FLOOR: f64 = 1e-4;

impl Histogram {
    /// The histogram of `values` at their deciles; non-finite values are left out. None without values.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|value| value.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        // Deciles, and the training maximum: values above anything seen in training get a bin of their
        // own (share 0 then), so an input that never varied in training still shows a shift.
        let mut edges: Vec<f64> = (1..10)
            .map(|decile| sorted[(decile * sorted.len() / 10).min(sorted.len() - 1)])
            .chain([sorted[sorted.len() - 1]])
            .collect();
        edges.dedup();
        let shares = Self { edges: edges.clone(), shares: Vec::new() }.shares_of(&sorted);
        Some(Self { edges, shares })
    }

    fn bin(&self, value: f64) -> usize {
        self.edges.partition_point(|&edge| edge < value)
    }

    /// The share of `values` in each bin (empty input: all zero).
    pub fn shares_of(&self, values: &[f64]) -> Vec<f64> {
        let mut counts = vec![0usize; self.edges.len() + 1];
        let mut total = 0usize;
        for &value in values.iter().filter(|value| value.is_finite()) {
            counts[self.bin(value)] += 1;
            total += 1;
        }
        counts.iter().map(|&count| if total == 0 { 0.0 } else { count as f64 / total as f64 }).collect()
    }

    /// The population stability index of `values` against the training shares; None without values.
    pub fn psi(&self, values: &[f64]) -> Option<f64> {
        if !values.iter().any(|value| value.is_finite()) || self.shares.len() != self.edges.len() + 1 {
            return None;
        }
        let now = self.shares_of(values);
        Some(
            now.iter()
                .zip(&self.shares)
                .map(|(&now, &then)| {
                    let (now, then) = (now.max(FLOOR), then.max(FLOOR));
                    (now - then) * (now / then).ln()
                })
                .sum(),
        )
    }

    /// Whether a stored histogram can be used: finite, ordered edges and shares adding up to 1.
    pub fn check(&self) -> Result<(), String> {
        let ordered = self.edges.windows(2).all(|pair| pair[0] < pair[1]);
        let sum: f64 = self.shares.iter().sum();
        if self.shares.len() != self.edges.len() + 1
            || !ordered
            || !self.edges.iter().chain(&self.shares).all(|value| value.is_finite())
            || (sum - 1.0).abs() > 1e-6
        {
            return Err("an input histogram is not usable (edges must rise, shares add up to 1)".into());
        }
        Ok(())
    }
}

/// The histograms of each column of `rows`.
pub fn histograms<const N: usize>(rows: &[[f64; N]]) -> Vec<Histogram> {
    (0..N)
        .map(|column| {
            let values: Vec<f64> = rows.iter().map(|row| row[column]).collect();
            Histogram::of(&values).unwrap_or(Histogram { edges: Vec::new(), shares: vec![1.0] })
        })
        .collect()
}

/// Each input's PSI between `histograms` and `rows` (None for an input without values).
pub fn drift<const N: usize>(histograms: &[Histogram], rows: &[[f64; N]]) -> Vec<Option<f64>> {
    histograms
        .iter()
        .enumerate()
        .map(|(column, histogram)| {
            let values: Vec<f64> = rows.iter().map(|row| row.get(column).copied().unwrap_or(f64::NAN)).collect();
            histogram.psi(&values)
        })
        .collect()
}

/// The conventional reading of a PSI.
pub fn verdict(psi: f64) -> &'static str {
    if psi < 0.1 {
        "stable"
    } else if psi < 0.25 {
        "moderate shift"
    } else {
        "shifted"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_population_is_stable_and_a_moved_one_is_not() {
        let then: Vec<f64> = (0..10_000).map(|i| f64::from(i % 1000)).collect();
        let histogram = Histogram::of(&then).expect("values");
        histogram.check().expect("usable");
        assert!(histogram.psi(&then).expect("psi") < 1e-9);
        let moved: Vec<f64> = then.iter().map(|value| value + 300.0).collect();
        let psi = histogram.psi(&moved).expect("psi");
        assert!(psi > 0.25, "{psi}");
        assert_eq!(verdict(psi), "shifted");
        assert_eq!(histogram.psi(&[]), None);
    }

    #[test]
    fn a_mostly_constant_input_gets_few_bins() {
        let mut then = vec![0.0; 950];
        then.extend(vec![1.0; 50]);
        let histogram = Histogram::of(&then).expect("values");
        assert_eq!(histogram.edges, vec![0.0, 1.0]);
        assert!((histogram.shares[0] - 0.95).abs() < 1e-12);
        // An input that never varied in training: any new value is a shift.
        let constant = Histogram::of(&[0.0; 100]).expect("values");
        assert_eq!(constant.psi(&[0.0; 100]), Some(0.0));
        assert!(constant.psi(&[0.0, 1.0, 1.0, 1.0]).expect("psi") > 0.25);
        // Twice the firing rate: a moderate shift.
        let mut now = vec![0.0; 900];
        now.extend(vec![1.0; 100]);
        let psi = histogram.psi(&now).expect("psi");
        assert!((0.02..0.25).contains(&psi), "{psi}");
        let columns = histograms(&[[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]);
        assert_eq!(columns.len(), 2);
        assert_eq!(drift(&columns, &[[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]).len(), 2);
    }
}
