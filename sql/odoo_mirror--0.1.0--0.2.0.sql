-- odoo_mirror 0.1.0 -> 0.2.0: native logical replication into the mirror, and AI memory.
--
-- Adds: odoo_mirror.memory_errors, the ipai_memory store (created where missing and never part of the
-- extension), the invoice_to_memory trigger, ipai_memory.search_chunks(), rebuild_memory(),
-- publication_sql(), create_landing_tables(), drop_landing_tables(), replication_status(), and the
-- grants and comments for them. verify() keeps its signature; its new checks live in the library.
-- No mirror table, view or existing function changes, so no data moves.
-- Frozen with the 0.2.0 release: later changes get their own upgrade script.

\echo Use "ALTER EXTENSION odoo_mirror UPDATE TO '0.2.0'" to load this file. \quit

-- Functions written in Rust (as pgrx generates them for 0.2.0).
CREATE FUNCTION odoo_mirror.create_landing_tables(
	"p_schema" TEXT DEFAULT 'public' /* Option < & str > */
) RETURNS TABLE (
	"mirror_table" TEXT,  /* String */
	"landing_table" TEXT,  /* String */
	"action" TEXT  /* String */
)
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'create_landing_tables_wrapper';

CREATE FUNCTION odoo_mirror.drop_landing_tables() RETURNS TABLE (
	"mirror_table" TEXT,  /* String */
	"landing_table" TEXT,  /* String */
	"action" TEXT  /* String */
)
STRICT VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'drop_landing_tables_wrapper';

CREATE FUNCTION odoo_mirror.publication_sql(
	"p_publication" TEXT DEFAULT 'odoo_pub_scout', /* Option < & str > */
	"p_odoo_schema" TEXT DEFAULT 'public' /* Option < & str > */
) RETURNS TEXT /* Result < String, ErrorReport > */
STABLE PARALLEL SAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'publication_sql_wrapper';

CREATE FUNCTION odoo_mirror.rebuild_memory(
	"p_replace" bool DEFAULT false /* Option < bool > */
) RETURNS bigint /* Result < i64, ErrorReport > */
VOLATILE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rebuild_memory_wrapper';

-- ======== AI memory (src/sql/memory.sql in 0.2.0) ========

