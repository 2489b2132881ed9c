-- odoo_mirror 0.6.1 -> 0.7.0
--
-- The accounting core of Odoo in the mirror, and the finance views built on it:
-- - 15 new mirror tables (chart of accounts, journals, payments, partial and full reconciliations,
--   analytic plans, accounts and lines, payment terms, currency rates, countries, departments, product
--   categories, products and variants), registered for pg_dump;
-- - new columns on res_company (fiscal year end, lock dates), hr_employee (expense approver) and
--   project_project (analytic account, by its Odoo 17 and 18 names);
-- - the finance views (src/sql/finance.sql) and the RPCs get_aging and get_collections_worklist;
-- - grants re-applied as a fresh install makes them.
--
-- With a live subscription: the new columns go to the landing tables (which pass them on to the
-- mirror tables attached to them); the new tables replicate after the steps in the README ("Upgrading
-- to 0.7.0 with replication on"): create_landing_tables(), publication_sql() on Odoo, then
-- ALTER SUBSCRIPTION ... REFRESH PUBLICATION.

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
-- Open items are a small part of all journal items: a partial index finds one partner's, and lets a
-- company's aging read only them.
CREATE INDEX account_move_line_open_partner_idx ON odoo_mirror.account_move_line (partner_id, company_id)
    WHERE parent_state = 'posted' AND amount_residual <> 0;
-- Rates are looked up by currency and date, latest first.
CREATE INDEX res_currency_rate_currency_date_idx ON odoo_mirror.res_currency_rate (currency_id, name DESC);
CREATE INDEX account_analytic_line_account_date_idx ON odoo_mirror.account_analytic_line (account_id, date);
CREATE INDEX account_payment_move_idx ON odoo_mirror.account_payment (move_id);

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
    a.company_name,
    a.partner_id,
    a.partner_name,
    a.company_currency,
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
    SELECT
        i.account_kind, i.company_id, i.partner_id,
        pg_catalog.min(i.company_name) AS company_name,
        pg_catalog.min(i.partner_name) AS partner_name,
        pg_catalog.min(i.company_currency) AS company_currency,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = 'not due'), 0) AS not_due,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = '1-30'), 0) AS overdue_1_30,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = '31-60'), 0) AS overdue_31_60,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = '61-90'), 0) AS overdue_61_90,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = '91-120'), 0) AS overdue_91_120,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.aging_bucket = 'over 120'), 0) AS overdue_over_120,
        COALESCE(pg_catalog.sum(i.owed), 0) AS total_open,
        -- Items whose amount the view shows as NULL (NaN, beyond numeric(16,2)) are not counted.
        pg_catalog.count(i.owed) AS open_items,
        pg_catalog.min(i.due_date) FILTER (WHERE i.owed IS NOT NULL) AS oldest_due_date
    FROM (
        SELECT o.*, CASE o.account_kind WHEN 'payable' THEN -o.open_amount ELSE o.open_amount END AS owed
        FROM odoo_mirror.v_open_items AS o
    ) AS i
    GROUP BY i.account_kind, i.company_id, i.partner_id
) AS a;
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
CREATE VIEW odoo_mirror.v_payment_delays AS
WITH settled AS (
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
      -- The documents (invoices, bills), not the payments that settled them.
      AND ((account.account_type = 'asset_receivable' AND l.balance > 0)
           OR (account.account_type = 'liability_payable' AND l.balance < 0))
      AND pg_catalog.abs(l.balance) < 99999999999999.995
      AND pg_catalog.isfinite(COALESCE(l.date_maturity, l.date))
)
SELECT
    d.last_settled_on,
    d.account_kind,
    d.company_id,
    company.name::text AS company_name,
    d.partner_id,
    partner.name::text AS partner_name,
    d.settled_items,
    d.average_delay_days
