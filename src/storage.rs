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
        if !cache.contains_key(&key) {
            let statement = if mutating {
                client.prepare_mut(query, arg_types)?.keep()
            } else {
                client.prepare(query, arg_types)?.keep()
            };
            cache.insert(key, std::mem::ManuallyDrop::new(statement));
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
unsafe extern "C-unwind" fn row_receiver_startup(receiver: *mut pg_sys::DestReceiver, _operation: i32, typeinfo: pg_sys::TupleDesc) {
    // SAFETY: `receiver` is the RowReceiver stream_rows passed to the executor.
    let state = unsafe { &mut *(receiver as *mut RowReceiver) };
    let natts = unsafe { (*typeinfo).natts };
    // SAFETY: `expected` points at stream_rows' argument, which outlives the execution.
    let expected = unsafe { &*state.expected };
    // SPI_gettypeid: the same call on every PostgreSQL version (the descriptor's layout differs).
    let matches = usize::try_from(natts).is_ok_and(|count| count == expected.len())
        && expected.iter().zip(1..=natts).all(|(oid, column)| unsafe { pg_sys::SPI_gettypeid(typeinfo, column) } == oid.value());
    if !matches {
        state.error = Some(OdooMirrorError::NoRows("a result with the expected column types"));
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn row_receiver_receive(slot: *mut pg_sys::TupleTableSlot, receiver: *mut pg_sys::DestReceiver) -> bool {
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
    mut each_row: impl FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let key = (query.as_ptr() as usize, query.len());
    Spi::connect(|_client| {
        let plan = match STREAM_PLANS.with(|plans| plans.borrow().get(&key).copied()) {
            Some(plan) => plan as pg_sys::SPIPlanPtr,
            None => {
                let text = std::ffi::CString::new(query).map_err(|_| OdooMirrorError::NoRows("a query without NUL bytes"))?;
                let mut types = vec![pg_sys::INT4OID; args.len()];
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
            for (index, value) in args.iter().enumerate() {
                (*params).params.as_mut_slice(args.len())[index] = pg_sys::ParamExternData {
                    value: pg_sys::Datum::from(*value),
                    isnull: false,
                    pflags: pg_sys::PARAM_FLAG_CONST as u16,
                    ptype: pg_sys::INT4OID,
                };
            }
            let each_row: &mut dyn FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError> = &mut each_row;
            let each_row: *mut (dyn FnMut(DatumRow<'_>) -> Result<(), OdooMirrorError> + 'static) = std::mem::transmute(each_row);
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
                read_only: true,
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

/// Runs a statement that writes (or runs DDL); returns the number of rows it processed.
pub fn execute(statement: &str, args: &[DatumWithOid<'_>]) -> Result<u64, OdooMirrorError> {
    Spi::connect_mut(|client| Ok(client.update(statement, None, args)?.len() as u64))
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

// ---- AI memory (src/memory_trigger.rs, src/memory.rs) ----

const MEMORY_SESSION_SQL: &str = "SELECT s.id FROM ipai_memory.sessions AS s WHERE s.agent_name = $1 ORDER BY s.id LIMIT 1";
const MEMORY_SESSION_LOCK_SQL: &str = "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('odoo_mirror.memory_session'))";
const MEMORY_SESSION_CREATE_SQL: &str = "INSERT INTO ipai_memory.sessions (agent_name, metadata) \
     VALUES ($1, pg_catalog.jsonb_build_object('created_by', 'odoo_mirror', 'purpose', 'invoices mirrored from Odoo')) \
     RETURNING id";

/// The id of `agent`'s session, created on first use. Concurrent first uses wait on an advisory lock
/// so that they share one session.
pub fn memory_session_id(agent: &str) -> Result<i64, OdooMirrorError> {
    let text_oid = [PgOid::from(pg_sys::TEXTOID)];
    let find = |client: &mut SpiClient<'_>| -> Result<Option<i64>, OdooMirrorError> {
        with_prepared(client, MEMORY_SESSION_SQL, &text_oid, false, |client, statement| {
            let table = client.select(statement, Some(1), &[agent.into()])?;
            Ok(if table.is_empty() { None } else { table.first().get_one::<i64>()? })
        })
    };
    Spi::connect_mut(|client| {
        if let Some(id) = find(client)? {
            return Ok(id);
        }
        client.update(MEMORY_SESSION_LOCK_SQL, None, &[])?;
        if let Some(id) = find(client)? {
            return Ok(id);
        }
        let created = with_prepared(client, MEMORY_SESSION_CREATE_SQL, &text_oid, true, |client, statement| {
            let table = client.update(statement, Some(1), &[agent.into()])?;
            Ok(if table.is_empty() { None } else { table.first().get_one::<i64>()? })
        })?;
        created.ok_or(OdooMirrorError::NoRows("INSERT INTO ipai_memory.sessions"))
    })
}

/// Whether chunks can be written idempotently: ipai_memory.chunks has its unique (source_table,
/// source_id, event) index, or is missing altogether (then the write fails and is recorded). A chunks
/// table without the index is what a pg_restore's data phase looks like (pg_dump adds constraints
/// after the data): writing there would duplicate the chunks the dump restores next.
const MEMORY_STORE_READY_SQL: &str = "\
    SELECT pg_catalog.to_regclass('ipai_memory.chunks') IS NULL OR EXISTS ( \
        SELECT FROM pg_catalog.pg_index AS i \
        WHERE i.indrelid = pg_catalog.to_regclass('ipai_memory.chunks') AND i.indisunique AND i.indisvalid \
          AND i.indnatts = 3 AND i.indpred IS NULL AND i.indimmediate \
          AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attname) FROM pg_catalog.pg_attribute AS a \
               WHERE a.attrelid = i.indrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])) \
              OPERATOR(pg_catalog.=) ARRAY['event', 'source_id', 'source_table'])";

pub fn memory_store_ready() -> Result<bool, OdooMirrorError> {
    let ready = select_prepared(MEMORY_STORE_READY_SQL, &[], &[], |row| row.get::<bool>(1))?;
    Ok(ready.into_iter().next().flatten().unwrap_or(true))
}

const CURRENCY_SQL: &str = "SELECT c.name::text, c.decimal_places FROM odoo_mirror.res_currency AS c WHERE c.id = $1";
const PARTNER_NAME_SQL: &str = "SELECT COALESCE(NULLIF(p.complete_name, ''), p.name)::text FROM odoo_mirror.res_partner AS p WHERE p.id = $1";

/// A currency's ISO code and decimal places; None when it is not mirrored (yet).
pub fn currency(currency_id: i32) -> Result<Option<(Option<String>, Option<i32>)>, OdooMirrorError> {
    let rows = select_prepared(CURRENCY_SQL, &[PgOid::from(pg_sys::INT4OID)], &[currency_id.into()], |row| {
        Ok((row.get::<String>(1)?, row.get::<i32>(2)?))
    })?;
    Ok(rows.into_iter().next())
}

/// A partner's display name; None when it is not mirrored (yet).
pub fn partner_name(partner_id: i32) -> Result<Option<String>, OdooMirrorError> {
    let rows = select_prepared(PARTNER_NAME_SQL, &[PgOid::from(pg_sys::INT4OID)], &[partner_id.into()], |row| row.get::<String>(1))?;
    Ok(rows.into_iter().next().flatten())
}

/// All of a row's chunks in one statement (one executor run per row, not per event).
const INSERT_CHUNKS_SQL: &str = "INSERT INTO ipai_memory.chunks \
         (session_id, source_table, source_id, event, content, metadata) \
     SELECT $1, $2, c.source_id, c.event, c.content, c.metadata \
     FROM ROWS FROM (pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[]), pg_catalog.unnest($5::text[]), \
                     pg_catalog.unnest($6::jsonb[])) AS c (source_id, event, content, metadata) \
     ON CONFLICT (source_table, source_id, event) DO NOTHING";

/// A chunk to write.
pub struct NewChunk<'a> {
    pub source_id: String,
    pub event: &'a str,
    pub content: String,
    pub metadata: serde_json::Value,
}

/// Writes chunks, skipping those whose (source table, source id, event) exists: returns how many
/// were new.
pub fn insert_chunks(session_id: i64, source_table: &str, chunks: Vec<NewChunk<'_>>) -> Result<u64, OdooMirrorError> {
    if chunks.is_empty() {
        return Ok(0);
    }
    let types = [
        PgOid::from(pg_sys::INT8OID),
        PgOid::from(pg_sys::TEXTOID),
        PgOid::from(pg_sys::TEXTARRAYOID),
        PgOid::from(pg_sys::TEXTARRAYOID),
        PgOid::from(pg_sys::TEXTARRAYOID),
        PgOid::from(pg_sys::JSONBARRAYOID),
    ];
    let mut source_ids = Vec::with_capacity(chunks.len());
    let mut events = Vec::with_capacity(chunks.len());
    let mut contents = Vec::with_capacity(chunks.len());
    let mut metadata = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        source_ids.push(chunk.source_id);
        events.push(chunk.event.to_string());
        contents.push(chunk.content);
        metadata.push(pgrx::JsonB(chunk.metadata));
    }
    Spi::connect_mut(|client| {
        with_prepared(client, INSERT_CHUNKS_SQL, &types, true, |client, statement| {
            let table = client.update(
                statement,
                None,
                &[
                    session_id.into(),
                    source_table.into(),
                    source_ids.into(),
                    events.into(),
                    contents.into(),
                    metadata.into(),
                ],
            )?;
            Ok(table.len() as u64)
        })
    })
}

const RECORD_MEMORY_ERROR_SQL: &str = "INSERT INTO odoo_mirror.memory_errors \
     (source_table, source_id, event, sqlstate, message, detail) VALUES ($1, $2, $3, $4, $5, $6)";

/// Records a failure of the memory trigger.
pub fn record_memory_error(
    source_table: &str,
    source_id: Option<i64>,
    event: Option<&str>,
    sqlstate: &str,
    message: &str,
    detail: Option<&str>,
) -> Result<(), OdooMirrorError> {
    let types = [
        PgOid::from(pg_sys::TEXTOID),
        PgOid::from(pg_sys::INT8OID),
        PgOid::from(pg_sys::TEXTOID),
        PgOid::from(pg_sys::TEXTOID),
        PgOid::from(pg_sys::TEXTOID),
        PgOid::from(pg_sys::TEXTOID),
    ];
    Spi::connect_mut(|client| {
        with_prepared(client, RECORD_MEMORY_ERROR_SQL, &types, true, |client, statement| {
            client.update(
                statement,
                None,
                &[
                    source_table.into(),
                    source_id.into(),
                    event.into(),
                    sqlstate.into(),
                    message.into(),
                    detail.into(),
                ],
            )?;
            Ok(())
        })
    })
}

/// Invoice chunks of the odoo-sync session missing a currency or partner name that the mirror now
/// has (served by the partial index chunks_unresolved_names_idx).
const UNRESOLVED_NAMES_SQL: &str = "\
    SELECT c.id, c.content, c.metadata, cur.name::text, cur.decimal_places, \
           COALESCE(NULLIF(p.complete_name, ''), p.name)::text \
    FROM ipai_memory.chunks AS c \
    LEFT JOIN odoo_mirror.res_currency AS cur \
           ON (c.metadata ->> 'currency') IS NULL \
          AND cur.id = CASE WHEN (c.metadata ->> 'currency_id') ~ '^[0-9]{1,9}$' THEN (c.metadata ->> 'currency_id')::integer END \
    LEFT JOIN odoo_mirror.res_partner AS p \
           ON (c.metadata ->> 'partner_name') IS NULL \
          AND p.id = CASE WHEN (c.metadata ->> 'partner_id') ~ '^[0-9]{1,9}$' THEN (c.metadata ->> 'partner_id')::integer END \
    WHERE c.source_table = 'account_move' \
      AND ((c.metadata ->> 'currency') IS NULL AND (c.metadata ->> 'currency_id') IS NOT NULL \
           OR (c.metadata ->> 'partner_name') IS NULL AND (c.metadata ->> 'partner_id') IS NOT NULL) \
      AND (cur.id IS NOT NULL OR p.id IS NOT NULL) \
      AND c.session_id IN (SELECT s.id FROM ipai_memory.sessions AS s WHERE s.agent_name = $1)";

/// A chunk whose names can be filled in: id, content, metadata, currency (code, decimals), partner name.
pub type UnresolvedChunk = (i64, String, serde_json::Value, Option<(String, i32)>, Option<String>);

pub fn unresolved_name_chunks(agent: &str) -> Result<Vec<UnresolvedChunk>, OdooMirrorError> {
    let rows = select_rows(UNRESOLVED_NAMES_SQL, &[agent.into()], |row| {
        let code = row.get::<String>(4)?;
        let decimals = row.get::<i32>(5)?;
        Ok((
            row.get::<i64>(1)?.unwrap_or(0),
            row.get::<String>(2)?.unwrap_or_default(),
            row.get::<pgrx::JsonB>(3)?.map(|json| json.0).unwrap_or(serde_json::Value::Null),
            code.map(|code| (code, decimals.unwrap_or(2))),
            row.get::<String>(6)?,
        ))
    })?;
    Ok(rows)
}

/// How many chunks unresolved_name_chunks() would fill in.
pub fn count_unresolved_name_chunks(agent: &str) -> Result<i64, OdooMirrorError> {
    Ok(select_value::<i64>(&format!("SELECT pg_catalog.count(*) FROM ({UNRESOLVED_NAMES_SQL}) AS unresolved"), &[agent.into()])?
        .unwrap_or(0))
}

const UPDATE_CHUNK_SQL: &str = "UPDATE ipai_memory.chunks SET content = $2, metadata = $3 WHERE id = $1";

pub fn update_chunk(id: i64, content: String, metadata: serde_json::Value) -> Result<(), OdooMirrorError> {
    let types = [PgOid::from(pg_sys::INT8OID), PgOid::from(pg_sys::TEXTOID), PgOid::from(pg_sys::JSONBOID)];
    Spi::connect_mut(|client| {
        with_prepared(client, UPDATE_CHUNK_SQL, &types, true, |client, statement| {
            client.update(statement, None, &[id.into(), content.into(), pgrx::JsonB(metadata).into()])?;
            Ok(())
        })
    })
}
