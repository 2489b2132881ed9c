-- What fraud scoring reads of an expense, shared by facts.sql (every expense), employee_facts.sql (the
-- employees a write made stale) and expense_history.sql (one expense's employee); each adds its FROM
-- (with the report as "s"), condition and order. The submission day is the report's creation (Odoo
-- 17/18 store no submission date), else the expense's own creation (Odoo 19 has no reports). "Open"
-- expenses await approval, posting or payment: every state but draft, refused and paid, in Odoo 17, 18
-- and 19. "Refused": the line, or its report (cancelled in Odoo 17/18, refused in others), was refused.
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
