-- odoo_mirror: roles and privileges. Runs last, after every function exists.
--
-- New functions are executable by PUBLIC by default, so everything is revoked first and then granted
-- exactly: Superset's role reads, n8n's role executes the RPCs and nothing else, Supabase's public
-- roles get nothing.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'superset_readonly') THEN
        CREATE ROLE superset_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'n8n_service') THEN
        CREATE ROLE n8n_service NOLOGIN;
    END IF;
END
$roles$;

REVOKE ALL ON SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM PUBLIC;

-- Superset: read every table and view. Functions called inside a view are checked against the
-- reader, so the reader also needs the view helper.
GRANT USAGE ON SCHEMA odoo_mirror TO superset_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA odoo_mirror TO superset_readonly;
GRANT EXECUTE ON FUNCTION odoo_mirror.translated_text(jsonb, text) TO superset_readonly;

-- n8n: the RPCs only (they are SECURITY DEFINER, so no table privilege is needed).
GRANT USAGE ON SCHEMA odoo_mirror TO n8n_service;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.get_pending_expenses(integer),
    odoo_mirror.get_overdue_tasks(integer),
    odoo_mirror.get_revenue_trends(integer, integer)
TO n8n_service;

-- Supabase: service_role gets what n8n_service gets; anon and authenticated get nothing, even where
-- default privileges would have given them something.
DO $supabase$
DECLARE
    public_role text;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        GRANT USAGE ON SCHEMA odoo_mirror TO service_role;
        GRANT EXECUTE ON FUNCTION
            odoo_mirror.get_pending_expenses(integer),
            odoo_mirror.get_overdue_tasks(integer),
            odoo_mirror.get_revenue_trends(integer, integer)
        TO service_role;
    END IF;
    FOREACH public_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = public_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM %I', public_role);
        END IF;
    END LOOP;
END
$supabase$;

-- Descriptions (PostgREST shows them in its OpenAPI output). The RPCs are SECURITY DEFINER so that the
-- automation roles need EXECUTE and no table privilege; they take only integers, run fixed queries and
-- pin search_path to pg_catalog, pg_temp.
COMMENT ON FUNCTION odoo_mirror.get_pending_expenses(integer) IS
    'Expense reports awaiting approval, posting or payment, oldest first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_overdue_tasks(integer) IS
    'Open, active tasks past their deadline, most overdue first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_revenue_trends(integer, integer) IS
    'Untaxed revenue per month and company currency, with growth against the previous month. p_months: 1..120 (default 12); p_company_id: optional. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.verify() IS
    'Installation and replication health report: one row per check, status ok, warn or fail.';

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';
