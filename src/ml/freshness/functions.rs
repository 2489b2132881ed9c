//! `odoo_mirror.mark_predictions_stale()`: the row trigger on account_move (churn), hr_expense and
//! hr_expense_sheet (fraud) that records whose stored predictions a write made stale (see
//! src/sql/freshness.sql, which declares it SECURITY DEFINER with a fixed search_path).
//!
//! It never raises on data: a row whose columns cannot be read marks everyone stale instead, which
//! keeps readers exact. Each key is marked once per (sub)transaction, so a bulk load pays one INSERT
//! per customer or employee, not per row.

use std::cell::RefCell;

use pgrx::prelude::*;

use crate::error::OdooMirrorError;
use crate::ml::freshness::store::{self, Kind};
use crate::revenue::marks::{counts_as_revenue, MarkedKeys};
use crate::spi::trigger::{column, current_scope};

thread_local! {
    static MARKED: RefCell<MarkedKeys<(Kind, Option<i32>)>> = RefCell::new(MarkedKeys::default());
}

/// Forgets the keys marked in this backend's transaction: a refresh calls it after taking the marks,
/// so that later rows of the same transaction mark them again.
pub fn forget_marks() {
    MARKED.with(|marked| *marked.borrow_mut() = MarkedKeys::default());
}

/// The customer whose churn features this account_move row feeds (Ok(None): it feeds none).
fn churn_key(relid: pg_sys::Oid, row: &PgHeapTuple<'_, AllocatedByPostgres>) -> Result<Option<i32>, OdooMirrorError> {
    let state = column::<String>(relid, row, "state")?;
    let move_type = column::<String>(relid, row, "move_type")?;
    if !counts_as_revenue(state.as_deref(), move_type.as_deref()) {
        return Ok(None);
    }
    Ok(column::<i32>(relid, row, "commercial_partner_id")?.or(column::<i32>(relid, row, "partner_id")?))
}

// The SQL (freshness.sql) names mark_predictions_stale_wrapper: the checked entry below.
crate::trigger_entry!(
    mark_predictions_stale_wrapper,
    pg_finfo_mark_predictions_stale_wrapper,
    "odoo_mirror.mark_predictions_stale()",
    predictions_mark_trigger_wrapper
);

#[pg_trigger(sql = false)]
fn predictions_mark_trigger<'a>(
    trigger: &'a PgTrigger<'a>,
) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, OdooMirrorError> {
    // The trigger's name says its table (churn_stale_* on account_move, fraud_stale_* on the expense
    // tables): cheaper than looking the table up per row.
    let kind = if trigger.name().is_ok_and(|name| name.starts_with("churn")) { Kind::Churn } else { Kind::Fraud };
    let scope = current_scope();
    let relid = trigger.relid().unwrap_or(pg_sys::InvalidOid);
    let mut keys: Vec<Option<i32>> = Vec::with_capacity(2);
    if matches!(trigger.op(), Ok(pgrx::PgTriggerOperation::Truncate)) {
        keys.push(None);
    }
    for row in [trigger.old(), trigger.new()].into_iter().flatten() {
        let key = match kind {
            Kind::Churn => churn_key(relid, &row),
            // An expense or a report: its employee (a report's lines are its employee's).
            Kind::Fraud => column::<i32>(relid, &row, "employee_id"),
        };
        match key {
            Ok(Some(key)) => keys.push(Some(key)),
            Ok(None) => {}
            // Unreadable: everyone is stale rather than the writer stalled.
            Err(_) => keys.push(None),
        }
    }
    for key in keys {
        if MARKED.with(|marked| marked.borrow_mut().first_in_scope(scope, (kind, key))) {
            if let Err(error) = store::mark(kind, key) {
                MARKED.with(|marked| marked.borrow_mut().forget(scope, (kind, key)));
                return Err(error);
            }
        }
    }
    Ok(None)
}
