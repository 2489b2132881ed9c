//! The SQL PostgREST runs for `POST|GET /rpc/<function>`, reproduced statement for statement, so that
//! the tests and the demo exercise the real client contract without a PostgREST server.

use crate::cluster::{Cluster, ClusterError, Result};

/// One RPC call as PostgREST would make it.
#[derive(Debug, Clone)]
pub struct RpcCall {
    pub schema: String,
    pub function: String,
    /// The JSON body keys sent, with the SQL type PostgREST reads each one as.
    pub args: Vec<(String, String)>,
    /// The request body (JSON text); for GET, the query string turned into JSON as PostgREST does.
    pub body: String,
    /// The database role the JWT names.
    pub role: String,
    /// POST or GET. Both run in a read-only transaction for a STABLE function.
    pub method: &'static str,
}

/// What came back: the JSON body (HTTP 200) or the SQLSTATE of the error.
#[derive(Debug, Clone, PartialEq)]
pub enum RpcOutcome {
    Body(String),
    Error { sqlstate: String, message: String },
}

impl RpcCall {
    pub fn post(function: &str, args: &[(&str, &str)], body: &str, role: &str) -> Self {
        Self {
            schema: "odoo_mirror".into(),
            function: function.into(),
            args: args.iter().map(|(name, ty)| (name.to_string(), ty.to_string())).collect(),
            body: body.into(),
            role: role.into(),
            method: "POST",
        }
    }

    pub fn get(function: &str, args: &[(&str, &str)], body: &str, role: &str) -> Self {
        Self { method: "GET", ..Self::post(function, args, body, role) }
    }

    /// The statement PostgREST prepares; `$1` is the request body as json.
    pub fn statement(&self) -> String {
        let named_args: Vec<String> =
            self.args.iter().map(|(name, _)| format!("\"{name}\" := pgrst_body.\"{name}\"")).collect();
        let body_source = if self.args.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = self.args.iter().map(|(name, _)| format!("\"{name}\"")).collect();
            let record: Vec<String> = self.args.iter().map(|(name, ty)| format!("\"{name}\" {ty}")).collect();
            format!(
                "LATERAL (SELECT {} FROM json_to_record(pgrst_payload.json_data) AS _({}) LIMIT 1) pgrst_body,\n       ",
                names.join(", "),
                record.join(", ")
            )
        };
        format!(
            "WITH pgrst_source AS (\n  SELECT \"pgrst_call\".*\n  FROM (SELECT $1 AS json_data) pgrst_payload,\n       \
             {body_source}LATERAL \"{schema}\".\"{function}\"({args}) pgrst_call)\n\
             SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total,\n       \
             coalesce(json_agg(_postgrest_t), '[]') AS body\n\
             FROM (SELECT \"{function}\".* FROM \"pgrst_source\" AS \"{function}\") _postgrest_t",
            schema = self.schema,
            function = self.function,
            args = named_args.join(", "),
        )
    }

    /// The psql script: transaction, request settings, the prepared statement and its execution.
    pub fn script(&self) -> String {
        format!(
            "\\set ON_ERROR_STOP 0\n\
             \\set VERBOSITY terse\n\
             BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;\n\
             \\o /dev/null\n\
             select set_config('search_path', '\"{schema}\", \"public\", \"extensions\"', true), \
             set_config('role', '{role}', true), \
             set_config('request.jwt.claims', '{{\"role\":\"{role}\"}}', true), \
             set_config('request.method', '{method}', true), \
             set_config('request.path', '/rpc/{function}', true);\n\
             PREPARE pgrst_rpc(json) AS\n{statement};\n\
             \\o\n\
             \\echo PREPARE_SQLSTATE=:LAST_ERROR_SQLSTATE\n\
             \\pset tuples_only on\n\\pset format unaligned\n\
             \\pset fieldsep '<<FIELD>>'\n\
             EXECUTE pgrst_rpc('{body}');\n\
             \\echo SQLSTATE=:LAST_ERROR_SQLSTATE\n\
             ROLLBACK;\n",
            schema = self.schema,
            role = self.role,
            method = self.method,
            function = self.function,
            statement = self.statement(),
            body = self.body.replace('\'', "''"),
        )
    }

    /// Runs the call against `database` and returns the body or the error.
    pub fn run(&self, cluster: &Cluster, database: &str) -> Result<RpcOutcome> {
        let output = cluster.psql_script(database, &self.script())?;
        // The first error wins: a failed PREPARE (unknown function) makes EXECUTE fail too.
        let sqlstate = output
            .lines()
            .filter_map(|line| line.strip_prefix("PREPARE_SQLSTATE=").or_else(|| line.strip_prefix("SQLSTATE=")))
            .find(|state| *state != "00000")
            .or_else(|| output.lines().find_map(|line| line.strip_prefix("SQLSTATE=")))
            .ok_or_else(|| ClusterError(format!("no SQLSTATE line in:\n{output}")))?
            .to_string();
        if sqlstate == "00000" {
            // json_agg puts line breaks between elements: the body runs from the last field separator
            // to the SQLSTATE line.
            let end = output.rfind("\nSQLSTATE=").unwrap_or(output.len());
            let start = output[..end]
                .rfind("<<FIELD>>")
                .map(|at| at + "<<FIELD>>".len())
                .ok_or_else(|| ClusterError(format!("no body in:\n{output}")))?;
            Ok(RpcOutcome::Body(output[start..end].to_string()))
        } else {
            let message = output
                .lines()
                .find_map(|line| line.split_once("ERROR:").map(|(_, message)| message.trim().to_string()))
                .unwrap_or_default();
            Ok(RpcOutcome::Error { sqlstate, message })
        }
    }
}
