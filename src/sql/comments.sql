-- odoo_mirror: column descriptions of the analytics views, which Superset shows to analysts.
-- Every view column has one; a contract test checks it.
-- Amounts: *_signed in the company currency, signed as Odoo signs them; others in the document currency.

-- v_invoice_summary
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.invoice_id IS 'Odoo id of the invoice, refund or receipt (account.move).';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.invoice_number IS 'Document number, e.g. INV/2024/00001; ''/'' or NULL while the document is a draft.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.move_type IS 'Odoo document type key: out_invoice, out_refund, in_invoice, in_refund, out_receipt or in_receipt.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.document_type IS 'Document type in words: Customer Invoice, Customer Credit Note, Vendor Bill, Vendor Credit Note, Sales or Purchase Receipt.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.state IS 'Odoo status of the document: draft, posted or cancel.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.payment_state IS 'Odoo payment status: not_paid, in_payment, paid, partial, reversed (or invoicing_legacy); NULL if not set.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.company_id IS 'Odoo id of the company the document belongs to.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.company_name IS 'Name of the company the document belongs to.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_id IS 'Odoo id of the customer or vendor: the commercial partner (company) of the document''s partner, else the partner itself.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_name IS 'Name of the customer or vendor (the commercial partner); NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_vat IS 'Tax id (VAT number) of the customer or vendor; NULL when not recorded.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_email IS 'Email address of the customer or vendor; NULL when not recorded.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_country_id IS 'Odoo id of the partner''s country (res.country); NULL when not recorded.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.invoice_date IS 'Invoice or bill date; may be NULL on a draft.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.invoice_date_due IS 'Date payment is due; NULL when not set.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.accounting_date IS 'Accounting (journal entry) date: the period the document is booked in.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.currency IS 'Document currency code (e.g. EUR): the currency of amount_untaxed, amount_tax, amount_total and amount_residual.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_untaxed IS 'Amount before tax, in the document currency, never negative.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_tax IS 'Tax amount, in the document currency, never negative.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_total IS 'Total amount including tax, in the document currency, never negative.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_residual IS 'Amount still to be paid, in the document currency, never negative; 0 when fully paid.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.company_currency IS 'Company currency code (e.g. USD): the currency of the *_signed amounts.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_untaxed_signed IS 'Amount before tax in the company currency; positive for customer invoices and vendor refunds, negative for customer refunds and bills.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_total_signed IS 'Total including tax in the company currency; positive for customer invoices and vendor refunds, negative for customer refunds and bills.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.amount_residual_signed IS 'Amount still to be paid in the company currency, signed as amount_total_signed; 0 when fully paid.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.is_overdue IS 'True when posted, not or partly paid, and the due date is before today (Odoo''s rule); never NULL.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.days_overdue IS 'Days between the due date and today when overdue; 0 when not overdue; NULL for a due date at -infinity.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.partner_country_name IS 'Name of the partner''s country (English, else any translation); NULL when not recorded or the country is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.journal_id IS 'Odoo id of the journal the document is booked in (account.journal).';
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.journal_name IS 'Name of the journal, e.g. Customer Invoices.';

-- v_expense_summary
COMMENT ON COLUMN odoo_mirror.v_expense_summary.expense_id IS 'Odoo id of the expense line (hr.expense).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.description IS 'Description of the expense as entered by the employee.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.expense_date IS 'Date the expense was incurred.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.employee_id IS 'Odoo id of the employee who claimed the expense.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.employee_name IS 'Name of the employee who claimed the expense; NULL if the employee is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.department_id IS 'Odoo id of the employee''s current department; NULL when the employee has none.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.expense_state IS 'Odoo status of the expense line, e.g. draft, reported, submitted, approved, done, refused (Odoo 19: posted, in_payment, paid).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.payment_mode IS 'Who paid: own_account (the employee, to be reimbursed) or company_account (the company).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.product_id IS 'Odoo id of the expense category (product); NULL when none is set.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.quantity IS 'Quantity claimed, in the category''s unit of measure.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.unit_amount IS 'Unit price of the expense (Odoo''s price_unit), in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.total_amount_currency IS 'Total including tax in the expense''s own currency (see currency).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.currency IS 'Currency code the expense was paid in (e.g. EUR): the currency of total_amount_currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.total_amount IS 'Total including tax, converted to the company currency (see company_currency).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.tax_amount IS 'Tax included in the total, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.company_currency IS 'Company currency code: the currency of total_amount, tax_amount and unit_amount.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.sheet_id IS 'Odoo id of the expense report (sheet) the line is on; NULL when not yet on a report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.sheet_name IS 'Name of the expense report; NULL when the line is on no report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.sheet_state IS 'Odoo status key of the report: draft, submit, approve, post, done or cancel; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.sheet_status IS 'Report status in words: To Submit, Submitted, Approved, Posted, Done or Refused; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.sheet_payment_state IS 'Payment status of the report, e.g. not_paid, in_payment, partial, paid; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.approval_date IS 'When the report was approved (UTC timestamp); NULL until approved or when on no report.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.accounting_date IS 'Accounting date of the report, else of the expense; NULL until one is set (usually at posting).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.company_id IS 'Odoo id of the company the expense belongs to.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.company_name IS 'Name of the company the expense belongs to.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.created_at IS 'When the expense was created in Odoo (UTC timestamp).';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.department_name IS 'Name of the employee''s department; NULL when the employee has none.';
COMMENT ON COLUMN odoo_mirror.v_expense_summary.expense_category IS 'Expense category: the name of the expense''s product (e.g. Meals, Travel).';

