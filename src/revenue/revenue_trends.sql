-- get_revenue_trends: untaxed revenue per month and company currency, from posted customer invoices and
-- refunds, for the months from $1 months before the current one up to the current (month-to-date) one.
-- $2 = optional company id. Only months with revenue come back; src/trends.rs lays out the full series.
-- Companies in different currencies are never added up. NaN and ±Infinity amounts are left out of the
-- sums, as NULL is (the invoice still counts), as in the views and the rollup.
--
-- Clean dates come from the daily rollup, stale ones (changed since the last refresh) straight from
-- account_move, all in this statement's snapshot: the result is exact whether or not the rollup was
-- refreshed. The range bounds are spelled out (not shared through a CTE) so that they are index conditions.
WITH stale AS MATERIALIZED (
    SELECT DISTINCT s.invoice_date
    FROM odoo_mirror.revenue_daily_stale AS s
    WHERE s.invoice_date >= (pg_catalog.date_trunc('month', CURRENT_DATE) - pg_catalog.make_interval(months => $1))::date
      AND s.invoice_date < (pg_catalog.date_trunc('month', CURRENT_DATE) + interval '1 month')::date
),
-- A change whose date is unknown makes every date stale.
all_stale AS MATERIALIZED (
    SELECT EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date IS NULL) AS yes
),
per_day AS (
    -- Clean dates, from the rollup.
    SELECT r.invoice_date, r.company_id, r.move_type::text AS move_type,
           r.amount_untaxed_signed AS amount, r.move_count AS moves
    FROM odoo_mirror.revenue_daily AS r
    WHERE r.invoice_date >= (pg_catalog.date_trunc('month', CURRENT_DATE) - pg_catalog.make_interval(months => $1))::date
      AND r.invoice_date < (pg_catalog.date_trunc('month', CURRENT_DATE) + interval '1 month')::date
      AND ($2::integer IS NULL OR r.company_id = $2::integer)
      AND NOT EXISTS (SELECT FROM stale WHERE stale.invoice_date = r.invoice_date)
      AND NOT (SELECT yes FROM all_stale)
    UNION ALL
    -- Stale dates, from account_move.
    SELECT m.invoice_date, COALESCE(m.company_id, 0), m.move_type::text,
           COALESCE(pg_catalog.sum(m.amount_untaxed_signed)
                        FILTER (WHERE m.amount_untaxed_signed > '-Infinity' AND m.amount_untaxed_signed < 'Infinity'), 0),
           pg_catalog.count(*)
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
      AND m.invoice_date >= (pg_catalog.date_trunc('month', CURRENT_DATE) - pg_catalog.make_interval(months => $1))::date
      AND m.invoice_date < (pg_catalog.date_trunc('month', CURRENT_DATE) + interval '1 month')::date
      AND m.invoice_date IN (SELECT stale.invoice_date FROM stale)
      AND ($2::integer IS NULL OR m.company_id = $2::integer)
      AND NOT (SELECT yes FROM all_stale)
    GROUP BY 1, 2, 3
    UNION ALL
    -- Every date, from account_move, when a change's date is unknown (a one-time filter otherwise).
    SELECT m.invoice_date, COALESCE(m.company_id, 0), m.move_type::text,
           COALESCE(pg_catalog.sum(m.amount_untaxed_signed)
                        FILTER (WHERE m.amount_untaxed_signed > '-Infinity' AND m.amount_untaxed_signed < 'Infinity'), 0),
           pg_catalog.count(*)
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
      AND m.invoice_date >= (pg_catalog.date_trunc('month', CURRENT_DATE) - pg_catalog.make_interval(months => $1))::date
      AND m.invoice_date < (pg_catalog.date_trunc('month', CURRENT_DATE) + interval '1 month')::date
      AND ($2::integer IS NULL OR m.company_id = $2::integer)
      AND (SELECT yes FROM all_stale)
    GROUP BY 1, 2, 3
),
per_month AS (
    -- A few hundred days: join the companies and fold into months.
    SELECT pg_catalog.date_trunc('month', d.invoice_date::timestamp)::date AS month,
           company_currency.name::text AS currency,
           COALESCE(pg_catalog.sum(d.amount) FILTER (WHERE d.move_type = 'out_invoice'), 0) AS invoiced,
           COALESCE(-pg_catalog.sum(d.amount) FILTER (WHERE d.move_type = 'out_refund'), 0) AS refunded,
           COALESCE(pg_catalog.sum(d.moves) FILTER (WHERE d.move_type = 'out_invoice'), 0)::bigint AS invoice_count,
           COALESCE(pg_catalog.sum(d.moves) FILTER (WHERE d.move_type = 'out_refund'), 0)::bigint AS refund_count
    FROM per_day AS d
    LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
    LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
    GROUP BY 1, 2
)
SELECT month,
       currency,
       pg_catalog.round(invoiced, 2) AS invoiced,
       pg_catalog.round(refunded, 2) AS refunded,
       pg_catalog.round(invoiced - refunded, 2) AS net_revenue,
       -- double precision cannot hold numeric beyond about 1e308: NULL there rather than an error.
       CASE WHEN pg_catalog.abs(invoiced - refunded) < 1e300
            THEN pg_catalog.round(invoiced - refunded, 2)::double precision END AS net_value,
       invoice_count,
       refund_count
FROM per_month
