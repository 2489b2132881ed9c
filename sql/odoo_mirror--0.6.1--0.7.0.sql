-- odoo_mirror 0.6.1 -> 0.7.0
--
-- The accounting core of Odoo in the mirror, the finance views built on it, and views that read better
-- in Superset:
-- - 15 new mirror tables (chart of accounts, journals, payments, partial and full reconciliations,
--   analytic plans, accounts and lines, payment terms, currency rates, countries, departments, product
--   categories, products and variants), registered for pg_dump;
-- - new columns on res_company (fiscal year end, lock dates), hr_employee (expense approver) and
--   project_project (analytic account, by its Odoo 17 and 18 names);
-- - the finance views (src/sql/finance.sql) and the RPCs get_aging and get_collections_worklist;
-- - the existing views gain columns at their end (company and names beside ids); v_task_summary,
--   v_revenue_by_partner and v_expense_by_employee are re-created with their natural time column first
--   (Superset's default time axis), so a view of your own built on one of those three stops the update:
--   drop yours first and create it again after;
-- - churn payment features are dated by reconciliations: the churn facts index gains the invoice id
--   (re-built here: on a large mirror it takes a while and blocks writes to account_move meanwhile);
-- - grants re-applied as a fresh install makes them.
--
-- With a live subscription: the new columns go to the landing tables (which pass them on to the
-- mirror tables attached to them); the new tables replicate after the steps in the README ("Upgrading
-- to 0.7.0 with replication on").

-- New mirror tables ---------------------------------------------------------------------------------

-- Chart of accounts (account.account). 18 shares accounts between companies (account_account_res_company_rel) and keeps the code per root company in code_store.
CREATE TABLE odoo_mirror.account_account (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    code character varying,  -- 17 only
    account_type character varying,
    internal_group character varying,  -- 17 only
    company_id integer,  -- 17 only
    currency_id integer,
    group_id integer,  -- 17 only
    root_id integer,  -- 17 only
    reconcile boolean,
    deprecated boolean,
    include_initial_balance boolean,  -- 17 only
    non_trade boolean,
    note text,
    code_store jsonb,  -- 18+
    CONSTRAINT account_account_pkey PRIMARY KEY (id)
);

-- Journals (account.journal); the portal access_token is left out.
CREATE TABLE odoo_mirror.account_journal (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    code character varying,
    type character varying,
    active boolean,
    sequence integer,
    company_id integer,
    currency_id integer,
    default_account_id integer,
    suspense_account_id integer,
    profit_account_id integer,
    loss_account_id integer,
    bank_account_id integer,
    bank_statements_source character varying,
    invoice_reference_type character varying,
    invoice_reference_model character varying,
    refund_sequence boolean,
    payment_sequence boolean,
    sequence_override_regex text,
    restrict_mode_hash_table boolean,
    secure_sequence_id integer,  -- 17 only
    show_on_dashboard boolean,
    color integer,
    alias_id integer,
    sale_activity_type_id integer,  -- 17 only
    sale_activity_user_id integer,  -- 17 only
    sale_activity_note text,  -- 17 only
    check_sequence_id integer,
    check_manual_sequencing boolean,
    autocheck_on_post boolean,  -- 18+
    bank_check_printing_layout character varying,  -- 18+
    CONSTRAINT account_journal_pkey PRIMARY KEY (id)
);

-- Payments (account.payment). In 17 name, date, journal, company and state are read from the entry (move_id); 18 stores them on the payment.
CREATE TABLE odoo_mirror.account_payment (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    move_id integer,
    payment_type character varying,
    partner_type character varying,
    partner_id integer,
    amount numeric,
    currency_id integer,
    amount_company_currency_signed numeric,
    payment_reference character varying,
    payment_method_line_id integer,
    payment_method_id integer,
    partner_bank_id integer,
    outstanding_account_id integer,
    destination_account_id integer,
    destination_journal_id integer,  -- 17 only
    is_internal_transfer boolean,  -- 17 only
    paired_internal_transfer_payment_id integer,
    is_reconciled boolean,
    is_matched boolean,
    payment_transaction_id integer,
    payment_token_id integer,
    source_payment_id integer,
    check_number character varying,
    check_amount_in_words character varying,
    message_main_attachment_id integer,
    name character varying,  -- 18+
    date date,  -- 18+
    journal_id integer,  -- 18+
    company_id integer,  -- 18+
    state character varying,  -- 18+
    memo character varying,  -- 18+
    is_sent boolean,  -- 18+
    CONSTRAINT account_payment_pkey PRIMARY KEY (id)
);

-- Partial reconciliations: amount matched between a debit and a credit journal item (account.partial.reconcile).
CREATE TABLE odoo_mirror.account_partial_reconcile (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    debit_move_id integer,
    credit_move_id integer,
    full_reconcile_id integer,
    exchange_move_id integer,
    amount numeric,
    debit_amount_currency numeric,
    credit_amount_currency numeric,
    debit_currency_id integer,
    credit_currency_id integer,
    company_id integer,
    max_date date,
    CONSTRAINT account_partial_reconcile_pkey PRIMARY KEY (id)
);

-- Full reconciliations grouping fully matched journal items (account.full.reconcile).
CREATE TABLE odoo_mirror.account_full_reconcile (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    exchange_move_id integer,
    CONSTRAINT account_full_reconcile_pkey PRIMARY KEY (id)
);

-- Analytic plans (account.analytic.plan). name is translated jsonb.
CREATE TABLE odoo_mirror.account_analytic_plan (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    complete_name character varying,
    parent_id integer,
    parent_path character varying,
    sequence integer,
    color integer,
    description text,
    default_applicability jsonb,  -- 18+
    CONSTRAINT account_analytic_plan_pkey PRIMARY KEY (id)
);

-- Analytic accounts (account.analytic.account). name is translated jsonb.
CREATE TABLE odoo_mirror.account_analytic_account (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    code character varying,
    plan_id integer,
    root_plan_id integer,
    company_id integer,
    partner_id integer,
    active boolean,
    CONSTRAINT account_analytic_account_pkey PRIMARY KEY (id)
);

-- Analytic lines (account.analytic.line).
-- x_plan<N>_id columns Odoo adds per extra analytic plan are not mirrored; account_id is the project plan's account and analytic lines are read through it.
CREATE TABLE odoo_mirror.account_analytic_line (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    date date,
    amount numeric,
    unit_amount double precision,
    product_uom_id integer,
    account_id integer,
    partner_id integer,
    user_id integer,
    company_id integer,
    currency_id integer,
    category character varying,
    product_id integer,
    general_account_id integer,
    journal_id integer,
    move_line_id integer,
    code character varying,
    ref character varying,
    so_line integer,
    project_id integer,  -- hr_timesheet
    task_id integer,  -- hr_timesheet
    employee_id integer,  -- hr_timesheet
    department_id integer,  -- hr_timesheet
    CONSTRAINT account_analytic_line_pkey PRIMARY KEY (id)
);

-- Payment terms (account.payment.term). name and note are translated jsonb.
CREATE TABLE odoo_mirror.account_payment_term (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    active boolean,
    sequence integer,
    company_id integer,
    note jsonb,
    display_on_invoice boolean,
    early_discount boolean,
    discount_percentage double precision,
    discount_days integer,
    early_pay_discount_computation character varying,
    CONSTRAINT account_payment_term_pkey PRIMARY KEY (id)
);

-- Currency rates (res.currency.rate). name is the rate's date; company_id empty for a rate shared by all companies.
CREATE TABLE odoo_mirror.res_currency_rate (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name date,
    rate numeric,
    currency_id integer,
    company_id integer,
    CONSTRAINT res_currency_rate_pkey PRIMARY KEY (id)
);

-- Countries (res.country). code is the ISO 3166-1 alpha-2 code; name is translated jsonb.
CREATE TABLE odoo_mirror.res_country (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    code character varying,
    currency_id integer,
    phone_code integer,
    vat_label jsonb,
    address_format text,
    address_view_id integer,
    name_position character varying,
    state_required boolean,
    zip_required boolean,
    CONSTRAINT res_country_pkey PRIMARY KEY (id)
);

-- Departments (hr.department). name is translated jsonb; complete_name is stored.
CREATE TABLE odoo_mirror.hr_department (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    complete_name character varying,
    active boolean,
    company_id integer,
    parent_id integer,
    parent_path character varying,
    master_department_id integer,
    manager_id integer,
    color integer,
    note text,
    CONSTRAINT hr_department_pkey PRIMARY KEY (id)
);

-- Product categories (product.category).
CREATE TABLE odoo_mirror.product_category (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    complete_name character varying,
    parent_id integer,
    parent_path character varying,
    product_properties_definition jsonb,
    property_account_income_categ_id jsonb,  -- 18+
    property_account_expense_categ_id jsonb,  -- 18+
    property_account_downpayment_categ_id jsonb,  -- 18+
    CONSTRAINT product_category_pkey PRIMARY KEY (id)
);

-- Products (product.template); the HTML internal description is left out (no image columns are stored on the table).
CREATE TABLE odoo_mirror.product_template (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    sequence integer,
    default_code character varying,
    detailed_type character varying,  -- 17 only
    type character varying,
    categ_id integer,
    uom_id integer,
    uom_po_id integer,
    company_id integer,
    active boolean,
    sale_ok boolean,
    purchase_ok boolean,
    list_price numeric,
    volume numeric,
    weight numeric,
    priority character varying,  -- 17 only
    color integer,
    description_sale jsonb,
    description_purchase jsonb,
    product_properties jsonb,
    can_image_1024_be_zoomed boolean,
    has_configurable_attributes boolean,
    can_be_expensed boolean,
    expense_policy character varying,
    invoice_policy character varying,
    service_type character varying,
    service_tracking character varying,
    sale_line_warn character varying,
    sale_line_warn_msg text,
    is_favorite boolean,  -- 18+
    property_account_income_id jsonb,  -- 18+
    property_account_expense_id jsonb,  -- 18+
    project_id jsonb,  -- 18+
    project_template_id jsonb,  -- 18+
    CONSTRAINT product_template_pkey PRIMARY KEY (id)
);

-- Product variants (product.product). standard_price (cost) is company-dependent: a jsonb column in 18, not stored on the table in 17.
CREATE TABLE odoo_mirror.product_product (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    product_tmpl_id integer,
    default_code character varying,
    barcode character varying,
    combination_indices character varying,
    active boolean,
    volume numeric,
    weight numeric,
    can_image_variant_1024_be_zoomed boolean,
    standard_price jsonb,  -- 18+
    CONSTRAINT product_product_pkey PRIMARY KEY (id)
);

COMMENT ON TABLE odoo_mirror.account_account IS 'Mirror of Odoo account.account: chart of accounts';
COMMENT ON TABLE odoo_mirror.account_journal IS 'Mirror of Odoo account.journal: journals';
COMMENT ON TABLE odoo_mirror.account_payment IS 'Mirror of Odoo account.payment: customer and vendor payments';
COMMENT ON TABLE odoo_mirror.account_partial_reconcile IS 'Mirror of Odoo account.partial.reconcile: partial matchings of journal items';
COMMENT ON TABLE odoo_mirror.account_full_reconcile IS 'Mirror of Odoo account.full.reconcile: full matchings of journal items';
COMMENT ON TABLE odoo_mirror.account_analytic_plan IS 'Mirror of Odoo account.analytic.plan: analytic plans';
COMMENT ON TABLE odoo_mirror.account_analytic_account IS 'Mirror of Odoo account.analytic.account: analytic accounts';
COMMENT ON TABLE odoo_mirror.account_analytic_line IS 'Mirror of Odoo account.analytic.line: analytic lines';
COMMENT ON TABLE odoo_mirror.account_payment_term IS 'Mirror of Odoo account.payment.term: payment terms';
COMMENT ON TABLE odoo_mirror.res_currency_rate IS 'Mirror of Odoo res.currency.rate: currency rates by date';
COMMENT ON TABLE odoo_mirror.res_country IS 'Mirror of Odoo res.country: countries';
COMMENT ON TABLE odoo_mirror.hr_department IS 'Mirror of Odoo hr.department: departments';
COMMENT ON TABLE odoo_mirror.product_category IS 'Mirror of Odoo product.category: product categories';
COMMENT ON TABLE odoo_mirror.product_template IS 'Mirror of Odoo product.template: products';
COMMENT ON TABLE odoo_mirror.product_product IS 'Mirror of Odoo product.product: product variants';

SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_account', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_journal', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_payment', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_partial_reconcile', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_full_reconcile', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_analytic_plan', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_analytic_account', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_analytic_line', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_payment_term', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_currency_rate', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_country', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.hr_department', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.product_category', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.product_template', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.product_product', '');

-- New columns on existing mirror tables ----------------------------------------------------------------
-- A mirror table attached to a landing table (replication set up) is a partition, and PostgreSQL adds
-- columns to a partitioned table only through its parent: add them there, which adds them to the mirror
-- table too (the landing table must have every column of its partition).
DO $columns$
DECLARE
    change record;
    target text;
BEGIN
    FOR change IN
        SELECT * FROM (VALUES
            ('res_company', 'fiscalyear_last_day', 'integer'),
            ('res_company', 'fiscalyear_last_month', 'character varying'),
            ('res_company', 'period_lock_date', 'date'),
            ('res_company', 'fiscalyear_lock_date', 'date'),
            ('res_company', 'tax_lock_date', 'date'),
            ('res_company', 'account_opening_date', 'date'),
            ('res_company', 'sale_lock_date', 'date'),
            ('res_company', 'purchase_lock_date', 'date'),
            ('res_company', 'hard_lock_date', 'date'),
            ('hr_employee', 'expense_manager_id', 'integer'),
            ('project_project', 'analytic_account_id', 'integer'),
            ('project_project', 'account_id', 'integer')
        ) AS c(table_name, column_name, column_type)
    LOOP
        SELECT i.inhparent::pg_catalog.regclass::text INTO target
        FROM pg_catalog.pg_inherits AS i
        WHERE i.inhrelid = pg_catalog.format('odoo_mirror.%I', change.table_name)::pg_catalog.regclass;
        EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN %I %s',
                                  COALESCE(target, pg_catalog.format('odoo_mirror.%I', change.table_name)),
                                  change.column_name, change.column_type);
    END LOOP;
END
$columns$;

-- Churn facts: the index also carries the invoice id (its reconciliations are looked up by it) ---------

DROP INDEX odoo_mirror.account_move_churn_facts_idx;
CREATE INDEX account_move_churn_facts_idx ON odoo_mirror.account_move
    ((COALESCE(commercial_partner_id, partner_id)), invoice_date)
    INCLUDE (commercial_partner_id, partner_id, move_type, amount_untaxed_signed, amount_total_signed,
             invoice_date_due, write_date, payment_state, amount_residual_signed, id)
    WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund');

-- Existing views: new columns at the end; three re-created with their time column first -------------

DROP VIEW odoo_mirror.v_task_summary;
DROP VIEW odoo_mirror.v_revenue_by_partner;
DROP VIEW odoo_mirror.v_expense_by_employee;

CREATE OR REPLACE VIEW odoo_mirror.v_invoice_summary AS
SELECT
    m.id AS invoice_id,
    m.name::text AS invoice_number,
    m.move_type::text AS move_type,
    CASE m.move_type
        WHEN 'out_invoice' THEN 'Customer Invoice'
        WHEN 'out_refund' THEN 'Customer Credit Note'
        WHEN 'in_invoice' THEN 'Vendor Bill'
        WHEN 'in_refund' THEN 'Vendor Credit Note'
        WHEN 'out_receipt' THEN 'Sales Receipt'
        WHEN 'in_receipt' THEN 'Purchase Receipt'
    END AS document_type,
    m.state::text AS state,
    m.payment_state::text AS payment_state,
    m.company_id,
    company.name::text AS company_name,
    COALESCE(m.commercial_partner_id, m.partner_id) AS partner_id,
    partner.name::text AS partner_name,
    partner.vat::text AS partner_vat,
    partner.email::text AS partner_email,
    partner.country_id AS partner_country_id,
    m.invoice_date,
    m.invoice_date_due,
    m.date AS accounting_date,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(m.amount_untaxed) < 99999999999999.995 THEN (m.amount_untaxed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_untaxed,
    CASE WHEN pg_catalog.abs(m.amount_tax) < 99999999999999.995 THEN (m.amount_tax)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_tax,
    CASE WHEN pg_catalog.abs(m.amount_total) < 99999999999999.995 THEN (m.amount_total)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_total,
    CASE WHEN pg_catalog.abs(m.amount_residual) < 99999999999999.995 THEN (m.amount_residual)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_residual,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(m.amount_untaxed_signed) < 99999999999999.995 THEN (m.amount_untaxed_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_untaxed_signed,
    CASE WHEN pg_catalog.abs(m.amount_total_signed) < 99999999999999.995 THEN (m.amount_total_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_total_signed,
    CASE WHEN pg_catalog.abs(m.amount_residual_signed) < 99999999999999.995 THEN (m.amount_residual_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_residual_signed,
    overdue.is_overdue,
    -- NULL for a due date at -infinity (no day count); 0 when not overdue.
    CASE WHEN NOT overdue.is_overdue THEN 0
         WHEN pg_catalog.isfinite(m.invoice_date_due) THEN CURRENT_DATE - m.invoice_date_due END AS days_overdue,
    -- 0.7.0: names beside the ids analysts group by.
    odoo_mirror.translated_text(country.name) AS partner_country_name,
    m.journal_id,
    odoo_mirror.translated_text(journal.name) AS journal_name
FROM odoo_mirror.account_move AS m
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = COALESCE(m.commercial_partner_id, m.partner_id)
LEFT JOIN odoo_mirror.res_country AS country ON country.id = partner.country_id
LEFT JOIN odoo_mirror.account_journal AS journal ON journal.id = m.journal_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = m.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = m.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
-- Odoo's own rule: posted, not (fully) paid, due date in the past.
CROSS JOIN LATERAL (
    SELECT COALESCE(m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')
                    AND m.invoice_date_due < CURRENT_DATE, false) AS is_overdue
) AS overdue
WHERE m.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt');
COMMENT ON VIEW odoo_mirror.v_invoice_summary IS
    'Invoices, refunds and receipts with partner, due date, residual and overdue status';

CREATE OR REPLACE VIEW odoo_mirror.v_expense_summary AS
SELECT
    e.id AS expense_id,
    e.name::text AS description,
    e.date AS expense_date,
    e.employee_id,
    employee.name::text AS employee_name,
    employee.department_id,
    e.state::text AS expense_state,
    e.payment_mode::text AS payment_mode,
    e.product_id,
    -- numeric to double precision raises beyond about 1e308 (or below 1e-308): NULL there, and for NaN.
    CASE WHEN e.quantity = 0 OR (pg_catalog.abs(e.quantity) > 1e-300 AND pg_catalog.abs(e.quantity) < 1e300)
         THEN e.quantity::double precision END AS quantity,
    CASE WHEN pg_catalog.abs(e.price_unit) < 99999999999999.995 THEN (e.price_unit)::numeric(16,2) ELSE NULL::numeric(16,2) END AS unit_amount,
    CASE WHEN pg_catalog.abs(e.total_amount_currency) < 99999999999999.995 THEN (e.total_amount_currency)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount_currency,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(e.total_amount) < 99999999999999.995 THEN (e.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount,
    CASE WHEN pg_catalog.abs(e.tax_amount) < 99999999999999.995 THEN (e.tax_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS tax_amount,
    company_currency.name::text AS company_currency,
    e.sheet_id,
    sheet.name::text AS sheet_name,
    sheet.state::text AS sheet_state,
    CASE sheet.state
        WHEN 'draft' THEN 'To Submit'
        WHEN 'submit' THEN 'Submitted'
        WHEN 'approve' THEN 'Approved'
        WHEN 'post' THEN 'Posted'
        WHEN 'done' THEN 'Done'
        WHEN 'cancel' THEN 'Refused'
    END AS sheet_status,
    sheet.payment_state::text AS sheet_payment_state,
    sheet.approval_date,
    COALESCE(sheet.accounting_date, e.accounting_date) AS accounting_date,
    e.company_id,
    company.name::text AS company_name,
    e.create_date AS created_at,
    -- 0.7.0: names beside the ids analysts group by.
    odoo_mirror.translated_text(department.name) AS department_name,
    odoo_mirror.translated_text(product_template.name) AS expense_category
FROM odoo_mirror.hr_expense AS e
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = e.employee_id
LEFT JOIN odoo_mirror.hr_department AS department ON department.id = employee.department_id
LEFT JOIN odoo_mirror.product_product AS product ON product.id = e.product_id
LEFT JOIN odoo_mirror.product_template AS product_template ON product_template.id = product.product_tmpl_id
LEFT JOIN odoo_mirror.hr_expense_sheet AS sheet ON sheet.id = e.sheet_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = e.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_expense_summary IS 'Expense lines with employee and expense report details';

CREATE VIEW odoo_mirror.v_task_summary AS
SELECT
    t.create_date AS created_at,
    t.id AS task_id,
    t.name::text AS task_name,
    t.project_id,
    odoo_mirror.translated_text(project.name) AS project_name,
    t.stage_id,
    odoo_mirror.translated_text(stage.name) AS stage_name,
    t.state::text AS state,
    CASE t.state
        WHEN '01_in_progress' THEN 'In Progress'
        WHEN '02_changes_requested' THEN 'Changes Requested'
        WHEN '03_approved' THEN 'Approved'
        WHEN '04_waiting_normal' THEN 'Waiting'
        WHEN '1_done' THEN 'Done'
        WHEN '1_canceled' THEN 'Cancelled'
    END AS status,
    COALESCE(t.state IN ('1_done', '1_canceled'), false) AS is_closed,
    t.priority::text AS priority,
    CASE t.priority WHEN '0' THEN 'Low' WHEN '1' THEN 'High' END
        AS priority_label,
    assignees.names AS assignees,
    COALESCE(assignees.how_many, 0) AS assignee_count,
    t.date_deadline,
    overdue.is_overdue,
    CASE WHEN NOT overdue.is_overdue THEN 0
         WHEN pg_catalog.isfinite(t.date_deadline)
         THEN (pg_catalog.now() AT TIME ZONE 'UTC')::date - t.date_deadline::date END AS days_overdue,
    t.partner_id,
    partner.name::text AS partner_name,
    t.company_id,
    t.allocated_hours,
    t.effective_hours,
    t.remaining_hours,
    t.progress,
    t.active,
    t.date_end AS closed_at,
    t.date_last_stage_update,
    company.name::text AS company_name
FROM odoo_mirror.project_task AS t
LEFT JOIN odoo_mirror.project_project AS project ON project.id = t.project_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = t.company_id
LEFT JOIN odoo_mirror.project_task_type AS stage ON stage.id = t.stage_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = t.partner_id
LEFT JOIN LATERAL (
    -- A user's name lives on the user's partner (res_users has no name column); the login stands in
    -- when the partner has not arrived yet. DISTINCT: the mirror does not enforce Odoo's unique pairs.
    SELECT pg_catalog.string_agg(DISTINCT COALESCE(user_partner.name, u.login, '#' || u.id::text)::text, ', '
                                 ORDER BY COALESCE(user_partner.name, u.login, '#' || u.id::text)::text) AS names,
           pg_catalog.count(DISTINCT u.id)::integer AS how_many
    FROM odoo_mirror.project_task_user_rel AS rel
    JOIN odoo_mirror.res_users AS u ON u.id = rel.user_id
    LEFT JOIN odoo_mirror.res_partner AS user_partner ON user_partner.id = u.partner_id
    WHERE rel.task_id = t.id
) AS assignees ON true
-- Odoo's rule: an active, open task whose deadline (a UTC timestamp) has passed.
CROSS JOIN LATERAL (
    SELECT COALESCE(t.active AND t.state NOT IN ('1_done', '1_canceled')
                    AND t.date_deadline < (pg_catalog.now() AT TIME ZONE 'UTC'), false) AS is_overdue
) AS overdue;
COMMENT ON VIEW odoo_mirror.v_task_summary IS 'Tasks with project, stage, priority, assignees, deadline and overdue status';

CREATE VIEW odoo_mirror.v_revenue_by_partner AS
WITH revenue AS (
    SELECT
        COALESCE(m.commercial_partner_id, m.partner_id) AS partner_id,
        m.company_id,
        COALESCE(pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_invoice'), 0) AS invoiced,
        COALESCE(-pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_refund'), 0) AS refunded,
        pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoice_count,
        pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_refund') AS refund_count,
        pg_catalog.min(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS first_invoice_date,
        pg_catalog.max(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_invoice_date
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    GROUP BY 1, 2
),
-- NaN and ±Infinity amounts are left out of the sums, as NULL is. A sum is NaN or ±Infinity only when its
-- rows hold one, so only such a group is summed again without them: the common case costs nothing per row.
finite AS (
    SELECT
        t.partner_id,
        t.company_id,
        CASE WHEN pg_catalog.abs(t.invoiced) < 'Infinity' THEN t.invoiced
             ELSE odoo_mirror.finite_revenue_total(t.partner_id, t.company_id, 'out_invoice') END AS invoiced,
        CASE WHEN pg_catalog.abs(t.refunded) < 'Infinity' THEN t.refunded
             ELSE -odoo_mirror.finite_revenue_total(t.partner_id, t.company_id, 'out_refund') END AS refunded,
        t.invoice_count,
        t.refund_count,
        t.first_invoice_date,
        t.last_invoice_date
    FROM revenue AS t
)
SELECT
    -- First: Superset's default time axis (0.7.0; "customers invoiced in the period").
    r.last_invoice_date,
    r.partner_id,
    partner.name::text AS partner_name,
    partner.vat::text AS partner_vat,
    r.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(r.invoiced) < 99999999999999.995 THEN (r.invoiced)::numeric(16,2) ELSE NULL::numeric(16,2) END AS invoiced_amount,
    CASE WHEN pg_catalog.abs(r.refunded) < 99999999999999.995 THEN (r.refunded)::numeric(16,2) ELSE NULL::numeric(16,2) END AS refunded_amount,
    CASE WHEN pg_catalog.abs((r.invoiced - r.refunded)) < 99999999999999.995 THEN ((r.invoiced - r.refunded))::numeric(16,2) ELSE NULL::numeric(16,2) END AS net_revenue,
    r.invoice_count,
    r.refund_count,
    r.first_invoice_date,
    partner.country_id AS partner_country_id,
    odoo_mirror.translated_text(country.name) AS partner_country_name
FROM finite AS r
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = r.partner_id
LEFT JOIN odoo_mirror.res_country AS country ON country.id = partner.country_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = r.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_revenue_by_partner IS
    'Invoiced, refunded and net revenue (untaxed, company currency) per customer and company';

CREATE VIEW odoo_mirror.v_expense_by_employee AS
WITH totals AS (
    SELECT
        e.employee_id,
        e.company_id,
        pg_catalog.count(*) AS expense_count,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IS DISTINCT FROM 'refused'), 0) AS total_amount,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'draft'), 0) AS amount_to_report,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'reported'), 0) AS amount_to_submit,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'submitted'), 0) AS amount_submitted,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IN ('approved', 'posted')), 0) AS amount_approved,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IN ('done', 'in_payment', 'paid')), 0) AS amount_done,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'refused'), 0) AS amount_refused,
        pg_catalog.count(*) FILTER (WHERE e.state = 'draft') AS count_to_report,
        pg_catalog.count(*) FILTER (WHERE e.state = 'reported') AS count_to_submit,
        pg_catalog.count(*) FILTER (WHERE e.state = 'submitted') AS count_submitted,
        pg_catalog.count(*) FILTER (WHERE e.state IN ('approved', 'posted')) AS count_approved,
        pg_catalog.count(*) FILTER (WHERE e.state IN ('done', 'in_payment', 'paid')) AS count_done,
        pg_catalog.count(*) FILTER (WHERE e.state = 'refused') AS count_refused,
        pg_catalog.max(e.date) AS last_expense_date
    FROM odoo_mirror.hr_expense AS e
    GROUP BY e.employee_id, e.company_id
),
-- NaN and ±Infinity amounts are left out of the sums, as NULL is. A sum is NaN or ±Infinity only when its
-- rows hold one, so only such a group is summed again without them: the common case costs nothing per row.
finite AS (
    SELECT
        t.employee_id,
        t.company_id,
        t.expense_count,
        CASE WHEN pg_catalog.abs(t.total_amount) < 'Infinity' THEN t.total_amount
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['refused'], true) END AS total_amount,
        CASE WHEN pg_catalog.abs(t.amount_to_report) < 'Infinity' THEN t.amount_to_report
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['draft'], false) END AS amount_to_report,
        CASE WHEN pg_catalog.abs(t.amount_to_submit) < 'Infinity' THEN t.amount_to_submit
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['reported'], false) END AS amount_to_submit,
        CASE WHEN pg_catalog.abs(t.amount_submitted) < 'Infinity' THEN t.amount_submitted
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['submitted'], false) END AS amount_submitted,
        CASE WHEN pg_catalog.abs(t.amount_approved) < 'Infinity' THEN t.amount_approved
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['approved', 'posted'], false) END AS amount_approved,
        CASE WHEN pg_catalog.abs(t.amount_done) < 'Infinity' THEN t.amount_done
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['done', 'in_payment', 'paid'], false) END AS amount_done,
        CASE WHEN pg_catalog.abs(t.amount_refused) < 'Infinity' THEN t.amount_refused
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['refused'], false) END AS amount_refused,
        t.count_to_report,
        t.count_to_submit,
        t.count_submitted,
        t.count_approved,
        t.count_done,
        t.count_refused,
        t.last_expense_date
    FROM totals AS t
)
SELECT
    -- First: Superset's default time axis (0.7.0; "employees who claimed in the period").
    t.last_expense_date,
    t.employee_id,
    employee.name::text AS employee_name,
    t.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS currency,
    t.expense_count,
    CASE WHEN pg_catalog.abs(t.total_amount) < 99999999999999.995 THEN (t.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount,
    CASE WHEN pg_catalog.abs(t.amount_to_report) < 99999999999999.995 THEN (t.amount_to_report)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_to_report,
    CASE WHEN pg_catalog.abs(t.amount_to_submit) < 99999999999999.995 THEN (t.amount_to_submit)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_to_submit,
    CASE WHEN pg_catalog.abs(t.amount_submitted) < 99999999999999.995 THEN (t.amount_submitted)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_submitted,
    CASE WHEN pg_catalog.abs(t.amount_approved) < 99999999999999.995 THEN (t.amount_approved)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_approved,
    CASE WHEN pg_catalog.abs(t.amount_done) < 99999999999999.995 THEN (t.amount_done)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_done,
    CASE WHEN pg_catalog.abs(t.amount_refused) < 99999999999999.995 THEN (t.amount_refused)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_refused,
    t.count_to_report,
    t.count_to_submit,
    t.count_submitted,
    t.count_approved,
    t.count_done,
    t.count_refused,
    employee.department_id,
    odoo_mirror.translated_text(department.name) AS department_name
FROM finite AS t
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = t.employee_id
LEFT JOIN odoo_mirror.hr_department AS department ON department.id = employee.department_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = t.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_expense_by_employee IS
    'Expense totals (company currency) and counts per employee, by expense state';

CREATE OR REPLACE VIEW odoo_mirror.v_churn_risk AS
SELECT
    p.partner_id,
    COALESCE(partner.complete_name, partner.name)::text AS partner_name,
    p.score,
    p.risk_band,
    p.reasons[1] AS top_reason,
    pg_catalog.array_to_string(p.reasons, '; ') AS reasons,
    CASE WHEN pg_catalog.abs(p.revenue_at_risk) < 99999999999999.995 THEN (p.revenue_at_risk)::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue_at_risk,
    p.model_version,
    p.as_of,
    p.scored_at,
    -- 0.7.0: the company the customer last bought from (a customer shared by companies has no company
    -- of its own in Odoo).
    latest.company_id,
    company.name::text AS company_name
FROM odoo_mirror.churn_predictions AS p
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = p.partner_id
LEFT JOIN LATERAL (
    SELECT m.company_id FROM odoo_mirror.account_move AS m
    WHERE COALESCE(m.commercial_partner_id, m.partner_id) = p.partner_id
      AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    ORDER BY m.invoice_date DESC NULLS LAST, m.id DESC
    LIMIT 1
) AS latest ON true
LEFT JOIN odoo_mirror.res_company AS company ON company.id = latest.company_id;
COMMENT ON VIEW odoo_mirror.v_churn_risk IS
    'Churn risk per active customer (score 0..1, band, reasons, revenue at risk = score x last 365 days revenue), as of the last odoo_mirror.refresh_churn_predictions().';

CREATE OR REPLACE VIEW odoo_mirror.v_suspicious_expenses AS
SELECT
    p.expense_id,
    e.name::text AS expense_name,
    p.employee_id,
    employee.name::text AS employee_name,
    p.sheet_id,
    sheet.name::text AS sheet_name,
    e.date,
    -- numeric(16,2) for Superset; an amount that does not fit, NaN or ±Infinity shows as NULL.
    CASE WHEN pg_catalog.abs(e.total_amount) < 99999999999999.995 THEN (e.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount,
    currency.name::text AS currency,
    e.state::text AS state,
    p.score,
    CASE WHEN p.score >= 0.7 THEN 'high' ELSE 'medium' END AS risk_band,
    p.top_reason,
    pg_catalog.array_to_string(p.reasons, '; ') AS reasons,
    label.is_fraud AS labelled_fraud,
    p.model_version,
    p.scored_at,
    -- 0.7.0: names beside the ids analysts group by.
    e.company_id,
    company.name::text AS company_name,
    employee.department_id,
    odoo_mirror.translated_text(department.name) AS department_name,
    e.product_id,
    odoo_mirror.translated_text(product_template.name) AS expense_category
FROM odoo_mirror.fraud_predictions AS p
LEFT JOIN odoo_mirror.hr_expense AS e ON e.id = p.expense_id
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = p.employee_id
LEFT JOIN odoo_mirror.hr_department AS department ON department.id = employee.department_id
LEFT JOIN odoo_mirror.product_product AS product ON product.id = e.product_id
LEFT JOIN odoo_mirror.product_template AS product_template ON product_template.id = product.product_tmpl_id
LEFT JOIN odoo_mirror.hr_expense_sheet AS sheet ON sheet.id = p.sheet_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id
LEFT JOIN odoo_mirror.expense_labels AS label ON label.expense_id = p.expense_id
WHERE p.score >= 0.5;
COMMENT ON VIEW odoo_mirror.v_suspicious_expenses IS
    'Expenses with a fraud score of at least 0.5 (band high from 0.7), with reasons and any auditor label, as of the last odoo_mirror.refresh_fraud_predictions().';

-- Column descriptions of the existing views (src/sql/comments.sql), the new columns' included -------

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

-- Finance views and their indexes (src/sql/finance.sql) ------------------------------------------------

-- odoo_mirror: the finance views (0.7.0): open items and aging, payments, days sales outstanding, the cash
-- forecast, analytic profit and loss and consolidated revenue. Odoo 17 Community has no aged receivable,
-- aged payable or partner ledger report (they are Enterprise features); these views follow Odoo's own
-- definitions of them.
--
-- Conventions, as in views.sql: money is numeric(16,2), NULL for an amount beyond it, NaN or ±Infinity,
-- and sums leave such amounts out; a day count from a date at ±infinity is NULL. Every amount here is in
-- the company currency (a row's company_currency) unless its column comment says otherwise, so amounts of
-- one company may be summed; amounts of several companies only when their company_currency is the same
-- (v_consolidated_revenue converts them). "Today" is CURRENT_DATE, the date in the reader's time zone.
--
-- Open items are journal items (account.move.line) of posted entries, on an account of type
-- asset_receivable or liability_payable, whose residual (amount_residual, company currency) is not zero:
-- Odoo's own rule for its aged partner balance. Their due date is date_maturity, else the entry's date.
-- Aging buckets count days past due as of a date: not due (due on or after it), 1-30, 31-60, 61-90,
-- 91-120, over 120.

-- Partial reconciliations are read from both sides: which items a payment settled, and how much of an
-- item was settled as of a past date.
CREATE INDEX account_partial_reconcile_debit_idx ON odoo_mirror.account_partial_reconcile (debit_move_id);
CREATE INDEX account_partial_reconcile_credit_idx ON odoo_mirror.account_partial_reconcile (credit_move_id);
-- get_aging of a past date reads the reconciliations made after it.
CREATE INDEX account_partial_reconcile_max_date_idx ON odoo_mirror.account_partial_reconcile (max_date);
-- Open items are a small part of all journal items. One partial index, account first: the views read
-- the receivable and payable accounts' open items (not the outstanding payment lines a company that does
-- not reconcile its bank statements keeps open), a company's or one partner's, and find what the aging
-- reads in the index itself.
-- It also carries the item's id (get_aging adds reconciliations to it) and the columns v_open_items
-- joins on (the planner decides whether a scan can read the index alone before it drops the joins a
-- query does not need).
CREATE INDEX account_move_line_open_idx ON odoo_mirror.account_move_line (account_id, partner_id, company_id)
    INCLUDE (amount_residual, date_maturity, date, id, move_id, journal_id, currency_id)
    WHERE parent_state = 'posted' AND amount_residual <> 0;
-- Rates are looked up by currency and date, latest first.
CREATE INDEX res_currency_rate_currency_date_idx ON odoo_mirror.res_currency_rate (currency_id, name DESC);
CREATE INDEX account_analytic_line_account_date_idx ON odoo_mirror.account_analytic_line (account_id, date);
CREATE INDEX account_payment_move_idx ON odoo_mirror.account_payment (move_id);
-- A customer's last payment (get_collections_worklist).
CREATE INDEX account_payment_partner_idx ON odoo_mirror.account_payment (partner_id);

-- One row per open receivable or payable journal item: a partner ledger of what is still open.
CREATE VIEW odoo_mirror.v_open_items AS
SELECT
    item.due_date,
    l.company_id,
    company.name::text AS company_name,
    l.partner_id,
    partner.name::text AS partner_name,
    CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind,
    l.account_id,
    COALESCE(account.code::text, account.code_store ->> l.company_id::text) AS account_code,
    odoo_mirror.translated_text(account.name) AS account_name,
    l.id AS move_line_id,
    l.move_id,
    move.name::text AS document_number,
    move.move_type::text AS move_type,
    l.date AS accounting_date,
    move.invoice_date,
    l.journal_id,
    odoo_mirror.translated_text(journal.name) AS journal_name,
    COALESCE(move.ref, move.payment_reference, l.name)::text AS reference,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(l.balance) < 99999999999999.995 THEN (l.balance)::numeric(16,2) ELSE NULL::numeric(16,2) END AS original_amount,
    CASE WHEN pg_catalog.abs(l.amount_residual) < 99999999999999.995 THEN (l.amount_residual)::numeric(16,2) ELSE NULL::numeric(16,2) END AS open_amount,
    currency.name::text AS document_currency,
    CASE WHEN pg_catalog.abs(l.amount_residual_currency) < 99999999999999.995 THEN (l.amount_residual_currency)::numeric(16,2) ELSE NULL::numeric(16,2) END AS open_amount_currency,
    CASE WHEN item.due_date >= CURRENT_DATE THEN 0
         WHEN pg_catalog.isfinite(item.due_date) THEN CURRENT_DATE - item.due_date END AS days_overdue,
    CASE WHEN item.due_date IS NULL THEN NULL
         WHEN item.due_date >= CURRENT_DATE THEN 'not due'
         WHEN item.due_date >= CURRENT_DATE - 30 THEN '1-30'
         WHEN item.due_date >= CURRENT_DATE - 60 THEN '31-60'
         WHEN item.due_date >= CURRENT_DATE - 90 THEN '61-90'
         WHEN item.due_date >= CURRENT_DATE - 120 THEN '91-120'
         ELSE 'over 120' END AS aging_bucket
FROM odoo_mirror.account_move_line AS l
JOIN odoo_mirror.account_account AS account
  ON account.id = l.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
CROSS JOIN LATERAL (SELECT COALESCE(l.date_maturity, l.date) AS due_date) AS item
LEFT JOIN odoo_mirror.account_move AS move ON move.id = l.move_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = l.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = l.partner_id
LEFT JOIN odoo_mirror.account_journal AS journal ON journal.id = l.journal_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = l.currency_id
WHERE l.parent_state = 'posted' AND l.amount_residual <> 0;
COMMENT ON VIEW odoo_mirror.v_open_items IS
    'Open receivable and payable journal items (a partner ledger of what is still open), with due date, days overdue and aging bucket as of today';
COMMENT ON COLUMN odoo_mirror.v_open_items.due_date IS 'Date the item is due: the journal item''s due date (date_maturity), else its accounting date, as Odoo''s aged balance takes it.';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_id IS 'Odoo id of the company the item belongs to.';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_name IS 'Name of the company the item belongs to.';
COMMENT ON COLUMN odoo_mirror.v_open_items.partner_id IS 'Odoo id of the customer or vendor on the journal item (res.partner).';
COMMENT ON COLUMN odoo_mirror.v_open_items.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_kind IS 'receivable (money owed to the company) or payable (money the company owes), from the account''s type.';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_id IS 'Odoo id of the account (account.account).';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_code IS 'Code of the account in the item''s company (e.g. 121000).';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_name IS 'Name of the account (English, else any translation).';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_line_id IS 'Odoo id of the journal item (account.move.line).';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_id IS 'Odoo id of the journal entry the item belongs to (account.move): the invoice, bill, refund or payment.';
COMMENT ON COLUMN odoo_mirror.v_open_items.document_number IS 'Number of the invoice, bill, refund or payment entry, e.g. INV/2024/00001.';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_type IS 'Odoo document type key of the entry: out_invoice, out_refund, in_invoice, in_refund, out_receipt, in_receipt or entry (payments and other entries).';
COMMENT ON COLUMN odoo_mirror.v_open_items.accounting_date IS 'Accounting date of the journal item.';
COMMENT ON COLUMN odoo_mirror.v_open_items.invoice_date IS 'Invoice or bill date of the entry; NULL for payments and other entries.';
COMMENT ON COLUMN odoo_mirror.v_open_items.journal_id IS 'Odoo id of the journal (account.journal).';
COMMENT ON COLUMN odoo_mirror.v_open_items.journal_name IS 'Name of the journal, e.g. Customer Invoices.';
COMMENT ON COLUMN odoo_mirror.v_open_items.reference IS 'Reference of the entry (its ref, else the payment reference, else the item''s label).';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_currency IS 'Company currency code (e.g. EUR): the currency of original_amount and open_amount.';
COMMENT ON COLUMN odoo_mirror.v_open_items.original_amount IS 'Amount of the item when posted, company currency, signed as in the ledger: positive is a debit (an invoice owed to the company, a vendor refund), negative a credit (a bill owed to a vendor, a customer payment not yet matched).';
COMMENT ON COLUMN odoo_mirror.v_open_items.open_amount IS 'Amount still open (Odoo''s residual), company currency, signed as original_amount; may be summed per company.';
COMMENT ON COLUMN odoo_mirror.v_open_items.document_currency IS 'Currency code of the item''s document (e.g. USD): the currency of open_amount_currency.';
COMMENT ON COLUMN odoo_mirror.v_open_items.open_amount_currency IS 'Amount still open in the document currency (document_currency), signed as original_amount; do not sum across currencies.';
COMMENT ON COLUMN odoo_mirror.v_open_items.days_overdue IS 'Days past the due date as of today (CURRENT_DATE in the reader''s time zone); 0 when not yet due; NULL for a due date at ±infinity.';
COMMENT ON COLUMN odoo_mirror.v_open_items.aging_bucket IS 'Aging bucket as of today: not due, 1-30, 31-60, 61-90, 91-120 or over 120 (days past due).';

-- Aging per partner, as of today, from the residuals Odoo stores; get_aging() gives the same for a past
-- date from the reconciliation dates. Amounts are what is owed: to the company on receivables, by it on
-- payables (so an unmatched customer payment or a vendor refund shows as a negative amount).
CREATE VIEW odoo_mirror.v_aging AS
SELECT
    CURRENT_DATE AS as_of_date,
    a.account_kind,
    a.company_id,
    company.name::text AS company_name,
    a.partner_id,
    partner.name::text AS partner_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(a.not_due) < 99999999999999.995 THEN a.not_due::numeric(16,2) ELSE NULL::numeric(16,2) END AS not_due,
    CASE WHEN pg_catalog.abs(a.overdue_1_30) < 99999999999999.995 THEN a.overdue_1_30::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_1_30,
    CASE WHEN pg_catalog.abs(a.overdue_31_60) < 99999999999999.995 THEN a.overdue_31_60::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_31_60,
    CASE WHEN pg_catalog.abs(a.overdue_61_90) < 99999999999999.995 THEN a.overdue_61_90::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_61_90,
    CASE WHEN pg_catalog.abs(a.overdue_91_120) < 99999999999999.995 THEN a.overdue_91_120::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_91_120,
    CASE WHEN pg_catalog.abs(a.overdue_over_120) < 99999999999999.995 THEN a.overdue_over_120::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_over_120,
    CASE WHEN pg_catalog.abs(a.total_open) < 99999999999999.995 THEN a.total_open::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_open,
    a.open_items,
    a.oldest_due_date
FROM (
    -- Only ids and amounts of the open items: the planner then drops v_open_items' joins for names,
    -- which are joined once per partner below.
    SELECT
        i.account_kind, i.company_id, i.partner_id,
        -- The buckets of v_open_items.aging_bucket, by date comparisons (cheaper per item than its text).
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date >= CURRENT_DATE), 0) AS not_due,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE AND i.due_date >= CURRENT_DATE - 30), 0) AS overdue_1_30,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 30 AND i.due_date >= CURRENT_DATE - 60), 0) AS overdue_31_60,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 60 AND i.due_date >= CURRENT_DATE - 90), 0) AS overdue_61_90,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 90 AND i.due_date >= CURRENT_DATE - 120), 0) AS overdue_91_120,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 120), 0) AS overdue_over_120,
        COALESCE(pg_catalog.sum(i.owed), 0) AS total_open,
        -- Items whose amount the view shows as NULL (NaN, beyond numeric(16,2)) are not counted.
        pg_catalog.count(i.owed) AS open_items,
        pg_catalog.min(i.due_date) FILTER (WHERE i.owed IS NOT NULL) AS oldest_due_date
    FROM (
        SELECT o.account_kind, o.company_id, o.partner_id, o.due_date,
               CASE o.account_kind WHEN 'payable' THEN -o.open_amount ELSE o.open_amount END AS owed
        FROM odoo_mirror.v_open_items AS o
    ) AS i
    GROUP BY i.account_kind, i.company_id, i.partner_id
) AS a
LEFT JOIN odoo_mirror.res_company AS company ON company.id = a.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = a.partner_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_aging IS
    'Receivables and payables per partner and company by days past due as of today (both sides of v_receivable_aging and v_payable_aging)';

