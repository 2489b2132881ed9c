//! Predictions kept current incrementally (DDL in src/sql/freshness.sql): the row trigger that marks
//! the customers and employees whose stored predictions a write made stale, and what readers and
//! refreshes need to know of those marks.
//!
//! - `functions`: `odoo_mirror.mark_predictions_stale()`, the trigger;
//! - `store`: the marks and the `prediction_runs` row of each kind;
//! - `rules` (pure): when the stored predictions can serve.

mod functions;
pub mod rules;
pub(crate) mod store;

pub(crate) use functions::forget_marks;
