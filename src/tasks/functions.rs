//! `get_overdue_tasks`, the project RPC n8n calls through PostgREST (`POST /rest/v1/rpc/<name>`).
//!
//! Thin wrappers: validate the arguments (22023 on bad input), run one query, hand the rows back. They
//! are STABLE, so PostgREST also serves them on GET in a read-only transaction.
//!
//! SECURITY DEFINER, on purpose: n8n_service and service_role get EXECUTE on these functions and no
//! privilege on any table. The functions take only integers, run fixed, schema-qualified queries and
//! have a fixed search_path, so running them as the extension owner exposes nothing beyond their result.

use pgrx::datum::TimestampWithTimeZone;
use pgrx::prelude::*;

use pgrx::pg_sys::panic::ErrorReport;

use crate::params::P_LIMIT;
use crate::spi::{self, INT4};
use crate::spi_row;

const OVERDUE_TASKS_SQL: &str = include_str!("overdue_tasks.sql");

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
    let limit = P_LIMIT.require(p_limit)?;
    let rows: Vec<OverdueTaskRow> = spi::select_prepared(OVERDUE_TASKS_SQL, &[INT4], &[limit.into()], |row| {
        Ok(spi_row!(row; 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
    })?;
    Ok(TableIterator::new(rows))
}