CREATE VIEW odoo_mirror.v_receivable_aging AS
SELECT as_of_date, company_id, company_name, partner_id, partner_name, company_currency, not_due, overdue_1_30,
       overdue_31_60, overdue_61_90, overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date
FROM odoo_mirror.v_aging WHERE account_kind = 'receivable';
COMMENT ON VIEW odoo_mirror.v_receivable_aging IS
    'Aged receivables: what each customer owes each company, by days past due as of today (Odoo''s aged receivable)';

CREATE VIEW odoo_mirror.v_payable_aging AS
SELECT as_of_date, company_id, company_name, partner_id, partner_name, company_currency, not_due, overdue_1_30,
       overdue_31_60, overdue_61_90, overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date
FROM odoo_mirror.v_aging WHERE account_kind = 'payable';
COMMENT ON VIEW odoo_mirror.v_payable_aging IS
    'Aged payables: what each company owes each vendor, by days past due as of today (Odoo''s aged payable)';

-- The aging views' columns mean the same in all three; each gets the description (Superset reads them
-- per view).
DO $comments$
DECLARE
    view_name text;
    description record;
BEGIN
    FOR view_name IN SELECT unnest(ARRAY['v_aging', 'v_receivable_aging', 'v_payable_aging']) LOOP
        FOR description IN
            SELECT * FROM (VALUES
                ('as_of_date', 'Date the aging is computed for: today (CURRENT_DATE in the reader''s time zone).'),
                ('account_kind', 'receivable (owed to the company) or payable (owed by the company).'),
                ('company_id', 'Odoo id of the company.'),
                ('company_name', 'Name of the company.'),
                ('partner_id', 'Odoo id of the customer or vendor (res.partner) on the open items.'),
                ('partner_name', 'Name of the customer or vendor; NULL if the partner is not in the mirror.'),
                ('company_currency', 'Company currency code (e.g. EUR): the currency of every amount of the row.'),
                ('not_due', 'Amount owed that is not yet due (due today or later), company currency.'),
                ('overdue_1_30', 'Amount owed 1 to 30 days past due, company currency.'),
                ('overdue_31_60', 'Amount owed 31 to 60 days past due, company currency.'),
                ('overdue_61_90', 'Amount owed 61 to 90 days past due, company currency.'),
                ('overdue_91_120', 'Amount owed 91 to 120 days past due, company currency.'),
                ('overdue_over_120', 'Amount owed more than 120 days past due, company currency.'),
                ('total_open', 'Everything owed (sum of the buckets), company currency; receivables: owed to the company, payables: owed by it; negative when the partner has more credit (unmatched payments, refunds) than debt.'),
                ('open_items', 'Number of open journal items behind the row.'),
                ('oldest_due_date', 'Earliest due date among the open items.')
            ) AS d(column_name, text)
        LOOP
            IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                       WHERE attrelid = pg_catalog.format('odoo_mirror.%I', view_name)::regclass
                         AND attname = description.column_name AND NOT attisdropped) THEN
                EXECUTE pg_catalog.format('COMMENT ON COLUMN odoo_mirror.%I.%I IS %L', view_name,
                                          description.column_name, description.text);
            END IF;
        END LOOP;
    END LOOP;
