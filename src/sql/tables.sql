-- odoo_mirror: mirror tables.
--
-- Column names and types are exactly those Odoo 17.0 and 18.0 create (the union of both), so rows
-- replicate without conversion. Every column but the primary key is NULLable and there are no foreign
-- keys: change data capture does not guarantee the order in which related rows arrive, and a publication
-- column list may leave columns out. Columns marked "17 only" or "18+" exist on one version only.
-- Portal access tokens and HTML edit history are deliberately not mirrored.

-- Journal entries, customer and vendor invoices, refunds and receipts (Odoo model account.move).
CREATE TABLE odoo_mirror.account_move (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    sequence_prefix character varying,
    sequence_number integer,
    name character varying,
    ref character varying,
    date date,
    state character varying,
    move_type character varying,
    is_storno boolean,
    journal_id integer,
    company_id integer,
    payment_id integer,  -- 17 only
    statement_line_id integer,
    tax_cash_basis_rec_id integer,
    tax_cash_basis_origin_move_id integer,
    always_tax_exigible boolean,
    auto_post character varying,
    auto_post_until date,
    auto_post_origin_id integer,
    to_check boolean,  -- 17 only
    posted_before boolean,
    secure_sequence_number integer,
    inalterable_hash character varying,
    invoice_date date,
    invoice_date_due date,
    delivery_date date,
    invoice_payment_term_id integer,
    partner_id integer,
    commercial_partner_id integer,
    partner_shipping_id integer,
    partner_bank_id integer,
    fiscal_position_id integer,
    payment_reference character varying,
    qr_code_method character varying,
    currency_id integer,
    amount_untaxed numeric,
    amount_tax numeric,
    amount_total numeric,
    amount_residual numeric,
    amount_untaxed_signed numeric,
    amount_tax_signed numeric,
    amount_total_signed numeric,
    amount_total_in_currency_signed numeric,
    amount_residual_signed numeric,
    payment_state character varying,
    reversed_entry_id integer,
    invoice_source_email character varying,
    invoice_partner_display_name character varying,
    quick_edit_total_amount numeric,
    narration text,
    is_move_sent boolean,
    invoice_user_id integer,
    invoice_origin character varying,
    invoice_incoterm_id integer,
    incoterm_location character varying,
    invoice_cash_rounding_id integer,
    send_and_print_values jsonb,  -- 17 only
    expense_sheet_id integer,
    campaign_id integer,
    source_id integer,
    medium_id integer,
    team_id integer,
    origin_payment_id integer,  -- 18+
    checked boolean,  -- 18+
    made_sequence_gap boolean,  -- 18+
    preferred_payment_method_line_id integer,  -- 18+
    invoice_currency_rate numeric,  -- 18+
    amount_untaxed_in_currency_signed numeric,  -- 18+
    is_manually_modified boolean,  -- 18+
    sending_data jsonb,  -- 18+
    CONSTRAINT account_move_pkey PRIMARY KEY (id)
);

-- Journal items: invoice lines, tax lines and receivable/payable lines (account.move.line).
CREATE TABLE odoo_mirror.account_move_line (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    analytic_distribution jsonb,
    move_id integer,
    journal_id integer,
    company_id integer,
    company_currency_id integer,
    move_name character varying,
    parent_state character varying,
    date date,
    invoice_date date,
    ref character varying,
    sequence integer,
    account_id integer,
    name character varying,
    debit numeric,
    credit numeric,
    balance numeric,
    amount_currency numeric,
    currency_id integer,
    partner_id integer,
    reconcile_model_id integer,
    payment_id integer,
    statement_line_id integer,
    statement_id integer,
    group_tax_id integer,
    tax_line_id integer,
    tax_group_id integer,
    tax_base_amount numeric,
    tax_repartition_line_id integer,
    tax_tag_invert boolean,
    amount_residual numeric,
    amount_residual_currency numeric,
    reconciled boolean,
    full_reconcile_id integer,
    matching_number character varying,
    account_root_id integer,  -- 17 only
    display_type character varying,
    product_id integer,
    product_uom_id integer,
    quantity numeric,
    date_maturity date,
    price_unit numeric,
    price_subtotal numeric,
    price_total numeric,
    discount numeric,
    discount_date date,
    discount_amount_currency numeric,
    discount_balance numeric,
    blocked boolean,  -- 17 only
    purchase_line_id integer,
    expense_id integer,
    is_downpayment boolean,
    is_imported boolean,  -- 18+
    CONSTRAINT account_move_line_pkey PRIMARY KEY (id)
);

