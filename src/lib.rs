//! odoo_mirror: an analytics mirror of Odoo inside PostgreSQL.
//!
//! Layout, by concern:
//! - `sql/*.sql`: hand-written DDL (mirror tables, indexes, views, grants), pulled in below;
//! - `params`, `catalog`, `verify`, `trends`, `rollup_marks`: pure Rust, unit-tested without a server;
//! - `storage`: the SPI layer, the only place that runs SQL;
//! - `rpc`, `verify_checks`, `rollup_trigger`: thin `#[pg_extern]`/`#[pg_trigger]` wrappers;
//! - `error`: every error, with its SQLSTATE.

use pgrx::prelude::*;

pub mod catalog;
pub mod error;
pub mod params;
pub mod rollup_marks;
mod rollup_trigger;
mod rpc;
mod storage;
pub mod trends;
pub mod verify;
mod verify_checks;

::pgrx::pg_module_magic!(name, version);

extension_sql_file!("sql/tables.sql", name = "tables", bootstrap);
extension_sql_file!("sql/indexes.sql", name = "indexes", requires = ["tables"]);
extension_sql_file!("sql/views.sql", name = "views", requires = ["indexes"]);
extension_sql_file!("sql/rollups.sql", name = "rollups", requires = ["views"]);
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
