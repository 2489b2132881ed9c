//! Expense fraud signals, each explainable in words, and the numeric features the isolation forest
//! reads. Pure Rust, unit-tested; `fraud_model` combines them into a score.
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
    /// Awaiting approval, posting or payment (not draft, refused or paid).
    pub open: bool,
    /// Refused, or on a refused or cancelled report: a claim resubmitted after it is no duplicate.
    pub refused: bool,
}

/// Thresholds of the rules; the defaults are documented with each field.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SignalConfig {
    /// Amount above which an expense needs approval (default 500): split claims stay under it.
    pub approval_threshold: f64,
    /// Days around an expense in which claims under the threshold are added up (default 7).
    pub split_window_days: i32,
    /// Smallest part of a split purchase, as a share of the approval threshold (default 0: every claim
    /// under the threshold counts, as in 0.6.0). 0.25 stops a week of meals on a trip from reading as a
    /// split; on one independent data set that cut false positives, on another it lost more fraud than
    /// it spared (BENCHMARKS.md), so it is a setting, not the default.
    pub split_min_part_share: f64,
    /// Relative amount difference still "nearly the same" (default 0.02, 2%).
    pub near_amount_tolerance: f64,
    /// Days apart still "a close date" (default 3).
    pub near_date_days: i32,
    /// Strength of a near duplicate on the same report as its original (default 0.4; one on another
    /// report is 0.75): the approver sees both lines side by side, and the nights of one hotel stay
    /// look alike. (0.75 in models trained by 0.6.0.)
    pub near_duplicate_same_report: f64,
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
            split_min_part_share: 0.0,
            near_amount_tolerance: 0.02,
            near_date_days: 3,
            near_duplicate_same_report: 0.4,
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
    RoundAmountOnWeekend,
    WeekendDate,
    LateSubmission,
    FrequencySpike,
    ConsecutiveDocumentNumbers,
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
            Self::RoundAmountOnWeekend => "round_amount_on_weekend",
            Self::WeekendDate => "weekend_date",
            Self::LateSubmission => "late_submission",
            Self::FrequencySpike => "frequency_spike",
            Self::ConsecutiveDocumentNumbers => "consecutive_document_numbers",
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

/// Amounts are compared on a log scale: claims are skewed (a hotel costs ten taxis), and an inflated
/// receipt is inflated by a factor, not by a sum. Amounts under a cent count as a cent.
pub fn log_amount(amount: f64) -> f64 {
    amount.max(0.01).ln()
}

/// The robust centre and spread of a set of (log) amounts: what an amount is compared with.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Baseline {
    pub median: f64,
    /// Median absolute deviation from the median.
    pub mad: f64,
    /// Mean absolute deviation from the median: the fallback scale when the MAD is 0.
    pub mean_deviation: f64,
    pub count: usize,
}

impl Baseline {
    /// None for no values; non-finite values are left out.
    pub fn of(values: &[f64]) -> Option<Self> {
        let finite: Vec<f64> = values.iter().copied().filter(|value| value.is_finite()).collect();
        let center = median(&finite)?;
        let deviations: Vec<f64> = finite.iter().map(|amount| (amount - center).abs()).collect();
        let mad = median(&deviations)?;
        let mean_deviation = deviations.iter().sum::<f64>() / deviations.len() as f64;
        Some(Self { median: center, mad, mean_deviation, count: finite.len() })
    }

    /// The robust z-score of `value`: 0.6745 × (value − median) / MAD, the scale at which it matches a
    /// standard z-score for normal data. With a MAD of 0 (most values identical) the mean absolute
    /// deviation × 1.2533 stands in; if that is 0 too, any other value is infinitely unusual and is
    /// reported as ±99. Always within ±99; 0 for a non-finite value.
    pub fn z(&self, value: f64) -> f64 {
        if !value.is_finite() {
            return 0.0;
        }
        let z = if self.mad > 0.0 {
            0.6745 * (value - self.median) / self.mad
        } else if self.mean_deviation > 0.0 {
            (value - self.median) / (1.2533 * self.mean_deviation)
        } else if value == self.median {
            0.0
        } else {
            99.0f64.copysign(value - self.median)
        };
        if z.is_finite() {
            z.clamp(-99.0, 99.0)
        } else {
            99.0f64.copysign(value - self.median)
        }
    }

    /// Whether the baseline has enough values to judge by.
    pub fn usable(&self, min_count: usize) -> bool {
        self.count >= min_count.max(1)
    }
}

