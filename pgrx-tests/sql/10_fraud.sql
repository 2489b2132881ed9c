-- Expense fraud scoring: training without and with labels, scoring, explanations, the RPCs, the
-- predictions, the model store, privileges, and every bad input. Data: 30 employees with 40 ordinary
-- weekday claims each (2025, amounts with cents, submitted within days), and one case of each kind of
-- fraud, each on its own employee: an exact duplicate on another report, an inflated claim, a split
-- claim, a fabricated one (round, on a Saturday, submitted 104 days later), a near duplicate on a
-- refused report. Plus an employee with a single expense and hostile rows.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
TRUNCATE odoo_mirror.hr_expense, odoo_mirror.hr_expense_sheet;
-- Nothing to learn from: 22000, saying what is missing.
\set ON_ERROR_STOP 0
SELECT odoo_mirror.train_fraud_model();
\echo :LAST_ERROR_SQLSTATE
-- One expense is too few (the forest samples at least 2): 22000, and nothing is stored, so no model
-- that every fraud function would reject becomes active.
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, total_amount, state)
VALUES (1, 'Alone', '2025-01-06', 7999, 1, 10, 'submitted');
SELECT odoo_mirror.train_fraud_model();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS fraud_models FROM odoo_mirror.ml_models WHERE kind = 'fraud';
DELETE FROM odoo_mirror.hr_expense WHERE id = 1;
\set ON_ERROR_STOP 1

INSERT INTO odoo_mirror.hr_employee (id, name, company_id)
SELECT 8000 + e, 'Employee ' || e, 1 FROM generate_series(1, 30) AS e
UNION ALL SELECT 8099, 'Single Claim', 1;

-- Ordinary claims: four per report; the last report of every employee awaits approval.
CREATE TEMP TABLE ordinary AS
SELECT 8000 + e AS employee_id, k, e * 1000 + k AS id, (e * 100 + k / 4) AS sheet_id,
       DATE '2025-01-06' + (k * 7 + e % 5) AS date, 1 + k % 3 AS product_id,
       20 + (e * 7 + k * 13) % 60 + 0.37 AS amount, k / 4 = 9 AS pending
FROM generate_series(1, 30) AS e CROSS JOIN generate_series(0, 39) AS k;
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, employee_id, company_id, total_amount, create_date, payment_state)
SELECT sheet_id, 'Report ' || sheet_id, CASE WHEN bool_or(pending) THEN 'submit' ELSE 'done' END, employee_id, 1,
       sum(amount), max(date) + 2 + time '09:00', CASE WHEN bool_or(pending) THEN 'not_paid' ELSE 'paid' END
FROM ordinary GROUP BY sheet_id, employee_id;
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, product_id, total_amount, state, sheet_id, create_date)
SELECT id, 'Claim ' || id, date, employee_id, 1, product_id, amount, CASE WHEN pending THEN 'submitted' ELSE 'done' END,
       sheet_id, date + time '18:00'
FROM ordinary;