-- v_task_summary
COMMENT ON COLUMN odoo_mirror.v_task_summary.task_id IS 'Odoo id of the task (project.task).';
COMMENT ON COLUMN odoo_mirror.v_task_summary.task_name IS 'Title of the task.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.project_id IS 'Odoo id of the task''s project; NULL for a private task without a project.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.project_name IS 'Project name (English, else the first translation); NULL without a project.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.stage_id IS 'Odoo id of the task''s current stage (kanban column); NULL when it has none.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.stage_name IS 'Name of the current stage (English, else the first translation); NULL without a stage.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.state IS 'Odoo state key: 01_in_progress, 02_changes_requested, 03_approved, 04_waiting_normal, 1_done or 1_canceled.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.status IS 'State in words: In Progress, Changes Requested, Approved, Waiting, Done or Cancelled; NULL for an unknown state.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.is_closed IS 'True when the task is Done or Cancelled; never NULL.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.priority IS 'Odoo priority key: ''0'' (Low) or ''1'' (High).';
COMMENT ON COLUMN odoo_mirror.v_task_summary.priority_label IS 'Priority in words: Low or High; NULL for any other key.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.assignees IS 'Names of the assigned users, alphabetical and comma-separated; NULL when nobody is assigned.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.assignee_count IS 'Number of users assigned to the task; 0 when nobody is.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.date_deadline IS 'Deadline of the task (UTC timestamp); NULL when none is set.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.is_overdue IS 'True for an active, open (not Done or Cancelled) task whose deadline has passed (UTC); never NULL.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.days_overdue IS 'Days from the deadline''s date to today''s date (UTC) when overdue; 0 when not overdue; NULL for a deadline at -infinity.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.partner_id IS 'Odoo id of the customer the task is for; NULL when none.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.partner_name IS 'Name of the customer the task is for; NULL when none.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.company_id IS 'Odoo id of the company the task belongs to.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.allocated_hours IS 'Hours planned for the task; 0 or NULL when none were allocated.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.effective_hours IS 'Hours spent on the task, from its timesheets (sub-tasks not included).';
COMMENT ON COLUMN odoo_mirror.v_task_summary.remaining_hours IS 'Allocated hours minus hours spent, as Odoo computes it; negative when over the allocation.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.progress IS 'Odoo''s timesheet progress: hours spent against allocated hours, can exceed 100%; 0 without allocated hours.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.active IS 'False when the task is archived.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.created_at IS 'When the task was created in Odoo (UTC timestamp).';
COMMENT ON COLUMN odoo_mirror.v_task_summary.closed_at IS 'When the task was closed (Odoo''s date_end, UTC timestamp); NULL while it is open.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.date_last_stage_update IS 'When the task last changed stage (UTC timestamp).';
COMMENT ON COLUMN odoo_mirror.v_task_summary.company_name IS 'Name of the company the task belongs to.';

-- v_revenue_by_partner
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.partner_id IS 'Odoo id of the customer: the commercial partner (company) of the invoices, else the invoiced partner.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.partner_name IS 'Name of the customer; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.partner_vat IS 'Tax id (VAT number) of the customer; NULL when not recorded.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.company_id IS 'Odoo id of the invoicing company; each customer has one row per company.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.company_name IS 'Name of the invoicing company.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.currency IS 'Company currency code: the currency of every amount in this row.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.invoiced_amount IS 'Untaxed total of posted customer invoices, in the company currency; 0 when none.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.refunded_amount IS 'Untaxed total of posted customer credit notes, in the company currency, as a positive amount; 0 when none.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.net_revenue IS 'Invoiced minus refunded amount, untaxed, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.invoice_count IS 'Number of posted customer invoices.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.refund_count IS 'Number of posted customer credit notes.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.first_invoice_date IS 'Date of the first posted customer invoice; NULL when the customer has only credit notes.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.last_invoice_date IS 'Date of the latest posted customer invoice; NULL when the customer has only credit notes.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.partner_country_id IS 'Odoo id of the customer''s country (res.country); NULL when not recorded.';
COMMENT ON COLUMN odoo_mirror.v_revenue_by_partner.partner_country_name IS 'Name of the customer''s country (English, else any translation).';