END
$comments$;

-- One row per payment and document it settled (a payment not yet matched has one row with no document).
-- A payment settles a document through partial reconciliations between its receivable or payable
-- journal item and the document's. Odoo 17 keeps a payment's date, number and state on its journal entry;
-- Odoo 18 also on the payment (read first). A payment without a journal entry (Odoo 18) has no settlement.
CREATE VIEW odoo_mirror.v_payments AS
SELECT
    COALESCE(p.date, payment_move.date) AS payment_date,
    p.id AS payment_id,
    COALESCE(p.name, payment_move.name)::text AS payment_number,
    COALESCE(p.state, payment_move.state)::text AS state,
    p.payment_type::text AS payment_type,
    p.partner_type::text AS partner_type,
    COALESCE(p.company_id, payment_move.company_id) AS company_id,
    company.name::text AS company_name,
    p.partner_id,
    partner.name::text AS partner_name,
    COALESCE(p.journal_id, payment_move.journal_id) AS journal_id,
    odoo_mirror.translated_text(journal.name) AS journal_name,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(p.amount) < 99999999999999.995 THEN (p.amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(p.amount_company_currency_signed) < 99999999999999.995
         THEN (p.amount_company_currency_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_company_currency_signed,
    p.move_id,
    settled.move_id AS settled_move_id,
    settled_move.name::text AS settled_document_number,
    settled_move.move_type::text AS settled_move_type,
    CASE WHEN pg_catalog.abs(settled.amount) < 99999999999999.995 THEN (settled.amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS settled_amount,
    settled.settled_on
FROM odoo_mirror.account_payment AS p
LEFT JOIN odoo_mirror.account_move AS payment_move ON payment_move.id = p.move_id
LEFT JOIN LATERAL (
    SELECT other_line.move_id, pr.amount, pr.max_date AS settled_on
    FROM odoo_mirror.account_move_line AS payment_line
    JOIN odoo_mirror.account_account AS account
      ON account.id = payment_line.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
    JOIN odoo_mirror.account_partial_reconcile AS pr ON pr.debit_move_id = payment_line.id
    JOIN odoo_mirror.account_move_line AS other_line ON other_line.id = pr.credit_move_id
    WHERE payment_line.move_id = p.move_id
    UNION ALL
    SELECT other_line.move_id, pr.amount, pr.max_date
    FROM odoo_mirror.account_move_line AS payment_line
    JOIN odoo_mirror.account_account AS account
      ON account.id = payment_line.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
    JOIN odoo_mirror.account_partial_reconcile AS pr ON pr.credit_move_id = payment_line.id
    JOIN odoo_mirror.account_move_line AS other_line ON other_line.id = pr.debit_move_id
    WHERE payment_line.move_id = p.move_id
) AS settled ON true
LEFT JOIN odoo_mirror.account_move AS settled_move ON settled_move.id = settled.move_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = COALESCE(p.company_id, payment_move.company_id)
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = p.partner_id
LEFT JOIN odoo_mirror.account_journal AS journal ON journal.id = COALESCE(p.journal_id, payment_move.journal_id)
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = p.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_payments IS
    'Payments with the invoices, bills and refunds each settled, how much and when (from Odoo''s partial reconciliations)';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_date IS 'Date of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_id IS 'Odoo id of the payment (account.payment); a payment settling several documents has a row for each.';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_number IS 'Number of the payment, e.g. PBNK1/2024/00012.';
COMMENT ON COLUMN odoo_mirror.v_payments.state IS 'Odoo status of the payment: draft, posted, cancel (Odoo 18 also in_process, paid, rejected).';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_type IS 'inbound (money received) or outbound (money sent).';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_type IS 'customer or supplier.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_id IS 'Odoo id of the company the payment belongs to.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_name IS 'Name of the company the payment belongs to.';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_id IS 'Odoo id of the customer or vendor who paid or was paid.';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_payments.journal_id IS 'Odoo id of the bank or cash journal of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.journal_name IS 'Name of the bank or cash journal.';
COMMENT ON COLUMN odoo_mirror.v_payments.currency IS 'Currency code of the payment (e.g. USD): the currency of amount.';
COMMENT ON COLUMN odoo_mirror.v_payments.amount IS 'Amount of the payment in its own currency (currency), never negative; repeated on each row of a payment that settled several documents: do not sum it over settlements.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_currency IS 'Company currency code: the currency of amount_company_currency_signed and settled_amount.';
COMMENT ON COLUMN odoo_mirror.v_payments.amount_company_currency_signed IS 'Amount of the payment in the company currency, positive when received, negative when sent; repeated on each row of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.move_id IS 'Odoo id of the payment''s journal entry (account.move); NULL for an Odoo 18 payment without one.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_move_id IS 'Odoo id of the invoice, bill, refund or other entry this payment settled (in part); NULL when the payment is not matched.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_document_number IS 'Number of the settled document, e.g. INV/2024/00001.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_move_type IS 'Odoo document type key of the settled document: out_invoice, in_invoice, out_refund, in_refund, entry, ...';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_amount IS 'Amount of the document this payment settled, company currency, never negative; may be summed.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_on IS 'Date the settlement counts from: the later of the payment''s and the document''s accounting dates (Odoo''s max_date).';

-- Days sales outstanding per company and month.
CREATE VIEW odoo_mirror.v_dso_monthly AS
WITH receivable_moves AS (
    SELECT l.company_id, pg_catalog.date_trunc('month', l.date)::date AS month,
           pg_catalog.sum(CASE WHEN pg_catalog.abs(l.balance) < 99999999999999.995 THEN l.balance END) AS change
    FROM odoo_mirror.account_move_line AS l
    JOIN odoo_mirror.account_account AS account ON account.id = l.account_id AND account.account_type = 'asset_receivable'
    WHERE l.parent_state = 'posted' AND pg_catalog.isfinite(l.date)
    GROUP BY 1, 2
), sales AS (
    SELECT m.company_id, pg_catalog.date_trunc('month', m.invoice_date)::date AS month,
           pg_catalog.sum(CASE WHEN pg_catalog.abs(m.amount_total_signed) < 99999999999999.995 THEN m.amount_total_signed END) AS credit_sales
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND pg_catalog.isfinite(m.invoice_date)
    GROUP BY 1, 2
), bounds AS (
    SELECT company_id, pg_catalog.min(month) AS first_month
    FROM (SELECT company_id, month FROM receivable_moves UNION ALL SELECT company_id, month FROM sales) AS months
    GROUP BY company_id
), series AS (
    SELECT b.company_id, s.month::date AS month
    FROM bounds AS b
    CROSS JOIN LATERAL pg_catalog.generate_series(
        b.first_month::timestamp, pg_catalog.date_trunc('month', CURRENT_DATE)::timestamp, interval '1 month') AS s(month)
), running AS (
    SELECT s.company_id, s.month,
           (s.month + interval '1 month' - interval '1 day')::date AS month_end,
           pg_catalog.sum(COALESCE(r.change, 0)) OVER w AS receivables,
           COALESCE(sales.credit_sales, 0) AS credit_sales,
           pg_catalog.sum(COALESCE(sales.credit_sales, 0)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS credit_sales_3m,
           ((s.month + interval '1 month')::date - (s.month - interval '2 months')::date) AS days_3m
    FROM series AS s
    LEFT JOIN receivable_moves AS r ON r.company_id IS NOT DISTINCT FROM s.company_id AND r.month = s.month
    LEFT JOIN sales ON sales.company_id IS NOT DISTINCT FROM s.company_id AND sales.month = s.month
    WINDOW w AS (PARTITION BY s.company_id ORDER BY s.month)
)
SELECT
    r.month,
    r.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(r.receivables) < 99999999999999.995 THEN r.receivables::numeric(16,2) ELSE NULL::numeric(16,2) END AS receivables_at_month_end,
    CASE WHEN pg_catalog.abs(r.credit_sales) < 99999999999999.995 THEN r.credit_sales::numeric(16,2) ELSE NULL::numeric(16,2) END AS credit_sales,
    CASE WHEN r.credit_sales > 0
         THEN (r.receivables / r.credit_sales * (r.month_end - r.month + 1))::double precision END AS days_sales_outstanding,
    CASE WHEN r.credit_sales_3m > 0
         THEN (r.receivables / r.credit_sales_3m * r.days_3m)::double precision END AS days_sales_outstanding_3m
FROM running AS r
LEFT JOIN odoo_mirror.res_company AS company ON company.id = r.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_dso_monthly IS
    'Days sales outstanding per company and month: receivables at month end against the month''s credit sales';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.month IS 'First day of the month.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_currency IS 'Company currency code: the currency of receivables_at_month_end and credit_sales.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.receivables_at_month_end IS 'Balance of the receivable accounts at the end of the month (posted journal items dated up to then), company currency.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.credit_sales IS 'Customer invoices less customer credit notes posted with an invoice date in the month, tax included (amount_total_signed), company currency.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.days_sales_outstanding IS 'DSO = receivables_at_month_end / credit_sales x days in the month; NULL when the month has no credit sales.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.days_sales_outstanding_3m IS 'DSO over three months = receivables_at_month_end / credit sales of this and the two months before x the days in those three months; steadier than the monthly figure.';

-- How late each partner pays (receivables) and is paid (payables): from the items settled in full in the
-- last 365 days, the days between each item's due date and the date its last reconciliation counts from,
-- weighted by amount. The cash forecast shifts open items by it; the collections worklist shows it.
-- Computing it reads every reconciled item (about as long as a full scan of account_move_line, twice),
-- and a yearly average moves slowly: refresh_payment_delays() keeps it in a table, scheduled like the
-- revenue rollup's refresh; v_payment_delays says when it was computed.
CREATE TABLE odoo_mirror.payment_delays (
    company_id integer NOT NULL,
    partner_id integer NOT NULL,
    account_kind text NOT NULL,
    settled_items bigint NOT NULL,
    average_delay_days double precision,
    last_settled_on date,
    refreshed_at timestamp with time zone NOT NULL,
    -- What the cash forecast shifts the partner's open items by: the average in whole days, bounded to
    -- -60..365 (a few odd settlements must not move a forecast by years).
    forecast_shift_days integer NOT NULL,
    CONSTRAINT payment_delays_pkey PRIMARY KEY (partner_id, company_id, account_kind),
    CONSTRAINT payment_delays_account_kind_check CHECK (account_kind IN ('receivable', 'payable'))
);
COMMENT ON TABLE odoo_mirror.payment_delays IS
    'Average payment delay per partner, company and side, as of the last odoo_mirror.refresh_payment_delays(); read through v_payment_delays';

-- When each posted customer invoice or refund was settled: the date its last reconciliation counts from
-- (max_date). The churn model dates payments by it (write_date only without it). Finding it reads every
-- reconciliation and the items on both sides, seconds at scale, so refresh_payment_delays() computes it
-- with the delays rather than every churn scoring.
CREATE TABLE odoo_mirror.invoice_settlements (
    move_id integer NOT NULL,
    settled_on date NOT NULL,
    CONSTRAINT invoice_settlements_pkey PRIMARY KEY (move_id)
);
COMMENT ON TABLE odoo_mirror.invoice_settlements IS
    'Date each posted customer invoice or refund was last reconciled (max_date), as of the last odoo_mirror.refresh_payment_delays(); read by the churn model';

CREATE FUNCTION odoo_mirror.refresh_payment_delays() RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $function$
    -- One refresh at a time; readers keep reading the previous figures until it commits.
    LOCK TABLE odoo_mirror.payment_delays, odoo_mirror.invoice_settlements IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM odoo_mirror.invoice_settlements;
    INSERT INTO odoo_mirror.invoice_settlements (move_id, settled_on)
    SELECT l.move_id, pg_catalog.max(sides.max_date)
    FROM (
        SELECT pg_catalog.unnest(ARRAY[pr.debit_move_id, pr.credit_move_id]) AS line_id, pr.max_date
        FROM odoo_mirror.account_partial_reconcile AS pr
        WHERE pr.max_date IS NOT NULL
    ) AS sides
    JOIN odoo_mirror.account_move_line AS l ON l.id = sides.line_id
    JOIN odoo_mirror.account_move AS m
      ON m.id = l.move_id AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    GROUP BY l.move_id;
    DELETE FROM odoo_mirror.payment_delays;
    INSERT INTO odoo_mirror.payment_delays
        (company_id, partner_id, account_kind, settled_items, average_delay_days, last_settled_on, refreshed_at,
         forecast_shift_days)
    SELECT company_id, partner_id, account_kind, settled_items, average_delay_days, last_settled_on, pg_catalog.now(),
           -- COALESCE first: GREATEST and LEAST skip NULLs.
           pg_catalog.round(LEAST(GREATEST(COALESCE(average_delay_days, 0), -60), 365))::integer
    FROM (
    SELECT company_id, partner_id, account_kind, pg_catalog.count(*) AS settled_items,
           CASE WHEN pg_catalog.sum(amount) > 0
                THEN (pg_catalog.sum(amount * (settled_on - due_date)) / pg_catalog.sum(amount))::double precision
           END AS average_delay_days,
           pg_catalog.max(settled_on) AS last_settled_on
    FROM (
        SELECT l.company_id, l.partner_id,
               CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind,
               pg_catalog.abs(l.balance) AS amount,
               COALESCE(l.date_maturity, l.date) AS due_date,
               s.settled_on
        FROM odoo_mirror.account_move_line AS l
        JOIN odoo_mirror.account_account AS account
          ON account.id = l.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
        CROSS JOIN LATERAL (
            SELECT pg_catalog.max(pr.max_date) AS settled_on
            FROM odoo_mirror.account_partial_reconcile AS pr
            WHERE pr.debit_move_id = l.id OR pr.credit_move_id = l.id
        ) AS s
        WHERE l.parent_state = 'posted' AND l.amount_residual = 0 AND l.reconciled
          -- A delay belongs to a partner of a company.
          AND l.partner_id IS NOT NULL AND l.company_id IS NOT NULL
          -- The documents (invoices, bills), not the payments that settled them.
          AND ((account.account_type = 'asset_receivable' AND l.balance > 0)
               OR (account.account_type = 'liability_payable' AND l.balance < 0))
          AND pg_catalog.abs(l.balance) < 99999999999999.995
          AND pg_catalog.isfinite(COALESCE(l.date_maturity, l.date))
    ) AS settled
    WHERE settled_on >= CURRENT_DATE - 365 AND settled_on <= CURRENT_DATE
    GROUP BY company_id, partner_id, account_kind
    ) AS delays;
    SELECT pg_catalog.count(*)::integer FROM odoo_mirror.payment_delays;
$function$;
COMMENT ON FUNCTION odoo_mirror.refresh_payment_delays() IS
    'Recomputes from the reconciliations odoo_mirror.payment_delays (read by v_payment_delays, v_cash_forecast and get_collections_worklist) and odoo_mirror.invoice_settlements (the churn model''s payment dates); returns the number of partner rows. Schedule it (pg_cron, daily or hourly). Owner only.';

CREATE VIEW odoo_mirror.v_payment_delays AS
SELECT
    d.last_settled_on,
    d.account_kind,
    d.company_id,
    company.name::text AS company_name,
    d.partner_id,
    partner.name::text AS partner_name,
    d.settled_items,
    d.average_delay_days,
    d.refreshed_at,
    d.forecast_shift_days
FROM odoo_mirror.payment_delays AS d
LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = d.partner_id;
COMMENT ON VIEW odoo_mirror.v_payment_delays IS
    'How many days after the due date each partner pays (receivables) or is paid (payables), from the items settled in full in the 365 days before the last refresh_payment_delays()';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.last_settled_on IS 'Date the partner''s most recently settled item was settled (the date its last reconciliation counts from).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.account_kind IS 'receivable (the customer paying the company) or payable (the company paying the vendor).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_id IS 'Odoo id of the customer or vendor.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.settled_items IS 'Invoices or bills of the partner settled in full in the last 365 days.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.average_delay_days IS 'Days from due date to settlement, averaged over those items weighted by amount; negative when paid early.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.forecast_shift_days IS 'What v_cash_forecast shifts the partner''s open items by: average_delay_days rounded to whole days and bounded to -60..365.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.refreshed_at IS 'When refresh_payment_delays() computed the row; the 365 days end on that day.';

-- Cash expected in and out per week for the next 13 weeks, from the open items: each shifted by its
-- partner's average payment delay (payment_delays, as of its last refresh, bounded to -60..365 days;
-- none known: no shift), and beside it the plain due-date figure. Items already late, or expected
-- before this week, fall in this week.
CREATE VIEW odoo_mirror.v_cash_forecast AS
WITH items AS (
    -- v_open_items' rows, read account by account through the open-items index: the planner cannot
    -- tell how few of all open items sit on receivable and payable accounts (a company that does not
    -- reconcile its bank statements keeps every outstanding payment line open), and would read
    -- account_move_line whole.
    -- Weeks are counted from this week's Monday (0 = this week) in integer arithmetic; what falls before
    -- it counts in week 0, and a date at ±infinity (which cannot be subtracted) in week 0 or none.
    SELECT l.company_id, kind.account_kind,
           -- Signed as in the ledger; the sums below turn payables into what is owed.
           CASE WHEN pg_catalog.abs(l.amount_residual) < 99999999999999.995 THEN l.amount_residual END AS owed,
           CASE WHEN l.due_date < monday.day THEN 0
                WHEN l.due_date < monday.day + 91 THEN (l.due_date - monday.day) / 7 END AS due_week,
           -- No known delay: no shift.
           CASE WHEN shifted.day < monday.day THEN 0
                WHEN shifted.day < monday.day + 91 THEN (shifted.day - monday.day) / 7 END AS expected_week
    FROM odoo_mirror.account_account AS account
    CROSS JOIN LATERAL (
        SELECT CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind
    ) AS kind
    CROSS JOIN LATERAL (
        SELECT open_line.company_id, open_line.partner_id, open_line.amount_residual,
               COALESCE(open_line.date_maturity, open_line.date) AS due_date
        FROM odoo_mirror.account_move_line AS open_line
        WHERE open_line.account_id = account.id AND open_line.parent_state = 'posted' AND open_line.amount_residual <> 0
        OFFSET 0
    ) AS l
    -- Plain equality (hashable): an item without a partner has no partner delay.
    LEFT JOIN odoo_mirror.payment_delays AS d
      ON d.company_id = l.company_id AND d.partner_id = l.partner_id AND d.account_kind = kind.account_kind
    CROSS JOIN LATERAL (SELECT l.due_date + COALESCE(d.forecast_shift_days, 0) AS day) AS shifted
    CROSS JOIN (SELECT pg_catalog.date_trunc('week', CURRENT_DATE::timestamp)::date AS day) AS monday
    WHERE account.account_type IN ('asset_receivable', 'liability_payable')
), weekly AS (
    -- One pass over the items for both placements (GROUPING SETS): by expected week and by due week.
    SELECT company_id, COALESCE(expected_week, due_week) AS week_index, GROUPING(expected_week) = 0 AS expected,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'receivable') AS cash_in,
           -pg_catalog.sum(owed) FILTER (WHERE account_kind = 'payable') AS cash_out
    FROM items
    GROUP BY GROUPING SETS ((company_id, expected_week), (company_id, due_week))
), weeks AS (
    SELECT (pg_catalog.date_trunc('week', CURRENT_DATE::timestamp) + n * interval '1 week')::date AS week_start,
           n AS week_index, n + 1 AS week_number
    FROM pg_catalog.generate_series(0, 12) AS n
), forecast AS (
    SELECT w.week_start, w.week_number, c.company_id,
           COALESCE(e.cash_in, 0) AS expected_in, COALESCE(e.cash_out, 0) AS expected_out,
           COALESCE(d.cash_in, 0) AS due_in, COALESCE(d.cash_out, 0) AS due_out
    FROM weeks AS w
    -- Every company, each with 13 weeks (of zeros when nothing is open).
    CROSS JOIN (SELECT company.id AS company_id FROM odoo_mirror.res_company AS company) AS c
    LEFT JOIN weekly AS e ON e.company_id = c.company_id AND e.week_index = w.week_index AND e.expected
    LEFT JOIN weekly AS d ON d.company_id = c.company_id AND d.week_index = w.week_index AND NOT d.expected
)
SELECT
    f.week_start,
    f.week_number,
    f.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(f.expected_in) < 99999999999999.995 THEN (f.expected_in)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_in,
    CASE WHEN pg_catalog.abs(f.expected_out) < 99999999999999.995 THEN (f.expected_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_out,
    CASE WHEN pg_catalog.abs(f.expected_in - f.expected_out) < 99999999999999.995 THEN (f.expected_in - f.expected_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_net,
    CASE WHEN pg_catalog.abs(f.due_in) < 99999999999999.995 THEN (f.due_in)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_in,
    CASE WHEN pg_catalog.abs(f.due_out) < 99999999999999.995 THEN (f.due_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_out,
    CASE WHEN pg_catalog.abs(f.due_in - f.due_out) < 99999999999999.995 THEN (f.due_in - f.due_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_net
FROM forecast AS f
LEFT JOIN odoo_mirror.res_company AS company ON company.id = f.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_cash_forecast IS
    'Cash expected in and out per company and week for the next 13 weeks: open items shifted by each partner''s usual payment delay, beside the plain due-date figures';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.week_start IS 'Monday the week starts on; the first week is the current one (CURRENT_DATE in the reader''s time zone).';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.week_number IS 'Week of the forecast, 1 (this week) to 13.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_currency IS 'Company currency code: the currency of every amount of the row.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_in IS 'Receivables expected to be paid in the week: each open item at its due date shifted by the customer''s average payment delay (v_payment_delays); late items count in week 1. Company currency; customer credits reduce it.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_out IS 'Payables expected to be paid in the week, shifted by the company''s average delay in paying that vendor; late items count in week 1. Company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_net IS 'expected_in minus expected_out, company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_in IS 'Receivables falling due in the week (no shift; overdue ones in week 1), company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_out IS 'Payables falling due in the week (no shift; overdue ones in week 1), company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_net IS 'due_in minus due_out, company currency.';

-- Income and expense per analytic account and month, from the analytic lines. Odoo keeps the project
-- plan's account in account_id and adds a column x_plan<N>_id for each further plan; those per-plan
-- columns are not mirrored (they differ per database), so this covers the accounts of the project plan
-- (account_id) only.
CREATE VIEW odoo_mirror.v_analytic_pnl AS
SELECT
    p.month,
    p.company_id,
    company.name::text AS company_name,
    p.analytic_account_id,
    odoo_mirror.translated_text(analytic.name) AS analytic_account_name,
    analytic.code::text AS analytic_account_code,
    analytic.plan_id AS analytic_plan_id,
    odoo_mirror.translated_text(plan.name) AS analytic_plan_name,
    analytic.partner_id,
    partner.name::text AS partner_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(p.income) < 99999999999999.995 THEN p.income::numeric(16,2) ELSE NULL::numeric(16,2) END AS income,
    CASE WHEN pg_catalog.abs(p.expense) < 99999999999999.995 THEN p.expense::numeric(16,2) ELSE NULL::numeric(16,2) END AS expense,
    CASE WHEN pg_catalog.abs(p.income - p.expense) < 99999999999999.995 THEN (p.income - p.expense)::numeric(16,2) ELSE NULL::numeric(16,2) END AS net,
    p.line_count
FROM (
    SELECT
        pg_catalog.date_trunc('month', aal.date)::date AS month,
        aal.company_id,
        aal.account_id AS analytic_account_id,
        COALESCE(pg_catalog.sum(aal.amount) FILTER (WHERE aal.amount > 0 AND aal.amount < 99999999999999.995), 0) AS income,
        COALESCE(-pg_catalog.sum(aal.amount) FILTER (WHERE aal.amount < 0 AND aal.amount > -99999999999999.995), 0) AS expense,
        pg_catalog.count(*) AS line_count
    FROM odoo_mirror.account_analytic_line AS aal
    WHERE aal.account_id IS NOT NULL AND pg_catalog.isfinite(aal.date)
    GROUP BY 1, 2, 3
) AS p
LEFT JOIN odoo_mirror.account_analytic_account AS analytic ON analytic.id = p.analytic_account_id
LEFT JOIN odoo_mirror.account_analytic_plan AS plan ON plan.id = analytic.plan_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = analytic.partner_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = p.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_analytic_pnl IS
    'Income and expense per analytic account (project plan) and month, from Odoo''s analytic lines';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.month IS 'First day of the month of the analytic lines'' dates.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_id IS 'Odoo id of the company of the analytic lines.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_id IS 'Odoo id of the analytic account (account.analytic.account) of the project plan.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_name IS 'Name of the analytic account (English, else any translation).';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_code IS 'Reference code of the analytic account; NULL when not set.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_plan_id IS 'Odoo id of the analytic plan the account belongs to.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_plan_name IS 'Name of the analytic plan.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.partner_id IS 'Odoo id of the analytic account''s customer, if it has one.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.partner_name IS 'Name of the analytic account''s customer.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_currency IS 'Company currency code: analytic amounts are in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.income IS 'Sum of the positive analytic amounts (revenue), company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.expense IS 'Sum of the negative analytic amounts (costs, timesheets), as a positive number, company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.net IS 'income minus expense, company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.line_count IS 'Number of analytic lines.';

-- Revenue of every company in one reporting currency, each day's revenue converted at that invoice
-- date's rate as Odoo converts: the latest rate dated on or before the day, the company's own rate
-- before a shared one, 1 when there is none (flagged). The reporting currency is the setting
-- odoo_mirror.reporting_currency (an ISO code, e.g. ALTER DATABASE ... SET odoo_mirror.reporting_currency
-- = 'USD'), else the currency of the top company (no parent, lowest sequence).
CREATE VIEW odoo_mirror.v_consolidated_revenue AS
WITH reporting AS (
    SELECT COALESCE(
        (SELECT c.id FROM odoo_mirror.res_currency AS c
         WHERE c.name = pg_catalog.upper(pg_catalog.btrim(pg_catalog.current_setting('odoo_mirror.reporting_currency', true)))
         ORDER BY c.id LIMIT 1),
        (SELECT company.currency_id FROM odoo_mirror.res_company AS company
         ORDER BY company.parent_id IS NOT NULL, company.sequence NULLS LAST, company.id LIMIT 1)
    ) AS currency_id
), daily AS (
    SELECT m.company_id, m.invoice_date,
           pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE pg_catalog.abs(m.amount_untaxed_signed) < 99999999999999.995) AS revenue,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoices,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_refund') AS refunds
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND pg_catalog.isfinite(m.invoice_date)
    GROUP BY m.company_id, m.invoice_date
), converted AS (
    SELECT d.company_id, d.invoice_date, d.revenue, d.invoices, d.refunds, company.currency_id AS company_currency_id,
           r.currency_id AS reporting_currency_id,
           CASE WHEN company.currency_id IS NOT DISTINCT FROM r.currency_id THEN 1
                ELSE COALESCE(to_rate.rate, 1) / COALESCE(from_rate.rate, 1) END AS factor,
           -- A company's own currency often has no rate (it is 1 by definition); the reporting one must have one.
           company.currency_id IS DISTINCT FROM r.currency_id AND to_rate.rate IS NULL AS rate_missing
    FROM daily AS d
    CROSS JOIN reporting AS r
    LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
    LEFT JOIN LATERAL (
        SELECT rate.rate FROM odoo_mirror.res_currency_rate AS rate
        WHERE rate.currency_id = company.currency_id AND rate.name <= d.invoice_date
          AND (rate.company_id = d.company_id OR rate.company_id IS NULL)
          AND rate.rate > 0 AND rate.rate < 'Infinity'
        ORDER BY rate.company_id NULLS LAST, rate.name DESC LIMIT 1
    ) AS from_rate ON company.currency_id IS DISTINCT FROM r.currency_id
    LEFT JOIN LATERAL (
        SELECT rate.rate FROM odoo_mirror.res_currency_rate AS rate
        WHERE rate.currency_id = r.currency_id AND rate.name <= d.invoice_date
          AND (rate.company_id = d.company_id OR rate.company_id IS NULL)
          AND rate.rate > 0 AND rate.rate < 'Infinity'
        ORDER BY rate.company_id NULLS LAST, rate.name DESC LIMIT 1
    ) AS to_rate ON company.currency_id IS DISTINCT FROM r.currency_id
), monthly AS (
    SELECT pg_catalog.date_trunc('month', c.invoice_date)::date AS month, c.company_id,
           pg_catalog.min(c.company_currency_id) AS company_currency_id,
           pg_catalog.min(c.reporting_currency_id) AS reporting_currency_id,
           COALESCE(pg_catalog.sum(c.revenue), 0) AS revenue,
           COALESCE(pg_catalog.sum(c.revenue * c.factor), 0) AS revenue_reporting,
           pg_catalog.sum(c.invoices)::bigint AS invoices, pg_catalog.sum(c.refunds)::bigint AS refunds,
           pg_catalog.bool_or(c.rate_missing) AS rate_missing
    FROM converted AS c
    GROUP BY 1, 2
)
SELECT
    m.month,
    m.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(m.revenue) < 99999999999999.995 THEN m.revenue::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue,
    reporting_currency.name::text AS reporting_currency,
    CASE WHEN pg_catalog.abs(m.revenue_reporting) < 99999999999999.995 THEN m.revenue_reporting::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue_reporting_currency,
    m.invoices AS invoice_count,
    m.refunds AS refund_count,
    m.rate_missing
FROM monthly AS m
LEFT JOIN odoo_mirror.res_company AS company ON company.id = m.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = m.company_currency_id
LEFT JOIN odoo_mirror.res_currency AS reporting_currency ON reporting_currency.id = m.reporting_currency_id;
COMMENT ON VIEW odoo_mirror.v_consolidated_revenue IS
    'Net revenue per company and month, in the company currency and in one reporting currency at each invoice date''s rate: sum revenue_reporting_currency across companies for group figures';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.month IS 'First day of the month of the invoice dates.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_currency IS 'Company currency code: the currency of revenue.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.revenue IS 'Posted customer invoices less customer credit notes, before tax (amount_untaxed_signed), company currency; do not sum across companies with different currencies.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.reporting_currency IS 'Reporting currency code: the setting odoo_mirror.reporting_currency, else the top company''s currency.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.revenue_reporting_currency IS 'revenue converted into the reporting currency day by day at each invoice date''s rate (the company''s rates from res_currency_rate); may be summed across companies.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.invoice_count IS 'Posted customer invoices with an invoice date in the month.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.refund_count IS 'Posted customer credit notes with an invoice date in the month.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.rate_missing IS 'true when some day of the month had no rate for the reporting currency in the company''s rates (on or before that day) and was converted at 1.';

-- RPCs ---------------------------------------------------------------------------------------------------

CREATE FUNCTION odoo_mirror."get_aging"(
	"p_as_of" date DEFAULT CURRENT_DATE, /* Option < Date > */
	"p_company_id" INT DEFAULT NULL /* Option < i32 > */
) RETURNS TABLE (
	"as_of_date" date,  /* Option < Date > */
	"account_kind" TEXT,  /* Option < String > */
	"company_id" INT,  /* Option < i32 > */
	"company_name" TEXT,  /* Option < String > */
	"partner_id" INT,  /* Option < i32 > */
	"partner_name" TEXT,  /* Option < String > */
	"company_currency" TEXT,  /* Option < String > */
	"not_due" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_1_30" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_31_60" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_61_90" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_91_120" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_over_120" NUMERIC,  /* Option < AnyNumeric > */
	"total_open" NUMERIC,  /* Option < AnyNumeric > */
	"open_items" bigint,  /* Option < i64 > */
	"oldest_due_date" date  /* Option < Date > */
)
STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'get_aging_wrapper';

CREATE FUNCTION odoo_mirror."get_collections_worklist"(
	"p_limit" INT DEFAULT 20, /* Option < i32 > */
	"p_company_id" INT DEFAULT NULL /* Option < i32 > */
) RETURNS TABLE (
	"partner_id" INT,  /* Option < i32 > */
	"partner_name" TEXT,  /* Option < String > */
	"partner_email" TEXT,  /* Option < String > */
	"partner_phone" TEXT,  /* Option < String > */
	"company_id" INT,  /* Option < i32 > */
	"company_name" TEXT,  /* Option < String > */
	"company_currency" TEXT,  /* Option < String > */
	"overdue_amount" NUMERIC,  /* Option < AnyNumeric > */
	"total_open" NUMERIC,  /* Option < AnyNumeric > */
	"overdue_items" bigint,  /* Option < i64 > */
	"oldest_due_date" date,  /* Option < Date > */
	"days_overdue" INT,  /* Option < i32 > */
	"usual_payment_delay_days" double precision,  /* Option < f64 > */
	"last_payment_date" date,  /* Option < Date > */
	"churn_score" double precision  /* Option < f64 > */
)
STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'get_collections_worklist_wrapper';

-- Roles and privileges, as a fresh install makes them (src/sql/grants.sql) ---------------------------

-- odoo_mirror: roles and privileges. Runs last, after every function exists.
--
-- New functions are executable by PUBLIC by default, so everything is revoked first and then granted
-- exactly: Superset's role reads, n8n's role executes the RPCs and nothing else, Supabase's public
-- roles get nothing.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'superset_readonly') THEN
        CREATE ROLE superset_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'n8n_service') THEN
        CREATE ROLE n8n_service NOLOGIN;
    END IF;
END
$roles$;

REVOKE ALL ON SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM PUBLIC;

-- Superset: read every table and view. Functions called inside a view are checked against the
-- reader, so the reader also needs the view helper.
GRANT USAGE ON SCHEMA odoo_mirror TO superset_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA odoo_mirror TO superset_readonly;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.translated_text(jsonb, text),
    odoo_mirror.finite_expense_total(integer, integer, text[], boolean),
    odoo_mirror.finite_revenue_total(integer, integer, text)
TO superset_readonly;

-- n8n: the RPCs only (they are SECURITY DEFINER, so no table privilege is needed).
GRANT USAGE ON SCHEMA odoo_mirror TO n8n_service;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.get_pending_expenses(integer),
    odoo_mirror.get_overdue_tasks(integer),
    odoo_mirror.get_revenue_trends(integer, integer),
    odoo_mirror.replication_status(),
    odoo_mirror.get_churn_risks(integer, double precision),
    odoo_mirror.explain_churn(integer),
    odoo_mirror.get_suspicious_expenses(integer, double precision),
    odoo_mirror.explain_fraud(integer),
    odoo_mirror.get_aging(date, integer),
    odoo_mirror.get_collections_worklist(integer, integer)
TO n8n_service;

-- Analysts score and explain customers and expenses in SQL Lab (SECURITY DEFINER readers, like the RPCs).
-- Training, activation, import, export and the predictions refresh stay with the owner.
GRANT EXECUTE ON FUNCTION
    odoo_mirror.churn_score(integer),
    odoo_mirror.churn_scores(date),
    odoo_mirror.explain_churn(integer),
    odoo_mirror.fraud_score(integer),
    odoo_mirror.fraud_scores(),
    odoo_mirror.explain_fraud(integer),
    odoo_mirror.model_performance(),
    odoo_mirror.get_aging(date, integer),
    odoo_mirror.get_collections_worklist(integer, integer)
TO superset_readonly;

-- AI memory: agents search it through n8n. ipai_memory is not the extension's (other agents share it),
-- but the search function is. It runs as its caller (SECURITY INVOKER), so row-level security on
-- ipai_memory.chunks applies to every search: the search roles read chunks.
REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA ipai_memory TO n8n_service;
GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO n8n_service;
-- chunks is missing only while pg_restore re-creates the extension before the dumped tables (and their
-- grants) come back; ensure_memory_store() grants it whenever it creates the table.
DO $chunks$
BEGIN
    IF pg_catalog.to_regclass('ipai_memory.chunks') IS NOT NULL THEN
        GRANT SELECT ON ipai_memory.chunks TO n8n_service;
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
            GRANT SELECT ON ipai_memory.chunks TO service_role;
        END IF;
        -- A GRANT inside CREATE or ALTER EXTENSION is recorded as an initial privilege, which pg_dump
        -- leaves out; chunks belongs to no extension (other agents share it), so its grants must be
        -- dumped like any other table's. PostgreSQL 17+ also records initial privileges in pg_shdepend.
        IF NOT EXISTS (
            SELECT FROM pg_catalog.pg_depend AS d
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND d.deptype = 'e') THEN
            DELETE FROM pg_catalog.pg_init_privs AS p
            WHERE p.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND p.objoid = 'ipai_memory.chunks'::pg_catalog.regclass;
            IF pg_catalog.current_setting('server_version_num')::integer >= 170000 THEN
                EXECUTE $shdepend$
                    DELETE FROM pg_catalog.pg_shdepend AS s
                    WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d
                                    WHERE d.datname = pg_catalog.current_database())
                      AND s.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND s.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND s.deptype = 'i'
                $shdepend$;
            END IF;
        END IF;
    END IF;
END
$chunks$;

-- Supabase: service_role gets what n8n_service gets; anon and authenticated get nothing, even where
-- default privileges would have given them something.
DO $supabase$
DECLARE
    public_role text;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        -- Exactly what n8n_service gets: first take back what default privileges gave it.
        REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM service_role;
        GRANT USAGE ON SCHEMA odoo_mirror TO service_role;
        GRANT EXECUTE ON FUNCTION
            odoo_mirror.get_pending_expenses(integer),
            odoo_mirror.get_overdue_tasks(integer),
            odoo_mirror.get_revenue_trends(integer, integer),
            odoo_mirror.replication_status(),
            odoo_mirror.get_churn_risks(integer, double precision),
            odoo_mirror.explain_churn(integer),
            odoo_mirror.get_suspicious_expenses(integer, double precision),
            odoo_mirror.explain_fraud(integer),
            odoo_mirror.get_aging(date, integer),
            odoo_mirror.get_collections_worklist(integer, integer)
        TO service_role;
        REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM service_role;
        GRANT USAGE ON SCHEMA ipai_memory TO service_role;
        GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO service_role;
    END IF;
    FOREACH public_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = public_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM %I', public_role);
        END IF;
    END LOOP;
END
$supabase$;

-- Descriptions (PostgREST shows them in its OpenAPI output). The RPCs are SECURITY DEFINER so that the
-- automation roles need EXECUTE and no table privilege; they take only integers, run fixed queries and
-- pin search_path to pg_catalog, pg_temp.
COMMENT ON FUNCTION odoo_mirror.get_pending_expenses(integer) IS
    'Expense reports awaiting approval, posting or payment, oldest first, with the highest fraud score among their lines and its top reason (NULL until a fraud model is trained). p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_overdue_tasks(integer) IS
    'Open, active tasks past their deadline, most overdue first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_revenue_trends(integer, integer) IS
    'Untaxed revenue per month and company currency, with growth against the previous month. p_months: 1..120 (default 12); p_company_id: optional. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_aging(date, integer) IS
    'Aged receivables and payables per partner and company as of p_as_of (default today; a past date is rebuilt from reconciliation dates): amounts owed not yet due and 1-30, 31-60, 61-90, 91-120 and over 120 days past due, in the company currency. p_as_of: a date no later than today; p_company_id: a mirrored company, or NULL for all. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_collections_worklist(integer, integer) IS
    'Customers with overdue receivables to chase, largest overdue amount x days first, with their usual payment delay, last payment date and churn score (stored, when a churn model is active). p_limit: 1..1000 (default 20); p_company_id: a mirrored company, or NULL for all. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.translated_text(jsonb, text) IS
    'Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation';
COMMENT ON FUNCTION odoo_mirror.publication_sql(text, text) IS
    'The statement to run on the Odoo database: publishes the mirror''s columns of each mirrored table (a DO block running CREATE or ALTER PUBLICATION)';
COMMENT ON FUNCTION odoo_mirror.create_landing_tables(text) IS
    'Creates (or re-attaches) the landing tables that route a subscription''s rows into odoo_mirror.*; idempotent';
COMMENT ON FUNCTION odoo_mirror.drop_landing_tables() IS
    'Detaches odoo_mirror.* from the landing tables and drops them; mirrored rows stay';
COMMENT ON FUNCTION odoo_mirror.rebuild_memory(boolean) IS
    'Writes the invoice chunks missing from ipai_memory.chunks (p_replace: rewrites them all); returns how many were written';
COMMENT ON FUNCTION ipai_memory.search_chunks(text, integer) IS
    'Ranked full-text search over AI memory. p_query: web-search syntax (words, "phrases", or, -word), English stemming; p_limit: 1..1000 (default 10). Runs as its caller: row-level security on ipai_memory.chunks applies (n8n_service and service_role read chunks).';
COMMENT ON FUNCTION odoo_mirror.train_churn_model(date, integer, jsonb) IS
    'Trains a churn model (logistic regression) on the mirror''s invoices; stores it in odoo_mirror.ml_models, activates it if it beats the active one on the time-based holdout; returns the metrics beside a recency-only baseline. Owner only.';
COMMENT ON FUNCTION odoo_mirror.churn_score(integer) IS
    'Probability (0..1) that a customer (commercial partner) buys nothing within the active model''s horizon; NULL without a posted customer invoice. 42704 when no churn model is active.';
COMMENT ON FUNCTION odoo_mirror.churn_scores(date) IS
    'Every customer''s churn score in one pass (as of p_as_of, default the mirror''s latest invoice date or today if earlier).';
COMMENT ON FUNCTION odoo_mirror.explain_churn(integer) IS
    'A customer''s churn score explained: each feature''s value and contribution to the logit, top reasons in words. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_churn_risks(integer, double precision) IS
    'Active customers most likely to stop buying: score, risk band, top reasons, revenue at risk. p_limit: 1..1000 (default 20); p_min_score: 0..1 (default 0.5). 42704 (HTTP 400) until a churn model is trained. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.refresh_churn_predictions(boolean) IS
    'Brings odoo_mirror.churn_predictions (read by v_churn_risk, get_churn_risks, churn_score) up to date: rescores the customers whose invoices changed since the last refresh, or every active customer when the active model or the scoring date changed, or with p_full => true. Schedule it (pg_cron, every few minutes). Owner only.';
COMMENT ON FUNCTION odoo_mirror.train_fraud_model(jsonb) IS
    'Trains an expense fraud model (rules + isolation forest; weights fitted on odoo_mirror.expense_labels when there are enough, else documented defaults); stores it in odoo_mirror.ml_models, activates it by the churn model''s rules; returns the metrics. Owner only.';
COMMENT ON FUNCTION odoo_mirror.fraud_score(integer) IS
    'Fraud score (0..1) of one expense under the active fraud model; NULL for an unknown expense or one without employee or date. 42704 when no fraud model is active.';
COMMENT ON FUNCTION odoo_mirror.fraud_scores() IS
    'Every expense''s fraud score in one pass (the batch form of fraud_score).';
COMMENT ON FUNCTION odoo_mirror.explain_fraud(integer) IS
    'An expense''s fraud score explained: each rule''s evidence, strength, weight and contribution to the logit, and the isolation forest''s view. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_suspicious_expenses(integer, double precision) IS
    'Open expenses (awaiting approval, posting or payment) with a fraud score of at least p_min_score, most suspicious first, with reasons. p_limit: 1..1000 (default 20); p_min_score: 0..1 (default 0.7). 42704 (HTTP 400) until a fraud model is trained. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.refresh_fraud_predictions(boolean) IS
    'Brings odoo_mirror.fraud_predictions (read by v_suspicious_expenses, get_suspicious_expenses, get_pending_expenses, fraud_score) up to date: rescores the expenses of employees whose expenses or reports changed since the last refresh, or every expense when the active model changed, or with p_full => true. Schedule it (pg_cron, every few minutes). Owner only.';
COMMENT ON FUNCTION odoo_mirror.model_performance() IS
    'How the kept predictions fared: per snapshot in odoo_mirror.prediction_history, the predictions whose outcome is known now (churn: the horizon has passed; fraud: an auditor labelled the expense after the snapshot) and their ROC AUC, log loss, Brier score and calibration error. NULL metrics until there are outcomes.';
COMMENT ON FUNCTION odoo_mirror.activate_model(text, integer) IS
    'Makes a stored model version the active one of its kind (roll back or forward); used from the next statement in every session. Owner only.';
COMMENT ON FUNCTION odoo_mirror.export_model(text, integer) IS
    'A stored model (default: the active one) as one jsonb document for import_model(). Owner only.';
COMMENT ON FUNCTION odoo_mirror.import_model(jsonb, boolean) IS
    'Stores an exported model as the next version of its kind; active only if p_activate. Owner only.';
COMMENT ON FUNCTION odoo_mirror.verify() IS
    'Installation and replication health report: one row per check, status ok, warn or fail.';

-- The RPCs keep their statements prepared per backend. Their generic plans are the index scans they
-- are written for, while the planner would otherwise keep re-planning them (a LIMIT $1 makes the
-- generic plan look costlier than it is), which costs more than running them.
ALTER FUNCTION odoo_mirror.get_pending_expenses(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_overdue_tasks(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_suspicious_expenses(integer, double precision) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_collections_worklist(integer, integer) SET plan_cache_mode = force_generic_plan;
-- Revenue trends read a few thousand rows once the rollup is refreshed: starting parallel workers
-- would cost more than the query (and the planner cannot know the rollup is fresh).
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET max_parallel_workers_per_gather = 0;

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';