-- odoo_mirror: AI memory. Every mirrored customer or vendor invoice and refund becomes chunks in
-- ipai_memory.chunks, one per meaningful event (created, posted, paid, cancelled), for agents to search.
--
-- ipai_memory is shared with other agents, so it is never part of the extension: DROP EXTENSION
-- odoo_mirror must not delete memory, and pg_dump must dump it like any other schema. The schema and its
-- two tables are created here when missing and then detached from the extension. One exception: when
-- the schema already exists and is empty, nothing is created, because that is what a restore looks like
-- (pg_dump creates the schema, then the extension, then the tables with their rows; creating the tables
-- here would make the dump's CREATE TABLE fail). odoo_mirror.rebuild_memory() and verify() cover the
-- rare case of a hand-made empty schema.

-- Failures of the memory trigger: the trigger never raises (a raising trigger stalls a subscription),
-- it records here instead. Kept by pg_dump: it is the DBA's record of what memory is missing.
CREATE TABLE odoo_mirror.memory_errors (
    id bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
    source_table text NOT NULL,
    source_id bigint,
    event text,
    sqlstate text NOT NULL,
    message text NOT NULL,
    detail text,
    CONSTRAINT memory_errors_pkey PRIMARY KEY (id)
);
CREATE INDEX memory_errors_occurred_at_idx ON odoo_mirror.memory_errors (occurred_at);
COMMENT ON TABLE odoo_mirror.memory_errors IS
    'Failures of the invoice-to-memory trigger (it never raises). Fix the cause, then run odoo_mirror.rebuild_memory()';
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.memory_errors', '');
-- Its identity sequence too: restored at 1, new errors would collide with restored ids.
SELECT pg_catalog.pg_extension_config_dump('odoo_mirror.memory_errors_id_seq', '');

-- Creates ipai_memory's schema, tables and indexes where missing, and detaches anything created while
-- CREATE/ALTER EXTENSION runs from the extension. p_into_empty_schema: also create the tables in an
-- existing schema that has no tables (false during CREATE EXTENSION, see above). Existing tables are
-- checked, never altered: a table another agent made without a column the trigger writes is an error.
CREATE FUNCTION odoo_mirror.ensure_memory_store(p_into_empty_schema boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $function$
DECLARE
    schema_existed boolean := EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'ipai_memory');
    extension_oid oid := (SELECT e.oid FROM pg_catalog.pg_extension AS e WHERE e.extname = 'odoo_mirror');
    missing text[];
    member record;
    created_tables text[] := ARRAY[]::text[];
    created_table text;
    api_role text;
BEGIN
    IF schema_existed AND NOT p_into_empty_schema AND NOT EXISTS (
        SELECT FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE n.nspname = 'ipai_memory') THEN
        RETURN;
    END IF;
    IF NOT schema_existed THEN
        CREATE SCHEMA ipai_memory;
    END IF;

    IF pg_catalog.to_regclass('ipai_memory.sessions') IS NULL THEN
        CREATE TABLE ipai_memory.sessions (
            id bigint GENERATED ALWAYS AS IDENTITY,
            agent_name text NOT NULL,
            created_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
            metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
            CONSTRAINT sessions_pkey PRIMARY KEY (id)
        );
        CREATE INDEX sessions_agent_name_idx ON ipai_memory.sessions (agent_name);
        COMMENT ON TABLE ipai_memory.sessions IS 'AI agent sessions; odoo_mirror writes as the agent odoo-sync';
        created_tables := created_tables || 'ipai_memory.sessions'::text;
    END IF;

    IF pg_catalog.to_regclass('ipai_memory.chunks') IS NULL THEN
        CREATE TABLE ipai_memory.chunks (
            id bigint GENERATED ALWAYS AS IDENTITY,
            session_id bigint REFERENCES ipai_memory.sessions (id),
            -- What the chunk is about: a table and a row's key in it (text: other agents' sources need
            -- not have integer keys), and the event it records.
            source_table text NOT NULL,
            source_id text NOT NULL,
            event text NOT NULL,
            content text NOT NULL,
            metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
            search_vector tsvector GENERATED ALWAYS AS (pg_catalog.to_tsvector('pg_catalog.english'::regconfig, content)) STORED,
            CONSTRAINT chunks_pkey PRIMARY KEY (id),
            -- One chunk per event and source row: what makes replays (initial copy, re-sync) idempotent.
            CONSTRAINT chunks_source_event_key UNIQUE (source_table, source_id, event)
        );
        CREATE INDEX chunks_search_vector_idx ON ipai_memory.chunks USING gin (search_vector);
        CREATE INDEX chunks_session_idx ON ipai_memory.chunks (session_id);
        -- Invoice chunks written before their currency or partner had replicated: few, and found fast
        -- by rebuild_memory(), which fills the names in, and by verify().
        CREATE INDEX chunks_unresolved_names_idx ON ipai_memory.chunks (id)
            WHERE source_table = 'account_move'
              AND ((metadata ->> 'currency') IS NULL AND (metadata ->> 'currency_id') IS NOT NULL
                   OR (metadata ->> 'partner_name') IS NULL AND (metadata ->> 'partner_id') IS NOT NULL);
        COMMENT ON TABLE ipai_memory.chunks IS
            'AI memory: one searchable text chunk per event of a source row; unique on (source_table, source_id, event)';
        created_tables := created_tables || 'ipai_memory.chunks'::text;
    END IF;

    SELECT pg_catalog.array_agg(required.column_name ORDER BY required.column_name) INTO missing
    FROM (VALUES ('sessions', 'id'), ('sessions', 'agent_name'), ('sessions', 'metadata'),
                 ('chunks', 'session_id'), ('chunks', 'source_table'), ('chunks', 'source_id'),
                 ('chunks', 'event'), ('chunks', 'content'), ('chunks', 'metadata'),
                 ('chunks', 'created_at'), ('chunks', 'search_vector')) AS required (table_name, column_name)
    WHERE NOT EXISTS (
        SELECT FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = pg_catalog.to_regclass('ipai_memory.' || required.table_name)
          AND a.attname = required.column_name AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'ipai_memory.sessions or ipai_memory.chunks exists without the columns odoo_mirror writes: %', missing
            USING ERRCODE = '42703',
                  HINT = 'add the columns, or rename the existing tables so that odoo_mirror can create its own';
    END IF;
    IF NOT EXISTS (
        SELECT FROM pg_catalog.pg_index AS i
        WHERE i.indrelid = 'ipai_memory.chunks'::regclass AND i.indisunique AND i.indnatts = 3
          AND i.indpred IS NULL AND i.indimmediate
          AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attname)
               FROM pg_catalog.pg_attribute AS a
               WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
              = ARRAY['event', 'source_id', 'source_table']) THEN
        RAISE EXCEPTION 'ipai_memory.chunks has no unique constraint on (source_table, source_id, event)'
            USING ERRCODE = '42P10',
                  HINT = 'ALTER TABLE ipai_memory.chunks ADD UNIQUE (source_table, source_id, event)';
    END IF;

    -- Memory belongs to no extension: detach what this call created inside CREATE/ALTER EXTENSION (the
    -- schema, the tables and their identity sequences).
    FOR member IN
        SELECT d.classid = 'pg_catalog.pg_namespace'::regclass AS is_schema, c.relkind::text AS relkind,
               CASE WHEN c.oid IS NOT NULL THEN pg_catalog.format('%I.%I', n.nspname, c.relname) END AS relation
        FROM pg_catalog.pg_depend AS d
        LEFT JOIN pg_catalog.pg_class AS c ON d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid
        LEFT JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
        WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = extension_oid AND d.deptype = 'e'
          AND ((d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = 'ipai_memory'::regnamespace)
               OR n.nspname = 'ipai_memory')
        ORDER BY is_schema, relkind DESC
    LOOP
        IF member.is_schema THEN
            ALTER EXTENSION odoo_mirror DROP SCHEMA ipai_memory;
        ELSIF member.relkind = 'S' THEN
            EXECUTE pg_catalog.format('ALTER EXTENSION odoo_mirror DROP SEQUENCE %s', member.relation);
        ELSE
            EXECUTE pg_catalog.format('ALTER EXTENSION odoo_mirror DROP TABLE %s', member.relation);
        END IF;
    END LOOP;

    -- Supabase's default privileges would open new tables to its API roles: memory is for agents
    -- that go through search_chunks (grants.sql). Only the tables created here are touched.
    FOREACH created_table IN ARRAY created_tables LOOP
        FOR api_role IN
            SELECT r.rolname FROM pg_catalog.pg_roles AS r WHERE r.rolname IN ('anon', 'authenticated', 'service_role')
        LOOP
            EXECUTE pg_catalog.format('REVOKE ALL ON TABLE %s FROM %I', created_table, api_role);
        END LOOP;
    END LOOP;
