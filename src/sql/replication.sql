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
