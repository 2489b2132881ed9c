//! The trigger call protocol. pgrx's `#[pg_trigger]` wrapper panics (XX000) when its function is called
//! directly (`SELECT odoo_mirror.mark_revenue_stale()`); PostgreSQL's own trigger languages answer 0A000
//! there. `trigger_entry!` exports the symbol the SQL names, checks the call, then hands over to pgrx's
//! wrapper.

use std::cell::RefCell;
use std::collections::HashMap;
use std::num::NonZeroUsize;

use pgrx::prelude::*;

use crate::error::OdooMirrorError;
use crate::revenue::marks::Scope;

thread_local! {
    /// The attribute numbers of the columns the triggers read, per table: a mirror table has a hundred
    /// columns, and finding one by name per row cost more than the rest of the trigger.
    static COLUMNS: RefCell<HashMap<(pg_sys::Oid, &'static str), NonZeroUsize>> = RefCell::new(HashMap::new());
}

/// Whether `attribute` is the live column `name` (compared as bytes: no conversion per row).
fn is_column(attribute: &pg_sys::FormData_pg_attribute, name: &str) -> bool {
    let bytes = name.as_bytes();
    let stored = &attribute.attname.data;
    !attribute.attisdropped
        && bytes.len() < stored.len()
        && stored[bytes.len()] == 0
        && stored.iter().zip(bytes).all(|(&stored, &byte)| stored as u8 == byte)
}

/// Column `name` of a trigger's `row` of the table `relid`, through its attribute number resolved
/// once per backend. The number is checked against the name at each use, so a column dropped,
/// renamed or added again since is looked up anew.
pub fn column<'tup, T>(
    relid: pg_sys::Oid,
    row: &'tup PgHeapTuple<'_, AllocatedByPostgres>,
    name: &'static str,
) -> Result<Option<T>, OdooMirrorError>
where
    T: FromDatum + IntoDatum + pgrx::datum::UnboxDatum<As<'tup> = T> + 'tup,
{
    let cached = COLUMNS.with(|columns| columns.borrow().get(&(relid, name)).copied());
    let index = match cached.filter(|&index| row.get_attribute_by_index(index).is_some_and(|a| is_column(a, name))) {
        Some(index) => index,
        None => {
            let index = row
                .attributes()
                .find(|(_, attribute)| is_column(attribute, name))
                .map(|(index, _)| index)
                .ok_or_else(|| OdooMirrorError::Trigger(format!("the table has no column {name}")))?;
            COLUMNS.with(|columns| columns.borrow_mut().insert((relid, name), index));
            index
        }
    };
    row.get_by_index::<T>(index).map_err(|error| OdooMirrorError::Trigger(error.to_string()))
}

/// The current (sub)transaction, or None before it has a transaction id: what a trigger's memory of
/// the keys it marked is valid for.
pub fn current_scope() -> Option<Scope> {
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

/// Raises 0A000 unless PostgreSQL's trigger manager made this call.
///
/// # Safety
/// `fcinfo` must be the call's own FunctionCallInfo.
pub unsafe fn require_trigger_call(fcinfo: pg_sys::FunctionCallInfo, sql_name: &str) {
    if !unsafe { pgrx::trigger_support::called_as_trigger(fcinfo) } {
        pgrx::ereport!(
            ERROR,
            PgSqlErrorCode::ERRCODE_FEATURE_NOT_SUPPORTED,
            format!("{sql_name} is a trigger function: it can only be called as a trigger")
        );
    }
}

/// `trigger_entry!(symbol, pg_finfo_symbol, "odoo_mirror.name()", pgrx_wrapper)`: the C entry point
/// `symbol` (what CREATE FUNCTION ... AS 'MODULE_PATHNAME', 'symbol' names) for the `#[pg_trigger]`
/// whose generated wrapper is `pgrx_wrapper`.
#[macro_export]
macro_rules! trigger_entry {
    ($symbol:ident, $finfo:ident, $sql_name:literal, $pgrx_wrapper:path) => {
        #[unsafe(no_mangle)]
        #[doc(hidden)]
        pub extern "C" fn $finfo() -> &'static pgrx::pg_sys::Pg_finfo_record {
            const V1_API: pgrx::pg_sys::Pg_finfo_record = pgrx::pg_sys::Pg_finfo_record { api_version: 1 };
            &V1_API
        }

        #[unsafe(no_mangle)]
        #[doc(hidden)]
        pub unsafe extern "C-unwind" fn $symbol(fcinfo: pgrx::pg_sys::FunctionCallInfo) -> pgrx::pg_sys::Datum {
            let sql_name: &str = $sql_name;
            let pgrx_wrapper: unsafe extern "C-unwind" fn(pgrx::pg_sys::FunctionCallInfo) -> pgrx::pg_sys::Datum =
                $pgrx_wrapper;
            // SAFETY: fcinfo is this call's, handed over unchanged. The check runs under its own guard
            // (its error becomes a PostgreSQL ERROR); pgrx's wrapper, guarded itself, runs at top level
            // (guards are not nested).
            unsafe {
                pgrx::pg_sys::submodules::panic::pgrx_extern_c_guard(|| {
                    $crate::spi::trigger::require_trigger_call(fcinfo, sql_name)
                });
                pgrx_wrapper(fcinfo)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str, dropped: bool) -> pg_sys::FormData_pg_attribute {
        // SAFETY: a plain C struct of integers, booleans and a char array: all zeroes is a valid value.
        let mut attribute: pg_sys::FormData_pg_attribute = unsafe { std::mem::zeroed() };
        for (slot, byte) in attribute.attname.data.iter_mut().zip(name.bytes()) {
            *slot = byte as std::ffi::c_char;
        }
        attribute.attisdropped = dropped;
        attribute
    }

    #[test]
    fn a_column_is_recognised_by_its_whole_name_and_only_while_live() {
        assert!(is_column(&attribute("state", false), "state"));
        assert!(!is_column(&attribute("state", true), "state"), "a dropped column");
        assert!(!is_column(&attribute("state_x", false), "state"), "a longer name");
        assert!(!is_column(&attribute("stat", false), "state"), "a shorter name");
        assert!(!is_column(&attribute("move_type", false), "state"));
        let longest = "x".repeat(63);
        assert!(is_column(&attribute(&longest, false), &longest));
        assert!(!is_column(&attribute(&longest, false), &"x".repeat(64)), "longer than a name can be");
    }
}
