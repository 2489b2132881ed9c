//! AI memory: invoices become `ipai_memory.chunks` for agents, with search (DDL in src/sql/memory.sql).
//!
//! - `trigger`: the never-raising row trigger `on_invoice_insert` and the `odoo_mirror.memory_enabled`
//!   setting;
//! - `functions`: `rebuild_memory()` for DBAs and `ipai_memory.search_chunks()` for agents;
//! - `content` (pure): which events an invoice row records, its chunks' content and metadata;
//! - `store`: the statements (session, chunks, errors, names).

pub mod content;
mod functions;
pub(crate) mod store;
pub(crate) mod trigger;