/// The robust z-score of `value` against `history` (see `Baseline::z`); None with fewer than
/// `min_history` values or a non-finite value.
pub fn robust_z(value: f64, history: &[f64], min_history: usize) -> Option<f64> {
    if !value.is_finite() {
        return None;
    }
    Baseline::of(history).filter(|baseline| baseline.usable(min_history)).map(|baseline| baseline.z(value))
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
/// Descriptions are compared on their first COMPARED_TEXT_BYTES: a description is free text of any
/// length, and it is compared with every nearby claim of the employee.
pub fn similar_descriptions(a: &str, b: &str) -> bool {
    let (a, b) = (words(prefix(a, COMPARED_TEXT_BYTES)), words(prefix(b, COMPARED_TEXT_BYTES)));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    // A handful of words compare fastest in a list; a long description through a set.
    let shared = if b.len() <= 16 {
        a.iter().filter(|word| b.contains(word)).count()
    } else {
        let in_b: std::collections::HashSet<&String> = b.iter().collect();
        a.iter().filter(|word| in_b.contains(word)).count()
    } as f64;
    let union = (a.len() + b.len()) as f64 - shared;
    union > 0.0 && shared / union >= 0.6
}

/// Bytes of a description that similarity reads (far more than any real description holds).
pub const COMPARED_TEXT_BYTES: usize = 4096;
/// Bytes of a description searched for a document number: it stands near the vendor's name, at the start.
pub const DOCUMENT_TEXT_BYTES: usize = 256;

/// The first `bytes` of `text`, cut back to a character boundary.
fn prefix(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The document number a description carries (a receipt or invoice number) and the words around it
/// (its vendor), lowercased. None without one. See `document_digits`.
pub fn document_number(text: &str) -> Option<(String, u64)> {
    let number = document_digits(text)?;
    Some((vendor_words(text), number))
}

/// The description's document number, without allocating: the last run of 3 to 12 digits in its first
/// DOCUMENT_TEXT_BYTES that does not read as a year, a year and month or a date, nor as an amount or a
/// quantity ("120.00", "121 km", "€ 450", "450 EUR").
pub fn document_digits(text: &str) -> Option<u64> {
    let text = prefix(text, DOCUMENT_TEXT_BYTES);
    let bytes = text.as_bytes();
    let mut found = None;
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let end = bytes[start..].iter().position(|byte| !byte.is_ascii_digit()).map_or(bytes.len(), |run| start + run);
        // Digit runs are ASCII, so these are char boundaries.
        let (before, run, after) = (&text[..start], &text[start..end], &text[end..]);
        if (3..=12).contains(&run.len()) && !reads_as_date(run) && !reads_as_amount(before, after) {
            found = run.parse::<u64>().ok().or(found);
        }
        start = end;
    }
    found
}

/// Whether the digits between `before` and `after` are an amount or a quantity: decimals follow, or a
/// currency or a unit is next to them.
fn reads_as_amount(before: &str, after: &str) -> bool {
    const UNITS: [&str; 12] = ["km", "mi", "miles", "kms", "eur", "usd", "gbp", "chf", "€", "$", "£", "%"];
    let mut next = after.chars();
    let mut previous = before.chars().rev();
    let decimal = |separator: Option<char>, digit: Option<char>| {
        matches!(separator, Some('.' | ',')) && digit.is_some_and(|digit| digit.is_ascii_digit())
    };
    if decimal(next.next(), next.next()) || decimal(previous.next(), previous.next()) {
        return true;
    }
    // The few characters next to the digits, up to a space (units are short): no scan of the whole text.
    let after = after.trim_start();
    let next_end = after
        .char_indices()
        .find(|&(index, c)| index >= UNIT_BYTES || c.is_whitespace() || c.is_ascii_digit())
        .map_or(after.len(), |(index, _)| index);
    let before = before.trim_end();
    let previous_start = before
        .char_indices()
        .rev()
        .take_while(|&(index, c)| before.len() - index <= UNIT_BYTES && !c.is_whitespace())
        .last()
        .map_or(before.len(), |(index, _)| index);
    let is_unit = |word: &str| {
        let word = word.trim_matches(|c: char| c.is_ascii_punctuation() && !matches!(c, '$' | '%'));
        UNITS.iter().any(|unit| word.eq_ignore_ascii_case(unit))
    };
    is_unit(&after[..next_end]) || is_unit(&before[previous_start..])
}

/// Longest unit or currency word looked for next to a number, in bytes.
const UNIT_BYTES: usize = 8;

/// The words of a description's first DOCUMENT_TEXT_BYTES without digits in them (its vendor, when it
/// names one), lowercased.
fn vendor_words(text: &str) -> String {
    let vendor: Vec<String> = words(prefix(text, DOCUMENT_TEXT_BYTES))
        .into_iter()
        .filter(|word| !word.chars().any(|c| c.is_ascii_digit()))
        .collect();
    vendor.join(" ")
}

/// 2024, 202403 or 20240315: a period or a date, which recurring bills carry in order.
fn reads_as_date(digits: &str) -> bool {
    let part = |range: std::ops::Range<usize>| digits.get(range).and_then(|part| part.parse::<u32>().ok());
    let year = part(0..4).is_some_and(|year| (1900..=2100).contains(&year));
    let month = || part(4..6).is_some_and(|month| (1..=12).contains(&month));
    let day = || part(6..8).is_some_and(|day| (1..=31).contains(&day));
    match digits.len() {
        4 => year,
        6 => year && month(),
        8 => year && month() && day(),
        _ => false,
    }
}

fn money(amount: f64) -> String {
    format!("{amount:.2}")
}

/// Both on one report (expense sheet); lines without a report are on none.
fn on_same_report(a: &ExpenseFact, b: &ExpenseFact) -> bool {
    a.sheet_id.is_some() && a.sheet_id == b.sheet_id
}

fn same_product(a: &ExpenseFact, b: &ExpenseFact) -> bool {
    a.product_id.is_some() && a.product_id == b.product_id
}

fn same_category(a: &ExpenseFact, b: &ExpenseFact) -> bool {
    (a.product_id.is_some() && a.product_id == b.product_id) || similar_descriptions(&a.description, &b.description)
}

/// The numeric features the isolation forest reads, in order.
pub const FOREST_FEATURES: [&str; 10] = [
    "log_amount",
    "employee_amount_z",
    "category_amount_z",
    "submission_delay_days",
    "claims_in_split_window",
    "split_window_total_over_threshold",
    "claims_in_spike_window_over_usual",
    "duplicate_closeness",
    "weekend",
    "roundness",
];
pub const FOREST_FEATURE_COUNT: usize = FOREST_FEATURES.len();

/// What the rules found about one expense, and its numeric features.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub signals: Vec<Signal>,
    pub features: [f64; FOREST_FEATURE_COUNT],
}

