-- Stored predictions kept current (0.6.0): the readers (get_churn_risks, churn_score,
-- get_suspicious_expenses, get_pending_expenses, fraud_score) answer from the stored predictions plus
-- the customers and employees changed since the refresh, scored live, and give exactly what scoring
-- everyone live gives; refreshes rescore only what changed; a TRUNCATE marks everyone; the
-- kept predictions are judged by model_performance(), the inputs' drift is in v_model_drift.
-- "Live" answers are taken by hiding the run (prediction_runs) inside a transaction rolled back after.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SET odoo_mirror.memory_enabled = off;
TRUNCATE odoo_mirror.account_move, odoo_mirror.hr_expense, odoo_mirror.hr_expense_sheet;
DELETE FROM odoo_mirror.expense_labels;
DELETE FROM odoo_mirror.prediction_history;

-- Churn data: 240 customers, every third leaves (as in 09_churn).
INSERT INTO odoo_mirror.res_partner (id, name, complete_name, is_company, active)
SELECT 9600 + i, 'Fresh customer ' || i, 'Fresh customer ' || i, true, true FROM generate_series(1, 240) AS i
ON CONFLICT (id) DO NOTHING;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, company_id,
    invoice_date, invoice_date_due, amount_untaxed_signed, amount_total_signed, amount_residual_signed,
    payment_state, write_date)
SELECT 700000 + row_number() OVER (ORDER BY c.partner_id, k), 'FINV/' || c.partner_id || '/' || k, 'out_invoice', 'posted',
       c.partner_id, c.partner_id, 1, DATE '2023-01-01' + k * c.gap + c.partner_id % 5,
       DATE '2023-01-31' + k * c.gap + c.partner_id % 5, 100 + c.partner_id % 10 * 50, (100 + c.partner_id % 10 * 50) * 1.21,
       0, 'paid', DATE '2023-02-05' + k * c.gap + c.partner_id % 5
FROM (SELECT 9600 + i AS partner_id, 15 + (i % 7) * 8 AS gap,
             CASE WHEN i % 3 = 0 THEN 300 + (i * 37) % 560 ELSE 10000 END AS stop_day
      FROM generate_series(1, 240) AS i) AS c
CROSS JOIN LATERAL generate_series(0, 911 / c.gap) AS k
WHERE k * c.gap < c.stop_day AND DATE '2023-01-01' + k * c.gap + c.partner_id % 5 <= DATE '2025-06-30';

-- Fraud data: 20 employees with 30 weekday claims each, the last report of each awaiting approval,
-- and a duplicate on another report.
INSERT INTO odoo_mirror.hr_employee (id, name, company_id)
SELECT 8600 + e, 'Fresh employee ' || e, 1 FROM generate_series(1, 20) AS e ON CONFLICT (id) DO NOTHING;
CREATE TEMP TABLE fresh_claims AS
SELECT 8600 + e AS employee_id, e * 1000 + k AS id, e * 100 + k / 5 AS sheet_id,
       DATE '2025-01-06' + (k * 7 + e % 5) AS date, 1 + k % 3 AS product_id,
       20 + (e * 7 + k * 13) % 60 + 0.37 AS amount, k / 5 = 5 AS pending
FROM generate_series(1, 20) AS e CROSS JOIN generate_series(0, 29) AS k;
INSERT INTO odoo_mirror.hr_expense_sheet (id, name, state, employee_id, company_id, create_date)
SELECT sheet_id, 'Fresh report ' || sheet_id, CASE WHEN bool_or(pending) THEN 'submit' ELSE 'done' END, employee_id, 1,
       max(date) + 2 + time '09:00'
FROM fresh_claims GROUP BY sheet_id, employee_id;
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, product_id, total_amount, state, sheet_id, create_date)
SELECT id, 'Fresh claim ' || id, date, employee_id, 1, product_id, amount,
       CASE WHEN pending THEN 'submitted' ELSE 'done' END, sheet_id, date + time '18:00'
FROM fresh_claims;
INSERT INTO odoo_mirror.hr_expense (id, name, date, employee_id, company_id, product_id, total_amount, state, sheet_id, create_date)
SELECT 99000 + id, name, date, employee_id, company_id, product_id, total_amount, 'submitted', 1 * 100 + 5, create_date + interval '40 days'
FROM odoo_mirror.hr_expense WHERE id = 1003;
ANALYZE odoo_mirror.account_move;
ANALYZE odoo_mirror.hr_expense;

