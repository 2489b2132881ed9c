-- The revenue rollup: get_revenue_trends is exact whether or not the rollup was refreshed, every kind
-- of change to account_move reaches it, and verify() notices when it cannot. Runs on the rows of 02_views.
\set SHOW_CONTEXT never
CREATE TEMP VIEW trends_vs_direct AS
SELECT (SELECT sum(net_revenue) FROM odoo_mirror.get_revenue_trends(120)) AS rpc_net,
       (SELECT coalesce(sum(amount_untaxed_signed), 0) FROM odoo_mirror.account_move
        WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
          AND invoice_date >= date_trunc('month', current_date) - interval '119 months') AS direct_net,
       (SELECT sum(invoice_count + refund_count) FROM odoo_mirror.get_revenue_trends(120)) AS rpc_moves,
       (SELECT count(*) FROM odoo_mirror.account_move
        WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
          AND invoice_date >= date_trunc('month', current_date) - interval '119 months') AS direct_moves,
       (SELECT count(DISTINCT invoice_date) FROM odoo_mirror.revenue_daily_stale) AS stale_dates,
       (SELECT status FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily') AS verify_status;

-- Nothing refreshed yet: every date is stale and read from account_move.
SELECT * FROM trends_vs_direct;
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;
SELECT * FROM trends_vs_direct;
SELECT odoo_mirror.refresh_revenue_rollup() AS nothing_to_refresh;

-- Posting the draft, changing an amount, moving a date, cancelling, deleting: exact before and after
-- the refresh.
UPDATE odoo_mirror.account_move SET state = 'posted', invoice_date = current_date WHERE id = 4;
UPDATE odoo_mirror.account_move SET amount_untaxed_signed = 1500 WHERE id = 1;
UPDATE odoo_mirror.account_move SET invoice_date = invoice_date - 40 WHERE id = 7;
UPDATE odoo_mirror.account_move SET state = 'cancel' WHERE id = 2;
DELETE FROM odoo_mirror.account_move WHERE id = 3;
SELECT * FROM trends_vs_direct;
SELECT odoo_mirror.refresh_revenue_rollup() > 0 AS refreshed;
SELECT * FROM trends_vs_direct;

-- A payment does not mark anything stale (the trigger's WHEN clause filters it out).
UPDATE odoo_mirror.account_move SET payment_state = 'paid', amount_residual_signed = 0 WHERE id = 1;
SELECT stale_dates FROM trends_vs_direct;

-- Under the replication apply worker's session role the trigger still fires (ENABLE ALWAYS).
SET session_replication_role = replica;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (9, 'INV/9', 'out_invoice', 'posted', NULL, current_date, 42);
RESET session_replication_role;
SELECT * FROM trends_vs_direct;
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;

-- A rollup knocked out of step (as by a data-only restore with --disable-triggers) fails verify(),
-- and a full refresh repairs it.
DELETE FROM odoo_mirror.revenue_daily WHERE company_id = 0;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily';
SELECT odoo_mirror.refresh_revenue_rollup(true) > 0 AS rebuilt;
SELECT * FROM trends_vs_direct;

-- Changes waiting more than a day for a refresh are worth a warning: no scheduler runs it.
INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date, changed_at) VALUES (current_date, now() - interval '2 days');
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily';
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;

-- A change whose date the trigger could not read (recorded as a NULL date) makes every date stale:
-- revenue stays exact, and the next refresh rebuilds the whole rollup.
DELETE FROM odoo_mirror.revenue_daily WHERE company_id = 0;
INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date) VALUES (NULL);
SELECT * FROM trends_vs_direct;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily';
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;
SELECT * FROM trends_vs_direct;

