//! Churn features and labels, per customer (commercial partner) as of a date. Pure Rust, no pgrx
//! types: unit-tested without a server.
//!
//! Input: the customer's posted customer invoices and refunds (`InvoiceFact`), in any order. Dates are
//! days since 2000-01-01, PostgreSQL's own date epoch, so no conversion is needed at the SPI boundary.
//!
//! No leak from the future: a feature as of day T reads only invoices dated on or before T, and an
//! invoice's payment state only when its last change is on or before T. The change is dated by the
//! invoice's last reconciliation when the mirror has account_partial_reconcile (0.7.0), else by
//! `write_date`, which Odoo stamps when reconciliation changes `payment_state`. A later change means
//! "not yet known to be paid at T", and the invoice counts as fully open at T. A unit test changes everything
//! after T and checks that the features stay the same.

/// How an invoice's current payment state reads for the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// `paid`, `in_payment`, `invoicing_legacy`: settled.
    Paid,
    /// `reversed`: cancelled by a full refund; settled, never late.
    Reversed,
    /// `not_paid`, `partial`, `blocked` or unknown: still (partly) open.
    Open,
}

impl Settlement {
    pub fn from_payment_state(state: Option<&str>) -> Self {
        match state {
            Some("paid" | "in_payment" | "invoicing_legacy") => Self::Paid,
            Some("reversed") => Self::Reversed,
            _ => Self::Open,
        }
    }
}

/// One posted customer invoice (`out_invoice`) or refund (`out_refund`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InvoiceFact {
    /// invoice_date.
    pub date: i32,
    pub is_refund: bool,
    /// |amount_untaxed_signed|: revenue in the company currency.
    pub untaxed: f64,
    /// |amount_total_signed|: what the customer owes, in the company currency.
    pub total: f64,
    /// invoice_date_due (the invoice date when Odoo has none).
    pub due: i32,
    /// When the current payment state became true, at the latest: the date the invoice's last
    /// reconciliation counts from when the mirror has its reconciliations, else write_date's day.
    pub changed: i32,
    pub settlement: Settlement,
    /// |amount_residual_signed| now.
    pub residual: f64,
    /// `changed` comes from a reconciliation (account_partial_reconcile), not from write_date.
    pub dated_by_reconciliation: bool,
}

/// Window lengths, in days.
pub const RECENT_DAYS: i32 = 90;
pub const HALF_YEAR_DAYS: i32 = 180;
pub const YEAR_DAYS: i32 = 365;

/// The features, in the order models store their weights. Each is documented in the README.
pub const FEATURE_NAMES: &[&str] = &[
    "recency_days",
    "tenure_days",
    "invoices_90d",
    "invoices_365d",
    "revenue_90d",
    "revenue_365d",
    "revenue_trend",
    "frequency_trend",
    "typical_gap_days",
    "gap_ratio",
    "single_invoice",
    "refund_ratio",
    "days_late_avg",
    "late_share",
    "open_residual",
    "overdue_residual_share",
];
pub const FEATURE_COUNT: usize = 16;

/// A customer's features as of a date, in readable units (days, amounts, ratios).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    /// Days since the last invoice.
    pub recency_days: f64,
    /// Days since the first invoice.
    pub tenure_days: f64,
    pub invoices_90d: f64,
    pub invoices_365d: f64,
    /// Untaxed revenue, company currency.
    pub revenue_90d: f64,
    pub revenue_365d: f64,
    /// ln((1 + revenue of the last 180 days) / (1 + revenue of the 180 days before)).
    pub revenue_trend: f64,
    /// ln((1 + invoices of the last 180 days) / (1 + invoices of the 180 days before)).
    pub frequency_trend: f64,
    /// What the trends compare, for explanations: revenue and invoices of the last 180 days and of the
    /// 180 days before.
    pub revenue_last_half: f64,
    pub revenue_previous_half: f64,
    pub invoices_last_half: f64,
    pub invoices_previous_half: f64,
    /// Median days between consecutive invoice dates; None with fewer than three invoice dates (one
    /// gap is no habit).
    pub typical_gap_days: Option<f64>,
    /// Days since the last invoice divided by the typical gap (at least a week: two invoices in one
    /// week are no usual rhythm to be late against); None without a typical gap.
    pub gap_ratio: Option<f64>,
    /// Refunded share of the last 365 days' invoiced revenue (0..=2).
    pub refund_ratio: f64,
    /// Mean days paid after the due date, over invoices due in the last 365 days and known paid.
    pub days_late_avg: f64,
    /// Share of invoices due in the last 365 days that were paid late or are open past due.
    pub late_share: f64,
    /// Amount still open at the date, company currency.
    pub open_residual: f64,
    /// Share of the open amount that is past due.
    pub overdue_residual_share: f64,
}

