//! odoo_mirror: an analytics mirror of Odoo inside PostgreSQL.
//!
//! Layout, by concern:
//! - `src/sql/*.sql`: hand-written DDL (mirror tables, indexes, views, revenue rollup, AI memory,
//!   replication status, grants), pulled in
//!   below; `src/queries/*.sql`: the RPCs' queries;
//! - `params`, `catalog`, `verify`, `trends`, `rollup_marks`, `translations`, `memory_content`,
//!   `replication`, `churn_features`, `churn_model`, `ml_metrics`, `pg_numeric`: pure Rust, unit-tested without a
//!   server;
//! - `storage`, `ml_storage`: the SPI layer, the only place that runs SQL; `subtransaction`: catching errors;
//! - `rpc`, `verify_checks`, `rollup_trigger`, `memory_trigger`, `memory`, `replication_admin`,
//!   `churn`, `ml_admin`: thin
//!   `#[pg_extern]`/`#[pg_trigger]` wrappers;
//! - `error`: every error, with its SQLSTATE.

use pgrx::prelude::*;

pub mod catalog;
mod churn;
mod fraud;
pub mod churn_features;
pub mod churn_model;
pub mod error;
pub mod fraud_model;
pub mod fraud_signals;
pub mod isolation_forest;
mod memory;
pub mod memory_content;
pub mod ml_metrics;
mod memory_trigger;
mod ml_admin;
mod ml_storage;
pub mod params;
pub mod pg_numeric;
pub mod replication;
mod replication_admin;
pub mod rollup_marks;
mod rollup_trigger;
mod rpc;
mod storage;
mod subtransaction;
pub mod trends;
pub mod translations;
pub mod verify;
mod verify_checks;

::pgrx::pg_module_magic!(name, version);

/// Loaded on first use in each backend (no shared_preload_libraries needed): defines the settings.
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    memory_trigger::define_settings();
}

/// Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation. The views
/// call it for every row: native code, because a SQL function with a fixed search_path is never
/// inlined and runs through the SQL-function executor on every call, many times slower.
#[pg_extern(immutable, parallel_safe, strict)]
#[search_path(pg_catalog, pg_temp)]
fn translated_text(p_value: pgrx::JsonB, p_lang: default!(&str, "'en_US'")) -> Option<String> {
    translations::translation(&p_value.0, p_lang)
}

extension_sql_file!("sql/tables.sql", name = "tables", bootstrap);
extension_sql_file!("sql/indexes.sql", name = "indexes", requires = ["tables"]);
extension_sql_file!("sql/views.sql", name = "views", requires = ["indexes", translated_text]);
extension_sql_file!("sql/rollups.sql", name = "rollups", requires = ["views"]);
extension_sql_file!("sql/memory.sql", name = "memory", requires = ["rollups"]);
extension_sql_file!("sql/replication.sql", name = "replication", requires = ["memory"]);
extension_sql_file!("sql/ml.sql", name = "ml", requires = ["replication"]);
extension_sql_file!("sql/fraud.sql", name = "fraud", requires = ["ml"]);
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