-- Savepoints: a date marked inside a rolled-back savepoint is marked again afterwards (the trigger's
-- memory of marked dates is per (sub)transaction).
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (20, 'INV/20', 'out_invoice', 'posted', 1, current_date - 3, 1);
SAVEPOINT before_21;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (21, 'INV/21', 'out_invoice', 'posted', 1, current_date - 4, 2);
ROLLBACK TO SAVEPOINT before_21;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (22, 'INV/22', 'out_invoice', 'posted', 1, current_date - 4, 3);
SAVEPOINT before_23;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (23, 'INV/23', 'out_invoice', 'posted', 1, current_date - 5, 4);
RELEASE SAVEPOINT before_23;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (24, 'INV/24', 'out_invoice', 'posted', 1, current_date - 5, 5);
COMMIT;
SELECT invoice_date - current_date AS days_ago, count(*) AS marks
FROM odoo_mirror.revenue_daily_stale GROUP BY 1 ORDER BY 1;
SELECT * FROM trends_vs_direct;
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;
SELECT * FROM trends_vs_direct;
DELETE FROM odoo_mirror.account_move WHERE id BETWEEN 20 AND 24;
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;

-- Marks deleted inside the writing transaction (a refresh, a TRUNCATE) are made again by later rows
-- of the same transaction: the trigger's memory is cleared with them.
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (30, 'INV/30', 'out_invoice', 'posted', 1, current_date - 6, 6);
SELECT odoo_mirror.refresh_revenue_rollup() AS refreshed_dates;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (31, 'INV/31', 'out_invoice', 'posted', 1, current_date - 6, 7);
COMMIT;
SELECT * FROM trends_vs_direct;
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (32, 'INV/32', 'out_invoice', 'posted', 1, current_date - 7, 8);
TRUNCATE odoo_mirror.account_move;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (33, 'INV/33', 'out_invoice', 'posted', 1, current_date - 7, 9);
SELECT * FROM trends_vs_direct;
ROLLBACK;
DELETE FROM odoo_mirror.account_move WHERE id IN (30, 31);
SELECT odoo_mirror.refresh_revenue_rollup() > 0 AS refreshed;

-- REPEATABLE READ: a writer marks its dates unconditionally (a mark it sees may be gone), and the
-- refresh refuses to run (its snapshot would predate its lock).
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (34, 'INV/34', 'out_invoice', 'posted', 1, current_date - 8, 10);
SELECT count(*) AS marks FROM odoo_mirror.revenue_daily_stale WHERE invoice_date = current_date - 8;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.refresh_revenue_rollup();
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
ROLLBACK;

-- A disabled trigger fails verify().
ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER revenue_stale_on_update;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'triggers revenue rollup';
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_stale_on_update;

-- TRUNCATE empties the rollup.
BEGIN;
TRUNCATE odoo_mirror.account_move;
SELECT (SELECT count(*) FROM odoo_mirror.revenue_daily) AS rollup_rows, t.* FROM trends_vs_direct AS t;
ROLLBACK;

-- A CDC role that may write account_move and nothing else still keeps the rollup exact: the trigger
-- functions run as the extension's owner.
CREATE ROLE odoo_mirror_cdc_writer NOLOGIN;
GRANT USAGE ON SCHEMA odoo_mirror TO odoo_mirror_cdc_writer;
GRANT INSERT, UPDATE, DELETE ON odoo_mirror.account_move TO odoo_mirror_cdc_writer;
SET ROLE odoo_mirror_cdc_writer;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (10, 'INV/10', 'out_invoice', 'posted', 1, current_date - 1, 8);
RESET ROLE;
SELECT * FROM trends_vs_direct;
DELETE FROM odoo_mirror.account_move WHERE id = 10;
REVOKE ALL ON odoo_mirror.account_move FROM odoo_mirror_cdc_writer;
REVOKE ALL ON SCHEMA odoo_mirror FROM odoo_mirror_cdc_writer;
DROP ROLE odoo_mirror_cdc_writer;
SELECT odoo_mirror.refresh_revenue_rollup() > 0 AS refreshed;

-- Bad input.
\set ON_ERROR_STOP 0
SELECT odoo_mirror.refresh_revenue_rollup(NULL);
\echo :LAST_ERROR_SQLSTATE
SET ROLE n8n_service;
SELECT odoo_mirror.refresh_revenue_rollup();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
\set ON_ERROR_STOP 1
SELECT count(*) AS failing FROM odoo_mirror.verify() WHERE status <> 'ok';
