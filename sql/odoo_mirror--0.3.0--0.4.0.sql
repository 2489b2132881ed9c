-- odoo_mirror 0.3.0 -> 0.4.0: in-database expense fraud scoring.
--
-- Adds: odoo_mirror.expense_labels (auditors' verdicts, dumped by pg_dump), odoo_mirror.fraud_predictions,
-- the v_suspicious_expenses view, seed_fraud_labels_from_refused(), train_fraud_model(), fraud_score(),
-- fraud_scores(), explain_fraud(), get_suspicious_expenses(), refresh_fraud_predictions(), and the
-- grants and comments for them. activate_model(), export_model() and import_model() keep their
-- signatures and now also take the kind 'fraud'; verify() gains a fraud model check in the library.
-- Changes: get_pending_expenses(integer) returns two more columns, fraud_score and fraud_top_reason,
-- after the existing ones. A function's result type cannot be altered, so it is dropped and created
-- again; its grants, comment and settings are restored below and PostgREST is told to reload its
-- schema cache. Clients calling it with the same arguments keep working (two more JSON keys).
-- No mirror table changes, and no index is built on a mirror table.
-- Frozen with the 0.4.0 release: later changes get their own upgrade script.

\echo Use "ALTER EXTENSION odoo_mirror UPDATE TO '0.4.0'" to load this file. \quit

-- get_pending_expenses gains its fraud columns.
DROP FUNCTION odoo_mirror.get_pending_expenses(integer);
CREATE FUNCTION odoo_mirror."get_pending_expenses"(
	"p_limit" INT DEFAULT 20 /* Option < i32 > */
) RETURNS TABLE (
	"sheet_id" INT,  /* Option < i32 > */
	"sheet_name" TEXT,  /* Option < String > */
	"employee_id" INT,  /* Option < i32 > */
	"employee_name" TEXT,  /* Option < String > */
	"state" TEXT,  /* Option < String > */
	"awaiting" TEXT,  /* Option < String > */
	"total_amount" NUMERIC,  /* Option < AnyNumeric > */
	"currency" TEXT,  /* Option < String > */
	"submitted_at" timestamp with time zone,  /* Option < TimestampWithTimeZone > */
	"approved_at" timestamp with time zone,  /* Option < TimestampWithTimeZone > */
	"days_pending" INT,  /* Option < i32 > */
	"line_count" bigint,  /* Option < i64 > */
	"payment_state" TEXT,  /* Option < String > */
	"fraud_score" double precision,  /* Option < f64 > */
	"fraud_top_reason" TEXT  /* Option < String > */
)
STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'get_pending_expenses_wrapper';

-- Functions written in Rust (as pgrx generates them for 0.4.0).
CREATE FUNCTION odoo_mirror."explain_fraud"(
	"p_expense_id" INT /* i32 */
) RETURNS jsonb /* Result < Option < JsonB > , ErrorReport > */
STRICT STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'explain_fraud_wrapper';

CREATE FUNCTION odoo_mirror."fraud_score"(
	"p_expense_id" INT /* i32 */
) RETURNS double precision /* Result < Option < f64 > , ErrorReport > */
STRICT STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'fraud_score_wrapper';

CREATE FUNCTION odoo_mirror."fraud_scores"() RETURNS TABLE (
	"expense_id" INT,  /* i32 */
	"score" double precision  /* f64 */
)
STRICT STABLE SECURITY DEFINER PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'fraud_scores_wrapper';

CREATE FUNCTION odoo_mirror."get_suspicious_expenses"(
	"p_limit" INT DEFAULT 20, /* Option < i32 > */
	"p_min_score" double precision DEFAULT 0.7 /* Option < f64 > */
) RETURNS TABLE (
	"expense_id" INT,  /* i32 */
	"expense_name" TEXT,  /* Option < String > */
	"employee_id" INT,  /* i32 */
	"employee_name" TEXT,  /* Option < String > */
	"sheet_id" INT,  /* Option < i32 > */
	"date" date,  /* Option < Date > */
	"amount" NUMERIC,  /* Option < AnyNumeric > */
	"currency" TEXT,  /* Option < String > */
	"state" TEXT,  /* Option < String > */
	"score" double precision,  /* f64 */
	"top_reason" TEXT,  /* Option < String > */
	"reasons" TEXT[],  /* Vec < String > */
	"model_version" INT  /* i32 */
)
STABLE SECURITY DEFINER
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'get_suspicious_expenses_wrapper';

CREATE FUNCTION odoo_mirror."refresh_fraud_predictions"() RETURNS jsonb /* Result < JsonB, ErrorReport > */
STRICT VOLATILE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'refresh_fraud_predictions_wrapper';

CREATE FUNCTION odoo_mirror."train_fraud_model"(
	"p_params" jsonb DEFAULT '{}' /* Option < JsonB > */
) RETURNS jsonb /* Result < JsonB, ErrorReport > */
VOLATILE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'train_fraud_model_wrapper';

-- ======== Expense labels, fraud predictions (src/sql/fraud.sql in 0.4.0) ========

-- odoo_mirror: expense fraud labels and predictions (0.4.0).

-- Auditors' verdicts on expenses. The fraud model fits its weights on them when there are enough
-- (train_fraud_model). User data: dumped with pg_dump. No foreign key to the mirror: a mirror
-- reload (TRUNCATE, resync) must not lose the labels.
CREATE TABLE odoo_mirror.expense_labels (
    expense_id integer NOT NULL,
    is_fraud boolean NOT NULL,
    labelled_by text NOT NULL DEFAULT CURRENT_USER,
    labelled_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
    note text,
    CONSTRAINT expense_labels_pkey PRIMARY KEY (expense_id)
);
COMMENT ON TABLE odoo_mirror.expense_labels IS
    'Auditors'' verdicts on expenses (is_fraud); train_fraud_model() fits the fraud score on them. Seed from refused reports with odoo_mirror.seed_fraud_labels_from_refused().';
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.expense_labels', '');

-- Every expense's latest fraud score, for dashboards: written by refresh_fraud_predictions().
-- Derived data: not dumped; refresh after a restore.
CREATE TABLE odoo_mirror.fraud_predictions (
    expense_id integer NOT NULL,
    employee_id integer NOT NULL,
    sheet_id integer,
    score double precision NOT NULL,
    top_reason text,
    reasons text[] NOT NULL,
    model_version integer NOT NULL,
    scored_at timestamp with time zone NOT NULL,
    CONSTRAINT fraud_predictions_pkey PRIMARY KEY (expense_id),
    CONSTRAINT fraud_predictions_score_check CHECK (score >= 0 AND score <= 1)
);
-- v_suspicious_expenses reads the high scores only.
CREATE INDEX fraud_predictions_score_idx ON odoo_mirror.fraud_predictions (score DESC);
COMMENT ON TABLE odoo_mirror.fraud_predictions IS
    'Fraud score of every expense, written by odoo_mirror.refresh_fraud_predictions().';

-- Superset: suspicious expenses (score at least 0.5), with their employee, amount and state, one typed
-- column per field.
CREATE VIEW odoo_mirror.v_suspicious_expenses AS
SELECT
    p.expense_id,
    e.name::text AS expense_name,
    p.employee_id,
    employee.name::text AS employee_name,
    p.sheet_id,
    sheet.name::text AS sheet_name,
    e.date,
    -- numeric(16,2) for Superset; an absurd amount (above 10^14) shows as NULL rather than failing the view.
    CASE WHEN pg_catalog.abs(e.total_amount) < 1e14 THEN e.total_amount::numeric(16,2) END AS amount,
    currency.name::text AS currency,
    e.state::text AS state,
    p.score,
    CASE WHEN p.score >= 0.7 THEN 'high' ELSE 'medium' END AS risk_band,
    p.top_reason,
    pg_catalog.array_to_string(p.reasons, '; ') AS reasons,
    label.is_fraud AS labelled_fraud,
    p.model_version,
    p.scored_at
FROM odoo_mirror.fraud_predictions AS p
LEFT JOIN odoo_mirror.hr_expense AS e ON e.id = p.expense_id
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = p.employee_id
LEFT JOIN odoo_mirror.hr_expense_sheet AS sheet ON sheet.id = p.sheet_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id
LEFT JOIN odoo_mirror.expense_labels AS label ON label.expense_id = p.expense_id
WHERE p.score >= 0.5;
COMMENT ON VIEW odoo_mirror.v_suspicious_expenses IS
    'Expenses with a fraud score of at least 0.5 (band high from 0.7), with reasons and any auditor label, as of the last odoo_mirror.refresh_fraud_predictions().';

-- Refused reports as labels: an auditor refused them. Refusal is not always fraud (a missing receipt,
-- a wrong category), so this is a starting point to review, never run implicitly.
CREATE FUNCTION odoo_mirror.seed_fraud_labels_from_refused() RETURNS integer
    LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $function$
    WITH inserted AS (
        INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by, note)
        SELECT e.id, true, 'odoo: refused', 'seeded from a refused expense'
        FROM odoo_mirror.hr_expense AS e
        WHERE e.state = 'refused'
        ON CONFLICT (expense_id) DO NOTHING
        RETURNING 1
    )
    SELECT pg_catalog.count(*)::integer FROM inserted
