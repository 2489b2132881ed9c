-- The churn model: training, the model store, scoring, explanations, the RPC, predictions, and every
-- bad input. Data: 300 customers invoiced from 2023-01-01 to 2025-06-23 (fixed dates: the mirror's
-- "today" is its last invoice date, 2025-06-23, whatever the clock says). Every third customer leaves: its gaps double and it
-- pays 35 days late in its last 120 days, then it never buys again.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SET odoo_mirror.memory_enabled = off;
TRUNCATE odoo_mirror.account_move;

INSERT INTO odoo_mirror.res_partner (id, name, complete_name, is_company, active)
SELECT 9200 + i, 'Customer ' || i, 'Customer ' || i || ' SA', true, true FROM generate_series(1, 300) AS i
ON CONFLICT (id) DO NOTHING;

CREATE TEMP TABLE churn_customers AS
SELECT 9200 + i AS partner_id, 15 + (i % 7) * 8 AS gap, i % 3 = 0 AS leaver,
       CASE WHEN i % 3 = 0 THEN 300 + (i * 37) % 560 ELSE 10000 END AS stop_day
FROM generate_series(1, 300) AS i;

INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, company_id,
    invoice_date, invoice_date_due, amount_untaxed_signed, amount_total_signed, amount_residual_signed,
    payment_state, write_date)
SELECT 500000 + row_number() OVER (ORDER BY c.partner_id, k), 'INV/' || c.partner_id || '/' || k, 'out_invoice', 'posted',
       c.partner_id, c.partner_id, 1, d.invoice_date, d.invoice_date + 30,
       100 + (c.partner_id % 10) * 50 + (k % 3) * 10, (100 + (c.partner_id % 10) * 50 + (k % 3) * 10) * 1.21,
       CASE WHEN d.paid_on <= DATE '2025-06-30' THEN 0 ELSE (100 + (c.partner_id % 10) * 50 + (k % 3) * 10) * 1.21 END,
       CASE WHEN d.paid_on <= DATE '2025-06-30' THEN 'paid' ELSE 'not_paid' END,
       CASE WHEN d.paid_on <= DATE '2025-06-30' THEN d.paid_on ELSE d.invoice_date END
FROM churn_customers AS c
CROSS JOIN LATERAL generate_series(0, 911 / c.gap) AS k
CROSS JOIN LATERAL (SELECT DATE '2023-01-01' + k * c.gap + c.partner_id % 5 AS invoice_date,
                           k * c.gap + c.partner_id % 5 AS day) AS base
CROSS JOIN LATERAL (SELECT base.invoice_date,
                           base.invoice_date + 30 + CASE WHEN c.leaver AND c.stop_day - base.day < 120 THEN 35 ELSE c.partner_id % 4 END AS paid_on) AS d
WHERE base.day < c.stop_day AND base.invoice_date <= DATE '2025-06-30'
  AND NOT (c.leaver AND c.stop_day - base.day < 120 AND k % 2 = 1);
-- A refund, a draft and a vendor bill: only posted customer invoices and refunds count.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, invoice_date,
    amount_untaxed_signed, amount_total_signed, payment_state)
VALUES (599001, 'RINV/1', 'out_refund', 'posted', 9201, 9201, '2025-06-01', -50, -60.5, 'paid'),
       (599002, '/', 'out_invoice', 'draft', 9999, 9999, '2025-06-01', 100, 121, 'not_paid'),
       (599003, 'BILL/1', 'in_invoice', 'posted', 9998, 9998, '2025-06-01', -100, -121, 'not_paid');
ANALYZE odoo_mirror.account_move;
SELECT count(*) AS invoices, count(DISTINCT partner_id) AS customers, max(invoice_date) AS last_invoice
FROM odoo_mirror.account_move WHERE move_type = 'out_invoice' AND state = 'posted';

-- No model yet: every scoring call says so with 42704 (PostgREST: 400) and names train_churn_model().
\set ON_ERROR_STOP 0
SELECT odoo_mirror.churn_score(9201);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_churn_risks();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.explain_churn(9201);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.churn_scores();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.export_model();
\echo :LAST_ERROR_SQLSTATE

