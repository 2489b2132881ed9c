-- get_pending_expenses: expense reports awaiting approval (submit), posting (approve) or payment (post),
-- oldest first. $1 = page size. The inner page is read straight off hr_expense_sheet_pending_idx.
-- Odoo 17/18 move a report to 'done' as soon as it is partly paid: those still await payment too.
-- A sheet stores no submission date: create_date stands in for it until the sheet is approved.
SELECT
    sheet.id AS sheet_id,
    sheet.name::text AS sheet_name,
    sheet.employee_id,
    employee.name::text AS employee_name,
    sheet.state::text AS state,
    CASE sheet.state WHEN 'submit' THEN 'approval' WHEN 'approve' THEN 'posting' ELSE 'payment' END AS awaiting,
    -- NaN and ±Infinity are no amount (NULL), as in the views.
    CASE WHEN sheet.total_amount > '-Infinity' AND sheet.total_amount < 'Infinity'
         THEN pg_catalog.round(sheet.total_amount, 2) END AS total_amount,
    currency.name::text AS currency,
    -- Odoo stores naive UTC timestamps; clients get an unambiguous instant.
    sheet.create_date AT TIME ZONE 'UTC' AS submitted_at,
    sheet.approval_date AT TIME ZONE 'UTC' AS approved_at,
    -- NULL for a date at ±infinity: no day count.
    CASE WHEN pg_catalog.isfinite(sheet.pending_since)
         THEN (pg_catalog.now() AT TIME ZONE 'UTC')::date - sheet.pending_since::date END AS days_pending,
    (SELECT pg_catalog.count(*) FROM odoo_mirror.hr_expense AS line WHERE line.sheet_id = sheet.id) AS line_count,
    sheet.payment_state::text AS payment_state
FROM (
    SELECT s.*, COALESCE(s.approval_date, s.create_date) AS pending_since
    FROM odoo_mirror.hr_expense_sheet AS s
    WHERE s.state IN ('submit', 'approve', 'post') OR (s.state = 'done' AND s.payment_state IN ('partial', 'in_payment'))
    ORDER BY COALESCE(s.approval_date, s.create_date), s.id
    LIMIT $1
) AS sheet
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = sheet.employee_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = sheet.currency_id
ORDER BY sheet.pending_since, sheet.id