-- The fraud, one open report each (ids 90xxx), and a refused one.
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, employee_id, company_id, total_amount, create_date, payment_state) VALUES
    (90001, 'Duplicate report', 'submit', 8003, 1, 0, '2025-04-20 09:00', 'not_paid'),
    (90002, 'Inflated report', 'submit', 8005, 1, 0, '2025-06-12 09:00', 'not_paid'),
    (90003, 'Split report', 'submit', 8007, 1, 0, '2025-06-13 09:00', 'not_paid'),
    (90004, 'Fabricated report', 'submit', 8009, 1, 0, '2025-06-20 09:00', 'not_paid'),
    (90005, 'Refused report', 'cancel', 8011, 1, 0, '2025-03-01 09:00', 'not_paid'),
    (90006, 'Single report', 'submit', 8099, 1, 0, '2025-06-02 09:00', 'not_paid');
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, product_id, total_amount, state, sheet_id, create_date)
SELECT 90001, name, date, employee_id, company_id, product_id, total_amount, 'submitted', 90001, create_date + interval '30 days'
FROM odoo_mirror.hr_expense WHERE id = 3010;
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, product_id, total_amount, state, sheet_id, create_date) VALUES
    (90002, 'Dinner', '2025-06-10', 8005, 1, 1, 720.37, 'submitted', 90002, '2025-06-10 18:00'),
    (90003, 'Hotel night 1', '2025-06-09', 8007, 1, 3, 450.00, 'submitted', 90003, '2025-06-09 18:00'),
    (90004, 'Hotel night 2', '2025-06-10', 8007, 1, 3, 420.00, 'submitted', 90003, '2025-06-10 18:00'),
    (90005, 'Hotel night 3', '2025-06-11', 8007, 1, 3, 380.00, 'submitted', 90003, '2025-06-11 18:00'),
    (90006, 'Client gift', '2025-03-08', 8009, 1, 2, 300.00, 'submitted', 90004, '2025-06-20 08:00'),
    (90007, 'Claim again', '2025-02-12', 8011, 1, 1, 0, 'refused', 90005, '2025-02-12 18:00'),
    (90008, 'Taxi', '2025-06-02', 8099, 1, 1, 95.50, 'submitted', 90006, '2025-06-02 18:00'),
    -- Hostile rows: no employee, no date, a NaN and an absurd amount.
    (90009, 'Orphan', '2025-06-02', NULL, 1, 1, 10, 'submitted', NULL, NULL),
    (90010, 'Undated', NULL, 8013, 1, 1, 10, 'submitted', NULL, NULL),
    (90011, 'Not a number', '2025-06-03', 8013, 1, 1, 'NaN', 'draft', NULL, '2025-06-03 18:00'),
    (90012, 'Absurd', '2025-06-04', 8013, 1, 1, 1e20, 'draft', NULL, '2025-06-04 18:00');
-- The refused claim nearly repeats an earlier one of its employee: 1% more, two days later.
UPDATE odoo_mirror.hr_expense AS e SET total_amount = round(o.total_amount * 1.01, 2), product_id = o.product_id
FROM odoo_mirror.hr_expense AS o WHERE e.id = 90007 AND o.id = 11005;
UPDATE odoo_mirror.hr_expense SET date = (SELECT date + 2 FROM odoo_mirror.hr_expense WHERE id = 11005) WHERE id = 90007;
ANALYZE odoo_mirror.hr_expense;
SELECT count(*) AS expenses, count(DISTINCT employee_id) AS employees FROM odoo_mirror.hr_expense;

