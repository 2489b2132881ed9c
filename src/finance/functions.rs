//! Thin wrappers: validate the arguments (22023 on bad input), run one kept statement, hand the rows
//! back. STABLE, so PostgREST serves them on GET; SECURITY DEFINER like the other RPCs, so callers need
//! EXECUTE only (granted to n8n_service, service_role and superset_readonly; anon and authenticated get
//! nothing, 42501).

use pgrx::datum::Date;
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::AnyNumeric;

use crate::error::OdooMirrorError;
use crate::params::{P_AGING_AS_OF, P_COMPANY_ID, P_LIMIT};
use crate::spi::datum::as_of_days;
use crate::spi::{self, DATE, INT4};
use crate::spi_row;

const AGING_SQL: &str = include_str!("aging.sql");
const COLLECTIONS_WORKLIST_SQL: &str = include_str!("collections_worklist.sql");
const CONTEXT_SQL: &str = "SELECT (CURRENT_DATE - DATE '2000-01-01'), \
     ($1::integer IS NULL OR EXISTS (SELECT FROM odoo_mirror.res_company AS c WHERE c.id = $1))";

/// Today (days since 2000-01-01) and whether the company filter names a mirrored company (22023 if not).
fn today_checking_company(company_id: Option<i32>) -> Result<i32, OdooMirrorError> {
    let rows: Vec<(Option<i32>, Option<bool>)> =
        spi::select_prepared(CONTEXT_SQL, &[INT4], &[company_id.into()], |row| Ok(spi_row!(row; 1, 2)))?;
    let Some((Some(today), Some(known))) = rows.into_iter().next() else {
        return Err(OdooMirrorError::NoRows("the current date"));
    };
    if !known {
        if let Some(id) = company_id {
            return Err(P_COMPANY_ID.unknown(id, "res_company").into());
        }
    }
    Ok(today)
}

type AgingRow = (
    Option<Date>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<i64>,
    Option<Date>,
);

/// Receivables and payables per partner and company by days past due as of `p_as_of` (today or a past
/// date): the items posted by then, less what was reconciled by then. The same rows as v_aging for today.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_aging(
    p_as_of: default!(Option<Date>, "CURRENT_DATE"),
    p_company_id: default!(Option<i32>, "NULL"),
) -> Result<
    TableIterator<
        'static,
        (
            name!(as_of_date, Option<Date>),
            name!(account_kind, Option<String>),
            name!(company_id, Option<i32>),
            name!(company_name, Option<String>),
            name!(partner_id, Option<i32>),
            name!(partner_name, Option<String>),
            name!(company_currency, Option<String>),
            name!(not_due, Option<AnyNumeric>),
            name!(overdue_1_30, Option<AnyNumeric>),
            name!(overdue_31_60, Option<AnyNumeric>),
            name!(overdue_61_90, Option<AnyNumeric>),
            name!(overdue_91_120, Option<AnyNumeric>),
            name!(overdue_over_120, Option<AnyNumeric>),
            name!(total_open, Option<AnyNumeric>),
            name!(open_items, Option<i64>),
            name!(oldest_due_date, Option<Date>),
        ),
    >,
    ErrorReport,
> {
    let company_id = P_COMPANY_ID.optional(p_company_id)?;
    if p_as_of.is_none() {
        return Err(OdooMirrorError::from(P_AGING_AS_OF.invalid("NULL")).into());
    }
    let today = today_checking_company(company_id)?;
    let as_of = as_of_days(P_AGING_AS_OF, p_as_of, today)?.map(Date::saturating_from_raw);
    let rows: Vec<AgingRow> =
        spi::select_prepared(AGING_SQL, &[DATE, INT4], &[as_of.into(), company_id.into()], |row| {
            Ok(spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16))
        })?;
    Ok(TableIterator::new(rows))
}

type WorklistRow = (
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<AnyNumeric>,
    Option<AnyNumeric>,
    Option<i64>,
    Option<Date>,
    Option<i32>,
    Option<f64>,
    Option<Date>,
    Option<f64>,
);

/// Customers with overdue receivables to chase, the largest amount-days overdue first.
#[pg_extern(stable, parallel_safe, security_definer)]
#[search_path(pg_catalog, pg_temp)]
fn get_collections_worklist(
    p_limit: default!(Option<i32>, 20),
    p_company_id: default!(Option<i32>, "NULL"),
) -> Result<
    TableIterator<
        'static,
        (
            name!(partner_id, Option<i32>),
            name!(partner_name, Option<String>),
            name!(partner_email, Option<String>),
            name!(partner_phone, Option<String>),
            name!(company_id, Option<i32>),
            name!(company_name, Option<String>),
            name!(company_currency, Option<String>),
            name!(overdue_amount, Option<AnyNumeric>),
            name!(total_open, Option<AnyNumeric>),
            name!(overdue_items, Option<i64>),
            name!(oldest_due_date, Option<Date>),
            name!(days_overdue, Option<i32>),
            name!(usual_payment_delay_days, Option<f64>),
            name!(last_payment_date, Option<Date>),
            name!(churn_score, Option<f64>),
        ),
    >,
    ErrorReport,
> {
    let limit = P_LIMIT.require(p_limit)?;
    let company_id = P_COMPANY_ID.optional(p_company_id)?;
    today_checking_company(company_id)?;
    let rows: Vec<WorklistRow> =
        spi::select_prepared(COLLECTIONS_WORKLIST_SQL, &[INT4, INT4], &[limit.into(), company_id.into()], |row| {
            Ok(spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
        })?;
    Ok(TableIterator::new(rows))
}
