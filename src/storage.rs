//! The SPI layer: the only module that runs SQL. Every statement is schema-qualified, because the
//! functions run with `search_path = pg_catalog, pg_temp` (and under a replication apply worker the
//! search_path is empty).

use pgrx::datum::DatumWithOid;
use pgrx::spi::{OwnedPreparedStatement, SpiClient, SpiHeapTupleData, SpiResult, SpiTupleTable};
use pgrx::prelude::*;
use pgrx::PgOid;

use crate::error::OdooMirrorError;

/// The columns of an SPI row as a tuple, by 1-based ordinal: `spi_row!(row; 1, 2, 3)`.
#[macro_export]
macro_rules! spi_row {
    ($row:expr; $($ordinal:literal),+ $(,)?) => {
        ( $( $row.get($ordinal)? ),+ )
    };
}

/// Maps every row of a result.
fn collect_rows<T>(
    table: SpiTupleTable<'_>,
    mut map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    let mut rows = Vec::with_capacity(table.len());
    for row in table {
        rows.push(map_row(&row)?);
    }
    Ok(rows)
}

/// Runs a read-only query and maps each row.
pub fn select_rows<T>(
    query: &str,
    args: &[DatumWithOid<'_>],
    map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    Spi::connect(|client| collect_rows(client.select(query, None, args)?, map_row))
}

thread_local! {
    /// The extension's own statements, planned once per backend: for the RPCs planning costs as much
    /// as running them, and the rollup trigger runs one per changed date. PostgreSQL re-plans a kept
    /// statement by itself when a table it reads changes.
    // ManuallyDrop: a kept plan must not be freed by a thread-local destructor at process exit, after
    // PostgreSQL has torn its memory down; it lives as long as the backend anyway.
    static PREPARED: std::cell::RefCell<std::collections::HashMap<&'static str, std::mem::ManuallyDrop<OwnedPreparedStatement>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The kept statement for `query`, prepared on first use (`mutating` for INSERT/UPDATE/DELETE).
fn with_prepared<'conn, R>(
    client: &mut SpiClient<'conn>,
    query: &'static str,
    arg_types: &[PgOid],
    mutating: bool,
    run: impl FnOnce(&mut SpiClient<'conn>, &OwnedPreparedStatement) -> Result<R, OdooMirrorError>,
) -> Result<R, OdooMirrorError> {
    PREPARED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(query) {
            let statement = if mutating {
                client.prepare_mut(query, arg_types)?.keep()
            } else {
                client.prepare(query, arg_types)?.keep()
            };
            cache.insert(query, std::mem::ManuallyDrop::new(statement));
        }
        match cache.get(query) {
            Some(statement) => run(client, statement),
            None => Err(OdooMirrorError::NoRows("a statement just prepared")),
        }
    })
}

/// Runs one of the extension's own read-only queries through its kept statement.
pub fn select_prepared<T>(
    query: &'static str,
    arg_types: &[PgOid],
    args: &[DatumWithOid<'_>],
    map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    Spi::connect_mut(|client| {
        with_prepared(client, query, arg_types, false, |client, statement| {
            collect_rows(client.select(statement, None, args)?, map_row)
        })
    })
}

/// Runs a query returning one value (NULL and "no row" both give None).
pub fn select_value<T: FromDatum + IntoDatum>(
    query: &str,
    args: &[DatumWithOid<'_>],
) -> Result<Option<T>, OdooMirrorError> {
    Spi::connect(|client| {
        let table = client.select(query, Some(1), args)?;
        if table.is_empty() {
            return Ok(None);
        }
        Ok(table.first().get_one::<T>()?)
    })
}

/// Runs a query returning a list of text values from its first column.
pub fn select_names(query: &str, args: &[DatumWithOid<'_>]) -> Result<Vec<String>, OdooMirrorError> {
    let names = select_rows(query, args, |row| row.get::<String>(1))?;
    Ok(names.into_iter().flatten().collect())
}

const MARK_DATE_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT $1 \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date = $1)";
/// Under REPEATABLE READ or SERIALIZABLE the existing-mark check could see a mark a refresh has
/// deleted since the snapshot: mark unconditionally (a duplicate mark is harmless).
const MARK_DATE_ALWAYS_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) VALUES ($1)";
const MARK_UNKNOWN_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT NULL \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date IS NULL)";

/// Records that revenue on `date` (days since 2000-01-01; None: an unknown date) changed.
pub fn mark_revenue_stale(date: Option<i32>, transaction_snapshot: bool) -> Result<(), OdooMirrorError> {
    let mark_date_sql = if transaction_snapshot { MARK_DATE_ALWAYS_SQL } else { MARK_DATE_SQL };
    Spi::connect_mut(|client| match date {
        Some(days) => {
            let date = pgrx::datum::Date::saturating_from_raw(days);
            with_prepared(client, mark_date_sql, &[PgOid::from(pg_sys::DATEOID)], true, |client, statement| {
                client.update(statement, None, &[date.into()])?;
                Ok(())
            })
        }
        None => with_prepared(client, MARK_UNKNOWN_SQL, &[], true, |client, statement| {
            client.update(statement, None, &[])?;
            Ok(())
        }),
    })
}
