//! The SPI layer: the only module that runs SQL. Every statement is schema-qualified, because the
//! functions run with `search_path = pg_catalog, pg_temp` (and under a replication apply worker the
//! search_path is empty).

use pgrx::datum::DatumWithOid;
use pgrx::spi::{SpiHeapTupleData, SpiResult};
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

/// Runs a read-only query and maps each row.
pub fn select_rows<T>(
    query: &str,
    args: &[DatumWithOid<'_>],
    mut map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    Spi::connect(|client| {
        let table = client.select(query, None, args)?;
        let mut rows = Vec::with_capacity(table.len());
        for row in table {
            rows.push(map_row(&row)?);
        }
        Ok(rows)
    })
}

thread_local! {
    /// The RPCs' statements, planned once per backend: planning costs as much as running them.
    static PREPARED: std::cell::RefCell<std::collections::HashMap<&'static str, pgrx::spi::OwnedPreparedStatement>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs one of the extension's own read-only queries through a statement prepared once per backend
/// (PostgreSQL re-plans it by itself when a table it reads changes).
pub fn select_prepared<T>(
    query: &'static str,
    arg_types: &[PgOid],
    args: &[DatumWithOid<'_>],
    mut map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    Spi::connect(|client| {
        PREPARED.with(|cache| {
            let mut cache = cache.borrow_mut();
            if !cache.contains_key(query) {
                let statement = client.prepare(query, arg_types)?.keep();
                cache.insert(query, statement);
            }
            let statement = cache.get(query).ok_or(OdooMirrorError::NoRows("a prepared statement"))?;
            let table = client.select(statement, None, args)?;
            let mut rows = Vec::with_capacity(table.len());
            for row in table {
                rows.push(map_row(&row)?);
            }
            Ok(rows)
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

thread_local! {
    /// The statements the rollup trigger runs, prepared once per backend.
    static MARK_DATE: std::cell::OnceCell<pgrx::spi::OwnedPreparedStatement> = const { std::cell::OnceCell::new() };
    static MARK_UNKNOWN: std::cell::OnceCell<pgrx::spi::OwnedPreparedStatement> = const { std::cell::OnceCell::new() };
}

const MARK_DATE_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT $1 \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date = $1)";
const MARK_UNKNOWN_SQL: &str = "INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) SELECT NULL \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date IS NULL)";

/// Records that revenue on `date` (days since 2000-01-01; None: an unknown date) changed.
pub fn mark_revenue_stale(date: Option<i32>) -> Result<(), OdooMirrorError> {
    Spi::connect_mut(|client| {
        match date {
            Some(days) => {
                let date = pgrx::datum::Date::saturating_from_raw(days);
                MARK_DATE.with(|cell| -> Result<(), OdooMirrorError> {
                    if cell.get().is_none() {
                        let prepared = client.prepare_mut(MARK_DATE_SQL, &[PgOid::from(pg_sys::DATEOID)])?.keep();
                        let _ = cell.set(prepared);
                    }
                    if let Some(statement) = cell.get() {
                        client.update(statement, None, &[date.into()])?;
                    }
                    Ok(())
                })
            }
            None => MARK_UNKNOWN.with(|cell| -> Result<(), OdooMirrorError> {
                if cell.get().is_none() {
                    let prepared = client.prepare_mut(MARK_UNKNOWN_SQL, &[])?.keep();
                    let _ = cell.set(prepared);
                }
                if let Some(statement) = cell.get() {
                    client.update(statement, None, &[])?;
                }
                Ok(())
            }),
        }
    })
}
