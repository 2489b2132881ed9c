//! AI memory functions: `odoo_mirror.rebuild_memory()` for DBAs and `ipai_memory.search_chunks()` for
//! agents (n8n through PostgREST). The trigger that writes memory is in src/memory_trigger.rs.

use pgrx::datetime::ToIsoString;
use pgrx::datum::{AnyNumeric, Date, TimestampWithTimeZone};
use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::JsonB;

use crate::error::OdooMirrorError;
use crate::memory::content::{self, InvoiceFacts, InvoiceState, INVOICE_MOVE_TYPES, SOURCE_TABLE};
use crate::memory::store;
use crate::memory::trigger::chunks_for;
use crate::params::{P_QUERY, P_REPLACE, P_SEARCH_LIMIT};
use crate::spi;

/// Invoices in id order, a batch at a time, with the names the trigger would have looked up.
const REBUILD_BATCH_SQL: &str = "\
    SELECT m.id, m.name::text, m.move_type::text, m.state::text, m.payment_state::text, m.partner_id, \
           COALESCE(NULLIF(m.invoice_partner_display_name, ''), NULLIF(p.complete_name, ''), p.name)::text, \
           m.company_id, m.currency_id, c.name::text, CASE WHEN c.name IS NOT NULL THEN c.decimal_places END, \
           m.amount_untaxed, m.amount_total, m.amount_residual, m.invoice_date, m.invoice_date_due \
    FROM odoo_mirror.account_move AS m \
    LEFT JOIN odoo_mirror.res_partner AS p ON p.id = m.partner_id \
    LEFT JOIN odoo_mirror.res_currency AS c ON c.id = m.currency_id \
    WHERE m.move_type = ANY ($1) AND m.id > $2 \
    ORDER BY m.id \
    LIMIT $3";
const REBUILD_BATCH_ROWS: i64 = 5000;

const DELETE_SYNC_CHUNKS_SQL: &str = "\
    DELETE FROM ipai_memory.chunks AS c \
    WHERE c.source_table = $1 \
      AND c.session_id IN (SELECT s.id FROM ipai_memory.sessions AS s WHERE s.agent_name = $2)";

/// Recreates the invoice chunks from the mirror, after a backfill with odoo_mirror.memory_enabled
/// off, after a replication's initial copy, or after fixing what odoo_mirror.memory_errors reports.
/// Writes the chunks that are missing and fills in currency and partner names that chunks were written
/// without (their invoice replicated first); p_replace deletes odoo-sync's invoice chunks first, to
/// rewrite all their content. Returns the number of chunks written or completed.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn rebuild_memory(p_replace: default!(Option<bool>, false)) -> Result<i64, ErrorReport> {
    crate::spi::require_writable("rebuild_memory")?;
    let replace = p_replace.ok_or_else(|| OdooMirrorError::from(P_REPLACE.invalid("NULL")))?;
    Ok(rebuild(replace)?)
}

