-- Who may do what: Superset reads, n8n executes the RPCs, nobody else gets anything.
\set SHOW_CONTEXT never
CREATE ROLE odoo_mirror_stranger NOLOGIN;

SET ROLE superset_readonly;
SELECT count(*) AS invoices FROM odoo_mirror.v_invoice_summary;
SELECT count(*) AS expenses FROM odoo_mirror.v_expense_summary;
SELECT count(*) AS tasks FROM odoo_mirror.v_task_summary;
SELECT count(*) AS partners FROM odoo_mirror.v_revenue_by_partner;
SELECT count(*) AS employees FROM odoo_mirror.v_expense_by_employee;
SELECT count(*) AS moves FROM odoo_mirror.account_move;
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.get_pending_expenses(1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO odoo_mirror.res_currency (id, name) VALUES (99, 'XXX');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.verify();
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;

SET ROLE n8n_service;
SELECT count(*) AS pending FROM odoo_mirror.get_pending_expenses(10);
SELECT count(*) AS overdue FROM odoo_mirror.get_overdue_tasks(10);
SELECT count(*) AS months FROM odoo_mirror.get_revenue_trends(6);
\set ON_ERROR_STOP 0
SELECT count(*) FROM odoo_mirror.account_move;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.v_invoice_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.translated_text('{}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;

SET ROLE odoo_mirror_stranger;
\set ON_ERROR_STOP 0
SELECT count(*) FROM odoo_mirror.v_invoice_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_overdue_tasks(1);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;
DROP ROLE odoo_mirror_stranger;
