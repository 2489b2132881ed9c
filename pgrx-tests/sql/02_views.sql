-- View semantics on hand-built rows with known answers. Dates are relative to today so the expected
-- output never changes.
\set SHOW_CONTEXT never
INSERT INTO odoo_mirror.res_currency (id, name, rounding, decimal_places) VALUES (1, 'EUR', 0.01, 2), (2, 'USD', 0.01, 2);
INSERT INTO odoo_mirror.res_company (id, name, partner_id, currency_id) VALUES (1, 'Acme Analytics SA', 1, 1);
INSERT INTO odoo_mirror.res_partner (id, name, is_company, parent_id, commercial_partner_id, vat) VALUES
    (10, 'Customer A', true, NULL, 10, 'BE0123456789'),
    (11, 'Contact of A', false, 10, 10, NULL),
    (12, 'Customer B', true, NULL, 12, 'FR12345678901'),
    (13, 'Vendor C', true, NULL, 13, NULL),
    (20, 'Alice Admin', false, NULL, 20, NULL),
    (21, 'Bob Builder', false, NULL, 21, NULL);
INSERT INTO odoo_mirror.res_users (id, login, partner_id, company_id, active) VALUES (2, 'alice', 20, 1, true), (3, 'bob', 21, 1, true);

-- Invoices. "prev" is a day in the previous month, "this" the first day of this month.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, company_id, partner_id,
    commercial_partner_id, currency_id, invoice_date, invoice_date_due, date, reversed_entry_id,
    amount_untaxed, amount_tax, amount_total, amount_residual,
    amount_untaxed_signed, amount_total_signed, amount_residual_signed)
SELECT v.* FROM (VALUES
    -- 1: posted, unpaid, due 10 days ago: overdue by 10. Invoiced to a contact of Customer A.
    (1, 'INV/1', 'out_invoice', 'posted', 'not_paid', 1, 11, 10, 1, (date_trunc('month', current_date) - interval '1 month')::date + 4, current_date - 10, current_date - 40, NULL::int,
        1000, 210, 1210, 1210, 1000, 1210, 1210),
    -- 2: posted, paid, not yet due.
    (2, 'INV/2', 'out_invoice', 'posted', 'paid', 1, 10, 10, 1, date_trunc('month', current_date)::date, current_date + 10, current_date, NULL,
        500, 0, 500, 0, 500, 500, 0),
    -- 3: a refund of 2: negative signed amounts.
    (3, 'RINV/1', 'out_refund', 'posted', 'paid', 1, 10, 10, 1, date_trunc('month', current_date)::date, current_date, current_date, 2,
        200, 0, 200, 0, -200, -200, 0),
    -- 4: a draft: no revenue, never overdue.
    (4, '/', 'out_invoice', 'draft', 'not_paid', 1, 12, 12, 1, NULL, current_date - 30, current_date - 30, NULL,
        300, 0, 300, 300, 300, 300, 300),
    -- 5: a vendor bill, unpaid and 5 days late.
    (5, 'BILL/1', 'in_invoice', 'posted', 'not_paid', 1, 13, 13, 1, current_date - 35, current_date - 5, current_date - 35, NULL,
        400, 0, 400, 400, -400, -400, -400),
    -- 6: a miscellaneous entry: not an invoice.
    (6, 'MISC/1', 'entry', 'posted', 'not_paid', 1, NULL, NULL, 1, NULL, NULL, current_date, NULL,
        0, 0, 77, 0, 0, 77, 0),
    -- 7: in USD, partly paid, due yesterday: overdue by 1; signed amounts in the company currency (EUR).
    (7, 'INV/3', 'out_invoice', 'posted', 'partial', 1, 12, 12, 2, (date_trunc('month', current_date) - interval '1 month')::date, current_date - 1, current_date - 31, NULL,
        108, 0, 108, 54, 100, 100, 50),
    -- 8: cancelled.
    (8, 'INV/4', 'out_invoice', 'cancel', 'not_paid', 1, 12, 12, 1, current_date - 90, current_date - 60, current_date - 90, NULL,
        999, 0, 999, 999, 999, 999, 999)
) AS v;

-- Journal items of invoice 1: income, tax, receivable.
INSERT INTO odoo_mirror.account_move_line (id, move_id, account_id, display_type, debit, credit, balance, partner_id, parent_state) VALUES
    (1, 1, 1, 'product', 0, 1000, -1000, 10, 'posted'),
    (2, 1, 2, 'tax', 0, 210, -210, 10, 'posted'),
    (3, 1, 3, 'payment_term', 1210, 0, 1210, 10, 'posted');

SELECT invoice_id, invoice_number, document_type, partner_id, partner_name, currency, amount_total,
       amount_total_signed, amount_residual_signed, company_currency, is_overdue, days_overdue
FROM odoo_mirror.v_invoice_summary ORDER BY invoice_id;

SELECT partner_id, partner_name, partner_vat, currency, invoiced_amount, refunded_amount, net_revenue,
       invoice_count, refund_count, last_invoice_date = date_trunc('month', current_date)::date AS last_is_this_month
FROM odoo_mirror.v_revenue_by_partner ORDER BY partner_id;

