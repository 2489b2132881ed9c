-- (after facts_columns.sql) Every customer, dated on or before $1 (days since 2000-01-01). Read by
-- index (account_move_churn_facts_idx), in partner order (an index-only scan: ordering by id too would
-- read the heap, 8x slower), so the features are computed one customer at a time as the rows stream
-- in. store::group_by_customer sorts each customer's rows completely, so sums add up in the same order
-- whichever plan read them.
  AND COALESCE(m.commercial_partner_id, m.partner_id) IS NOT NULL
  AND m.invoice_date <= DATE '2000-01-01' + $1
ORDER BY COALESCE(m.commercial_partner_id, m.partner_id), m.invoice_date
