-- One customer's churn input ($1: commercial partner), as churn_facts.sql reads it for all.
SELECT COALESCE(m.commercial_partner_id, m.partner_id),
       m.invoice_date - DATE '2000-01-01',
       m.move_type = 'out_refund',
       pg_catalog.abs(COALESCE(m.amount_untaxed_signed, 0))::float8,
       pg_catalog.abs(COALESCE(m.amount_total_signed, 0))::float8,
       COALESCE(m.invoice_date_due, m.invoice_date) - DATE '2000-01-01',
       COALESCE(m.write_date::date, m.invoice_date) - DATE '2000-01-01',
       CASE WHEN m.payment_state IN ('paid', 'in_payment', 'invoicing_legacy') THEN 1
            WHEN m.payment_state = 'reversed' THEN 2 ELSE 0 END,
       pg_catalog.abs(COALESCE(m.amount_residual_signed, 0))::float8
FROM odoo_mirror.account_move AS m
WHERE m.state = 'posted'
  AND m.move_type IN ('out_invoice', 'out_refund')
  AND COALESCE(m.commercial_partner_id, m.partner_id) = $1
  AND m.invoice_date <= DATE '2000-01-01' + $2
