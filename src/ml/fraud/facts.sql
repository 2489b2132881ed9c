-- (after expense_columns.sql) Every expense with an employee and a date, in employee and date order
-- (hr_expense_employee_date_idx): fraud scoring and training.
FROM odoo_mirror.hr_expense AS e
LEFT JOIN odoo_mirror.hr_expense_sheet AS s ON s.id = e.sheet_id
WHERE e.employee_id IS NOT NULL AND e.date IS NOT NULL
ORDER BY e.employee_id, e.date, e.id
