-- AI memory: the invoice_to_memory trigger, rebuild_memory(), search_chunks() and their bad inputs.
\set SHOW_CONTEXT never
SET client_min_messages = warning;
TRUNCATE odoo_mirror.account_move;
TRUNCATE ipai_memory.chunks, ipai_memory.sessions, odoo_mirror.memory_errors;

INSERT INTO odoo_mirror.res_currency (id, name, decimal_places) VALUES (91, 'JPY', 0), (92, 'KWD', 3)
ON CONFLICT (id) DO NOTHING;
INSERT INTO odoo_mirror.res_partner (id, name, complete_name) VALUES (9101, 'Kyoto Lanterns', 'Kyoto Lanterns KK')
ON CONFLICT (id) DO NOTHING;

-- The first write creates the odoo-sync session. If that transaction rolls back, the session goes with
-- it; the next write notices (foreign key) and creates it again, losing nothing.
BEGIN;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (9011, 'INV/2026/09011', 'out_invoice', 'posted', 3);
ROLLBACK;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (9011, 'INV/2026/09011', 'out_invoice', 'posted', 3);
SELECT string_agg(event, ',' ORDER BY id) AS events_after_rollback,
       (SELECT count(*) FROM odoo_mirror.memory_errors) AS errors,
       (SELECT count(*) FROM ipai_memory.sessions) AS sessions
FROM ipai_memory.chunks WHERE source_id = '9011';
DELETE FROM odoo_mirror.account_move WHERE id = 9011;
DELETE FROM ipai_memory.chunks WHERE source_id = '9011';

-- One chunk per event: an inserted draft is "created"; posting, paying and cancelling add one each.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, partner_id, currency_id,
    amount_total, amount_untaxed, amount_residual, invoice_date, invoice_date_due, company_id)
VALUES (9001, '/', 'out_invoice', 'draft', 'not_paid', 9101, 91, 1250000, 1136364, 1250000, '2026-03-01', '2026-03-31', 1);
UPDATE odoo_mirror.account_move SET name = 'INV/2026/09001', state = 'posted' WHERE id = 9001;
-- Irrelevant updates write nothing.
UPDATE odoo_mirror.account_move SET ref = 'PO 1', narration = 'thanks' WHERE id = 9001;
UPDATE odoo_mirror.account_move SET payment_state = 'in_payment' WHERE id = 9001;
UPDATE odoo_mirror.account_move SET payment_state = 'paid', amount_residual = 0 WHERE id = 9001;
SELECT source_table, source_id, event, content FROM ipai_memory.chunks ORDER BY id;

-- Rows seen first in a later state (a replication's initial copy) get the one event that state stands for.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, invoice_partner_display_name,
    currency_id, amount_total, invoice_date_due)
VALUES (9002, 'BILL/2026/0002', 'in_invoice', 'posted', 'paid', 'Gulf Supplies WLL', 92, 1234.5678, '2026-04-15'),
       (9003, 'RINV/2026/0003', 'out_refund', 'cancel', 'not_paid', 'Kyoto Lanterns KK', 91, 5000, NULL),
       (9004, 'MISC/2026/0004', 'entry', 'posted', 'not_paid', 'Not an invoice', 91, 1, NULL),
       (9005, 'RBILL/2026/0005', 'in_refund', 'draft', 'not_paid', NULL, NULL, NULL, NULL);
SELECT source_id, event, content FROM ipai_memory.chunks WHERE source_id <> '9001' ORDER BY source_id, id;
SELECT metadata->>'move_type' AS move_type, metadata->>'amount_total' AS amount_total, metadata->>'currency' AS currency,
       metadata->>'invoice_date_due' AS due, metadata->>'payment_state' AS payment_state
FROM ipai_memory.chunks WHERE source_id = '9002' AND event = 'paid';
SELECT agent_name, metadata FROM ipai_memory.sessions;
SELECT count(DISTINCT session_id) AS sessions_used FROM ipai_memory.chunks;

-- Replays (an initial copy again, a retried transaction) write nothing twice.
CREATE TEMP TABLE replay AS SELECT * FROM odoo_mirror.account_move WHERE id IN (9001, 9002, 9003);
DELETE FROM odoo_mirror.account_move WHERE id IN (9001, 9002, 9003);
INSERT INTO odoo_mirror.account_move SELECT * FROM replay;
SELECT count(*) AS chunks, count(DISTINCT (source_table, source_id, event)) AS distinct_events FROM ipai_memory.chunks;

