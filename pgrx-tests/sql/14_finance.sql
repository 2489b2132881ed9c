-- Finance (0.7.0): aging at every bucket edge, as of a past date from reconciliation dates and as of
-- today from stored residuals; payments and what they settled; the cash forecast's shift by a partner's
-- payment delay; odd rows; bad arguments and privileges. Hand-built rows in companies 900 and 901, so
-- the rows of earlier files do not matter.
\set SHOW_CONTEXT never
SET client_min_messages = warning;

INSERT INTO odoo_mirror.res_currency (id, name) VALUES (900, 'XAF') ON CONFLICT (id) DO NOTHING;
INSERT INTO odoo_mirror.res_company (id, name, currency_id) VALUES (900, 'Aging Edge Co', 900), (901, 'Forecast Co', 900);
INSERT INTO odoo_mirror.res_partner (id, name) VALUES (9000100, 'Edge Customer'), (9000101, 'Edge Vendor'), (9000102, 'Steady Payer');
INSERT INTO odoo_mirror.account_account (id, name, code, account_type, reconcile) VALUES
    (9000001, '{"en_US": "Receivable"}', '121000', 'asset_receivable', true),
    (9000002, '{"en_US": "Payable"}', '211000', 'liability_payable', true),
    (9000003, '{"en_US": "Bank"}', '101400', 'asset_cash', false);

-- Company 900, as of 2026-01-31: one receivable item due at each bucket edge, each amount a power of
-- two so that a bucket's sum tells which items it holds. Item 12 (1024, due 121 days before) was paid
-- 24 on 2026-01-15 and the rest on 2026-02-10: as of 2026-01-31, 1000 was still open; now nothing is.
INSERT INTO odoo_mirror.account_move_line
    (id, move_id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, amount_residual, reconciled)
SELECT 9000000 + n, 9000000 + n, 900, 9000100, 9000001, 'posted', DATE '2025-06-01', DATE '2026-01-31' + offset_days,
       amount, CASE WHEN n = 12 THEN 0 ELSE amount END, n = 12
FROM (VALUES (1, 1, 1), (2, 0, 2), (3, -1, 4), (4, -30, 8), (5, -31, 16), (6, -60, 32), (7, -61, 64), (8, -90, 128),
             (9, -91, 256), (10, -120, 512), (11, -121, 2048), (12, -121, 1024)) AS item(n, offset_days, amount);
-- The payments' receivable items (credits) and the partial reconciliations.
INSERT INTO odoo_mirror.account_move_line
    (id, move_id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, amount_residual, reconciled)
VALUES (9000013, 9000013, 900, 9000100, 9000001, 'posted', DATE '2026-01-15', DATE '2026-01-15', -24, 0, true),
       (9000014, 9000014, 900, 9000100, 9000001, 'posted', DATE '2026-02-10', DATE '2026-02-10', -1000, 0, true);
INSERT INTO odoo_mirror.account_partial_reconcile (id, debit_move_id, credit_move_id, amount, max_date, company_id) VALUES
    (9000001, 9000012, 9000013, 24, DATE '2026-01-15', 900),
    (9000002, 9000012, 9000014, 1000, DATE '2026-02-10', 900);
-- A vendor bill 45 days past due (payable: owed by the company, shown positive); a draft item and an
-- item dated after 2026-01-31, both left out.
INSERT INTO odoo_mirror.account_move_line
    (id, move_id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, amount_residual)
VALUES (9000015, 9000015, 900, 9000101, 9000002, 'posted', DATE '2025-11-01', DATE '2025-12-17', -500, -500),
       (9000016, 9000016, 900, 9000100, 9000001, 'draft', DATE '2025-06-01', DATE '2025-06-01', 4096, 4096),
       (9000017, 9000017, 900, 9000100, 9000001, 'posted', DATE '2026-02-05', DATE '2026-02-05', 8192, 8192);
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, partner_id, date)
SELECT 9000000 + n, 'EDGE/' || n, CASE WHEN n IN (13, 14) THEN 'entry' ELSE 'out_invoice' END, 'posted', 900, 9000100, DATE '2025-06-01'
FROM generate_series(1, 17) AS n;
INSERT INTO odoo_mirror.account_payment (id, move_id, payment_type, partner_type, partner_id, amount, currency_id)
VALUES (9000001, 9000013, 'inbound', 'customer', 9000100, 24, 900), (9000002, 9000014, 'inbound', 'customer', 9000100, 1000, 900);

SELECT account_kind, partner_name, company_currency, not_due, overdue_1_30, overdue_31_60, overdue_61_90,
       overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date
FROM odoo_mirror.get_aging('2026-01-31', 900);

-- Today, from the stored residuals: item 12 is settled, item 17 (dated after 2026-01-31) counts.
SELECT account_kind, total_open, open_items FROM odoo_mirror.v_aging WHERE company_id = 900 ORDER BY account_kind;
SELECT total_open FROM odoo_mirror.v_receivable_aging WHERE company_id = 900;
SELECT total_open FROM odoo_mirror.v_payable_aging WHERE company_id = 900;
-- Today's aging rebuilt from reconciliations is the stored residuals' aging, row for row.
SELECT count(*) AS differing_rows FROM (
    (SELECT * FROM odoo_mirror.v_aging WHERE company_id = 900 EXCEPT SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE, 900))
    UNION ALL
    (SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE, 900) EXCEPT SELECT * FROM odoo_mirror.v_aging WHERE company_id = 900)) AS d;

