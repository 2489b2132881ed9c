//! `odoo_mirror.verify()`: what a DBA runs after install, upgrade or restore.
//!
//! - `functions`: `verify()` and the checks, each reading the catalog or the extension's tables;
//! - `rules` (pure): how each fact becomes ok / warn / fail with its detail.

mod functions;
pub mod rules;
