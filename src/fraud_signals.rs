//! Expense fraud signals, each explainable in words. Pure Rust, unit-tested. Groundwork for expense
//! fraud scoring (issue 5, odoo_mirror 0.4.0); not yet exposed in SQL.
//!
//! Dates are days since 2000-01-01 (PostgreSQL's epoch, a Saturday). Amounts are totals in the company
//! currency. Every statistic is robust: the median and the median absolute deviation (MAD), never the
//! mean and standard deviation, which a single large claim would drag along.

/// One expense line (odoo_mirror.hr_expense) as the signals read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpenseFact {
    pub id: i32,
    pub employee_id: i32,
    /// The expense category (product_id).
    pub product_id: Option<i32>,
    pub sheet_id: Option<i32>,
    pub amount: f64,
    /// The expense date.
    pub date: i32,
    /// When it was submitted (the report's submission or creation day), if known.
    pub submitted: Option<i32>,
    pub description: String,
}

/// Thresholds of the rules; the defaults are documented with each field.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalConfig {
    /// Amount above which an expense needs approval (default 500): split claims stay under it.
    pub approval_threshold: f64,
    /// Days around an expense in which claims under the threshold are added up (default 7).
    pub split_window_days: i32,
    /// Relative amount difference still "nearly the same" (default 0.02, 2%).
    pub near_amount_tolerance: f64,
    /// Days apart still "a close date" (default 3).
    pub near_date_days: i32,
    /// Days between the expense and its submission that count as late (default 60).
    pub late_submission_days: i32,
    /// Robust z-score from which an amount is unusual (default 3.5).
    pub outlier_z: f64,
    /// Fewest earlier amounts a robust comparison needs (default 5).
    pub min_history: usize,
    /// Days of the frequency window (default 30).
    pub spike_window_days: i32,
}

impl Default for SignalConfig {
    fn default() -> Self {
        Self {
            approval_threshold: 500.0,
            split_window_days: 7,
            near_amount_tolerance: 0.02,
            near_date_days: 3,
            late_submission_days: 60,
            outlier_z: 3.5,
            min_history: 5,
            spike_window_days: 30,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    EmployeeAmountOutlier,
    CategoryAmountOutlier,
    ExactDuplicate,
    NearDuplicate,
    SplitClaim,
    RoundAmount,
    WeekendDate,
    LateSubmission,
    FrequencySpike,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Self::EmployeeAmountOutlier => "employee_amount_outlier",
            Self::CategoryAmountOutlier => "category_amount_outlier",
            Self::ExactDuplicate => "exact_duplicate",
            Self::NearDuplicate => "near_duplicate",
            Self::SplitClaim => "split_claim",
            Self::RoundAmount => "round_amount",
            Self::WeekendDate => "weekend_date",
            Self::LateSubmission => "late_submission",
            Self::FrequencySpike => "frequency_spike",
        }
    }
}

/// A rule that fired: how strongly (0..1) and the evidence in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub rule: Rule,
    pub strength: f64,
    pub evidence: String,
}

/// The median of `values` (None when empty). NaN-free input assumed: callers pass finite amounts.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2.0 })
}

/// The robust z-score of `value` against `history`: 0.6745 × (value − median) / MAD, the scale at which
/// it matches a standard z-score for normal data. With a MAD of 0 (most of the history identical),
/// the mean absolute deviation × 1.2533 stands in; if that is 0 too, any other value is infinitely
/// unusual and is reported as ±99. None with fewer than `min_history` values.
pub fn robust_z(value: f64, history: &[f64], min_history: usize) -> Option<f64> {
    if history.len() < min_history.max(1) || !value.is_finite() {
        return None;
    }
    let center = median(history)?;
    let deviations: Vec<f64> = history.iter().map(|amount| (amount - center).abs()).collect();
    let mad = median(&deviations)?;
    let z = if mad > 0.0 {
        0.6745 * (value - center) / mad
    } else {
        let mean_deviation = deviations.iter().sum::<f64>() / deviations.len() as f64;
        if mean_deviation > 0.0 {
            (value - center) / (1.2533 * mean_deviation)
        } else if value == center {
            0.0
        } else {
            99.0f64.copysign(value - center)
        }
    };
    Some(z.clamp(-99.0, 99.0))
}

/// Monday 0 .. Sunday 6 (2000-01-01, day 0, was a Saturday).
pub fn weekday(day: i32) -> i32 {
    (day + 5).rem_euclid(7)
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.len() > 1)
        .map(str::to_string)
        .collect()
}