-- Bad training input: 22023 with what is wrong; never a NaN.
SELECT odoo_mirror.train_churn_model(NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 5);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 90, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 90, '[1]');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 90, '{"learning_rate": 0.1}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 90, '{"snapshots": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model(NULL, 90, '{"activate": "sometimes"}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_churn_model('infinity');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT odoo_mirror.train_churn_model(CURRENT_DATE + 1);
\set VERBOSITY default
-- Labels for 2025-05-01 would need invoices until 2025-07-30: not known yet.
SELECT odoo_mirror.train_churn_model('2025-05-01');
\echo :LAST_ERROR_SQLSTATE
-- Too early: hardly any history before it; the counts say why.
SELECT odoo_mirror.train_churn_model('2023-03-01');
\echo :LAST_ERROR_SQLSTATE
-- Degenerate data: without the leavers every customer buys again within 90 days.
BEGIN;
DELETE FROM odoo_mirror.account_move WHERE partner_id IN (SELECT partner_id FROM churn_customers WHERE leaver);
SELECT odoo_mirror.train_churn_model();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set ON_ERROR_STOP 1
-- A refresh without a model has nothing to rescore: it takes the marks writes left (they must not pile
-- up) and says so.
SELECT odoo_mirror.refresh_churn_predictions() AS refreshed_without_model;

-- Training: the default as-of date is the last one whose labels are known (2025-06-23 - 90 days).
CREATE TEMP TABLE trained AS SELECT odoo_mirror.train_churn_model() AS report;
SELECT report->>'version' AS version, report->>'activated' AS activated, report->>'activation' AS activation,
       report->>'as_of' AS as_of, report->'training_dates' AS training_dates,
       report->'training'->>'rows' AS training_rows, report->'training'->>'churned' AS training_churned,
       report->'holdout'->>'rows' AS holdout_rows, report->'holdout'->>'churned' AS holdout_churned
FROM trained;
-- Better than the recency baseline and than chance, calibrated (log loss below the constant's, a small
-- calibration error); every metric of the five scorers a finite number in its range; the rule it was
-- activated by.
SELECT (report#>>'{model,roc_auc}')::float8 > 0.75 AS roc_auc_above_075,
       (report#>>'{model,roc_auc}')::float8 >= (report#>>'{holdout_report,recency_baseline,metrics,roc_auc}')::float8 AS beats_recency,
       (report#>>'{model,log_loss}')::float8 < (report#>>'{holdout_report,constant_baseline,metrics,log_loss}')::float8 AS beats_constant,
       (report#>>'{model,ece}')::float8 < 0.1 AS calibrated,
       (SELECT bool_and(jsonb_typeof(m.value) = 'number' AND m.value::text::float8 BETWEEN 0 AND 50) AND count(*) = 35
        FROM jsonb_each(report->'holdout_report') AS s, jsonb_each(s.value->'metrics') AS m) AS finite_metrics,
       (SELECT count(*) FROM jsonb_each(report->'holdout_report') AS s WHERE jsonb_array_length(s.value->'reliability') = 10) AS reliability_tables,
       report->>'qualifies' AS qualifies,
       jsonb_array_length(report->'weights') AS weights,
       (report->>'training_seconds')::float8 < 30 AS fast
FROM trained;
-- Payments dated by write_date: used here. Data whose write_date dates nothing (NULL, or the load
-- time) trains without the payment features rather than learn from payments made after each date.
SELECT report->'payment_features'->>'used' AS payment_features_used FROM trained;
BEGIN;
UPDATE odoo_mirror.account_move SET write_date = NULL;
SELECT r->'payment_features'->>'used' AS used, r->'payment_features'->>'last_written_after_holdout_date' AS undated,
       (SELECT bool_and(w::text::float8 = 0) FROM jsonb_array_elements(r->'weights') WITH ORDINALITY AS x (w, n) WHERE n > 12) AS payment_weights_zero
FROM (SELECT odoo_mirror.train_churn_model(NULL, 90, '{"activate": "never"}') AS r) AS t;
ROLLBACK;
SELECT kind, version, active, features = ARRAY(SELECT jsonb_array_elements_text(model->'features')) AS features_match,
       params->>'horizon_days' AS horizon_days
FROM odoo_mirror.ml_models ORDER BY version;

-- Scoring: a probability; NULL without history (documented), also for a vendor or a draft-only partner.
SELECT odoo_mirror.churn_score(9999999) AS unknown, odoo_mirror.churn_score(9998) AS vendor,
       odoo_mirror.churn_score(9999) AS draft_only, odoo_mirror.churn_score(NULL) AS null_id;
SELECT bool_and(s BETWEEN 0 AND 1) AS in_range, count(*) AS scored
FROM (SELECT odoo_mirror.churn_score(partner_id) AS s FROM churn_customers) AS t;
-- Customers who left long ago, recently, and loyal ones: the scores say so.
SELECT round(avg(odoo_mirror.churn_score(partner_id)) FILTER (WHERE leaver)::numeric, 1) > 0.6 AS leavers_high,
       round(avg(odoo_mirror.churn_score(partner_id)) FILTER (WHERE NOT leaver)::numeric, 1) < 0.4 AS loyal_low
FROM churn_customers;
-- The batch form scores every customer with history exactly as churn_score does.
CREATE TEMP TABLE scores_now AS SELECT * FROM odoo_mirror.churn_scores();
SELECT count(*) AS scored,
       count(*) FILTER (WHERE b.score IS DISTINCT FROM odoo_mirror.churn_score(b.partner_id)) AS different
FROM odoo_mirror.churn_scores() AS b;
SELECT count(*) AS scored_a_year_ago FROM odoo_mirror.churn_scores('2024-06-30');
-- PARALLEL SAFE for real: the same scores when a parallel worker runs churn_score.
CREATE FUNCTION pg_temp.plan_has_gather(p_query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || p_query INTO plan;
    RETURN plan::text LIKE '%"Gather%';
END $$;
BEGIN;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
                       ELSE 'force_parallel_mode' END, 'on', true) AS parallel_query;
SELECT pg_temp.plan_has_gather('SELECT odoo_mirror.churn_score(p.id) FROM odoo_mirror.res_partner AS p WHERE p.id BETWEEN 9201 AND 9500') AS runs_in_a_worker;
SELECT count(*) AS scored_in_a_worker, count(*) FILTER (WHERE w.score IS DISTINCT FROM b.score) AS different
FROM (SELECT p.id AS partner_id, odoo_mirror.churn_score(p.id) AS score FROM odoo_mirror.res_partner AS p
      WHERE p.id BETWEEN 9201 AND 9500) AS w
JOIN scores_now AS b USING (partner_id);
COMMIT;

-- No leak: changing anything after an as-of date (new invoices, payments, refunds) leaves the scores
-- as of that date unchanged.
CREATE TEMP TABLE scores_before AS SELECT * FROM odoo_mirror.churn_scores('2024-09-01');
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, invoice_date,
    invoice_date_due, amount_untaxed_signed, amount_total_signed, payment_state, write_date)
SELECT 598000 + partner_id, 'INV/LATE', 'out_invoice', 'posted', partner_id, partner_id, '2024-09-02', '2024-10-02', 99999, 99999, 'not_paid', '2024-09-02'
FROM churn_customers;
UPDATE odoo_mirror.account_move SET payment_state = 'not_paid', amount_residual_signed = amount_total_signed, write_date = '2024-12-01'
WHERE invoice_date BETWEEN '2024-07-01' AND '2024-09-01' AND write_date > '2024-09-01';
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, invoice_date,
    amount_untaxed_signed, amount_total_signed, payment_state)
SELECT 597000 + partner_id, 'RINV/LATE', 'out_refund', 'posted', partner_id, partner_id, '2024-10-01', -500, -605, 'paid'
FROM churn_customers;
SELECT count(*) AS compared, count(*) FILTER (WHERE a.score IS DISTINCT FROM b.score) AS changed
FROM scores_before AS a FULL JOIN odoo_mirror.churn_scores('2024-09-01') AS b USING (partner_id);
ROLLBACK;

-- Explanations: contributions add up to the logit, the logit gives the score, the reasons are words.
WITH e AS (SELECT odoo_mirror.explain_churn(9201) AS x)
SELECT abs((x->>'intercept')::float8 + (SELECT sum((f->>'contribution')::float8) FROM jsonb_array_elements(x->'features') AS f)
           - (x->>'logit')::float8) < 1e-9 AS contributions_sum_to_logit,
       abs(1 / (1 + exp(-((x#>>'{calibration,slope}')::float8 * (x->>'logit')::float8 + (x#>>'{calibration,intercept}')::float8)))
           - (x->>'score')::float8) < 1e-12 AS calibrated_logistic,
       (x->>'score')::float8 = odoo_mirror.churn_score(9201) AS same_as_churn_score,
       jsonb_array_length(x->'features') AS features,
       jsonb_array_length(x->'top_reasons') <= 3 AS at_most_three_reasons,
       x->>'as_of' AS as_of, x->>'model_version' AS model_version,
       (SELECT f->>'value' FROM jsonb_array_elements(x->'features') AS f WHERE f->>'feature' = 'refund_ratio') AS refund_ratio
FROM e;
-- The riskiest customer's reasons: one to three, each a feature that raises the risk.
WITH riskiest AS (SELECT r.partner_id FROM odoo_mirror.get_churn_risks(1, 0) AS r),
     e AS (SELECT odoo_mirror.explain_churn(r.partner_id) AS x FROM riskiest AS r)
SELECT jsonb_array_length(x->'top_reasons') BETWEEN 1 AND 3 AS has_reasons,
       (SELECT bool_and(EXISTS (SELECT FROM jsonb_array_elements(x->'features') AS f
                                WHERE f->>'reading' = reason.value AND (f->>'contribution')::float8 > 0))
        FROM jsonb_array_elements_text(x->'top_reasons') AS reason) AS reasons_raise_the_risk
FROM e;
SELECT odoo_mirror.explain_churn(9999999) IS NULL AS no_history;

-- The RPC: riskiest active customers first, at least p_min_score, with reasons and revenue at risk.
SELECT count(*) AS rows, bool_and(score >= 0.5) AS above_min, bool_and(cardinality(top_reasons) BETWEEN 1 AND 3) AS reasons,
       bool_and(risk_band = CASE WHEN score >= 0.7 THEN 'high' WHEN score >= 0.4 THEN 'medium' ELSE 'low' END) AS bands,
       bool_and(revenue_at_risk >= 0) AS revenue, bool_and(partner_name LIKE 'Customer % SA') AS names,
       bool_and(model_version = 1) AS version
FROM odoo_mirror.get_churn_risks(5);
SELECT bool_and(a.score >= b.score) AS riskiest_first
FROM (SELECT score, row_number() OVER () AS n FROM odoo_mirror.get_churn_risks(50, 0)) AS a
JOIN (SELECT score, row_number() OVER () AS n FROM odoo_mirror.get_churn_risks(50, 0)) AS b ON b.n = a.n + 1;
SELECT count(*) AS none_above_one FROM odoo_mirror.get_churn_risks(10, 1);
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.get_churn_risks(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_churn_risks(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_churn_risks(10, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_churn_risks(10, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_churn_risks(10, 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.churn_scores('infinity');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT count(*) FROM odoo_mirror.churn_scores(CURRENT_DATE + 1);
\set VERBOSITY default
\set ON_ERROR_STOP 1

-- Predictions for dashboards: every active customer, typed for Superset.
SELECT odoo_mirror.refresh_churn_predictions() - 'seconds' AS refreshed;
SELECT count(*) AS rows, count(*) FILTER (WHERE risk_band = 'high') > 0 AS some_high,
       bool_and(p.score = s.score) AS same_scores
FROM odoo_mirror.churn_predictions AS p JOIN odoo_mirror.churn_scores() AS s USING (partner_id);
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'odoo_mirror' AND table_name = 'v_churn_risk' ORDER BY ordinal_position;
SELECT count(*) AS view_rows, count(partner_name) AS named FROM odoo_mirror.v_churn_risk;

-- The model store: a new version only becomes active when it beats the active one on the holdout.
SELECT report->>'version' AS version, report->>'activated' AS activated, report->'active_model_on_holdout'->>'version' AS compared_with
FROM (SELECT odoo_mirror.train_churn_model() AS report) AS t;
SELECT report->>'version' AS version, report->>'activated' AS activated, report->>'activation' AS activation
FROM (SELECT odoo_mirror.train_churn_model(NULL, 60, '{"l2": 10, "activate": "always"}') AS report) AS t;
SELECT version, active, params->>'l2' AS l2 FROM odoo_mirror.ml_models ORDER BY version;
-- The next statement scores with the newly active version, in this session and every other.
SELECT odoo_mirror.explain_churn(9201)->>'model_version' AS scoring_with;
-- Roll back, then forward.
SELECT odoo_mirror.activate_model('churn', 1) #- '{predictions_refreshed,seconds}' AS rolled_back;
SELECT odoo_mirror.explain_churn(9201)->>'model_version' AS scoring_with;
SELECT version FROM odoo_mirror.ml_models WHERE active;
-- An activation rolled back with its savepoint is forgotten by the very next call, even inside one
-- PL/pgSQL block (one statement).
DO $$
DECLARE
    seen text;
BEGIN
    PERFORM odoo_mirror.explain_churn(9201);
    BEGIN
        PERFORM odoo_mirror.activate_model('churn', 2);
        seen := odoo_mirror.explain_churn(9201)->>'model_version';
        IF seen <> '2' THEN RAISE EXCEPTION 'expected version 2, scored with %', seen; END IF;
        RAISE EXCEPTION USING ERRCODE = 'P0004';
    EXCEPTION WHEN assert_failure THEN NULL;
    END;
    seen := odoo_mirror.explain_churn(9201)->>'model_version';
    IF seen <> '1' THEN RAISE EXCEPTION 'the rolled-back activation is still used: version %', seen; END IF;
END $$;
-- Absurd amounts never make a NaN: one invoice counts at most 1e15.
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, invoice_date,
    amount_untaxed_signed, amount_total_signed, amount_residual_signed, payment_state)
VALUES (596001, 'INV/HUGE/1', 'out_invoice', 'posted', 9202, 9202, '2025-06-01', 1e300, 1e300, 'NaN', 'not_paid'),
       (596002, 'INV/HUGE/2', 'out_invoice', 'posted', 9202, 9202, '2025-06-02', 'Infinity', -1e300, 1e300, 'not_paid');
SELECT odoo_mirror.churn_score(9202) BETWEEN 0 AND 1 AS finite_score,
       (SELECT bool_and(f->>'value' NOT IN ('NaN', 'Infinity', '-Infinity')) FROM jsonb_array_elements(odoo_mirror.explain_churn(9202)->'features') AS f) AS finite_features;
ROLLBACK;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.activate_model('churn', 99);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.activate_model('fraud', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.activate_model(NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.activate_model('churn', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.export_model('churn', 42);
\echo :LAST_ERROR_SQLSTATE
-- Only one model per kind is ever active.
UPDATE odoo_mirror.ml_models SET active = true WHERE version = 2;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- Export and import: the same model under a new version scores the same.
CREATE TEMP TABLE exported AS SELECT odoo_mirror.export_model() AS document;
SELECT document->>'kind' AS kind, document->>'version' AS version, document->>'format' AS format,
       document ? 'model' AND document ? 'metrics' AND document ? 'params' AS complete
FROM exported;
SELECT odoo_mirror.import_model(document, true) - 'model_id' #- '{predictions_refreshed,seconds}' AS imported FROM exported;
SELECT (SELECT model FROM odoo_mirror.ml_models WHERE version = 4) = (SELECT model FROM odoo_mirror.ml_models WHERE version = 1) AS same_model,
       odoo_mirror.explain_churn(9201)->>'model_version' AS scoring_with;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.import_model(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('[]');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('{"kind": "fraud", "model": {}}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('{"kind": "churn"}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model(jsonb_set(document, '{model,weights}', '[1, 2]')) FROM exported;
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model(jsonb_set(document, '{model,weights,0}', '1e7')) FROM exported;
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model(jsonb_set(document, '{model,format}', '9')) FROM exported;
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model(document, NULL) FROM exported;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT count(*) AS versions FROM odoo_mirror.ml_models;

-- A hand-broken active model: scoring refuses it clearly (XX001), activating it is refused (22023).
BEGIN;
UPDATE odoo_mirror.ml_models SET model = model - 'weights' WHERE active;
\set ON_ERROR_STOP 0
SAVEPOINT broken;
SELECT odoo_mirror.churn_score(9201);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO SAVEPOINT broken;
SELECT odoo_mirror.activate_model('churn', 4);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
ROLLBACK;

-- Privileges: n8n runs the RPC and explains; it cannot train, activate, import or refresh.
SET ROLE n8n_service;
SELECT count(*) <= 3 AS n8n_reads_risks FROM odoo_mirror.get_churn_risks(3);
SELECT odoo_mirror.explain_churn(9201) ? 'top_reasons' AS n8n_explains;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.train_churn_model();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.activate_model('churn', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.refresh_churn_predictions();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.export_model();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.ml_models;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;
SET ROLE superset_readonly;
SELECT count(*) > 0 AS superset_reads_view FROM odoo_mirror.v_churn_risk;
SELECT odoo_mirror.churn_score(9201) BETWEEN 0 AND 1 AS superset_scores;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.train_churn_model();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('{}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;

-- Leave the database as the next files expect it, with the churn model exported for 11_odd_rows.
CREATE TABLE public.regress_churn_model AS SELECT odoo_mirror.export_model('churn') AS document;
TRUNCATE odoo_mirror.account_move, odoo_mirror.churn_predictions;
DELETE FROM odoo_mirror.ml_models;
DELETE FROM odoo_mirror.res_partner WHERE id BETWEEN 9201 AND 9500;
