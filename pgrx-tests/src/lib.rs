//! odoo_mirror's client-side tooling: throwaway clusters, the demo data generator, the demo and the
//! contract tests (in tests/), and the benchmarks.

pub mod churn_bench;
pub mod fraud_bench;
pub mod cluster;
pub mod copy;
pub mod generator;
pub mod prng;
pub mod postgrest;
pub mod demo;
pub mod odoo;
