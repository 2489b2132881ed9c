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
REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM PUBLIC;

-- Superset: read every table and view. Functions called inside a view are checked against the
-- reader, so the reader also needs the view helper.
GRANT USAGE ON SCHEMA odoo_mirror TO superset_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA odoo_mirror TO superset_readonly;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.translated_text(jsonb, text),
    odoo_mirror.finite_expense_total(integer, integer, text[], boolean),
    odoo_mirror.finite_revenue_total(integer, integer, text)
TO superset_readonly;

-- n8n: the RPCs only (they are SECURITY DEFINER, so no table privilege is needed).
GRANT USAGE ON SCHEMA odoo_mirror TO n8n_service;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.get_pending_expenses(integer),
    odoo_mirror.get_overdue_tasks(integer),
    odoo_mirror.get_revenue_trends(integer, integer),
    odoo_mirror.replication_status(),
    odoo_mirror.get_churn_risks(integer, double precision),
    odoo_mirror.explain_churn(integer),
    odoo_mirror.get_suspicious_expenses(integer, double precision),
    odoo_mirror.explain_fraud(integer),
    odoo_mirror.get_aging(date, integer),
    odoo_mirror.get_collections_worklist(integer, integer)
TO n8n_service;

-- Analysts score and explain customers and expenses in SQL Lab (SECURITY DEFINER readers, like the RPCs).
-- Training, activation, import, export and the predictions refresh stay with the owner.
GRANT EXECUTE ON FUNCTION
    odoo_mirror.churn_score(integer),
    odoo_mirror.churn_scores(date),
    odoo_mirror.explain_churn(integer),
    odoo_mirror.fraud_score(integer),
    odoo_mirror.fraud_scores(),
    odoo_mirror.explain_fraud(integer),
    odoo_mirror.model_performance(),
    odoo_mirror.get_aging(date, integer),
    odoo_mirror.get_collections_worklist(integer, integer)
TO superset_readonly;

-- AI memory: agents search it through n8n. ipai_memory is not the extension's (other agents share it),
-- but the search function is. It runs as its caller (SECURITY INVOKER), so row-level security on
-- ipai_memory.chunks applies to every search: the search roles read chunks.
REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA ipai_memory TO n8n_service;
GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO n8n_service;
-- chunks is missing only while pg_restore re-creates the extension before the dumped tables (and their
-- grants) come back; ensure_memory_store() grants it whenever it creates the table.
DO $chunks$
BEGIN
    IF pg_catalog.to_regclass('ipai_memory.chunks') IS NOT NULL THEN
        GRANT SELECT ON ipai_memory.chunks TO n8n_service;
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
            GRANT SELECT ON ipai_memory.chunks TO service_role;
        END IF;
        -- A GRANT inside CREATE or ALTER EXTENSION is recorded as an initial privilege, which pg_dump
        -- leaves out; chunks belongs to no extension (other agents share it), so its grants must be
        -- dumped like any other table's. PostgreSQL 17+ also records initial privileges in pg_shdepend.
        IF NOT EXISTS (
            SELECT FROM pg_catalog.pg_depend AS d
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND d.deptype = 'e') THEN
            DELETE FROM pg_catalog.pg_init_privs AS p
            WHERE p.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND p.objoid = 'ipai_memory.chunks'::pg_catalog.regclass;
            IF pg_catalog.current_setting('server_version_num')::integer >= 170000 THEN
                EXECUTE $shdepend$
                    DELETE FROM pg_catalog.pg_shdepend AS s
                    WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d
                                    WHERE d.datname = pg_catalog.current_database())
                      AND s.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND s.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND s.deptype = 'i'
                $shdepend$;
            END IF;
        END IF;
    END IF;
END
$chunks$;