impl Features {
    /// The model's inputs, in `FEATURE_NAMES` order: skewed counts, amounts and durations on a log
    /// scale. A missing gap becomes `typical_gap_fill` (the training median), flagged by
    /// `single_invoice` (fewer than three invoice dates).
    pub fn model_inputs(&self, typical_gap_fill: f64) -> [f64; FEATURE_COUNT] {
        let gap = self.typical_gap_days.unwrap_or(typical_gap_fill).max(0.0);
        let gap_ratio = self.gap_ratio.unwrap_or(self.recency_days / gap.max(SHORTEST_USUAL_GAP_DAYS));
        [
            self.recency_days.ln_1p(),
            self.tenure_days.ln_1p(),
            self.invoices_90d.ln_1p(),
            self.invoices_365d.ln_1p(),
            self.revenue_90d.max(0.0).ln_1p(),
            self.revenue_365d.max(0.0).ln_1p(),
            self.revenue_trend,
            self.frequency_trend,
            gap.ln_1p(),
            gap_ratio.max(0.0).ln_1p(),
            if self.typical_gap_days.is_none() { 1.0 } else { 0.0 },
            self.refund_ratio,
            self.days_late_avg.max(0.0).ln_1p(),
            self.late_share,
            self.open_residual.max(0.0).ln_1p(),
            self.overdue_residual_share,
        ]
    }

    /// Readable value of feature `index` (for explanations); NaN never: missing gaps read as -1.
    pub fn readable(&self, index: usize) -> f64 {
        match index {
            0 => self.recency_days,
            1 => self.tenure_days,
            2 => self.invoices_90d,
            3 => self.invoices_365d,
            4 => self.revenue_90d,
            5 => self.revenue_365d,
            6 => self.revenue_trend,
            7 => self.frequency_trend,
            8 => self.typical_gap_days.unwrap_or(-1.0),
            9 => self.gap_ratio.unwrap_or(-1.0),
            10 if self.typical_gap_days.is_none() => 1.0,
            10 => 0.0,
            11 => self.refund_ratio,
            12 => self.days_late_avg,
            13 => self.late_share,
            14 => self.open_residual,
            15 => self.overdue_residual_share,
            _ => 0.0,
        }
    }
}

