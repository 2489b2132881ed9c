-- odoo_mirror 0.4.1 -> 0.5.0: no row the mirror can hold breaks a reader; every error is deliberate.
-- - Views: money that does not fit numeric(16,2), NaN or ±Infinity shows as NULL; sums leave NaN and
--   ±Infinity out (two new helpers, finite_expense_total and finite_revenue_total, resum the rare groups
--   holding them); day counts from dates at ±infinity are NULL. v_suspicious_expenses.amount becomes
--   numeric(16,2) (it was plain numeric), so that view is dropped and created again with its comments
--   and grants; the others are replaced in place (same columns, same types).
-- - explain_churn/explain_fraud answer 22023 for a NULL id (no longer STRICT).
-- - ipai_memory.search_chunks runs as its caller (row-level security on chunks applies); the search
--   roles read ipai_memory.chunks.
-- - replication_status() on a standby; refresh_revenue_rollup() and the rollup leave NaN/±Infinity out;
--   ensure_memory_store() grants the search roles SELECT on chunks.
-- The native functions (translated_text, the trainers, the triggers' checked entry points, the writers'
-- 25006 guard) change in the shared library only: their SQL declarations are unchanged.
\echo Use "ALTER EXTENSION odoo_mirror UPDATE TO '0.5.0'" to load this file. \quit

-- The explain RPCs: NULL ids reach the function, which answers 22023.
ALTER FUNCTION odoo_mirror.explain_churn(integer) CALLED ON NULL INPUT;
ALTER FUNCTION odoo_mirror.explain_fraud(integer) CALLED ON NULL INPUT;

-- Memory search as its caller.
ALTER FUNCTION ipai_memory.search_chunks(text, integer) SECURITY INVOKER;
COMMENT ON FUNCTION ipai_memory.search_chunks(text, integer) IS
    'Ranked full-text search over AI memory. p_query: web-search syntax (words, "phrases", or, -word), English stemming; p_limit: 1..1000 (default 10). Runs as its caller: row-level security on ipai_memory.chunks applies (n8n_service and service_role read chunks).';
DO $chunks$
BEGIN
    IF pg_catalog.to_regclass('ipai_memory.chunks') IS NOT NULL THEN
        GRANT SELECT ON ipai_memory.chunks TO n8n_service;
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
            GRANT SELECT ON ipai_memory.chunks TO service_role;
        END IF;
        -- A GRANT inside CREATE or ALTER EXTENSION is recorded as an initial privilege, which pg_dump
        -- leaves out; chunks belongs to no extension (other agents share it), so its grants must be
        -- dumped like any other table's. PostgreSQL 17+ also records initial privileges in pg_shdepend.
        IF NOT EXISTS (
            SELECT FROM pg_catalog.pg_depend AS d
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND d.deptype = 'e') THEN
            DELETE FROM pg_catalog.pg_init_privs AS p
            WHERE p.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND p.objoid = 'ipai_memory.chunks'::pg_catalog.regclass;
            IF pg_catalog.current_setting('server_version_num')::integer >= 170000 THEN
                EXECUTE $shdepend$
                    DELETE FROM pg_catalog.pg_shdepend AS s
                    WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d
                                    WHERE d.datname = pg_catalog.current_database())
                      AND s.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                      AND s.objid = 'ipai_memory.chunks'::pg_catalog.regclass AND s.deptype = 'i'
                $shdepend$;
            END IF;
        END IF;
    END IF;
END
$chunks$;

CREATE OR REPLACE FUNCTION odoo_mirror.ensure_memory_store(p_into_empty_schema boolean DEFAULT true)
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

CREATE OR REPLACE FUNCTION odoo_mirror.replication_status()
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
    origins_query text := CASE WHEN can_read_origins
        THEN 'SELECT o.external_id, o.remote_lsn FROM pg_catalog.pg_replication_origin_status AS o'
        ELSE 'SELECT NULL::text AS external_id, NULL::pg_catalog.pg_lsn AS remote_lsn WHERE false'
    END;