FROM (
    SELECT company_id, partner_id, account_kind, pg_catalog.count(*) AS settled_items,
           pg_catalog.max(settled_on) AS last_settled_on,
           CASE WHEN pg_catalog.sum(amount) > 0
                THEN (pg_catalog.sum(amount * (settled_on - due_date)) / pg_catalog.sum(amount))::double precision
           END AS average_delay_days
    FROM settled
    WHERE settled_on >= CURRENT_DATE - 365 AND settled_on <= CURRENT_DATE
    GROUP BY company_id, partner_id, account_kind
) AS d
LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = d.partner_id;
COMMENT ON VIEW odoo_mirror.v_payment_delays IS
    'How many days after the due date each partner pays (receivables) or is paid (payables), from the items settled in full in the last 365 days';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.last_settled_on IS 'Date the partner''s most recently settled item was settled (the date its last reconciliation counts from).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.account_kind IS 'receivable (the customer paying the company) or payable (the company paying the vendor).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_id IS 'Odoo id of the customer or vendor.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.settled_items IS 'Invoices or bills of the partner settled in full in the last 365 days.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.average_delay_days IS 'Days from due date to settlement, averaged over those items weighted by amount; negative when paid early.';

-- Cash expected in and out per week for the next 13 weeks, from the open items: each shifted by its
-- partner's average payment delay (v_payment_delays, bounded to -60..365 days; none known: no shift), and
-- beside it the plain due-date figure. Items already late, or expected before this week, fall in this week.
CREATE VIEW odoo_mirror.v_cash_forecast AS
WITH items AS MATERIALIZED (
    SELECT o.company_id, o.account_kind,
           CASE o.account_kind WHEN 'payable' THEN -o.open_amount ELSE o.open_amount END AS owed,
           GREATEST(pg_catalog.date_trunc('week', o.due_date::timestamp),
                    pg_catalog.date_trunc('week', CURRENT_DATE::timestamp))::date AS due_week,
           GREATEST(pg_catalog.date_trunc('week', (o.due_date + COALESCE(
                        pg_catalog.round(LEAST(GREATEST(d.average_delay_days, -60), 365))::integer, 0))::timestamp),
                    pg_catalog.date_trunc('week', CURRENT_DATE::timestamp))::date AS expected_week
    FROM odoo_mirror.v_open_items AS o
    LEFT JOIN odoo_mirror.v_payment_delays AS d
      ON d.company_id IS NOT DISTINCT FROM o.company_id AND d.partner_id IS NOT DISTINCT FROM o.partner_id
     AND d.account_kind = o.account_kind
    -- Due 400 days out or more cannot reach the 13 weeks even at the largest shift back (60 days).
    WHERE o.open_amount IS NOT NULL AND o.due_date > '-infinity' AND o.due_date < CURRENT_DATE + 400
), expected AS (
    SELECT company_id, expected_week AS week_start,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'receivable') AS cash_in,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'payable') AS cash_out
    FROM items GROUP BY company_id, expected_week
), due AS (
    SELECT company_id, due_week AS week_start,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'receivable') AS cash_in,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'payable') AS cash_out
    FROM items GROUP BY company_id, due_week
), weeks AS (
    SELECT (pg_catalog.date_trunc('week', CURRENT_DATE::timestamp) + n * interval '1 week')::date AS week_start,
           n + 1 AS week_number
    FROM pg_catalog.generate_series(0, 12) AS n
), forecast AS (
    SELECT w.week_start, w.week_number, c.company_id,
           COALESCE(e.cash_in, 0) AS expected_in, COALESCE(e.cash_out, 0) AS expected_out,
           COALESCE(d.cash_in, 0) AS due_in, COALESCE(d.cash_out, 0) AS due_out
    FROM weeks AS w
    CROSS JOIN (SELECT DISTINCT company_id FROM items) AS c
    LEFT JOIN expected AS e ON e.company_id IS NOT DISTINCT FROM c.company_id AND e.week_start = w.week_start
    LEFT JOIN due AS d ON d.company_id IS NOT DISTINCT FROM c.company_id AND d.week_start = w.week_start
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
