-- Installing the extension creates its schema, roles and objects; a second install is refused.
\set SHOW_CONTEXT never
CREATE EXTENSION odoo_mirror;
SELECT extversion FROM pg_extension WHERE extname = 'odoo_mirror';
\set ON_ERROR_STOP 0
CREATE EXTENSION odoo_mirror;
\echo :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('superset_readonly', 'n8n_service') ORDER BY 1;
-- Every function states its volatility and pins its search_path.
SELECT p.proname, p.provolatile, p.proparallel, p.prosecdef,
       (SELECT s FROM unnest(p.proconfig) AS s WHERE s LIKE 'search_path=%') AS search_path
FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = 'odoo_mirror' ORDER BY 1;
-- Superset reflection: no view column is json, jsonb or a non-catalog type; money is numeric(16,2).
SELECT c.relname AS view, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'odoo_mirror' AND c.relkind = 'v' AND a.attnum > 0
  AND (a.atttypid IN ('json'::regtype, 'jsonb'::regtype) OR a.atttypid >= 16384)
ORDER BY 1, 2;
SELECT count(*) AS money_columns FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
  AND format_type(a.atttypid, a.atttypmod) = 'numeric(16,2)';
-- Every view column has a concrete type: no bare numeric (a CASE without ELSE loses the typmod).
SELECT c.relname AS view, a.attname AS column FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid
WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
  AND a.atttypid = 'numeric'::regtype AND a.atttypmod < 0
ORDER BY 1, 2;
-- Every mirror table has a primary key and no foreign key.
SELECT c.relname FROM pg_class AS c
WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'r'
  AND NOT EXISTS (SELECT FROM pg_constraint AS k WHERE k.conrelid = c.oid AND k.contype = 'p')
ORDER BY 1;
SELECT count(*) AS foreign_keys FROM pg_constraint WHERE connamespace = 'odoo_mirror'::regnamespace AND contype = 'f';
-- Tables are registered for pg_dump.
SELECT count(*) AS dumped_tables FROM pg_extension, unnest(extconfig) WHERE extname = 'odoo_mirror';
