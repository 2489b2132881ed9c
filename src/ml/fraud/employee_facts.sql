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
LEFT JOIN odoo_mirror.hr_expense_sheet AS s ON s.id = e.sheet_id
WHERE e.employee_id = ANY ($1) AND e.date IS NOT NULL
ORDER BY e.employee_id, e.date, e.id