-- What each payment settled, and when.
SELECT payment_id, payment_type, settled_document_number, settled_amount, settled_on
FROM odoo_mirror.v_payments WHERE payment_id IN (9000001, 9000002) ORDER BY payment_id;

-- Company 901: a customer who pays 14 days late (one invoice due 100 days ago, settled 86 days ago),
-- with an item due in a week: due in week 2, expected in week 4. An item 14 days late: week 1 either way
-- (whatever the weekday: its shifted date is today).
INSERT INTO odoo_mirror.account_move_line
    (id, move_id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, amount_residual, reconciled)
VALUES (9000101, 9000101, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 130, CURRENT_DATE - 100, 300, 0, true),
       (9000102, 9000102, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 86, CURRENT_DATE - 86, -300, 0, true),
       (9000103, 9000103, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 23, CURRENT_DATE + 7, 700, 700, false),
       (9000104, 9000104, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 44, CURRENT_DATE - 14, 50, 50, false);
INSERT INTO odoo_mirror.account_partial_reconcile (id, debit_move_id, credit_move_id, amount, max_date, company_id)
VALUES (9000101, 9000101, 9000102, 300, CURRENT_DATE - 86, 901);
-- The delays are computed by refresh_payment_delays() (scheduled in production): one partner row here.
SELECT odoo_mirror.refresh_payment_delays() > 0 AS refreshed;
SELECT partner_name, settled_items, average_delay_days, last_settled_on = CURRENT_DATE - 86 AS last_settled
FROM odoo_mirror.v_payment_delays WHERE company_id = 901;
-- Not in a read-only transaction (PostgREST's GET): 25006.
\set ON_ERROR_STOP 0
BEGIN READ ONLY;
SELECT odoo_mirror.refresh_payment_delays();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
\set ON_ERROR_STOP 1
SELECT week_number, expected_in, due_in FROM odoo_mirror.v_cash_forecast
WHERE company_id = 901 AND (expected_in <> 0 OR due_in <> 0) ORDER BY week_number;
SELECT partner_name, overdue_amount, total_open, overdue_items, days_overdue, usual_payment_delay_days
FROM odoo_mirror.get_collections_worklist(5, 901);

-- Rows the mirror can hold never make a view fail: NaN and huge residuals, due dates at ±infinity.
INSERT INTO odoo_mirror.account_move_line
    (id, move_id, company_id, partner_id, account_id, parent_state, date, date_maturity, balance, amount_residual)
VALUES (9000201, 9000201, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 5, 'infinity', 'NaN', 'NaN'),
       (9000202, 9000202, 901, 9000102, 9000001, 'posted', CURRENT_DATE - 5, '-infinity', 1e20, 1e20),
       (9000203, 9000203, 901, 9000102, 9000001, 'posted', 'infinity', NULL, 5, 5);
SELECT move_line_id, due_date, open_amount, days_overdue, aging_bucket FROM odoo_mirror.v_open_items
WHERE move_line_id IN (9000201, 9000202, 9000203) ORDER BY move_line_id;
SELECT count(*) > 0 AS readable FROM odoo_mirror.v_aging;
SELECT count(*) > 0 AS readable FROM odoo_mirror.v_cash_forecast;
SELECT count(*) >= 0 AS readable FROM odoo_mirror.v_dso_monthly;
SELECT count(*) > 0 AS readable FROM odoo_mirror.get_aging(CURRENT_DATE, 901);
SELECT count(*) > 0 AS readable FROM odoo_mirror.get_collections_worklist(20, 901);

-- Bad arguments: 22023 (PostgREST answers 400).
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.get_aging(NULL);
\echo :LAST_ERROR_SQLSTATE
-- (Its message names today's date: only the SQLSTATE is shown.)
\set VERBOSITY sqlstate
SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE + 1);
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_aging('infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE, 999999);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_collections_worklist(0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_collections_worklist(1001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_collections_worklist(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_collections_worklist(20, 999999);
\echo :LAST_ERROR_SQLSTATE

-- Privileges: the read-only role reads the views and calls get_aging; n8n calls both RPCs and reads no
-- table; a role without grants (Supabase's anon) gets 42501.
SET ROLE superset_readonly;
SELECT count(*) > 0 AS reads FROM odoo_mirror.get_aging('2026-01-31', 900);
SELECT count(*) > 0 AS reads FROM odoo_mirror.v_open_items;
RESET ROLE;
SET ROLE n8n_service;
SELECT count(*) > 0 AS calls FROM odoo_mirror.get_collections_worklist(5, 901);
SELECT count(*) FROM odoo_mirror.v_open_items;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
CREATE ROLE odoo_mirror_finance_stranger NOLOGIN;
GRANT USAGE ON SCHEMA odoo_mirror TO odoo_mirror_finance_stranger;
SET ROLE odoo_mirror_finance_stranger;
SELECT * FROM odoo_mirror.get_aging(CURRENT_DATE);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.get_collections_worklist(5);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
REVOKE USAGE ON SCHEMA odoo_mirror FROM odoo_mirror_finance_stranger;
DROP ROLE odoo_mirror_finance_stranger;
\set ON_ERROR_STOP 1

-- Every column of every finance view has a description (Superset shows it).
SELECT c.relname, a.attname FROM pg_catalog.pg_attribute AS a
JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace AND n.nspname = 'odoo_mirror'
WHERE c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped AND pg_catalog.col_description(c.oid, a.attnum) IS NULL
ORDER BY 1, 2;