impl Assessment {
    /// The strength of `rule` (0 when it did not fire).
    pub fn strength(&self, rule: Rule) -> f64 {
        self.signals.iter().filter(|signal| signal.rule == rule).map(|signal| signal.strength).fold(0.0, f64::max)
    }
}

/// Most expenses of one employee a single assessment compares with: the nearest by date. Keeps the
/// cost per expense bounded for an employee with a huge history.
pub const MAX_COMPARED: usize = 2_000;
/// Largest difference between two document numbers that still counts as consecutive: a few receipts
/// in between are still the employee's own numbering.
pub const MAX_DOCUMENT_NUMBER_GAP: u64 = 3;
/// Most claims in one run of nearly consecutive numbers that can still be receipts: a longer run is a
/// numbering of the employee's own ("Claim 1041", "Claim 1042", ...) or one of Odoo's sequences.
pub const MAX_NUMBERED_RUN: usize = 10;

/// How many distinct numbers, `number` included, form its run: each within MAX_DOCUMENT_NUMBER_GAP
/// of the next.
fn numbered_run(number: u64, others: impl Iterator<Item = u64>) -> usize {
    let mut numbers: Vec<u64> = others.chain([number]).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let Ok(at) = numbers.binary_search(&number) else { return 1 };
    let connected = |pair: &[u64]| pair[1] - pair[0] <= MAX_DOCUMENT_NUMBER_GAP;
    let below = numbers[..=at].windows(2).rev().take_while(|pair| connected(pair)).count();
    let above = numbers[at..].windows(2).take_while(|pair| connected(pair)).count();
    below + above + 1
}

/// Days before and after an expense whose claims are its history.
pub const HISTORY_DAYS: i32 = 365;

/// Whether `other` was claimed before `target`: submitted earlier, or the same day with a lower id.
/// A duplicate is the later claim; the original is not flagged for it.
fn claimed_before(other: &ExpenseFact, target: &ExpenseFact) -> bool {
    let key = |expense: &ExpenseFact| (expense.submitted.unwrap_or(expense.date), expense.id);
    key(other) < key(target)
}

/// The part of `employee` (sorted by date) an assessment of `target` compares with: within
/// HISTORY_DAYS of its date, at most MAX_COMPARED expenses around it.
pub fn comparison_range(employee: &[ExpenseFact], target: &ExpenseFact) -> std::ops::Range<usize> {
    let low = employee.partition_point(|other| other.date < target.date.saturating_sub(HISTORY_DAYS));
    let high = employee.partition_point(|other| other.date <= target.date.saturating_add(HISTORY_DAYS));
    let (low, high) = (low.min(high), high);
    if high - low <= MAX_COMPARED {
        return low..high;
    }
    let at = employee.partition_point(|other| other.date < target.date).clamp(low, high);
    let start = at.saturating_sub(MAX_COMPARED / 2).max(low);
    let end = (start + MAX_COMPARED).min(high);
    end.saturating_sub(MAX_COMPARED).max(low)..end
}