/// Features as of day `as_of` from the customer's facts (any order; those after `as_of` are ignored).
/// None when the customer has no invoice on or before `as_of`: a customer without history has no score.
pub fn features_as_of(facts: &[InvoiceFact], as_of: i32) -> Option<Features> {
    let mut first: Option<i32> = None;
    let mut last: Option<i32> = None;
    let mut invoices_90d = 0.0;
    let mut invoices_365d = 0.0;
    let mut revenue_90d = 0.0;
    let mut revenue_365d = 0.0;
    let (mut revenue_recent_half, mut revenue_earlier_half) = (0.0, 0.0);
    let (mut count_recent_half, mut count_earlier_half) = (0.0f64, 0.0f64);
    let mut refunded_365d = 0.0;
    let mut invoice_dates: Vec<i32> = Vec::with_capacity(facts.len());
    let (mut late_days_sum, mut paid_count) = (0.0, 0.0);
    let (mut late_count, mut due_count) = (0.0, 0.0);
    let (mut open_residual, mut overdue_residual) = (0.0, 0.0);

    for fact in facts.iter().filter(|fact| fact.date <= as_of) {
        let age = as_of - fact.date;
        if fact.is_refund {
            if age < YEAR_DAYS {
                refunded_365d += fact.untaxed;
            }
            continue;
        }
        first = Some(first.map_or(fact.date, |day| day.min(fact.date)));
        last = Some(last.map_or(fact.date, |day| day.max(fact.date)));
        invoice_dates.push(fact.date);
        if age < RECENT_DAYS {
            invoices_90d += 1.0;
            revenue_90d += fact.untaxed;
        }
        if age < YEAR_DAYS {
            invoices_365d += 1.0;
            revenue_365d += fact.untaxed;
        }
        if age < HALF_YEAR_DAYS {
            revenue_recent_half += fact.untaxed;
            count_recent_half += 1.0;
        } else if age < 2 * HALF_YEAR_DAYS {
            revenue_earlier_half += fact.untaxed;
            count_earlier_half += 1.0;
        }

        // Payment behaviour, as known on `as_of`.
        let known = fact.changed <= as_of;
        let settled = known && fact.settlement != Settlement::Open;
        let due_age = as_of - fact.due;
        if settled {
            if fact.settlement == Settlement::Paid && (0..YEAR_DAYS).contains(&due_age) {
                let days_late = f64::from((fact.changed - fact.due).max(0));
                late_days_sum += days_late;
                paid_count += 1.0;
                due_count += 1.0;
                if days_late > 0.0 {
                    late_count += 1.0;
                }
            }
        } else {
            // Open on `as_of`: the current residual if nothing changed since, else the whole total.
            let residual = if known { fact.residual.min(fact.total) } else { fact.total };
            open_residual += residual;
            if due_age > 0 {
                overdue_residual += residual;
                if due_age < YEAR_DAYS {
                    late_count += 1.0;
                    due_count += 1.0;
                }
            }
        }
    }

    let (first, last) = (first?, last?);
    invoice_dates.sort_unstable();
    invoice_dates.dedup();
    let typical_gap_days = median_gap(&invoice_dates);
    let recency_days = f64::from(as_of - last);
    Some(Features {
        recency_days,
        tenure_days: f64::from(as_of - first),
        invoices_90d,
        invoices_365d,
        revenue_90d,
        revenue_365d,
        revenue_trend: (1.0 + revenue_recent_half.max(0.0)).ln() - (1.0 + revenue_earlier_half.max(0.0)).ln(),
        frequency_trend: (1.0 + count_recent_half).ln() - (1.0 + count_earlier_half).ln(),
        revenue_last_half: revenue_recent_half.max(0.0),
        revenue_previous_half: revenue_earlier_half.max(0.0),
        invoices_last_half: count_recent_half,
        invoices_previous_half: count_earlier_half,
        typical_gap_days,
        gap_ratio: typical_gap_days.map(|gap| recency_days / gap.max(SHORTEST_USUAL_GAP_DAYS)),
        refund_ratio: if revenue_365d > 0.0 {
            (refunded_365d / revenue_365d).min(2.0)
        } else if refunded_365d > 0.0 {
            2.0
        } else {
            0.0
        },
        days_late_avg: if paid_count > 0.0 { late_days_sum / paid_count } else { 0.0 },
        late_share: if due_count > 0.0 { late_count / due_count } else { 0.0 },
        open_residual,
        overdue_residual_share: if open_residual > 0.0 { (overdue_residual / open_residual).min(1.0) } else { 0.0 },
    })
}

/// The shortest gap a late customer is measured against, in days.
pub const SHORTEST_USUAL_GAP_DAYS: f64 = 7.0;
/// The fewest distinct invoice dates a typical gap is read from.
pub const DATES_FOR_A_USUAL_GAP: usize = 3;

/// Median of the gaps between consecutive distinct (sorted) dates; None for fewer than
/// DATES_FOR_A_USUAL_GAP dates.
fn median_gap(sorted_dates: &[i32]) -> Option<f64> {
    if sorted_dates.len() < DATES_FOR_A_USUAL_GAP {
        return None;
    }
    let mut gaps: Vec<i32> = sorted_dates.windows(2).map(|pair| pair[1] - pair[0]).collect();
    gaps.sort_unstable();
    let middle = gaps.len() / 2;
    Some(if gaps.len() % 2 == 1 {
        f64::from(gaps[middle])
    } else {
        (f64::from(gaps[middle - 1]) + f64::from(gaps[middle])) / 2.0
    })
}

