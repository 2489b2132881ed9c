-- odoo_mirror: analytics views for Superset.
--
-- Typed for Superset's column reflection: money is numeric(16,2), hours and ratios are double precision,
-- translated jsonb names are text, dates and timestamps keep their temporal types, and no column is jsonb.
-- One odd row never fails a view: an amount that does not fit numeric(16,2), NaN or ±Infinity shows as
-- NULL; sums leave NaN and ±Infinity amounts out, as they leave out NULL; a day count from a date at
-- ±infinity is NULL. verify() counts the rows holding such values.
-- Amounts named *_signed are in the company currency and signed as Odoo signs them: customer invoices and
-- vendor refunds positive, customer refunds and vendor bills negative. Other amounts are in the document
-- currency and never negative.

-- Sums that leave NaN and ±Infinity amounts out (as NULL is), for the aggregate views. A view calls them
-- only for a group whose plain sum is NaN or ±Infinity, which only an odd row makes, so the common case
-- costs nothing per row. They are functions rather than inline subqueries because the planner costs an
-- inline subquery as if it ran for every group, which at scale made PostgreSQL JIT-compile the view
-- (about 0.4 s per query); a function call is costed as one cheap call.
CREATE FUNCTION odoo_mirror.finite_expense_total(p_employee_id integer, p_company_id integer, p_states text[],
                                                 p_other_states boolean)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $function$
    -- p_other_states: the states not in p_states (NULL included) instead of those in it.
    SELECT COALESCE(pg_catalog.sum(x.total_amount), 0)
    FROM odoo_mirror.hr_expense AS x
    WHERE x.employee_id IS NOT DISTINCT FROM p_employee_id AND x.company_id IS NOT DISTINCT FROM p_company_id
      AND COALESCE(x.state::text = ANY (p_states), false) <> p_other_states
      AND x.total_amount > '-Infinity' AND x.total_amount < 'Infinity'
$function$;
COMMENT ON FUNCTION odoo_mirror.finite_expense_total(integer, integer, text[], boolean) IS
    'Sum of an employee''s expense amounts (total_amount) in the given states, NaN and ±Infinity left out; used by v_expense_by_employee for groups holding such amounts';

CREATE FUNCTION odoo_mirror.finite_revenue_total(p_partner_id integer, p_company_id integer, p_move_type text)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT COALESCE(pg_catalog.sum(x.amount_untaxed_signed), 0)
    FROM odoo_mirror.account_move AS x
    WHERE x.state = 'posted' AND x.move_type = p_move_type
      AND COALESCE(x.commercial_partner_id, x.partner_id) IS NOT DISTINCT FROM p_partner_id
      AND x.company_id IS NOT DISTINCT FROM p_company_id
      AND x.amount_untaxed_signed > '-Infinity' AND x.amount_untaxed_signed < 'Infinity'
$function$;
COMMENT ON FUNCTION odoo_mirror.finite_revenue_total(integer, integer, text) IS
    'Sum of a customer''s posted untaxed signed amounts of one move type, NaN and ±Infinity left out; used by v_revenue_by_partner for groups holding such amounts';

-- One row per invoice, refund or receipt (journal entries of type ''entry'' are left out).
CREATE VIEW odoo_mirror.v_invoice_summary AS
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

-- One row per expense line, with its employee and expense report (sheet).
CREATE VIEW odoo_mirror.v_expense_summary AS
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

-- One row per task. Odoo's closed states are 1_done and 1_canceled; priority keys are ''0'' (Low) and
-- ''1'' (High) in Odoo 17/18.
-- The creation time comes first: Superset takes a view's first temporal column as its default time axis
-- (the deadline, first before 0.7.0, is NULL for many tasks).
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

-- Revenue per customer (commercial partner) and company, in the company currency, untaxed: posted customer
-- invoices minus posted customer refunds.
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

-- Expense totals and counts per employee and company, by expense state, in the company currency.
-- Odoo 17/18 states: draft (to report), reported (in a draft sheet), submitted, approved, done, refused;
-- Odoo 19's posted is counted as approved and its in_payment/paid as done.
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