-- Training activates both models and refreshes their stored predictions at once.
SELECT (r->>'activated')::boolean AS churn_activated, r->'predictions_refreshed'->>'rescored' AS churn_rescored
FROM odoo_mirror.train_churn_model(p_params => '{"activate": "always"}') AS r;
SELECT (r->>'activated')::boolean AS fraud_activated, r->'predictions_refreshed'->>'rescored' AS fraud_rescored
FROM odoo_mirror.train_fraud_model('{"activate": "always"}') AS r;
SELECT r.kind, r.model_version = m.version AS current_model, r.drift IS NOT NULL AS drift_measured
FROM odoo_mirror.prediction_runs AS r JOIN odoo_mirror.ml_models AS m ON m.kind = r.kind AND m.active ORDER BY r.kind;
SELECT count(*) AS stale_marks FROM odoo_mirror.prediction_stale;

-- The readers' answers, as one hash each.
CREATE TEMP VIEW churn_answer AS
SELECT md5(string_agg(format('%s %s %s %s %s', partner_id, round(score::numeric, 12), risk_band, top_reasons, revenue_at_risk), ';'
                      ORDER BY score DESC, partner_id)) AS hash, count(*) AS rows
FROM odoo_mirror.get_churn_risks(1000, 0);
CREATE TEMP VIEW fraud_answer AS
SELECT md5(string_agg(format('%s %s %s', expense_id, round(score::numeric, 12), reasons), ';' ORDER BY score DESC, expense_id)) AS hash,
       count(*) AS rows
FROM odoo_mirror.get_suspicious_expenses(1000, 0);
CREATE TEMP VIEW pending_answer AS
SELECT md5(string_agg(format('%s %s %s', sheet_id, round(fraud_score::numeric, 12), fraud_top_reason), ';' ORDER BY sheet_id)) AS hash
FROM odoo_mirror.get_pending_expenses(1000);

-- Stored and live agree right after a refresh.
SELECT hash AS churn_stored, rows AS churn_rows FROM churn_answer \gset
SELECT hash AS fraud_stored, rows AS fraud_rows FROM fraud_answer \gset
SELECT hash AS pending_stored FROM pending_answer \gset
BEGIN;
DELETE FROM odoo_mirror.prediction_runs;
SELECT hash AS churn_live FROM churn_answer \gset
SELECT hash AS fraud_live FROM fraud_answer \gset
SELECT hash AS pending_live FROM pending_answer \gset
ROLLBACK;
SELECT :'churn_stored' = :'churn_live' AS churn_same, :churn_rows > 100 AS churn_many,
       :'fraud_stored' = :'fraud_live' AS fraud_same, :fraud_rows > 100 AS fraud_many,
       :'pending_stored' = :'pending_live' AS pending_same;

-- Writes mark what they change, once per transaction and key: a leaver buys again (two invoices, one
-- mark), a claim is inflated, a report is re-dated; rows that feed no prediction mark nothing.
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, partner_id, commercial_partner_id, company_id,
    invoice_date, invoice_date_due, amount_untaxed_signed, amount_total_signed, amount_residual_signed, payment_state, write_date)
VALUES (799001, 'FINV/back/1', 'out_invoice', 'posted', 9603, 9603, 1, '2025-06-20', '2025-07-20', 900, 1089, 1089, 'not_paid', '2025-06-20'),
       (799002, 'FINV/back/2', 'out_invoice', 'posted', 9603, 9603, 1, '2025-06-21', '2025-07-21', 900, 1089, 1089, 'not_paid', '2025-06-21'),
       (799003, 'BILL/x', 'in_invoice', 'posted', 9604, 9604, 1, '2025-06-21', '2025-07-21', -50, -60.5, -60.5, 'not_paid', '2025-06-21');
UPDATE odoo_mirror.hr_expense SET total_amount = 4000 WHERE id = 2010;
UPDATE odoo_mirror.hr_expense_sheet SET create_date = create_date + interval '90 days' WHERE id = 305;
COMMIT;
SELECT kind, entity_id FROM odoo_mirror.prediction_stale ORDER BY kind, entity_id;