$function$;
COMMENT ON FUNCTION odoo_mirror.seed_fraud_labels_from_refused() IS
    'Labels every refused expense not yet labelled as fraud (labelled_by ''odoo: refused''); returns how many. Review them: refusal is not always fraud. Owner only.';

-- ======== Grants, re-run in full (src/sql/grants.sql in 0.4.0) ========

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
GRANT EXECUTE ON FUNCTION odoo_mirror.translated_text(jsonb, text) TO superset_readonly;

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
    odoo_mirror.explain_fraud(integer)
TO n8n_service;

-- Analysts score and explain customers and expenses in SQL Lab (SECURITY DEFINER readers, like the RPCs).
-- Training, activation, import, export and the predictions refresh stay with the owner.
GRANT EXECUTE ON FUNCTION
    odoo_mirror.churn_score(integer),
    odoo_mirror.churn_scores(date),
    odoo_mirror.explain_churn(integer),
    odoo_mirror.fraud_score(integer),
    odoo_mirror.fraud_scores(),
    odoo_mirror.explain_fraud(integer)
TO superset_readonly;

-- AI memory: agents search it through n8n. ipai_memory is not the extension's (other agents share it),
-- but the search function is, and it is SECURITY DEFINER: no table privilege needed.
REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA ipai_memory TO n8n_service;
GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO n8n_service;

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
            odoo_mirror.explain_fraud(integer)
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
    'Ranked full-text search over AI memory. p_query: web-search syntax (words, "phrases", or, -word), English stemming; p_limit: 1..1000 (default 10). SECURITY DEFINER: callers need EXECUTE only.';
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
COMMENT ON FUNCTION odoo_mirror.refresh_churn_predictions() IS
    'Rescores every active customer into odoo_mirror.churn_predictions (read by v_churn_risk). Owner only.';
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
COMMENT ON FUNCTION odoo_mirror.refresh_fraud_predictions() IS
    'Rescores every expense into odoo_mirror.fraud_predictions (read by v_suspicious_expenses). Owner only.';
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
-- Revenue trends read a few thousand rows once the rollup is refreshed: starting parallel workers
-- would cost more than the query (and the planner cannot know the rollup is fresh).
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET max_parallel_workers_per_gather = 0;

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';
