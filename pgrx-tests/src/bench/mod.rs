//! The sections of `make bench` (the `odoo_mirror_bench` binary, src/bin/odoo_mirror_bench.rs), one
//! module each: what it measures, on the cluster the binary sets up, and the section of BENCHMARKS.md
//! it writes (`measure` and `report` in each).
//! - `pgbench`: pgbench on one client with every latency logged, which the latency sections run;
//! - `latency`: each RPC and a typical query on each view against a primary-key lookup or a full
//!   count (the "Results" table) and the targets they are held to;
//! - `rollup`: the revenue rollup's first refresh and what its stale-marking triggers cost a writer;
//! - `memory_trigger`: the invoice-to-memory trigger against no trigger and a PL/pgSQL equivalent;
//! - `replication`: invoices per second through a real subscription, memory on and off.
//!
//! The churn and fraud sections are [`crate::churn_bench`] and [`crate::fraud_bench`].

pub mod latency;
pub mod memory_trigger;
pub mod pgbench;
pub mod replication;
pub mod rollup;

/// The database the benchmark loads and measures (on its `bench` cluster).
pub const DATABASE: &str = "bench";
