-- odoo_mirror: expense fraud labels and predictions (0.4.0).

-- Auditors' verdicts on expenses. The fraud model fits its weights on them when there are enough
-- (train_fraud_model). User data: dumped with pg_dump. No foreign key to the mirror: a mirror
-- reload (TRUNCATE, resync) must not lose the labels.
CREATE TABLE odoo_mirror.expense_labels (
    expense_id integer NOT NULL,
    is_fraud boolean NOT NULL,
    labelled_by text NOT NULL DEFAULT CURRENT_USER,
    labelled_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
    note text,
    CONSTRAINT expense_labels_pkey PRIMARY KEY (expense_id)
);
COMMENT ON TABLE odoo_mirror.expense_labels IS
    'Auditors'' verdicts on expenses (is_fraud); train_fraud_model() fits the fraud score on them. Seed from refused reports with odoo_mirror.seed_fraud_labels_from_refused().';
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.expense_labels', '');

-- Every expense's latest fraud score, for dashboards: written by refresh_fraud_predictions().
-- Derived data: not dumped; refresh after a restore.
CREATE TABLE odoo_mirror.fraud_predictions (
    expense_id integer NOT NULL,
    employee_id integer NOT NULL,
    sheet_id integer,
    score double precision NOT NULL,
    top_reason text,
    reasons text[] NOT NULL,
    model_version integer NOT NULL,
    scored_at timestamp with time zone NOT NULL,
    -- Awaiting approval, posting or payment when scored (get_suspicious_expenses lists these).
    open boolean NOT NULL DEFAULT false,
    CONSTRAINT fraud_predictions_pkey PRIMARY KEY (expense_id),
    CONSTRAINT fraud_predictions_score_check CHECK (score >= 0 AND score <= 1)
);
-- v_suspicious_expenses reads the high scores only.
CREATE INDEX fraud_predictions_score_idx ON odoo_mirror.fraud_predictions (score DESC);
COMMENT ON TABLE odoo_mirror.fraud_predictions IS
    'Fraud score of every expense, written by odoo_mirror.refresh_fraud_predictions().';

-- Superset: suspicious expenses (score at least 0.5), with their employee, amount and state, one typed
-- column per field.
CREATE VIEW odoo_mirror.v_suspicious_expenses AS
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

-- Refused reports as labels: an auditor refused them. Refusal is not always fraud (a missing receipt,
-- a wrong category), so this is a starting point to review, never run implicitly.
CREATE FUNCTION odoo_mirror.seed_fraud_labels_from_refused() RETURNS integer
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $function$
    WITH inserted AS (
        INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by, note)
        SELECT e.id, true, 'odoo: refused', 'seeded from a refused expense'
        FROM odoo_mirror.hr_expense AS e
        WHERE e.state = 'refused'
        ON CONFLICT (expense_id) DO NOTHING
        RETURNING 1
    )
    SELECT pg_catalog.count(*)::integer FROM inserted
$function$;
COMMENT ON FUNCTION odoo_mirror.seed_fraud_labels_from_refused() IS
    'Labels every refused expense not yet labelled as fraud (labelled_by ''odoo: refused''); returns how many. Review them: refusal is not always fraud. Owner only.';