-- Contacts and companies (res.partner).
CREATE TABLE odoo_mirror.res_partner (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    complete_name character varying,
    date date,  -- 17 only
    title integer,
    parent_id integer,
    ref character varying,
    lang character varying,
    tz character varying,
    user_id integer,
    vat character varying,
    company_registry character varying,
    website character varying,
    comment text,
    active boolean,
    employee boolean,
    function character varying,
    type character varying,
    street character varying,
    street2 character varying,
    zip character varying,
    city character varying,
    state_id integer,
    country_id integer,
    partner_latitude numeric,
    partner_longitude numeric,
    email character varying,
    phone character varying,
    mobile character varying,
    is_company boolean,
    industry_id integer,
    company_id integer,
    color integer,
    partner_share boolean,
    commercial_partner_id integer,
    commercial_company_name character varying,
    company_name character varying,
    team_id integer,  -- 17 only
    vies_valid boolean,
    phone_sanitized character varying,
    email_normalized character varying,
    message_bounce integer,
    debit_limit numeric,
    last_time_entries_checked timestamp without time zone,  -- 17 only
    invoice_warn character varying,
    invoice_warn_msg text,
    supplier_rank integer,
    customer_rank integer,
    purchase_warn character varying,
    purchase_warn_msg text,
    buyer_id integer,
    partner_gid integer,
    additional_info character varying,
    signup_type character varying,
    signup_expiration timestamp without time zone,  -- 17 only
    sale_warn character varying,
    sale_warn_msg text,
    barcode jsonb,  -- 18+
    credit_limit jsonb,  -- 18+
    property_account_payable_id jsonb,  -- 18+
    property_account_receivable_id jsonb,  -- 18+
    property_account_position_id jsonb,  -- 18+
    property_payment_term_id jsonb,  -- 18+
    property_supplier_payment_term_id jsonb,  -- 18+
    trust jsonb,  -- 18+
    ignore_abnormal_invoice_date jsonb,  -- 18+
    ignore_abnormal_invoice_amount jsonb,  -- 18+
    invoice_sending_method jsonb,  -- 18+
    invoice_edi_format_store jsonb,  -- 18+
    invoice_template_pdf_report_id integer,  -- 18+
    autopost_bills character varying,  -- 18+
    property_outbound_payment_method_line_id jsonb,  -- 18+
    property_inbound_payment_method_line_id jsonb,  -- 18+
    property_purchase_currency_id jsonb,  -- 18+
    receipt_reminder_email jsonb,  -- 18+
    reminder_date_before_receipt jsonb,  -- 18+
    CONSTRAINT res_partner_pkey PRIMARY KEY (id)
);