END
$function$;
COMMENT ON FUNCTION odoo_mirror.ensure_memory_store(boolean) IS
    'Creates ipai_memory (sessions, chunks) where missing and checks existing tables have what odoo_mirror writes';

SELECT odoo_mirror.ensure_memory_store(false);

-- The trigger (Rust, src/memory_trigger.rs). SECURITY DEFINER: whoever writes account_move (a
-- subscription's owner, a CDC tool) needs no privilege on ipai_memory, so a missing grant cannot stall
-- replication. It catches every error itself and records it in odoo_mirror.memory_errors.
CREATE FUNCTION odoo_mirror.on_invoice_insert()
RETURNS trigger
LANGUAGE c
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'on_invoice_insert_wrapper';
COMMENT ON FUNCTION odoo_mirror.on_invoice_insert() IS
    'Trigger: writes ipai_memory.chunks for customer and vendor invoices and refunds (created, posted, paid, cancelled); never raises';

-- The WHEN clause keeps journal entries, payments and receipts from even calling the function.
CREATE TRIGGER invoice_to_memory
    AFTER INSERT OR UPDATE ON odoo_mirror.account_move
    FOR EACH ROW
    WHEN (NEW.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund'))
    EXECUTE FUNCTION odoo_mirror.on_invoice_insert();
-- ALWAYS: fire under logical replication's apply worker and with session_replication_role = replica.
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER invoice_to_memory;

-- Ranked full-text search over memory, for agents (n8n through PostgREST). Rust, src/memory.rs.
-- Declared here rather than by pgrx, which would make ipai_memory part of the extension.
CREATE FUNCTION ipai_memory.search_chunks(p_query text, p_limit integer DEFAULT 10)
RETURNS TABLE (
    chunk_id bigint,
    session_id bigint,
    source_table text,
    source_id text,
    event text,
    content text,
    metadata jsonb,
    created_at timestamp with time zone,
    rank real
)
LANGUAGE c
STABLE PARALLEL SAFE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
ROWS 10
AS 'MODULE_PATHNAME', 'search_chunks_wrapper';

-- ======== Replication status (src/sql/replication.sql in 0.2.0) ========

-- odoo_mirror: replication health, one row per subscription in this database.
--
-- Read on the mirror side only. Positions are the publisher's WAL positions as this subscriber knows
-- them: received_lsn is the newest position the apply worker has heard of (keepalives included),
-- applied_lsn the end of the last transaction it committed (its replication origin).
-- lag_seconds and lag_bytes are 0 while the apply worker waits for data (it has applied everything the
-- publisher sent); while it works through a backlog they are the age of the newest message it received
-- and the WAL between that and the last applied commit. The publisher's pg_stat_replication has the
-- exact per-slot figures; this is what the mirror can know by itself, and "lag under 60 s" is
--   SELECT bool_and(lag_seconds < 60) FROM odoo_mirror.replication_status();
--
-- SECURITY DEFINER: applied positions come from pg_replication_origin_status, which PostgreSQL opens to
-- superusers only; without that privilege (a non-superuser owner) applied_lsn and lag_bytes are NULL.
-- Limits, from the subscriber's side: while the apply worker works through a backlog (a catch-up after
-- an outage), the walsender stamps old WAL with its current time, so lag_seconds understates the lag and
-- lag_bytes is the signal to watch; state 'failing' reads the cumulative error counters of
-- pg_stat_subscription_stats (reset them with pg_stat_reset_subscription_stats).
CREATE FUNCTION odoo_mirror.replication_status()
RETURNS TABLE (
    subscription text,
    enabled boolean,
    state text,
    worker_pid integer,
    tables_total integer,
    tables_ready integer,
    received_lsn pg_lsn,
    applied_lsn pg_lsn,
    lag_bytes numeric,
    lag_seconds double precision,
    last_message_at timestamp with time zone,
    apply_error_count bigint,
    sync_error_count bigint
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $function$
#variable_conflict use_column
DECLARE
    can_read_origins boolean := pg_catalog.has_table_privilege('pg_catalog.pg_replication_origin_status', 'SELECT');
BEGIN
    -- PostgreSQL checks privileges on every relation a query names, so the origins come from a query
    -- that names pg_replication_origin_status only when the owner may read it.
    RETURN QUERY EXECUTE pg_catalog.format($query$
    WITH subscriptions AS (
        SELECT s.oid, s.subname::text AS subname, s.subenabled
        FROM pg_catalog.pg_subscription AS s
        WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())
    ),
    -- The apply worker: relid is NULL (table sync workers have one); PostgreSQL 16+ parallel apply
    -- workers have no received_lsn, so the row with one comes first.
    apply_workers AS (
        SELECT DISTINCT ON (w.subid) w.subid, w.pid, w.received_lsn, w.last_msg_send_time, w.last_msg_receipt_time
        FROM pg_catalog.pg_stat_subscription AS w
        WHERE w.relid IS NULL AND w.pid IS NOT NULL
        ORDER BY w.subid, w.received_lsn DESC NULLS LAST
    ),
    relations AS (
        SELECT r.srsubid, pg_catalog.count(*)::integer AS total,
               (pg_catalog.count(*) FILTER (WHERE r.srsubstate = 'r'))::integer AS ready
        FROM pg_catalog.pg_subscription_rel AS r
        GROUP BY r.srsubid
    ),
    origins AS (%s),
    facts AS (
        SELECT s.subname, s.subenabled, w.pid, COALESCE(r.total, 0) AS total, COALESCE(r.ready, 0) AS ready,
               w.received_lsn, NULLIF(o.remote_lsn, '0/0'::pg_lsn) AS applied_lsn,
               w.last_msg_send_time, w.last_msg_receipt_time,
               COALESCE(st.apply_error_count, 0) AS apply_errors, COALESCE(st.sync_error_count, 0) AS sync_errors,
               -- Waiting for the publisher: everything received has been applied.
               COALESCE(a.wait_event = 'LogicalApplyMain', false) AS idle
        FROM subscriptions AS s
        LEFT JOIN apply_workers AS w ON w.subid = s.oid
        LEFT JOIN relations AS r ON r.srsubid = s.oid
        LEFT JOIN origins AS o ON o.external_id = 'pg_' || s.oid::text
        LEFT JOIN pg_catalog.pg_stat_subscription_stats AS st ON st.subid = s.oid
        LEFT JOIN pg_catalog.pg_stat_activity AS a ON a.pid = w.pid
    )
    SELECT f.subname,
           f.subenabled,
           CASE
               WHEN NOT f.subenabled THEN 'disabled'
               WHEN f.pid IS NULL AND f.apply_errors + f.sync_errors > 0 THEN 'failing'
               WHEN f.pid IS NULL THEN 'starting'
               WHEN f.ready < f.total THEN 'initial copy'
               ELSE 'streaming'
           END,
           f.pid,
           f.total,
           f.ready,
           f.received_lsn,
           f.applied_lsn,
           CASE
               WHEN f.pid IS NULL THEN NULL
               WHEN f.idle THEN 0::numeric
               ELSE GREATEST(f.received_lsn OPERATOR(pg_catalog.-) f.applied_lsn, 0::numeric)
           END,
           CASE
               WHEN f.pid IS NULL THEN NULL
               WHEN f.idle THEN 0::double precision
               ELSE GREATEST(EXTRACT(epoch FROM pg_catalog.now() OPERATOR(pg_catalog.-) f.last_msg_send_time)::double precision, 0)
           END,
           f.last_msg_receipt_time,
           f.apply_errors,
           f.sync_errors
    FROM facts AS f
    ORDER BY f.subname
    $query$,
        CASE WHEN can_read_origins
             THEN 'SELECT o.external_id, o.remote_lsn FROM pg_catalog.pg_replication_origin_status AS o'
             ELSE 'SELECT NULL::text AS external_id, NULL::pg_catalog.pg_lsn AS remote_lsn WHERE false'
        END);
END
$function$;
COMMENT ON FUNCTION odoo_mirror.replication_status() IS
    'Per subscription: state, worker, tables ready, received and applied positions, lag (bytes, seconds) and error counts';

-- ======== Roles and privileges, re-applied in full: every statement is idempotent (src/sql/grants.sql in 0.2.0) ========

-- odoo_mirror: roles and privileges. Runs last, after every function exists.
--
-- New functions are executable by PUBLIC by default, so everything is revoked first and then granted
-- exactly: Superset's role reads, n8n's role executes the RPCs and nothing else, Supabase's public
-- roles get nothing.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'superset_readonly') THEN
        CREATE ROLE superset_readonly NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'n8n_service') THEN
        CREATE ROLE n8n_service NOLOGIN;
    END IF;
