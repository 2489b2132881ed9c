-- Churn features' input, shared by facts.sql (everyone), customers_facts.sql (the customers a write
-- made stale) and partner_facts.sql (one customer): posted customer invoices and refunds with the
-- columns the features read, by commercial partner. Columns come as stored (dates, numerics, texts)
-- and are decoded in Rust (ml_storage::fact): SQL casts from numeric to float8 go through text and
-- cost more than everything else together. The last column is the date the invoice's last
-- reconciliation counts from, as of the last refresh_payment_delays() (invoice_settlements): payments
-- are dated by it, and by write_date when the mirror has no reconciliation for the invoice (or it came
-- after that refresh). Each query adds its own partner and date condition.
SELECT COALESCE(m.commercial_partner_id, m.partner_id),
       m.invoice_date,
       m.move_type,
       m.amount_untaxed_signed,
       m.amount_total_signed,
       m.invoice_date_due,
       m.write_date,
       m.payment_state,
       m.amount_residual_signed,
       settled.settled_on
FROM odoo_mirror.account_move AS m
LEFT JOIN odoo_mirror.invoice_settlements AS settled ON settled.move_id = m.id
WHERE m.state = 'posted'
  AND m.move_type IN ('out_invoice', 'out_refund')
