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
