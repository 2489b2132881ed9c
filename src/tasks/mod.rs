//! Project tasks for n8n: `get_overdue_tasks` (its query in overdue_tasks.sql). The task views are DDL
//! in src/sql/views.sql.

mod functions;