/// Whether two descriptions say the same: equal once normalised, or sharing at least 60% of words.
pub fn similar_descriptions(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let shared = a.iter().filter(|word| b.contains(word)).count() as f64;
    let union = (a.len() + b.len()) as f64 - shared;
    union > 0.0 && shared / union >= 0.6
}

fn money(amount: f64) -> String {
    format!("{amount:.2}")
}

fn same_category(a: &ExpenseFact, b: &ExpenseFact) -> bool {
    (a.product_id.is_some() && a.product_id == b.product_id) || similar_descriptions(&a.description, &b.description)
}

/// Every rule's verdict on `target`. `employee` holds the employee's expenses (the target may be among
/// them: it is skipped by id); `category_amounts` the company's amounts in the target's category,
/// without the target.
pub fn signals(target: &ExpenseFact, employee: &[ExpenseFact], category_amounts: &[f64], config: &SignalConfig) -> Vec<Signal> {
    let mut found = Vec::new();
    let others: Vec<&ExpenseFact> = employee.iter().filter(|other| other.id != target.id).collect();

    // Amount against the employee's own history.
    let history: Vec<f64> = others.iter().map(|other| other.amount).collect();
    if let Some(z) = robust_z(target.amount, &history, config.min_history) {
        if z >= config.outlier_z {
            found.push(Signal {
                rule: Rule::EmployeeAmountOutlier,
                strength: ((z - config.outlier_z) / config.outlier_z + 0.5).min(1.0),
                evidence: format!(
                    "{} is {z:.1} robust deviations above this employee's usual {} (median of {} expenses)",
                    money(target.amount),
                    money(median(&history).unwrap_or(0.0)),
                    history.len()
                ),
            });
        }
    }
    // Amount against the category across the company.
    if let Some(z) = robust_z(target.amount, category_amounts, config.min_history * 2) {
        if z >= config.outlier_z {
            found.push(Signal {
                rule: Rule::CategoryAmountOutlier,
                strength: ((z - config.outlier_z) / config.outlier_z + 0.5).min(1.0),
                evidence: format!(
                    "{} is {z:.1} robust deviations above the category's usual {} (median of {} expenses)",
                    money(target.amount),
                    money(median(category_amounts).unwrap_or(0.0)),
                    category_amounts.len()
                ),
            });
        }
    }

    // Duplicates: exact first; a near duplicate only where no exact one exists.
    let exact = others.iter().find(|other| {
        (other.amount - target.amount).abs() < 0.005 && other.date == target.date && same_category(target, other)
    });
    if let Some(other) = exact {
        found.push(Signal {
            rule: Rule::ExactDuplicate,
            strength: 1.0,
            evidence: format!(
                "same amount {}, date and category as expense #{}{}",
                money(target.amount),
                other.id,
                if other.sheet_id != target.sheet_id { " on another report" } else { "" }
            ),
        });
    } else if let Some(other) = others.iter().find(|other| {
        let tolerance = config.near_amount_tolerance * target.amount.abs().max(other.amount.abs());
        (other.amount - target.amount).abs() <= tolerance
            && (other.date - target.date).abs() <= config.near_date_days
            && same_category(target, other)
    }) {
        found.push(Signal {
            rule: Rule::NearDuplicate,
            strength: 0.6,
            evidence: format!(
                "nearly the same as expense #{} ({} on a date {} days apart{})",
                other.id,
                money(other.amount),
                (other.date - target.date).abs(),
                if other.sheet_id != target.sheet_id { ", on another report" } else { "" }
            ),
        });
    }

    // Split claims: claims under the approval threshold around the target, together above it.
    if target.amount < config.approval_threshold {
        let window: Vec<&ExpenseFact> = others
            .iter()
            .copied()
            .filter(|other| (other.date - target.date).abs() <= config.split_window_days && other.amount < config.approval_threshold)
            .collect();
        let total = target.amount + window.iter().map(|other| other.amount).sum::<f64>();
        if !window.is_empty() && total > config.approval_threshold {
            let count = window.len() + 1;
            found.push(Signal {
                rule: Rule::SplitClaim,
                strength: (0.5 + 0.1 * count as f64).min(0.9),
                evidence: format!(
                    "{count} claims within {} days, each under the {} approval threshold, together {}",
                    config.split_window_days,
                    money(config.approval_threshold),
                    money(total)
                ),
            });
        }
    }

    // Round amounts (whole tens of 50 or 100 and up).
    let cents = (target.amount * 100.0).round() as i64;
    if cents >= 5_000 && cents % 5_000 == 0 {
        found.push(Signal {
            rule: Rule::RoundAmount,
            strength: if cents % 10_000 == 0 { 0.4 } else { 0.3 },
            evidence: format!("a round amount: {}", money(target.amount)),
        });
    }
    // Weekend dates.
    if weekday(target.date) >= 5 {
        found.push(Signal {
            rule: Rule::WeekendDate,
            strength: 0.2,
            evidence: format!("dated on a {}", if weekday(target.date) == 5 { "Saturday" } else { "Sunday" }),
        });
    }
    // Submitted long after the expense.
    if let Some(submitted) = target.submitted {
        let delay = submitted - target.date;
        if delay > config.late_submission_days {
            found.push(Signal {
                rule: Rule::LateSubmission,
                strength: (0.3 + f64::from(delay - config.late_submission_days) / 180.0).min(1.0),
                evidence: format!("submitted {delay} days after the expense date"),
            });
        }
    }
    // A burst of claims against the employee's usual rate.
    let window = config.spike_window_days.max(1);
    let recent = others.iter().filter(|other| (0..window).contains(&(target.date - other.date))).count() + 1;
    let earlier: Vec<&&ExpenseFact> = others.iter().filter(|other| target.date - other.date >= window).collect();
    if let Some(first) = earlier.iter().map(|other| other.date).min() {
        let periods = (f64::from(target.date - first) / f64::from(window)).floor().max(1.0);
        let usual = earlier.len() as f64 / periods;
        if recent >= 4 && recent as f64 >= 3.0 * usual.max(1.0) {
            found.push(Signal {
                rule: Rule::FrequencySpike,
                strength: 0.4,
                evidence: format!("{recent} claims in {window} days against a usual {usual:.1}"),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expense(id: i32, amount: f64, date: i32) -> ExpenseFact {
        ExpenseFact {
            id,
            employee_id: 1,
            product_id: Some(1),
            sheet_id: Some(id),
            amount,
            date,
            submitted: Some(date + 5),
            description: format!("lunch {id}"),
        }
    }

    /// A Wednesday, so weekend rules stay quiet unless asked.
    const WEDNESDAY: i32 = 9804;

    fn rules(found: &[Signal]) -> Vec<Rule> {
        found.iter().map(|signal| signal.rule).collect()
    }

    #[test]
    fn median_and_robust_z() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        // Median 30, MAD 10: 130 is 0.6745 × 100 / 10 = 6.745.
        let history = [10.0, 20.0, 30.0, 40.0, 50.0];
        assert!((robust_z(130.0, &history, 5).expect("z") - 6.745).abs() < 1e-9);
        assert_eq!(robust_z(130.0, &history[..4], 5), None);
        // One huge outlier in the history does not move the median or the MAD.
        let with_outlier = [10.0, 20.0, 30.0, 40.0, 50.0, 1e9];
        assert!(robust_z(130.0, &with_outlier, 5).expect("z") > 4.0);
        // Identical history: equal is 0, anything else ±99.
        assert_eq!(robust_z(25.0, &[25.0; 6], 5), Some(0.0));
        assert_eq!(robust_z(26.0, &[25.0; 6], 5), Some(99.0));
        assert_eq!(robust_z(f64::NAN, &history, 1), None);
    }

    #[test]
    fn weekdays_from_the_postgres_epoch() {
        assert_eq!(weekday(0), 5); // 2000-01-01 was a Saturday
        assert_eq!(weekday(1), 6);
        assert_eq!(weekday(2), 0);
        assert_eq!(weekday(-1), 4);
        assert_eq!(weekday(WEDNESDAY), 2);
    }

    #[test]
    fn an_unusual_amount_for_the_employee_and_the_category() {
        let history: Vec<ExpenseFact> = (0..10).map(|i| expense(i, 30.0 + f64::from(i), WEDNESDAY - 20 * i)).collect();
        let big = expense(99, 400.0, WEDNESDAY);
        let category: Vec<f64> = (0..20).map(|i| 25.0 + f64::from(i)).collect();
        let found = signals(&big, &history, &category, &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::EmployeeAmountOutlier), "{found:?}");
        assert!(rules(&found).contains(&Rule::CategoryAmountOutlier), "{found:?}");
        assert!(found.iter().all(|signal| (0.0..=1.0).contains(&signal.strength)));
        // An ordinary amount raises neither.
        let usual = expense(98, 34.0, WEDNESDAY);
        let found = signals(&usual, &history, &category, &SignalConfig::default());
        assert!(!rules(&found).contains(&Rule::EmployeeAmountOutlier) && !rules(&found).contains(&Rule::CategoryAmountOutlier));
    }

    #[test]
    fn a_single_expense_gets_no_history_signal_and_no_panic() {
        let only = expense(1, 10_000.0, WEDNESDAY);
        let found = signals(&only, std::slice::from_ref(&only), &[], &SignalConfig::default());
        assert!(found.iter().all(|signal| signal.rule == Rule::RoundAmount), "{found:?}");
    }

    #[test]
    fn exact_and_near_duplicates_also_across_reports() {
        let first = expense(1, 123.45, WEDNESDAY);
        let copy = ExpenseFact { id: 2, sheet_id: Some(77), ..first.clone() };
        let found = signals(&copy, &[first.clone(), copy.clone()], &[], &SignalConfig::default());
        let duplicate = found.iter().find(|signal| signal.rule == Rule::ExactDuplicate).expect("exact duplicate");
        assert!(duplicate.evidence.contains("#1") && duplicate.evidence.contains("another report"), "{}", duplicate.evidence);
        // 1% more, two days later, another category but the same description.
        let near = ExpenseFact { id: 3, amount: 124.60, date: WEDNESDAY + 2, product_id: Some(9), description: first.description.clone(), ..first.clone() };
        let found = signals(&near, &[first.clone(), near.clone()], &[], &SignalConfig::default());
        assert_eq!(rules(&found).iter().filter(|rule| **rule == Rule::NearDuplicate).count(), 1, "{found:?}");
        // 10% more is not a duplicate.
        let different = ExpenseFact { id: 4, amount: 136.0, ..near };
        assert!(!rules(&signals(&different, &[first, different.clone()], &[], &SignalConfig::default())).contains(&Rule::NearDuplicate));
    }

    #[test]
    fn split_claims_under_the_threshold_that_add_up_over_it() {
        let parts: Vec<ExpenseFact> =
            (0..3).map(|i| ExpenseFact { description: format!("hotel night {i}"), ..expense(i, 240.0 - f64::from(i) * 17.0, WEDNESDAY + i) }).collect();
        let found = signals(&parts[1], &parts, &[], &SignalConfig::default());
        let split = found.iter().find(|signal| signal.rule == Rule::SplitClaim).expect("split claim");
        assert!(split.evidence.starts_with("3 claims within 7 days"), "{}", split.evidence);
        // The threshold is a parameter: at 1000 the same claims are fine.
        let relaxed = SignalConfig { approval_threshold: 1000.0, ..SignalConfig::default() };
        assert!(!rules(&signals(&parts[1], &parts, &[], &relaxed)).contains(&Rule::SplitClaim));
    }

    #[test]
    fn round_amounts_weekends_late_submissions() {
        let round = expense(1, 300.0, WEDNESDAY);
        assert!(rules(&signals(&round, &[], &[], &SignalConfig::default())).contains(&Rule::RoundAmount));
        assert!(!rules(&signals(&expense(2, 301.5, WEDNESDAY), &[], &[], &SignalConfig::default())).contains(&Rule::RoundAmount));
        let saturday = expense(3, 12.0, WEDNESDAY + 3);
        assert_eq!(rules(&signals(&saturday, &[], &[], &SignalConfig::default())), vec![Rule::WeekendDate]);
        let late = ExpenseFact { submitted: Some(WEDNESDAY + 200), ..expense(4, 12.0, WEDNESDAY) };
        let found = signals(&late, &[], &[], &SignalConfig::default());
        assert_eq!(found[0].evidence, "submitted 200 days after the expense date");
    }

    #[test]
    fn a_burst_of_claims_against_the_usual_rate() {
        // One claim a month for a year, then six in a week.
        let mut history: Vec<ExpenseFact> =
            (1..=12).map(|month| ExpenseFact { description: format!("taxi {month}"), ..expense(month, 20.0 + f64::from(month), WEDNESDAY - 30 * month - 40) }).collect();
        history.extend((0..6).map(|i| ExpenseFact { description: format!("train {i}"), ..expense(100 + i, 15.0 + f64::from(i) * 7.0, WEDNESDAY - i) }));
        let found = signals(&history[12], &history, &[], &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::FrequencySpike), "{found:?}");
    }

    #[test]
    fn descriptions_compare_by_words() {
        assert!(similar_descriptions("Taxi to airport", "taxi TO airport!"));
        assert!(similar_descriptions("Hotel Paris 3 nights", "hotel paris nights"));
        assert!(!similar_descriptions("Hotel Paris", "Train Berlin"));
        assert!(!similar_descriptions("", "anything"));
    }
}
