//! Expense reports for n8n: `get_pending_expenses` (its query in pending_expenses.sql; the fraud
//! columns come from `ml::fraud`). The expense views are DDL in src/sql/views.sql.

mod functions;
