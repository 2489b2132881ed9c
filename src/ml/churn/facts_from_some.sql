-- (after facts_columns.sql) The reconciliation date of each invoice read, looked up by its journal
-- items (a few index probes per invoice: for one customer or a few stale ones).
FROM odoo_mirror.account_move AS m
LEFT JOIN LATERAL (
    SELECT pg_catalog.max(pr.max_date) AS settled_on
    FROM odoo_mirror.account_move_line AS l
    JOIN odoo_mirror.account_partial_reconcile AS pr ON pr.debit_move_id = l.id OR pr.credit_move_id = l.id
    WHERE l.move_id = m.id
) AS settled ON true
WHERE m.state = 'posted'
  AND m.move_type IN ('out_invoice', 'out_refund')
