//! The month-by-month series behind get_revenue_trends. Pure Rust: SQL returns only the months that
//! had revenue; this module lays out every month asked for, per currency, and the growth figures.

use std::collections::HashMap;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1..=12
    pub month: u8,
}

impl Month {
    pub fn new(year: i32, month: u8) -> Self {
        Self { year, month: month.clamp(1, 12) }
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Self {
        Self { year: index.div_euclid(12) as i32, month: (index.rem_euclid(12) + 1) as u8 }
    }

    /// The month `count` months before this one.
    pub fn minus(self, count: u32) -> Self {
        Self::from_index(self.index() - i64::from(count))
    }
}

/// One month's revenue in one currency. `A` is the exact amount type (numeric in the extension);
/// `net_value` is the same net amount as a float, for the growth ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals<A> {
    pub invoiced: A,
    pub refunded: A,
    pub net: A,
    pub net_value: f64,
    pub invoice_count: i64,
    pub refund_count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow<A> {
    pub month: Month,
    pub currency: Option<String>,
    pub totals: Totals<A>,
    /// Net revenue against the previous month, in percent; None when the previous month's net was 0.
    pub growth_pct: Option<f64>,
}

/// Growth of `net` over `previous` in percent, rounded to 2 decimals; None when there is no base.
pub fn growth_pct(net: f64, previous: f64) -> Option<f64> {
    if previous == 0.0 || !previous.is_finite() || !net.is_finite() {
        return None;
    }
    let growth = (net - previous) / previous.abs() * 100.0;
    Some((growth * 100.0).round() / 100.0)
}

/// Lays out `months` months ending with `last`, for every currency in `currencies` and in `found`
/// (a single unnamed series when there is none), filling months without revenue with `zero()`.
/// `found` may also hold the month before the first one: it is used for the first month's growth.
/// Rows come ordered by month, then currency (the unnamed one last).
pub fn monthly_series<A: Clone>(
    last: Month,
    months: u32,
    currencies: &[Option<String>],
    found: Vec<(Month, Option<String>, Totals<A>)>,
    zero: impl Fn() -> A,
) -> Vec<TrendRow<A>> {
    let mut all_currencies: Vec<Option<String>> = currencies.to_vec();
    for (_, currency, _) in &found {
        if !all_currencies.contains(currency) {
            all_currencies.push(currency.clone());
        }
    }
    if all_currencies.is_empty() {
        all_currencies.push(None);
    }
    // Named currencies alphabetically, the unnamed one last (as ORDER BY currency would put NULL).
    all_currencies.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });

    let by_key: HashMap<(Month, Option<String>), Totals<A>> =
        found.into_iter().map(|(month, currency, totals)| ((month, currency), totals)).collect();
    let empty = || Totals {
        invoiced: zero(),
        refunded: zero(),
        net: zero(),
        net_value: 0.0,
        invoice_count: 0,
        refund_count: 0,
    };

    let first = last.minus(months.saturating_sub(1));
    let mut rows = Vec::with_capacity(months as usize * all_currencies.len());
    for offset in 0..i64::from(months) {
        let month = Month::from_index(first.index() + offset);
        for currency in &all_currencies {
            let previous = by_key.get(&(month.minus(1), currency.clone())).map(|t| t.net_value).unwrap_or(0.0);
            let totals = by_key.get(&(month, currency.clone())).cloned().unwrap_or_else(empty);
            let growth = growth_pct(totals.net_value, previous);
            rows.push(TrendRow { month, currency: currency.clone(), totals, growth_pct: growth });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(net: i64) -> Totals<i64> {
        Totals { invoiced: net, refunded: 0, net, net_value: net as f64, invoice_count: 1, refund_count: 0 }
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(Month::new(2026, 1).minus(1), Month::new(2025, 12));
        assert_eq!(Month::new(2026, 3).minus(14), Month::new(2025, 1));
        assert_eq!(Month::new(2026, 12).minus(0), Month::new(2026, 12));
        assert_eq!(Month::new(2026, 5).minus(120), Month::new(2016, 5));
    }

    #[test]
    fn growth_is_relative_to_the_absolute_previous_net_and_undefined_from_zero() {
        assert_eq!(growth_pct(300.0, 1100.0), Some(-72.73));
        assert_eq!(growth_pct(150.0, 100.0), Some(50.0));
        // From a loss of 100 to a profit of 50: +150% of the base's size.
        assert_eq!(growth_pct(50.0, -100.0), Some(150.0));
        assert_eq!(growth_pct(10.0, 0.0), None);
        assert_eq!(growth_pct(f64::NAN, 1.0), None);
    }

    #[test]
    fn every_month_is_there_and_gaps_are_zero() {
        let last = Month::new(2026, 2);
        let found = vec![(Month::new(2025, 12), Some("EUR".to_string()), totals(100))];
        let rows = monthly_series(last, 4, &[Some("EUR".to_string())], found, || 0);
        let months: Vec<Month> = rows.iter().map(|row| row.month).collect();
        assert_eq!(months, vec![Month::new(2025, 11), Month::new(2025, 12), Month::new(2026, 1), Month::new(2026, 2)]);
        assert_eq!(rows[0].totals.net, 0);
        assert_eq!(rows[1].totals.net, 100);
        assert_eq!(rows[1].growth_pct, None, "previous month had nothing");
        assert_eq!(rows[2].growth_pct, Some(-100.0));
        assert_eq!(rows[3].growth_pct, None);
    }

    #[test]
    fn the_month_before_the_window_feeds_the_first_growth_figure_only() {
        let last = Month::new(2026, 6);
        let found = vec![
            (Month::new(2026, 4), Some("EUR".to_string()), totals(200)),
            (Month::new(2026, 5), Some("EUR".to_string()), totals(300)),
        ];
        let rows = monthly_series(last, 2, &[], found, || 0);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].month, Month::new(2026, 5));
        assert_eq!(rows[0].growth_pct, Some(50.0));
    }

    #[test]
    fn currencies_get_a_series_each_and_no_currency_gives_one_unnamed_series() {
        let last = Month::new(2026, 6);
        let found = vec![(Month::new(2026, 6), None, totals(5))];
        let rows = monthly_series(last, 2, &[Some("USD".to_string()), Some("EUR".to_string())], found, || 0);
        let keys: Vec<(u8, Option<&str>)> = rows.iter().map(|r| (r.month.month, r.currency.as_deref())).collect();
        assert_eq!(
            keys,
            vec![(5, Some("EUR")), (5, Some("USD")), (5, None), (6, Some("EUR")), (6, Some("USD")), (6, None)]
        );
        let empty = monthly_series::<i64>(last, 3, &[], Vec::new(), || 0);
        assert_eq!(empty.len(), 3);
        assert!(empty.iter().all(|row| row.currency.is_none() && row.totals.net == 0));
    }
}
