//! The SPI layer: the only code that runs SQL. Each feature keeps its statements (schema-qualified
//! text) in its own `store.rs` or next to its function, and runs them through the functions here.
//! Every statement is schema-qualified, because the functions run with
//! `search_path = pg_catalog, pg_temp` (and under a replication apply worker the search_path is empty).
//!
//! - `mod.rs`: running statements, plain or kept (planned once per backend), and streaming rows;
//! - `datum`: decoding raw datums of streamed rows (dates, timestamps, numerics, text);
//! - `jsonb`: jsonb arguments read by PostgreSQL's jsonb code (no serde round trip that can fail);
//! - `numeric`: numeric's stored form to f64 (pure);
//! - `subtransaction`: running code in a subtransaction and catching its errors;
//! - `trigger`: the entry points of the trigger functions (0A000 when called directly).

pub mod datum;
pub mod jsonb;
pub mod numeric;
pub mod subtransaction;
pub mod trigger;

use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::spi::{OwnedPreparedStatement, SpiClient, SpiHeapTupleData, SpiResult, SpiTupleTable};
use pgrx::PgOid;

use crate::error::OdooMirrorError;

/// Argument types of kept statements and column types of streamed rows.
pub const BOOL: PgOid = PgOid::BuiltIn(PgBuiltInOids::BOOLOID);
pub const INT4: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT4OID);
pub const INT4_ARRAY: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT4ARRAYOID);
pub const INT8: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT8OID);
pub const FLOAT8: PgOid = PgOid::BuiltIn(PgBuiltInOids::FLOAT8OID);
pub const FLOAT8_ARRAY: PgOid = PgOid::BuiltIn(PgBuiltInOids::FLOAT8ARRAYOID);
pub const FLOAT4_ARRAY: PgOid = PgOid::BuiltIn(PgBuiltInOids::FLOAT4ARRAYOID);
pub const NUMERIC: PgOid = PgOid::BuiltIn(PgBuiltInOids::NUMERICOID);
pub const TEXT: PgOid = PgOid::BuiltIn(PgBuiltInOids::TEXTOID);
pub const TEXT_ARRAY: PgOid = PgOid::BuiltIn(PgBuiltInOids::TEXTARRAYOID);
pub const VARCHAR: PgOid = PgOid::BuiltIn(PgBuiltInOids::VARCHAROID);
pub const DATE: PgOid = PgOid::BuiltIn(PgBuiltInOids::DATEOID);
pub const TIMESTAMP: PgOid = PgOid::BuiltIn(PgBuiltInOids::TIMESTAMPOID);
pub const TIMESTAMPTZ: PgOid = PgOid::BuiltIn(PgBuiltInOids::TIMESTAMPTZOID);
pub const JSONB: PgOid = PgOid::BuiltIn(PgBuiltInOids::JSONBOID);
pub const JSONB_ARRAY: PgOid = PgOid::BuiltIn(PgBuiltInOids::JSONBARRAYOID);

