//! Native logical replication between two real clusters: an Odoo-shaped publisher and the mirror with
//! the extension, its landing tables and a real subscription. Nothing is assumed: the initial copy,
//! INSERT, UPDATE, DELETE, TRUNCATE, an Odoo-side ADD COLUMN, the memory trigger under the apply
//! worker, replays, a failing memory write, privileges, and pg_dump/pg_restore with landing tables.

use std::time::Duration;

use chrono::NaiveDate;
use odoo_mirror_tests::cluster::Cluster;
use odoo_mirror_tests::demo::load_generated;
use odoo_mirror_tests::generator::Config;
use odoo_mirror_tests::odoo::{
    conninfo, mirror_tables, odoo_tables_sql, wait_for, wait_until_replicated, wait_until_streaming, PUBLISHER_CONF,
};
use odoo_mirror_tests::testing::{dump_and_restore, SUPABASE_ROLES};

const ODOO: &str = "odoo";
const MIRROR: &str = "mirror";
const SUBSCRIPTION: &str = "odoo_sub";
const WAIT: Duration = Duration::from_secs(120);

const INVOICE_TYPES: &str = "('out_invoice', 'out_refund', 'in_invoice', 'in_refund')";

struct Pipeline {
    odoo: Cluster,
    mirror: Cluster,
    /// The 28 mirror tables.
    tables: Vec<String>,
}

