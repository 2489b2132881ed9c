-- Rows the extension never wrote but a mirror can hold (Odoo Studio fields, l10n modules, CDC tools,
-- hand fixes): every view, RPC and verify() still answers, and each odd value shows as a documented NULL.
-- Runs after the other files, with a churn and a fraud model active.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
-- The churn model 09_churn trained, active again.
SELECT odoo_mirror.import_model(document, true) ? 'model_id' AS imported FROM public.regress_churn_model;
DROP TABLE public.regress_churn_model;

-- Translated names: a Studio number beyond double precision, nesting deeper than 128, a JSON string, a
-- number, an array, JSON null, SQL NULL, a 100 kB name.
INSERT INTO odoo_mirror.project_project (id, name, active) VALUES
    (990001, '{"en_US": "Studio budget", "x_studio_budget": 1e400}', true),
    (990002, ('{"en_US": "Deep", "x_nested": ' || repeat('[', 200) || repeat(']', 200) || '}')::jsonb, true),
    (990003, '"Plain string"', true),
    (990004, '42', true),
    (990005, '["en_US", "Array"]', true),
    (990006, 'null', true),
    (990007, NULL, true),
    (990008, jsonb_build_object('en_US', repeat('n', 100000)), true),
    (-990009, '{"fr_FR": "Négatif", "de_DE": 1.5e308}', true);
INSERT INTO odoo_mirror.project_task_type (id, name) VALUES (990001, '{"en_US": "Stage", "x": -1e400}');

-- Tasks: deadlines at ±infinity, in the year 2 BC and at the ends of the timestamp range; a negative id; a
-- task that is NULL everywhere but its id; a 100 kB name.
INSERT INTO odoo_mirror.project_task (id, name, active, state, project_id, stage_id, date_deadline, priority) VALUES
    (990001, 'Deadline infinity', true, '01_in_progress', 990001, 990001, 'infinity', '1'),
    (990002, 'Deadline -infinity', true, '01_in_progress', 990002, 990001, '-infinity', '0'),
    (990003, 'Deadline BC', true, '01_in_progress', 990003, NULL, '0002-06-01 12:00 BC', '0'),
    (990004, 'Deadline 4713 BC', true, '01_in_progress', 990004, NULL, '4713-01-01 00:00 BC', '0'),
    (990005, 'Deadline 294276', true, '01_in_progress', 990005, NULL, '294276-12-31 23:59:59', '0'),
    (-990006, 'Negative id', true, '01_in_progress', -990009, NULL, '2001-01-01', '0'),
    (990007, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (990008, repeat('t', 100000), true, '01_in_progress', 990008, NULL, '2002-02-02', '0'),
    (990009, 'Project 1e400', true, '01_in_progress', 990006, NULL, '2003-03-03', '0'),
    (990010, 'Project null', true, '01_in_progress', 990007, NULL, '2004-04-04', '0'),
    (990011, 'Project array', true, '01_in_progress', 990005, NULL, '2005-05-05', '0');

-- Invoices: amounts beyond numeric(16,2), NaN, ±Infinity; dates at ±infinity and BC.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, company_id, partner_id,
    commercial_partner_id, currency_id, invoice_date, invoice_date_due, date,
    amount_untaxed, amount_tax, amount_total, amount_residual,
    amount_untaxed_signed, amount_total_signed, amount_residual_signed)
