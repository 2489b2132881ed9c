-- get_revenue_trends: the current month, and the currencies of the companies in scope ($1 = optional
-- company id), so that a series exists for each even in months without revenue.
SELECT pg_catalog.date_trunc('month', CURRENT_DATE)::date AS this_month,
       ARRAY(
           SELECT DISTINCT company_currency.name::text
           FROM odoo_mirror.res_company AS company
           LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
           -- Archived companies and currencies not replicated yet add no empty series.
           WHERE ($1::integer IS NULL OR company.id = $1::integer)
             AND company.active IS NOT FALSE AND company_currency.name IS NOT NULL
       ) AS currencies
