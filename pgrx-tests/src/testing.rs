//! Helpers shared by the integration tests in tests/ (contract, churn, fraud, replication, upgrade).
//!
//! They panic instead of returning errors, as a test's own code would: a failure names what was
//! expected and what came back.

use chrono::NaiveDate;
use serde_json::Value;

use crate::cluster::Cluster;
use crate::postgrest::RpcOutcome;

/// Today's date (UTC), the `today` the tests generate their data for.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The rows of a successful PostgREST call: its body, which must be a JSON array. Panics on an error
/// outcome or on any other body.
pub fn rpc_rows(outcome: RpcOutcome) -> Vec<Value> {
    match outcome {
        RpcOutcome::Body(body) => match serde_json::from_str::<Value>(&body) {
            Ok(Value::Array(rows)) => rows,
            other => panic!("PostgREST body is not a JSON array: {other:?}"),
        },
        RpcOutcome::Error { sqlstate, message } => panic!("unexpected error {sqlstate}: {message}"),
    }
}

/// The SQLSTATE of a failed PostgREST call. Panics if the call succeeded.
pub fn rpc_sqlstate(outcome: RpcOutcome) -> String {
    match outcome {
        RpcOutcome::Error { sqlstate, .. } => sqlstate,
        RpcOutcome::Body(body) => panic!("expected an error, got {body}"),
    }
}

/// Runs `sql` (one value, JSON text) in `database` and parses it. Panics if it fails or is no JSON.
pub fn json(cluster: &Cluster, database: &str, sql: &str) -> Value {
    serde_json::from_str(&cluster.sql(database, sql).unwrap()).unwrap()
}

/// Supabase's roles and its habit of default privileges for them, as a Supabase database has them
/// before the extension is created.
pub const SUPABASE_ROLES: &str =
    "CREATE ROLE anon NOLOGIN; CREATE ROLE authenticated NOLOGIN; CREATE ROLE service_role NOLOGIN BYPASSRLS; \
     ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO anon, authenticated, service_role; \
     ALTER DEFAULT PRIVILEGES GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role";

/// Dumps `database` with `pg_dump -Fc` into `dump_file` (in the cluster's directory), creates the
/// database `restored` and restores the dump into it with `pg_restore --exit-on-error`. Panics
/// (asserting) if either program fails.
pub fn dump_and_restore(cluster: &Cluster, database: &str, dump_file: &str, restored: &str) {
    let dump = cluster.dir.join(dump_file);
    let status = cluster.client("pg_dump").args(["-Fc", "-f"]).arg(&dump).arg(database).status().unwrap();
    assert!(status.success(), "pg_dump failed");
    cluster.create_database(restored).unwrap();
    let output = cluster.client("pg_restore").args(["--exit-on-error", "-d", restored]).arg(&dump).output().unwrap();
    assert!(output.status.success(), "pg_restore failed: {}", String::from_utf8_lossy(&output.stderr));
}

/// The marker pgrx opens each entity's SQL with (a function, a type, one of the DDL files).
const BLOCK_START: &str = "/* <begin connected objects> */";
const BLOCK_END: &str = "/* </end connected objects> */";

/// An install script as the sorted list of its entities' SQL. pgrx writes each entity (a function,
/// one of the DDL files) after a comment naming its source file and line (`-- src/...:NN`), in an
/// order its dependency graph allows, grouped in blocks; order and grouping move when code moves
/// between modules, the statements of an entity do not. Each entity's SQL is normalised (comments,
/// which carry source paths and line numbers, and blank lines dropped), so two scripts have equal
/// entities exactly when they create the same objects with the same statements.
pub fn script_blocks(script: &str) -> Vec<String> {
    let mut entities: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in script.lines().map(str::trim_end) {
        let trimmed = line.trim_start();
        if trimmed.starts_with(BLOCK_START) || trimmed.starts_with("-- src/") {
            entities.push(current.join("\n"));
            current.clear();
        } else if !trimmed.is_empty() && !trimmed.starts_with("--") && !trimmed.starts_with(BLOCK_END) {
            current.push(line);
        }
    }
    entities.push(current.join("\n"));
    entities.retain(|entity| !entity.is_empty());
    entities.sort();
    entities
}

/// The entities only in `frozen` and the entities only in `generated` (both empty when the scripts
/// create the same statements, in whatever order).
pub fn script_difference(frozen: &str, generated: &str) -> (Vec<String>, Vec<String>) {
    let (mut only_frozen, mut only_generated) = (script_blocks(frozen), script_blocks(generated));
    let mut index = 0;
    while index < only_frozen.len() {
        match only_generated.iter().position(|block| *block == only_frozen[index]) {
            Some(found) => {
                only_generated.remove(found);
                only_frozen.remove(index);
            }
            None => index += 1,
        }
    }
    (only_frozen, only_generated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The newest released install script in sql/.
    fn frozen_script() -> String {
        let sql = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sql");
        let mut released: Vec<_> = std::fs::read_dir(&sql)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.starts_with("odoo_mirror--") && !name[13..].contains("--"))
            .collect();
        released.sort();
        std::fs::read_to_string(sql.join(released.last().unwrap())).unwrap()
    }

    #[test]
    fn moved_blocks_and_comments_are_the_same_script() {
        let script = frozen_script();
        let mut blocks: Vec<&str> = script.split(BLOCK_START).collect();
        assert!(blocks.len() > 30, "pgrx groups entities in blocks");
        assert!(script_blocks(&script).len() > 30, "one entity per function and DDL file");
        blocks.reverse();
        let reordered = blocks.join(BLOCK_START).replace("-- src/lib.rs:", "-- src/moved/functions.rs:");
        assert_eq!(script_difference(&script, &reordered), (vec![], vec![]));
    }

    #[test]
    fn any_changed_statement_line_is_a_difference() {
        let script = frozen_script();
        let lines: Vec<&str> = script.lines().collect();
        let mut checked = 0;
        for (index, line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with("--") || trimmed.starts_with("/*") {
                continue;
            }
            let mut changed = lines.clone();
            let edited = line.replacen(trimmed, &format!("{trimmed}x"), 1);
            changed[index] = &edited;
            let (only_frozen, only_generated) = script_difference(&script, &changed.join("\n"));
            assert_eq!((only_frozen.len(), only_generated.len()), (1, 1), "line {} changed unnoticed", index + 1);
            checked += 1;
        }
        assert!(checked > 1000, "{checked} statement lines checked");
        let without_last = script.rsplit_once(BLOCK_START).unwrap().0;
        assert!(!script_difference(&script, without_last).0.is_empty(), "a dropped block is a difference");
    }
}
