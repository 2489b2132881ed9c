//! `odoo_mirror.on_invoice_insert()`: the trigger `invoice_to_memory` on odoo_mirror.account_move
//! (declared in src/sql/memory.sql: SECURITY DEFINER, fixed search_path, ENABLE ALWAYS).
//!
//! It must never raise: under a subscription's apply worker a raising trigger makes the worker retry
//! the same transaction forever while WAL piles up on the Odoo server. So every write runs in a
//! subtransaction; a failure rolls back the row's chunks and is recorded in odoo_mirror.memory_errors,
//! and the replicated row itself is kept. Writes are idempotent (unique source table, id and event),
//! so the initial copy, re-syncs and retried transactions write each chunk once.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use pgrx::datetime::ToIsoString;
use pgrx::datum::{AnyNumeric, Date, UnboxDatum};
use pgrx::prelude::*;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting};

use crate::error::OdooMirrorError;
use crate::memory::content::{self, InvoiceEvent, InvoiceFacts, InvoiceState, SOURCE_TABLE};
use crate::memory::store::{self, NewChunk};
use crate::spi::subtransaction::{self, Failure};

/// `odoo_mirror.memory_enabled`: off skips the trigger (bulk backfills); rebuild_memory() catches up.
pub static MEMORY_ENABLED: GucSetting<bool> = GucSetting::<bool>::new(true);

pub fn define_settings() {
    GucRegistry::define_bool_guc(
        c"odoo_mirror.memory_enabled",
        c"Whether mirrored invoices become ipai_memory chunks.",
        c"Switch off for a bulk backfill, then run SELECT odoo_mirror.rebuild_memory(). For a subscription's \
apply worker use ALTER SYSTEM (or ALTER DATABASE) and SELECT pg_reload_conf().",
        &MEMORY_ENABLED,
        GucContext::Userset,
        GucFlags::default(),
    );
}

thread_local! {
    /// Currencies by id: code and decimal places, looked up at most once a minute per backend (every
    /// invoice needs one; they almost never change). Missing currencies are not kept.
    static CURRENCIES: RefCell<HashMap<i32, (Instant, (Option<String>, Option<i32>))>> = RefCell::new(HashMap::new());
    /// The odoo-sync session id. Kept for the backend's life; if the transaction that created it rolled
    /// back, the next write fails its foreign key, and the trigger looks the session up again.
    static SESSION: RefCell<Option<i64>> = const { RefCell::new(None) };
    /// Whether the store takes idempotent writes. "Yes" is kept for the backend's life (should the
    /// unique index go later, writes fail and are recorded, they never duplicate); "no" (a restore
    /// loading data) only for the current transaction.
    static STORE_READY: RefCell<Option<(Option<TransactionKey>, bool)>> = const { RefCell::new(None) };
}

type TransactionKey = (u32, i64);

const FOREIGN_KEY_VIOLATION: &str = "23503";
const CURRENCY_CACHE_AGE: Duration = Duration::from_secs(60);

fn current_transaction() -> TransactionKey {
    // SAFETY: plain reads of the backend's transaction state, valid inside a trigger call.
    unsafe { (pg_sys::GetTopTransactionIdIfAny().into_inner(), pg_sys::GetCurrentTransactionStartTimestamp()) }
}

/// See store::memory_store_ready: false while a restore loads data (no unique index yet).
fn store_ready() -> Result<bool, OdooMirrorError> {
    let transaction = current_transaction();
    let cached = STORE_READY.with(|cached| *cached.borrow());
    match cached {
        Some((None, true)) => return Ok(true),
        Some((Some(key), ready)) if key == transaction => return Ok(ready),
        _ => {}
    }
    let ready = store::memory_store_ready()?;
    STORE_READY.with(|cached| *cached.borrow_mut() = Some((if ready { None } else { Some(transaction) }, ready)));
    Ok(ready)
}

fn trigger_error(error: impl std::fmt::Display) -> OdooMirrorError {
    OdooMirrorError::Trigger(error.to_string())
}

/// Where the columns the trigger reads sit in account_move's rows, found in one pass over the tuple
/// descriptor (looking each name up separately costs more than the rest of reading the row).
#[derive(Default)]
struct Columns {
    id: Option<NonZeroUsize>,
    name: Option<NonZeroUsize>,
    move_type: Option<NonZeroUsize>,
    state: Option<NonZeroUsize>,
    payment_state: Option<NonZeroUsize>,
    partner_id: Option<NonZeroUsize>,
    partner_display_name: Option<NonZeroUsize>,
    company_id: Option<NonZeroUsize>,
    currency_id: Option<NonZeroUsize>,
    amount_untaxed: Option<NonZeroUsize>,
    amount_total: Option<NonZeroUsize>,
    amount_residual: Option<NonZeroUsize>,
    invoice_date: Option<NonZeroUsize>,
    invoice_date_due: Option<NonZeroUsize>,
}

