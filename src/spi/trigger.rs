//! The trigger call protocol. pgrx's `#[pg_trigger]` wrapper panics (XX000) when its function is called
//! directly (`SELECT odoo_mirror.mark_revenue_stale()`); PostgreSQL's own trigger languages answer 0A000
//! there. `trigger_entry!` exports the symbol the SQL names, checks the call, then hands over to pgrx's
//! wrapper.

use pgrx::prelude::*;

use crate::revenue::marks::Scope;

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
