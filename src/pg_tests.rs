//! `#[pg_test]`s: code that needs a backend. Each test runs in a transaction that is rolled back.

use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn extension_installs_every_table_view_and_index() {
        let tables = Spi::get_one::<i64>("SELECT count(*) FROM pg_tables WHERE schemaname = 'odoo_mirror'");
        let expected =
            crate::catalog::TABLES.len() + crate::catalog::DERIVED_TABLES.len() + crate::catalog::MEMORY_TABLES.len();
        assert_eq!(tables, Ok(Some(expected as i64)));
        let views = Spi::get_one::<i64>("SELECT count(*) FROM pg_views WHERE schemaname = 'odoo_mirror'");
        assert_eq!(views, Ok(Some(crate::catalog::VIEWS.len() as i64)));
        let indexes = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'odoo_mirror' AND indexname NOT LIKE '%_pkey'",
        );
        assert_eq!(indexes, Ok(Some(crate::catalog::INDEXES.len() as i64)));
    }

    #[pg_test]
    fn verify_warns_about_every_empty_table_and_missing_replication_and_fails_nothing() {
        let warned = Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'warn'");
        // Every empty mirror table, no landing tables, no subscription.
        assert_eq!(warned, Ok(Some(crate::catalog::TABLES.len() as i64 + 2)));
        let failed = Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'fail'");
        assert_eq!(failed, Ok(Some(0)));
    }

    #[pg_test]
    fn verify_fails_a_missing_role_grant() {
        let revoked = Spi::run("REVOKE EXECUTE ON FUNCTION odoo_mirror.get_overdue_tasks(integer) FROM n8n_service");
        assert!(revoked.is_ok());
        let detail = Spi::get_one::<String>(
            "SELECT detail FROM odoo_mirror.verify() WHERE \"check\" = 'grants n8n_service'",
        );
        assert_eq!(detail, Ok(Some("cannot execute: get_overdue_tasks".to_string())));
    }

    #[pg_test]
    fn revenue_trends_cover_every_requested_month_even_without_data() {
        let months = Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.get_revenue_trends(7)");
        assert_eq!(months, Ok(Some(7)));
        let distinct = Spi::get_one::<i64>(
            "SELECT count(DISTINCT month) FROM odoo_mirror.get_revenue_trends(120) WHERE net_revenue = 0",
        );
        assert_eq!(distinct, Ok(Some(120)));
    }

    #[pg_test]
    fn memory_trigger_writes_one_chunk_per_event_once() {
        Spi::run(
            "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, payment_state, amount_total) \
             VALUES (77, '/', 'in_invoice', 'draft', 'not_paid', 12.5)",
        )
        .unwrap();
        Spi::run("UPDATE odoo_mirror.account_move SET name = 'BILL/77', state = 'posted' WHERE id = 77").unwrap();
        Spi::run("UPDATE odoo_mirror.account_move SET state = 'posted' WHERE id = 77").unwrap();
        Spi::run("UPDATE odoo_mirror.account_move SET state = 'cancel' WHERE id = 77").unwrap();
        let events = Spi::get_one::<String>(
            "SELECT string_agg(event, ',' ORDER BY id) FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id = '77'",
        );
        assert_eq!(events, Ok(Some("created,posted,cancelled".to_string())));
        assert_eq!(Spi::get_one::<i64>("SELECT odoo_mirror.rebuild_memory()"), Ok(Some(0)));
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.memory_errors"), Ok(Some(0)));
    }

    #[pg_test]
    fn a_memory_failure_is_recorded_not_raised() {
        Spi::run("ALTER TABLE ipai_memory.chunks ADD CONSTRAINT short_content CHECK (length(content) < 10)").unwrap();
        Spi::run("INSERT INTO odoo_mirror.account_move (id, name, move_type, state) VALUES (78, 'INV/78', 'out_invoice', 'posted')")
            .unwrap();
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.account_move WHERE id = 78"), Ok(Some(1)));
        assert_eq!(
            Spi::get_one::<String>("SELECT sqlstate || ' ' || event FROM odoo_mirror.memory_errors WHERE source_id = 78"),
            Ok(Some("23514 posted".to_string()))
        );
        assert_eq!(Spi::get_one::<i64>("SELECT count(*) FROM ipai_memory.chunks WHERE source_id = '78'"), Ok(Some(0)));
    }

    #[pg_test]
    fn the_publication_names_every_mirror_table() {
        let block = Spi::get_one::<String>("SELECT odoo_mirror.publication_sql()").unwrap().unwrap_or_default();
        for table in crate::catalog::TABLES {
            assert!(block.contains(&format!("\"{table}\": [\"id\"")), "{table} missing from the publication");
        }
    }

    #[pg_test(error = "invalid p_limit: 0 (allowed range 1..1000)")]
    fn pending_expenses_rejects_a_zero_limit() {
        let _ = Spi::run("SELECT * FROM odoo_mirror.get_pending_expenses(0)");
    }

    #[pg_test(error = "invalid p_months: NULL (allowed range 1..120)")]
    fn revenue_trends_rejects_null_months() {
        let _ = Spi::run("SELECT * FROM odoo_mirror.get_revenue_trends(NULL)");
    }

    #[pg_test]
    fn invalid_parameter_errors_carry_sqlstate_22023() {
        let caught = PgTryBuilder::new(|| {
            let _ = Spi::run("SELECT * FROM odoo_mirror.get_overdue_tasks(5000)");
            None
        })
        .catch_when(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE, |_| Some("22023"))
        .execute();
        assert_eq!(caught, Some("22023"));
    }
}