/// Both clusters, Odoo-side data, the publication from publication_sql(), landing tables and a
/// subscription that has finished its initial copy. `before_extension` runs on the mirror database
/// first (Supabase's roles, say).
fn pipeline(name: &str, scale: u32, before_extension: &str) -> Pipeline {
    let odoo = Cluster::start(&format!("{name}-odoo"), PUBLISHER_CONF).expect("odoo cluster");
    let mirror = Cluster::start(&format!("{name}-mirror"), &[]).expect("mirror cluster");
    mirror.create_database(MIRROR).unwrap();
    if !before_extension.is_empty() {
        mirror.sql(MIRROR, before_extension).unwrap();
    }
    mirror.sql(MIRROR, "CREATE EXTENSION odoo_mirror").unwrap();
    let landed = mirror
        .sql(MIRROR, "SELECT count(*) FROM odoo_mirror.create_landing_tables() WHERE action = 'created'")
        .unwrap();
    assert_eq!(landed, "28");

    odoo.create_database(ODOO).unwrap();
    odoo.psql_script(ODOO, &odoo_tables_sql(&mirror, MIRROR).unwrap()).unwrap();
    let mut config = Config::new(scale, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    config.schema = "public".into();
    load_generated(&odoo, ODOO, config).unwrap();

    let publication = mirror.sql(MIRROR, "SELECT odoo_mirror.publication_sql()").unwrap();
    let printed = odoo.psql_script(ODOO, &publication).unwrap();
    assert!(
        printed.contains("CREATE PUBLICATION \"odoo_pub_scout\"")
            || printed.contains("CREATE PUBLICATION odoo_pub_scout"),
        "{printed}"
    );
    mirror
        .sql(
            MIRROR,
            &format!(
                "CREATE SUBSCRIPTION {SUBSCRIPTION} CONNECTION '{}' PUBLICATION odoo_pub_scout",
                conninfo(&odoo, ODOO)
            ),
        )
        .unwrap();
    wait_until_streaming(&mirror, MIRROR, SUBSCRIPTION, WAIT).unwrap();
    // The runbook's step after an initial copy: tables were copied in parallel, so invoices may have
    // become memory before their currency arrived; verify() says so, rebuild_memory() completes them.
    mirror.sql(MIRROR, "SELECT odoo_mirror.rebuild_memory()").unwrap();
    assert_eq!(
        mirror.sql(MIRROR, "SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'memory names'").unwrap(),
        "ok"
    );
    let tables = mirror_tables(&mirror, MIRROR).unwrap();
    assert_eq!(tables.len(), 28, "{tables:?}");
    Pipeline { odoo, mirror, tables }
}

impl Pipeline {
    /// Waits until the mirror has applied everything committed on the Odoo side.
    fn sync(&self) {
        wait_until_replicated(&self.odoo, ODOO, &self.mirror, MIRROR, WAIT).unwrap();
    }

    fn odoo(&self, sql: &str) -> String {
        self.odoo.sql(ODOO, sql).unwrap()
    }

    fn mirror(&self, sql: &str) -> String {
        self.mirror.sql(MIRROR, sql).unwrap()
    }
}

/// Rows and a hash of the columns both sides have, per table.
fn fingerprint(cluster: &Cluster, database: &str, schema: &str, table: &str) -> String {
    let columns = match table {
        "account_move" => {
            "id, name, state, move_type, payment_state, partner_id, amount_total, amount_residual, invoice_date"
        }
        "account_move_line" => "id, move_id, balance, account_id",
        "account_partial_reconcile" => "id, debit_move_id, credit_move_id, amount, max_date",
        "res_partner" => "id, name, commercial_partner_id",
        _ => "id, create_date",
    };
    cluster
        .sql(database, &format!("SELECT count(*) || ':' || coalesce(md5(string_agg(row({columns})::text, '|' ORDER BY id)), '') FROM {schema}.{table}"))
        .unwrap()
}

/// The chunks the trigger writes for invoices seen first in their current state: one each.
fn expected_chunks(cluster: &Cluster, database: &str, schema: &str) -> String {
    cluster
        .sql(database, &format!("SELECT count(*) FROM {schema}.account_move WHERE move_type IN {INVOICE_TYPES}"))
        .unwrap()
}

#[test]
fn odoo_changes_of_every_kind_arrive_in_the_mirror_and_become_memory() {
    let p = pipeline("repl-main", 60, "");

    // The initial copy: every table, row for row, through the landing tables into odoo_mirror.*.
    for table in &p.tables {
        let odoo_side = fingerprint(&p.odoo, ODOO, "public", table);
        assert!(!odoo_side.starts_with("0:"), "the generator filled {table}");
        assert_eq!(fingerprint(&p.mirror, MIRROR, "odoo_mirror", table), odoo_side, "initial copy of {table}");
    }
    // The landing tables store nothing themselves.
    assert_eq!(p.mirror("SELECT count(*) FROM ONLY public.account_move"), "0");
    // The memory trigger fired under the apply worker for every copied invoice.
    assert_eq!(p.mirror("SELECT count(*) FROM ipai_memory.chunks"), expected_chunks(&p.odoo, ODOO, "public"));
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.memory_errors"), "0");

    // INSERT, then the invoice's life: posted, an irrelevant edit, paid.
    p.odoo(
        "INSERT INTO public.account_move (id, name, move_type, state, payment_state, partner_id, invoice_partner_display_name, \
         currency_id, amount_total, amount_untaxed, amount_residual, invoice_date, invoice_date_due, company_id) \
         VALUES (900001, '/', 'out_invoice', 'draft', 'not_paid', 1, 'Zyxwv Analytics GmbH', 1, 1250, 1033.06, 1250, '2026-06-01', '2026-07-01', 1)",
    );
    p.sync();
    let events = "SELECT string_agg(event, ',' ORDER BY id) FROM ipai_memory.chunks WHERE source_table = 'account_move' AND source_id = '900001'";
    assert_eq!(p.mirror(events), "created");
    p.odoo("UPDATE public.account_move SET name = 'INV/2026/90001', state = 'posted' WHERE id = 900001");
    p.odoo("UPDATE public.account_move SET ref = 'PO-77', write_date = now() WHERE id = 900001");
    p.odoo("UPDATE public.account_move SET payment_state = 'paid', amount_residual = 0 WHERE id = 900001");
    p.sync();
    assert_eq!(p.mirror("SELECT name || ' ' || state || ' ' || payment_state || ' ' || ref FROM odoo_mirror.account_move WHERE id = 900001"), "INV/2026/90001 posted paid PO-77");
    assert_eq!(p.mirror(events), "created,posted,paid", "one chunk per meaningful event, none for the edit");
    let content = p.mirror("SELECT content FROM ipai_memory.chunks WHERE source_id = '900001' AND event = 'posted'");
    assert!(content.starts_with("Customer invoice INV/2026/90001 to Zyxwv Analytics GmbH: 1,250.00 "), "{content}");
    assert!(content.ends_with(", due 2026-07-01, posted"), "{content}");
    // The new invoice is in the views at once.
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.v_invoice_summary WHERE invoice_id = 900001"), "1");

    // DELETE: the row goes, its memory stays (memory is history).
    p.odoo("DELETE FROM public.account_move WHERE id = 900001");
    p.sync();
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.account_move WHERE id = 900001"), "0");
    assert_eq!(p.mirror(events), "created,posted,paid");

    // Column drift: Odoo gains a column (a module upgrade); replication goes on.
    p.odoo("ALTER TABLE public.account_move ADD COLUMN x_new_module_field text");
    p.odoo(
        "INSERT INTO public.account_move (id, name, move_type, state, payment_state, amount_total, x_new_module_field) \
         VALUES (900002, 'BILL/2026/0002', 'in_invoice', 'posted', 'not_paid', 99, 'ignored')",
    );
    p.sync();
    assert_eq!(p.mirror("SELECT name FROM odoo_mirror.account_move WHERE id = 900002"), "BILL/2026/0002");
    assert_eq!(
        p.mirror("SELECT string_agg(event, ',' ORDER BY id) FROM ipai_memory.chunks WHERE source_id = '900002'"),
        "posted"
    );

    // TRUNCATE of a table arrives too.
    p.odoo("TRUNCATE public.project_task_user_rel");
    p.sync();
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.project_task_user_rel"), "0");
    p.odoo("INSERT INTO public.project_task_user_rel (id, task_id, user_id) VALUES (1, 1, 1)");
    p.sync();

    // Every table still matches after the changes.
    for table in &p.tables {
        assert_eq!(
            fingerprint(&p.mirror, MIRROR, "odoo_mirror", table),
            fingerprint(&p.odoo, ODOO, "public", table),
            "{table}"
        );
    }

    // Health: one query answers "lag under 60 s", and verify() is clean once the scheduled refreshes ran.
    p.mirror("SELECT odoo_mirror.refresh_payment_delays()");
    let status = p.mirror("SELECT state, tables_ready = tables_total, lag_seconds < 60, apply_error_count FROM odoo_mirror.replication_status()");
    assert_eq!(status, "streaming|t|t|0");
    assert_eq!(p.mirror("SELECT bool_and(lag_seconds < 60) FROM odoo_mirror.replication_status()"), "t");
    let not_ok = p.mirror("SELECT string_agg(\"check\" || ': ' || detail, '; ') FROM odoo_mirror.verify() WHERE status <> 'ok' AND \"check\" NOT IN ('churn model', 'fraud model')");
    assert_eq!(not_ok, "", "verify() after replication");
    assert_eq!(p.mirror("SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'subscription odoo_sub'"), "ok");
    // The revenue rollup, updated by ALWAYS triggers under the apply worker, agrees with account_move.
    p.mirror("SELECT odoo_mirror.refresh_revenue_rollup()");
    assert_eq!(p.mirror("SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'rollup revenue_daily'"), "ok");

    // Replay: drop the subscription, empty the mirror, subscribe again. The initial copy replays every
    // invoice through the trigger; memory gets no duplicate and no error.
    let chunks_before =
        p.mirror("SELECT count(*) || ':' || md5(string_agg(id || content, '|' ORDER BY id)) FROM ipai_memory.chunks");
    p.mirror(&format!("DROP SUBSCRIPTION {SUBSCRIPTION}"));
    p.mirror(&format!(
        "TRUNCATE {}",
        p.tables.iter().map(|t| format!("odoo_mirror.{t}")).collect::<Vec<_>>().join(", ")
    ));
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.account_move"), "0");
    p.mirror(&format!(
        "CREATE SUBSCRIPTION {SUBSCRIPTION} CONNECTION '{}' PUBLICATION odoo_pub_scout",
        conninfo(&p.odoo, ODOO)
    ));
    wait_until_streaming(&p.mirror, MIRROR, SUBSCRIPTION, WAIT).unwrap();
    assert_eq!(
        fingerprint(&p.mirror, MIRROR, "odoo_mirror", "account_move"),
        fingerprint(&p.odoo, ODOO, "public", "account_move")
    );
    assert_eq!(
        p.mirror("SELECT count(*) || ':' || md5(string_agg(id || content, '|' ORDER BY id)) FROM ipai_memory.chunks"),
        chunks_before,
        "the replayed initial copy wrote no chunk twice"
    );
    assert_eq!(p.mirror("SELECT count(*) FROM ipai_memory.sessions WHERE agent_name = 'odoo-sync'"), "1");
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.memory_errors"), "0");

    // TRUNCATE of account_move: the mirror empties, the rollup follows, memory stays.
    p.odoo("TRUNCATE public.account_move");
    p.sync();
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.account_move"), "0");
    assert_eq!(p.mirror("SELECT coalesce(sum(net_revenue), 0) = 0 FROM odoo_mirror.get_revenue_trends(120)"), "t");
    assert_eq!(p.mirror("SELECT count(*) > 0 FROM ipai_memory.chunks"), "t");

    // drop_landing_tables() refuses while the subscription writes through them, then keeps every row.
    p.odoo("INSERT INTO public.res_currency (id, name) VALUES (900, 'XTS')");
    p.sync();
    assert_eq!(p.mirror.sqlstate_of(MIRROR, "SELECT * FROM odoo_mirror.drop_landing_tables()").unwrap(), "55006");
    p.mirror(&format!("ALTER SUBSCRIPTION {SUBSCRIPTION} DISABLE"));
    let partners = fingerprint(&p.mirror, MIRROR, "odoo_mirror", "res_partner");
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.drop_landing_tables()"), "28");
    assert_eq!(fingerprint(&p.mirror, MIRROR, "odoo_mirror", "res_partner"), partners);
    assert_eq!(p.mirror("SELECT name FROM odoo_mirror.res_currency WHERE id = 900"), "XTS");
    assert_eq!(p.mirror("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.drop_landing_tables()"), "0", "idempotent");
}

#[test]
fn a_failing_memory_write_never_stops_replication_and_landing_tables_are_closed_and_survive_a_restore() {
    let p = pipeline("repl-fail", 20, SUPABASE_ROLES);

    // Privileges: the landing tables are closed to everyone but their owner, even with Supabase's
    // default privileges; the set-up functions are the owner's.
    for role in ["anon", "authenticated", "service_role", "n8n_service", "superset_readonly"] {
        for table in ["public.account_move", "public.res_partner"] {
            assert_eq!(
                p.mirror.sqlstate_of(MIRROR, &format!("SET ROLE {role}; SELECT count(*) FROM {table}")).unwrap(),
                "42501",
                "{role} {table}"
            );
        }
        assert_eq!(
            p.mirror
                .sqlstate_of(MIRROR, &format!("SET ROLE {role}; SELECT * FROM odoo_mirror.create_landing_tables()"))
                .unwrap(),
            "42501"
        );
        assert_eq!(
            p.mirror
                .sqlstate_of(MIRROR, &format!("SET ROLE {role}; SELECT * FROM odoo_mirror.drop_landing_tables()"))
                .unwrap(),
            "42501"
        );
        assert_eq!(
            p.mirror.sqlstate_of(MIRROR, &format!("SET ROLE {role}; SELECT odoo_mirror.publication_sql()")).unwrap(),
            "42501"
        );
        assert_eq!(
            p.mirror.sqlstate_of(MIRROR, &format!("SET ROLE {role}; SELECT odoo_mirror.rebuild_memory()")).unwrap(),
            "42501"
        );
        assert_eq!(
            p.mirror
                .sqlstate_of(MIRROR, &format!("SET ROLE {role}; INSERT INTO public.res_currency (id) VALUES (1)"))
                .unwrap(),
            "42501"
        );
    }
    assert_eq!(p.mirror("SELECT relrowsecurity FROM pg_class WHERE oid = 'public.account_move'::regclass"), "t");
    // Superset still reads the mirror tables themselves; n8n reads replication health.
    assert_eq!(p.mirror("SET ROLE superset_readonly; SELECT count(*) > 0 FROM odoo_mirror.account_move"), "t");
    assert_eq!(p.mirror("SET ROLE n8n_service; SELECT count(*) FROM odoo_mirror.replication_status()"), "1");

    // A memory write that fails (another agent's constraint rejects it) is recorded; the invoice and
    // everything after it still replicate.
    p.mirror("ALTER TABLE ipai_memory.chunks ADD CONSTRAINT no_poison CHECK (content NOT LIKE '%POISON%')");
    p.odoo(
        "INSERT INTO public.account_move (id, name, move_type, state, payment_state, invoice_partner_display_name, amount_total) \
         VALUES (910001, 'INV/P/1', 'out_invoice', 'posted', 'not_paid', 'POISON Ltd', 5)",
    );
    p.odoo(
        "INSERT INTO public.account_move (id, name, move_type, state, payment_state, invoice_partner_display_name, amount_total) \
         VALUES (910002, 'INV/P/2', 'out_invoice', 'posted', 'not_paid', 'Healthy Ltd', 6)",
    );
    p.sync();
    assert_eq!(p.mirror("SELECT count(*) FROM odoo_mirror.account_move WHERE id IN (910001, 910002)"), "2");
    assert_eq!(
        p.mirror("SELECT source_id || ' ' || event || ' ' || sqlstate FROM odoo_mirror.memory_errors"),
        "910001 posted 23514"
    );
    assert_eq!(
        p.mirror("SELECT count(*) FROM ipai_memory.chunks WHERE source_id = '910001'"),
        "0",
        "the failed row wrote nothing half-way"
    );
    assert_eq!(p.mirror("SELECT count(*) FROM ipai_memory.chunks WHERE source_id = '910002'"), "1");
    assert_eq!(
        p.mirror("SELECT state || ' ' || apply_error_count FROM odoo_mirror.replication_status()"),
        "streaming 0"
    );
    assert_eq!(p.mirror("SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'memory errors'"), "warn");
    // Fixing the cause and rebuilding recovers the memory.
    p.mirror("ALTER TABLE ipai_memory.chunks DROP CONSTRAINT no_poison");
    assert_eq!(p.mirror("SELECT odoo_mirror.rebuild_memory()"), "1");
    assert_eq!(p.mirror("SELECT count(*) FROM ipai_memory.chunks"), expected_chunks(&p.mirror, MIRROR, "odoo_mirror"));

    // pg_dump / pg_restore with the landing tables (and the subscription) in place.
    dump_and_restore(&p.mirror, MIRROR, "mirror.dump", "restored");
    for table in &p.tables {
        assert_eq!(
            fingerprint(&p.mirror, "restored", "odoo_mirror", table),
            fingerprint(&p.mirror, MIRROR, "odoo_mirror", table),
            "{table}"
        );
    }
    let memory = "SELECT count(*) || ':' || md5(string_agg(id || content || metadata::text, '|' ORDER BY id)) FROM ipai_memory.chunks";
    assert_eq!(p.mirror.sql("restored", memory).unwrap(), p.mirror(memory));
    // The restored landing tables come back closed; re-running create_landing_tables() re-attaches
    // whatever the dump could not, and is then a no-op.
    let actions = p
        .mirror
        .sql("restored", "SELECT string_agg(DISTINCT action, ',') FROM odoo_mirror.create_landing_tables()")
        .unwrap();
    assert!(actions == "attached" || actions == "unchanged", "{actions}");
    assert_eq!(
        p.mirror
            .sql("restored", "SELECT string_agg(DISTINCT action, ',') FROM odoo_mirror.create_landing_tables()")
            .unwrap(),
        "unchanged"
    );
    assert_eq!(
        p.mirror.sqlstate_of("restored", "SET ROLE anon; SELECT count(*) FROM public.account_move").unwrap(),
        "42501"
    );
    assert_eq!(
        p.mirror.sql("restored", "SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'landing tables'").unwrap(),
        "ok"
    );
    // Rows written through the restored landing table land in the mirror table.
    p.mirror.sql("restored", "INSERT INTO public.res_currency (id, name) VALUES (901, 'XXX')").unwrap();
    assert_eq!(p.mirror.sql("restored", "SELECT name FROM odoo_mirror.res_currency WHERE id = 901").unwrap(), "XXX");
    // The original keeps streaming.
    p.odoo("UPDATE public.account_move SET payment_state = 'paid' WHERE id = 910002");
    p.sync();
    wait_for(
        &p.mirror,
        MIRROR,
        "SELECT string_agg(event, ',' ORDER BY id) FROM ipai_memory.chunks WHERE source_id = '910002'",
        "posted,paid",
        WAIT,
    )
    .unwrap();
}

/// Issue 14: a mirror on 0.6.1 with a live subscription updates to the current version while Odoo keeps
/// writing; no row is lost, and after the README's steps ("Upgrading to 0.7.0 with replication on") the
/// new tables replicate and the new columns of the existing tables fill.
#[test]
fn updating_from_0_6_1_with_a_live_subscription_loses_no_row_and_the_runbook_brings_the_new_tables() {
    let odoo = Cluster::start("repl-update-odoo", PUBLISHER_CONF).expect("odoo cluster");
    let mirror = Cluster::start("repl-update-mirror", &[]).expect("mirror cluster");
    // Odoo has every table the current version mirrors (their shape comes from a fresh install).
    mirror.create_database("fresh").unwrap();
    mirror.sql("fresh", "CREATE EXTENSION odoo_mirror").unwrap();
    odoo.create_database(ODOO).unwrap();
    odoo.psql_script(ODOO, &odoo_tables_sql(&mirror, "fresh").unwrap()).unwrap();
    let mut config = Config::new(60, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    config.schema = "public".into();
    load_generated(&odoo, ODOO, config).unwrap();
    let odoo_sql = |sql: &str| odoo.sql(ODOO, sql).unwrap();
    let mirror_sql = |sql: &str| mirror.sql(MIRROR, sql).unwrap();

    // A 0.6.1 mirror, replicating its 13 tables.
    mirror.create_database(MIRROR).unwrap();
    mirror_sql("CREATE EXTENSION odoo_mirror VERSION '0.6.1'");
    assert_eq!(mirror_sql("SELECT count(*) FROM odoo_mirror.create_landing_tables() WHERE action = 'created'"), "13");
    odoo.psql_script(ODOO, &mirror_sql("SELECT odoo_mirror.publication_sql()")).unwrap();
    mirror_sql(&format!(
        "CREATE SUBSCRIPTION {SUBSCRIPTION} CONNECTION '{}' PUBLICATION odoo_pub_scout",
        conninfo(&odoo, ODOO)
    ));
    wait_until_streaming(&mirror, MIRROR, SUBSCRIPTION, WAIT).unwrap();
    let old_tables = mirror_tables(&mirror, MIRROR).unwrap();
    assert_eq!(old_tables.len(), 13);

    // The update, while Odoo writes before, during (in a transaction the apply worker holds up behind
    // the update's locks) and after it. The company's lock date is a column 0.6.1 does not publish.
    odoo_sql("UPDATE public.res_company SET fiscalyear_lock_date = DATE '2025-12-31' WHERE id = 1");
    odoo_sql("UPDATE public.account_move SET ref = 'before update' WHERE id % 5 = 0");
    mirror_sql("ALTER EXTENSION odoo_mirror UPDATE");
    assert_eq!(mirror_sql("SELECT extversion FROM pg_extension WHERE extname = 'odoo_mirror'"), "0.7.0");
    odoo_sql("UPDATE public.account_move SET ref = 'after update' WHERE id % 7 = 0");
    odoo_sql("DELETE FROM public.account_move_line WHERE id % 11 = 0");
    odoo_sql(
        "INSERT INTO public.account_payment (id, move_id, payment_type, partner_type, amount) VALUES (990001, NULL, 'inbound', 'customer', 42)",
    );
    wait_until_replicated(&odoo, ODOO, &mirror, MIRROR, WAIT).unwrap();
    for table in &old_tables {
        assert_eq!(
            fingerprint(&mirror, MIRROR, "odoo_mirror", table),
            fingerprint(&odoo, ODOO, "public", table),
            "{table} after the update"
        );
    }
    assert_eq!(mirror_sql("SELECT count(*) FROM odoo_mirror.account_payment"), "0", "not published yet");

    // Steps 1-3: landing tables for the new tables, the publication again, a refresh.
    assert_eq!(mirror_sql("SELECT count(*) FROM odoo_mirror.create_landing_tables() WHERE action = 'created'"), "15");
    odoo.psql_script(ODOO, &mirror_sql("SELECT odoo_mirror.publication_sql()")).unwrap();
    mirror_sql(&format!("ALTER SUBSCRIPTION {SUBSCRIPTION} REFRESH PUBLICATION"));
    let ready = "SELECT tables_ready = tables_total AND tables_total = 28 FROM odoo_mirror.replication_status()";
    wait_for(&mirror, MIRROR, ready, "t", WAIT).unwrap();
    odoo_sql("UPDATE public.account_partial_reconcile SET amount = amount WHERE id % 3 = 0");
    wait_until_replicated(&odoo, ODOO, &mirror, MIRROR, WAIT).unwrap();
    let all_tables = mirror_tables(&mirror, MIRROR).unwrap();
    assert_eq!(all_tables.len(), 28);
    for table in &all_tables {
        assert_eq!(
            fingerprint(&mirror, MIRROR, "odoo_mirror", table),
            fingerprint(&odoo, ODOO, "public", table),
            "{table} after the runbook"
        );
    }
    assert_ne!(mirror_sql("SELECT count(*) FROM odoo_mirror.account_partial_reconcile"), "0");

    // Step 4: the new columns of rows Odoo has not changed since fill after a resync of their tables.
    let lock_date = "SELECT coalesce(fiscalyear_lock_date::text, 'none') FROM odoo_mirror.res_company WHERE id = 1";
    assert_eq!(mirror_sql(lock_date), "none", "the column was not published when the row last changed");
    let resynced = "public.res_company, public.hr_employee, public.project_project";
    odoo_sql(&format!("ALTER PUBLICATION odoo_pub_scout DROP TABLE {resynced}"));
    mirror_sql(&format!("ALTER SUBSCRIPTION {SUBSCRIPTION} REFRESH PUBLICATION"));
    mirror_sql("TRUNCATE odoo_mirror.res_company, odoo_mirror.hr_employee, odoo_mirror.project_project");
    odoo.psql_script(ODOO, &mirror_sql("SELECT odoo_mirror.publication_sql()")).unwrap();
    mirror_sql(&format!("ALTER SUBSCRIPTION {SUBSCRIPTION} REFRESH PUBLICATION"));
    wait_for(&mirror, MIRROR, ready, "t", WAIT).unwrap();
    wait_until_replicated(&odoo, ODOO, &mirror, MIRROR, WAIT).unwrap();
    assert_eq!(mirror_sql(lock_date), "2025-12-31");
    for (table, columns) in [
        ("res_company", "id, name, fiscalyear_lock_date, tax_lock_date, fiscalyear_last_month"),
        ("hr_employee", "id, name, department_id, expense_manager_id"),
        ("project_project", "id, name, account_id"),
    ] {
        let rows = |cluster: &Cluster, schema: &str| {
            cluster
                .sql(
                    if schema == "public" { ODOO } else { MIRROR },
                    &format!("SELECT count(*) || ':' || md5(string_agg(row({columns})::text, '|' ORDER BY id)) FROM {schema}.{table}"),
                )
                .unwrap()
        };
        assert_eq!(rows(&mirror, "odoo_mirror"), rows(&odoo, "public"), "{table} after the resync");
    }
    let failing = mirror_sql("SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'fail'");
    assert_eq!(failing, "0", "{}", mirror_sql("SELECT * FROM odoo_mirror.verify() WHERE status <> 'ok'"));
}