impl Columns {
    fn of(trigger: &PgTrigger<'_>) -> Result<Self, OdooMirrorError> {
        let relation = trigger.relation().map_err(trigger_error)?;
        let descriptor = relation.tuple_desc();
        let mut columns = Columns::default();
        for (index, attribute) in descriptor.iter().enumerate() {
            if attribute.attisdropped {
                continue;
            }
            // SAFETY: attname is a NUL-terminated NameData inside the descriptor, alive for the loop.
            let name = unsafe { std::ffi::CStr::from_ptr(attribute.attname.data.as_ptr()) }.to_bytes();
            let slot = match name {
                b"id" => &mut columns.id,
                b"name" => &mut columns.name,
                b"move_type" => &mut columns.move_type,
                b"state" => &mut columns.state,
                b"payment_state" => &mut columns.payment_state,
                b"partner_id" => &mut columns.partner_id,
                b"invoice_partner_display_name" => &mut columns.partner_display_name,
                b"company_id" => &mut columns.company_id,
                b"currency_id" => &mut columns.currency_id,
                b"amount_untaxed" => &mut columns.amount_untaxed,
                b"amount_total" => &mut columns.amount_total,
                b"amount_residual" => &mut columns.amount_residual,
                b"invoice_date" => &mut columns.invoice_date,
                b"invoice_date_due" => &mut columns.invoice_date_due,
                _ => continue,
            };
            *slot = NonZeroUsize::new(index + 1);
        }
        Ok(columns)
    }
}

/// A column's value; a column the table lacks reads as NULL.
fn value<T>(
    row: &PgHeapTuple<'_, AllocatedByPostgres>,
    column: Option<NonZeroUsize>,
) -> Result<Option<T>, OdooMirrorError>
where
    T: FromDatum + IntoDatum + for<'tup> UnboxDatum<As<'tup> = T>,
{
    match column {
        None => Ok(None),
        Some(column) => row.get_by_index::<T>(column).map_err(trigger_error),
    }
}

fn amount(
    row: &PgHeapTuple<'_, AllocatedByPostgres>,
    column: Option<NonZeroUsize>,
) -> Result<Option<String>, OdooMirrorError> {
    Ok(value::<AnyNumeric>(row, column)?.map(|value| value.to_string()))
}

fn date(
    row: &PgHeapTuple<'_, AllocatedByPostgres>,
    column: Option<NonZeroUsize>,
) -> Result<Option<String>, OdooMirrorError> {
    Ok(value::<Date>(row, column)?.map(|value| value.to_iso_string()))
}

fn read_state(row: &PgHeapTuple<'_, AllocatedByPostgres>, columns: &Columns) -> Result<InvoiceState, OdooMirrorError> {
    Ok(InvoiceState {
        move_type: value(row, columns.move_type)?,
        state: value(row, columns.state)?,
        payment_state: value(row, columns.payment_state)?,
    })
}

/// The row's facts; names of the partner and currency are looked up later, inside the subtransaction.
fn read_facts(
    row: &PgHeapTuple<'_, AllocatedByPostgres>,
    columns: &Columns,
    move_id: i64,
) -> Result<InvoiceFacts, OdooMirrorError> {
    Ok(InvoiceFacts {
        move_id,
        name: value(row, columns.name)?,
        status: read_state(row, columns)?,
        partner_id: value(row, columns.partner_id)?,
        partner_name: value(row, columns.partner_display_name)?,
        company_id: value(row, columns.company_id)?,
        currency_id: value(row, columns.currency_id)?,
        currency_code: None,
        currency_decimals: None,
        amount_untaxed: amount(row, columns.amount_untaxed)?,
        amount_total: amount(row, columns.amount_total)?,
        amount_residual: amount(row, columns.amount_residual)?,
        invoice_date: date(row, columns.invoice_date)?,
        invoice_date_due: date(row, columns.invoice_date_due)?,
    })
}

/// Fills in the partner's and currency's names from the mirror.
pub fn complete_facts(facts: &mut InvoiceFacts) -> Result<(), OdooMirrorError> {
    if facts.partner_name.as_deref().is_none_or(|name| name.trim().is_empty()) {
        if let Some(partner_id) = facts.partner_id {
            facts.partner_name = store::partner_name(partner_id)?;
        }
    }
    if let Some(currency_id) = facts.currency_id {
        let cached = CURRENCIES.with(|cache| {
            cache
                .borrow()
                .get(&currency_id)
                .filter(|(at, _)| at.elapsed() < CURRENCY_CACHE_AGE)
                .map(|(_, found)| found.clone())
        });
        let found = match cached {
            Some(found) => Some(found),
            None => {
                let found = store::currency(currency_id)?;
                if let Some(found) = &found {
                    CURRENCIES.with(|cache| cache.borrow_mut().insert(currency_id, (Instant::now(), found.clone())));
                }
                found
            }
        };
        // Decimals only with a code: content that names the currency by id uses 2 decimals, which is
        // what rebuild_memory() expects when it fills the code in later.
        if let Some((Some(code), decimals)) = found {
            facts.currency_code = Some(code);
            facts.currency_decimals = decimals;
        }
    }
    Ok(())
}