-- Project tasks (project.task).
CREATE TABLE odoo_mirror.project_task (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    email_cc character varying,
    rating_last_value double precision,
    active boolean,
    name character varying,
    description text,
    priority character varying,
    sequence integer,
    stage_id integer,
    state character varying,
    date_end timestamp without time zone,
    date_assign timestamp without time zone,
    date_deadline timestamp without time zone,
    date_last_stage_update timestamp without time zone,
    project_id integer,
    display_in_project boolean,
    task_properties jsonb,
    allocated_hours double precision,
    partner_id integer,
    company_id integer,
    color integer,
    displayed_image_id integer,
    parent_id integer,
    working_hours_open numeric,
    working_hours_close numeric,
    working_days_open double precision,
    working_days_close double precision,
    milestone_id integer,
    recurring_task boolean,
    recurrence_id integer,
    analytic_account_id integer,  -- 17 only
    sale_order_id integer,
    remaining_hours double precision,
    effective_hours double precision,
    total_hours_spent double precision,
    progress double precision,
    overtime double precision,
    subtask_effective_hours double precision,
    sale_line_id integer,
    CONSTRAINT project_task_pkey PRIMARY KEY (id)
);

-- Expense reports (hr.expense.sheet; Odoo 17/18 only, removed in 19).
CREATE TABLE odoo_mirror.hr_expense_sheet (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    state character varying,
    approval_state character varying,
    approval_date timestamp without time zone,
    company_id integer,
    employee_id integer,
    department_id integer,
    user_id integer,
    total_amount numeric,
    untaxed_amount numeric,
    total_tax_amount numeric,
    amount_residual numeric,
    currency_id integer,
    payment_state character varying,
    employee_journal_id integer,
    payment_method_line_id integer,
    accounting_date date,
    journal_id integer,
    CONSTRAINT hr_expense_sheet_pkey PRIMARY KEY (id)
);

-- Expense lines (hr.expense).
CREATE TABLE odoo_mirror.hr_expense (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    analytic_distribution jsonb,
    name character varying,
    date date,
    employee_id integer,
    company_id integer,
    product_id integer,
    product_uom_id integer,
    quantity numeric,
    description text,
    state character varying,
    sheet_id integer,
    tax_amount_currency numeric,
    tax_amount numeric,
    total_amount_currency numeric,
    untaxed_amount_currency numeric,
    total_amount numeric,
    price_unit numeric,
    currency_id integer,
    payment_mode character varying,
    account_id integer,
    accounting_date date,
    sale_order_id integer,
    vendor_id integer,  -- 18+
    CONSTRAINT hr_expense_pkey PRIMARY KEY (id)
);

-- Dimension tables the views join to. Only the columns the analytics need, with Odoo's names and types.

