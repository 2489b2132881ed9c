//! The public contract as clients see it, on a real cluster with the installed extension and
//! generated data: PostgREST calls as n8n and Supabase roles, backups, and the frozen install script.

use std::collections::BTreeMap;
use std::fs;

use odoo_mirror_tests::cluster::{extension_version, workspace_dir, Cluster, PgInstall, EXTENSION_OBJECTS_SQL};
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::postgrest::RpcCall;
use odoo_mirror_tests::testing::{dump_and_restore, rpc_rows, rpc_sqlstate, script_difference, today, SUPABASE_ROLES};

const DB: &str = "contract";

/// verify() rows that are not ok, apart from the replication set-up these single-cluster tests lack and
/// the churn and fraud models they do not train.
const NOT_OK: &str =
    "status <> 'ok' AND \"check\" NOT IN ('landing tables', 'subscription', 'churn model', 'fraud model')";

#[test]
fn rpcs_through_postgrest_as_n8n_service_on_generated_data() {
    let cluster = Cluster::start("contract-rpc", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).expect("extension");
    load_demo_data(&cluster, DB, 400, today()).expect("data");
    let limit = &[("p_limit", "integer")];

    // Pending expenses: at most p_limit rows, oldest first, each awaiting approval, posting or payment.
    let rows = rpc_rows(
        RpcCall::post("get_pending_expenses", limit, r#"{"p_limit": 7}"#, "n8n_service").run(&cluster, DB).unwrap(),
    );
    assert_eq!(rows.len(), 7, "the generated data has more than 7 pending reports");
    let pending: Vec<i64> = rows.iter().map(|row| row["days_pending"].as_i64().expect("days_pending")).collect();
    assert!(pending.windows(2).all(|pair| pair[0] >= pair[1]), "oldest first: {pending:?}");
    for row in &rows {
        assert!(["submit", "approve", "post"].contains(&row["state"].as_str().unwrap()), "{row}");
        assert!(row["line_count"].as_i64().unwrap() >= 1, "{row}");
        assert!(row["total_amount"].is_number(), "money is a JSON number: {row}");
    }
    // The same rows as the SQL the analyst would write against the mirror.
    let expected = cluster
        .sql(DB, "SELECT count(*) FROM odoo_mirror.hr_expense_sheet WHERE state IN ('submit','approve','post')")
        .unwrap();
    let all = rpc_rows(
        RpcCall::post("get_pending_expenses", limit, r#"{"p_limit": 1000}"#, "n8n_service").run(&cluster, DB).unwrap(),
    );
    assert_eq!(all.len().to_string(), expected);

    // Overdue tasks: most overdue first, all open and active, deadline in the past.
    let rows = rpc_rows(
        RpcCall::get("get_overdue_tasks", limit, r#"{"p_limit": 20}"#, "n8n_service").run(&cluster, DB).unwrap(),
    );
    assert!(!rows.is_empty());
    let overdue: Vec<i64> = rows.iter().map(|row| row["days_overdue"].as_i64().unwrap()).collect();
    assert!(overdue.windows(2).all(|pair| pair[0] >= pair[1]), "most overdue first: {overdue:?}");
    let from_view = cluster
        .sql(DB, "SELECT string_agg(task_id::text, ',' ORDER BY date_deadline, task_id) FROM (SELECT task_id, date_deadline FROM odoo_mirror.v_task_summary WHERE is_overdue ORDER BY date_deadline, task_id LIMIT 20) t")
        .unwrap();
    let from_rpc: Vec<String> = rows.iter().map(|row| row["task_id"].to_string()).collect();
    assert_eq!(from_rpc.join(","), from_view, "the RPC and the view agree on what is overdue");
    assert!(rows.iter().all(|row| row["assignees"].is_array()));

    // Revenue trends: one row per month for a single-currency company, months contiguous, net = invoiced - refunded.
    let months = &[("p_months", "integer")];
    let rows = rpc_rows(
        RpcCall::post("get_revenue_trends", months, r#"{"p_months": 24}"#, "n8n_service").run(&cluster, DB).unwrap(),
    );
    assert_eq!(rows.len(), 24);
    for row in &rows {
        let net = row["net_revenue"].as_f64().unwrap();
        let diff = row["invoiced"].as_f64().unwrap() - row["refunded"].as_f64().unwrap();
        assert!((net - diff).abs() < 0.005, "{row}");
    }
    let total_rpc: f64 = rows.iter().map(|row| row["net_revenue"].as_f64().unwrap()).sum();
    let total_sql: f64 = cluster
        .sql(DB, "SELECT coalesce(sum(amount_untaxed_signed), 0) FROM odoo_mirror.account_move WHERE state = 'posted' AND move_type IN ('out_invoice','out_refund') AND invoice_date >= date_trunc('month', current_date) - interval '23 months'")
        .unwrap()
        .parse()
        .unwrap();
    assert!((total_rpc - total_sql).abs() < 0.05, "rpc {total_rpc} vs sql {total_sql}");

    // Hostile bodies: HTTP 400 (22023), never a 500.
    for bad in [r#"{"p_limit": 0}"#, r#"{"p_limit": -1}"#, r#"{"p_limit": 1001}"#, r#"{"p_limit": null}"#] {
        assert_eq!(
            rpc_sqlstate(RpcCall::post("get_pending_expenses", limit, bad, "n8n_service").run(&cluster, DB).unwrap()),
            "22023",
            "{bad}"
        );
        assert_eq!(
            rpc_sqlstate(RpcCall::post("get_overdue_tasks", limit, bad, "n8n_service").run(&cluster, DB).unwrap()),
            "22023",
            "{bad}"
        );
    }
    for bad in [r#"{"p_months": 0}"#, r#"{"p_months": 121}"#, r#"{"p_months": null}"#] {
        assert_eq!(
            rpc_sqlstate(RpcCall::post("get_revenue_trends", months, bad, "n8n_service").run(&cluster, DB).unwrap()),
            "22023",
            "{bad}"
        );
    }
    // A value of the wrong type fails in PostgREST's own json_to_record: 22P02, still a 400.
    assert_eq!(
        rpc_sqlstate(
            RpcCall::post("get_pending_expenses", limit, r#"{"p_limit": "ten"}"#, "n8n_service")
                .run(&cluster, DB)
                .unwrap()
        ),
        "22P02"
    );

    // Superset's role may not call the RPCs: 42501 (403).
    assert_eq!(
        rpc_sqlstate(
            RpcCall::post("get_pending_expenses", limit, r#"{"p_limit": 5}"#, "superset_readonly")
                .run(&cluster, DB)
                .unwrap()
        ),
        "42501"
    );
}

#[test]
fn supabase_roles_get_exactly_what_they_should() {
    let cluster = Cluster::start("contract-supabase", &[]).expect("cluster");
    cluster.create_database(DB).unwrap();
    // Supabase's roles exist before the extension is created, with Supabase's habit of default privileges.
    cluster.sql(DB, SUPABASE_ROLES).unwrap();
    cluster.sql(DB, "CREATE EXTENSION odoo_mirror").unwrap();
    load_demo_data(&cluster, DB, 100, today()).unwrap();
    let limit = &[("p_limit", "integer")];

    let rows = rpc_rows(
        RpcCall::post("get_overdue_tasks", limit, r#"{"p_limit": 3}"#, "service_role").run(&cluster, DB).unwrap(),
    );
    assert_eq!(rows.len(), 3, "the generated data has more than 3 overdue tasks");
    // service_role gets exactly what n8n_service gets, whatever default privileges said: no tables.
    assert_eq!(
        cluster.sqlstate_of(DB, "SET ROLE service_role; SELECT count(*) FROM odoo_mirror.account_move").unwrap(),
        "42501"
    );
    assert_eq!(
        cluster.sqlstate_of(DB, "SET ROLE service_role; SELECT odoo_mirror.refresh_revenue_rollup()").unwrap(),
        "42501"
    );
    for role in ["anon", "authenticated"] {
        assert_eq!(
            rpc_sqlstate(
                RpcCall::post("get_overdue_tasks", limit, r#"{"p_limit": 3}"#, role).run(&cluster, DB).unwrap()
            ),
            "42501",
            "{role}"
        );
        assert_eq!(
            cluster
                .sqlstate_of(DB, &format!("SET ROLE {role}; SELECT count(*) FROM odoo_mirror.v_invoice_summary"))
                .unwrap(),
            "42501"
        );
        // The finance RPCs (0.7.0): not for Supabase's public roles either.
        let as_of = &[("p_as_of", "date"), ("p_company_id", "integer")];
        assert_eq!(
            rpc_sqlstate(RpcCall::post("get_aging", as_of, r#"{"p_company_id": 1}"#, role).run(&cluster, DB).unwrap()),
            "42501",
            "{role}"
        );
        assert_eq!(
            rpc_sqlstate(
                RpcCall::post("get_collections_worklist", limit, r#"{"p_limit": 3}"#, role).run(&cluster, DB).unwrap()
            ),
            "42501",
            "{role}"
        );
    }
    // service_role and the read-only role call them; a future or missing date is a 400 (22023).
    let as_of = &[("p_as_of", "date"), ("p_company_id", "integer")];
    let aging = rpc_rows(
        RpcCall::post("get_aging", as_of, r#"{"p_as_of": "2026-01-31", "p_company_id": 1}"#, "service_role")
            .run(&cluster, DB)
            .unwrap(),
    );
    assert!(aging.iter().all(|row| row["as_of_date"] == "2026-01-31" && row["company_id"] == 1), "{aging:?}");
    assert_eq!(
        rpc_sqlstate(
            RpcCall::get("get_aging", as_of, r#"{"p_as_of": "2999-01-01"}"#, "superset_readonly")
                .run(&cluster, DB)
                .unwrap()
        ),
        "22023"
    );
    assert_eq!(
        rpc_sqlstate(
            RpcCall::post("get_aging", as_of, r#"{"p_as_of": null}"#, "service_role").run(&cluster, DB).unwrap()
        ),
        "22023"
    );
    // Memory search runs as its caller: service_role reads chunks (anon and authenticated do not), also
    // after rebuild_memory() re-creates the store, whose new tables first lose what default privileges gave.
    let search = "SET ROLE service_role; SELECT count(*) > 0 FROM ipai_memory.search_chunks('invoice')";
    assert_eq!(cluster.sql(DB, search).unwrap(), "t");
    cluster.sql(DB, "DROP TABLE ipai_memory.chunks, ipai_memory.sessions CASCADE").unwrap();
    cluster.sql(DB, "SELECT odoo_mirror.rebuild_memory()").unwrap();
    assert_eq!(cluster.sql(DB, search).unwrap(), "t", "service_role searches the re-created store");
    for role in ["anon", "authenticated"] {
        assert_eq!(
            cluster.sqlstate_of(DB, &format!("SET ROLE {role}; SELECT count(*) FROM ipai_memory.chunks")).unwrap(),
            "42501",
            "{role}"
        );
    }
    // What a schedule runs (README): without it verify() warns that the payment delays were never computed.
    cluster.sql(DB, "SELECT odoo_mirror.refresh_payment_delays()").unwrap();
    let failing = cluster.sql(DB, &format!("SELECT count(*) FROM odoo_mirror.verify() WHERE {NOT_OK}")).unwrap();
    assert_eq!(
        failing,
        "0",
        "{}",
        cluster.sql(DB, &format!("SELECT * FROM odoo_mirror.verify() WHERE {NOT_OK}")).unwrap()
    );
    let checks = cluster.sql(DB, "SELECT string_agg(\"check\", ',' ORDER BY \"check\") FROM odoo_mirror.verify() WHERE \"check\" LIKE 'grants %'").unwrap();
    for expected in ["grants anon", "grants authenticated", "grants service_role"] {
        assert!(checks.contains(expected), "verify() checks {expected}: {checks}");
    }
}

/// Row count and a content hash of every mirror table (the tables pg_dump keeps).
fn table_fingerprints(cluster: &Cluster, database: &str) -> BTreeMap<String, String> {
    let tables = cluster
        .sql(database, "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_extension AS e, unnest(e.extconfig) AS t(oid) JOIN pg_class AS c ON c.oid = t.oid WHERE e.extname = 'odoo_mirror' AND c.relkind = 'r'")
        .unwrap();
    tables
        .split(' ')
        .map(|table| {
            let fingerprint = cluster
                .sql(database, &format!("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM odoo_mirror.{table} AS t"))
                .unwrap();
            (table.to_string(), fingerprint)
        })
        .collect()
}

#[test]
fn pg_dump_and_pg_restore_keep_every_mirrored_row() {
    let cluster = Cluster::start("contract-dump", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 300, today()).unwrap();
    // A refreshed rollup, so that revenue after the restore (rollup not dumped) is computed another way.
    cluster.sql(DB, "SELECT odoo_mirror.refresh_revenue_rollup()").unwrap();
    // Auditors' labels are user data: dumped with their rows (filled here so the round trip shows it).
    cluster.sql(DB, "INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by, note) SELECT id, id % 2 = 0, 'auditor', 'checked' FROM odoo_mirror.hr_expense WHERE id % 7 = 0").unwrap();
    let before = table_fingerprints(&cluster, DB);
    assert_eq!(
        before.len(),
        32,
        "28 mirror tables, memory_errors, ml_models, expense_labels and prediction_history: {before:?}"
    );
    assert!(
        before
            .iter()
            .all(|(table, fingerprint)| ["memory_errors", "ml_models", "prediction_history"].contains(&table.as_str())
                || !fingerprint.starts_with("0:")),
        "every mirror table has rows: {before:?}"
    );
    // Memory is not the extension's: pg_dump keeps it as an ordinary schema.
    let memory = "SELECT count(*) || ':' || md5(string_agg(c.id || c.source_id || c.event || c.content || c.metadata::text || c.search_vector::text, '|' ORDER BY c.id)) FROM ipai_memory.chunks AS c";
    let memory_before = cluster.sql(DB, memory).unwrap();
    assert!(!memory_before.starts_with("0:"), "the demo invoices became memory");

    dump_and_restore(&cluster, DB, "contract.dump", "restored");
    // Derived tables are not dumped: the payment delays are computed again after a restore (README,
    // Backups), until then verify() says so.
    assert_eq!(
        cluster.sql("restored", "SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'payment delays'").unwrap(),
        "warn"
    );
    cluster.sql("restored", "SELECT odoo_mirror.refresh_payment_delays()").unwrap();

    assert_eq!(table_fingerprints(&cluster, "restored"), before);
    assert_eq!(cluster.sql("restored", memory).unwrap(), memory_before, "memory chunks survive the restore");
    // The restored trigger still writes memory, into the restored session.
    cluster
        .sql("restored", "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (990000002, 'INV/RESTORED/1', 'out_invoice', 'posted', 10)")
        .unwrap();
    assert_eq!(
        cluster.sql("restored", "SELECT count(*) FROM ipai_memory.chunks WHERE source_id = '990000002'").unwrap(),
        "1"
    );
    assert_eq!(
        cluster.sql("restored", "SELECT count(*) FROM ipai_memory.sessions WHERE agent_name = 'odoo-sync'").unwrap(),
        "1"
    );
    // The same extension objects: definitions, settings, trigger modes (ENABLE ALWAYS) and privileges.
    let objects = cluster.sql(DB, EXTENSION_OBJECTS_SQL).unwrap();
    assert!(objects.lines().count() > 500, "the description lists every object: {}", objects.lines().count());
    assert!(objects.contains("trigger odoo_mirror.account_move revenue_stale_on_update A"), "{objects}");
    let restored = cluster.sql("restored", EXTENSION_OBJECTS_SQL).unwrap();
    if restored != objects {
        let before: std::collections::BTreeSet<&str> = objects.lines().collect();
        let after: std::collections::BTreeSet<&str> = restored.lines().collect();
        panic!(
            "the restore changed extension objects:\nonly before: {:?}\nonly after: {:?}",
            before.difference(&after).collect::<Vec<_>>(),
            after.difference(&before).collect::<Vec<_>>()
        );
    }
    let failing =
        cluster.sql("restored", &format!("SELECT count(*) FROM odoo_mirror.verify() WHERE {NOT_OK}")).unwrap();
    assert_eq!(
        failing,
        "0",
        "{}",
        cluster.sql("restored", &format!("SELECT * FROM odoo_mirror.verify() WHERE {NOT_OK}")).unwrap()
    );
    // The revenue rollup is not dumped: the restore marks every date stale, so revenue stays exact.
    let trends = "SELECT sum(net_revenue) FROM odoo_mirror.get_revenue_trends(120)";
    assert_eq!(cluster.sql("restored", trends).unwrap(), cluster.sql(DB, trends).unwrap());
    // The restored grants still let Superset read.
    let invoices = cluster
        .sql("restored", "SET ROLE superset_readonly; SELECT count(*) > 0 FROM odoo_mirror.v_invoice_summary")
        .unwrap();
    assert_eq!(invoices, "t");
}

#[test]
fn generated_install_script_equals_the_frozen_one_for_this_version() {
    let version = extension_version();
    assert!(!version.is_empty(), "package version in Cargo.toml");
    let frozen_path = workspace_dir().join("sql").join(format!("odoo_mirror--{version}.sql"));
    let frozen = fs::read_to_string(&frozen_path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: every version's install script is frozen in sql/ when it is released",
            frozen_path.display()
        )
    });
    let install = PgInstall::detect().unwrap();
    let generated_path = install.extension_dir().join(format!("odoo_mirror--{version}.sql"));
    let generated = fs::read_to_string(&generated_path)
        .unwrap_or_else(|_| panic!("{} is missing: run `make install` first", generated_path.display()));
    // The same statements, in any order: pgrx orders entities by its dependency graph, and that
    // order moves with the code (testing::script_difference's own tests show any change is caught).
    let (only_frozen, only_generated) = script_difference(&frozen, &generated);
    assert!(
        only_frozen.is_empty() && only_generated.is_empty(),
        "the SQL generated for {version} differs from the frozen sql/odoo_mirror--{version}.sql:\n\
         only in the frozen script: {only_frozen:#?}\nonly in the generated one: {only_generated:#?}\n\
         A released version is frozen: bump the version and add sql/odoo_mirror--{version}--<new>.sql."
    );
}

/// Revenue trends against account_move, for the last 12 months.
fn trends_and_direct(cluster: &Cluster) -> (String, String) {
    let rpc = cluster.sql(DB, "SELECT sum(net_revenue) FROM odoo_mirror.get_revenue_trends(12)").unwrap();
    let direct = cluster
        .sql(
            DB,
            "SELECT coalesce(sum(amount_untaxed_signed), 0)::numeric(20,2) FROM odoo_mirror.account_move \
             WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund') \
             AND invoice_date >= date_trunc('month', current_date) - interval '11 months'",
        )
        .unwrap();
    (rpc, direct)
}

#[test]
fn revenue_stays_exact_while_writers_and_refreshes_run_concurrently() {
    let cluster = Cluster::start("contract-concurrency", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 200, today()).unwrap();
    cluster.sql(DB, "SELECT odoo_mirror.refresh_revenue_rollup()").unwrap();
    // Committed marks on the dates the writers will touch, which the refreshes below will fold and delete.
    cluster
        .sql(
            DB,
            "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed)              SELECT 899000000 + g, 'SEED', 'out_invoice', 'posted', 1, current_date - g, 1 FROM generate_series(0, 39) AS g",
        )
        .unwrap();

    // Writers take their snapshot while those marks exist, let the refreshes run, then write (a
    // REPEATABLE READ writer still sees the deleted marks) and hold their transaction open a moment.
    // The REPEATABLE READ writer gets dates of its own, so that no other writer marks them for it.
    let writer = |first_id: i64, repeatable_read: bool| {
        let isolation = if repeatable_read { "ISOLATION LEVEL REPEATABLE READ" } else { "" };
        let first_day = if repeatable_read { 20 } else { 0 };
        let script = format!(
            "BEGIN {isolation};\n\
             SELECT count(*) FROM odoo_mirror.revenue_daily_stale;\n\
             SELECT pg_sleep(0.4);\n\
             INSERT INTO odoo_mirror.account_move (id, name, move_type, state, company_id, invoice_date, amount_untaxed_signed) \
             SELECT {first_id} + g, 'CONC', 'out_invoice', 'posted', 1, current_date - {first_day} - (g % 20), 10 + g FROM generate_series(0, 49) AS g;\n\
             SELECT pg_sleep(0.5);\n\
             UPDATE odoo_mirror.account_move SET amount_untaxed_signed = amount_untaxed_signed + 1 WHERE id = {first_id};\n\
             COMMIT;\n"
        );
        let mut command = cluster.psql_command(DB);
        command.args(["-f", "-"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::null());
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        child
    };
    let refresher = || {
        let mut command = cluster.psql_command(DB);
        command.args(["-c", "SELECT odoo_mirror.refresh_revenue_rollup()"]).stdout(std::process::Stdio::null());
        command.spawn().unwrap()
    };
    let mut children = vec![writer(900_000_000, false), writer(900_100_000, true)];
    std::thread::sleep(std::time::Duration::from_millis(100));
    children.push(refresher());
    children.push(refresher());
    children.push(writer(900_200_000, false));
    for mut child in children {
        // A refresh that waited past its lock_timeout fails on its own; nothing else may.
        let _ = child.wait();
    }
    let (rpc, direct) = trends_and_direct(&cluster);
    assert_eq!(rpc, direct, "revenue trends disagree with account_move after concurrent writes and refreshes");
    cluster.sql(DB, "SELECT odoo_mirror.refresh_revenue_rollup()").unwrap();
    let (rpc, direct) = trends_and_direct(&cluster);
    assert_eq!(rpc, direct, "revenue trends disagree with account_move after the final refresh");
    assert_eq!(
        cluster.sql(DB, "SELECT status FROM odoo_mirror.verify() WHERE \"check\" = 'rollup revenue_daily'").unwrap(),
        "ok"
    );
    assert_eq!(cluster.sql(DB, "SELECT count(*) FROM odoo_mirror.account_move WHERE name = 'CONC'").unwrap(), "150");
}

/// A PostgREST call to a function in ipai_memory (header `Content-Profile: ipai_memory`).
fn memory_call(method: &str, body: &str, role: &str) -> RpcCall {
    let args = &[("p_query", "text"), ("p_limit", "integer")];
    let mut call = if method == "GET" {
        RpcCall::get("search_chunks", args, body, role)
    } else {
        RpcCall::post("search_chunks", args, body, role)
    };
    call.schema = "ipai_memory".into();
    call
}

#[test]
fn memory_search_and_replication_status_through_postgrest() {
    let cluster = Cluster::start("contract-memory", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 150, today()).unwrap();
    let invoices = cluster
        .sql(DB, "SELECT count(*) FROM odoo_mirror.account_move WHERE move_type IN ('out_invoice','out_refund','in_invoice','in_refund')")
        .unwrap();
    assert_eq!(
        cluster.sql(DB, "SELECT count(*) FROM ipai_memory.chunks").unwrap(),
        invoices,
        "one chunk per loaded invoice"
    );

    // A customer's paid invoices, as an agent asks for them: ranked, at most p_limit, each matching.
    let customer = cluster
        .sql(DB, "SELECT split_part(invoice_partner_display_name, ' ', 1) FROM odoo_mirror.account_move WHERE move_type = 'out_invoice' AND payment_state = 'paid' ORDER BY id LIMIT 1")
        .unwrap();
    let rows = rpc_rows(
        memory_call("POST", &format!(r#"{{"p_query": "{customer} paid", "p_limit": 5}}"#), "n8n_service")
            .run(&cluster, DB)
            .unwrap(),
    );
    assert!(!rows.is_empty() && rows.len() <= 5, "{rows:?}");
    let ranks: Vec<f64> = rows.iter().map(|row| row["rank"].as_f64().unwrap()).collect();
    assert!(ranks.windows(2).all(|pair| pair[0] >= pair[1]), "best first: {ranks:?}");
    for row in &rows {
        let content = row["content"].as_str().unwrap().to_lowercase();
        assert!(content.contains(&customer.to_lowercase()) && content.contains("paid"), "{row}");
        assert_eq!(row["metadata"]["event"], "paid", "{row}");
        assert!(row["metadata"]["move_id"].is_number(), "{row}");
    }
    // GET works too (STABLE: PostgREST serves it in a read-only transaction).
    let via_get = rpc_rows(
        memory_call("GET", r#"{"p_query": "vendor bill", "p_limit": 3}"#, "n8n_service").run(&cluster, DB).unwrap(),
    );
    assert_eq!(via_get.len(), 3);
    // Bad input: 22023 (HTTP 400); roles without EXECUTE: 42501.
    for bad in [
        r#"{"p_query": "", "p_limit": 5}"#,
        r#"{"p_query": "the of and", "p_limit": 5}"#,
        r#"{"p_query": "x", "p_limit": 0}"#,
        r#"{"p_query": null, "p_limit": 5}"#,
    ] {
        assert_eq!(rpc_sqlstate(memory_call("POST", bad, "n8n_service").run(&cluster, DB).unwrap()), "22023", "{bad}");
    }
    assert_eq!(
        rpc_sqlstate(
            memory_call("POST", r#"{"p_query": "invoice", "p_limit": 5}"#, "superset_readonly")
                .run(&cluster, DB)
                .unwrap()
        ),
        "42501"
    );

    // Replication health for a monitoring workflow: no subscription in this database, an empty array.
    let status = rpc_rows(RpcCall::get("replication_status", &[], "{}", "n8n_service").run(&cluster, DB).unwrap());
    assert!(status.is_empty(), "{status:?}");
}