/// 25006 before a writer starts, where it could only fail half-way: on a standby (where PostgreSQL
/// would raise XX000 "cannot assign TransactionIds during recovery" from deep inside) or in a read-only
/// transaction (PostgREST's GET).
pub fn require_writable(function: &'static str) -> Result<(), OdooMirrorError> {
    // SAFETY: both read backend-local state that is valid for the whole transaction.
    let (standby, read_only) = unsafe { (pg_sys::RecoveryInProgress(), pg_sys::XactReadOnly) };
    match (standby, read_only) {
        (true, _) => Err(OdooMirrorError::ReadOnly { function, where_: "this server is a standby (in recovery)" }),
        (false, true) => Err(OdooMirrorError::ReadOnly { function, where_: "this transaction is read-only" }),
        (false, false) => Ok(()),
    }
}

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
    static PREPARED: std::cell::RefCell<std::collections::HashMap<(usize, usize), std::mem::ManuallyDrop<OwnedPreparedStatement>>> =
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
    // Keyed by the constant's address: hashing the text on every call costs more than some queries.
    let key = (query.as_ptr() as usize, query.len());
    PREPARED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let std::collections::hash_map::Entry::Vacant(entry) = cache.entry(key) {
            let statement = if mutating {
                client.prepare_mut(query, arg_types)?.keep()
            } else {
                client.prepare(query, arg_types)?.keep()
            };
            entry.insert(std::mem::ManuallyDrop::new(statement));
        }
        match cache.get(&key) {
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

/// A row as raw datums (None for NULL), in column order.
pub type DatumRow<'a> = &'a [Option<pg_sys::Datum>];

/// A DestReceiver that hands each row to a Rust closure straight from the executor's slot.
#[repr(C)]
struct RowReceiver {
    /// Must stay first: PostgreSQL sees a `DestReceiver *`.
    base: pg_sys::DestReceiver,
    /// Points at the caller's slice, alive for the whole execution.
    expected: *const [PgOid],
    row: Vec<Option<pg_sys::Datum>>,
    each_row: *mut (dyn FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError> + 'static),
    error: Option<OdooMirrorError>,
}

#[pg_guard]
unsafe extern "C-unwind" fn row_receiver_startup(
    receiver: *mut pg_sys::DestReceiver,
    _operation: i32,
    typeinfo: pg_sys::TupleDesc,
) {
    // SAFETY: `receiver` is the RowReceiver stream_rows passed to the executor.
    let state = unsafe { &mut *(receiver as *mut RowReceiver) };
    let natts = unsafe { (*typeinfo).natts };
    // SAFETY: `expected` points at stream_rows' argument, which outlives the execution.
    let expected = unsafe { &*state.expected };
    // SPI_gettypeid: the same call on every PostgreSQL version (the descriptor's layout differs).
    let matches = usize::try_from(natts).is_ok_and(|count| count == expected.len())
        && expected
            .iter()
            .zip(1..=natts)
            .all(|(oid, column)| unsafe { pg_sys::SPI_gettypeid(typeinfo, column) } == oid.value());
    if !matches {
        state.error = Some(OdooMirrorError::NoRows("a result with the expected column types"));
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn row_receiver_receive(
    slot: *mut pg_sys::TupleTableSlot,
    receiver: *mut pg_sys::DestReceiver,
) -> bool {
    // SAFETY: `receiver` is the RowReceiver stream_rows passed to the executor, `slot` the executor's
    // current row with the descriptor row_receiver_startup checked.
    let state = unsafe { &mut *(receiver as *mut RowReceiver) };
    if state.error.is_some() {
        return false;
    }
    unsafe {
        let natts = (*(*slot).tts_tupleDescriptor).natts;
        if i32::from((*slot).tts_nvalid) < natts {
            pg_sys::slot_getsomeattrs_int(slot, natts);
        }
        let values = std::slice::from_raw_parts((*slot).tts_values, natts as usize);
        let nulls = std::slice::from_raw_parts((*slot).tts_isnull, natts as usize);
        state.row.clear();
        state.row.extend(values.iter().zip(nulls).map(|(value, null)| if *null { None } else { Some(*value) }));
        match (*state.each_row)(&state.row) {
            Ok(()) => true,
            Err(error) => {
                state.error = Some(error);
                false
            }
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn row_receiver_done(_receiver: *mut pg_sys::DestReceiver) {}

thread_local! {
    /// Plans of the streamed queries, kept for the backend's life (SPI_keepplan), by query address.
    static STREAM_PLANS: std::cell::RefCell<std::collections::HashMap<(usize, usize), usize>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Runs one of the extension's read-only queries with int4 arguments and hands every row to
/// `each_row` as raw datums of the `expected` types, straight from the executor (a DestReceiver):
/// nothing is copied into an SPI result table, so a million-row scan costs little more than the scan.
/// `each_row` returning an error stops the query and returns that error.
pub fn stream_rows(
    query: &'static str,
    args: &[i32],
    expected: &[PgOid],
    each_row: impl FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    stream_rows_in(Snapshot::Statement, query, args, expected, each_row)
}

/// Which snapshot a streamed query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Snapshot {
    /// The calling statement's (a cursor's, while it fetches): what readers and scoring use.
    Statement,
    /// A fresh one, seeing everything committed now and written earlier in this transaction: for
    /// writers that read after waiting for a lock.
    Latest,
}

/// `stream_rows` in the given snapshot.
pub fn stream_rows_in(
    snapshot: Snapshot,
    query: &'static str,
    args: &[i32],
    expected: &[PgOid],
    each_row: impl FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let args: Vec<StreamArg<'_>> = args.iter().map(|&value| StreamArg::Int(value)).collect();
    stream_rows_with(snapshot, query, &args, expected, each_row)
}

/// An argument of a streamed query: int4 or int4[].
#[derive(Debug, Clone, Copy)]
pub enum StreamArg<'a> {
    Int(i32),
    Ints(&'a [i32]),
}

impl StreamArg<'_> {
    fn type_oid(&self) -> pg_sys::Oid {
        match self {
            Self::Int(_) => pg_sys::INT4OID,
            Self::Ints(_) => pg_sys::INT4ARRAYOID,
        }
    }
}

/// `stream_rows` with int4 and int4[] arguments (ids as `= ANY ($n)`), in the given snapshot. A
/// query's argument types are fixed by its first call: its plan is kept.
pub fn stream_rows_with(
    snapshot: Snapshot,
    query: &'static str,
    args: &[StreamArg<'_>],
    expected: &[PgOid],
    mut each_row: impl FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let key = (query.as_ptr() as usize, query.len());
    Spi::connect(|_client| {
        let plan = match STREAM_PLANS.with(|plans| plans.borrow().get(&key).copied()) {
            Some(plan) => plan as pg_sys::SPIPlanPtr,
            None => {
                let text =
                    std::ffi::CString::new(query).map_err(|_| OdooMirrorError::NoRows("a query without NUL bytes"))?;
                let mut types: Vec<pg_sys::Oid> = args.iter().map(StreamArg::type_oid).collect();
                // SAFETY: inside an SPI connection; SPI_prepare raises (as a Rust panic) on bad SQL.
                let plan = unsafe { pg_sys::SPI_prepare(text.as_ptr(), args.len() as i32, types.as_mut_ptr()) };
                if plan.is_null() || unsafe { pg_sys::SPI_keepplan(plan) } != 0 {
                    return Err(OdooMirrorError::NoRows("a prepared streaming query"));
                }
                STREAM_PLANS.with(|plans| plans.borrow_mut().insert(key, plan as usize));
                plan
            }
        };
        // SAFETY: makeParamList allocates in the current (SPI procedure) memory context, freed at
        // SPI_finish; the receiver outlives the execution; the closure's lifetime is erased only for
        // the duration of SPI_execute_plan_extended below.
        unsafe {
            let params = pg_sys::makeParamList(args.len() as i32);
            for (index, arg) in args.iter().enumerate() {
                // An array is built in the SPI procedure's memory context, freed at SPI_finish.
                let value = match arg {
                    StreamArg::Int(value) => Some(pg_sys::Datum::from(*value)),
                    StreamArg::Ints(values) => values.to_vec().into_datum(),
                };
                (*params).params.as_mut_slice(args.len())[index] = pg_sys::ParamExternData {
                    value: value.unwrap_or(pg_sys::Datum::from(0)),
                    isnull: value.is_none(),
                    pflags: pg_sys::PARAM_FLAG_CONST as u16,
                    ptype: arg.type_oid(),
                };
            }
            let each_row: &mut dyn FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError> = &mut each_row;
            let each_row: *mut (dyn FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError> + 'static) =
                std::mem::transmute(each_row);
            let mut receiver = RowReceiver {
                base: pg_sys::DestReceiver {
                    receiveSlot: Some(row_receiver_receive),
                    rStartup: Some(row_receiver_startup),
                    rShutdown: Some(row_receiver_done),
                    rDestroy: Some(row_receiver_done),
                    mydest: pg_sys::CommandDest::DestNone,
                },
                expected: expected as *const [PgOid],
                row: Vec::with_capacity(expected.len()),
                each_row,
                error: None,
            };
            // One raw pointer to the whole receiver, used by PostgreSQL and by us alike: the callbacks
            // reach past `base`, so it must not be derived from a reference to that field alone.
            let raw: *mut RowReceiver = &mut receiver;
            let options = pg_sys::SPIExecuteOptions {
                params,
                // Read-only SPI runs in the active (statement) snapshot; otherwise SPI takes a new one.
                read_only: snapshot == Snapshot::Statement,
                allow_nonatomic: false,
                must_return_tuples: false,
                tcount: 0,
                dest: raw.cast::<pg_sys::DestReceiver>(),
                owner: std::ptr::null_mut(),
            };
            let status = pg_sys::SPI_execute_plan_extended(plan, &options);
            if let Some(error) = (*raw).error.take() {
                return Err(error);
            }
            if status < 0 {
                return Err(OdooMirrorError::NoRows("a streaming query (SPI error)"));
            }
        }
        Ok(())
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

/// Gives the transaction its id now. pgrx reads through the statement's snapshot only while the
/// transaction has none; a writer that waited for a lock calls this so that its reads see what
/// committed meanwhile.
pub fn assign_transaction_id() -> Result<(), OdooMirrorError> {
    execute("SELECT pg_catalog.pg_current_xact_id()", &[])?;
    Ok(())
}

/// Runs a statement that writes (or runs DDL); returns the number of rows it processed.
pub fn execute(statement: &str, args: &[DatumWithOid<'_>]) -> Result<u64, OdooMirrorError> {
    Spi::connect_mut(|client| Ok(client.update(statement, None, args)?.len() as u64))
}

/// Runs a query returning a list of text values from its first column.
pub fn select_names(query: &str, args: &[DatumWithOid<'_>]) -> Result<Vec<String>, OdooMirrorError> {
    let names = select_rows(query, args, |row| row.get::<String>(1))?;
    Ok(names.into_iter().flatten().collect())
}

/// Runs one of the extension's own writing statements through its kept plan; returns the number of
/// rows it processed.
pub fn execute_prepared(
    statement: &'static str,
    arg_types: &[PgOid],
    args: &[DatumWithOid<'_>],
) -> Result<u64, OdooMirrorError> {
    Spi::connect_mut(|client| {
        with_prepared(client, statement, arg_types, true, |client, prepared| {
            Ok(client.update(prepared, None, args)?.len() as u64)
        })
    })
}

/// Runs one of the extension's own writing statements with RETURNING through its kept plan; returns
/// the first column of its first row.
pub fn execute_prepared_returning<T: FromDatum + IntoDatum>(
    statement: &'static str,
    arg_types: &[PgOid],
    args: &[DatumWithOid<'_>],
) -> Result<Option<T>, OdooMirrorError> {
    Spi::connect_mut(|client| {
        with_prepared(client, statement, arg_types, true, |client, prepared| {
            let table = client.update(prepared, Some(1), args)?;
            Ok(if table.is_empty() { None } else { table.first().get_one::<T>()? })
        })
    })
}

/// Runs a writing statement with RETURNING and maps each row it returns.
pub fn execute_returning<T>(
    statement: &str,
    args: &[DatumWithOid<'_>],
    map_row: impl FnMut(&SpiHeapTupleData<'_>) -> SpiResult<T>,
) -> Result<Vec<T>, OdooMirrorError> {
    Spi::connect_mut(|client| collect_rows(client.update(statement, None, args)?, map_row))
}
