-- Every error is deliberate: its own SQLSTATE (PostgREST maps 22023 to 400, 25006 to 405), never XX000.
-- Also: one statement (a cursor included) is served by one model, and memory search honours row-level
-- security on ipai_memory.chunks. Runs after 11_odd_rows, with a churn and a fraud model active.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
\set ON_ERROR_STOP 0

-- Trigger functions called directly: 0A000, as PostgreSQL's own trigger languages answer.
SELECT odoo_mirror.mark_revenue_stale();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.on_invoice_insert();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.clear_revenue_rollup();
\echo :LAST_ERROR_SQLSTATE

-- NULL ids in the explain RPCs: 22023, like every other RPC argument.
SET ROLE n8n_service;
SELECT odoo_mirror.explain_churn(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.explain_fraud(NULL);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- Parameters PostgreSQL's jsonb holds but a double cannot (1e400), or nested deeper than 128: 22023.
SELECT odoo_mirror.train_churn_model(NULL, 90, '{"l2": 1e400}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model(('{"trees": ' || repeat('[', 200) || repeat(']', 200) || '}')::jsonb);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('{"kind": "churn", "model": {"intercept": -1e400}}');
\echo :LAST_ERROR_SQLSTATE

-- Writers in a read-only transaction (PostgREST's GET; a standby is tested in tests/standby.rs): 25006
-- before anything is written.
BEGIN READ ONLY;
SELECT odoo_mirror.refresh_churn_predictions();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.refresh_fraud_predictions();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.train_churn_model();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.train_fraud_model();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.activate_model('churn', 1);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.import_model('{}');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.rebuild_memory();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.refresh_revenue_rollup();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM odoo_mirror.create_landing_tables();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT odoo_mirror.seed_fraud_labels_from_refused();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- Fraud training validates before it fits: one expense is too few (22000) and a forest too large to
-- store is refused (22023); neither stores a model.
SELECT count(*) AS fraud_models_before FROM odoo_mirror.ml_models WHERE kind = 'fraud';
BEGIN;
DELETE FROM odoo_mirror.hr_expense WHERE id <> (SELECT min(id) FROM odoo_mirror.hr_expense);
SELECT odoo_mirror.train_fraud_model();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SELECT odoo_mirror.train_fraud_model('{"trees": 1000, "sample_size": 100000}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS fraud_models_after FROM odoo_mirror.ml_models WHERE kind = 'fraud';
\set ON_ERROR_STOP 1

-- One statement, one model: a cursor opened before activate_model() keeps the model it started with.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, company_id, partner_id,
    commercial_partner_id, currency_id, invoice_date, invoice_date_due, amount_untaxed_signed, amount_total_signed,
    amount_residual_signed)
VALUES (990101, 'CURSOR/1', 'out_invoice', 'posted', 'paid', 1, 12, 12, 1, '2025-05-01', '2025-05-31', 100, 121, 0);
SELECT (odoo_mirror.import_model(jsonb_set(odoo_mirror.export_model('churn'), '{model,intercept}', '3'), false)
        ->> 'version')::int AS other_version \gset
SELECT (odoo_mirror.export_model('churn') ->> 'version')::int AS active_version \gset
BEGIN;
DECLARE explained CURSOR FOR
    SELECT (odoo_mirror.explain_churn(12) ->> 'model_version')::int = :active_version AS served_by_active
    FROM generate_series(1, 4);
FETCH 2 FROM explained;
SELECT odoo_mirror.activate_model('churn', :other_version) ->> 'version' = :'other_version' AS switched;
FETCH 2 FROM explained;
CLOSE explained;
-- The next statement uses the new model.
SELECT (odoo_mirror.explain_churn(12) ->> 'model_version')::int = :other_version AS next_statement_uses_new_model;
ROLLBACK;
DELETE FROM odoo_mirror.ml_models WHERE kind = 'churn' AND version = :other_version;
DELETE FROM odoo_mirror.account_move WHERE id = 990101;

-- Memory search runs as its caller: row-level security another agent puts on ipai_memory.chunks applies.
INSERT INTO ipai_memory.chunks (source_table, source_id, event, content)
VALUES ('regress', '1', 'visible', 'glacier expedition invoice'), ('regress', '2', 'hidden', 'glacier expedition secret');
SET ROLE n8n_service;
SELECT source_id, event FROM ipai_memory.search_chunks('glacier expedition') ORDER BY source_id;
RESET ROLE;
ALTER TABLE ipai_memory.chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE ipai_memory.chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY regress_n8n_sees_visible ON ipai_memory.chunks FOR SELECT TO n8n_service USING (event <> 'hidden');
SET ROLE n8n_service;
SELECT source_id, event FROM ipai_memory.search_chunks('glacier expedition') ORDER BY source_id;
RESET ROLE;
DROP POLICY regress_n8n_sees_visible ON ipai_memory.chunks;
ALTER TABLE ipai_memory.chunks NO FORCE ROW LEVEL SECURITY;
ALTER TABLE ipai_memory.chunks DISABLE ROW LEVEL SECURITY;
DELETE FROM ipai_memory.chunks WHERE source_table = 'regress';
