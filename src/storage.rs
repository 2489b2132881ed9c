//! The SPI layer: the only module that runs SQL. Every statement is schema-qualified, because the
//! functions run with `search_path = pg_catalog, pg_temp` (and under a replication apply worker the
//! search_path is empty).

use pgrx::datum::DatumWithOid;
use pgrx::spi::{SpiHeapTupleData, SpiResult};
use pgrx::prelude::*;

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
