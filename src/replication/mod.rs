//! Native logical replication from Odoo: `publication_sql()` for the Odoo side, landing tables for the
//! mirror side (`create_landing_tables`, `drop_landing_tables`); `replication_status()` is SQL in
//! src/sql/replication.sql.
//!
//! - `functions`: the SQL functions and the catalog queries they need;
//! - `statements` (pure): the publication block, landing-table decisions and their statements.

mod functions;
pub mod statements;
