//! Binary classification metrics for holdout reports. Pure Rust, unit-tested.
//!
//! `scores` are predicted probabilities of the positive class (churned); `labels` are the truths.

use serde::Serialize;

/// The holdout report of one scorer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    pub roc_auc: f64,
    pub pr_auc: f64,
    pub log_loss: f64,
    pub brier: f64,
    pub precision_top_10pct: f64,
    pub recall_top_10pct: f64,
    /// Expected calibration error: the row-weighted mean gap between the mean predicted probability
    /// and the observed rate, over ten equal-count bins of predictions.
    pub ece: f64,
}

/// Probabilities are clipped to [EPSILON, 1 - EPSILON] for the log loss, so it is always finite.
const EPSILON: f64 = 1e-12;

pub fn evaluate(scores: &[f64], labels: &[bool]) -> Metrics {
    Metrics {
        roc_auc: roc_auc(scores, labels),
        pr_auc: average_precision(scores, labels),
        log_loss: log_loss(scores, labels),
        brier: brier(scores, labels),
        precision_top_10pct: precision_recall_at_top(scores, labels, 0.10).0,
        recall_top_10pct: precision_recall_at_top(scores, labels, 0.10).1,
        ece: expected_calibration_error(&reliability(scores, labels, 10)),
    }
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityBin {
    pub rows: usize,
    pub mean_predicted: f64,
    pub observed_rate: f64,
}

/// The reliability table: predictions sorted ascending, cut into `bins` bins of (nearly) equal count;
/// per bin the mean prediction and the observed rate.
pub fn reliability(scores: &[f64], labels: &[bool], bins: usize) -> Vec<ReliabilityBin> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let bins = bins.clamp(1, scores.len().max(1));
    (0..bins)
        .filter_map(|bin| {
            let (start, end) = (bin * order.len() / bins, (bin + 1) * order.len() / bins);
            let rows = &order[start..end];
            (!rows.is_empty()).then(|| ReliabilityBin {
                rows: rows.len(),
                mean_predicted: rows.iter().map(|&index| scores[index]).sum::<f64>() / rows.len() as f64,
                observed_rate: rows.iter().filter(|&&index| labels[index]).count() as f64 / rows.len() as f64,
            })
        })
        .collect()
}

/// The row-weighted mean |mean predicted − observed| of a reliability table.
pub fn expected_calibration_error(table: &[ReliabilityBin]) -> f64 {
    let rows: usize = table.iter().map(|bin| bin.rows).sum();
    if rows == 0 {
        return 0.0;
    }
    table.iter().map(|bin| bin.rows as f64 * (bin.mean_predicted - bin.observed_rate).abs()).sum::<f64>() / rows as f64
}

/// Indices by descending score, ties in input order.
fn ranked(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
}

/// Area under the ROC curve: the probability that a random positive outranks a random negative,
/// ties counting one half (Mann-Whitney). 0.5 when a class is missing.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> f64 {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels.iter().filter(|&&label| label).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 0.5;
    }
    // Sum of positive ranks, tied groups sharing their mean rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += order[start..end].iter().filter(|&&index| labels[index]).count() as f64 * mean_rank;
        start = end;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Area under the precision-recall curve as average precision (the mean of the precision at each
/// positive's rank, tied groups taken together). 0 without positives.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> f64 {
    let positives = labels.iter().filter(|&&label| label).count() as f64;
    if positives == 0.0 {
        return 0.0;
    }
    let order = ranked(scores);
    let (mut seen, mut hits, mut total) = (0.0, 0.0, 0.0);
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let group_hits = order[start..end].iter().filter(|&&index| labels[index]).count() as f64;
        seen += (end - start) as f64;
        hits += group_hits;
        total += group_hits * (hits / seen);
        start = end;
    }
    total / positives
}

