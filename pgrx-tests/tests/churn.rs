//! The churn model as its clients see it, on a real cluster with the installed extension and generated
//! data: n8n through PostgREST, Superset's role, pg_dump/pg_restore of the model store, and scoring
//! while another session trains and activates a model.

use odoo_mirror_tests::cluster::Cluster;
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::postgrest::RpcCall;
use odoo_mirror_tests::testing::{dump_and_restore, json, rpc_rows, rpc_sqlstate, today};
use serde_json::Value;

const DB: &str = "churn";
const RISK_ARGS: &[(&str, &str)] = &[("p_limit", "integer"), ("p_min_score", "double precision")];

#[test]
fn get_churn_risks_through_postgrest_as_n8n_service() {
    let cluster = Cluster::start("churn-rpc", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 600, today()).unwrap();

    // Before any training: 42704, which PostgREST answers with 400, never a 500.
    let call = |body: &str| RpcCall::post("get_churn_risks", RISK_ARGS, body, "n8n_service").run(&cluster, DB).unwrap();
    assert_eq!(rpc_sqlstate(call(r#"{"p_limit": 5, "p_min_score": 0.5}"#)), "42704");

    // Whether the model qualifies on this small sample is not this test's question: activate it.
    let report = json(&cluster, DB, "SELECT odoo_mirror.train_churn_model(p_params => '{\"activate\": \"always\"}')");
    assert_eq!(report["activated"], true, "{report}");
    let auc = report["model"]["roc_auc"].as_f64().unwrap();
    let baseline = report["holdout_report"]["recency_baseline"]["metrics"]["roc_auc"].as_f64().unwrap();
    assert!(auc > 0.6 && auc >= baseline - 0.02, "model {auc} against recency {baseline}: {report}");

    let risks = rpc_rows(call(r#"{"p_limit": 8, "p_min_score": 0.3}"#));
    assert!(!risks.is_empty() && risks.len() <= 8, "{risks:?}");
    let scores: Vec<f64> = risks.iter().map(|row| row["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "riskiest first: {scores:?}");
    for row in &risks {
        let score = row["score"].as_f64().unwrap();
        assert!((0.3..=1.0).contains(&score), "{row}");
        assert!(row["partner_name"].is_string(), "{row}");
        assert!(["high", "medium", "low"].contains(&row["risk_band"].as_str().unwrap()), "{row}");
        let reasons = row["top_reasons"].as_array().unwrap();
        assert!(!reasons.is_empty() && reasons.len() <= 3 && reasons.iter().all(Value::is_string), "{row}");
        assert!(row["revenue_at_risk"].as_f64().unwrap() >= 0.0, "money is a JSON number: {row}");
        assert_eq!(row["model_version"], 1);
        // The same score as churn_score() gives the analyst.
        let direct: f64 = cluster
            .sql(DB, &format!("SELECT odoo_mirror.churn_score({})", row["partner_id"]))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(direct, score, "{row}");
    }
    // GET works too (a STABLE function runs in PostgREST's read-only transaction).
    let by_get = rpc_rows(
        RpcCall::get("get_churn_risks", RISK_ARGS, r#"{"p_limit": 8, "p_min_score": 0.3}"#, "n8n_service")
            .run(&cluster, DB)
            .unwrap(),
    );
    assert_eq!(by_get, risks);
    // Defaults: 20 rows at most, 0.5 and up.
    let defaults = rpc_rows(RpcCall::post("get_churn_risks", &[], "{}", "n8n_service").run(&cluster, DB).unwrap());
    assert!(defaults.len() <= 20 && defaults.iter().all(|row| row["score"].as_f64().unwrap() >= 0.5));

    // Bad input is 22023 (HTTP 400).
    assert_eq!(rpc_sqlstate(call(r#"{"p_limit": 0, "p_min_score": 0.5}"#)), "22023");
    assert_eq!(rpc_sqlstate(call(r#"{"p_limit": 5, "p_min_score": 1.5}"#)), "22023");
    assert_eq!(rpc_sqlstate(call(r#"{"p_limit": 5, "p_min_score": null}"#)), "22023");
    // explain_churn as n8n (called in FROM like the set-returning RPCs; PostgREST wraps a scalar
    // function in a sub-select instead, which runs the same call).
    let explain = RpcCall::post(
        "explain_churn",
        &[("p_partner_id", "integer")],
        &format!(r#"{{"p_partner_id": {}}}"#, risks[0]["partner_id"]),
        "n8n_service",
    );
    let explained = rpc_rows(explain.run(&cluster, DB).unwrap());
    assert_eq!(explained.len(), 1);
    assert!(explained[0].to_string().contains("top_reasons"), "{explained:?}");

    // Training, activation and the model store are the owner's.
    for sql in [
        "SELECT odoo_mirror.train_churn_model()",
        "SELECT odoo_mirror.activate_model('churn', 1)",
        "SELECT odoo_mirror.refresh_churn_predictions()",
        "SELECT count(*) FROM odoo_mirror.ml_models",
    ] {
        assert_eq!(cluster.sqlstate_of(DB, &format!("SET ROLE n8n_service; {sql}")).unwrap(), "42501", "{sql}");
    }
    // Superset reads the predictions through the view.
    cluster.sql(DB, "SELECT odoo_mirror.refresh_churn_predictions()").unwrap();
    let superset = cluster
        .sql(DB, "SET ROLE superset_readonly; SELECT count(*) > 0 AND bool_and(score BETWEEN 0 AND 1) FROM odoo_mirror.v_churn_risk")
        .unwrap();
    assert_eq!(superset, "t");
    assert_eq!(
        cluster.sqlstate_of(DB, "SET ROLE superset_readonly; SELECT odoo_mirror.train_churn_model()").unwrap(),
        "42501"
    );
}

/// Every model row and every score, for comparing two databases.
const MODELS: &str = "SELECT string_agg(concat_ws('|', id, kind, version, created_at, params, features, metrics, model, active), E'\\n' ORDER BY id) FROM odoo_mirror.ml_models";
const SCORES: &str =
    "SELECT md5(string_agg(partner_id || ':' || score, ',' ORDER BY partner_id)) FROM odoo_mirror.churn_scores()";

#[test]
fn models_survive_pg_dump_and_pg_restore_and_score_the_same() {
    let cluster = Cluster::start("churn-dump", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 300, today()).unwrap();
    cluster.sql(DB, "SELECT odoo_mirror.train_churn_model(p_params => '{\"activate\": \"always\"}')").unwrap();
    cluster.sql(DB, "SELECT odoo_mirror.train_churn_model(NULL, 60, '{\"activate\": \"never\"}')").unwrap();
    let models = cluster.sql(DB, MODELS).unwrap();
    assert_eq!(models.lines().count(), 2);
    let scores = cluster.sql(DB, SCORES).unwrap();

    dump_and_restore(&cluster, DB, "churn.dump", "restored");

    // Every version, its metrics and which one is active; the restored active model scores the same.
    assert_eq!(cluster.sql("restored", MODELS).unwrap(), models);
    assert_eq!(cluster.sql("restored", SCORES).unwrap(), scores);
    // The identity sequence came along: the next version gets the next id, no collision.
    let next = cluster
        .sql("restored", "SELECT odoo_mirror.import_model(odoo_mirror.export_model('churn', 2)) ->> 'model_id'")
        .unwrap();
    assert_eq!(next, "3");
    // Predictions are derived, not dumped; the kept snapshots (monitoring history) are.
    assert_eq!(cluster.sql("restored", "SELECT count(*) FROM odoo_mirror.churn_predictions").unwrap(), "0");
    const HISTORY: &str = "SELECT count(*) || ':' || md5(string_agg(kind || model_version || as_of || ids::text || scores::text, ',' ORDER BY kind, model_version, as_of)) FROM odoo_mirror.prediction_history";
    assert_eq!(cluster.sql("restored", HISTORY).unwrap(), cluster.sql(DB, HISTORY).unwrap());
    assert!(cluster.sql("restored", HISTORY).unwrap().starts_with("1:"));
    // Version 2 is restored too: activating it rolls forward in the restored database, and refreshes the
    // stored predictions with it.
    cluster.sql("restored", "SELECT odoo_mirror.activate_model('churn', 2)").unwrap();
    assert_eq!(cluster.sql("restored", "SELECT odoo_mirror.explain_churn(partner_id)->>'model_version' FROM odoo_mirror.churn_scores() LIMIT 1").unwrap(), "2");
    let refreshed = cluster
        .sql("restored", "SELECT count(*) > 0 AND bool_and(model_version = 2) FROM odoo_mirror.churn_predictions")
        .unwrap();
    assert_eq!(refreshed, "t");
}

#[test]
fn scoring_runs_while_a_model_trains_and_switches_at_the_next_statement() {
    let cluster = Cluster::start("churn-concurrency", &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).unwrap();
    load_demo_data(&cluster, DB, 600, today()).unwrap();
    cluster.sql(DB, "SELECT odoo_mirror.train_churn_model(p_params => '{\"activate\": \"always\"}')").unwrap();
    let partner =
        cluster.sql(DB, "SELECT partner_id FROM odoo_mirror.churn_scores() ORDER BY partner_id LIMIT 1").unwrap();
    let scores_v1 = cluster.sql(DB, SCORES).unwrap();

    // One long-lived session: it scores with version 1 (caching it), waits until another session has
    // committed version 2, and scores again in its next statement, with no reconnect.
    let watcher = {
        let script = format!(
            "\\pset tuples_only on\n\\pset format unaligned\n\
             SELECT 'before=' || (odoo_mirror.explain_churn({partner})->>'model_version');\n\
             DO $$ BEGIN FOR i IN 1..1200 LOOP \
                 EXIT WHEN EXISTS (SELECT FROM odoo_mirror.ml_models WHERE version = 2 AND active); \
                 PERFORM pg_sleep(0.05); END LOOP; END $$;\n\
             SELECT 'after=' || (odoo_mirror.explain_churn({partner})->>'model_version');\n"
        );
        let mut child = cluster.spawn_psql_script(DB, std::process::Stdio::piped()).unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        child
    };
    // Training in another session, forced active, while this one keeps scoring the whole book.
    let trainer = std::thread::spawn({
        let script =
            "SELECT odoo_mirror.train_churn_model(NULL, 60, '{\"activate\": \"always\", \"l2\": 5}')->>'version';";
        let mut child = cluster.spawn_psql_script(DB, std::process::Stdio::piped()).unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        move || child.wait_with_output().unwrap()
    });
    let mut scored_during_training = 0;
    loop {
        let scores = cluster.sql(DB, SCORES).unwrap();
        let active = cluster.sql(DB, "SELECT version FROM odoo_mirror.ml_models WHERE active").unwrap();
        if active == "1" {
            assert_eq!(scores, scores_v1, "version 1 is still active: its scores must not change");
            scored_during_training += 1;
        }
        if trainer.is_finished() {
            break;
        }
    }
    let trained = trainer.join().unwrap();
    assert!(trained.status.success(), "{}", String::from_utf8_lossy(&trained.stderr));
    assert!(scored_during_training >= 1, "no scoring ran while the model trained");
    let watched = watcher.wait_with_output().unwrap();
    assert!(watched.status.success(), "{}", String::from_utf8_lossy(&watched.stderr));
    let output = String::from_utf8_lossy(&watched.stdout);
    assert!(output.contains("before=1") && output.contains("after=2"), "{output}");
    // And new sessions score with version 2.
    assert_ne!(cluster.sql(DB, SCORES).unwrap(), scores_v1);
    assert_eq!(
        cluster.sql(DB, &format!("SELECT odoo_mirror.explain_churn({partner})->>'model_version'")).unwrap(),
        "2"
    );
}