END
$roles$;

REVOKE ALL ON SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM PUBLIC;

-- Superset: read every table and view. Functions called inside a view are checked against the
-- reader, so the reader also needs the view helper.
GRANT USAGE ON SCHEMA odoo_mirror TO superset_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA odoo_mirror TO superset_readonly;
GRANT EXECUTE ON FUNCTION odoo_mirror.translated_text(jsonb, text) TO superset_readonly;

-- n8n: the RPCs only (they are SECURITY DEFINER, so no table privilege is needed).
GRANT USAGE ON SCHEMA odoo_mirror TO n8n_service;
GRANT EXECUTE ON FUNCTION
    odoo_mirror.get_pending_expenses(integer),
    odoo_mirror.get_overdue_tasks(integer),
    odoo_mirror.get_revenue_trends(integer, integer),
    odoo_mirror.replication_status()
TO n8n_service;

-- AI memory: agents search it through n8n. ipai_memory is not the extension's (other agents share it),
-- but the search function is, and it is SECURITY DEFINER: no table privilege needed.
REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA ipai_memory TO n8n_service;
GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO n8n_service;

-- Supabase: service_role gets what n8n_service gets; anon and authenticated get nothing, even where
-- default privileges would have given them something.
DO $supabase$
DECLARE
    public_role text;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        -- Exactly what n8n_service gets: first take back what default privileges gave it.
        REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM service_role;
        REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM service_role;
        GRANT USAGE ON SCHEMA odoo_mirror TO service_role;
        GRANT EXECUTE ON FUNCTION
            odoo_mirror.get_pending_expenses(integer),
            odoo_mirror.get_overdue_tasks(integer),
            odoo_mirror.get_revenue_trends(integer, integer),
            odoo_mirror.replication_status()
        TO service_role;
        REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM service_role;
        GRANT USAGE ON SCHEMA ipai_memory TO service_role;
        GRANT EXECUTE ON FUNCTION ipai_memory.search_chunks(text, integer) TO service_role;
    END IF;
    FOREACH public_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = public_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA odoo_mirror FROM %I', public_role);
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION ipai_memory.search_chunks(text, integer) FROM %I', public_role);
        END IF;
    END LOOP;
