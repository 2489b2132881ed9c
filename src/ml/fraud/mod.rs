//! The expense fraud model: rules with evidence plus an isolation forest, combined by a logistic score.
//!
//! - `functions`: `train_fraud_model`, `fraud_score(s)`, `explain_fraud`, `get_suspicious_expenses`,
//!   `refresh_fraud_predictions`, and the fraud columns of get_pending_expenses (`sheet_fraud`);
//! - `signals` (pure): the rules and the forest's features;
//! - `isolation_forest` (pure): a seeded isolation forest;
//! - `model` (pure): default weights, fitting on labels, reasons, the stored model;
//! - `store`: the expense facts (expense_columns.sql with facts.sql, employee_facts.sql or expense_history.sql), labels,
//!   details and the predictions table.

mod functions;
pub mod isolation_forest;
pub mod model;
pub mod signals;
mod store;

pub(crate) use functions::sheet_fraud;
