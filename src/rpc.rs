//! The RPC functions n8n calls through PostgREST (`POST /rest/v1/rpc/<name>`).
//!
//! Thin wrappers: validate the arguments (22023 on bad input), run one query from src/queries/, hand
//! the rows back. They are STABLE, so PostgREST also serves them on GET in a read-only transaction.
//!
//! SECURITY DEFINER, on purpose: n8n_service and service_role get EXECUTE on these functions and no
//! privilege on any table. The functions take only integers, run fixed, schema-qualified queries and
//! have a fixed search_path, so running them as the extension owner exposes nothing beyond their result.

use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::prelude::*;
use pgrx::{AnyNumeric, PgOid};

use pgrx::pg_sys::panic::ErrorReport;

use crate::error::OdooMirrorError;
use crate::params::{P_COMPANY_ID, P_LIMIT, P_MONTHS};
use crate::storage;
use crate::trends::{self, Month, Totals};
use crate::spi_row;

const INT4: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT4OID);

const PENDING_EXPENSES_SQL: &str = include_str!("queries/pending_expenses.sql");
const OVERDUE_TASKS_SQL: &str = include_str!("queries/overdue_tasks.sql");
const REVENUE_TRENDS_SQL: &str = include_str!("queries/revenue_trends.sql");
const REVENUE_SCOPE_SQL: &str = include_str!("queries/revenue_scope.sql");

type PendingExpenseRow = (
    Option<i32>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<AnyNumeric>,
    Option<String>,
    Option<TimestampWithTimeZone>,
    Option<TimestampWithTimeZone>,
    Option<i32>,
    Option<i64>,
    Option<String>,
    Option<f64>,
    Option<String>,
);

/// Expense reports awaiting approval, posting or payment, oldest first, with the highest fraud score
/// among each report's lines and that line's top reason (0.4.0; NULL until a fraud model is active).
/// The two columns come last so that clients reading columns by name or position keep working.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_pending_expenses(
    p_limit: default!(Option<i32>, 20),
) -> Result<
    TableIterator<
        'static,
        (
            name!(sheet_id, Option<i32>),
            name!(sheet_name, Option<String>),
            name!(employee_id, Option<i32>),
            name!(employee_name, Option<String>),
            name!(state, Option<String>),
            name!(awaiting, Option<String>),
            name!(total_amount, Option<AnyNumeric>),
            name!(currency, Option<String>),
            name!(submitted_at, Option<TimestampWithTimeZone>),
            name!(approved_at, Option<TimestampWithTimeZone>),
            name!(days_pending, Option<i32>),
            name!(line_count, Option<i64>),
            name!(payment_state, Option<String>),
            name!(fraud_score, Option<f64>),
            name!(fraud_top_reason, Option<String>),
        ),
    >,
    ErrorReport,
> {
    let limit = P_LIMIT.require(p_limit).map_err(OdooMirrorError::from)?;
    let mut rows: Vec<PendingExpenseRow> = storage::select_prepared(PENDING_EXPENSES_SQL, &[INT4], &[limit.into()], |row| {
        let (a, b, c, d, e, f, g, h, i, j, k, l, m) = spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        Ok((a, b, c, d, e, f, g, h, i, j, k, l, m, None, None))
    })?;
    let sheets: Vec<(Option<i32>, Option<i32>)> = rows.iter().map(|row| (row.0, row.2)).collect();
    let mut fraud = crate::fraud::sheet_fraud(&sheets)?;
    for row in &mut rows {
        if let Some((score, reason)) = row.0.and_then(|sheet_id| fraud.remove(&sheet_id)) {
            row.13 = Some(score);
            row.14 = reason;
        }
    }
    Ok(TableIterator::new(rows))
}

type OverdueTaskRow = (
    Option<i32>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Vec<String>>,
    Option<TimestampWithTimeZone>,
    Option<i32>,
    Option<String>,
    Option<String>,
);

/// Active, open tasks past their deadline, most overdue first.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_overdue_tasks(
    p_limit: default!(Option<i32>, 20),
) -> Result<
    TableIterator<
        'static,
        (
            name!(task_id, Option<i32>),
            name!(task_name, Option<String>),
            name!(project_id, Option<i32>),
            name!(project_name, Option<String>),
            name!(stage_name, Option<String>),
            name!(state, Option<String>),
            name!(assignees, Option<Vec<String>>),
            name!(deadline, Option<TimestampWithTimeZone>),
            name!(days_overdue, Option<i32>),
            name!(priority, Option<String>),
            name!(priority_label, Option<String>),
        ),
    >,
    ErrorReport,
> {
    let limit = P_LIMIT.require(p_limit).map_err(OdooMirrorError::from)?;
    let rows: Vec<OverdueTaskRow> = storage::select_prepared(OVERDUE_TASKS_SQL, &[INT4], &[limit.into()], |row| {
        Ok(spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
    })?;
    Ok(TableIterator::new(rows))
}

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
    let months = P_MONTHS.require(p_months).map_err(OdooMirrorError::from)?;
    let company_id = P_COMPANY_ID.optional(p_company_id).map_err(OdooMirrorError::from)?;
    Ok(TableIterator::new(revenue_trends(months, company_id)?))
}

/// 0.00, with the scale of the other amounts (a bare 0 would render as `0` next to `12.50`).
fn zero_money() -> AnyNumeric {
    AnyNumeric::try_from("0.00").unwrap_or_default()
}

fn revenue_trends(months: i32, company_id: Option<i32>) -> Result<Vec<RevenueTrendRow>, OdooMirrorError> {
    let scope = storage::select_prepared(REVENUE_SCOPE_SQL, &[INT4], &[company_id.into()], |row| {
        Ok((row.get::<Date>(1)?, row.get::<Vec<Option<String>>>(2)?))
    })?;
    let (this_month, currencies) = match scope.into_iter().next() {
        Some((Some(this_month), currencies)) => (this_month, currencies.unwrap_or_default()),
        _ => return Err(OdooMirrorError::NoRows("the current month")),
    };
    // One month more than asked for, so that the first month has a growth figure.
    let found = storage::select_prepared(REVENUE_TRENDS_SQL, &[INT4, INT4], &[months.into(), company_id.into()], |row| {
        let month = row.get::<Date>(1)?.map(|date| Month::new(date.year(), date.month()));
        let currency = row.get::<String>(2)?;
        let totals = Totals {
            invoiced: row.get::<AnyNumeric>(3)?.unwrap_or_default(),
            refunded: row.get::<AnyNumeric>(4)?.unwrap_or_default(),
            net: row.get::<AnyNumeric>(5)?.unwrap_or_default(),
            net_value: row.get::<f64>(6)?.unwrap_or(0.0),
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
            let month = Date::new(row.month.year, row.month.month, 1)
                .map_err(|_| OdooMirrorError::NoRows("a valid month"))?;
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
