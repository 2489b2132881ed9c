-- (after facts_columns.sql) One customer ($1: commercial partner, $2: days since 2000-01-01): one
-- index-only range (churn_score).
  AND COALESCE(m.commercial_partner_id, m.partner_id) = $1
  AND m.invoice_date <= DATE '2000-01-01' + $2
