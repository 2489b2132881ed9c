//! The revenue functions: `get_revenue_trends` (the n8n RPC, STABLE and SECURITY DEFINER like every
//! RPC: it takes only integers and runs fixed, schema-qualified queries), and
//! `odoo_mirror.mark_revenue_stale()`, the row trigger on account_move that records which invoice
//! dates changed, for the revenue rollup (see src/sql/rollups.sql, which declares it SECURITY DEFINER
//! with a fixed search_path).
//!
//! It never raises on data: a row whose columns cannot be read marks "every date" stale instead, which
//! keeps revenue exact. Only a failing INSERT (out of disk, say) fails the write, as it would anyway.

use std::cell::RefCell;

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::AnyNumeric;

use crate::error::OdooMirrorError;
use crate::params::{P_COMPANY_ID, P_MONTHS};
use crate::revenue::marks::{counts_as_revenue, DateKey, MarkedDates};
use crate::revenue::store;
use crate::revenue::trends::{self, Month, Totals};
use crate::spi::trigger::{column, current_scope};
use crate::spi::{self, INT4};

thread_local! {
    static MARKED: RefCell<MarkedDates> = RefCell::new(MarkedDates::default());
}

/// The invoice date this row contributes revenue on: Ok(None) when it contributes none.
fn revenue_date(
    relid: pg_sys::Oid,
    row: &PgHeapTuple<'_, AllocatedByPostgres>,
) -> Result<Option<Date>, OdooMirrorError> {
    let state = column::<String>(relid, row, "state")?;
    let move_type = column::<String>(relid, row, "move_type")?;
    if !counts_as_revenue(state.as_deref(), move_type.as_deref()) {
        return Ok(None);
    }
    column::<Date>(relid, row, "invoice_date")
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

// The SQL (rollups.sql) names mark_revenue_stale_wrapper: the checked entry below.
crate::trigger_entry!(
    mark_revenue_stale_wrapper,
    pg_finfo_mark_revenue_stale_wrapper,
    "odoo_mirror.mark_revenue_stale()",
    revenue_mark_trigger_wrapper
);

#[pg_trigger(sql = false)]
fn revenue_mark_trigger<'a>(
    trigger: &'a PgTrigger<'a>,
) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, OdooMirrorError> {
    let scope = current_scope();
    let relid = trigger.relid().unwrap_or(pg_sys::InvalidOid);
    for row in [trigger.old(), trigger.new()].into_iter().flatten() {
        let date: Option<DateKey> = match revenue_date(relid, &row) {
            Ok(Some(date)) => Some(Some(date.to_pg_epoch_days())),
            Ok(None) => None,
            // Unreadable: count every date as stale rather than stall the writer.
            Err(_) => Some(None),
        };
        let Some(date) = date else { continue };
        if MARKED.with(|marked| marked.borrow_mut().first_in_scope(scope, date)) {
            if let Err(error) = store::mark_revenue_stale(date, uses_transaction_snapshot()) {
                MARKED.with(|marked| marked.borrow_mut().forget(scope, date));
                return Err(error);
            }
        }
    }
    Ok(None)
}

// get_revenue_trends ------------------------------------------------------------------------------------

const REVENUE_TRENDS_SQL: &str = include_str!("revenue_trends.sql");
const REVENUE_SCOPE_SQL: &str = include_str!("revenue_scope.sql");

type RevenueTrendRow = (
    Option<Date>,
    Option<String>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
);

/// Untaxed revenue per month (company currency), months without revenue included, with growth against
/// the previous month in percent (NULL when the previous month had no net revenue).
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_revenue_trends(
    p_months: default!(Option<i32>, 12),
    p_company_id: default!(Option<i32>, "NULL"),
) -> Result<
    TableIterator<
        'static,
        (
            name!(month, Option<Date>),
            name!(currency, Option<String>),
            name!(invoiced, Option<AnyNumeric>),
            name!(refunded, Option<AnyNumeric>),
            name!(net_revenue, Option<AnyNumeric>),
            name!(invoice_count, Option<i64>),
            name!(refund_count, Option<i64>),
            name!(growth_pct, Option<f64>),
        ),
    >,
    ErrorReport,
> {
    let months = P_MONTHS.require(p_months)?;
    let company_id = P_COMPANY_ID.optional(p_company_id)?;
    Ok(TableIterator::new(revenue_trends(months, company_id)?))
}

/// 0.00, with the scale of the other amounts (a bare 0 would render as `0` next to `12.50`).
fn zero_money() -> AnyNumeric {
    AnyNumeric::try_from("0.00").unwrap_or_default()
}

fn revenue_trends(months: i32, company_id: Option<i32>) -> Result<Vec<RevenueTrendRow>, OdooMirrorError> {
    let scope = spi::select_prepared(REVENUE_SCOPE_SQL, &[INT4], &[company_id.into()], |row| {
        Ok((row.get::<Date>(1)?, row.get::<Vec<Option<String>>>(2)?))
    })?;
    let (this_month, currencies) = match scope.into_iter().next() {
        Some((Some(this_month), currencies)) => (this_month, currencies.unwrap_or_default()),
        _ => return Err(OdooMirrorError::NoRows("the current month")),
    };
    // One month more than asked for, so that the first month has a growth figure.
    let found = spi::select_prepared(REVENUE_TRENDS_SQL, &[INT4, INT4], &[months.into(), company_id.into()], |row| {
        let month = row.get::<Date>(1)?.map(|date| Month::new(date.year(), date.month()));
        let currency = row.get::<String>(2)?;
        let totals = Totals {
            invoiced: row.get::<AnyNumeric>(3)?.unwrap_or_default(),
            refunded: row.get::<AnyNumeric>(4)?.unwrap_or_default(),
            net: row.get::<AnyNumeric>(5)?.unwrap_or_default(),
            // NULL when the net is beyond double precision: no growth figure rather than a wrong one.
            net_value: row.get::<f64>(6)?.unwrap_or(f64::NAN),
            invoice_count: row.get::<i64>(7)?.unwrap_or(0),
            refund_count: row.get::<i64>(8)?.unwrap_or(0),
        };
        Ok(month.map(|month| (month, currency, totals)))
    })?;
    let found = found.into_iter().flatten().collect();
    let last = Month::new(this_month.year(), this_month.month());
    let series = trends::monthly_series(last, months.unsigned_abs(), &currencies, found, zero_money);
    series
        .into_iter()
        .map(|row| {
            let month =
                Date::new(row.month.year, row.month.month, 1).map_err(|_| OdooMirrorError::NoRows("a valid month"))?;
            Ok((
                Some(month),
                row.currency,
                Some(row.totals.invoiced),
                Some(row.totals.refunded),
                Some(row.totals.net),
                Some(row.totals.invoice_count),
                Some(row.totals.refund_count),
                row.growth_pct,
            ))
        })
        .collect()
}
