//! The churn model: which customers are likely to stop buying.
//!
//! - `functions`: `train_churn_model`, `churn_score(s)`, `explain_churn`, `get_churn_risks`,
//!   `refresh_churn_predictions`;
//! - `features` (pure): features and labels of a customer as of a date;
//! - `model` (pure): training, scoring, explanations, the stored model;
//! - `store`: the invoice facts (facts_columns.sql with facts.sql, customers_facts.sql or partner_facts.sql), names and the predictions table.

pub mod features;
mod functions;
pub mod model;
mod store;

pub(crate) use store::for_customers;

/// The mirror's scoring date (its latest posted customer invoice date, or today if earlier), in days
/// since 2000-01-01; None without invoices.
pub(crate) fn scoring_date() -> Result<Option<i32>, crate::error::OdooMirrorError> {
    Ok(store::scoring_dates()?.0)
}
