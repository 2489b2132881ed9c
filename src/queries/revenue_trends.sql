-- get_revenue_trends: untaxed revenue per month in the company currency, from posted customer invoices
-- and refunds, the last $1 months up to and including the current (month-to-date) one, months without
-- revenue included. $2 = optional company id. Companies in different currencies are never added up:
-- there is one series per company currency (one row per month for a single-currency organisation).
-- The scan is an index-only range scan of account_move_revenue_idx.
WITH bounds AS (
    SELECT pg_catalog.date_trunc('month', CURRENT_DATE)::date AS this_month,
           (pg_catalog.date_trunc('month', CURRENT_DATE) - pg_catalog.make_interval(months => $1))::date AS first_month
),
per_company AS (
    -- Aggregate first (index-only scan), join the few companies afterwards.
    SELECT pg_catalog.date_trunc('month', m.invoice_date)::date AS month,
           m.company_id,
           pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_invoice') AS invoiced,
           -pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_refund') AS refunded,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoice_count,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_refund') AS refund_count
    FROM odoo_mirror.account_move AS m
    CROSS JOIN bounds
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
      AND m.invoice_date >= bounds.first_month
      AND m.invoice_date < bounds.this_month + interval '1 month'
      AND ($2::integer IS NULL OR m.company_id = $2::integer)
    GROUP BY 1, 2
),
revenue AS (
    SELECT p.month,
           company_currency.name::text AS currency,
           COALESCE(pg_catalog.sum(p.invoiced), 0) AS invoiced,
           COALESCE(pg_catalog.sum(p.refunded), 0) AS refunded,
           pg_catalog.sum(p.invoice_count) AS invoice_count,
           pg_catalog.sum(p.refund_count) AS refund_count
    FROM per_company AS p
    LEFT JOIN odoo_mirror.res_company AS company ON company.id = p.company_id
    LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
    GROUP BY 1, 2
),
currencies AS (
    -- Every company currency in scope, so that a series exists even for months with no revenue.
    SELECT company_currency.name::text AS currency
    FROM odoo_mirror.res_company AS company
    LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
    WHERE $2::integer IS NULL OR company.id = $2::integer
    UNION
    SELECT r.currency FROM revenue AS r
),
series AS (
    SELECT months.month::date AS month, c.currency,
           COALESCE(r.invoiced, 0) AS invoiced,
           COALESCE(r.refunded, 0) AS refunded,
           COALESCE(r.invoice_count, 0)::bigint AS invoice_count,
           COALESCE(r.refund_count, 0)::bigint AS refund_count
    FROM bounds
    CROSS JOIN LATERAL pg_catalog.generate_series(bounds.first_month, bounds.this_month, interval '1 month') AS months(month)
    CROSS JOIN (SELECT currency FROM currencies UNION SELECT NULL WHERE NOT EXISTS (SELECT FROM currencies)) AS c
    LEFT JOIN revenue AS r ON r.month = months.month::date AND r.currency IS NOT DISTINCT FROM c.currency
),
with_previous AS (
    SELECT s.*, s.invoiced - s.refunded AS net,
           pg_catalog.lag(s.invoiced - s.refunded) OVER (PARTITION BY s.currency ORDER BY s.month) AS previous_net
    FROM series AS s
)
SELECT
    w.month,
    w.currency,
    pg_catalog.round(w.invoiced, 2) AS invoiced,
    pg_catalog.round(w.refunded, 2) AS refunded,
    pg_catalog.round(w.net, 2) AS net_revenue,
    w.invoice_count,
    w.refund_count,
    CASE WHEN w.previous_net IS NULL OR w.previous_net = 0 THEN NULL
         ELSE pg_catalog.round(((w.net - w.previous_net) / pg_catalog.abs(w.previous_net) * 100), 2)::double precision
    END AS growth_pct
FROM with_previous AS w
CROSS JOIN bounds
WHERE w.month > bounds.first_month
ORDER BY w.month, w.currency
