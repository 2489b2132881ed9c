//! Finance for analysts and n8n: `get_aging` (aged receivables and payables as of a past date, from
//! reconciliation dates) and `get_collections_worklist` (overdue customers to chase). Their queries are
//! the .sql files beside this; the finance views (open items, aging, payments, DSO, cash forecast,
//! analytic P&L, consolidated revenue) are DDL in src/sql/finance.sql.

mod functions;