VALUES
    (990001, 'ODD/1e20', 'out_invoice', 'posted', 'not_paid', 1, 12, 12, 1, current_date, current_date - 3, current_date,
        1e20, 0, 1e20, 1e20, 1e20, 1e20, 1e20),
    (990002, 'ODD/NaN', 'out_invoice', 'posted', 'not_paid', 1, 12, 12, 1, current_date, current_date - 3, current_date,
        'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN'),
    (990003, 'ODD/Infinity', 'out_refund', 'posted', 'not_paid', 1, 12, 12, 1, current_date, current_date - 3, current_date,
        'Infinity', 0, 'Infinity', 'Infinity', '-Infinity', '-Infinity', '-Infinity'),
    (990004, 'ODD/due-infinity', 'out_invoice', 'posted', 'not_paid', 1, 12, 12, 1, '-infinity', '-infinity', 'infinity',
        10, 0, 10, 10, 10, 10, 10),
    (990005, 'ODD/due-BC', 'out_invoice', 'posted', 'not_paid', 1, 12, 12, 1, '0001-01-01 BC', '0001-01-01 BC', '0001-01-01 BC',
        10, 0, 10, 10, 10, 10, 10),
    (990006, 'ODD/max-date', 'in_invoice', 'posted', 'not_paid', 1, 13, 13, 1, '5874897-12-31', '4713-01-01 BC', '5874897-12-31',
        10, 0, 10, 10, -10, -10, -10),
    (-990007, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    -- An amount beyond double precision this month: revenue trends' net_value (a double) is NULL.
    (990008, 'ODD/1e400', 'out_invoice', 'posted', 'not_paid', 1, 12, 12, 1, current_date, current_date + 30, current_date,
        1e400, 0, 1e400, 1e400, 1e400, 1e400, 1e400);

-- Expense reports and lines: pending reports with infinite and BC dates, amounts beyond the type, NaN.
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, employee_id, company_id, currency_id, total_amount,
    payment_state, create_date, approval_date, accounting_date) VALUES
    (990001, 'Report infinity', 'submit', 1, 1, 1, 1e20, 'not_paid', '-infinity', NULL, 'infinity'),
    (990002, 'Report BC', 'approve', 1, 1, 1, 'NaN', 'not_paid', '0001-01-01 BC', '0044-03-15 12:00 BC', '0001-01-01 BC'),
    (990003, 'Report Infinity amount', 'post', 1, 1, 1, '-Infinity', 'not_paid', '294276-12-31 23:59:59', 'infinity', NULL),
    (-990004, NULL, 'submit', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, currency_id, state, sheet_id, quantity,
    price_unit, total_amount_currency, total_amount, tax_amount, accounting_date) VALUES
    (990001, 'Line 1e20', current_date, 1, 1, 1, 'submitted', 990001, 1, 1e20, 1e20, 1e20, 0, current_date),
    (990002, 'Line NaN', '0001-01-01 BC', 1, 1, 1, 'approved', 990002, 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'infinity'),
    (990003, 'Line -Infinity', 'infinity', 1, 1, 1, 'approved', 990003, 1, '-Infinity', '-Infinity', '-Infinity', 0, '-infinity'),
    (990004, 'Line -infinity date', '-infinity', 1, 1, 1, 'draft', NULL, -1, -5, -5, -5, 0, NULL),
    (-990005, NULL, NULL, NULL, NULL, NULL, NULL, -990004, NULL, NULL, NULL, NULL, NULL, NULL),
    -- Quantities double precision cannot hold (numeric holds them).
    (990006, 'Quantity 1e400', '2020-01-01', 1, 1, 1, 'draft', NULL, 1e400, 1, 1, 1, 0, NULL),
    (990007, 'Quantity 1e-400', '2020-01-01', 1, 1, 1, 'draft', NULL, 1e-400, 1, 1, 1, 0, NULL);

-- Every view answers; the odd rows show NULL where a value cannot be shown.
SELECT count(*) > 0 AS answers FROM odoo_mirror.v_invoice_summary;
SELECT invoice_id, amount_untaxed, amount_total, amount_residual_signed, isfinite(invoice_date_due) AS finite_due, is_overdue,
       days_overdue IS NULL AS no_day_count, days_overdue = current_date - invoice_date_due AS day_count_right
FROM odoo_mirror.v_invoice_summary WHERE abs(invoice_id) > 990000 ORDER BY invoice_id;
SELECT count(*) > 0 AS answers FROM odoo_mirror.v_expense_summary;
SELECT expense_id, quantity, unit_amount, total_amount, tax_amount, isfinite(expense_date) AS finite_date,
       isfinite(accounting_date) AS finite_accounting_date