fn rebuild(replace: bool) -> Result<i64, OdooMirrorError> {
    spi::execute("SELECT odoo_mirror.ensure_memory_store(true)", &[])?;
    if replace {
        spi::execute(DELETE_SYNC_CHUNKS_SQL, &[SOURCE_TABLE.into(), content::AGENT_NAME.into()])?;
    }
    let session = store::memory_session_id(content::AGENT_NAME)?;
    let move_types: Vec<String> = INVOICE_MOVE_TYPES.iter().map(|t| t.to_string()).collect();
    let mut after_id = 0_i32;
    let mut written = 0_i64;
    loop {
        let batch = spi::select_rows(
            REBUILD_BATCH_SQL,
            &[move_types.clone().into(), after_id.into(), REBUILD_BATCH_ROWS.into()],
            |row| {
                let id = row.get::<i32>(1)?.unwrap_or(0);
                Ok(InvoiceFacts {
                    move_id: i64::from(id),
                    name: row.get(2)?,
                    status: InvoiceState { move_type: row.get(3)?, state: row.get(4)?, payment_state: row.get(5)? },
                    partner_id: row.get(6)?,
                    partner_name: row.get(7)?,
                    company_id: row.get(8)?,
                    currency_id: row.get(9)?,
                    currency_code: row.get(10)?,
                    currency_decimals: row.get(11)?,
                    amount_untaxed: row.get::<AnyNumeric>(12)?.map(|value| value.to_string()),
                    amount_total: row.get::<AnyNumeric>(13)?.map(|value| value.to_string()),
                    amount_residual: row.get::<AnyNumeric>(14)?.map(|value| value.to_string()),
                    invoice_date: row.get::<Date>(15)?.map(|value| value.to_iso_string()),
                    invoice_date_due: row.get::<Date>(16)?.map(|value| value.to_iso_string()),
                })
            },
        )?;
        let Some(last) = batch.last() else { break };
        after_id = i32::try_from(last.move_id).unwrap_or(i32::MAX);
        let mut chunks = Vec::new();
        for facts in &batch {
            let events = content::events_for(None, &facts.status);
            chunks.extend(chunks_for(facts, &events));
        }
        written += store::insert_chunks(session, SOURCE_TABLE, chunks)? as i64;
        if (batch.len() as i64) < REBUILD_BATCH_ROWS {
            break;
        }
    }
    for (id, content, metadata, currency, partner) in store::unresolved_name_chunks(content::AGENT_NAME)? {
        let currency = currency.as_ref().map(|(code, decimals)| (code.as_str(), *decimals));
        if let Some((content, metadata)) =
            content::fill_missing_names(&content, &metadata, currency, partner.as_deref())
        {
            store::update_chunk(id, content, metadata)?;
            written += 1;
        }
    }
    Ok(written)
}

const SEARCHABLE_WORDS_SQL: &str =
    "SELECT pg_catalog.numnode(pg_catalog.websearch_to_tsquery('pg_catalog.english'::pg_catalog.regconfig, $1))";

/// Ranked by ts_rank_cd (cover density: matching words close together rank higher), then newest first.
const SEARCH_SQL: &str = "\
    SELECT c.id, c.session_id, c.source_table, c.source_id, c.event, c.content, c.metadata, c.created_at, \
           pg_catalog.ts_rank_cd(c.search_vector, q.query) AS rank \
    FROM ipai_memory.chunks AS c, \
         pg_catalog.websearch_to_tsquery('pg_catalog.english'::pg_catalog.regconfig, $1) AS q (query) \
    WHERE c.search_vector OPERATOR(pg_catalog.@@) q.query \
    ORDER BY rank DESC, c.created_at DESC, c.id DESC \
    LIMIT $2";

type ChunkRow = (
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<JsonB>,
    Option<TimestampWithTimeZone>,
    Option<f32>,
);

/// `ipai_memory.search_chunks(p_query, p_limit)`, declared in src/sql/memory.sql. p_query is web-search
/// syntax (words, "phrases", or, -word), matched with English stemming.
#[pg_extern(stable, parallel_safe, sql = false)]
fn search_chunks(
    p_query: Option<&str>,
    p_limit: Option<i32>,
) -> Result<
    TableIterator<
        'static,
        (
            name!(chunk_id, Option<i64>),
            name!(session_id, Option<i64>),
            name!(source_table, Option<String>),
            name!(source_id, Option<String>),
            name!(event, Option<String>),
            name!(content, Option<String>),
            name!(metadata, Option<JsonB>),
            name!(created_at, Option<TimestampWithTimeZone>),
            name!(rank, Option<f32>),
        ),
    >,
    ErrorReport,
> {
    let query = P_QUERY.require(p_query)?;
    let limit = P_SEARCH_LIMIT.require(p_limit)?;
    let words = spi::select_value::<i32>(SEARCHABLE_WORDS_SQL, &[query.into()])?;
    if words.unwrap_or(0) == 0 {
        return Err(OdooMirrorError::from(
            P_QUERY.invalid("no searchable words (only stop words such as \"the\", or punctuation)"),
        )
        .into());
    }
    let rows: Vec<ChunkRow> = spi::select_rows(SEARCH_SQL, &[query.into(), i64::from(limit).into()], |row| {
        Ok((
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
            row.get(6)?,
            row.get(7)?,
            row.get(8)?,
            row.get(9)?,
        ))
    })?;
    Ok(TableIterator::new(rows))
}
