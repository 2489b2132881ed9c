-- odoo_mirror: indexes. Each one names the view or RPC that uses it; verify() checks they are present.

-- account_move ------------------------------------------------------------------------------------
-- Partner drill-downs in v_invoice_summary and v_revenue_by_partner, which key invoices by the
-- commercial partner (the invoiced contact's company), falling back to the contact itself.
CREATE INDEX account_move_commercial_partner_idx ON odoo_mirror.account_move ((COALESCE(commercial_partner_id, partner_id)));
-- Invoice look-ups by the contact actually invoiced.
CREATE INDEX account_move_partner_idx ON odoo_mirror.account_move (partner_id);
-- Accounting-date ranges (Superset time filters on v_invoice_summary).
CREATE INDEX account_move_date_idx ON odoo_mirror.account_move (date);
-- Invoice-date ranges on v_invoice_summary.
CREATE INDEX account_move_invoice_date_idx ON odoo_mirror.account_move (invoice_date);
-- Filters by document type and status (v_invoice_summary, v_revenue_by_partner).
CREATE INDEX account_move_move_type_state_idx ON odoo_mirror.account_move (move_type, state);
-- get_revenue_trends (for invoice dates changed since the last rollup refresh) and
-- refresh_revenue_rollup(): posted customer invoices and refunds by date, index-only, in the order
-- they are grouped by.
CREATE INDEX account_move_revenue_idx ON odoo_mirror.account_move (invoice_date, company_id, move_type)
    INCLUDE (amount_untaxed_signed)
    WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund');
-- Overdue receivables: posted, not (fully) paid, by due date (v_invoice_summary is_overdue filters).
CREATE INDEX account_move_open_due_idx ON odoo_mirror.account_move (invoice_date_due)
    WHERE state = 'posted' AND payment_state IN ('not_paid', 'partial');

-- account_move_line -------------------------------------------------------------------------------
-- Lines of one move.
CREATE INDEX account_move_line_move_idx ON odoo_mirror.account_move_line (move_id);
-- Partner ledgers.
CREATE INDEX account_move_line_partner_idx ON odoo_mirror.account_move_line (partner_id);

-- res_partner -------------------------------------------------------------------------------------
-- Partner search by name (Superset filters, n8n look-ups).
CREATE INDEX res_partner_name_idx ON odoo_mirror.res_partner (name);
-- Partner search by VAT number.
CREATE INDEX res_partner_vat_idx ON odoo_mirror.res_partner (vat);
-- Contacts of one commercial entity.
CREATE INDEX res_partner_commercial_partner_idx ON odoo_mirror.res_partner (commercial_partner_id);

-- project_task ------------------------------------------------------------------------------------
-- get_overdue_tasks: open tasks ordered by deadline; a page is read straight off this index.
CREATE INDEX project_task_open_deadline_idx ON odoo_mirror.project_task (date_deadline, id)
    WHERE active AND state NOT IN ('1_done', '1_canceled');
-- Tasks of a project (v_task_summary filtered by project).
CREATE INDEX project_task_project_idx ON odoo_mirror.project_task (project_id);
-- Assignees of a task (v_task_summary, get_overdue_tasks).
CREATE INDEX project_task_user_rel_task_idx ON odoo_mirror.project_task_user_rel (task_id, user_id);

-- hr_expense / hr_expense_sheet -------------------------------------------------------------------
-- Expenses by date (v_expense_summary time filters).
CREATE INDEX hr_expense_date_idx ON odoo_mirror.hr_expense (date);
-- Expenses of an employee over time (v_expense_by_employee drill-down).
CREATE INDEX hr_expense_employee_date_idx ON odoo_mirror.hr_expense (employee_id, date);
-- Lines of a sheet (get_pending_expenses line counts, v_expense_summary).
CREATE INDEX hr_expense_sheet_id_idx ON odoo_mirror.hr_expense (sheet_id);
-- get_pending_expenses: sheets awaiting approval or payment, oldest first.
CREATE INDEX hr_expense_sheet_pending_idx ON odoo_mirror.hr_expense_sheet ((COALESCE(approval_date, create_date)), id)
    WHERE state IN ('submit', 'approve', 'post') OR (state = 'done' AND payment_state IN ('partial', 'in_payment'));
-- Sheets of an employee.
CREATE INDEX hr_expense_sheet_employee_idx ON odoo_mirror.hr_expense_sheet (employee_id);
