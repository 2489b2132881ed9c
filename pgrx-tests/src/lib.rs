//! odoo_mirror's client-side tooling: throwaway clusters, the demo data generator, the demo and the
//! contract tests (in tests/), and the benchmarks.
//!
//! Modules:
//! - [`cluster`]: throwaway PostgreSQL clusters (start, psql, client programs, stop) and where the
//!   installed extension and the workspace are;
//! - [`demo`]: shared steps of the demo, the tests and the benchmarks: a database with the extension,
//!   loaded with generated data;
//! - [`generator`]: the deterministic demo data generator (one submodule per group of tables:
//!   people, invoices, expenses, the injected expense fraud, tasks);
//! - [`copy`]: rows in PostgreSQL's COPY text format, which the generator writes;
//! - [`prng`]: the seeded random number generator behind the generator;
//! - [`odoo`]: a stand-in for Odoo's database (an Odoo-shaped publisher) and waiting for replication;
//! - [`postgrest`]: the SQL PostgREST runs for an RPC call, statement for statement;
//! - [`testing`]: helpers shared by the integration tests in tests/;
//! - [`bench`](mod@bench): the sections of the `odoo_mirror_bench` binary (latency, revenue rollup, memory
//!   trigger, replication throughput), with [`churn_bench`] and [`fraud_bench`] for the churn and fraud
//!   sections.
//!
//! Binaries (src/bin/): `odoo_mirror_demo_data` (the generator's SQL on standard output),
//! `odoo_mirror_demo` (`make demo`) and `odoo_mirror_bench` (`make bench`, writes BENCHMARKS.md).
//! Integration tests (tests/, on real clusters with the installed extension): `contract`, `churn`,
//! `fraud`, `replication`, `upgrade` and `regress` (the pg_regress suite in sql/ and expected/).

pub mod bench;
pub mod churn_bench;
pub mod cluster;
pub mod copy;
pub mod demo;
pub mod fraud_bench;
pub mod generator;
pub mod odoo;
pub mod postgrest;
pub mod prng;
pub mod testing;