-- The same under session_replication_role = replica, as the apply worker runs: the trigger is ALWAYS.
SET session_replication_role = replica;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, amount_total)
VALUES (9006, 'INV/2026/09006', 'out_invoice', 'posted', 'not_paid', 10);
RESET session_replication_role;
SELECT string_agg(event, ',' ORDER BY id) AS replica_events FROM ipai_memory.chunks WHERE source_id = '9006';

-- odoo_mirror.memory_enabled = off skips memory (a bulk backfill); rebuild_memory() catches up.
SET odoo_mirror.memory_enabled = off;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, amount_total, currency_id)
VALUES (9007, 'INV/2026/09007', 'out_invoice', 'posted', 'partial', 77, 91);
SELECT count(*) AS chunks_while_off FROM ipai_memory.chunks WHERE source_id = '9007';
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory enabled';
RESET odoo_mirror.memory_enabled;
SELECT odoo_mirror.rebuild_memory() AS written;
SELECT odoo_mirror.rebuild_memory() AS written_again;
SELECT string_agg(event, ',' ORDER BY id) AS rebuilt_events FROM ipai_memory.chunks WHERE source_id = '9007';
-- p_replace rewrites odoo-sync's invoice chunks: same events, content from the current rows.
UPDATE odoo_mirror.res_partner SET complete_name = 'Kyoto Lanterns Holdings KK' WHERE id = 9101;
SELECT odoo_mirror.rebuild_memory(true) AS rewritten;
SELECT content FROM ipai_memory.chunks WHERE source_id = '9001' AND event = 'paid';
SELECT count(*) AS chunks FROM ipai_memory.chunks;

-- A failing write never raises: it is recorded and the row is kept.
ALTER TABLE ipai_memory.chunks ADD CONSTRAINT reject_poison CHECK (content NOT LIKE '%Poison%');
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, invoice_partner_display_name, amount_total)
VALUES (9008, 'INV/2026/09008', 'out_invoice', 'posted', 'not_paid', 'Poison Ivy Ltd', 1);
SELECT id FROM odoo_mirror.account_move WHERE id = 9008;
SELECT source_table, source_id, event, sqlstate, message FROM odoo_mirror.memory_errors;
SELECT count(*) AS chunks_for_failed_row FROM ipai_memory.chunks WHERE source_id = '9008';
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory errors';
ALTER TABLE ipai_memory.chunks DROP CONSTRAINT reject_poison;
-- Even a dropped store does not stop writes to the mirror.
ALTER TABLE ipai_memory.chunks RENAME TO chunks_away;
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (9009, 'INV/2026/09009', 'out_invoice', 'posted', 1);
SELECT count(*) AS mirrored FROM odoo_mirror.account_move WHERE id = 9009;
SELECT sqlstate, message FROM odoo_mirror.memory_errors WHERE source_id = 9009;
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory store';
ALTER TABLE ipai_memory.chunks_away RENAME TO chunks;
SELECT odoo_mirror.rebuild_memory() AS recovered;

-- An invoice that replicates before its currency and partner (tables copy in parallel) names them by
-- id; once they arrive, verify() says so and rebuild_memory() fills the names in.
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, partner_id, currency_id, amount_total)
VALUES (9010, 'INV/2026/09010', 'out_invoice', 'posted', 'not_paid', 9110, 93, 4200.5);
SELECT event, content FROM ipai_memory.chunks WHERE source_id = '9010' ORDER BY id;
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory names';
INSERT INTO odoo_mirror.res_currency (id, name, decimal_places) VALUES (93, 'CHF', 2);
INSERT INTO odoo_mirror.res_partner (id, name) VALUES (9110, 'Bernese Clocks AG');
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory names';
SELECT odoo_mirror.rebuild_memory() AS completed;
SELECT event, content, metadata->>'currency' AS currency, metadata->>'partner_name' AS partner
FROM ipai_memory.chunks WHERE source_id = '9010' ORDER BY id;
SELECT "check", status FROM odoo_mirror.verify() WHERE "check" = 'memory names';
DELETE FROM odoo_mirror.res_currency WHERE id = 93;
DELETE FROM odoo_mirror.res_partner WHERE id = 9110;

