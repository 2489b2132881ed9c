//! Upgrade discipline: every released version, installed from its frozen script and filled with data,
//! updates with ALTER EXTENSION odoo_mirror UPDATE to objects identical to a fresh install of the
//! current version, with every row kept.

use std::collections::BTreeSet;
use std::fs;

use odoo_mirror_tests::cluster::{extension_version, workspace_dir, Cluster, EXTENSION_OBJECTS_SQL};
use odoo_mirror_tests::demo::load_demo_data;

/// Versions with a frozen install script in sql/, other than the current one.
/// The "today" of the generated data (a date its churn holdout has enough of both classes).
const GENERATED_ON: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2026, 12, 6) {
    Some(date) => date,
    None => chrono::NaiveDate::MIN,
};

fn released_versions(current: &str) -> Vec<String> {
    let mut versions: Vec<String> = fs::read_dir(workspace_dir().join("sql"))
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_prefix("odoo_mirror--")?.strip_suffix(".sql").map(str::to_string))
        .filter(|version| !version.contains("--") && version != current)
        .collect();
    versions.sort();
    versions
}

/// Row count and content hash of every mirror table and of memory.
fn data_fingerprint(cluster: &Cluster, database: &str, tables: &[&str]) -> Vec<String> {
    tables
        .iter()
        .map(|table| {
            cluster
                .sql(database, &format!("SELECT '{table} ' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} AS t"))
                .unwrap()
        })
        .collect()
}

