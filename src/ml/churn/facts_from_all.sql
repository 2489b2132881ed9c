-- (after facts_columns.sql) Every invoice's reconciliation date, from all partial reconciliations at
-- once (both sides of each, one hash join with the journal items): cheaper than a lookup per invoice
-- when every customer is read.
FROM odoo_mirror.account_move AS m
LEFT JOIN (
    SELECT l.move_id, pg_catalog.max(sides.max_date) AS settled_on
    FROM (
        SELECT pg_catalog.unnest(ARRAY[pr.debit_move_id, pr.credit_move_id]) AS line_id, pr.max_date
        FROM odoo_mirror.account_partial_reconcile AS pr
    ) AS sides
    JOIN odoo_mirror.account_move_line AS l ON l.id = sides.line_id
    GROUP BY l.move_id
) AS settled ON settled.move_id = m.id
WHERE m.state = 'posted'
  AND m.move_type IN ('out_invoice', 'out_refund')
