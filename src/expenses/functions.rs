//! `get_pending_expenses`, the expense RPC n8n calls through PostgREST (`POST /rest/v1/rpc/<name>`).
//!
//! Thin wrappers: validate the arguments (22023 on bad input), run one query, hand the rows back. They
//! are STABLE, so PostgREST also serves them on GET in a read-only transaction.
//!
//! SECURITY DEFINER, on purpose: n8n_service and service_role get EXECUTE on these functions and no
//! privilege on any table. The functions take only integers, run fixed, schema-qualified queries and
//! have a fixed search_path, so running them as the extension owner exposes nothing beyond their result.

use pgrx::datum::TimestampWithTimeZone;
use pgrx::prelude::*;
use pgrx::AnyNumeric;

use pgrx::pg_sys::panic::ErrorReport;

use crate::ml::fraud::sheet_fraud;
use crate::params::P_LIMIT;
use crate::spi::{self, INT4};
use crate::spi_row;

const PENDING_EXPENSES_SQL: &str = include_str!("pending_expenses.sql");

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
    let limit = P_LIMIT.require(p_limit)?;
    let mut rows: Vec<PendingExpenseRow> =
        spi::select_prepared(PENDING_EXPENSES_SQL, &[INT4], &[limit.into()], |row| {
            let (a, b, c, d, e, f, g, h, i, j, k, l, m) = spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
            Ok((a, b, c, d, e, f, g, h, i, j, k, l, m, None, None))
        })?;
    let sheets: Vec<(Option<i32>, Option<i32>)> = rows.iter().map(|row| (row.0, row.2)).collect();
    let mut fraud = sheet_fraud(&sheets)?;
    for row in &mut rows {
        if let Some((score, reason)) = row.0.and_then(|sheet_id| fraud.remove(&sheet_id)) {
            row.13 = Some(score);
            row.14 = reason;
        }
    }
    Ok(TableIterator::new(rows))
}
