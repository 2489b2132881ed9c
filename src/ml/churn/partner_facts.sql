-- One customer's churn input ($1: commercial partner, $2: days since 2000-01-01), as facts.sql reads it
-- for all: one index-only range (churn_score).
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
  AND COALESCE(m.commercial_partner_id, m.partner_id) = $1
  AND m.invoice_date <= DATE '2000-01-01' + $2
