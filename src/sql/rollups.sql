-- odoo_mirror: the daily revenue rollup behind get_revenue_trends.
--
-- Reading a year of revenue from account_move means aggregating hundreds of thousands of invoices per
-- call. revenue_daily keeps one row per company, invoice date and move type, maintained by a row
-- trigger on account_move as rows arrive, so the RPC reads a few hundred rows instead.
--
-- Row triggers (not statement triggers) because logical replication's apply worker fires only row
-- triggers; ENABLE ALWAYS so that they fire under the apply worker and with
-- session_replication_role = replica. The trigger has no data-dependent error path (every value is
-- COALESCEd, numeric is unbounded), so it cannot stall a replication stream on bad data; it wraps no
-- per-row exception block, which would start a subtransaction per row. verify() compares the rollup
-- with account_move, and odoo_mirror.rebuild_revenue_rollup() rebuilds it (after a data-only restore
-- with --disable-triggers, say).

-- Posted customer invoices and refunds per company (0 when the invoice has none), date and type.
CREATE TABLE odoo_mirror.revenue_daily (
    company_id integer NOT NULL,
    invoice_date date NOT NULL,
    move_type character varying NOT NULL,
    amount_untaxed_signed numeric NOT NULL,
    move_count bigint NOT NULL,
    CONSTRAINT revenue_daily_pkey PRIMARY KEY (invoice_date, company_id, move_type)
);
COMMENT ON TABLE odoo_mirror.revenue_daily IS
    'Daily untaxed revenue of posted customer invoices and refunds, maintained from account_move by trigger';

CREATE FUNCTION odoo_mirror.maintain_revenue_daily()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'posted'
       AND OLD.move_type IN ('out_invoice', 'out_refund') AND OLD.invoice_date IS NOT NULL THEN
        INSERT INTO odoo_mirror.revenue_daily AS r
        VALUES (COALESCE(OLD.company_id, 0), OLD.invoice_date, OLD.move_type,
                -COALESCE(OLD.amount_untaxed_signed, 0), -1)
        ON CONFLICT (invoice_date, company_id, move_type) DO UPDATE
            SET amount_untaxed_signed = r.amount_untaxed_signed + EXCLUDED.amount_untaxed_signed,
                move_count = r.move_count + EXCLUDED.move_count;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'posted'
       AND NEW.move_type IN ('out_invoice', 'out_refund') AND NEW.invoice_date IS NOT NULL THEN
        INSERT INTO odoo_mirror.revenue_daily AS r
        VALUES (COALESCE(NEW.company_id, 0), NEW.invoice_date, NEW.move_type,
                COALESCE(NEW.amount_untaxed_signed, 0), 1)
        ON CONFLICT (invoice_date, company_id, move_type) DO UPDATE
            SET amount_untaxed_signed = r.amount_untaxed_signed + EXCLUDED.amount_untaxed_signed,
                move_count = r.move_count + EXCLUDED.move_count;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION odoo_mirror.truncate_revenue_daily()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM odoo_mirror.revenue_daily;
    RETURN NULL;
END
$$;

-- Only changes that can move revenue reach the function: payment updates, the most frequent ones,
-- are filtered out by the WHEN clause without a function call.
CREATE TRIGGER revenue_daily_on_insert_or_delete
    AFTER INSERT OR DELETE ON odoo_mirror.account_move
    FOR EACH ROW EXECUTE FUNCTION odoo_mirror.maintain_revenue_daily();
CREATE TRIGGER revenue_daily_on_update
    AFTER UPDATE ON odoo_mirror.account_move
    FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state
          OR OLD.move_type IS DISTINCT FROM NEW.move_type
          OR OLD.invoice_date IS DISTINCT FROM NEW.invoice_date
          OR OLD.company_id IS DISTINCT FROM NEW.company_id
          OR OLD.amount_untaxed_signed IS DISTINCT FROM NEW.amount_untaxed_signed)
    EXECUTE FUNCTION odoo_mirror.maintain_revenue_daily();
CREATE TRIGGER revenue_daily_on_truncate
    AFTER TRUNCATE ON odoo_mirror.account_move
    FOR EACH STATEMENT EXECUTE FUNCTION odoo_mirror.truncate_revenue_daily();
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_daily_on_insert_or_delete;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_daily_on_update;
ALTER TABLE odoo_mirror.account_move ENABLE ALWAYS TRIGGER revenue_daily_on_truncate;

-- Rebuilds the rollup from account_move. Blocks writes to account_move while it runs (SHARE lock), so
-- that no change is counted twice or missed. Returns the number of rollup rows.
CREATE FUNCTION odoo_mirror.rebuild_revenue_rollup()
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rollup_rows bigint;
BEGIN
    LOCK TABLE odoo_mirror.account_move IN SHARE MODE;
    DELETE FROM odoo_mirror.revenue_daily;
    INSERT INTO odoo_mirror.revenue_daily (company_id, invoice_date, move_type, amount_untaxed_signed, move_count)
    SELECT COALESCE(m.company_id, 0), m.invoice_date, m.move_type,
           COALESCE(pg_catalog.sum(m.amount_untaxed_signed), 0), pg_catalog.count(*)
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND m.invoice_date IS NOT NULL
    GROUP BY 1, 2, 3;
    GET DIAGNOSTICS rollup_rows = ROW_COUNT;
    RETURN rollup_rows;
END
$$;
COMMENT ON FUNCTION odoo_mirror.rebuild_revenue_rollup() IS
    'Rebuilds odoo_mirror.revenue_daily from account_move (run it when verify() reports the rollup out of step)';
