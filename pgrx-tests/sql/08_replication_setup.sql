-- Replication set-up on one cluster: publication_sql(), the landing tables, replication_status(),
-- and hostile inputs to each. (tests/replication.rs runs a real subscription between two clusters.)
\set SHOW_CONTEXT never
-- error: the regress cluster has wal_level = replica, and CREATE PUBLICATION warns about it.
SET client_min_messages = error;

-- The publication statement: a DO block that publishes the mirror's columns present on the Odoo side.
SELECT odoo_mirror.publication_sql() LIKE '%DO $odoo_mirror_publication$%' AS is_do_block,
       odoo_mirror.publication_sql() LIKE '%publication_name constant text := ''odoo_pub_scout'';%' AS default_name,
       odoo_mirror.publication_sql('odoo pub', 'odoo') LIKE '%publication_name constant text := ''odoo pub'';%odoo_schema constant text := ''odoo'';%' AS custom_names;
-- Run here against Odoo-shaped tables (this database plays Odoo for a moment): a table the mirror does
-- not have, a column the mirror does not have, a missing mirror column, and an absent table.
CREATE SCHEMA odoo_side;
CREATE TABLE odoo_side.res_currency (id serial PRIMARY KEY, name varchar, x_custom text, active boolean);
CREATE TABLE odoo_side.res_company (id serial PRIMARY KEY, name varchar, currency_id integer, l10n_extra text);
DO $$ BEGIN EXECUTE odoo_mirror.publication_sql('odoo_pub_test', 'odoo_side'); END $$;
SELECT pubname, pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = 'odoo_pub_test';
SELECT schemaname, tablename, attnames FROM pg_publication_tables WHERE pubname = 'odoo_pub_test' ORDER BY tablename;
-- Run again after a mirror upgrade: the table list is set, not duplicated.
ALTER TABLE odoo_side.res_company ADD COLUMN email varchar;
DO $$ BEGIN EXECUTE odoo_mirror.publication_sql('odoo_pub_test', 'odoo_side'); END $$;
SELECT tablename, attnames FROM pg_publication_tables WHERE pubname = 'odoo_pub_test' ORDER BY tablename;
DROP PUBLICATION odoo_pub_test;
-- A name that tries to break out of the generated block stays a name.
DO $$ BEGIN EXECUTE odoo_mirror.publication_sql('p$odoo_mirror_publication$;DROP TABLE odoo_side.res_company;--', 'odoo_side'); END $$;
SELECT pubname FROM pg_publication ORDER BY 1;
SELECT count(*) AS company_table_kept FROM odoo_side.res_company;
DO $$ DECLARE p text; BEGIN FOR p IN SELECT pubname FROM pg_publication LOOP EXECUTE format('DROP PUBLICATION %I', p); END LOOP; END $$;
-- No mirrored table in the schema at all: a clear error.
\set ON_ERROR_STOP 0
DO $$ BEGIN EXECUTE odoo_mirror.publication_sql('odoo_pub_test', 'no_such_schema'); END $$;
\echo :LAST_ERROR_SQLSTATE
-- Bad names: 22023.
SELECT odoo_mirror.publication_sql(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.publication_sql('');
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.publication_sql(repeat('p', 64));
\echo :LAST_ERROR_SQLSTATE
SELECT odoo_mirror.publication_sql('odoo_pub_scout', '  ');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- Landing tables next to real tables of the same name (Odoo's own): refused, nothing changed.
\set ON_ERROR_STOP 0
SELECT * FROM odoo_mirror.create_landing_tables('odoo_side');
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT count(*) AS tables_in_odoo_side FROM pg_tables WHERE schemaname = 'odoo_side';
SELECT count(*) AS attached FROM pg_inherits WHERE inhrelid = 'odoo_mirror.res_partner'::regclass;

-- In their own schema: created, then idempotent.
CREATE SCHEMA landing;
SELECT action, count(*) FROM odoo_mirror.create_landing_tables('landing') GROUP BY action ORDER BY action;
SELECT action, count(*) FROM odoo_mirror.create_landing_tables('landing') GROUP BY action ORDER BY action;
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" IN ('landing tables', 'grants landing tables');
-- A row written to a landing table is stored in the mirror table, and only there.
INSERT INTO landing.res_currency (id, name) VALUES (8801, 'XAU');
SELECT (SELECT count(*) FROM ONLY landing.res_currency) AS in_landing,
       (SELECT count(*) FROM odoo_mirror.res_currency WHERE id = 8801) AS in_mirror;
-- Closed: row level security on, no privileges for the API and analytics roles.
SELECT relrowsecurity, relacl IS NOT NULL AND NOT relacl::text LIKE '%=r%' AS no_read_grants
FROM pg_class WHERE oid = 'landing.res_currency'::regclass;
SET ROLE superset_readonly;
\set ON_ERROR_STOP 0
SELECT count(*) FROM landing.res_currency;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables('landing');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE n8n_service;
SELECT * FROM odoo_mirror.drop_landing_tables();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- The mirror tables land rows from one schema only.
SELECT * FROM odoo_mirror.create_landing_tables('public');
\echo :LAST_ERROR_SQLSTATE
-- Bad schemas: 22023 for reserved or malformed names, 3F000 for a missing schema.
SELECT * FROM odoo_mirror.create_landing_tables('odoo_mirror');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables('ipai_memory');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables('pg_catalog');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables(repeat('s', 64));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables('no_such_schema');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM odoo_mirror.create_landing_tables($$landing"; DROP TABLE odoo_mirror.res_partner; --$$);
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

-- Undo: mirror rows stay, landing tables go; a second call has nothing to do.
SELECT action, count(*) FROM odoo_mirror.drop_landing_tables() GROUP BY action;
SELECT count(*) AS mirrored_row_kept FROM odoo_mirror.res_currency WHERE id = 8801;
SELECT count(*) AS landing_tables_left FROM pg_tables WHERE schemaname = 'landing';
SELECT count(*) AS nothing_to_drop FROM odoo_mirror.drop_landing_tables();

-- replication_status(): one row per subscription; none here.
SELECT count(*) AS subscriptions FROM odoo_mirror.replication_status();
SELECT "check", status, detail FROM odoo_mirror.verify() WHERE "check" = 'subscription';

DELETE FROM odoo_mirror.res_currency WHERE id = 8801;
DROP SCHEMA landing;
DROP SCHEMA odoo_side CASCADE;
