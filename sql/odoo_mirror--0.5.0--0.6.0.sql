-- odoo_mirror 0.5.0 -> 0.6.0: predictions kept current incrementally, calibrated churn, fraud on
-- log amounts without refused originals, model monitoring. See CHANGELOG.md.
\echo Use "ALTER EXTENSION odoo_mirror UPDATE TO '0.6.0'" to load this file. \quit

-- Models stored by 0.5.0 (format 1) cannot score in 0.6.0: the churn model is now calibrated and reads
-- a usual gap from three invoice dates, the fraud model compares log amounts with one rule more. They
-- stay stored, inactive, so that every scoring call answers 42704 with the hint to train, not XX001.
UPDATE odoo_mirror.ml_models SET active = false WHERE active AND COALESCE((model ->> 'format')::integer, 1) = 1;

-- fraud_predictions: whether the expense was open when scored (get_suspicious_expenses reads it).
ALTER TABLE odoo_mirror.fraud_predictions ADD COLUMN open boolean NOT NULL DEFAULT false;
-- Derived rows written by a 0.5.0 model: the first refresh under 0.6.0 writes them again.
DELETE FROM odoo_mirror.fraud_predictions;
DELETE FROM odoo_mirror.churn_predictions;

-- src/sql/freshness.sql ------------------------------------------------------------------------------
-- odoo_mirror: predictions kept current incrementally (0.6.0).
--
-- get_churn_risks, get_suspicious_expenses, get_pending_expenses, churn_score and fraud_score read the
-- stored predictions (churn_predictions, fraud_predictions) instead of scoring every customer or
-- expense per call, and are never stale:
-- - row triggers on account_move, hr_expense and hr_expense_sheet record whose predictions a write
--   made stale (prediction_stale: a customer for churn, an employee for fraud, whose every expense is
--   compared with the others), once per (sub)transaction and key, as the revenue rollup marks dates;
-- - readers take the stored predictions of everyone else and score the marked ones live, in one
--   snapshot; they score everyone live (exact, slower) while the stored predictions are not those of
--   the active model and the mirror's current scoring date (prediction_runs), or a TRUNCATE left an
--   unknown mark;
-- - odoo_mirror.refresh_churn_predictions() and refresh_fraud_predictions() rescore only the marked
--   keys, or everyone when the model or the scoring date changed (p_full => true forces it). Run them
--   from a scheduler (pg_cron: every few minutes); activating a model refreshes its kind at once.
-- ENABLE ALWAYS, so that the triggers fire under logical replication's apply worker. They never raise
-- on data: a row they cannot read marks "everyone" stale.

-- Keys whose predictions changed since the last refresh. No unique constraint, as for the revenue
-- rollup's marks: concurrent writers of one customer must not wait for each other.
CREATE TABLE odoo_mirror.prediction_stale (
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    -- churn: the commercial partner; fraud: the employee. NULL: unknown (a TRUNCATE, an unreadable
    -- row): every prediction of the kind counts as stale until a refresh.
    entity_id integer,
    changed_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT prediction_stale_pkey PRIMARY KEY (id),
    CONSTRAINT prediction_stale_kind_check CHECK (kind IN ('churn', 'fraud'))
);
CREATE INDEX prediction_stale_kind_entity_idx ON odoo_mirror.prediction_stale (kind, entity_id);
COMMENT ON TABLE odoo_mirror.prediction_stale IS
    'Customers (churn) and employees (fraud) whose stored predictions changed since the last refresh_*_predictions(); readers score them live.';

-- The stored predictions of each kind: which model made them, as of which scoring date.
CREATE TABLE odoo_mirror.prediction_runs (
    kind text NOT NULL,
    model_version integer NOT NULL,
    -- churn: the scoring date the scores are as of; fraud: NULL (scores do not depend on a date).
    as_of date,
    refreshed_at timestamp with time zone NOT NULL,
    full_refreshed_at timestamp with time zone NOT NULL,
    -- Each input's population stability index between the model's training data and everyone scored
    -- at the last full refresh: {"rows": n, "inputs": [{"input", "psi", "verdict"}]}.
    drift jsonb,
    CONSTRAINT prediction_runs_pkey PRIMARY KEY (kind),
    CONSTRAINT prediction_runs_kind_check CHECK (kind IN ('churn', 'fraud'))
);
COMMENT ON TABLE odoo_mirror.prediction_runs IS
    'The model version and scoring date of the stored predictions of each kind, written by refresh_*_predictions().';

