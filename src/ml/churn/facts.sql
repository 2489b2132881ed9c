-- Churn features' input: every posted customer invoice and refund dated on or before $1 (days since
-- 2000-01-01), grouped by commercial partner. Read by index (account_move_churn_facts_idx), in partner
-- order (an index-only scan: ordering by id too would read the heap, 8x slower), so the features are
-- computed one customer at a time as the rows stream in. store::group_by_customer sorts each customer's
-- rows completely, so sums add up in the same order whichever plan read them. Columns come as
-- stored (dates, numerics, texts) and are decoded in Rust (ml_storage::fact): SQL casts from numeric
-- to float8 go through text and cost more than everything else together.
SELECT COALESCE(m.commercial_partner_id, m.partner_id),
       m.invoice_date,
       m.move_type,
       m.amount_untaxed_signed,
       m.amount_total_signed,
       m.invoice_date_due,
       m.write_date,
       m.payment_state,
       m.amount_residual_signed
FROM odoo_mirror.account_move AS m
WHERE m.state = 'posted'
  AND m.move_type IN ('out_invoice', 'out_refund')
  AND COALESCE(m.commercial_partner_id, m.partner_id) IS NOT NULL
  AND m.invoice_date <= DATE '2000-01-01' + $1
ORDER BY COALESCE(m.commercial_partner_id, m.partner_id), m.invoice_date
