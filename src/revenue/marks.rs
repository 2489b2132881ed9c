//! Which writes to account_move make an invoice date stale in the revenue rollup, and a per-backend
//! memory of the keys (revenue dates; customers and employees whose predictions are stale) already
//! marked in the current (sub)transaction. Pure Rust.
//!
//! The memory is what keeps bulk loads cheap: a replication's initial copy inserts a million invoices
//! in one transaction over a few thousand dates, and only the first row of each date needs the SPI
//! round trip. It is trusted only within the exact (sub)transaction that recorded it, since a rolled
//! back savepoint takes its marks with it.

use std::collections::HashSet;
use std::hash::Hash;

/// Whether a row with this state and move type counts in revenue (posted customer invoices and refunds).
pub fn counts_as_revenue(state: Option<&str>, move_type: Option<&str>) -> bool {
    state == Some("posted") && matches!(move_type, Some("out_invoice") | Some("out_refund"))
}

/// A (sub)transaction: top-level transaction id, its start time, and the subtransaction id.
pub type Scope = (u32, i64, u32);

/// A date to mark stale: days since 2000-01-01, or None for a change whose date could not be read
/// (every date then counts as stale until the next refresh).
pub type DateKey = Option<i32>;

/// The keys marked in one (sub)transaction.
#[derive(Debug)]
pub struct MarkedKeys<K> {
    scope: Option<Scope>,
    dates: HashSet<K>,
}

impl<K> Default for MarkedKeys<K> {
    fn default() -> Self {
        Self { scope: None, dates: HashSet::new() }
    }
}

/// The revenue rollup's marks.
pub type MarkedDates = MarkedKeys<DateKey>;

impl<K: Hash + Eq> MarkedKeys<K> {
    /// True when `date` still has to be marked in `scope`, and remembers that it now is. Without a
    /// scope (no transaction id yet) nothing is remembered and every call says true.
    pub fn first_in_scope(&mut self, scope: Option<Scope>, date: K) -> bool {
        let Some(scope) = scope else {
            return true;
        };
        if self.scope != Some(scope) {
            self.scope = Some(scope);
            self.dates.clear();
        }
        self.dates.insert(date)
    }

    /// Forgets `date` in `scope`, when marking it failed.
    pub fn forget(&mut self, scope: Option<Scope>, date: K) {
        if scope.is_some() && self.scope == scope {
            self.dates.remove(&date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_posted_customer_invoices_and_refunds_count() {
        assert!(counts_as_revenue(Some("posted"), Some("out_invoice")));
        assert!(counts_as_revenue(Some("posted"), Some("out_refund")));
        assert!(!counts_as_revenue(Some("draft"), Some("out_invoice")));
        assert!(!counts_as_revenue(Some("posted"), Some("in_invoice")));
        assert!(!counts_as_revenue(Some("posted"), Some("entry")));
        assert!(!counts_as_revenue(None, Some("out_invoice")));
        assert!(!counts_as_revenue(Some("posted"), None));
    }

    #[test]
    fn a_date_is_marked_once_per_scope() {
        let mut marked = MarkedDates::default();
        let scope = Some((100, 1, 1));
        assert!(marked.first_in_scope(scope, Some(9000)));
        assert!(!marked.first_in_scope(scope, Some(9000)));
        assert!(marked.first_in_scope(scope, Some(9001)));
        assert!(marked.first_in_scope(scope, None));
        assert!(!marked.first_in_scope(scope, None));
    }

    #[test]
    fn another_transaction_or_subtransaction_starts_afresh() {
        let mut marked = MarkedDates::default();
        assert!(marked.first_in_scope(Some((100, 1, 1)), Some(9000)));
        // A savepoint: its marks may be rolled back, so the parent's are not reused inside it...
        assert!(marked.first_in_scope(Some((100, 1, 2)), Some(9000)));
        // ...and back in the parent, nothing is trusted either.
        assert!(marked.first_in_scope(Some((100, 1, 1)), Some(9000)));
        assert!(marked.first_in_scope(Some((101, 2, 1)), Some(9000)));
    }

    #[test]
    fn without_a_scope_nothing_is_remembered() {
        let mut marked = MarkedDates::default();
        assert!(marked.first_in_scope(None, Some(1)));
        assert!(marked.first_in_scope(None, Some(1)));
    }

    #[test]
    fn a_failed_mark_is_forgotten() {
        let mut marked = MarkedDates::default();
        let scope = Some((7, 1, 1));
        assert!(marked.first_in_scope(scope, Some(5)));
        marked.forget(scope, Some(5));
        assert!(marked.first_in_scope(scope, Some(5)));
    }
}