/// The odoo-sync session, found or created on first use in this backend.
fn session_id() -> Result<i64, OdooMirrorError> {
    if let Some(id) = SESSION.with(|session| *session.borrow()) {
        return Ok(id);
    }
    store::memory_session_id(content::AGENT_NAME)
}

pub fn chunks_for<'a>(facts: &InvoiceFacts, events: &[InvoiceEvent]) -> Vec<NewChunk<'a>> {
    events
        .iter()
        .map(|event| NewChunk {
            source_id: facts.move_id.to_string(),
            event: event.as_str(),
            content: content::content(facts, *event),
            metadata: content::metadata(facts, *event),
        })
        .collect()
}

/// Records a failure; if even that fails (memory_errors dropped, say), says so in the server log.
fn record(move_id: Option<i64>, events: &[InvoiceEvent], failure: Failure) {
    let event_names: Vec<&str> = events.iter().map(|event| event.as_str()).collect();
    let event_list = (!event_names.is_empty()).then(|| event_names.join(","));
    let recorded = subtransaction::run(|| {
        store::record_memory_error(
            SOURCE_TABLE,
            move_id,
            event_list.as_deref(),
            &failure.sqlstate,
            &failure.message,
            failure.detail.as_deref(),
        )
    });
    if let Err(second) = recorded {
        pgrx::warning!(
            "odoo_mirror: no memory for account_move {move_id:?} ({}: {}); recording that in odoo_mirror.memory_errors failed too ({}: {})",
            failure.sqlstate,
            failure.message,
            second.sqlstate,
            second.message
        );
    }
}

/// What one call did.
enum Written {
    Nothing,
    /// Chunks written (or already there) under this session.
    Chunks(i64),
}

// The SQL (memory.sql) names on_invoice_insert_wrapper: the checked entry below.
crate::trigger_entry!(
    on_invoice_insert_wrapper,
    pg_finfo_on_invoice_insert_wrapper,
    "odoo_mirror.on_invoice_insert()",
    invoice_memory_trigger_wrapper
);

#[pg_trigger(sql = false)]
fn invoice_memory_trigger<'a>(
    trigger: &'a PgTrigger<'a>,
) -> Result<Option<PgHeapTuple<'a, AllocatedByPostgres>>, OdooMirrorError> {
    if !MEMORY_ENABLED.get() {
        return Ok(None);
    }
    let Some(new) = trigger.new() else { return Ok(None) };
    let old = trigger.old();
    // What the failure report needs, filled in as the row is read.
    let move_id: Cell<Option<i64>> = Cell::new(None);
    let events: RefCell<Vec<InvoiceEvent>> = RefCell::new(Vec::new());

    // Everything, reading the row included, runs inside the subtransaction: nothing here may raise.
    let write = || {
        subtransaction::run(|| {
            let columns = Columns::of(trigger)?;
            move_id.set(value::<i32>(&new, columns.id)?.map(i64::from));
            let old_state = old.as_ref().map(|old| read_state(old, &columns)).transpose()?;
            let found = content::events_for(old_state.as_ref(), &read_state(&new, &columns)?);
            *events.borrow_mut() = found.clone();
            if found.is_empty() {
                return Ok(Written::Nothing);
            }
            let id = move_id.get().ok_or_else(|| OdooMirrorError::Trigger("account_move row without an id".into()))?;
            if !store_ready()? {
                return Ok(Written::Nothing);
            }
            let mut facts = read_facts(&new, &columns, id)?;
            complete_facts(&mut facts)?;
            let session = session_id()?;
            store::insert_chunks(session, SOURCE_TABLE, chunks_for(&facts, &found))?;
            Ok(Written::Chunks(session))
        })
    };
    let mut written = write();
    if matches!(&written, Err(failure) if failure.sqlstate == FOREIGN_KEY_VIOLATION)
        && SESSION.with(|session| session.borrow_mut().take()).is_some()
    {
        // The kept session id was created by a transaction that rolled back: look it up again.
        written = write();
    }
    match written {
        Ok(Written::Chunks(session)) => SESSION.with(|cached| *cached.borrow_mut() = Some(session)),
        Ok(Written::Nothing) => {}
        Err(failure) => record(move_id.get(), &events.borrow(), failure),
    }
    Ok(None)
}
