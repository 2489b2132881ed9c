//! The revenue rollup's statements: marking invoice dates stale (for the row trigger). The rollup
//! itself (refresh, views) is SQL in src/sql/rollups.sql.

use crate::error::OdooMirrorError;
use crate::spi;

const MARK_DATE_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT $1 \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date = $1)";
/// Under REPEATABLE READ or SERIALIZABLE the existing-mark check could see a mark a refresh has
/// deleted since the snapshot: mark unconditionally (a duplicate mark is harmless).
const MARK_DATE_ALWAYS_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) VALUES ($1)";
const MARK_UNKNOWN_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT NULL \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date IS NULL)";

/// Records that revenue on `date` (days since 2000-01-01; None: an unknown date) changed.
pub fn mark_revenue_stale(date: Option<i32>, transaction_snapshot: bool) -> Result<(), OdooMirrorError> {
    match date {
        Some(days) => {
            let mark_date_sql = if transaction_snapshot { MARK_DATE_ALWAYS_SQL } else { MARK_DATE_SQL };
            let date = pgrx::datum::Date::saturating_from_raw(days);
            spi::execute_prepared(mark_date_sql, &[spi::DATE], &[date.into()])?;
        }
        None => {
            spi::execute_prepared(MARK_UNKNOWN_SQL, &[], &[])?;
        }
    }
    Ok(())
}
