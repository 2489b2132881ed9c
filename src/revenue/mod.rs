//! Revenue: the n8n RPC `get_revenue_trends` and the exact, incrementally refreshed revenue rollup
//! (DDL and refresh in src/sql/rollups.sql).
//!
//! - `functions`: `get_revenue_trends`, the stale-date trigger `mark_revenue_stale` and
//!   `forget_revenue_marks`;
//! - `trends` (pure): the month-by-month series and growth;
//! - `marks` (pure): which writes make a revenue date stale, the per-transaction memory of marks;
//! - `store`: the statements that mark dates stale.

mod functions;
pub mod marks;
mod store;
pub mod trends;
