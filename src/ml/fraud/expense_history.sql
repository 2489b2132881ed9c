-- (after expense_columns.sql) The employee's expenses of the expense $1: one round trip for
-- fraud_score().
FROM odoo_mirror.hr_expense AS e
LEFT JOIN odoo_mirror.hr_expense_sheet AS s ON s.id = e.sheet_id
WHERE e.employee_id = (SELECT x.employee_id FROM odoo_mirror.hr_expense AS x WHERE x.id = $1)
  AND e.date IS NOT NULL
ORDER BY e.date, e.id
