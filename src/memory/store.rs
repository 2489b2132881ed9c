//! The AI memory's statements: the agent session, chunks written and completed, errors recorded, and
//! the names a chunk needs (partner, currency). Every statement is schema-qualified.

use crate::error::OdooMirrorError;
use crate::spi;

const MEMORY_SESSION_SQL: &str =
    "SELECT s.id FROM ipai_memory.sessions AS s WHERE s.agent_name = $1 ORDER BY s.id LIMIT 1";
const MEMORY_SESSION_LOCK_SQL: &str =
    "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('odoo_mirror.memory_session'))";
const MEMORY_SESSION_CREATE_SQL: &str = "INSERT INTO ipai_memory.sessions (agent_name, metadata) \
     VALUES ($1, pg_catalog.jsonb_build_object('created_by', 'odoo_mirror', 'purpose', 'invoices mirrored from Odoo')) \
     RETURNING id";

/// The id of `agent`'s session, created on first use. Concurrent first uses wait on an advisory lock
/// so that they share one session.
pub fn memory_session_id(agent: &str) -> Result<i64, OdooMirrorError> {
    let find = || -> Result<Option<i64>, OdooMirrorError> {
        let rows = spi::select_prepared(MEMORY_SESSION_SQL, &[spi::TEXT], &[agent.into()], |row| row.get::<i64>(1))?;
        Ok(rows.into_iter().next().flatten())
    };
    if let Some(id) = find()? {
        return Ok(id);
    }
    spi::execute(MEMORY_SESSION_LOCK_SQL, &[])?;
    if let Some(id) = find()? {
        return Ok(id);
    }
    spi::execute_prepared_returning::<i64>(MEMORY_SESSION_CREATE_SQL, &[spi::TEXT], &[agent.into()])?
        .ok_or(OdooMirrorError::NoRows("INSERT INTO ipai_memory.sessions"))
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
    let ready = spi::select_prepared(MEMORY_STORE_READY_SQL, &[], &[], |row| row.get::<bool>(1))?;
    Ok(ready.into_iter().next().flatten().unwrap_or(true))
}

const CURRENCY_SQL: &str = "SELECT c.name::text, c.decimal_places FROM odoo_mirror.res_currency AS c WHERE c.id = $1";
const PARTNER_NAME_SQL: &str =
    "SELECT COALESCE(NULLIF(p.complete_name, ''), p.name)::text FROM odoo_mirror.res_partner AS p WHERE p.id = $1";

/// A currency's ISO code and decimal places; None when it is not mirrored (yet).
pub fn currency(currency_id: i32) -> Result<Option<(Option<String>, Option<i32>)>, OdooMirrorError> {
    let rows = spi::select_prepared(CURRENCY_SQL, &[spi::INT4], &[currency_id.into()], |row| {
        Ok((row.get::<String>(1)?, row.get::<i32>(2)?))
    })?;
    Ok(rows.into_iter().next())
}

/// A partner's display name; None when it is not mirrored (yet).
pub fn partner_name(partner_id: i32) -> Result<Option<String>, OdooMirrorError> {
    let rows = spi::select_prepared(PARTNER_NAME_SQL, &[spi::INT4], &[partner_id.into()], |row| row.get::<String>(1))?;
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
    let types = [spi::INT8, spi::TEXT, spi::TEXT_ARRAY, spi::TEXT_ARRAY, spi::TEXT_ARRAY, spi::JSONB_ARRAY];
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
    spi::execute_prepared(
        INSERT_CHUNKS_SQL,
        &types,
        &[session_id.into(), source_table.into(), source_ids.into(), events.into(), contents.into(), metadata.into()],
    )
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
    let types = [spi::TEXT, spi::INT8, spi::TEXT, spi::TEXT, spi::TEXT, spi::TEXT];
    spi::execute_prepared(
        RECORD_MEMORY_ERROR_SQL,
        &types,
        &[source_table.into(), source_id.into(), event.into(), sqlstate.into(), message.into(), detail.into()],
    )?;
    Ok(())
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
    let rows = spi::select_rows(UNRESOLVED_NAMES_SQL, &[agent.into()], |row| {
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
    Ok(spi::select_value::<i64>(
        &format!("SELECT pg_catalog.count(*) FROM ({UNRESOLVED_NAMES_SQL}) AS unresolved"),
        &[agent.into()],
    )?
    .unwrap_or(0))
}

const UPDATE_CHUNK_SQL: &str = "UPDATE ipai_memory.chunks SET content = $2, metadata = $3 WHERE id = $1";

pub fn update_chunk(id: i64, content: String, metadata: serde_json::Value) -> Result<(), OdooMirrorError> {
    let types = [spi::INT8, spi::TEXT, spi::JSONB];
    spi::execute_prepared(UPDATE_CHUNK_SQL, &types, &[id.into(), content.into(), pgrx::JsonB(metadata).into()])?;
    Ok(())
}
