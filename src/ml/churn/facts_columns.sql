-- Churn features' input, shared by facts.sql (everyone), customers_facts.sql (the customers a write
-- made stale) and partner_facts.sql (one customer): posted customer invoices and refunds with the
-- columns the features read, by commercial partner. Columns come as stored (dates, numerics, texts)
-- and are decoded in Rust (ml_storage::fact): SQL casts from numeric to float8 go through text and
-- cost more than everything else together. The last column is the date the invoice's last
-- reconciliation counts from (account_partial_reconcile.max_date), NULL when none is mirrored: payments
-- are dated by it, by write_date only without it. Each query adds its FROM (facts_from_all.sql or
-- facts_from_some.sql) and its own partner and date condition.
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