/// Whether the customer was active before `as_of`: an invoice in the `active_window_days` up to it.
/// Training and holdout rows are the active customers; the long gone are not "about to" churn.
pub fn active_at(facts: &[InvoiceFact], as_of: i32, active_window_days: i32) -> bool {
    facts.iter().any(|fact| !fact.is_refund && fact.date <= as_of && as_of - fact.date < active_window_days)
}

/// The label: churned when no customer invoice is dated in (as_of, as_of + horizon_days].
pub fn churned_after(facts: &[InvoiceFact], as_of: i32, horizon_days: i32) -> bool {
    !facts.iter().any(|fact| !fact.is_refund && fact.date > as_of && fact.date - as_of <= horizon_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(date: i32, untaxed: f64) -> InvoiceFact {
        InvoiceFact {
            date,
            is_refund: false,
            untaxed,
            total: untaxed * 1.21,
            due: date + 30,
            changed: date + 30,
            settlement: Settlement::Paid,
            residual: 0.0,
            dated_by_reconciliation: false,
        }
    }

    #[test]
    fn recency_frequency_monetary_and_tenure() {
        let facts = [invoice(100, 50.0), invoice(300, 100.0), invoice(900, 200.0), invoice(960, 400.0)];
        let features = features_as_of(&facts, 1000).expect("history");
        assert_eq!(features.recency_days, 40.0);
        assert_eq!(features.tenure_days, 900.0);
        assert_eq!(features.invoices_90d, 1.0);
        assert_eq!(features.invoices_365d, 2.0);
        assert_eq!(features.revenue_90d, 400.0);
        assert_eq!(features.revenue_365d, 600.0);
        // Gaps 200, 600, 60: median 200.
        assert_eq!(features.typical_gap_days, Some(200.0));
        assert_eq!(features.gap_ratio, Some(0.2));
        // Two dates are one gap: no habit yet.
        let two = features_as_of(&[invoice(900, 1.0), invoice(901, 1.0)], 1000).expect("history");
        assert_eq!((two.typical_gap_days, two.gap_ratio), (None, None));
        // Three dates a day apart: the gap counts as a week.
        let daily = features_as_of(&[invoice(900, 1.0), invoice(901, 1.0), invoice(902, 1.0)], 972).expect("history");
        assert_eq!((daily.typical_gap_days, daily.gap_ratio), (Some(1.0), Some(10.0)));
        // Last 180 days 600 against nothing in the 180 before.
        assert!((features.revenue_trend - (601.0f64).ln()).abs() < 1e-12);
        assert!((features.frequency_trend - 3.0f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn no_history_means_no_features() {
        assert_eq!(features_as_of(&[], 100), None);
        assert_eq!(features_as_of(&[invoice(200, 10.0)], 100), None);
        let refund_only = InvoiceFact { is_refund: true, ..invoice(50, 10.0) };
        assert_eq!(features_as_of(&[refund_only], 100), None);
    }

    #[test]
    fn a_single_invoice_has_no_typical_gap_and_model_inputs_stay_finite() {
        let features = features_as_of(&[invoice(10, 0.0)], 10).expect("history");
        assert_eq!(features.typical_gap_days, None);
        assert_eq!(features.gap_ratio, None);
        let inputs = features.model_inputs(30.0);
        assert!(inputs.iter().all(|value| value.is_finite()));
        assert_eq!(inputs[10], 1.0);
    }

    #[test]
    fn even_number_of_gaps_takes_the_middle_pair() {
        assert_eq!(median_gap(&[0, 10, 30, 60, 100]), Some(25.0));
        assert_eq!(median_gap(&[5]), None);
        assert_eq!(median_gap(&[5, 9]), None);
    }

    #[test]
    fn refunds_count_against_the_years_revenue() {
        let refund = InvoiceFact { is_refund: true, untaxed: 50.0, ..invoice(950, 0.0) };
        let features = features_as_of(&[invoice(900, 200.0), refund], 1000).expect("history");
        assert_eq!(features.refund_ratio, 0.25);
    }

    #[test]
    fn payment_behaviour_as_known_on_the_date() {
        // Due 630, paid on 650: 20 days late.
        let late = InvoiceFact { changed: 650, ..invoice(600, 100.0) };
        // Due 730, open, 70 days past due on 800.
        let open = InvoiceFact { settlement: Settlement::Open, residual: 121.0, changed: 700, ..invoice(700, 100.0) };
        // Due 820, partly paid, not yet due.
        let partial = InvoiceFact { settlement: Settlement::Open, residual: 60.0, changed: 795, ..invoice(790, 100.0) };
        let features = features_as_of(&[late, open, partial], 800).expect("history");
        assert_eq!(features.days_late_avg, 20.0);
        assert_eq!(features.late_share, 1.0);
        assert!((features.open_residual - 181.0).abs() < 1e-9);
        assert!((features.overdue_residual_share - 121.0 / 181.0).abs() < 1e-12);
    }

    #[test]
    fn a_payment_recorded_after_the_date_is_unknown_on_it() {
        let paid_later = InvoiceFact { changed: 900, ..invoice(700, 100.0) };
        let features = features_as_of(&[paid_later], 800).expect("history");
        assert_eq!(features.days_late_avg, 0.0);
        assert!((features.open_residual - 121.0).abs() < 1e-9);
        assert_eq!(features.overdue_residual_share, 1.0);
    }

    /// Leak test: anything dated after the as-of date (new invoices, refunds, payments, changes to the
    /// payment state of older invoices) leaves the features unchanged.
    #[test]
    fn nothing_after_the_as_of_date_changes_the_features() {
        let as_of = 1000;
        let mut rng = 12345u64;
        let mut next = || {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (rng >> 33) as i32
        };
        for _ in 0..200 {
            let facts: Vec<InvoiceFact> = (0..12)
                .map(|_| {
                    let date = next() % 1400;
                    let settlement = match next() % 3 {
                        0 => Settlement::Paid,
                        1 => Settlement::Reversed,
                        _ => Settlement::Open,
                    };
                    InvoiceFact {
                        date,
                        is_refund: next() % 7 == 0,
                        untaxed: f64::from(next() % 1000),
                        total: f64::from(next() % 1200),
                        due: date + next() % 60,
                        changed: date + next() % 200,
                        settlement,
                        residual: f64::from(next() % 500),
                        dated_by_reconciliation: next() % 2 == 0,
                    }
                })
                .collect();
            let before = features_as_of(&facts, as_of);
            // The future rewritten: later invoices and refunds get new amounts and states, and every
            // invoice changed after the date gets another payment state and residual.
            let rewritten: Vec<InvoiceFact> = facts
                .iter()
                .map(|fact| {
                    let mut fact = *fact;
                    if fact.date > as_of {
                        fact.untaxed *= 3.0;
                        fact.is_refund = !fact.is_refund;
                        fact.date = as_of + 1 + next() % 300;
                    }
                    if fact.changed > as_of {
                        fact.settlement = Settlement::Paid;
                        fact.residual = 0.0;
                        fact.changed = as_of + 1 + next() % 300;
                    }
                    fact
                })
                .collect();
            let extra: Vec<InvoiceFact> = (0..3).map(|_| invoice(as_of + 1 + next() % 300, 999.0)).collect();
            let rewritten: Vec<InvoiceFact> = rewritten.into_iter().chain(extra).collect();
            assert_eq!(before, features_as_of(&rewritten, as_of));
        }
    }

    #[test]
    fn labels_look_only_inside_the_horizon() {
        let facts = [invoice(100, 10.0), invoice(250, 10.0)];
        assert!(!churned_after(&facts, 200, 90));
        assert!(churned_after(&facts, 100, 90));
        assert!(!churned_after(&facts, 160, 90));
        assert!(active_at(&facts, 200, 365));
        assert!(!active_at(&facts, 50, 365));
        assert!(!active_at(&facts, 900, 365));
    }
}