BEGIN
    -- A physical standby (hot standby, read replica) runs no apply worker: its subscriptions are the
    -- primary's catalog rows and its data the primary's, as far as it has replayed. State 'standby'; the
    -- lag is the standby's own replay lag (0 once it has replayed all the WAL it received), which added to
    -- the primary's lag is how old the data read here can be. Replication origins are replayed too, so
    -- applied_lsn is what the primary had applied as of the replayed WAL.
    IF pg_catalog.pg_is_in_recovery() THEN
        RETURN QUERY EXECUTE pg_catalog.format($query$
        WITH replay AS (
            SELECT pg_catalog.pg_last_wal_receive_lsn() AS received_lsn,
                   pg_catalog.pg_last_wal_replay_lsn() AS replayed_lsn,
                   pg_catalog.pg_last_xact_replay_timestamp() AS replayed_at
        ),
        relations AS (
            SELECT r.srsubid, pg_catalog.count(*)::integer AS total,
                   (pg_catalog.count(*) FILTER (WHERE r.srsubstate = 'r'))::integer AS ready
            FROM pg_catalog.pg_subscription_rel AS r
            GROUP BY r.srsubid
        ),
        origins AS (%s)
        SELECT s.subname::text, s.subenabled, 'standby'::text, NULL::integer,
               COALESCE(r.total, 0), COALESCE(r.ready, 0),
               NULL::pg_catalog.pg_lsn, NULLIF(o.remote_lsn, '0/0'::pg_catalog.pg_lsn),
               CASE WHEN replay.received_lsn IS NULL THEN NULL
                    ELSE GREATEST(replay.received_lsn OPERATOR(pg_catalog.-) replay.replayed_lsn, 0::numeric) END,
               CASE WHEN replay.received_lsn IS NOT NULL
                         AND replay.received_lsn OPERATOR(pg_catalog.<=) replay.replayed_lsn THEN 0::double precision
                    ELSE GREATEST(EXTRACT(epoch FROM pg_catalog.now() OPERATOR(pg_catalog.-) replay.replayed_at)::double precision, 0)
               END,
               replay.replayed_at,
               0::bigint, 0::bigint
        FROM pg_catalog.pg_subscription AS s
        CROSS JOIN replay
        LEFT JOIN relations AS r ON r.srsubid = s.oid
        LEFT JOIN origins AS o ON o.external_id = 'pg_' || s.oid::text
        WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())
        ORDER BY s.subname
        $query$, origins_query);
        RETURN;
    END IF;
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
    $query$, origins_query);
END
$function$;
COMMENT ON FUNCTION odoo_mirror.replication_status() IS
    'Per subscription: state, worker, tables ready, received and applied positions, lag (bytes, seconds) and error counts; on a standby, state ''standby'' and the standby''s own replay lag';