-- v_expense_by_employee
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.employee_id IS 'Odoo id of the employee; NULL groups expenses without an employee.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.employee_name IS 'Name of the employee; NULL if the employee is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.company_id IS 'Odoo id of the company; each employee has one row per company.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.currency IS 'Company currency code: the currency of every amount in this row.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.expense_count IS 'Number of expense lines in any state, refused ones included.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.total_amount IS 'Total of all expenses except refused ones, including tax, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_to_report IS 'Total of expenses not yet on a report (state draft), in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_to_submit IS 'Total of expenses on a report not yet submitted (state reported), in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_submitted IS 'Total of submitted expenses awaiting approval, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_approved IS 'Total of approved expenses (Odoo 19: posted too), in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_done IS 'Total of done expenses (Odoo 19: in_payment and paid too), in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.amount_refused IS 'Total of refused expenses, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_to_report IS 'Number of expenses not yet on a report (state draft).';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_to_submit IS 'Number of expenses on a report not yet submitted (state reported).';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_submitted IS 'Number of submitted expenses awaiting approval.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_approved IS 'Number of approved expenses (Odoo 19: posted too).';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_done IS 'Number of done expenses (Odoo 19: in_payment and paid too).';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.count_refused IS 'Number of refused expenses.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.last_expense_date IS 'Date of the employee''s latest expense; NULL if no expense has a date.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.department_id IS 'Odoo id of the employee''s department (hr.department); NULL when none.';
COMMENT ON COLUMN odoo_mirror.v_expense_by_employee.department_name IS 'Name of the employee''s department.';

-- v_churn_risk
COMMENT ON COLUMN odoo_mirror.v_churn_risk.partner_id IS 'Odoo id of the customer (commercial partner).';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.partner_name IS 'Full name of the customer; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.score IS 'Churn probability (0..1): chance of no posted customer invoice within the model''s horizon (90 days by default).';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.risk_band IS 'Risk band from the score: high from 0.7, medium from 0.4, low below.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.top_reason IS 'Strongest reason for the risk, in words; NULL when nothing raises it above an average customer''s.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.reasons IS 'Up to 3 reasons raising the risk, strongest first, separated by ''; ''; empty when there are none.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.revenue_at_risk IS 'Score times the last 365 days'' untaxed revenue from the customer, in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.model_version IS 'Version of the churn model that produced the score (odoo_mirror.ml_models).';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.as_of IS 'Date scored as of: the latest posted customer invoice date, or today if that is earlier.';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.scored_at IS 'When refresh_churn_predictions() computed the score (timestamp with time zone).';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.company_id IS 'Odoo id of the company the customer last bought from (its latest posted invoice or refund).';
COMMENT ON COLUMN odoo_mirror.v_churn_risk.company_name IS 'Name of the company the customer last bought from.';

-- v_suspicious_expenses
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.expense_id IS 'Odoo id of the scored expense line (hr.expense).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.expense_name IS 'Description of the expense; NULL if the expense has left the mirror since scoring.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.employee_id IS 'Odoo id of the employee who claimed the expense.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.employee_name IS 'Name of the employee; NULL if the employee is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.sheet_id IS 'Odoo id of the expense report (sheet) at scoring time; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.sheet_name IS 'Name of the expense report; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.date IS 'Date the expense was incurred; NULL if the expense has left the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.amount IS 'Total including tax, in the company currency; NULL when it does not fit numeric(16,2) (beyond ±10^14), is NaN or ±Infinity, or if the expense has left the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.currency IS 'Company currency code: the currency of amount.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.state IS 'Current Odoo status of the expense, e.g. submitted, approved, done, refused.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.score IS 'Fraud score (0..1) from the fraud model; calibrated to the fraud rate when trained on auditors'' labels. Always 0.5 or more here.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.risk_band IS 'Risk band from the score: high from 0.7, else medium (the view lists scores of 0.5 and up).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.top_reason IS 'Strongest reason, as ''rule: evidence''; NULL when no rule raised the score.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.reasons IS 'Up to 3 reasons (''rule: evidence''), strongest first, separated by ''; ''; empty when there are none.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.labelled_fraud IS 'Auditor''s verdict from expense_labels: true fraud, false legitimate; NULL when not labelled.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.model_version IS 'Version of the fraud model that produced the score (odoo_mirror.ml_models).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.scored_at IS 'When refresh_fraud_predictions() computed the score (timestamp with time zone).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.company_id IS 'Odoo id of the company the expense belongs to.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.company_name IS 'Name of the company the expense belongs to.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.department_id IS 'Odoo id of the employee''s department (hr.department); NULL when none.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.department_name IS 'Name of the employee''s department.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.product_id IS 'Odoo id of the expense''s product (its category).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.expense_category IS 'Expense category: the name of the expense''s product (e.g. Meals, Travel).';
