//! Throwaway PostgreSQL clusters for the demo, the contract tests and the benchmarks.
//!
//! A cluster lives in a directory under the build directory, runs as the `postgres` OS user when we
//! are root (PostgreSQL refuses to run as root), listens on a free loopback port only, trusts local
//! connections (it holds nothing but test data) and is stopped and removed when dropped.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What went wrong while driving a cluster or a client program.
#[derive(Debug)]
pub struct ClusterError(pub String);

impl std::fmt::Display for ClusterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClusterError {}

pub type Result<T> = std::result::Result<T, ClusterError>;

pub fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(ClusterError(message.into()))
}

/// The PostgreSQL installation the extension was installed into.
#[derive(Debug, Clone)]
pub struct PgInstall {
    pub bindir: PathBuf,
    pub sharedir: PathBuf,
    pub pkglibdir: PathBuf,
}

impl PgInstall {
    /// From `$PG_CONFIG`, else PostgreSQL 15's pg_config.
    pub fn detect() -> Result<Self> {
        let pg_config =
            std::env::var("PG_CONFIG").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin/pg_config".to_string());
        let ask = |flag: &str| -> Result<PathBuf> {
            let output = Command::new(&pg_config)
                .arg(flag)
                .output()
                .map_err(|e| ClusterError(format!("cannot run {pg_config}: {e}")))?;
            if !output.status.success() {
                return fail(format!("{pg_config} {flag} failed"));
            }
            Ok(PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
        };
        Ok(Self { bindir: ask("--bindir")?, sharedir: ask("--sharedir")?, pkglibdir: ask("--pkglibdir")? })
    }

    pub fn bin(&self, program: &str) -> PathBuf {
        self.bindir.join(program)
    }

    /// pg_regress, from the server development package.
    pub fn pg_regress(&self) -> PathBuf {
        self.pkglibdir.join("pgxs/src/test/regress/pg_regress")
    }

    pub fn extension_dir(&self) -> PathBuf {
        self.sharedir.join("extension")
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command that runs as the cluster's owner: `postgres` when we are root, ourselves otherwise.
fn as_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("sudo");
        command.args(["-n", "-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command, what: &str) -> Result<Output> {
    let output = command.output().map_err(|e| ClusterError(format!("{what}: cannot start: {e}")))?;
    if !output.status.success() {
        return fail(format!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(output)
}

/// The build directory where clusters live: `$ODOO_MIRROR_WORKDIR`, else `<workspace>/target/clusters`.
pub fn work_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ODOO_MIRROR_WORKDIR") {
        return PathBuf::from(dir);
    }
    workspace_dir().join("target").join("clusters")
}

/// The workspace root (the extension crate).
/// The extension's version: `[package] version` in the workspace's Cargo.toml (empty if unreadable).
pub fn extension_version() -> String {
    let manifest = fs::read_to_string(workspace_dir().join("Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[package]")
        .find_map(|line| line.strip_prefix("version = \"").and_then(|rest| rest.strip_suffix('"')))
        .unwrap_or_default()
        .to_string()
}

pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| ClusterError(format!("no free loopback port: {e}")))?;
    listener.local_addr().map(|addr| addr.port()).map_err(|e| ClusterError(e.to_string()))
}

/// The directory of cluster `name`, emptied (a previous run that died is stopped first) and owned by
/// the server's user.
fn fresh_dir(install: &PgInstall, name: &str) -> Result<PathBuf> {
    let dir = work_dir().join(name);
    if dir.exists() {
        let _ = as_owner(&install.bin("pg_ctl")).args(["stop", "-m", "immediate", "-D"]).arg(dir.join("data")).output();
        fs::remove_dir_all(&dir).map_err(|e| ClusterError(format!("cannot remove {}: {e}", dir.display())))?;
    }
    fs::create_dir_all(&dir).map_err(|e| ClusterError(format!("cannot create {}: {e}", dir.display())))?;
    if running_as_root() {
        run(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir), "chown")?;
    }
    Ok(dir)
}

pub struct Cluster {
    pub install: PgInstall,
    pub dir: PathBuf,
    pub port: u16,
    keep: bool,
}

impl Cluster {
    /// Creates and starts a cluster named `name` (its directory is replaced if it exists).
    pub fn start(name: &str, extra_conf: &[&str]) -> Result<Self> {
        let install = PgInstall::detect()?;
        let dir = fresh_dir(&install, name)?;
        let data = dir.join("data");
        run(
            as_owner(&install.bin("initdb"))
                .args(["--no-sync", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "-D"])
                .arg(&data),
            "initdb",
        )?;
        Self::configure_and_start(install, dir, extra_conf)
    }

    /// A physical hot standby of `primary` (pg_basebackup -R: standby.signal and primary_conninfo),
    /// started and streaming. It serves reads only; every write there fails as PostgreSQL decides.
    pub fn start_standby(primary: &Cluster, name: &str) -> Result<Self> {
        let install = PgInstall::detect()?;
        let dir = fresh_dir(&install, name)?;
        run(
            as_owner(&install.bin("pg_basebackup"))
                .args(["-h", "127.0.0.1", "-U", "postgres", "-p", &primary.port.to_string()])
                .args(["--wal-method=stream", "--write-recovery-conf", "--no-sync", "--checkpoint=fast", "-D"])
                .arg(dir.join("data")),
            "pg_basebackup",
        )?;
        Self::configure_and_start(install, dir, &["hot_standby = on"])
    }

    /// Appends this run's settings (a free port, the socket in `dir`, no fsync) and starts the server.
    fn configure_and_start(install: PgInstall, dir: PathBuf, extra_conf: &[&str]) -> Result<Self> {
        let data = dir.join("data");
        let port = free_port()?;
        let mut conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 40\n\
             shared_buffers = 256MB\nlc_messages = 'C'\ntimezone = 'UTC'\n",
            dir.display()
        );
        for line in extra_conf {
            conf.push_str(line);
            conf.push('\n');
        }
        // initdb ran as the owner, so append through the owner too.
        let mut append = as_owner(Path::new("tee"));
        append.args(["-a"]).arg(data.join("postgresql.conf")).stdin(Stdio::piped()).stdout(Stdio::null());
        let mut child = append.spawn().map_err(|e| ClusterError(format!("tee: {e}")))?;
        if let Some(stdin) = child.stdin.as_mut() {
            stdin.write_all(conf.as_bytes()).map_err(|e| ClusterError(format!("tee: {e}")))?;
        }
        child.wait().map_err(|e| ClusterError(format!("tee: {e}")))?;
        run(
            as_owner(&install.bin("pg_ctl"))
                .args(["start", "-w", "-t", "60", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(dir.join("server.log")),
            "pg_ctl start",
        )?;
        let keep = std::env::var("ODOO_MIRROR_KEEP_CLUSTERS").is_ok();
        Ok(Self { install, dir, port, keep })
    }

    /// psql connected to `database` as `postgres`, reading no ~/.psqlrc, stopping at the first error.
    pub fn psql_command(&self, database: &str) -> Command {
        let mut command = Command::new(self.install.bin("psql"));
        command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres"]).args([
            "-p",
            &self.port.to_string(),
            "-d",
            database,
        ]);
        command
    }

    /// Runs SQL and returns psql's unaligned, tuples-only output.
    pub fn sql(&self, database: &str, sql: &str) -> Result<String> {
        let output = run(self.psql_command(database).args(["-A", "-t", "-c", sql]), &format!("psql: {sql}"))?;
        Ok(String::from_utf8_lossy(&output.stdout).trim_end().to_string())
    }

    /// Runs SQL expected to fail and returns its SQLSTATE.
    pub fn sqlstate_of(&self, database: &str, sql: &str) -> Result<String> {
        let script = format!("\\set ON_ERROR_STOP 0\n{sql};\n\\echo SQLSTATE=:LAST_ERROR_SQLSTATE\n");
        let output = self.psql_script(database, &script)?;
        match output.lines().find_map(|line| line.strip_prefix("SQLSTATE=")) {
            Some(state) => Ok(state.to_string()),
            None => fail(format!("no SQLSTATE reported for {sql}: {output}")),
        }
    }

    /// psql running a script it reads from standard input (piped), with stdout as given.
    pub fn spawn_psql_script(&self, database: &str, stdout: Stdio) -> Result<std::process::Child> {
        self.psql_command(database)
            .args(["-f", "-"])
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ClusterError(format!("psql: {e}")))
    }

