-- verify() on a fresh install: every table is empty (warn), nothing fails.
\set SHOW_CONTEXT never
SELECT status, count(*) FROM odoo_mirror.verify() GROUP BY status ORDER BY status;
SELECT "check", detail FROM odoo_mirror.verify() WHERE status <> 'ok' ORDER BY 1;