-- No model yet: scoring says so with 42704 (PostgREST: 400) naming train_fraud_model(); the pending
-- reports RPC keeps working, its fraud columns NULL.
\set ON_ERROR_STOP 0
SELECT odoo_mirror.fraud_score(90001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_suspicious_expenses();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.explain_fraud(90001);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.fraud_scores();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.export_model('fraud');
\echo :LAST_ERROR_SQLSTATE
-- A refresh without a model takes the marks (nothing to rescore) and says so.
SELECT odoo_mirror.refresh_fraud_predictions() AS refreshed_without_model;
SELECT count(*) AS pending_reports, count(fraud_score) AS scored, count(fraud_top_reason) AS with_reason
FROM odoo_mirror.get_pending_expenses(100);

-- Bad training parameters: 22023, naming the key.
SELECT odoo_mirror.train_fraud_model(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model('[1]');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model('{"approval_threshold": -5}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model('{"trees": 0}');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model('{"approval_treshold": 500}');
\echo :LAST_ERROR_SQLSTATE
-- A forest too large to store is refused before any fitting: 22023, naming both keys.
SELECT odoo_mirror.train_fraud_model('{"trees": 1000, "sample_size": 100000}');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- No labels: the documented default weights, the forest and baselines learned from every expense.
CREATE TEMP TABLE first_training AS SELECT odoo_mirror.train_fraud_model() AS report;
SELECT report->>'version' AS version, report->>'activated' AS activated, report->>'activation' AS activation,
       report->>'fitted_on_labels' AS fitted, report->'expenses' AS expenses, report#>>'{labels,why}' AS why,
       report->'holdout' AS holdout
FROM first_training;
SELECT kind, version, active, features FROM odoo_mirror.ml_models WHERE kind = 'fraud';

-- The injected cases outrank every ordinary claim; each names its rule first.
SELECT expense_id, round(score::numeric, 3) AS score, top_reason
FROM odoo_mirror.get_suspicious_expenses(10, 0.3);
SELECT count(*) FILTER (WHERE s.score >= 0.3) AS ordinary_above_0_3, round(max(s.score)::numeric, 3) AS highest_ordinary
FROM odoo_mirror.fraud_scores() AS s WHERE s.expense_id < 90000;
-- The refused near duplicate is scored (not open, so not in the RPC).
SELECT e->'reasons'->0->>'rule' AS top_rule, e->'reasons'->0->>'evidence' AS evidence
FROM odoo_mirror.explain_fraud(90007) AS e;
-- Only the later claim of a duplicate is flagged.
SELECT (odoo_mirror.explain_fraud(3010)->'reasons') @> '[{"rule": "exact_duplicate"}]' AS original_flagged,
       (odoo_mirror.explain_fraud(90001)->'reasons') @> '[{"rule": "exact_duplicate"}]' AS copy_flagged;

-- Explanations add up: intercept + contributions = logit, sigmoid(logit) = score.
SELECT bool_and(abs((x->>'intercept')::float8 + (SELECT sum((c->>'contribution')::float8) FROM jsonb_array_elements(x->'inputs') AS c)
                    - (x->>'logit')::float8) < 1e-9) AS contributions_add_up,
       bool_and(abs(1 / (1 + exp(-(x->>'logit')::float8)) - (x->>'score')::float8) < 1e-12) AS score_is_sigmoid,
       bool_and((x->>'score')::float8 = odoo_mirror.fraud_score((x->>'expense_id')::int)) AS same_as_fraud_score
FROM (SELECT odoo_mirror.explain_fraud(id) AS x FROM odoo_mirror.hr_expense WHERE id IN (90001, 90002, 90003, 90006, 90008, 5005)) AS explained;
SELECT jsonb_path_query_array(odoo_mirror.explain_fraud(90006), '$.reasons[*].rule') AS fabricated_rules;

-- Batch and one-by-one agree; hostile rows are scored finite or not at all.
SELECT count(*) AS scored, count(*) FILTER (WHERE s.score = odoo_mirror.fraud_score(s.expense_id)) AS same_one_by_one,
       count(*) FILTER (WHERE s.score BETWEEN 0 AND 1 AND s.score = s.score) AS within_0_1
FROM odoo_mirror.fraud_scores() AS s;
SELECT id, odoo_mirror.fraud_score(id) BETWEEN 0 AND 1 AS defined
FROM odoo_mirror.hr_expense WHERE id IN (90008, 90009, 90010, 90011, 90012) ORDER BY id;
-- Unknown and NULL ids: NULL.
SELECT odoo_mirror.fraud_score(-1) IS NULL AS unknown, odoo_mirror.fraud_score(NULL) IS NULL AS null_id,
       odoo_mirror.explain_fraud(2147483647) IS NULL AS unknown_explained;

-- The n8n RPC: bad arguments are 22023.
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.get_suspicious_expenses(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_suspicious_expenses(10, 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_suspicious_expenses(10, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_suspicious_expenses(NULL);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT expense_id, expense_name, employee_name, sheet_id, date, amount, currency, state, round(score::numeric, 3) AS score,
       cardinality(reasons) > 0 AS has_reasons, model_version
FROM odoo_mirror.get_suspicious_expenses(3, 0.5);

-- get_pending_expenses: the report's highest line score and its reason.
SELECT sheet_id, round(fraud_score::numeric, 3) AS fraud_score, fraud_top_reason
FROM odoo_mirror.get_pending_expenses(1000) WHERE sheet_id >= 90000 ORDER BY sheet_id;
SELECT count(*) AS pending_reports, count(fraud_score) AS scored FROM odoo_mirror.get_pending_expenses(1000);

-- Predictions for Superset.
SELECT (odoo_mirror.refresh_fraud_predictions())->>'rows' AS rows_written;
SELECT expense_id, employee_name, amount, state, round(score::numeric, 3) AS score, risk_band, labelled_fraud
FROM odoo_mirror.v_suspicious_expenses ORDER BY score DESC, expense_id;

-- Labels: refused reports seed them; auditors add theirs. With enough of both verdicts the weights
-- are fitted (linfa) and judged on a seeded holdout beside the rules alone and the forest alone.
SELECT odoo_mirror.seed_fraud_labels_from_refused() AS seeded, odoo_mirror.seed_fraud_labels_from_refused() AS seeded_again;
INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by)
SELECT id, true, 'auditor' FROM odoo_mirror.hr_expense WHERE id BETWEEN 90001 AND 90006
UNION ALL
SELECT id, false, 'auditor' FROM odoo_mirror.hr_expense WHERE id < 90000 AND id % 50 = 0;
SELECT is_fraud, count(*) FROM odoo_mirror.expense_labels GROUP BY is_fraud ORDER BY is_fraud;
CREATE TEMP TABLE labelled_training AS
SELECT odoo_mirror.train_fraud_model('{"min_labels": 3, "holdout_share": 0.5, "activate": "always"}') AS report;
SELECT report->>'version' AS version, report->>'fitted_on_labels' AS fitted, report->>'activation' AS activation,
       report#>>'{labels,labelled_fraud}' AS fraud_labels, report#>>'{labels,labelled_legitimate}' AS legitimate_labels,
       (report#>>'{holdout,rows}')::int > 0 AS holdout_rows,
       (report#>>'{holdout,model,roc_auc}')::float8 BETWEEN 0 AND 1 AS model_auc,
       (report#>>'{holdout,rules_only,roc_auc}')::float8 BETWEEN 0 AND 1 AS rules_auc,
       (report#>>'{holdout,forest_only,roc_auc}')::float8 BETWEEN 0 AND 1 AS forest_auc,
       jsonb_array_length(report#>'{holdout,calibration}') > 0 AS calibration
FROM labelled_training;
-- Unlabelled expenses do not count as legitimate unless told (unlabelled_as_legitimate); too few labels keep the defaults.
SELECT report->>'fitted_on_labels' AS fitted, report->>'activated' AS activated, report#>>'{labels,why}' AS why
FROM (SELECT odoo_mirror.train_fraud_model('{"min_labels": 1000, "activate": "never"}') AS report) AS t;
SELECT version, active, (model->>'fitted_on_labels')::boolean AS fitted FROM odoo_mirror.ml_models WHERE kind = 'fraud' ORDER BY version;

-- Roll back to version 1, export it, import it as a new version: identical scores.
SELECT (odoo_mirror.activate_model('fraud', 1))->>'previous_version' AS previous;
CREATE TEMP TABLE v1_scores AS SELECT * FROM odoo_mirror.fraud_scores();
SELECT (odoo_mirror.import_model(odoo_mirror.export_model('fraud', 1), true))->>'version' AS imported_version;
SELECT count(*) AS same_scores FROM odoo_mirror.fraud_scores() AS s JOIN v1_scores AS v USING (expense_id) WHERE s.score = v.score;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.activate_model('fraud', 99);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.activate_model('fraudulent', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.import_model('{"kind": "fraud", "model": {"format": 1}}');
\echo :LAST_ERROR_SQLSTATE
-- A hand-broken stored model (a tree whose node points back at itself) is refused, not looped on.
UPDATE odoo_mirror.ml_models SET model = jsonb_set(model, '{forest,trees,0,nodes,0}',
    '{"Split": {"feature": 0, "value": 1.0, "left": 0, "right": 0}}') WHERE kind = 'fraud' AND active;
SELECT odoo_mirror.fraud_score(90001);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT (odoo_mirror.activate_model('fraud', 2))->>'version' AS reactivated;
-- Fitted on 7 frauds among 1,210 expenses, its scores are calibrated to that rate: lower, same order.
SELECT odoo_mirror.fraud_score(90001) > 10 * odoo_mirror.fraud_score(3010) AS copy_far_above_original;

-- Privileges: n8n calls the RPCs and nothing else; Superset reads and scores; neither trains or labels.
SET ROLE n8n_service;
SELECT count(*) > 0 AS n8n_sees_suspects FROM odoo_mirror.get_suspicious_expenses(5, 0.5);
SELECT odoo_mirror.explain_fraud(90001) ? 'reasons' AS n8n_explains;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.fraud_score(90001);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.train_fraud_model();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM odoo_mirror.expense_labels;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;
SET ROLE superset_readonly;
SELECT odoo_mirror.fraud_score(90001) BETWEEN 0 AND 1 AS superset_scores, count(*) > 0 AS superset_reads_view
FROM odoo_mirror.v_suspicious_expenses;
\set ON_ERROR_STOP 0
INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud) VALUES (1, true);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.refresh_fraud_predictions();
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.seed_fraud_labels_from_refused();
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;
