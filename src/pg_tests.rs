#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // #[pg_test]s, run only by `cargo pgrx test`

//! `#[pg_test]`s: code that needs a backend. Each test runs in a transaction that is rolled back.

use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn every_view_column_has_a_description_for_superset() {
        let undescribed = Spi::get_one::<String>(
            "SELECT string_agg(c.relname || '.' || a.attname, ', ' ORDER BY c.relname, a.attnum) \
             FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'v' \
               AND coalesce(col_description(c.oid, a.attnum), '') = ''",
        );
        assert_eq!(undescribed, Ok(None), "view columns without COMMENT ON COLUMN");
        let described = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 \
             WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'v' \
               AND col_description(c.oid, a.attnum) <> ''",
        );
        assert!(described.unwrap().unwrap_or(0) > 50, "the views' columns are described");
    }

    #[pg_test]
    fn extension_installs_every_table_view_and_index() {
        let tables = Spi::get_one::<i64>("SELECT count(*) FROM pg_tables WHERE schemaname = 'odoo_mirror'");
        let expected = crate::catalog::TABLES.len()
            + crate::catalog::DERIVED_TABLES.len()
            + crate::catalog::MEMORY_TABLES.len()
            + crate::catalog::ML_TABLES.len();
        assert_eq!(tables, Ok(Some(expected as i64)));
        let views = Spi::get_one::<i64>("SELECT count(*) FROM pg_views WHERE schemaname = 'odoo_mirror'");
        assert_eq!(views, Ok(Some(crate::catalog::VIEWS.len() as i64)));
        let indexes = Spi::get_one::<i64>(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'odoo_mirror' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'",
        );
        assert_eq!(indexes, Ok(Some(crate::catalog::INDEXES.len() as i64)));
    }

    #[pg_test]
    fn verify_warns_about_every_empty_table_and_missing_replication_and_fails_nothing() {
        let warned = Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'warn'");
        // Every empty mirror table, no landing tables, no subscription, no churn model, no fraud model.
        assert_eq!(warned, Ok(Some(crate::catalog::TABLES.len() as i64 + 4)));
        let failed = Spi::get_one::<i64>("SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'fail'");
        assert_eq!(failed, Ok(Some(0)));
    }

    #[pg_test]
    fn verify_fails_a_missing_role_grant() {
        let revoked = Spi::run("REVOKE EXECUTE ON FUNCTION odoo_mirror.get_overdue_tasks(integer) FROM n8n_service");
        assert!(revoked.is_ok());
        let detail =
            Spi::get_one::<String>("SELECT detail FROM odoo_mirror.verify() WHERE \"check\" = 'grants n8n_service'");
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
            Spi::get_one::<String>(
                "SELECT sqlstate || ' ' || event FROM odoo_mirror.memory_errors WHERE source_id = 78"
            ),
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

    /// 120 customers invoiced every 20..50 days from 2023-01-01; every third stops at some point.
    const CHURN_DATA: &str = "\
        SET LOCAL odoo_mirror.memory_enabled = off; \
        INSERT INTO odoo_mirror.account_move (id, move_type, state, partner_id, commercial_partner_id, invoice_date, \
            invoice_date_due, amount_untaxed_signed, amount_total_signed, amount_residual_signed, payment_state, write_date) \
        SELECT 700000 + i * 1000 + k, 'out_invoice', 'posted', 9600 + i, 9600 + i, DATE '2023-01-01' + k * (20 + i % 4 * 10), \
               DATE '2023-01-31' + k * (20 + i % 4 * 10), 100 + i, 121 + i, 0, 'paid', DATE '2023-02-05' + k * (20 + i % 4 * 10) \
        FROM generate_series(1, 120) AS i, generate_series(0, 40) AS k \
        WHERE k * (20 + i % 4 * 10) < CASE WHEN i % 3 = 0 THEN 200 + i * 5 ELSE 900 END";

    #[pg_test]
    fn a_model_activated_mid_transaction_scores_the_next_statement() {
        Spi::run(CHURN_DATA).expect("data");
        let trained = Spi::get_one::<pgrx::JsonB>(
            "SELECT odoo_mirror.train_churn_model(NULL, 90, '{\"min_customers\": 20, \"activate\": \"always\"}')",
        )
        .expect("trained")
        .expect("a report");
        assert_eq!(trained.0["version"], 1);
        // Version 2: the same model, imported; scoring follows each activation from the next statement on,
        // inside one transaction and one top-level statement (the cache key includes the command id).
        Spi::run("SELECT odoo_mirror.import_model(odoo_mirror.export_model(), false)").expect("import");
        let version = || Spi::get_one::<String>("SELECT odoo_mirror.explain_churn(9601)->>'model_version'");
        assert_eq!(version(), Ok(Some("1".to_string())));
        Spi::run("SELECT odoo_mirror.activate_model('churn', 2)").expect("activate");
        assert_eq!(version(), Ok(Some("2".to_string())));
        Spi::run("SELECT odoo_mirror.activate_model('churn', 1)").expect("activate");
        assert_eq!(version(), Ok(Some("1".to_string())));
        // Same model, same scores, whichever version serves it.
        let same = Spi::get_one::<bool>(
            "WITH a AS (SELECT odoo_mirror.churn_score(9601) AS s) \
             SELECT a.s = (odoo_mirror.explain_churn(9601)->>'score')::float8 AND a.s BETWEEN 0 AND 1 FROM a",
        );
        assert_eq!(same, Ok(Some(true)));
    }

    #[pg_test]
    fn scoring_without_a_model_is_42704_naming_the_training_function() {
        let caught = PgTryBuilder::new(|| {
            let _ = Spi::run("SELECT odoo_mirror.churn_score(1)");
            None
        })
        .catch_when(PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT, |error| match error {
            pg_sys::panic::CaughtError::PostgresError(report) => report.hint().map(str::to_string),
            _ => None,
        })
        .execute();
        assert!(caught.is_some_and(|hint| hint.contains("odoo_mirror.train_churn_model()")));
    }

    /// Churn scoring decodes numerics itself: the same f64 as PostgreSQL's own cast, for amounts
    /// (the fast path), long and tiny numbers (the text path), and nothing for NaN and infinities.
    #[pg_test]
    fn numerics_decode_to_the_same_f64_as_the_float8_cast() {
        const VALUES: &str = "SELECT v, v::float8 FROM ( \
            SELECT round((random() * 2e6 - 1e6)::numeric, 2) AS v FROM generate_series(1, 3000) \
            UNION ALL SELECT (random() * 10 ^ (random() * 40 - 20))::numeric(60, 25) FROM generate_series(1, 3000) \
            UNION ALL VALUES (0::numeric), (-0.5), (99999999999999999999.99), (0.000000001), (1e300::numeric), \
                             (-1e-300::numeric), ('NaN'::numeric), (12345678901234567890123.456)) AS t (v)";
        let numeric = pgrx::PgOid::BuiltIn(pg_sys::BuiltinOid::NUMERICOID);
        let float8 = pgrx::PgOid::BuiltIn(pg_sys::BuiltinOid::FLOAT8OID);
        let mut compared = 0;
        crate::spi::stream_rows(VALUES, &[], &[numeric, float8], |row| {
            let (Some(value), Some(cast)) = (row[0], row[1]) else { return Ok(()) };
            let cast = f64::from_bits(cast.value() as u64);
            // SAFETY: column 0 is numeric (checked by stream_rows).
            let decoded = unsafe { crate::spi::datum::numeric_to_f64(value) };
            if cast.is_nan() {
                assert_eq!(decoded, None);
            } else {
                assert_eq!(decoded, Some(cast));
            }
            compared += 1;
            Ok(())
        })
        .expect("streamed");
        assert_eq!(compared, 6008);
    }
}
