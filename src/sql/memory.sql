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
    search_role text;
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

    -- ipai_memory.search_chunks runs as its caller, so row-level security on chunks (another agent's
    -- policies) applies to every search: the search roles read chunks, nothing else of ipai_memory.
    -- After the revokes above, which would take service_role's grant back.
    FOR search_role IN
        SELECT r.rolname::text FROM pg_catalog.pg_roles AS r WHERE r.rolname IN ('n8n_service', 'service_role')
    LOOP
        EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ipai_memory TO %I', search_role);
        EXECUTE pg_catalog.format('GRANT SELECT ON ipai_memory.chunks TO %I', search_role);
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

-- Ranked full-text search over memory, for agents (n8n through PostgREST). Rust, src/memory/functions.rs.
-- SECURITY INVOKER: it reads ipai_memory.chunks as its caller, so row-level security on chunks applies.
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
SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
ROWS 10
AS 'MODULE_PATHNAME', 'search_chunks_wrapper';