fn assert_same_objects(cluster: &Cluster, expected_db: &str, actual_db: &str, what: &str) {
    let expected = cluster.sql(expected_db, EXTENSION_OBJECTS_SQL).unwrap();
    let actual = cluster.sql(actual_db, EXTENSION_OBJECTS_SQL).unwrap();
    if expected != actual {
        let expected: BTreeSet<&str> = expected.lines().collect();
        let actual: BTreeSet<&str> = actual.lines().collect();
        panic!(
            "{what}: objects differ from a fresh install\nonly in the fresh install: {:#?}\nonly after the update: {:#?}",
            expected.difference(&actual).collect::<Vec<_>>(),
            actual.difference(&expected).collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_released_version_updates_to_the_objects_of_a_fresh_install_and_keeps_its_data() {
    let current = extension_version();
    assert!(!current.is_empty(), "package version in Cargo.toml");
    let released = released_versions(&current);
    assert!(!released.is_empty(), "0.1.0 is released: sql/odoo_mirror--0.1.0.sql must exist");
    let cluster = Cluster::start("upgrade", &[]).expect("cluster");
    cluster.create_database("fresh").unwrap();
    cluster.sql("fresh", "CREATE EXTENSION odoo_mirror").unwrap();

    for version in &released {
        let database = format!("from_{}", version.replace('.', "_"));
        cluster.create_database(&database).unwrap();
        cluster.sql(&database, &format!("CREATE EXTENSION odoo_mirror VERSION '{version}'")).unwrap();
        assert_eq!(
            cluster.sql(&database, "SELECT extversion FROM pg_extension WHERE extname = 'odoo_mirror'").unwrap(),
            *version
        );
        // A fixed generation date: at this small scale, some dates leave fewer than 10 churned customers in
        // the churn holdout and training (rightly) refuses; the test must not depend on the calendar.
        load_demo_data(&cluster, &database, 60, GENERATED_ON).unwrap();
        cluster.sql(&database, "SELECT odoo_mirror.refresh_revenue_rollup()").unwrap();
        let tables = [
            "odoo_mirror.account_move",
            "odoo_mirror.account_move_line",
            "odoo_mirror.res_partner",
            "odoo_mirror.hr_expense",
            "odoo_mirror.hr_expense_sheet",
            "odoo_mirror.project_task",
            "odoo_mirror.revenue_daily",
        ];
        let before = data_fingerprint(&cluster, &database, &tables);
        let trends = "SELECT string_agg(t::text, '|') FROM odoo_mirror.get_revenue_trends(24) AS t";
        let trends_before = cluster.sql(&database, trends).unwrap();

        cluster.sql(&database, "ALTER EXTENSION odoo_mirror UPDATE").unwrap();
        assert_eq!(
            cluster.sql(&database, "SELECT extversion FROM pg_extension WHERE extname = 'odoo_mirror'").unwrap(),
            current
        );
        assert_same_objects(&cluster, "fresh", &database, &format!("{version} -> {current}"));
        assert_eq!(data_fingerprint(&cluster, &database, &tables), before, "{version} -> {current}: rows changed");
        assert_eq!(cluster.sql(&database, trends).unwrap(), trends_before);

        // The new version works on the old data: memory is rebuilt from the mirror, and new invoices
        // become memory through the trigger.
        let invoices = cluster
            .sql(&database, "SELECT count(*) FROM odoo_mirror.account_move WHERE move_type IN ('out_invoice','out_refund','in_invoice','in_refund')")
            .unwrap();
        assert_ne!(invoices, "0");
        // Versions with the memory trigger (0.2.0 on) wrote chunks while the data loaded; rebuild writes
        // what is missing, one chunk per invoice in its current state.
        let remembered: i64 = cluster
            .sql(
                &database,
                "SELECT count(DISTINCT source_id) FROM ipai_memory.chunks WHERE source_table = 'account_move'",
            )
            .unwrap()
            .parse()
            .unwrap();
        let written: i64 = cluster.sql(&database, "SELECT odoo_mirror.rebuild_memory()").unwrap().parse().unwrap();
        assert_eq!(
            written + remembered,
            invoices.parse::<i64>().unwrap(),
            "{version}: one chunk per invoice, in its current state"
        );
        cluster
            .sql(&database, "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (990000001, 'INV/UPGRADE/1', 'out_invoice', 'posted', 10)")
            .unwrap();
        assert_eq!(
            cluster.sql(&database, "SELECT string_agg(event, ',' ORDER BY event) FROM ipai_memory.chunks WHERE source_id = '990000001'").unwrap(),
            "posted"
        );
        // The churn model trains on the old data and scores it.
        let trained = cluster
            .sql(&database, "SELECT odoo_mirror.train_churn_model(NULL, 90, '{\"min_customers\": 10, \"activate\": \"always\"}')->>'version'")
            .unwrap();
        assert_eq!(trained, "1");
        let scored = cluster
            .sql(&database, "SELECT count(*) > 0 AND bool_and(score BETWEEN 0 AND 1) FROM odoo_mirror.churn_scores()")
            .unwrap();
        assert_eq!(scored, "t");
        let not_ok = cluster.sql(&database, "SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'fail'").unwrap();
        assert_eq!(
            not_ok,
            "0",
            "{}",
            cluster.sql(&database, "SELECT * FROM odoo_mirror.verify() WHERE status = 'fail'").unwrap()
        );
    }
}

#[test]
fn drop_extension_keeps_memory_and_a_reinstall_uses_it() {
    let cluster = Cluster::start("upgrade-drop", &[]).expect("cluster");
    cluster.create_database("memory").unwrap();
    cluster.sql("memory", "CREATE EXTENSION odoo_mirror").unwrap();
    cluster
        .sql("memory", "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (1, 'INV/1', 'out_invoice', 'posted', 10)")
        .unwrap();
    // Another agent's rows in the shared schema.
    cluster
        .sql("memory", "INSERT INTO ipai_memory.sessions (agent_name) VALUES ('planner'); \
                        INSERT INTO ipai_memory.chunks (session_id, source_table, source_id, event, content) \
                        SELECT id, 'notes', 'n1', 'written', 'a planner note' FROM ipai_memory.sessions WHERE agent_name = 'planner'")
        .unwrap();
    let memory =
        "SELECT string_agg(source_table || '/' || source_id || '/' || event, ',' ORDER BY id) FROM ipai_memory.chunks";
    let before = cluster.sql("memory", memory).unwrap();
    assert_eq!(before, "account_move/1/posted,notes/n1/written");

    cluster.sql("memory", "DROP EXTENSION odoo_mirror").unwrap();
    assert_eq!(cluster.sql("memory", memory).unwrap(), before, "DROP EXTENSION deleted memory");
    assert_eq!(cluster.sql("memory", "SELECT count(*) FROM ipai_memory.sessions").unwrap(), "2");

    // A reinstall finds the store, keeps it, and writes into it again.
    cluster.sql("memory", "CREATE EXTENSION odoo_mirror").unwrap();
    cluster
        .sql("memory", "INSERT INTO odoo_mirror.account_move (id, name, move_type, state, amount_total) VALUES (1, 'INV/1', 'out_invoice', 'posted', 10)")
        .unwrap();
    assert_eq!(cluster.sql("memory", memory).unwrap(), before, "replaying the same invoice adds nothing");
    assert_eq!(
        cluster.sql("memory", "SELECT count(*) FROM ipai_memory.sessions WHERE agent_name = 'odoo-sync'").unwrap(),
        "1"
    );
    let members = cluster
        .sql("memory", "SELECT count(*) FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e' \
                        AND ((classid = 'pg_namespace'::regclass AND objid = 'ipai_memory'::regnamespace) \
                             OR (classid = 'pg_class'::regclass AND objid IN ('ipai_memory.chunks'::regclass, 'ipai_memory.sessions'::regclass)))")
        .unwrap();
    assert_eq!(members, "0", "ipai_memory must not belong to the extension");
}