-- What each model predicted, kept to judge it once the outcomes are known (model_performance()):
-- everyone's score at a full refresh, at most one snapshot a week per model version. User data in
-- the sense that it cannot be recomputed: dumped with pg_dump.
CREATE TABLE odoo_mirror.prediction_history (
    kind text NOT NULL,
    model_version integer NOT NULL,
    -- churn: the scoring date; fraud: the day of the refresh.
    as_of date NOT NULL,
    taken_at timestamp with time zone NOT NULL,
    -- Customers (churn) or expenses (fraud), and their scores, in the same order.
    ids integer[] NOT NULL,
    scores real[] NOT NULL,
    CONSTRAINT prediction_history_pkey PRIMARY KEY (kind, model_version, as_of),
    CONSTRAINT prediction_history_kind_check CHECK (kind IN ('churn', 'fraud'))
);
COMMENT ON TABLE odoo_mirror.prediction_history IS
    'Weekly snapshots of every prediction (ids and scores) per model version, judged against what happened by odoo_mirror.model_performance().';
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.prediction_history', '');

-- Superset: each model input's drift since training, as of the last full refresh.
CREATE VIEW odoo_mirror.v_model_drift AS
SELECT r.kind,
       r.model_version,
       r.full_refreshed_at AS computed_at,
       (r.drift ->> 'rows')::bigint AS rows_scored,
       d.value ->> 'input' AS input,
       (d.value ->> 'psi')::double precision AS psi,
       d.value ->> 'verdict' AS verdict
FROM odoo_mirror.prediction_runs AS r
CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(r.drift -> 'inputs') = 'array' THEN r.drift -> 'inputs' ELSE '[]'::jsonb END) AS d (value);
COMMENT ON VIEW odoo_mirror.v_model_drift IS
    'Population stability index (PSI) of each model input between its training data and everyone scored at the last full refresh: below 0.1 stable, 0.1-0.25 moderate, above 0.25 shifted (retrain).';
COMMENT ON COLUMN odoo_mirror.v_model_drift.kind IS 'Model kind: churn or fraud.';
COMMENT ON COLUMN odoo_mirror.v_model_drift.model_version IS 'The model version whose training data is compared.';
COMMENT ON COLUMN odoo_mirror.v_model_drift.computed_at IS 'When the full refresh that measured it ran (timestamp with time zone).';
COMMENT ON COLUMN odoo_mirror.v_model_drift.rows_scored IS 'Customers or expenses scored at that refresh.';
COMMENT ON COLUMN odoo_mirror.v_model_drift.input IS 'The model input (a churn feature, or a fraud rule or the isolation forest).';
COMMENT ON COLUMN odoo_mirror.v_model_drift.psi IS 'Population stability index against the training distribution (decile bins).';
COMMENT ON COLUMN odoo_mirror.v_model_drift.verdict IS 'stable (below 0.1), moderate shift (0.1 to 0.25) or shifted (above 0.25).';

-- get_suspicious_expenses: the highest stored scores of open expenses; get_pending_expenses: a sheet's lines.
CREATE INDEX fraud_predictions_open_score_idx ON odoo_mirror.fraud_predictions (score DESC, expense_id) WHERE open;
CREATE INDEX fraud_predictions_sheet_idx ON odoo_mirror.fraud_predictions (sheet_id, score DESC, expense_id);

CREATE FUNCTION odoo_mirror.mark_predictions_stale()
RETURNS trigger
LANGUAGE c
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mark_predictions_stale_wrapper';
COMMENT ON FUNCTION odoo_mirror.mark_predictions_stale() IS
    'Trigger on account_move, hr_expense and hr_expense_sheet: records whose churn or fraud predictions a write made stale.';

-- account_move: what churn's features read, of posted customer invoices and refunds.
CREATE TRIGGER churn_stale_on_insert_or_delete
    AFTER INSERT OR DELETE ON odoo_mirror.account_move
    FOR EACH ROW EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER churn_stale_on_update
    AFTER UPDATE ON odoo_mirror.account_move
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          OR OLD.move_type IS DISTINCT FROM NEW.move_type
          OR OLD.commercial_partner_id IS DISTINCT FROM NEW.commercial_partner_id
          OR OLD.partner_id IS DISTINCT FROM NEW.partner_id
          OR OLD.invoice_date IS DISTINCT FROM NEW.invoice_date
          OR OLD.invoice_date_due IS DISTINCT FROM NEW.invoice_date_due
          OR OLD.amount_untaxed_signed IS DISTINCT FROM NEW.amount_untaxed_signed
          OR OLD.amount_total_signed IS DISTINCT FROM NEW.amount_total_signed
          OR OLD.amount_residual_signed IS DISTINCT FROM NEW.amount_residual_signed
          OR OLD.payment_state IS DISTINCT FROM NEW.payment_state
          OR OLD.write_date IS DISTINCT FROM NEW.write_date)
    EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER churn_stale_on_truncate
    AFTER TRUNCATE ON odoo_mirror.account_move
    FOR EACH STATEMENT EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER churn_stale_on_insert_or_delete;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER churn_stale_on_update;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER churn_stale_on_truncate;