-- A cancel request (here a statement timeout, mostly spent in the trigger) still cancels, and leaves
-- the session and its transaction block in a clean state.
BEGIN;
SET LOCAL statement_timeout = '50ms';
\set ON_ERROR_STOP 0
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total)
SELECT 95000000 + g, 'INV/T/' || g, 'out_invoice', 'posted', 1 FROM generate_series(1, 200000) AS g;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
ROLLBACK;
SELECT count(*) AS cancelled_rows FROM odoo_mirror.account_move WHERE id > 95000000;
SELECT count(*) AS cancelled_chunks FROM ipai_memory.chunks WHERE source_id LIKE '95______';
INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (9012, 'INV/2026/09012', 'out_invoice', 'posted', 1);
SELECT string_agg(event, ',') AS after_cancel FROM ipai_memory.chunks WHERE source_id = '9012';

-- Ranked search: all words must match (English stemming), closer and denser matches first.
SELECT event, source_id, rank > 0 AS ranked FROM ipai_memory.search_chunks('kyoto lanterns paid');
SELECT source_id, event FROM ipai_memory.search_chunks('"vendor bill"', 5);
SELECT source_id, event FROM ipai_memory.search_chunks('invoices -kyoto', 3);
SELECT source_id, event FROM ipai_memory.search_chunks('cancelled credit notes');
SELECT count(*) AS no_match FROM ipai_memory.search_chunks('zeppelin');
-- Ranking: the chunk matching both words close together comes first.
INSERT INTO ipai_memory.sessions (agent_name) VALUES ('notes');
INSERT INTO ipai_memory.chunks (session_id, source_table, source_id, event, content)
SELECT s.id, 'notes', n.id, 'written', n.content FROM ipai_memory.sessions AS s,
    (VALUES ('n1', 'Overdue payment reminder sent to a customer about a late payment'),
            ('n2', 'Overdue payment'),
            ('n3', 'Payment terms reviewed; nothing is overdue at the moment, says the long note')) AS n (id, content)
WHERE s.agent_name = 'notes';
SELECT source_id FROM ipai_memory.search_chunks('overdue payment', 3);

-- Bad input: 22023 (HTTP 400 through PostgREST).
\set ON_ERROR_STOP 0
SELECT * FROM ipai_memory.search_chunks(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('   ');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('the and of');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('!!! ??? ;;;');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks(repeat('x', 1001));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('invoice', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('invoice', 1001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ipai_memory.search_chunks('invoice', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.rebuild_memory(NULL);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
-- Hostile text is only ever a search string.
SELECT count(*) AS hostile FROM ipai_memory.search_chunks($$'); DROP TABLE ipai_memory.chunks; --$$);
SELECT count(*) AS still_there FROM ipai_memory.chunks;

-- Who may search: n8n_service (the search runs as its caller, so it reads chunks: row-level security on
-- chunks applies, see 12_deliberate_errors); not Superset's role, not PUBLIC.
SET ROLE n8n_service;
SELECT count(*) > 0 AS n8n_finds FROM ipai_memory.search_chunks('invoice');
SELECT count(*) > 0 AS n8n_reads_chunks FROM ipai_memory.chunks;
RESET ROLE;
-- Those grants are ordinary ones: not recorded as the extension's initial privileges (pg_dump keeps them).
SELECT count(*) AS chunk_initial_privileges FROM pg_init_privs WHERE objoid = 'ipai_memory.chunks'::regclass;
SELECT count(*) AS chunk_initial_privilege_dependencies FROM pg_shdepend
WHERE classid = 'pg_class'::regclass AND objid = 'ipai_memory.chunks'::regclass AND deptype = 'i';
SET ROLE n8n_service;
\set ON_ERROR_STOP 0
SELECT odoo_mirror.rebuild_memory();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE superset_readonly;
SELECT count(*) FROM ipai_memory.search_chunks('invoice');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
RESET ROLE;

TRUNCATE ipai_memory.chunks, ipai_memory.sessions, odoo_mirror.memory_errors;
DELETE FROM odoo_mirror.account_move WHERE id BETWEEN 9001 AND 9012;