-- Supabase: service_role gets what n8n_service gets; anon and authenticated get nothing, even where
-- default privileges would have given them something.
DO $supabase$
DECLARE
    public_role text;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        -- Exactly what n8n_service gets: first take back what default privileges gave it.
        REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM service_role;
        GRANT USAGE ON SCHEMA odoo_mirror TO service_role;
        GRANT EXECUTE ON FUNCTION
            odoo_mirror.get_pending_expenses(integer),
            odoo_mirror.get_overdue_tasks(integer),
            odoo_mirror.get_revenue_trends(integer, integer),
            odoo_mirror.replication_status(),
            odoo_mirror.get_churn_risks(integer, double precision),
            odoo_mirror.explain_churn(integer),
            odoo_mirror.get_suspicious_expenses(integer, double precision),
            odoo_mirror.explain_fraud(integer),
            odoo_mirror.get_aging(date, integer),
            odoo_mirror.get_collections_worklist(integer, integer)
        TO service_role;
        REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM service_role;
        GRANT USAGE ON SCHEMA ipai_memory TO service_role;
        GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO service_role;
    END IF;
    FOREACH public_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = public_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM %I', public_role);
        END IF;
    END LOOP;
END
$supabase$;

-- Descriptions (PostgREST shows them in its OpenAPI output). The RPCs are SECURITY DEFINER so that the
-- automation roles need EXECUTE and no table privilege; they take only integers, run fixed queries and
-- pin search_path to pg_catalog, pg_temp.
COMMENT ON FUNCTION odoo_mirror.get_pending_expenses(integer) IS
    'Expense reports awaiting approval, posting or payment, oldest first, with the highest fraud score among their lines and its top reason (NULL until a fraud model is trained). p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_overdue_tasks(integer) IS
    'Open, active tasks past their deadline, most overdue first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_revenue_trends(integer, integer) IS
    'Untaxed revenue per month and company currency, with growth against the previous month. p_months: 1..120 (default 12); p_company_id: optional. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_aging(date, integer) IS
    'Aged receivables and payables per partner and company as of p_as_of (default today; a past date is rebuilt from reconciliation dates): amounts owed not yet due and 1-30, 31-60, 61-90, 91-120 and over 120 days past due, in the company currency. p_as_of: a date no later than today; p_company_id: a mirrored company, or NULL for all. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_collections_worklist(integer, integer) IS
    'Customers with overdue receivables to chase, largest overdue amount x days first, with their usual payment delay, last payment date and churn score (stored, when a churn model is active). p_limit: 1..1000 (default 20); p_company_id: a mirrored company, or NULL for all. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.translated_text(jsonb, text) IS
    'Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation';
COMMENT ON FUNCTION odoo_mirror.publication_sql(text, text) IS
    'The statement to run on the Odoo database: publishes the mirror''s columns of each mirrored table (a DO block running CREATE or ALTER PUBLICATION)';
COMMENT ON FUNCTION odoo_mirror.create_landing_tables(text) IS
    'Creates (or re-attaches) the landing tables that route a subscription''s rows into odoo_mirror.*; idempotent';
COMMENT ON FUNCTION odoo_mirror.drop_landing_tables() IS
    'Detaches odoo_mirror.* from the landing tables and drops them; mirrored rows stay';
COMMENT ON FUNCTION odoo_mirror.rebuild_memory(boolean) IS
    'Writes the invoice chunks missing from ipai_memory.chunks (p_replace: rewrites them all); returns how many were written';
COMMENT ON FUNCTION ipai_memory.search_chunks(text, integer) IS
    'Ranked full-text search over AI memory. p_query: web-search syntax (words, "phrases", or, -word), English stemming; p_limit: 1..1000 (default 10). Runs as its caller: row-level security on ipai_memory.chunks applies (n8n_service and service_role read chunks).';
COMMENT ON FUNCTION odoo_mirror.train_churn_model(date, integer, jsonb) IS
    'Trains a churn model (logistic regression) on the mirror''s invoices; stores it in odoo_mirror.ml_models, activates it if it beats the active one on the time-based holdout; returns the metrics beside a recency-only baseline. Owner only.';
COMMENT ON FUNCTION odoo_mirror.churn_score(integer) IS
    'Probability (0..1) that a customer (commercial partner) buys nothing within the active model''s horizon; NULL without a posted customer invoice. 42704 when no churn model is active.';
COMMENT ON FUNCTION odoo_mirror.churn_scores(date) IS
    'Every customer''s churn score in one pass (as of p_as_of, default the mirror''s latest invoice date or today if earlier).';
