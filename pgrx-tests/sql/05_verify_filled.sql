-- verify() once data is there: every check passes.
\set SHOW_CONTEXT never
SELECT status, count(*) FROM odoo_mirror.verify() GROUP BY status ORDER BY status;
SELECT "check", detail FROM odoo_mirror.verify() WHERE "check" LIKE 'table %' OR "check" LIKE 'rpc %' ORDER BY 1;
-- A missing grant is reported, not ignored.
REVOKE SELECT ON odoo_mirror.v_task_summary FROM superset_readonly;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE status <> 'ok';
GRANT SELECT ON odoo_mirror.v_task_summary TO superset_readonly;
-- So is a function executable by PUBLIC.
GRANT EXECUTE ON FUNCTION odoo_mirror.verify() TO PUBLIC;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE status <> 'ok';
REVOKE EXECUTE ON FUNCTION odoo_mirror.verify() FROM PUBLIC;
SELECT count(*) AS failing FROM odoo_mirror.verify() WHERE status <> 'ok';