    /// Runs a psql script from standard input and returns everything it printed.
    pub fn psql_script(&self, database: &str, script: &str) -> Result<String> {
        let mut child = self.spawn_psql_script(database, Stdio::piped())?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(script.as_bytes()).map_err(|e| ClusterError(format!("psql stdin: {e}")))?;
        }
        let output = child.wait_with_output().map_err(|e| ClusterError(format!("psql: {e}")))?;
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            return fail(format!("psql script failed ({}):\n{text}", output.status));
        }
        Ok(text)
    }

    pub fn create_database(&self, database: &str) -> Result<()> {
        self.sql("postgres", &format!("CREATE DATABASE {database}")).map(|_| ())
    }

    /// A client program (pg_dump, pg_restore, pgbench, ...) with connection options filled in.
    pub fn client(&self, program: &str) -> Command {
        let mut command = Command::new(self.install.bin(program));
        command.args(["-h", "127.0.0.1", "-U", "postgres", "-p", &self.port.to_string()]);
        command
    }

    pub fn stop(&self) -> Result<()> {
        run(
            as_owner(&self.install.bin("pg_ctl")).args(["stop", "-m", "fast", "-w", "-D"]).arg(self.dir.join("data")),
            "pg_ctl stop",
        )
        .map(|_| ())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.stop();
        if !self.keep && !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A sorted, one-line-per-fact description of everything the odoo_mirror extension owns: members,
/// columns, constraints, defaults and identities, function settings, index and view definitions,
/// trigger definitions and modes, privileges, the tables pg_dump dumps,
/// and the ipai_memory tables it creates (not members: DROP EXTENSION must keep memory). Two databases
/// with the same description have the same extension objects (an upgrade against a fresh install, a
/// restore against its source).
pub const EXTENSION_OBJECTS_SQL: &str = "\
    WITH members AS ( \
        SELECT d.classid, d.objid FROM pg_catalog.pg_depend AS d \
        JOIN pg_catalog.pg_extension AS e ON e.oid = d.refobjid \
        WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'odoo_mirror'), \
    facts AS ( \
        SELECT 'member ' || pg_catalog.pg_describe_object(m.classid, m.objid, 0) AS fact FROM members AS m \
        UNION ALL \
        SELECT 'column ' || c.oid::regclass::text || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) \
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END \
        FROM members AS m JOIN pg_catalog.pg_class AS c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid \
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
        UNION ALL \
        SELECT 'acl ' || c.oid::regclass::text || ' ' || COALESCE(c.relacl::text, 'default') \
        FROM members AS m JOIN pg_catalog.pg_class AS c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid \
        UNION ALL \
        SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index AS i \
        JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid WHERE c.relnamespace = 'odoo_mirror'::regnamespace \
        UNION ALL \
        SELECT 'view ' || c.oid::regclass::text || ' ' || pg_catalog.md5(pg_catalog.pg_get_viewdef(c.oid)) \
        FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND c.relkind = 'v' \
        UNION ALL \
        SELECT 'function ' || p.oid::regprocedure::text || ' ' || p.provolatile::text || p.proparallel::text \
               || CASE WHEN p.prosecdef THEN ' definer' ELSE '' END || ' ' || COALESCE(p.proconfig::text, '') \
               || ' ' || COALESCE(p.proacl::text, 'default') || ' ' || pg_catalog.md5(COALESCE(p.prosrc, '')) \
        FROM members AS m JOIN pg_catalog.pg_proc AS p ON m.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = m.objid \
        UNION ALL \
        SELECT 'trigger ' || t.tgrelid::regclass::text || ' ' || t.tgname || ' ' || t.tgenabled::text \
               || ' ' || pg_catalog.pg_get_triggerdef(t.oid) \
        FROM pg_catalog.pg_trigger AS t JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid \
        WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND NOT t.tgisinternal \
        UNION ALL \
        SELECT 'constraint ' || co.conrelid::regclass::text || ' ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid) \
        FROM pg_catalog.pg_constraint AS co WHERE co.connamespace = 'odoo_mirror'::regnamespace \
        UNION ALL \
        SELECT 'default ' || c.oid::regclass::text || '.' || a.attname || ' ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) \
        FROM pg_catalog.pg_attrdef AS ad JOIN pg_catalog.pg_class AS c ON c.oid = ad.adrelid \
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum \
        WHERE c.relnamespace = 'odoo_mirror'::regnamespace \
        UNION ALL \
        SELECT 'identity ' || c.oid::regclass::text || '.' || a.attname || ' ' || a.attidentity::text \
        FROM pg_catalog.pg_attribute AS a JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid \
        WHERE c.relnamespace = 'odoo_mirror'::regnamespace AND a.attidentity <> '' \
        UNION ALL \
        SELECT 'dumped with pg_dump ' || x.config::regclass::text || ' ' || COALESCE(x.condition, '') \
        FROM pg_catalog.pg_extension AS e, ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS x (config, condition) \
        WHERE e.extname = 'odoo_mirror' \
        UNION ALL \
        SELECT 'comment ' || c.oid::regclass::text || COALESCE('.' || a.attname, '') || ' ' || d.description \
        FROM pg_catalog.pg_description AS d JOIN pg_catalog.pg_class AS c ON d.classoid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objoid \
        LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0 \
        WHERE c.relnamespace = 'odoo_mirror'::regnamespace \
        UNION ALL \
        SELECT 'schema acl ' || n.nspname || ' ' || COALESCE(n.nspacl::text, 'default') \
        FROM pg_catalog.pg_namespace AS n WHERE n.nspname IN ('odoo_mirror', 'ipai_memory') \
        UNION ALL \
        SELECT 'memory column ' || c.oid::regclass::text || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) \
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || ' ' || COALESCE(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '') \
        FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
        LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum \
        WHERE c.relnamespace = 'ipai_memory'::regnamespace AND c.relkind = 'r' \
        UNION ALL \
        SELECT 'memory acl ' || c.oid::regclass::text || ' ' || COALESCE(c.relacl::text, 'default') \
        FROM pg_catalog.pg_class AS c WHERE c.relnamespace = 'ipai_memory'::regnamespace AND c.relkind = 'r' \
        UNION ALL \
        SELECT 'memory index ' || pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index AS i \
        JOIN pg_catalog.pg_class AS c ON c.oid = i.indexrelid WHERE c.relnamespace = 'ipai_memory'::regnamespace \
        UNION ALL \
        SELECT 'memory constraint ' || co.conrelid::regclass::text || ' ' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid) \
        FROM pg_catalog.pg_constraint AS co WHERE co.connamespace = 'ipai_memory'::regnamespace) \
    SELECT pg_catalog.string_agg(fact, E'\\n' ORDER BY fact) FROM facts";