pub fn log_loss(scores: &[f64], labels: &[bool]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let sum: f64 = scores
        .iter()
        .zip(labels)
        .map(|(&score, &label)| {
            let p = score.clamp(EPSILON, 1.0 - EPSILON);
            if label {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    sum / scores.len() as f64
}

pub fn brier(scores: &[f64], labels: &[bool]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let sum: f64 = scores.iter().zip(labels).map(|(&score, &label)| (score - f64::from(u8::from(label))).powi(2)).sum();
    sum / scores.len() as f64
}

/// Precision and recall among the top `share` of scores (at least one row).
pub fn precision_recall_at_top(scores: &[f64], labels: &[bool], share: f64) -> (f64, f64) {
    if scores.is_empty() {
        return (0.0, 0.0);
    }
    let count = ((scores.len() as f64 * share).ceil() as usize).clamp(1, scores.len());
    let hits = ranked(scores).iter().take(count).filter(|&&index| labels[index]).count() as f64;
    let positives = labels.iter().filter(|&&label| label).count() as f64;
    (hits / count as f64, if positives > 0.0 { hits / positives } else { 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_random_and_inverted_rankings() {
        let labels = [true, true, false, false];
        assert_eq!(roc_auc(&[0.9, 0.8, 0.2, 0.1], &labels), 1.0);
        assert_eq!(roc_auc(&[0.1, 0.2, 0.8, 0.9], &labels), 0.0);
        assert_eq!(roc_auc(&[0.5, 0.5, 0.5, 0.5], &labels), 0.5);
        assert_eq!(average_precision(&[0.9, 0.8, 0.2, 0.1], &labels), 1.0);
    }

    #[test]
    fn auc_matches_pairwise_counting() {
        let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.2];
        let labels = [false, false, true, true, true, false, false];
        let (mut wins, mut pairs) = (0.0, 0.0);
        for i in 0..scores.len() {
            for j in 0..scores.len() {
                if labels[i] && !labels[j] {
                    pairs += 1.0;
                    wins += if scores[i] > scores[j] {
                        1.0
                    } else if scores[i] == scores[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        assert!((roc_auc(&scores, &labels) - wins / pairs).abs() < 1e-12);
    }

    #[test]
    fn average_precision_by_hand() {
        // Ranked: P N P N -> precisions at positives 1/1 and 2/3.
        let ap = average_precision(&[0.9, 0.8, 0.7, 0.1], &[true, false, true, false]);
        assert!((ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn losses_are_finite_even_for_certain_wrong_answers() {
        let loss = log_loss(&[0.0, 1.0], &[true, false]);
        assert!(loss.is_finite() && loss > 20.0);
        assert_eq!(brier(&[1.0, 0.0], &[true, false]), 0.0);
        assert_eq!(brier(&[0.0, 1.0], &[true, false]), 1.0);
        assert!((log_loss(&[0.5, 0.5], &[true, false]) - 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn reliability_bins_and_calibration_error() {
        // Perfectly calibrated bins: predictions 0.1 (1 in 10 positive) and 0.9 (9 in 10).
        let scores: Vec<f64> = (0..20).map(|i| if i < 10 { 0.1 } else { 0.9 }).collect();
        let labels: Vec<bool> = (0..20).map(|i| i == 0 || (11..20).contains(&i)).collect();
        let table = reliability(&scores, &labels, 2);
        assert_eq!(table.len(), 2);
        assert!((table[0].observed_rate - 0.1).abs() < 1e-12 && (table[1].observed_rate - 0.9).abs() < 1e-12);
        assert!(expected_calibration_error(&table) < 1e-12);
        // Everything predicted 0.9 with half positive: off by 0.4.
        let off = reliability(&[0.9; 10], &[true, false, true, false, true, false, true, false, true, false], 5);
        assert!((expected_calibration_error(&off) - 0.4).abs() < 1e-12);
        assert!(reliability(&[], &[], 10).is_empty());
    }

    #[test]
    fn top_decile_precision_and_recall() {
        let scores: Vec<f64> = (0..20).map(|i| f64::from(i) / 20.0).collect();
        let labels: Vec<bool> = (0..20).map(|i| i >= 17).collect();
        // Top 2 of 20 are both positive; 3 positives in all.
        assert_eq!(precision_recall_at_top(&scores, &labels, 0.10), (1.0, 2.0 / 3.0));
        assert_eq!(precision_recall_at_top(&[], &[], 0.10), (0.0, 0.0));
    }
}