/// Every rule's verdict on `target`, and its forest features. `employee` holds the employee's other
/// expenses (the target may be among them: it is skipped by id); pass them sorted by date and
/// narrowed with `comparison_range`. `category` is the company's baseline for the target's category.
pub fn assess(
    target: &ExpenseFact,
    employee: &[ExpenseFact],
    category: Option<&Baseline>,
    config: &SignalConfig,
) -> Assessment {
    let mut found = Vec::new();
    let others: Vec<&ExpenseFact> = employee.iter().filter(|other| other.id != target.id).collect();
    let mut features = [0.0; FOREST_FEATURE_COUNT];
    features[0] = target.amount.max(0.0).ln_1p();

    // Amount against the employee's own claims of the same category (log scale).
    let amount = log_amount(target.amount);
    let history: Vec<f64> =
        others.iter().filter(|other| same_product(target, other)).map(|other| log_amount(other.amount)).collect();
    if let Some(baseline) = Baseline::of(&history).filter(|baseline| baseline.usable(config.min_history)) {
        let z = baseline.z(amount);
        features[1] = z.clamp(-10.0, 10.0);
        if z >= config.outlier_z {
            found.push(Signal {
                rule: Rule::EmployeeAmountOutlier,
                strength: ((z - config.outlier_z) / config.outlier_z + 0.5).min(1.0),
                evidence: format!(
                    "{} is {:.1} times this employee's usual {} for the category ({z:.1} robust deviations, median of {} claims)",
                    money(target.amount),
                    (amount - baseline.median).exp(),
                    money(baseline.median.exp()),
                    baseline.count
                ),
            });
        }
    }
    // Amount against the category across the company (log scale).
    if let Some(baseline) = category.filter(|baseline| baseline.usable(config.min_history * 2)) {
        let z = baseline.z(amount);
        features[2] = z.clamp(-10.0, 10.0);
        if z >= config.outlier_z {
            found.push(Signal {
                rule: Rule::CategoryAmountOutlier,
                strength: ((z - config.outlier_z) / config.outlier_z + 0.5).min(1.0),
                evidence: format!(
                    "{} is {:.1} times the category's usual {} ({z:.1} robust deviations, median of {} claims)",
                    money(target.amount),
                    (amount - baseline.median).exp(),
                    money(baseline.median.exp()),
                    baseline.count
                ),
            });
        }
    }

    // Duplicates of an earlier claim: exact first; a near duplicate only where no exact one exists. A
    // claim refused (or on a refused or cancelled report) was never reimbursed: resubmitting it is
    // the legitimate way to correct it, not a second reimbursement.
    let earlier = || others.iter().copied().filter(|other| !other.refused && claimed_before(other, target));
    let exact = earlier().find(|other| {
        (other.amount - target.amount).abs() < 0.005 && other.date == target.date && same_category(target, other)
    });
    // The first near match (its closeness is the forest's input, as in 0.6.0), and the one the
    // signal names: an original on another report weighs more, so it is preferred.
    let near = || {
        let mut near = earlier().filter(|other| {
            let tolerance = config.near_amount_tolerance * target.amount.abs().max(other.amount.abs());
            (other.amount - target.amount).abs() <= tolerance
                && (other.date - target.date).abs() <= config.near_date_days
                && same_category(target, other)
        });
        let first = near.next()?;
        let named = if on_same_report(first, target) {
            near.find(|other| !on_same_report(other, target)).unwrap_or(first)
        } else {
            first
        };
        Some((first, named))
    };
    if let Some(other) = exact {
        features[7] = 1.0;
        found.push(Signal {
            rule: Rule::ExactDuplicate,
            strength: 1.0,
            evidence: format!(
                "same amount {}, date and category as the earlier expense #{}{}",
                money(target.amount),
                other.id,
                if other.sheet_id != target.sheet_id { " on another report" } else { "" }
            ),
        });
    } else if let Some((first, other)) = near() {
        features[7] = 1.0 / (2.0 + f64::from((first.date - target.date).abs()));
        let days = (other.date - target.date).abs();
        let same_report = on_same_report(other, target);
        found.push(Signal {
            rule: Rule::NearDuplicate,
            strength: if same_report { config.near_duplicate_same_report.clamp(0.0, 1.0) } else { 0.75 },
            evidence: format!(
                "nearly the same as the earlier expense #{} ({} on a date {days} days apart{})",
                other.id,
                money(other.amount),
                match (same_report, other.sheet_id.is_some() || target.sheet_id.is_some()) {
                    (true, _) => ", on the same report",
                    (false, true) => ", on another report",
                    (false, false) => "",
                }
            ),
        });
    }

    // Split claims: claims of the same category under the approval threshold around the target,
    // together above it. One purchase split in parts keeps its category; a week of unrelated small
    // claims is not a split.
    let threshold = config.approval_threshold;
    // A share of 0 (models of 0.6.0) counts every claim under the threshold, refunds included.
    let smallest_part =
        if config.split_min_part_share > 0.0 { threshold * config.split_min_part_share } else { f64::NEG_INFINITY };
    let window: Vec<&ExpenseFact> = others
        .iter()
        .copied()
        .filter(|other| {
            (other.date - target.date).abs() <= config.split_window_days
                && (smallest_part..threshold).contains(&other.amount)
                && same_category(target, other)
        })
        .collect();
    let window_total = target.amount + window.iter().map(|other| other.amount).sum::<f64>();
    features[4] = (window.len() + 1) as f64;
    if threshold > 0.0 {
        features[5] = (window_total / threshold).clamp(0.0, 20.0);
    }
    if (smallest_part..threshold).contains(&target.amount) && !window.is_empty() && window_total > threshold {
        let count = window.len() + 1;
        found.push(Signal {
            rule: Rule::SplitClaim,
            strength: (0.5 + 0.1 * count as f64).min(0.9),
            evidence: format!(
                "{count} claims within {} days, each under the {} approval threshold, together {}",
                config.split_window_days,
                money(threshold),
                money(window_total)
            ),
        });
    }

    // Round amounts (whole multiples of 50, from 50 up).
    let cents = (target.amount * 100.0).round();
    let round = (5_000.0..1e15).contains(&cents) && (cents as i64) % 5_000 == 0;
    if round {
        let strength = if (cents as i64) % 10_000 == 0 { 0.4 } else { 0.3 };
        features[9] = strength / 0.4;
        found.push(Signal {
            rule: Rule::RoundAmount,
            strength,
            evidence: format!("a round amount: {}", money(target.amount)),
        });
    }
    // Both at once: a receipt rarely comes to a round sum, and business rarely happens on a weekend;
    // an invented or personal expense (ACFE: fictitious, mischaracterised) often does both.
    if round && weekday(target.date) >= 5 {
        found.push(Signal {
            rule: Rule::RoundAmountOnWeekend,
            strength: 1.0,
            evidence: format!("a round amount ({}) dated on a weekend", money(target.amount)),
        });
    }
    // Weekend dates.
    if weekday(target.date) >= 5 {
        features[8] = 1.0;
        found.push(Signal {
            rule: Rule::WeekendDate,
            strength: 0.2,
            evidence: format!("dated on a {}", if weekday(target.date) == 5 { "Saturday" } else { "Sunday" }),
        });
    }
    // Submitted long after the expense.
    if let Some(submitted) = target.submitted {
        let delay = submitted.saturating_sub(target.date);
        features[3] = f64::from(delay.clamp(0, 365));
        if delay > config.late_submission_days {
            found.push(Signal {
                rule: Rule::LateSubmission,
                strength: (0.3 + f64::from(delay - config.late_submission_days) / 180.0).min(1.0),
                evidence: format!("submitted {delay} days after the expense date"),
            });
        }
    }
    // A burst of claims against the employee's usual rate.
    let spike_window = config.spike_window_days.max(1);
    let recent = others.iter().filter(|other| (0..spike_window).contains(&(target.date - other.date))).count() + 1;
    let before: Vec<i32> =
        others.iter().map(|other| other.date).filter(|&date| target.date - date >= spike_window).collect();
    // The usual rate needs a history: at least min_history earlier claims over three windows.
    let first = before
        .iter()
        .copied()
        .min()
        .filter(|&first| before.len() >= config.min_history && target.date - first >= 3 * spike_window);
    if let Some(first) = first {
        let periods = (f64::from(target.date - first) / f64::from(spike_window)).floor().max(1.0);
        let usual = before.len() as f64 / periods;
        features[6] = (recent as f64 / usual.max(1.0)).min(20.0);
        if recent >= 4 && recent as f64 >= 3.0 * usual.max(1.0) {
            found.push(Signal {
                rule: Rule::FrequencySpike,
                strength: (0.2 + 0.1 * (recent as f64 / usual.max(1.0))).min(1.0),
                evidence: format!("{recent} claims in {spike_window} days against a usual {usual:.1}"),
            });
        }
    } else {
        features[6] = 1.0;
    }
    // Consecutive document numbers from one vendor on other days (ACFE: fictitious expenses): a vendor
    // numbers its receipts for all its customers, so one employee's receipts days apart are rarely
    // consecutive; receipts made up by the employee often are.
    if let Some((vendor, number)) = document_number(&target.description) {
        // Numbers further away than MAX_NUMBERED_RUN gaps cannot decide whether the run is too long (it
        // already is when it reaches them), so only near numbers are compared by their words.
        let reach = MAX_DOCUMENT_NUMBER_GAP * (MAX_NUMBERED_RUN as u64 + 1);
        let numbered: Vec<(&ExpenseFact, u64)> = others
            .iter()
            .filter_map(|other| {
                let other_number = document_digits(&other.description).filter(|n| n.abs_diff(number) <= reach)?;
                (vendor_words(&other.description) == vendor).then_some((*other, other_number))
            })
            .collect();
        let neighbours: Vec<(&ExpenseFact, u64)> = numbered
            .iter()
            .copied()
            .filter(|(other, other_number)| {
                other.date != target.date && (1..=MAX_DOCUMENT_NUMBER_GAP).contains(&number.abs_diff(*other_number))
            })
            .collect();
        let run = numbered_run(number, numbered.iter().map(|(_, other_number)| *other_number));
        if let (Some(&(other, other_number)), true) = (neighbours.first(), run <= MAX_NUMBERED_RUN) {
            let more = match neighbours.len() {
                1 => String::new(),
                count => format!(" ({count} such claims)"),
            };
            found.push(Signal {
                rule: Rule::ConsecutiveDocumentNumbers,
                strength: if neighbours.len() >= 2 { 0.9 } else { 0.7 },
                evidence: format!(
                    "document number {number} is next to number {other_number} of the same vendor on expense #{}, {} days apart{more}: a vendor's receipts to one customer are rarely consecutive",
                    other.id,
                    (other.date - target.date).abs()
                ),
            });
        }
    }
    Assessment { signals: found, features }
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
            open: true,
            refused: false,
        }
    }

    /// A Wednesday, so weekend rules stay quiet unless asked.
    const WEDNESDAY: i32 = 9804;

    /// The signals, with the category's amounts as a baseline.
    fn assess_signals(
        target: &ExpenseFact,
        employee: &[ExpenseFact],
        category: &[f64],
        config: &SignalConfig,
    ) -> Vec<Signal> {
        let logs: Vec<f64> = category.iter().map(|&amount| log_amount(amount)).collect();
        assess(target, employee, Baseline::of(&logs).as_ref(), config).signals
    }

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
    fn a_claim_resubmitted_after_a_refusal_is_no_duplicate() {
        let original = ExpenseFact { refused: true, ..expense(1, 84.20, WEDNESDAY) };
        let resubmitted = ExpenseFact { submitted: Some(WEDNESDAY + 30), ..expense(2, 84.20, WEDNESDAY) };
        let found =
            assess_signals(&resubmitted, &[original.clone(), resubmitted.clone()], &[], &SignalConfig::default());
        assert!(
            !rules(&found).contains(&Rule::ExactDuplicate) && !rules(&found).contains(&Rule::NearDuplicate),
            "{found:?}"
        );
        // The same claim after an accepted one is.
        let accepted = ExpenseFact { refused: false, ..original };
        let found = assess_signals(&resubmitted, &[accepted, resubmitted.clone()], &[], &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::ExactDuplicate), "{found:?}");
    }

    #[test]
    fn a_round_amount_on_a_weekend_is_its_own_signal() {
        let saturday = WEDNESDAY + 3;
        let found = assess_signals(&expense(1, 300.0, saturday), &[], &[], &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::RoundAmountOnWeekend), "{found:?}");
        let found = assess_signals(&expense(1, 300.0, WEDNESDAY), &[], &[], &SignalConfig::default());
        assert!(!rules(&found).contains(&Rule::RoundAmountOnWeekend), "{found:?}");
    }

    #[test]
    fn document_numbers_leave_out_periods_and_dates() {
        assert_eq!(
            document_number("JM Business Services, invoice 5001"),
            Some(("jm business services invoice".into(), 5001))
        );
        assert_eq!(document_number("Hotel Ibis receipt 00482"), Some(("hotel ibis receipt".into(), 482)));
        // Years, periods and dates are how recurring bills are numbered in order; two-digit numbers are
        // line or day numbers.
        assert_eq!(document_number("Phone bill 2026-03"), None);
        assert_eq!(document_number("Phone bill 202603"), None);
        assert_eq!(document_number("Rent 20260315"), None);
        assert_eq!(document_number("Hotel night 2"), None);
        assert_eq!(document_number("Taxi 12"), None);
        // The last number is the document's: "Order 2026 / 4711".
        assert_eq!(document_number("Order 2026 / 4711"), Some(("order".into(), 4711)));
        assert_eq!(document_number("99999999999999999999 receipt"), None);
        // Amounts and quantities are no document numbers.
        for text in [
            "Taxi 120.00",
            "Taxi 120,50",
            "Mileage 121 km",
            "Dinner € 450",
            "Hotel 450 EUR",
            "Parking 125$",
            "Fuel 3.125 l",
        ] {
            assert_eq!(document_digits(text), None, "{text}");
        }
        assert_eq!(document_digits("Hotel 450 EUR, folio 88123"), Some(88123));
        assert_eq!(document_digits("Ünïcödé 😀 4711 ß"), Some(4711));
        assert_eq!(document_digits(""), None);
        // Hostile descriptions: bounded work, no panic, a cut inside a multi-byte character.
        let long = "a123".repeat(25_000);
        assert_eq!(document_digits(&long), Some(123));
        let multibyte = format!("{}4711", "é".repeat(200));
        assert_eq!(document_digits(&multibyte), None, "past the searched prefix");
        assert_eq!(prefix(&"é".repeat(200), 255).len(), 254);
        let words_apart = "lunch ".repeat(50_000);
        assert!(similar_descriptions(&words_apart, &words_apart));
    }

    #[test]
    fn consecutive_document_numbers_of_one_vendor_on_other_days() {
        let described = |id: i32, date: i32, description: &str| ExpenseFact {
            description: description.into(),
            ..expense(id, 80.0 + f64::from(id), date)
        };
        let employee = [
            described(1, WEDNESDAY - 14, "ProConsult Partners, invoice 4711"),
            described(2, WEDNESDAY - 7, "ProConsult Partners, invoice 4712"),
            described(3, WEDNESDAY, "ProConsult Partners, invoice 4713"),
        ];
        let config = SignalConfig::default();
        let found = assess_signals(&employee[2], &employee, &[], &config);
        let signal = found.iter().find(|signal| signal.rule == Rule::ConsecutiveDocumentNumbers).expect("fired");
        assert_eq!(signal.strength, 0.9, "two neighbours");
        assert!(signal.evidence.contains("4713") && signal.evidence.contains("#"), "{}", signal.evidence);
        let found = assess_signals(&employee[0], &employee[..2], &[], &config);
        assert_eq!(
            found.iter().find(|signal| signal.rule == Rule::ConsecutiveDocumentNumbers).map(|s| s.strength),
            Some(0.7)
        );

        // Not consecutive: another vendor, a gap over MAX_DOCUMENT_NUMBER_GAP, the same number (that is a
        // duplicate's business), the same day (two purchases at one till), monthly periods.
        let quiet = |target: ExpenseFact, other: ExpenseFact| {
            let found = assess_signals(&target, &[other, target.clone()], &[], &config);
            assert!(!rules(&found).contains(&Rule::ConsecutiveDocumentNumbers), "{found:?}");
        };
        quiet(
            described(4, WEDNESDAY, "Staples receipt 4712"),
            described(5, WEDNESDAY - 7, "Office Depot receipt 4711"),
        );
        quiet(described(4, WEDNESDAY, "Staples receipt 4719"), described(5, WEDNESDAY - 7, "Staples receipt 4711"));
        quiet(described(4, WEDNESDAY, "Staples receipt 4711"), described(5, WEDNESDAY - 7, "Staples receipt 4711"));
        quiet(described(4, WEDNESDAY, "Staples receipt 4712"), described(5, WEDNESDAY, "Staples receipt 4711"));
        quiet(described(4, WEDNESDAY, "Orange bill 202604"), described(5, WEDNESDAY - 30, "Orange bill 202603"));
        // The employee's own numbering: every claim numbered in a long run.
        let own: Vec<ExpenseFact> =
            (0..12).map(|k| described(10 + k, WEDNESDAY - 7 * k, &format!("Claim {}", 1040 + k))).collect();
        let found = assess_signals(&own[5], &own, &[], &config);
        assert!(!rules(&found).contains(&Rule::ConsecutiveDocumentNumbers), "{found:?}");
        assert_eq!(numbered_run(1045, own.iter().map(|e| document_number(&e.description).expect("numbered").1)), 12);
        assert_eq!(numbered_run(10, [1, 4, 7, 13, 20].into_iter()), 5);
        assert_eq!(numbered_run(20, [1, 4, 7, 13].into_iter()), 1);
    }

    #[test]
    fn an_unusual_amount_for_the_employee_and_the_category() {
        let history: Vec<ExpenseFact> = (0..10).map(|i| expense(i, 30.0 + f64::from(i), WEDNESDAY - 20 * i)).collect();
        let big = expense(99, 400.0, WEDNESDAY);
        let category: Vec<f64> = (0..20).map(|i| 25.0 + f64::from(i)).collect();
        let found = assess_signals(&big, &history, &category, &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::EmployeeAmountOutlier), "{found:?}");
        assert!(rules(&found).contains(&Rule::CategoryAmountOutlier), "{found:?}");
        assert!(found.iter().all(|signal| (0.0..=1.0).contains(&signal.strength)));
        // An ordinary amount raises neither.
        let usual = expense(98, 34.0, WEDNESDAY);
        let found = assess_signals(&usual, &history, &category, &SignalConfig::default());
        assert!(
            !rules(&found).contains(&Rule::EmployeeAmountOutlier)
                && !rules(&found).contains(&Rule::CategoryAmountOutlier)
        );
    }

    #[test]
    fn a_single_expense_gets_no_history_signal_and_no_panic() {
        let only = expense(1, 10_000.0, WEDNESDAY);
        let found = assess_signals(&only, std::slice::from_ref(&only), &[], &SignalConfig::default());
        assert!(found.iter().all(|signal| signal.rule == Rule::RoundAmount), "{found:?}");
    }

    #[test]
    fn exact_and_near_duplicates_also_across_reports() {
        let first = expense(1, 123.45, WEDNESDAY);
        let copy = ExpenseFact { id: 2, sheet_id: Some(77), ..first.clone() };
        let found = assess_signals(&copy, &[first.clone(), copy.clone()], &[], &SignalConfig::default());
        let duplicate = found.iter().find(|signal| signal.rule == Rule::ExactDuplicate).expect("exact duplicate");
        assert!(
            duplicate.evidence.contains("#1") && duplicate.evidence.contains("another report"),
            "{}",
            duplicate.evidence
        );
        // 1% more, two days later, another category but the same description.
        let near = ExpenseFact {
            id: 3,
            amount: 124.60,
            date: WEDNESDAY + 2,
            product_id: Some(9),
            description: first.description.clone(),
            ..first.clone()
        };
        let found = assess_signals(&near, &[first.clone(), near.clone()], &[], &SignalConfig::default());
        assert_eq!(rules(&found).iter().filter(|rule| **rule == Rule::NearDuplicate).count(), 1, "{found:?}");
        // On the same report it weighs less (the approver sees both; nightly hotel lines look alike),
        // on another report more; an original on another report is preferred.
        let strength = |found: &[Signal]| found.iter().find(|s| s.rule == Rule::NearDuplicate).map(|s| s.strength);
        assert_eq!(strength(&found), Some(0.4), "{found:?}");
        let elsewhere = ExpenseFact { id: 5, sheet_id: Some(50), date: WEDNESDAY + 1, ..first.clone() };
        let near_later = ExpenseFact { id: 6, date: WEDNESDAY + 3, ..near.clone() };
        let found =
            assess_signals(&near_later, &[first.clone(), elsewhere, near_later.clone()], &[], &SignalConfig::default());
        assert_eq!(strength(&found), Some(0.75), "{found:?}");
        assert!(found.iter().any(|s| s.evidence.contains("#5") && s.evidence.contains("another report")), "{found:?}");
        // The forest still reads the closeness of the first near match (#1, 3 days), as in 0.6.0.
        let features = assess(
            &near_later,
            &[
                first.clone(),
                ExpenseFact { id: 5, sheet_id: Some(50), date: WEDNESDAY + 1, ..first.clone() },
                near_later.clone(),
            ],
            None,
            &SignalConfig::default(),
        )
        .features;
        assert_eq!(features[7], 1.0 / 5.0);
        // Neither on a report (Odoo 19): no report is named.
        let loose = |id: i32, date: i32, amount: f64| ExpenseFact { sheet_id: None, ..expense(id, amount, date) };
        let found = assess_signals(
            &loose(8, WEDNESDAY + 1, 124.0),
            &[loose(7, WEDNESDAY, 123.45)],
            &[],
            &SignalConfig::default(),
        );
        let evidence = &found.iter().find(|s| s.rule == Rule::NearDuplicate).expect("near duplicate").evidence;
        assert!(!evidence.contains("report"), "{evidence}");
        // 10% more is not a duplicate.
        let different = ExpenseFact { id: 4, amount: 136.0, ..near };
        assert!(!rules(&assess_signals(&different, &[first, different.clone()], &[], &SignalConfig::default()))
            .contains(&Rule::NearDuplicate));
    }

    #[test]
    fn split_claims_under_the_threshold_that_add_up_over_it() {
        let parts: Vec<ExpenseFact> = (0..3)
            .map(|i| ExpenseFact {
                description: format!("hotel night {i}"),
                ..expense(i, 240.0 - f64::from(i) * 17.0, WEDNESDAY + i)
            })
            .collect();
        let found = assess_signals(&parts[1], &parts, &[], &SignalConfig::default());
        let split = found.iter().find(|signal| signal.rule == Rule::SplitClaim).expect("split claim");
        assert!(split.evidence.starts_with("3 claims within 7 days"), "{}", split.evidence);
        // The threshold is a parameter: at 1000 the same claims are fine.
        let relaxed = SignalConfig { approval_threshold: 1000.0, ..SignalConfig::default() };
        assert!(!rules(&assess_signals(&parts[1], &parts, &[], &relaxed)).contains(&Rule::SplitClaim));
        // A week of meals on a trip adds up too; with a smallest part set, no part is a purchase near
        // the threshold.
        let meals: Vec<ExpenseFact> = (0..16).map(|i| expense(i, 45.0 + f64::from(i), WEDNESDAY + i / 3)).collect();
        let quarter = SignalConfig { split_min_part_share: 0.25, ..SignalConfig::default() };
        assert!(!rules(&assess_signals(&meals[8], &meals, &[], &quarter)).contains(&Rule::SplitClaim));
        assert!(rules(&assess_signals(&parts[1], &parts, &[], &quarter)).contains(&Rule::SplitClaim));
        // 0.6.0's window (share 0) counted every claim under the threshold, a refund included; the
        // forest reads the window's count and total.
        let refund = ExpenseFact { amount: -50.0, ..expense(20, 0.0, WEDNESDAY + 1) };
        let with_refund = [parts[0].clone(), parts[1].clone(), refund];
        let zero_share = SignalConfig { split_min_part_share: 0.0, ..SignalConfig::default() };
        assert_eq!(assess(&parts[1], &with_refund, None, &zero_share).features[4], 3.0);
        assert_eq!(assess(&parts[1], &with_refund, None, &quarter).features[4], 2.0);
        assert!(rules(&assess_signals(&meals[8], &meals, &[], &SignalConfig::default())).contains(&Rule::SplitClaim));
    }

    #[test]
    fn round_amounts_weekends_late_submissions() {
        let round = expense(1, 300.0, WEDNESDAY);
        assert!(rules(&assess_signals(&round, &[], &[], &SignalConfig::default())).contains(&Rule::RoundAmount));
        assert!(!rules(&assess_signals(&expense(2, 301.5, WEDNESDAY), &[], &[], &SignalConfig::default()))
            .contains(&Rule::RoundAmount));
        let saturday = expense(3, 12.0, WEDNESDAY + 3);
        assert_eq!(rules(&assess_signals(&saturday, &[], &[], &SignalConfig::default())), vec![Rule::WeekendDate]);
        let late = ExpenseFact { submitted: Some(WEDNESDAY + 200), ..expense(4, 12.0, WEDNESDAY) };
        let found = assess_signals(&late, &[], &[], &SignalConfig::default());
        assert_eq!(found[0].evidence, "submitted 200 days after the expense date");
    }

    #[test]
    fn a_burst_of_claims_against_the_usual_rate() {
        // One claim a month for a year, then six in a week.
        let mut history: Vec<ExpenseFact> = (1..=12)
            .map(|month| ExpenseFact {
                description: format!("taxi {month}"),
                ..expense(month, 20.0 + f64::from(month), WEDNESDAY - 30 * month - 40)
            })
            .collect();
        history.extend((0..6).map(|i| ExpenseFact {
            description: format!("train {i}"),
            ..expense(100 + i, 15.0 + f64::from(i) * 7.0, WEDNESDAY - i)
        }));
        let found = assess_signals(&history[12], &history, &[], &SignalConfig::default());
        assert!(rules(&found).contains(&Rule::FrequencySpike), "{found:?}");
    }

    #[test]
    fn descriptions_compare_by_words() {
        assert!(similar_descriptions("Taxi to airport", "taxi TO airport!"));
        assert!(similar_descriptions("Hotel Paris 3 nights", "hotel paris nights"));
        assert!(!similar_descriptions("Hotel Paris", "Train Berlin"));
        assert!(!similar_descriptions("", "anything"));
    }

    #[test]
    fn only_the_later_claim_is_the_duplicate() {
        let first = expense(1, 123.45, WEDNESDAY);
        let copy = ExpenseFact { id: 2, sheet_id: Some(77), submitted: Some(WEDNESDAY + 30), ..first.clone() };
        let both = [first.clone(), copy.clone()];
        assert!(rules(&assess_signals(&copy, &both, &[], &SignalConfig::default())).contains(&Rule::ExactDuplicate));
        assert!(!rules(&assess_signals(&first, &both, &[], &SignalConfig::default())).contains(&Rule::ExactDuplicate));
    }

    #[test]
    fn features_are_finite_for_hostile_amounts() {
        let history: Vec<ExpenseFact> = (0..10).map(|i| expense(i, 30.0, WEDNESDAY - i)).collect();
        for amount in [0.0, -50.0, 1e300, f64::MAX, 1e-300] {
            let target = expense(99, amount, WEDNESDAY);
            let assessment = assess(&target, &history, Baseline::of(&[30.0; 20]).as_ref(), &SignalConfig::default());
            assert!(assessment.features.iter().all(|value| value.is_finite()), "{amount}: {:?}", assessment.features);
            assert!(assessment
                .signals
                .iter()
                .all(|signal| signal.strength.is_finite() && (0.0..=1.0).contains(&signal.strength)));
        }
    }

    #[test]
    fn the_comparison_range_is_bounded_and_around_the_target() {
        let many: Vec<ExpenseFact> = (0..10_000).map(|i| expense(i, 10.0, WEDNESDAY - 5_000 + i / 2)).collect();
        let target = many[6_000].clone();
        let range = comparison_range(&many, &target);
        assert!(range.len() <= MAX_COMPARED && range.contains(&6_000), "{range:?}");
        assert!(many[range.clone()].iter().all(|other| (other.date - target.date).abs() <= HISTORY_DAYS));
        let few = &many[..10];
        assert_eq!(comparison_range(few, &few[3]), 0..10);
        assert_eq!(comparison_range(&[], &target), 0..0);
    }
}
