-- get_collections_worklist($1 limit, $2 company id or NULL): customers with overdue receivables, the
-- largest amount-days overdue first (each overdue item's open amount times its days past due), with
-- the customer's usual payment delay (as of the last refresh_payment_delays()), last payment and, when a
-- churn model is active, stored churn score.
WITH overdue AS (
    -- The open items of v_open_items (NULL amounts and due dates at -infinity have no day count, and
    -- are left out).
    SELECT i.company_id, i.partner_id,
           pg_catalog.sum(i.open_amount) AS overdue_amount,
           pg_catalog.sum(i.open_amount * i.days_overdue) AS amount_days,
           pg_catalog.min(i.due_date) AS oldest_due_date,
           pg_catalog.count(*) AS overdue_items
    FROM odoo_mirror.v_open_items AS i
    WHERE i.account_kind = 'receivable' AND i.days_overdue > 0 AND i.open_amount IS NOT NULL
      AND ($2::integer IS NULL OR i.company_id = $2)
    GROUP BY i.company_id, i.partner_id
    HAVING pg_catalog.sum(i.open_amount) > 0
    ORDER BY amount_days DESC, i.company_id, i.partner_id
    LIMIT $1
)
SELECT
    o.partner_id,
    partner.name::text,
    partner.email::text,
    partner.phone::text,
    o.company_id,
    company.name::text,
    company_currency.name::text,
    CASE WHEN o.overdue_amount < 99999999999999.995 THEN o.overdue_amount::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(open.total) < 99999999999999.995 THEN open.total::numeric(16,2) END,
    o.overdue_items,
    o.oldest_due_date,
    CURRENT_DATE - o.oldest_due_date,
    delay.average_delay_days,
    last_payment.payment_date,
    churn.score
FROM overdue AS o
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = o.partner_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = o.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
-- Everything the customer owes the company, due or not: through the open items' index.
LEFT JOIN LATERAL (
    SELECT pg_catalog.sum(i.open_amount) AS total
    FROM odoo_mirror.v_open_items AS i
    WHERE i.partner_id = o.partner_id AND i.company_id IS NOT DISTINCT FROM o.company_id AND i.account_kind = 'receivable'
) AS open ON true
LEFT JOIN LATERAL (
    SELECT d.average_delay_days FROM odoo_mirror.payment_delays AS d
    WHERE d.partner_id = o.partner_id AND d.company_id IS NOT DISTINCT FROM o.company_id AND d.account_kind = 'receivable'
) AS delay ON true
LEFT JOIN LATERAL (
    SELECT pg_catalog.max(COALESCE(p.date, m.date)) AS payment_date
    FROM odoo_mirror.account_payment AS p
    LEFT JOIN odoo_mirror.account_move AS m ON m.id = p.move_id
    WHERE p.partner_id = o.partner_id AND p.payment_type = 'inbound'
      AND COALESCE(p.state, m.state) NOT IN ('draft', 'cancel', 'rejected')
) AS last_payment ON true
LEFT JOIN LATERAL (
    SELECT prediction.score FROM odoo_mirror.churn_predictions AS prediction
    JOIN odoo_mirror.ml_models AS model
      ON model.kind = 'churn' AND model.active AND model.version = prediction.model_version
    WHERE prediction.partner_id = COALESCE(partner.commercial_partner_id, o.partner_id)
) AS churn ON true
ORDER BY o.amount_days DESC, o.company_id, o.partner_id