CREATE OR REPLACE FUNCTION odoo_mirror.refresh_revenue_rollup(p_full boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET lock_timeout = '5s'
AS $$
DECLARE
    stale_dates date[];
BEGIN
    IF p_full IS NULL THEN
        RAISE EXCEPTION 'invalid p_full: NULL (true or false)' USING ERRCODE = '22023';
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'refresh_revenue_rollup() needs READ COMMITTED, not %',
            pg_catalog.current_setting('transaction_isolation') USING ERRCODE = '25000';
    END IF;
    LOCK TABLE odoo_mirror.account_move IN SHARE ROW EXCLUSIVE MODE;
    IF p_full THEN
        DELETE FROM odoo_mirror.revenue_daily;
        SELECT pg_catalog.array_agg(DISTINCT m.invoice_date) INTO stale_dates
        FROM odoo_mirror.account_move AS m
        WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date IS NOT NULL;
    ELSIF EXISTS (SELECT FROM odoo_mirror.revenue_daily_stale AS s WHERE s.invoice_date IS NULL) THEN
        -- A change with an unknown date: rebuild everything.
        RETURN odoo_mirror.refresh_revenue_rollup(true);
    ELSE
        SELECT pg_catalog.array_agg(DISTINCT s.invoice_date) INTO stale_dates FROM odoo_mirror.revenue_daily_stale AS s;
    END IF;
    DELETE FROM odoo_mirror.revenue_daily_stale;
    -- Rows written later in this transaction must mark their dates again.
    PERFORM odoo_mirror.forget_revenue_marks();
    IF stale_dates IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM odoo_mirror.revenue_daily AS r WHERE r.invoice_date = ANY (stale_dates);
    INSERT INTO odoo_mirror.revenue_daily (invoice_date, company_id, move_type, amount_untaxed_signed, move_count)
    SELECT m.invoice_date, COALESCE(m.company_id, 0), m.move_type,
           COALESCE(pg_catalog.sum(m.amount_untaxed_signed)
                        FILTER (WHERE m.amount_untaxed_signed > '-Infinity' AND m.amount_untaxed_signed < 'Infinity'), 0),
           pg_catalog.count(*)
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date = ANY (stale_dates)
    GROUP BY 1, 2, 3;
    RETURN pg_catalog.cardinality(stale_dates);
END
$$;

-- Rollup days summed before 0.5.0 may hold NaN or ±Infinity: the next refresh rebuilds every day.
INSERT INTO odoo_mirror.revenue_daily_stale (invoice_date)
SELECT NULL WHERE EXISTS (
    SELECT FROM odoo_mirror.revenue_daily AS r
    WHERE NOT (r.amount_untaxed_signed > '-Infinity' AND r.amount_untaxed_signed < 'Infinity'));

-- Sums that leave NaN and ±Infinity amounts out (as NULL is), for the aggregate views. A view calls them
-- only for a group whose plain sum is NaN or ±Infinity, which only an odd row makes, so the common case
-- costs nothing per row. They are functions rather than inline subqueries because the planner costs an
-- inline subquery as if it ran for every group, which at scale made PostgreSQL JIT-compile the view
-- (about 0.4 s per query); a function call is costed as one cheap call.
CREATE FUNCTION odoo_mirror.finite_expense_total(p_employee_id integer, p_company_id integer, p_states text[],
                                                 p_other_states boolean)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $function$
    -- p_other_states: the states not in p_states (NULL included) instead of those in it.
    SELECT COALESCE(pg_catalog.sum(x.total_amount), 0)
    FROM odoo_mirror.hr_expense AS x
    WHERE x.employee_id IS NOT DISTINCT FROM p_employee_id AND x.company_id IS NOT DISTINCT FROM p_company_id
      AND COALESCE(x.state::text = ANY (p_states), false) <> p_other_states
      AND x.total_amount > '-Infinity' AND x.total_amount < 'Infinity'
$function$;
COMMENT ON FUNCTION odoo_mirror.finite_expense_total(integer, integer, text[], boolean) IS
    'Sum of an employee''s expense amounts (total_amount) in the given states, NaN and ±Infinity left out; used by v_expense_by_employee for groups holding such amounts';

CREATE FUNCTION odoo_mirror.finite_revenue_total(p_partner_id integer, p_company_id integer, p_move_type text)
RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $function$
    SELECT COALESCE(pg_catalog.sum(x.amount_untaxed_signed), 0)
    FROM odoo_mirror.account_move AS x
    WHERE x.state = 'posted' AND x.move_type = p_move_type
      AND COALESCE(x.commercial_partner_id, x.partner_id) IS NOT DISTINCT FROM p_partner_id
      AND x.company_id IS NOT DISTINCT FROM p_company_id
      AND x.amount_untaxed_signed > '-Infinity' AND x.amount_untaxed_signed < 'Infinity'
$function$;
COMMENT ON FUNCTION odoo_mirror.finite_revenue_total(integer, integer, text) IS
    'Sum of a customer''s posted untaxed signed amounts of one move type, NaN and ±Infinity left out; used by v_revenue_by_partner for groups holding such amounts';

REVOKE ALL ON FUNCTION odoo_mirror.finite_expense_total(integer, integer, text[], boolean),
    odoo_mirror.finite_revenue_total(integer, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION odoo_mirror.finite_expense_total(integer, integer, text[], boolean),
    odoo_mirror.finite_revenue_total(integer, integer, text) TO superset_readonly;
DO $supabase$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = api_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION odoo_mirror.finite_expense_total(integer, integer, text[], boolean), odoo_mirror.finite_revenue_total(integer, integer, text) FROM %I', api_role);
        END IF;
    END LOOP;
END
$supabase$;

-- Views replaced in place: same columns and types.
CREATE OR REPLACE VIEW odoo_mirror.v_invoice_summary AS
SELECT
    m.id AS invoice_id,
    m.name::text AS invoice_number,
    m.move_type::text AS move_type,
    CASE m.move_type
        WHEN 'out_invoice' THEN 'Customer Invoice'
        WHEN 'out_refund' THEN 'Customer Credit Note'
        WHEN 'in_invoice' THEN 'Vendor Bill'
        WHEN 'in_refund' THEN 'Vendor Credit Note'
        WHEN 'out_receipt' THEN 'Sales Receipt'
        WHEN 'in_receipt' THEN 'Purchase Receipt'
    END AS document_type,
    m.state::text AS state,
    m.payment_state::text AS payment_state,
    m.company_id,
    company.name::text AS company_name,
    COALESCE(m.commercial_partner_id, m.partner_id) AS partner_id,
    partner.name::text AS partner_name,
    partner.vat::text AS partner_vat,
    partner.email::text AS partner_email,
    partner.country_id AS partner_country_id,
    m.invoice_date,
    m.invoice_date_due,
    m.date AS accounting_date,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(m.amount_untaxed) < 99999999999999.995 THEN (m.amount_untaxed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_untaxed,
    CASE WHEN pg_catalog.abs(m.amount_tax) < 99999999999999.995 THEN (m.amount_tax)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_tax,
    CASE WHEN pg_catalog.abs(m.amount_total) < 99999999999999.995 THEN (m.amount_total)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_total,
    CASE WHEN pg_catalog.abs(m.amount_residual) < 99999999999999.995 THEN (m.amount_residual)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_residual,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(m.amount_untaxed_signed) < 99999999999999.995 THEN (m.amount_untaxed_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_untaxed_signed,
    CASE WHEN pg_catalog.abs(m.amount_total_signed) < 99999999999999.995 THEN (m.amount_total_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_total_signed,
    CASE WHEN pg_catalog.abs(m.amount_residual_signed) < 99999999999999.995 THEN (m.amount_residual_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_residual_signed,
    overdue.is_overdue,
    -- NULL for a due date at -infinity (no day count); 0 when not overdue.
    CASE WHEN NOT overdue.is_overdue THEN 0
         WHEN pg_catalog.isfinite(m.invoice_date_due) THEN CURRENT_DATE - m.invoice_date_due END AS days_overdue
FROM odoo_mirror.account_move AS m
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = COALESCE(m.commercial_partner_id, m.partner_id)
LEFT JOIN odoo_mirror.res_company AS company ON company.id = m.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = m.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
-- Odoo's own rule: posted, not (fully) paid, due date in the past.
CROSS JOIN LATERAL (
    SELECT COALESCE(m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')
                    AND m.invoice_date_due < CURRENT_DATE, false) AS is_overdue
) AS overdue
WHERE m.move_type IN ('out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt');

CREATE OR REPLACE VIEW odoo_mirror.v_expense_summary AS
SELECT
    e.id AS expense_id,
    e.name::text AS description,
    e.date AS expense_date,
    e.employee_id,
    employee.name::text AS employee_name,
    employee.department_id,
    e.state::text AS expense_state,
    e.payment_mode::text AS payment_mode,
    e.product_id,
    -- numeric to double precision raises beyond about 1e308 (or below 1e-308): NULL there, and for NaN.
    CASE WHEN e.quantity = 0 OR (pg_catalog.abs(e.quantity) > 1e-300 AND pg_catalog.abs(e.quantity) < 1e300)
         THEN e.quantity::double precision END AS quantity,
    CASE WHEN pg_catalog.abs(e.price_unit) < 99999999999999.995 THEN (e.price_unit)::numeric(16,2) ELSE NULL::numeric(16,2) END AS unit_amount,
    CASE WHEN pg_catalog.abs(e.total_amount_currency) < 99999999999999.995 THEN (e.total_amount_currency)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount_currency,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(e.total_amount) < 99999999999999.995 THEN (e.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount,
    CASE WHEN pg_catalog.abs(e.tax_amount) < 99999999999999.995 THEN (e.tax_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS tax_amount,
    company_currency.name::text AS company_currency,
    e.sheet_id,
    sheet.name::text AS sheet_name,
    sheet.state::text AS sheet_state,
    CASE sheet.state
        WHEN 'draft' THEN 'To Submit'
        WHEN 'submit' THEN 'Submitted'
        WHEN 'approve' THEN 'Approved'
        WHEN 'post' THEN 'Posted'
        WHEN 'done' THEN 'Done'
        WHEN 'cancel' THEN 'Refused'
    END AS sheet_status,
    sheet.payment_state::text AS sheet_payment_state,
    sheet.approval_date,
    COALESCE(sheet.accounting_date, e.accounting_date) AS accounting_date,
    e.company_id,
    company.name::text AS company_name,
    e.create_date AS created_at
FROM odoo_mirror.hr_expense AS e
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = e.employee_id
LEFT JOIN odoo_mirror.hr_expense_sheet AS sheet ON sheet.id = e.sheet_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = e.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;

CREATE OR REPLACE VIEW odoo_mirror.v_task_summary AS
SELECT
    t.id AS task_id,
    t.name::text AS task_name,
    t.project_id,
    odoo_mirror.translated_text(project.name) AS project_name,
    t.stage_id,
    odoo_mirror.translated_text(stage.name) AS stage_name,
    t.state::text AS state,
    CASE t.state
        WHEN '01_in_progress' THEN 'In Progress'
        WHEN '02_changes_requested' THEN 'Changes Requested'
        WHEN '03_approved' THEN 'Approved'
        WHEN '04_waiting_normal' THEN 'Waiting'
        WHEN '1_done' THEN 'Done'
        WHEN '1_canceled' THEN 'Cancelled'
    END AS status,
    COALESCE(t.state IN ('1_done', '1_canceled'), false) AS is_closed,
    t.priority::text AS priority,
    CASE t.priority WHEN '0' THEN 'Low' WHEN '1' THEN 'High' END
        AS priority_label,
    assignees.names AS assignees,
    COALESCE(assignees.how_many, 0) AS assignee_count,
    t.date_deadline,
    overdue.is_overdue,
    CASE WHEN NOT overdue.is_overdue THEN 0
         WHEN pg_catalog.isfinite(t.date_deadline)
         THEN (pg_catalog.now() AT TIME ZONE 'UTC')::date - t.date_deadline::date END AS days_overdue,
    t.partner_id,
    partner.name::text AS partner_name,
    t.company_id,
    t.allocated_hours,
    t.effective_hours,
    t.remaining_hours,
    t.progress,
    t.active,
    t.create_date AS created_at,
    t.date_end AS closed_at,
    t.date_last_stage_update
FROM odoo_mirror.project_task AS t
LEFT JOIN odoo_mirror.project_project AS project ON project.id = t.project_id
LEFT JOIN odoo_mirror.project_task_type AS stage ON stage.id = t.stage_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = t.partner_id
LEFT JOIN LATERAL (
    -- A user's name lives on the user's partner (res_users has no name column); the login stands in
    -- when the partner has not arrived yet. DISTINCT: the mirror does not enforce Odoo's unique pairs.
    SELECT pg_catalog.string_agg(DISTINCT COALESCE(user_partner.name, u.login, '#' || u.id::text)::text, ', '
                                 ORDER BY COALESCE(user_partner.name, u.login, '#' || u.id::text)::text) AS names,
           pg_catalog.count(DISTINCT u.id)::integer AS how_many
    FROM odoo_mirror.project_task_user_rel AS rel
    JOIN odoo_mirror.res_users AS u ON u.id = rel.user_id
    LEFT JOIN odoo_mirror.res_partner AS user_partner ON user_partner.id = u.partner_id
    WHERE rel.task_id = t.id
) AS assignees ON true
-- Odoo's rule: an active, open task whose deadline (a UTC timestamp) has passed.
CROSS JOIN LATERAL (
    SELECT COALESCE(t.active AND t.state NOT IN ('1_done', '1_canceled')
                    AND t.date_deadline < (pg_catalog.now() AT TIME ZONE 'UTC'), false) AS is_overdue
) AS overdue;

CREATE OR REPLACE VIEW odoo_mirror.v_revenue_by_partner AS
WITH revenue AS (
    SELECT
        COALESCE(m.commercial_partner_id, m.partner_id) AS partner_id,
        m.company_id,
        COALESCE(pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_invoice'), 0) AS invoiced,
        COALESCE(-pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE m.move_type = 'out_refund'), 0) AS refunded,
        pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoice_count,
        pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_refund') AS refund_count,
        pg_catalog.min(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS first_invoice_date,
        pg_catalog.max(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_invoice_date
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    GROUP BY 1, 2
),
-- NaN and ±Infinity amounts are left out of the sums, as NULL is. A sum is NaN or ±Infinity only when its
-- rows hold one, so only such a group is summed again without them: the common case costs nothing per row.
finite AS (
    SELECT
        t.partner_id,
        t.company_id,
        CASE WHEN pg_catalog.abs(t.invoiced) < 'Infinity' THEN t.invoiced
             ELSE odoo_mirror.finite_revenue_total(t.partner_id, t.company_id, 'out_invoice') END AS invoiced,
        CASE WHEN pg_catalog.abs(t.refunded) < 'Infinity' THEN t.refunded
             ELSE -odoo_mirror.finite_revenue_total(t.partner_id, t.company_id, 'out_refund') END AS refunded,
        t.invoice_count,
        t.refund_count,
        t.first_invoice_date,
        t.last_invoice_date
    FROM revenue AS t
)
SELECT
    r.partner_id,
    partner.name::text AS partner_name,
    partner.vat::text AS partner_vat,
    r.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(r.invoiced) < 99999999999999.995 THEN (r.invoiced)::numeric(16,2) ELSE NULL::numeric(16,2) END AS invoiced_amount,
    CASE WHEN pg_catalog.abs(r.refunded) < 99999999999999.995 THEN (r.refunded)::numeric(16,2) ELSE NULL::numeric(16,2) END AS refunded_amount,
    CASE WHEN pg_catalog.abs((r.invoiced - r.refunded)) < 99999999999999.995 THEN ((r.invoiced - r.refunded))::numeric(16,2) ELSE NULL::numeric(16,2) END AS net_revenue,
    r.invoice_count,
    r.refund_count,
    r.first_invoice_date,
    r.last_invoice_date
FROM finite AS r
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = r.partner_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = r.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;

CREATE OR REPLACE VIEW odoo_mirror.v_expense_by_employee AS
WITH totals AS (
    SELECT
        e.employee_id,
        e.company_id,
        pg_catalog.count(*) AS expense_count,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IS DISTINCT FROM 'refused'), 0) AS total_amount,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'draft'), 0) AS amount_to_report,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'reported'), 0) AS amount_to_submit,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'submitted'), 0) AS amount_submitted,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IN ('approved', 'posted')), 0) AS amount_approved,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state IN ('done', 'in_payment', 'paid')), 0) AS amount_done,
        COALESCE(pg_catalog.sum(e.total_amount) FILTER (WHERE e.state = 'refused'), 0) AS amount_refused,
        pg_catalog.count(*) FILTER (WHERE e.state = 'draft') AS count_to_report,
        pg_catalog.count(*) FILTER (WHERE e.state = 'reported') AS count_to_submit,
        pg_catalog.count(*) FILTER (WHERE e.state = 'submitted') AS count_submitted,
        pg_catalog.count(*) FILTER (WHERE e.state IN ('approved', 'posted')) AS count_approved,
        pg_catalog.count(*) FILTER (WHERE e.state IN ('done', 'in_payment', 'paid')) AS count_done,
        pg_catalog.count(*) FILTER (WHERE e.state = 'refused') AS count_refused,
        pg_catalog.max(e.date) AS last_expense_date
    FROM odoo_mirror.hr_expense AS e
    GROUP BY e.employee_id, e.company_id
),
-- NaN and ±Infinity amounts are left out of the sums, as NULL is. A sum is NaN or ±Infinity only when its
-- rows hold one, so only such a group is summed again without them: the common case costs nothing per row.
finite AS (
    SELECT
        t.employee_id,
        t.company_id,
        t.expense_count,
        CASE WHEN pg_catalog.abs(t.total_amount) < 'Infinity' THEN t.total_amount
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['refused'], true) END AS total_amount,
        CASE WHEN pg_catalog.abs(t.amount_to_report) < 'Infinity' THEN t.amount_to_report
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['draft'], false) END AS amount_to_report,
        CASE WHEN pg_catalog.abs(t.amount_to_submit) < 'Infinity' THEN t.amount_to_submit
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['reported'], false) END AS amount_to_submit,
        CASE WHEN pg_catalog.abs(t.amount_submitted) < 'Infinity' THEN t.amount_submitted
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['submitted'], false) END AS amount_submitted,
        CASE WHEN pg_catalog.abs(t.amount_approved) < 'Infinity' THEN t.amount_approved
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['approved', 'posted'], false) END AS amount_approved,
        CASE WHEN pg_catalog.abs(t.amount_done) < 'Infinity' THEN t.amount_done
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['done', 'in_payment', 'paid'], false) END AS amount_done,
        CASE WHEN pg_catalog.abs(t.amount_refused) < 'Infinity' THEN t.amount_refused
             ELSE odoo_mirror.finite_expense_total(t.employee_id, t.company_id, ARRAY['refused'], false) END AS amount_refused,
        t.count_to_report,
        t.count_to_submit,
        t.count_submitted,
        t.count_approved,
        t.count_done,
        t.count_refused,
        t.last_expense_date
    FROM totals AS t
)
SELECT
    t.employee_id,
    employee.name::text AS employee_name,
    t.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS currency,
    t.expense_count,
    CASE WHEN pg_catalog.abs(t.total_amount) < 99999999999999.995 THEN (t.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_amount,
    CASE WHEN pg_catalog.abs(t.amount_to_report) < 99999999999999.995 THEN (t.amount_to_report)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_to_report,
    CASE WHEN pg_catalog.abs(t.amount_to_submit) < 99999999999999.995 THEN (t.amount_to_submit)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_to_submit,
    CASE WHEN pg_catalog.abs(t.amount_submitted) < 99999999999999.995 THEN (t.amount_submitted)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_submitted,
    CASE WHEN pg_catalog.abs(t.amount_approved) < 99999999999999.995 THEN (t.amount_approved)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_approved,
    CASE WHEN pg_catalog.abs(t.amount_done) < 99999999999999.995 THEN (t.amount_done)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_done,
    CASE WHEN pg_catalog.abs(t.amount_refused) < 99999999999999.995 THEN (t.amount_refused)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_refused,
    t.count_to_report,
    t.count_to_submit,
    t.count_submitted,
    t.count_approved,
    t.count_done,
    t.count_refused,
    t.last_expense_date
FROM finite AS t
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = t.employee_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = t.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;

CREATE OR REPLACE VIEW odoo_mirror.v_churn_risk AS
SELECT
    p.partner_id,
    COALESCE(partner.complete_name, partner.name)::text AS partner_name,
    p.score,
    p.risk_band,
    p.reasons[1] AS top_reason,
    pg_catalog.array_to_string(p.reasons, '; ') AS reasons,
    CASE WHEN pg_catalog.abs(p.revenue_at_risk) < 99999999999999.995 THEN (p.revenue_at_risk)::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue_at_risk,
    p.model_version,
    p.as_of,
    p.scored_at
FROM odoo_mirror.churn_predictions AS p
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = p.partner_id;

-- Day counts at -infinity are NULL: the descriptions say so.
COMMENT ON COLUMN odoo_mirror.v_invoice_summary.days_overdue IS 'Days between the due date and today when overdue; 0 when not overdue; NULL for a due date at -infinity.';
COMMENT ON COLUMN odoo_mirror.v_task_summary.days_overdue IS 'Days from the deadline''s date to today''s date (UTC) when overdue; 0 when not overdue; NULL for a deadline at -infinity.';

-- v_suspicious_expenses.amount changes type (numeric -> numeric(16,2)): dropped and created again.
DROP VIEW odoo_mirror.v_suspicious_expenses;
CREATE VIEW odoo_mirror.v_suspicious_expenses AS
SELECT
    p.expense_id,
    e.name::text AS expense_name,
    p.employee_id,
    employee.name::text AS employee_name,
    p.sheet_id,
    sheet.name::text AS sheet_name,
    e.date,
    -- numeric(16,2) for Superset; an amount that does not fit, NaN or ±Infinity shows as NULL.
    CASE WHEN pg_catalog.abs(e.total_amount) < 99999999999999.995 THEN (e.total_amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount,
    currency.name::text AS currency,
    e.state::text AS state,
    p.score,
    CASE WHEN p.score >= 0.7 THEN 'high' ELSE 'medium' END AS risk_band,
    p.top_reason,
    pg_catalog.array_to_string(p.reasons, '; ') AS reasons,
    label.is_fraud AS labelled_fraud,
    p.model_version,
    p.scored_at
FROM odoo_mirror.fraud_predictions AS p
LEFT JOIN odoo_mirror.hr_expense AS e ON e.id = p.expense_id
LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = p.employee_id
LEFT JOIN odoo_mirror.hr_expense_sheet AS sheet ON sheet.id = p.sheet_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id
LEFT JOIN odoo_mirror.expense_labels AS label ON label.expense_id = p.expense_id
WHERE p.score >= 0.5;
COMMENT ON VIEW odoo_mirror.v_suspicious_expenses IS
    'Expenses with a fraud score of at least 0.5 (band high from 0.7), with reasons and any auditor label, as of the last odoo_mirror.refresh_fraud_predictions().';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.expense_id IS 'Odoo id of the scored expense line (hr.expense).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.expense_name IS 'Description of the expense; NULL if the expense has left the mirror since scoring.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.employee_id IS 'Odoo id of the employee who claimed the expense.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.employee_name IS 'Name of the employee; NULL if the employee is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.sheet_id IS 'Odoo id of the expense report (sheet) at scoring time; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.sheet_name IS 'Name of the expense report; NULL when on no report.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.date IS 'Date the expense was incurred; NULL if the expense has left the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.amount IS 'Total including tax, in the company currency; NULL when it does not fit numeric(16,2) (beyond ±10^14), is NaN or ±Infinity, or if the expense has left the mirror.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.currency IS 'Company currency code: the currency of amount.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.state IS 'Current Odoo status of the expense, e.g. submitted, approved, done, refused.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.score IS 'Fraud score (0..1) from the fraud model; calibrated to the fraud rate when trained on auditors'' labels. Always 0.5 or more here.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.risk_band IS 'Risk band from the score: high from 0.7, else medium (the view lists scores of 0.5 and up).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.top_reason IS 'Strongest reason, as ''rule: evidence''; NULL when no rule raised the score.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.reasons IS 'Up to 3 reasons (''rule: evidence''), strongest first, separated by ''; ''; empty when there are none.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.labelled_fraud IS 'Auditor''s verdict from expense_labels: true fraud, false legitimate; NULL when not labelled.';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.model_version IS 'Version of the fraud model that produced the score (odoo_mirror.ml_models).';
COMMENT ON COLUMN odoo_mirror.v_suspicious_expenses.scored_at IS 'When refresh_fraud_predictions() computed the score (timestamp with time zone).';
GRANT SELECT ON odoo_mirror.v_suspicious_expenses TO superset_readonly;
-- What grants.sql leaves on a fresh install: nothing for Supabase's API roles, whatever default
-- privileges gave the new view.
DO $supabase$
DECLARE
    api_role text;
BEGIN
    FOREACH api_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = api_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON odoo_mirror.v_suspicious_expenses FROM %I', api_role);
        END IF;
    END LOOP;
END
$supabase$;