-- Companies (res.company). name is stored (related to the company partner's name).
CREATE TABLE odoo_mirror.res_company (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    partner_id integer,
    currency_id integer,
    parent_id integer,
    parent_path character varying,
    sequence integer,
    active boolean,
    email character varying,
    phone character varying,
    fiscalyear_last_day integer,
    fiscalyear_last_month character varying,
    period_lock_date date,  -- 17 only
    fiscalyear_lock_date date,
    tax_lock_date date,
    account_opening_date date,
    sale_lock_date date,  -- 18+
    purchase_lock_date date,  -- 18+
    hard_lock_date date,  -- 18+
    CONSTRAINT res_company_pkey PRIMARY KEY (id)
);

-- Currencies (res.currency). name is the ISO 4217 code.
CREATE TABLE odoo_mirror.res_currency (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying(3),
    full_name character varying,
    symbol character varying,
    rounding numeric,
    decimal_places integer,
    position character varying,
    active boolean,
    CONSTRAINT res_currency_pkey PRIMARY KEY (id)
);

-- Users (res.users). A user has no name column: the name lives on its partner (partner_id).
CREATE TABLE odoo_mirror.res_users (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    login character varying,
    partner_id integer,
    company_id integer,
    active boolean,
    share boolean,
    CONSTRAINT res_users_pkey PRIMARY KEY (id)
);

-- Employees (hr.employee). name is stored (related to the resource's name), not translated.
CREATE TABLE odoo_mirror.hr_employee (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name character varying,
    resource_id integer,
    company_id integer,
    user_id integer,
    active boolean,
    department_id integer,
    job_id integer,
    job_title character varying,
    work_email character varying,
    parent_id integer,
    coach_id integer,
    employee_type character varying,
    work_contact_id integer,
    expense_manager_id integer,
    CONSTRAINT hr_employee_pkey PRIMARY KEY (id)
);

-- Projects (project.project). name and label_tasks are translated: jsonb {"en_US": ...}.
CREATE TABLE odoo_mirror.project_project (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    active boolean,
    sequence integer,
    partner_id integer,
    company_id integer,
    user_id integer,
    date_start date,
    date date,
    privacy_visibility character varying,
    stage_id integer,
    last_update_status character varying,
    color integer,
    label_tasks jsonb,
    analytic_account_id integer,  -- 17 only
    account_id integer,  -- 18+
    CONSTRAINT project_project_pkey PRIMARY KEY (id)
);

-- Task stages (project.task.type). name is translated jsonb.
CREATE TABLE odoo_mirror.project_task_type (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    name jsonb,
    sequence integer,
    fold boolean,
    active boolean,
    user_id integer,
    CONSTRAINT project_task_type_pkey PRIMARY KEY (id)
);

-- Task assignees and personal stages (project.task.stage.personal, a real model with its own id).
-- Odoo's UNIQUE (task_id, user_id) is not enforced here: CDC may apply a delete and re-insert out of order.
CREATE TABLE odoo_mirror.project_task_user_rel (
    id integer NOT NULL,
    create_uid integer,
    create_date timestamp without time zone,
    write_uid integer,
    write_date timestamp without time zone,
    task_id integer,
    user_id integer,
    stage_id integer,
    CONSTRAINT project_task_user_rel_pkey PRIMARY KEY (id)
);

COMMENT ON SCHEMA odoo_mirror IS 'Odoo analytics mirror: tables replicated from Odoo, analytics views, RPC functions';
COMMENT ON TABLE odoo_mirror.account_move IS 'Mirror of Odoo account.move: journal entries, invoices, refunds, receipts';
COMMENT ON TABLE odoo_mirror.account_move_line IS 'Mirror of Odoo account.move.line: journal items';
COMMENT ON TABLE odoo_mirror.res_partner IS 'Mirror of Odoo res.partner: contacts and companies';
COMMENT ON TABLE odoo_mirror.project_task IS 'Mirror of Odoo project.task';
COMMENT ON TABLE odoo_mirror.hr_expense_sheet IS 'Mirror of Odoo hr.expense.sheet (17/18): expense reports';
COMMENT ON TABLE odoo_mirror.hr_expense IS 'Mirror of Odoo hr.expense: expense lines';
COMMENT ON TABLE odoo_mirror.res_company IS 'Mirror of Odoo res.company';
COMMENT ON TABLE odoo_mirror.res_currency IS 'Mirror of Odoo res.currency';
COMMENT ON TABLE odoo_mirror.res_users IS 'Mirror of Odoo res.users';
COMMENT ON TABLE odoo_mirror.hr_employee IS 'Mirror of Odoo hr.employee';
COMMENT ON TABLE odoo_mirror.project_project IS 'Mirror of Odoo project.project';
COMMENT ON TABLE odoo_mirror.project_task_type IS 'Mirror of Odoo project.task.type: task stages';
COMMENT ON TABLE odoo_mirror.project_task_user_rel IS 'Mirror of Odoo project.task.stage.personal: task assignees';

-- Tables that belong to an extension are skipped by pg_dump unless registered: register every mirror
-- table so that a dump keeps all mirrored rows (the table definitions come from CREATE EXTENSION).
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_move', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.account_move_line', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_partner', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.project_task', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.hr_expense_sheet', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.hr_expense', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_company', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_currency', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.res_users', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.hr_employee', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.project_project', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.project_task_type', '');
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.project_task_user_rel', '');

-- The accounting core (0.7.0): chart of accounts, journals, payments and reconciliations, analytic
-- plans, accounts and lines, payment terms, currency rates, countries, departments and products.

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
