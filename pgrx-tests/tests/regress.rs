//! The SQL regression suite (pgrx-tests/sql/*.sql against pgrx-tests/expected/*.out), run by
//! pg_regress against a throwaway cluster with the installed extension.

use std::fs;
use std::process::Command;

use odoo_mirror_tests::cluster::{workspace_dir, Cluster};

#[test]
fn sql_regression_suite_matches_expected_output() {
    let cluster = Cluster::start("regress", &[]).expect("cluster");
    // With --use-existing, pg_regress expects the database to exist.
    cluster.create_database("odoo_mirror_regress").expect("database");
    let suite = workspace_dir().join("pgrx-tests");
    let mut tests: Vec<String> = fs::read_dir(suite.join("sql"))
        .expect("pgrx-tests/sql")
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().to_str().and_then(|name| name.strip_suffix(".sql")).map(str::to_string))
        .collect();
    tests.sort();
    assert!(!tests.is_empty(), "no regression tests found");
    let output_dir = cluster.dir.join("regress");
    fs::create_dir_all(&output_dir).expect("output dir");
    let status = Command::new(cluster.install.pg_regress())
        .arg("--use-existing")
        .arg(format!("--bindir={}", cluster.install.bindir.display()))
        .arg("--host=127.0.0.1")
        .arg(format!("--port={}", cluster.port))
        .arg("--user=postgres")
        .arg("--dbname=odoo_mirror_regress")
        .arg(format!("--inputdir={}", suite.display()))
        .arg(format!("--outputdir={}", output_dir.display()))
        .args(&tests)
        .status()
        .expect("pg_regress");
    if !status.success() {
        let diffs = fs::read_to_string(output_dir.join("regression.diffs")).unwrap_or_default();
        // Keep the actual output where a developer can promote it after review.
        let results = suite.join("results");
        let _ = fs::remove_dir_all(&results);
        let _ = Command::new("cp").arg("-r").arg(output_dir.join("results")).arg(&results).status();
        panic!("regression output differs from pgrx-tests/expected (actual output in pgrx-tests/results):\n{diffs}");
    }
}
