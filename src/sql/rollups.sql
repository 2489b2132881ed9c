-- odoo_mirror: the daily revenue rollup behind get_revenue_trends.
--
-- Reading a year of revenue straight from account_move means aggregating hundreds of thousands of
-- invoices on every call. revenue_daily holds one row per invoice date, company and move type instead.
-- It is exact at all times, without making every write pay for it:
-- - a row trigger on account_move only records which invoice dates changed (revenue_daily_stale), and
--   only for the first change to a date in a transaction; it never updates a counter row, so bulk
--   loads (a replication's initial copy: one transaction, a million rows) stay cheap and concurrent
--   writers never wait on each other;
-- - readers take the rollup for clean dates and aggregate account_move for stale dates, in one snapshot;
-- - odoo_mirror.refresh_revenue_rollup() folds the stale dates into the rollup. Run it from a scheduler
--   (pg_cron: every few minutes) or after a bulk load. Until it runs, results are still exact, only slower.
--
-- Row triggers, because logical replication's apply worker fires only row triggers (and TRUNCATE
-- triggers); ENABLE ALWAYS, so that they fire under the apply worker and with session_replication_role
-- = replica. The trigger has no data-dependent error path, so it cannot stall a replication stream.

-- Posted customer invoices and refunds per invoice date, company (0 when the invoice has none) and type.
CREATE TABLE odoo_mirror.revenue_daily (
    invoice_date date NOT NULL,
    company_id integer NOT NULL,
    move_type character varying NOT NULL,
    amount_untaxed_signed numeric NOT NULL,
    move_count bigint NOT NULL,
    CONSTRAINT revenue_daily_pkey PRIMARY KEY (invoice_date, company_id, move_type)
);
COMMENT ON TABLE odoo_mirror.revenue_daily IS
    'Daily untaxed revenue of posted customer invoices and refunds; dates listed in revenue_daily_stale are out of date';

-- Invoice dates changed since the last refresh. No unique constraint on purpose: a unique index would
-- make concurrent writers of the same date wait for each other (and could deadlock them); the trigger
-- skips dates its own transaction already recorded, so duplicates stay rare and harmless.
CREATE TABLE odoo_mirror.revenue_daily_stale (
    id bigint GENERATED ALWAYS AS IDENTITY,
    -- NULL: a change whose date the trigger could not read; every date counts as stale until a refresh.
    invoice_date date,
    changed_at timestamp with time zone NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT revenue_daily_stale_pkey PRIMARY KEY (id)
);
CREATE INDEX revenue_daily_stale_date_idx ON odoo_mirror.revenue_daily_stale (invoice_date);
COMMENT ON TABLE odoo_mirror.revenue_daily_stale IS
    'Invoice dates whose revenue changed since the last odoo_mirror.refresh_revenue_rollup()';

-- SECURITY DEFINER (both trigger functions): whoever writes account_move (a CDC tool's role, a
-- subscription's owner) must not also need privileges on the rollup tables, or a missing grant would
-- stall replication. They write only the rollup tables, from values of the triggering row.
-- mark_revenue_stale is written in Rust (src/rollup_trigger.rs): it remembers the dates it already
-- marked in the current (sub)transaction, so that a bulk load pays one lookup per date, not per row.
CREATE FUNCTION odoo_mirror.mark_revenue_stale()
RETURNS trigger
LANGUAGE c
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mark_revenue_stale_wrapper';

CREATE FUNCTION odoo_mirror.clear_revenue_rollup()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM odoo_mirror.revenue_daily;
    DELETE FROM odoo_mirror.revenue_daily_stale;
    -- Rows inserted later in this transaction must mark their dates again.
    PERFORM odoo_mirror.forget_revenue_marks();
    RETURN NULL;
END
$$;

CREATE TRIGGER revenue_stale_on_insert_or_delete
    AFTER INSERT OR DELETE ON odoo_mirror.account_move
    FOR EACH ROW EXECUTE FUNCTION odoo_mirror.mark_revenue_stale();
-- Payment updates, the most frequent ones, cannot change revenue: the WHEN clause skips them without
-- calling the function.
CREATE TRIGGER revenue_stale_on_update
    AFTER UPDATE ON odoo_mirror.account_move
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          OR OLD.move_type IS DISTINCT FROM NEW.move_type
          OR OLD.invoice_date IS DISTINCT FROM NEW.invoice_date
          OR OLD.company_id IS DISTINCT FROM NEW.company_id
          OR OLD.amount_untaxed_signed IS DISTINCT FROM NEW.amount_untaxed_signed)
    EXECUTE FUNCTION odoo_mirror.mark_revenue_stale();
CREATE TRIGGER revenue_rollup_on_truncate
    AFTER TRUNCATE ON odoo_mirror.account_move
    FOR EACH STATEMENT EXECUTE FUNCTION odoo_mirror.clear_revenue_rollup();
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_stale_on_insert_or_delete;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_stale_on_update;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_rollup_on_truncate;

-- Folds the stale dates into the rollup (p_full: rebuilds it from scratch, e.g. after a data-only
-- restore with --disable-triggers). Holds a SHARE ROW EXCLUSIVE lock on account_move while it runs, so
-- that no write slips between reading a date and clearing its stale mark, and two refreshes never run
-- at once: writers wait (briefly), readers do not. It gives up after lock_timeout (5 s) rather than
-- make writers, a replication apply worker among them, queue behind it for longer; the next scheduled
-- run tries again. READ COMMITTED only: its statements must see what committed before the lock.
-- Returns the number of dates refreshed.
CREATE FUNCTION odoo_mirror.refresh_revenue_rollup(p_full boolean DEFAULT false)
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
COMMENT ON FUNCTION odoo_mirror.refresh_revenue_rollup(boolean) IS
    'Folds changed invoice dates into odoo_mirror.revenue_daily (schedule it, e.g. with pg_cron); p_full rebuilds it';