-- The readers now serve the stored predictions and score the marked ones live: the same answers as
-- scoring everyone live, and the changes show.
SELECT hash AS churn_stored, rows AS churn_rows FROM churn_answer \gset
SELECT hash AS fraud_stored FROM fraud_answer \gset
SELECT hash AS pending_stored FROM pending_answer \gset
BEGIN;
DELETE FROM odoo_mirror.prediction_runs;
SELECT hash AS churn_live FROM churn_answer \gset
SELECT hash AS fraud_live FROM fraud_answer \gset
SELECT hash AS pending_live FROM pending_answer \gset
ROLLBACK;
SELECT :'churn_stored' = :'churn_live' AS churn_same, :'fraud_stored' = :'fraud_live' AS fraud_same,
       :'pending_stored' = :'pending_live' AS pending_same;
SELECT odoo_mirror.churn_score(9603) = s.score AS churn_score_current
FROM odoo_mirror.churn_scores() AS s WHERE s.partner_id = 9603;
SELECT odoo_mirror.fraud_score(2010) = s.score AS fraud_score_current, s.score > 0.5 AS inflated_flagged
FROM odoo_mirror.fraud_scores() AS s WHERE s.expense_id = 2010;
SELECT odoo_mirror.churn_score(9610) = s.score AS stored_churn_score_exact
FROM odoo_mirror.churn_scores() AS s WHERE s.partner_id = 9610;

-- An incremental refresh rescores only the marked customers and employees, and takes their marks.
SELECT r->>'rescored' AS rescored, r->>'customers_changed' AS customers_changed, r->>'rows' AS rows
FROM odoo_mirror.refresh_churn_predictions() AS r;
SELECT r->>'rescored' AS rescored, r->>'employees_changed' AS employees_changed
FROM odoo_mirror.refresh_fraud_predictions() AS r;
SELECT count(*) AS stale_marks FROM odoo_mirror.prediction_stale;
SELECT hash = :'churn_live' AS churn_refreshed_same FROM churn_answer;
SELECT hash = :'fraud_live' AS fraud_refreshed_same FROM fraud_answer;

-- A TRUNCATE marks everyone (an unknown key): readers score everyone live until a refresh, which then
-- rescores everyone.
TRUNCATE odoo_mirror.hr_expense_sheet;
SELECT kind, entity_id IS NULL AS everyone FROM odoo_mirror.prediction_stale;
SELECT rows > 0 AS still_answers FROM fraud_answer;
SELECT r->>'rescored' AS rescored FROM odoo_mirror.refresh_fraud_predictions() AS r;
SELECT r->>'rescored' AS rescored FROM odoo_mirror.refresh_churn_predictions(p_full => true) AS r;

-- Monitoring: the refreshes kept a snapshot of every prediction; churn outcomes are not known yet (the
-- horizon runs past the data), fraud labels written after the snapshot judge it.
INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud) VALUES (2010, true), (1001, false), (1002, false);
SELECT kind, scored > 0 AS scored, judged, positives, roc_auc, outcome_known_on IS NOT NULL AS has_horizon
FROM odoo_mirror.model_performance() ORDER BY kind, scored_on;
SELECT kind, count(*) > 5 AS inputs, bool_and(psi >= 0) AS psi_measured, bool_and(verdict IN ('stable', 'moderate shift', 'shifted')) AS verdicts
FROM odoo_mirror.v_model_drift GROUP BY kind ORDER BY kind;
-- (The fraud snapshot is dated by the day the test runs: details without dates only.)
SELECT "check", status, CASE WHEN "check" LIKE '%drift' THEN detail END AS detail FROM odoo_mirror.verify()
WHERE "check" LIKE '%model drift' OR "check" LIKE '%model performance' OR "check" LIKE '% predictions' ORDER BY 1;

-- Bad input: p_full NULL is 22023; the trigger function called directly is 0A000.
\set ON_ERROR_STOP 0
SELECT odoo_mirror.refresh_churn_predictions(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.refresh_fraud_predictions(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.mark_predictions_stale();
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET odoo_mirror.memory_enabled;
