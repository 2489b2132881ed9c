-- The daily revenue rollup follows every kind of change to account_move, and verify() notices when it
-- does not. Runs on the rows of 02_views.
\set SHOW_CONTEXT never
CREATE TEMP VIEW rollup_vs_direct AS
SELECT (SELECT coalesce(sum(amount_untaxed_signed), 0) FROM odoo_mirror.revenue_daily) AS rollup_amount,
       (SELECT coalesce(sum(amount_untaxed_signed), 0) FROM odoo_mirror.account_move
        WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')) AS direct_amount,
       (SELECT coalesce(sum(move_count), 0) FROM odoo_mirror.revenue_daily) AS rollup_moves,
       (SELECT count(*) FROM odoo_mirror.account_move
        WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')) AS direct_moves,
       (SELECT status FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily') AS verify_status;
SELECT * FROM rollup_vs_direct;
-- Posting the draft (with an invoice date), changing an amount, moving a date, cancelling, deleting.
UPDATE odoo_mirror.account_move SET state = 'posted', invoice_date = current_date WHERE id = 4;
SELECT * FROM rollup_vs_direct;
UPDATE odoo_mirror.account_move SET amount_untaxed_signed = 1500 WHERE id = 1;
UPDATE odoo_mirror.account_move SET invoice_date = invoice_date - 400 WHERE id = 7;
UPDATE odoo_mirror.account_move SET state = 'cancel' WHERE id = 2;
DELETE FROM odoo_mirror.account_move WHERE id = 3;
SELECT * FROM rollup_vs_direct;
-- A payment update does not touch the rollup (the trigger's WHEN clause filters it out).
UPDATE odoo_mirror.account_move SET payment_state = 'paid', amount_residual_signed = 0 WHERE id = 1;
SELECT * FROM rollup_vs_direct;
-- Under the replication apply worker's session role the rollup is still maintained (ENABLE ALWAYS).
SET session_replication_role = replica;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)
VALUES (9, 'INV/9', 'out_invoice', 'posted', NULL, current_date, 42);
RESET session_replication_role;
SELECT * FROM rollup_vs_direct;
-- A rollup knocked out of step is reported by verify() and repaired by the rebuild.
DELETE FROM odoo_mirror.revenue_daily WHERE company_id = 0;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'rollup revenue_daily';
SELECT odoo_mirror.rebuild_revenue_rollup() > 0 AS rebuilt;
SELECT * FROM rollup_vs_direct;
-- A disabled trigger is reported.
ALTER TABLE odoo_mirror.account_move DISABLE TRIGGER revenue_daily_on_update;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'trigger revenue rollup';
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_daily_on_update;
-- TRUNCATE empties the rollup.
BEGIN;
TRUNCATE odoo_mirror.account_move;
SELECT * FROM rollup_vs_direct;
ROLLBACK;
SELECT * FROM rollup_vs_direct;