END
$supabase$;

-- Descriptions (PostgREST shows them in its OpenAPI output). The RPCs are SECURITY DEFINER so that the
-- automation roles need EXECUTE and no table privilege; they take only integers, run fixed queries and
-- pin search_path to pg_catalog, pg_temp.
COMMENT ON FUNCTION odoo_mirror.get_pending_expenses(integer) IS
    'Expense reports awaiting approval, posting or payment, oldest first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_overdue_tasks(integer) IS
    'Open, active tasks past their deadline, most overdue first. p_limit: 1..1000 (default 20). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.get_revenue_trends(integer, integer) IS
    'Untaxed revenue per month and company currency, with growth against the previous month. p_months: 1..120 (default 12); p_company_id: optional. SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.translated_text(jsonb, text) IS
    'Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation';
COMMENT ON FUNCTION odoo_mirror.publication_sql(text, text) IS
    'The statement to run on the Odoo database: publishes the mirror''s columns of each mirrored table (a DO block running CREATE or ALTER PUBLICATION)';
COMMENT ON FUNCTION odoo_mirror.create_landing_tables(text) IS
    'Creates (or re-attaches) the landing tables that route a subscription''s rows into odoo_mirror.*; idempotent';
COMMENT ON FUNCTION odoo_mirror.drop_landing_tables() IS
    'Detaches odoo_mirror.* from the landing tables and drops them; mirrored rows stay';
