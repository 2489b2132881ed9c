-- get_aging($1 as of date, $2 company id or NULL): receivables and payables per partner and company by
-- days past due as of a past date. An item counts if posted and dated on or before the date; what was
-- open then is its residual now plus the partial reconciliations that count from after the date
-- (max_date), which is how Odoo's aged balance looks back. Amounts as in v_aging: what is owed.
WITH later AS (
    -- Reconciliations that count from after the date: on it, they had not happened yet.
    SELECT sides.line_id, pg_catalog.sum(sides.amount) AS amount
    FROM (
        SELECT pr.debit_move_id AS line_id, pr.amount
        FROM odoo_mirror.account_partial_reconcile AS pr
        WHERE pr.max_date > $1 AND pg_catalog.abs(pr.amount) < 99999999999999.995
        UNION ALL
        SELECT pr.credit_move_id, -pr.amount
        FROM odoo_mirror.account_partial_reconcile AS pr
        WHERE pr.max_date > $1 AND pg_catalog.abs(pr.amount) < 99999999999999.995
    ) AS sides
    GROUP BY sides.line_id
), open_now AS (
    -- Items open now, read account by account through the open-items index (the planner cannot tell
    -- how few open items sit on receivable and payable accounts).
    SELECT l.id, l.company_id, l.partner_id, account.account_type, l.due_date, l.amount_residual
    FROM odoo_mirror.account_account AS account
    CROSS JOIN LATERAL (
        SELECT open_line.id, open_line.company_id, open_line.partner_id, open_line.amount_residual,
               COALESCE(open_line.date_maturity, open_line.date) AS due_date
        FROM odoo_mirror.account_move_line AS open_line
        WHERE open_line.account_id = account.id AND open_line.parent_state = 'posted'
          AND open_line.amount_residual <> 0 AND open_line.date <= $1
        OFFSET 0
    ) AS l
    WHERE account.account_type IN ('asset_receivable', 'liability_payable')
), closed_now AS (
    -- Items settled now that the later reconciliations touched: open on the date.
    SELECT l.id, l.company_id, l.partner_id, account.account_type, COALESCE(l.date_maturity, l.date) AS due_date,
           l.amount_residual
    FROM later
    JOIN odoo_mirror.account_move_line AS l ON l.id = later.line_id
    JOIN odoo_mirror.account_account AS account
      ON account.id = l.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
    WHERE l.parent_state = 'posted' AND l.amount_residual = 0 AND l.date <= $1
), items AS (
    -- Open on the date = open now + what was reconciled after it (the stored residual is the balance
    -- less every reconciliation, as Odoo keeps it).
    SELECT item.company_id, item.partner_id,
           CASE item.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind,
           item.due_date,
           item.amount_residual + COALESCE(later.amount, 0) AS open_amount
    FROM (SELECT * FROM open_now UNION ALL SELECT * FROM closed_now) AS item
    LEFT JOIN later ON later.line_id = item.id
    WHERE ($2::integer IS NULL OR item.company_id = $2)
      AND pg_catalog.abs(item.amount_residual) < 99999999999999.995
), owed AS (
    SELECT i.*, CASE i.account_kind WHEN 'payable' THEN -i.open_amount ELSE i.open_amount END AS owed,
           CASE WHEN i.due_date >= $1 THEN 'not due'
                WHEN i.due_date >= $1 - 30 THEN '1-30'
                WHEN i.due_date >= $1 - 60 THEN '31-60'
                WHEN i.due_date >= $1 - 90 THEN '61-90'
                WHEN i.due_date >= $1 - 120 THEN '91-120'
                ELSE 'over 120' END AS aging_bucket
    FROM items AS i
    WHERE i.open_amount <> 0
), totals AS (
    SELECT o.account_kind, o.company_id, o.partner_id,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = 'not due'), 0) AS not_due,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = '1-30'), 0) AS overdue_1_30,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = '31-60'), 0) AS overdue_31_60,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = '61-90'), 0) AS overdue_61_90,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = '91-120'), 0) AS overdue_91_120,
           COALESCE(pg_catalog.sum(o.owed) FILTER (WHERE o.aging_bucket = 'over 120'), 0) AS overdue_over_120,
           pg_catalog.sum(o.owed) AS total_open,
           pg_catalog.count(*) AS open_items,
           pg_catalog.min(o.due_date) AS oldest_due_date
    FROM owed AS o
    GROUP BY o.account_kind, o.company_id, o.partner_id
)
SELECT
    $1 AS as_of_date,
    t.account_kind,
    t.company_id,
    company.name::text,
    t.partner_id,
    partner.name::text,
    company_currency.name::text,
    CASE WHEN pg_catalog.abs(t.not_due) < 99999999999999.995 THEN t.not_due::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.overdue_1_30) < 99999999999999.995 THEN t.overdue_1_30::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.overdue_31_60) < 99999999999999.995 THEN t.overdue_31_60::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.overdue_61_90) < 99999999999999.995 THEN t.overdue_61_90::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.overdue_91_120) < 99999999999999.995 THEN t.overdue_91_120::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.overdue_over_120) < 99999999999999.995 THEN t.overdue_over_120::numeric(16,2) END,
    CASE WHEN pg_catalog.abs(t.total_open) < 99999999999999.995 THEN t.total_open::numeric(16,2) END,
    t.open_items,
    t.oldest_due_date
FROM totals AS t
LEFT JOIN odoo_mirror.res_company AS company ON company.id = t.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = t.partner_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
ORDER BY t.account_kind DESC, t.company_id, t.total_open DESC, t.partner_id