FROM odoo_mirror.v_expense_summary WHERE abs(expense_id) > 990000 ORDER BY expense_id;
SELECT count(*) > 0 AS answers FROM odoo_mirror.v_task_summary;
SELECT task_id, length(task_name) AS name_length, left(project_name, 20) AS project_name, length(project_name) AS project_name_length,
       stage_name, date_deadline, is_overdue, days_overdue IS NULL AS no_day_count,
       days_overdue = (now() AT TIME ZONE 'UTC')::date - date_deadline::date AS day_count_right
FROM odoo_mirror.v_task_summary WHERE abs(task_id) > 990000 ORDER BY task_id;
SELECT partner_id, invoiced_amount, refunded_amount, net_revenue, invoice_count, refund_count
FROM odoo_mirror.v_revenue_by_partner WHERE partner_id = 12 ORDER BY company_id;
SELECT employee_id, expense_count, total_amount, amount_to_report, amount_submitted, amount_approved, last_expense_date
FROM odoo_mirror.v_expense_by_employee WHERE employee_id = 1 ORDER BY company_id;

-- The RPCs as n8n calls them.
SET ROLE n8n_service;
SELECT task_id, left(task_name, 20) AS task_name, left(project_name, 20) AS project_name, deadline,
       days_overdue IS NULL AS no_day_count
FROM odoo_mirror.get_overdue_tasks(1000) WHERE abs(task_id) > 990000 ORDER BY task_id;
SELECT sheet_id, sheet_name, total_amount, submitted_at, approved_at, days_pending IS NULL AS no_day_count, line_count
FROM odoo_mirror.get_pending_expenses(1000) WHERE abs(sheet_id) > 990000 ORDER BY sheet_id;
SELECT count(*) AS months, count(*) FILTER (WHERE net_revenue = 'NaN' OR invoiced = 'NaN') AS nan_months
FROM odoo_mirror.get_revenue_trends(12);
-- This month holds 1e400 (beyond double precision): the exact net is there, the growth figure is NULL.
SELECT net_revenue > 1e399 AS holds_1e400, growth_pct IS NULL AS no_growth_figure
FROM odoo_mirror.get_revenue_trends(1) WHERE month = date_trunc('month', current_date)::date AND currency = 'EUR';
RESET ROLE;

-- Predictions refresh over the odd rows; the RPCs and views that read them answer.
SELECT (odoo_mirror.refresh_churn_predictions()->>'rows')::int > 0 AS churn_refreshed;
SELECT (odoo_mirror.refresh_fraud_predictions()->>'rows')::int > 0 AS fraud_refreshed;
SELECT count(*) >= 0 AS answers FROM odoo_mirror.v_churn_risk;
SELECT count(*) >= 0 AS answers FROM odoo_mirror.v_suspicious_expenses;
SET ROLE n8n_service;
SELECT count(*) >= 0 AS answers FROM odoo_mirror.get_churn_risks(1000, 0);
SELECT count(*) >= 0 AS answers FROM odoo_mirror.get_suspicious_expenses(1000, 0);
SELECT odoo_mirror.explain_fraud(990002) IS NOT NULL AS explained, odoo_mirror.explain_churn(12) IS NOT NULL AS explained;
RESET ROLE;

-- verify() answers, fails no check because of these rows, and counts the values the views blank.
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE status <> 'ok' OR "check" LIKE 'values %' ORDER BY 1;

-- Memory: the invoice trigger never raises (errors go to its log); search answers.
SELECT count(*) >= 0 AS answers FROM ipai_memory.search_chunks('ODD', 5);

DELETE FROM odoo_mirror.hr_expense WHERE abs(id) > 990000;
DELETE FROM odoo_mirror.hr_expense_sheet WHERE abs(id) > 990000;
DELETE FROM odoo_mirror.account_move WHERE abs(id) > 990000;
DELETE FROM odoo_mirror.project_task WHERE abs(id) > 990000;
DELETE FROM odoo_mirror.project_task_type WHERE id = 990001;
DELETE FROM odoo_mirror.project_project WHERE abs(id) > 990000;
