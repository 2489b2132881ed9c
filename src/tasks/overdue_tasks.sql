-- get_overdue_tasks: active, open tasks whose deadline (a UTC timestamp) has passed, most overdue first.
-- $1 = page size. The inner page is read straight off project_task_open_deadline_idx.
SELECT
    task.id AS task_id,
    task.name::text AS task_name,
    task.project_id,
    odoo_mirror.translated_text(project.name) AS project_name,
    odoo_mirror.translated_text(stage.name) AS stage_name,
    task.state::text AS state,
    ARRAY(
        SELECT DISTINCT COALESCE(user_partner.name, u.login, '#' || u.id::text)::text
        FROM odoo_mirror.project_task_user_rel AS rel
        JOIN odoo_mirror.res_users AS u ON u.id = rel.user_id
        LEFT JOIN odoo_mirror.res_partner AS user_partner ON user_partner.id = u.partner_id
        WHERE rel.task_id = task.id
        ORDER BY 1
    ) AS assignees,
    task.date_deadline AT TIME ZONE 'UTC' AS deadline,
    -- NULL for a deadline at -infinity: no day count.
    CASE WHEN pg_catalog.isfinite(task.date_deadline)
         THEN (pg_catalog.now() AT TIME ZONE 'UTC')::date - task.date_deadline::date END AS days_overdue,
    task.priority::text AS priority,
    CASE task.priority WHEN '0' THEN 'Low' WHEN '1' THEN 'High' END
        AS priority_label
FROM (
    SELECT t.*
    FROM odoo_mirror.project_task AS t
    WHERE t.active AND t.state NOT IN ('1_done', '1_canceled')
      AND t.date_deadline < (pg_catalog.now() AT TIME ZONE 'UTC')
    ORDER BY t.date_deadline, t.id
    LIMIT $1
) AS task
LEFT JOIN odoo_mirror.project_project AS project ON project.id = task.project_id
LEFT JOIN odoo_mirror.project_task_type AS stage ON stage.id = task.stage_id
ORDER BY task.date_deadline, task.id
