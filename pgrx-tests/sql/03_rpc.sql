-- The RPCs on the rows of 02_views, their bad-input errors, and the exact SQL PostgREST runs.
\set SHOW_CONTEXT never

-- Pending: oldest first (posted report approved 8 days ago, submitted 5 days ago, approved 3 days ago).
SELECT sheet_id, sheet_name, employee_name, state, awaiting, total_amount, currency, days_pending, line_count
FROM odoo_mirror.get_pending_expenses();
SELECT count(*) FROM odoo_mirror.get_pending_expenses(2);
-- Odoo 17/18 mark a partly paid report 'done': it still awaits payment.
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, approval_state, employee_id, company_id, currency_id,
    total_amount, payment_state, create_date, approval_date)
VALUES (7, 'Partly paid report', 'done', 'approve', 1, 1, 1, 70.00, 'partial',
        (now() AT TIME ZONE 'UTC')::date - 30 + time '09:00', (now() AT TIME ZONE 'UTC')::date - 20 + time '14:00');
SELECT sheet_id, state, awaiting, payment_state, days_pending FROM odoo_mirror.get_pending_expenses(1);
-- Timestamps reach clients as instants (timestamptz), not Odoo's naive UTC.
SELECT pg_typeof(submitted_at) AS submitted_at_type, approved_at = (SELECT approval_date AT TIME ZONE 'UTC'
       FROM odoo_mirror.hr_expense_sheet WHERE id = 7) AS approved_at_is_utc
FROM odoo_mirror.get_pending_expenses(1);
DELETE FROM odoo_mirror.hr_expense_sheet WHERE id = 7;

-- Overdue: most overdue first; closed, archived and future tasks are left out.
SELECT task_id, task_name, project_name, stage_name, state, assignees, days_overdue, priority, priority_label
FROM odoo_mirror.get_overdue_tasks();
SELECT task_id FROM odoo_mirror.get_overdue_tasks(1);

-- Revenue: months without revenue included; growth against the previous month.
SELECT ((extract(year FROM current_date) * 12 + extract(month FROM current_date))
        - (extract(year FROM month) * 12 + extract(month FROM month)))::int AS months_ago,
       currency, invoiced, refunded, net_revenue, invoice_count, refund_count, growth_pct
FROM odoo_mirror.get_revenue_trends(3);
SELECT count(*) AS months, count(DISTINCT month) AS distinct_months FROM odoo_mirror.get_revenue_trends(120);
SELECT count(*) AS company_1_months FROM odoo_mirror.get_revenue_trends(12, 1);
SELECT count(*) AS unknown_company_months, sum(invoice_count) AS invoices FROM odoo_mirror.get_revenue_trends(12, 999);

-- Bad input: SQLSTATE 22023 (HTTP 400 through PostgREST), naming the parameter and its range.
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.get_pending_expenses(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_pending_expenses(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_pending_expenses(-5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_pending_expenses(1001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_overdue_tasks(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_overdue_tasks(2147483647);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_revenue_trends(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_revenue_trends(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_revenue_trends(121);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_revenue_trends(12, -1);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- Exactly what PostgREST runs for POST /rpc/get_overdue_tasks {"p_limit": 1}, as n8n_service.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('search_path', '"odoo_mirror", "public", "extensions"', true) IS NOT NULL AS path_set,
       set_config('role', 'n8n_service', true) AS role,
       set_config('request.jwt.claims', '{"role":"n8n_service"}', true) IS NOT NULL AS claims_set,
       set_config('request.method', 'POST', true) AS method,
       set_config('request.path', '/rpc/get_overdue_tasks', true) AS path;
PREPARE pgrst_overdue(json) AS
WITH pgrst_source AS (
  SELECT "pgrst_call".*
  FROM (SELECT $1 AS json_data) pgrst_payload,
       LATERAL (SELECT "p_limit" FROM json_to_record(pgrst_payload.json_data) AS _("p_limit" integer) LIMIT 1) pgrst_body,
       LATERAL "odoo_mirror"."get_overdue_tasks"("p_limit" := pgrst_body."p_limit") pgrst_call)
SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,
       coalesce(json_agg(_postgrest_t), '[]') AS body
FROM (SELECT "get_overdue_tasks".* FROM "pgrst_source" AS "get_overdue_tasks") _postgrest_t;
EXECUTE pgrst_overdue('{"p_limit": 1}') \gset
-- The deadline is left out of the comparison: it moves with the clock.
SELECT NOT :{?total_result_set} AS total_is_null, :'page_total' AS page_total,
       (:'body'::jsonb -> 0) - 'deadline' AS first_row, jsonb_array_length(:'body'::jsonb) AS rows;
COMMIT;

-- The same call with p_limit 0 and with p_limit null; then GET /rpc/get_revenue_trends without
-- parameters: PostgREST leaves unsent arguments out of the call, so their SQL DEFAULT applies.
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('role', 'n8n_service', true);
\set ON_ERROR_STOP 0
EXECUTE pgrst_overdue('{"p_limit": 0}');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('role', 'n8n_service', true);
EXECUTE pgrst_overdue('{"p_limit": null}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
ROLLBACK;
BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;
SELECT set_config('role', 'n8n_service', true);
SELECT json_array_length(coalesce(json_agg(t), '[]')) AS months
FROM (SELECT "get_revenue_trends".* FROM "odoo_mirror"."get_revenue_trends"() AS "get_revenue_trends") AS t;
COMMIT;
DEALLOCATE pgrst_overdue;

-- Two companies in two currencies: one series each, never added up; p_company_id narrows to one.
INSERT INTO odoo_mirror.res_company (id, name, partner_id, currency_id) VALUES (2, 'Acme Inc', 2, 2);
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, company_id, partner_id,
    commercial_partner_id, currency_id, invoice_date, invoice_date_due, amount_untaxed_signed, amount_total_signed)
VALUES (50, 'US/1', 'out_invoice', 'posted', 'paid', 2, 12, 12, 2, date_trunc('month', current_date)::date, current_date, 250, 250);
SELECT ((extract(year FROM current_date) * 12 + extract(month FROM current_date))
        - (extract(year FROM month) * 12 + extract(month FROM month)))::int AS months_ago,
       currency, net_revenue, invoice_count
FROM odoo_mirror.get_revenue_trends(2);
SELECT currency, sum(net_revenue) AS net FROM odoo_mirror.get_revenue_trends(2, 2) GROUP BY currency;
SELECT partner_name, company_name, currency, net_revenue FROM odoo_mirror.v_revenue_by_partner ORDER BY company_id, partner_id;
DELETE FROM odoo_mirror.account_move WHERE id = 50;
DELETE FROM odoo_mirror.res_company WHERE id = 2;
