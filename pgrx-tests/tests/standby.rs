//! Reads scale out on replicas: a physical hot standby of the test cluster (pg_basebackup) serves every
//! view and RPC as Superset's and n8n's roles, refuses every writer with 25006 before it writes, reports
//! itself in replication_status() (the README's lag check works there), and serves the model the
//! primary activated.

use std::thread::sleep;
use std::time::Duration;

use odoo_mirror_tests::cluster::Cluster;
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::postgrest::RpcCall;
use odoo_mirror_tests::testing::{rpc_rows, rpc_sqlstate, today};

const DB: &str = "replica";

/// Waits until the standby has replayed everything the primary wrote so far.
fn wait_for_replay(primary: &Cluster, standby: &Cluster) {
    let target = primary.sql("postgres", "SELECT pg_current_wal_insert_lsn()").expect("primary position");
    for _ in 0..600 {
        let replayed = standby
            .sql("postgres", &format!("SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"))
            .expect("standby position");
        if replayed == "t" {
            return;
        }
        sleep(Duration::from_millis(100));
    }
    panic!("the standby did not replay up to {target} within 60 s");
}

#[test]
fn a_hot_standby_serves_every_reader_and_refuses_every_writer() {
    let primary = Cluster::start("standby-primary", &[]).expect("primary");
    create_database_with_extension(&primary, DB).expect("extension");
    load_demo_data(&primary, DB, 400, today()).expect("data");
    primary
        .sql(
            DB,
            "SELECT odoo_mirror.train_churn_model(p_params => '{\"activate\": \"always\"}'); SELECT odoo_mirror.train_fraud_model(); \
             SELECT odoo_mirror.refresh_churn_predictions(); SELECT odoo_mirror.refresh_fraud_predictions(); \
             SELECT odoo_mirror.refresh_revenue_rollup(); SELECT odoo_mirror.rebuild_memory(); \
             SELECT odoo_mirror.refresh_payment_delays(); \
             CREATE SUBSCRIPTION replica_sub CONNECTION 'host=127.0.0.1 port=1 dbname=odoo' \
                 PUBLICATION odoo_pub_scout WITH (connect = false)",
        )
        .expect("models, predictions, rollup, memory and a subscription on the primary");
    let standby = Cluster::start_standby(&primary, "standby-replica").expect("standby");
    wait_for_replay(&primary, &standby);
    assert_eq!(standby.sql(DB, "SELECT pg_is_in_recovery()").unwrap(), "t");

    // Every view, as Superset reads it, answers with the primary's rows.
    let views = primary
        .sql(DB, "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relnamespace = 'odoo_mirror'::regnamespace AND relkind = 'v'")
        .unwrap();
    assert!(views.split(' ').count() >= 7, "every view: {views}");
    for view in views.split(' ') {
        let count = format!("SELECT count(*) FROM odoo_mirror.{view}");
        let on_primary = primary.sql(DB, &count).unwrap();
        let on_standby = standby.sql(DB, &format!("SET ROLE superset_readonly; {count}")).unwrap();
        assert_eq!(on_standby, on_primary, "{view} on the standby");
        assert_ne!(on_primary, "0", "{view} has rows to compare");
    }

    // Every RPC, as n8n calls it through PostgREST (GET: a read-only transaction).
    let limit = &[("p_limit", "integer")];
    for (function, args, body) in [
        ("get_pending_expenses", &limit[..], r#"{"p_limit": 50}"#),
        ("get_overdue_tasks", &limit[..], r#"{"p_limit": 50}"#),
        ("get_revenue_trends", &[("p_months", "integer")][..], r#"{"p_months": 12}"#),
        (
            "get_churn_risks",
            &[("p_limit", "integer"), ("p_min_score", "double precision")][..],
            r#"{"p_limit": 50, "p_min_score": 0}"#,
        ),
        (
            "get_suspicious_expenses",
            &[("p_limit", "integer"), ("p_min_score", "double precision")][..],
            r#"{"p_limit": 50, "p_min_score": 0}"#,
        ),
        ("replication_status", &[][..], "{}"),
    ] {
        let on_standby = rpc_rows(RpcCall::get(function, args, body, "n8n_service").run(&standby, DB).unwrap());
        let on_primary = rpc_rows(RpcCall::get(function, args, body, "n8n_service").run(&primary, DB).unwrap());
        assert_eq!(on_standby.len(), on_primary.len(), "{function} on the standby");
    }
    let partner =
        primary.sql(DB, "SELECT partner_id FROM odoo_mirror.churn_predictions ORDER BY score DESC LIMIT 1").unwrap();
    let expense =
        primary.sql(DB, "SELECT expense_id FROM odoo_mirror.fraud_predictions ORDER BY score DESC LIMIT 1").unwrap();
    let explain_churn = format!("SELECT odoo_mirror.explain_churn({partner}) ->> 'model_version'");
    let explain_fraud = format!("SELECT odoo_mirror.explain_fraud({expense}) ->> 'model_version'");
    for query in [&explain_churn, &explain_fraud] {
        assert_eq!(
            standby.sql(DB, &format!("SET ROLE n8n_service; {query}")).unwrap(),
            primary.sql(DB, query).unwrap(),
            "{query} on the standby"
        );
    }
    let search = "SET ROLE n8n_service; SELECT count(*) FROM ipai_memory.search_chunks('invoice')";
    assert_eq!(standby.sql(DB, search).unwrap(), primary.sql(DB, search).unwrap());

    // replication_status() says it is a standby, with the standby's replay lag: the README's check works.
    assert_eq!(standby.sql(DB, "SELECT state FROM odoo_mirror.replication_status()").unwrap(), "standby");
    assert_eq!(
        standby.sql(DB, "SELECT bool_and(lag_seconds < 60) FROM odoo_mirror.replication_status()").unwrap(),
        "t"
    );
    // verify() answers there, and fails nothing the primary does not.
    let failing = "SELECT count(*) FROM odoo_mirror.verify() WHERE status = 'fail'";
    assert_eq!(standby.sql(DB, failing).unwrap(), primary.sql(DB, failing).unwrap());

    // Every writer: 25006, before it writes anything.
    for writer in [
        "SELECT odoo_mirror.refresh_churn_predictions()",
        "SELECT odoo_mirror.refresh_fraud_predictions()",
        "SELECT odoo_mirror.train_churn_model()",
        "SELECT odoo_mirror.train_fraud_model()",
        "SELECT odoo_mirror.activate_model('churn', 1)",
        "SELECT odoo_mirror.import_model(odoo_mirror.export_model('churn'))",
        "SELECT odoo_mirror.rebuild_memory()",
        "SELECT odoo_mirror.refresh_revenue_rollup()",
        "SELECT odoo_mirror.refresh_payment_delays()",
        "SELECT odoo_mirror.ensure_memory_store(true)",
        "SELECT odoo_mirror.seed_fraud_labels_from_refused()",
        "SELECT * FROM odoo_mirror.create_landing_tables()",
        "SELECT * FROM odoo_mirror.drop_landing_tables()",
    ] {
        assert_eq!(standby.sqlstate_of(DB, writer).unwrap(), "25006", "{writer} on the standby");
    }
    let bad_limit = RpcCall::post("get_pending_expenses", limit, r#"{"p_limit": 0}"#, "n8n_service");
    assert_eq!(rpc_sqlstate(bad_limit.run(&standby, DB).unwrap()), "22023", "bad input is still 22023 there");

    // A model activated on the primary serves on the standby once replayed.
    let version = primary
        .sql(
            DB,
            "SELECT odoo_mirror.train_churn_model(NULL, 90, '{\"activate\": \"always\", \"l2\": 3}') ->> 'version'",
        )
        .unwrap();
    wait_for_replay(&primary, &standby);
    let active = "SELECT version FROM odoo_mirror.ml_models WHERE kind = 'churn' AND active";
    assert_eq!(primary.sql(DB, active).unwrap(), version, "activated on the primary");
    assert_eq!(standby.sql(DB, active).unwrap(), version, "replayed on the standby");
    assert_eq!(standby.sql(DB, &format!("SET ROLE n8n_service; {explain_churn}")).unwrap(), version);
}