-- hr_expense: what the fraud signals read.
CREATE TRIGGER fraud_stale_on_insert_or_delete
    AFTER INSERT OR DELETE ON odoo_mirror.hr_expense
    FOR EACH ROW EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER fraud_stale_on_update
    AFTER UPDATE ON odoo_mirror.hr_expense
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id
          OR OLD.employee_id IS DISTINCT FROM NEW.employee_id
          OR OLD.product_id IS DISTINCT FROM NEW.product_id
          OR OLD.sheet_id IS DISTINCT FROM NEW.sheet_id
          OR OLD.total_amount IS DISTINCT FROM NEW.total_amount
          OR OLD.date IS DISTINCT FROM NEW.date
          OR OLD.create_date IS DISTINCT FROM NEW.create_date
          OR OLD.description IS DISTINCT FROM NEW.description
          OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER fraud_stale_on_truncate
    AFTER TRUNCATE ON odoo_mirror.hr_expense
    FOR EACH STATEMENT EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
ALTER TABLE odoo_mirror.hr_expense ENABLE ALWAYS TRIGGER fraud_stale_on_insert_or_delete;
ALTER TABLE odoo_mirror.hr_expense ENABLE ALWAYS TRIGGER fraud_stale_on_update;
ALTER TABLE odoo_mirror.hr_expense ENABLE ALWAYS TRIGGER fraud_stale_on_truncate;

-- hr_expense_sheet: a line's submission day is its report's creation; a report's lines belong to its
-- employee (Odoo checks that).
CREATE TRIGGER fraud_stale_on_sheet_insert_or_delete
    AFTER INSERT OR DELETE ON odoo_mirror.hr_expense_sheet
    FOR EACH ROW EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER fraud_stale_on_sheet_update
    AFTER UPDATE ON odoo_mirror.hr_expense_sheet
    FOR EACH ROW
    WHEN (OLD.employee_id IS DISTINCT FROM NEW.employee_id
          OR OLD.create_date IS DISTINCT FROM NEW.create_date
          OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
CREATE TRIGGER fraud_stale_on_sheet_truncate
    AFTER TRUNCATE ON odoo_mirror.hr_expense_sheet
    FOR EACH STATEMENT EXECUTE FUNCTION odoo_mirror.mark_predictions_stale();
ALTER TABLE odoo_mirror.hr_expense_sheet ENABLE ALWAYS TRIGGER fraud_stale_on_sheet_insert_or_delete;
ALTER TABLE odoo_mirror.hr_expense_sheet ENABLE ALWAYS TRIGGER fraud_stale_on_sheet_update;
ALTER TABLE odoo_mirror.hr_expense_sheet ENABLE ALWAYS TRIGGER fraud_stale_on_sheet_truncate;

-- Functions ------------------------------------------------------------------------------------------
-- The refreshes take p_full (rescore everyone) and update incrementally by default.
DROP FUNCTION odoo_mirror.refresh_churn_predictions();
CREATE FUNCTION odoo_mirror."refresh_churn_predictions"(
	"p_full" bool DEFAULT false /* Option < bool > */
) RETURNS jsonb /* Result < JsonB, ErrorReport > */
VOLATILE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'refresh_churn_predictions_wrapper';

DROP FUNCTION odoo_mirror.refresh_fraud_predictions();
CREATE FUNCTION odoo_mirror."refresh_fraud_predictions"(
	"p_full" bool DEFAULT false /* Option < bool > */
) RETURNS jsonb /* Result < JsonB, ErrorReport > */
VOLATILE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'refresh_fraud_predictions_wrapper';

CREATE FUNCTION odoo_mirror."model_performance"() RETURNS TABLE (
	"kind" TEXT,  /* String */
	"model_version" INT,  /* i32 */
	"scored_on" date,  /* Option < Date > */
	"outcome_known_on" date,  /* Option < Date > */
	"scored" INT,  /* i32 */
	"judged" INT,  /* i32 */
	"positives" INT,  /* i32 */
	"roc_auc" double precision,  /* Option < f64 > */
	"log_loss" double precision,  /* Option < f64 > */
	"brier" double precision,  /* Option < f64 > */
	"calibration_error" double precision,  /* Option < f64 > */
	"mean_predicted" double precision,  /* Option < f64 > */
	"observed_rate" double precision  /* Option < f64 > */
)
STRICT STABLE SECURITY DEFINER
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'model_performance_wrapper';

-- src/sql/grants.sql (idempotent: revokes everything, then grants exactly) --------------------------------
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
    odoo_mirror.explain_fraud(integer),
    odoo_mirror.model_performance()
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
-- Revenue trends read a few thousand rows once the rollup is refreshed: starting parallel workers
-- would cost more than the query (and the planner cannot know the rollup is fresh).
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET max_parallel_workers_per_gather = 0;

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';