COMMENT ON FUNCTION odoo_mirror.explain_churn(integer) IS
    'A customer''s churn score explained: each feature''s value and contribution to the logit, top reasons in words. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_churn_risks(integer, double precision) IS
    'Active customers most likely to stop buying: score, risk band, top reasons, revenue at risk. p_limit: 1..1000 (default 20); p_min_score: 0..1 (default 0.5). 42704 (HTTP 400) until a churn model is trained. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.refresh_churn_predictions(boolean) IS
    'Brings odoo_mirror.churn_predictions (read by v_churn_risk, get_churn_risks, churn_score) up to date: rescores the customers whose invoices changed since the last refresh, or every active customer when the active model or the scoring date changed, or with p_full => true. Schedule it (pg_cron, every few minutes). Owner only.';
COMMENT ON FUNCTION odoo_mirror.train_fraud_model(jsonb) IS
    'Trains an expense fraud model (rules + isolation forest; weights fitted on odoo_mirror.expense_labels when there are enough, else documented defaults); stores it in odoo_mirror.ml_models, activates it by the churn model''s rules; returns the metrics. Owner only.';
COMMENT ON FUNCTION odoo_mirror.fraud_score(integer) IS
    'Fraud score (0..1) of one expense under the active fraud model; NULL for an unknown expense or one without employee or date. 42704 when no fraud model is active.';
COMMENT ON FUNCTION odoo_mirror.fraud_scores() IS
    'Every expense''s fraud score in one pass (the batch form of fraud_score).';
COMMENT ON FUNCTION odoo_mirror.explain_fraud(integer) IS
    'An expense''s fraud score explained: each rule''s evidence, strength, weight and contribution to the logit, and the isolation forest''s view. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_suspicious_expenses(integer, double precision) IS
    'Open expenses (awaiting approval, posting or payment) with a fraud score of at least p_min_score, most suspicious first, with reasons. p_limit: 1..1000 (default 20); p_min_score: 0..1 (default 0.7). 42704 (HTTP 400) until a fraud model is trained. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.refresh_fraud_predictions(boolean) IS
    'Brings odoo_mirror.fraud_predictions (read by v_suspicious_expenses, get_suspicious_expenses, get_pending_expenses, fraud_score) up to date: rescores the expenses of employees whose expenses or reports changed since the last refresh, or every expense when the active model changed, or with p_full => true. Schedule it (pg_cron, every few minutes). Owner only.';
COMMENT ON FUNCTION odoo_mirror.model_performance() IS
    'How the kept predictions fared: per snapshot in odoo_mirror.prediction_history, the predictions whose outcome is known now (churn: the horizon has passed; fraud: an auditor labelled the expense after the snapshot) and their ROC AUC, log loss, Brier score and calibration error. NULL metrics until there are outcomes.';
COMMENT ON FUNCTION odoo_mirror.activate_model(text, integer) IS
    'Makes a stored model version the active one of its kind (roll back or forward); used from the next statement in every session. Owner only.';
COMMENT ON FUNCTION odoo_mirror.export_model(text, integer) IS
    'A stored model (default: the active one) as one jsonb document for import_model(). Owner only.';
COMMENT ON FUNCTION odoo_mirror.import_model(jsonb, boolean) IS
    'Stores an exported model as the next version of its kind; active only if p_activate. Owner only.';
COMMENT ON FUNCTION odoo_mirror.verify() IS
    'Installation and replication health report: one row per check, status ok, warn or fail.';

-- The RPCs keep their statements prepared per backend. Their generic plans are the index scans they
-- are written for, while the planner would otherwise keep re-planning them (a LIMIT $1 makes the
-- generic plan look costlier than it is), which costs more than running them.
ALTER FUNCTION odoo_mirror.get_pending_expenses(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_overdue_tasks(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_suspicious_expenses(integer, double precision) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_collections_worklist(integer, integer) SET plan_cache_mode = force_generic_plan;
-- Revenue trends read a few thousand rows once the rollup is refreshed: starting parallel workers
-- would cost more than the query (and the planner cannot know the rollup is fresh).
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET max_parallel_workers_per_gather = 0;

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';
