-- (after expense_columns.sql) Some employees' expenses, by employee ids ($1), in employee and date
-- order.
FROM odoo_mirror.hr_expense AS e
-- Each line's report by its key (OFFSET 0 keeps the subquery from becoming a join): the statement
-- keeps a generic plan, which would otherwise hash every report of the company on each call.
LEFT JOIN LATERAL (SELECT s.create_date, s.state
                   FROM odoo_mirror.hr_expense_sheet AS s
                   WHERE s.id = e.sheet_id
                   OFFSET 0) AS s ON true
WHERE e.employee_id = ANY ($1) AND e.date IS NOT NULL
ORDER BY e.employee_id, e.date, e.id
