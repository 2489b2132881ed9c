-- Some employees' expenses (as fraud_facts.sql), by employee ids ($1), in employee and date order.
SELECT e.employee_id,
       e.id,
       e.product_id,
       e.sheet_id,
       e.total_amount,
       e.date,
       COALESCE(s.create_date, e.create_date),
       COALESCE(NULLIF(e.description, ''), e.name::text, ''),
       COALESCE(e.state NOT IN ('draft', 'refused', 'done', 'paid'), false),
       COALESCE(e.state = 'refused' OR s.state IN ('cancel', 'refused'), false)
FROM odoo_mirror.hr_expense AS e
-- Each line's report by its key (OFFSET 0 keeps the subquery from becoming a join): the statement
-- keeps a generic plan, which would otherwise hash every report of the company on each call.
LEFT JOIN LATERAL (SELECT s.create_date, s.state
                   FROM odoo_mirror.hr_expense_sheet AS s
                   WHERE s.id = e.sheet_id
                   OFFSET 0) AS s ON true
WHERE e.employee_id = ANY ($1) AND e.date IS NOT NULL
ORDER BY e.employee_id, e.date, e.id
