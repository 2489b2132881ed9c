//! `odoo_mirror.mark_revenue_stale()`: the row trigger on account_move that records which invoice
//! dates changed, for the revenue rollup (see src/sql/rollups.sql, which declares it SECURITY DEFINER
//! with a fixed search_path).
//!
//! It never raises on data: a row whose columns cannot be read marks "every date" stale instead, which
//! keeps revenue exact. Only a failing INSERT (out of disk, say) fails the write, as it would anyway.

use std::cell::RefCell;

use pgrx::datum::Date;
use pgrx::prelude::*;

use crate::error::OdooMirrorError;
use crate::rollup_marks::{counts_as_revenue, DateKey, MarkedDates, Scope};
use crate::storage;

thread_local! {
    static MARKED: RefCell<MarkedDates> = RefCell::new(MarkedDates::default());
}

/// The current (sub)transaction, or None before it has a transaction id.
fn current_scope() -> Option<Scope> {
    // SAFETY: plain reads of the backend's transaction state, valid inside any trigger call.
    let (top_xid, started, subxid) = unsafe {
        (
            pg_sys::GetTopTransactionIdIfAny(),
            pg_sys::GetCurrentTransactionStartTimestamp(),
            pg_sys::GetCurrentSubTransactionId(),
        )
    };
    let top_xid = top_xid.into_inner();
    (top_xid != 0).then_some((top_xid, started, subxid))
}

/// The invoice date this row contributes revenue on: Ok(None) when it contributes none.
fn revenue_date(row: &PgHeapTuple<'_, AllocatedByPostgres>) -> Result<Option<Date>, OdooMirrorError> {
    let state = row.get_by_name::<String>("state").map_err(|e| OdooMirrorError::Trigger(e.to_string()))?;
    let move_type = row.get_by_name::<String>("move_type").map_err(|e| OdooMirrorError::Trigger(e.to_string()))?;
    if !counts_as_revenue(state.as_deref(), move_type.as_deref()) {
        return Ok(None);
    }
    row.get_by_name::<Date>("invoice_date").map_err(|e| OdooMirrorError::Trigger(e.to_string()))
}

/// Whether the transaction reads through one snapshot (REPEATABLE READ, SERIALIZABLE): then a mark
/// it sees may already have been folded and deleted by a refresh that committed since.
fn uses_transaction_snapshot() -> bool {
    // SAFETY: a plain read of the backend's isolation level.
    unsafe { pg_sys::XactIsoLevel >= pg_sys::XACT_REPEATABLE_READ as i32 }
}

/// Forgets the dates marked in this backend's transaction: refresh_revenue_rollup() and the TRUNCATE
/// trigger call it after deleting marks, so that later rows of the same transaction mark them again.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn forget_revenue_marks() {
    MARKED.with(|marked| *marked.borrow_mut() = MarkedDates::default());
}

#[pg_trigger(sql = false)]
fn mark_revenue_stale<'a>(
    trigger: &'a PgTrigger<'a>,
) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, OdooMirrorError> {
    let scope = current_scope();
    for row in [trigger.old(), trigger.new()].into_iter().flatten() {
        let date: Option<DateKey> = match revenue_date(&row) {
            Ok(Some(date)) => Some(Some(date.to_pg_epoch_days())),
            Ok(None) => None,
            // Unreadable: count every date as stale rather than stall the writer.
            Err(_) => Some(None),
        };
        let Some(date) = date else { continue };
        if MARKED.with(|marked| marked.borrow_mut().first_in_scope(scope, date)) {
            if let Err(error) = storage::mark_revenue_stale(date, uses_transaction_snapshot()) {
                MARKED.with(|marked| marked.borrow_mut().forget(scope, date));
                return Err(error);
            }
        }
    }
    Ok(None)
}