COMMENT ON FUNCTION odoo_mirror.rebuild_memory(boolean) IS
    'Writes the invoice chunks missing from ipai_memory.chunks (p_replace: rewrites them all); returns how many were written';
COMMENT ON FUNCTION ipai_memory.search_chunks(text, integer) IS
    'Ranked full-text search over AI memory. p_query: web-search syntax (words, "phrases", or, -word), English stemming; p_limit: 1..1000 (default 10). SECURITY DEFINER: callers need EXECUTE only.';
COMMENT ON FUNCTION odoo_mirror.verify() IS
    'Installation and replication health report: one row per check, status ok, warn or fail.';

-- The RPCs keep their statements prepared per backend. Their generic plans are the index scans they
-- are written for, while the planner would otherwise keep re-planning them (a LIMIT $1 makes the
-- generic plan look costlier than it is), which costs more than running them.
ALTER FUNCTION odoo_mirror.get_pending_expenses(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_overdue_tasks(integer) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET plan_cache_mode = force_generic_plan;
-- Revenue trends read a few thousand rows once the rollup is refreshed: starting parallel workers
-- would cost more than the query (and the planner cannot know the rollup is fresh).
ALTER FUNCTION odoo_mirror.get_revenue_trends(integer, integer) SET max_parallel_workers_per_gather = 0;

-- PostgREST caches the schema: tell it to reload.
NOTIFY pgrst, 'reload schema';

