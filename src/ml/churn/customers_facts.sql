-- (after facts_columns.sql) Some customers ($1: commercial partners, $2: days since 2000-01-01), in
-- partner order as facts.sql: the customers whose predictions a write made stale.
  AND COALESCE(m.commercial_partner_id, m.partner_id) = ANY ($1)
  AND m.invoice_date <= DATE '2000-01-01' + $2
ORDER BY COALESCE(m.commercial_partner_id, m.partner_id), m.invoice_date
