//! odoo_mirror: an analytics mirror of Odoo inside PostgreSQL.
//!
//! One folder per concern; in each, the SQL-facing functions (`functions.rs`: thin `#[pg_extern]` /
//! `#[pg_trigger]` wrappers that parse arguments and map errors), pure Rust beside them (no pgrx
//! types, unit-tested without a server) and the concern's statements (`store.rs` or `*.sql`), run
//! through `spi`, the only code that runs SQL.
//!
//! - `sql/*.sql`: hand-written DDL (mirror tables, indexes, views, revenue rollup, AI memory,
//!   replication status, model store, grants), pulled in below;
//! - `spi/`: running statements, streaming rows, decoding datums, subtransactions;
//! - `views/`: `translated_text`, which the analytics views call;
//! - `expenses/`, `tasks/`: the n8n RPCs `get_pending_expenses` and `get_overdue_tasks`;
//! - `revenue/`: `get_revenue_trends` and the revenue rollup's trigger;
//! - `finance/`: `get_aging` and `get_collections_worklist` (the finance views are DDL in sql/finance.sql);
//! - `memory/`: the invoice-to-memory trigger, `rebuild_memory`, `ipai_memory.search_chunks`;
//! - `replication/`: `publication_sql`, landing tables;
//! - `ml/`: the model registry and store admin, and one folder per model (`churn/`, `fraud/`);
//! - `verify/`: `verify()`;
//! - `catalog` (pure): what a correct install contains; `params` (pure): argument validation;
//!   `error`: every error, with its SQLSTATE.

use pgrx::prelude::*;

pub mod catalog;
pub mod error;
mod expenses;
mod finance;
pub mod memory;
pub mod ml;
pub mod params;
pub mod replication;
pub mod revenue;
pub mod spi;
mod tasks;
pub mod verify;
pub mod views;

::pgrx::pg_module_magic!(name, version);

/// Loaded on first use in each backend (no shared_preload_libraries needed): defines the settings.
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    memory::trigger::define_settings();
}

extension_sql_file!("sql/tables.sql", name = "tables", bootstrap);
extension_sql_file!("sql/indexes.sql", name = "indexes", requires = ["tables"]);
extension_sql_file!("sql/views.sql", name = "views", requires = ["indexes", views::functions::translated_text]);
extension_sql_file!("sql/rollups.sql", name = "rollups", requires = ["views"]);
extension_sql_file!("sql/memory.sql", name = "memory", requires = ["rollups"]);
extension_sql_file!("sql/replication.sql", name = "replication", requires = ["memory"]);
extension_sql_file!("sql/ml.sql", name = "ml", requires = ["replication"]);
extension_sql_file!("sql/fraud.sql", name = "fraud", requires = ["ml"]);
extension_sql_file!("sql/freshness.sql", name = "freshness", requires = ["fraud"]);
extension_sql_file!("sql/comments.sql", name = "comments", requires = ["freshness"]);
extension_sql_file!("sql/finance.sql", name = "finance", requires = ["comments"]);
extension_sql_file!("sql/grants.sql", name = "grants", finalize);

#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