-- Expenses: one report (sheet) in each state, one line each, and one unreported line.
INSERT INTO odoo_mirror.hr_employee (id, name, company_id, user_id) VALUES (1, 'Eve Employee', 1, 2), (2, 'Frank Field', 1, 3);
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, approval_state, employee_id, company_id, currency_id,
    total_amount, payment_state, create_date, approval_date)
SELECT id, name, state, approval_state, 1, 1, 1, total, 'not_paid',
       (now() AT TIME ZONE 'UTC')::date - created_days_ago + time '09:00',
       (now() AT TIME ZONE 'UTC')::date - approved_days_ago + time '14:00'
FROM (VALUES
    (1, 'Draft report', 'draft', NULL, 10.00, 20, NULL::int),
    (2, 'Submitted report', 'submit', 'submit', 20.00, 5, NULL),
    (3, 'Approved report', 'approve', 'approve', 30.00, 12, 3),
    (4, 'Posted report', 'post', 'approve', 40.00, 15, 8),
    (5, 'Paid report', 'done', 'approve', 50.00, 40, 30),
    (6, 'Refused report', 'cancel', 'cancel', 60.00, 9, NULL)
) AS s(id, name, state, approval_state, total, created_days_ago, approved_days_ago);
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, currency_id, state, sheet_id,
    total_amount, total_amount_currency, price_unit, quantity, payment_mode) VALUES
    (1, 'Taxi', current_date - 21, 1, 1, 1, 'reported', 1, 10, 10, 10, 1, 'own_account'),
    (2, 'Lunch', current_date - 6, 1, 1, 1, 'submitted', 2, 20, 20, 20, 1, 'own_account'),
    (3, 'Train', current_date - 13, 1, 1, 1, 'approved', 3, 30, 30, 30, 1, 'own_account'),
    (4, 'Hotel', current_date - 16, 1, 1, 1, 'approved', 4, 40, 40, 40, 1, 'company_account'),
    (5, 'Flight', current_date - 41, 1, 1, 1, 'done', 5, 50, 50, 50, 1, 'own_account'),
    (6, 'Gadget', current_date - 10, 1, 1, 1, 'refused', 6, 60, 60, 60, 1, 'own_account'),
    (7, 'Parking', current_date - 2, 2, 1, 1, 'draft', NULL, 5, 5, 2.5, 2, 'own_account');

SELECT expense_id, description, employee_name, expense_state, sheet_state, sheet_status, total_amount, currency, quantity
FROM odoo_mirror.v_expense_summary ORDER BY expense_id;

SELECT employee_id, employee_name, currency, expense_count, total_amount, amount_to_report, amount_to_submit,
       amount_submitted, amount_approved, amount_done, amount_refused, count_approved,
       last_expense_date = current_date - 2 AS last_is_parking
FROM odoo_mirror.v_expense_by_employee ORDER BY employee_id;

-- Tasks: closed states are 1_done and 1_canceled; archived tasks are never overdue.
INSERT INTO odoo_mirror.project_project (id, name) VALUES
    (1, '{"en_US": "Website", "fr_FR": "Site web"}'), (2, '{"fr_FR": "Seulement en français"}');
INSERT INTO odoo_mirror.project_task_type (id, name, fold) VALUES
    (1, '{"en_US": "In Progress", "fr_FR": "En cours"}', false), (2, '{"en_US": "Done"}', true);
INSERT INTO odoo_mirror.project_task (id, name, project_id, stage_id, state, priority, active, date_deadline)
SELECT id, name, project_id, stage_id, state, priority, active,
       (now() AT TIME ZONE 'UTC') + deadline_in
FROM (VALUES
    (1, 'Open, 3 days late', 1, 1, '01_in_progress', '1', true, interval '-3 days'),
    (2, 'Done, deadline passed', 1, 2, '1_done', '0', true, interval '-20 days'),
    (3, 'Open, due next week', 1, 1, '02_changes_requested', '0', true, interval '7 days'),
    (4, 'Open, no deadline', 1, 1, '04_waiting_normal', '0', true, NULL),
    (5, 'Archived, deadline passed', 1, 1, '01_in_progress', '0', false, interval '-30 days'),
    (6, 'Cancelled, deadline passed', 1, 2, '1_canceled', '0', true, interval '-40 days'),
    (7, 'Open, 10 days late', 2, 1, '03_approved', '0', true, interval '-10 days')
) AS t(id, name, project_id, stage_id, state, priority, active, deadline_in);
INSERT INTO odoo_mirror.project_task_user_rel (id, task_id, user_id) VALUES (1, 1, 3), (2, 1, 2), (3, 7, 2);

SELECT task_id, task_name, project_name, stage_name, status, is_closed, priority_label, assignees,
       assignee_count, is_overdue, days_overdue
FROM odoo_mirror.v_task_summary ORDER BY task_id;

-- Translated names: requested language, then en_US, then any translation.
SELECT odoo_mirror.translated_text('{"en_US": "Done", "fr_FR": "Fait"}', 'fr_FR') AS fr,
       odoo_mirror.translated_text('{"en_US": "Done", "fr_FR": "Fait"}', 'de_DE') AS fallback,
       odoo_mirror.translated_text('{"nl_NL": "Klaar"}') AS any,
       odoo_mirror.translated_text('"plain"') AS plain,
       odoo_mirror.translated_text(NULL) AS null_value;
