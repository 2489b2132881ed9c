//! Writes deterministic, Odoo-shaped demo data as a psql script (COPY blocks) to standard output:
//!
//!     odoo_mirror_demo_data --scale 2000 | psql -d mydb
//!
//! Options: --scale N (customers, default 1000), --seed N (default 42), --today YYYY-MM-DD (default:
//! today, UTC), --years N (history, default 4), --schema NAME (default odoo_mirror).

use std::io::{self, BufWriter};
use std::process::ExitCode;

use chrono::NaiveDate;
use odoo_mirror_tests::generator::{Config, Generator};

fn parse_args() -> Result<Config, String> {
    let mut config = Config::new(1000, chrono::Utc::now().date_naive());
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--scale" => {
                config.scale = value.parse().map_err(|_| format!("--scale: not a number: {value}"))?;
                if !(10..=1_000_000).contains(&config.scale) {
                    return Err("--scale must be between 10 and 1000000".into());
                }
            }
            "--seed" => config.seed = value.parse().map_err(|_| format!("--seed: not a number: {value}"))?,
            "--years" => {
                config.years = value.parse().map_err(|_| format!("--years: not a number: {value}"))?;
                if !(1..=20).contains(&config.years) {
                    return Err("--years must be between 1 and 20".into());
                }
            }
            "--today" => {
                config.today = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                    .map_err(|_| format!("--today: not a YYYY-MM-DD date: {value}"))?
            }
            "--schema" => {
                if value.is_empty() || !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(format!("--schema: not a plain lower-case identifier: {value}"));
                }
                config.schema = value;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("odoo_mirror_demo_data: {message}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout().lock();
    match Generator::new(config, BufWriter::with_capacity(1 << 20, stdout)).run() {
        Ok((stats, _)) => {
            for (table, rows) in stats.tables {
                eprintln!("{table:>24}: {rows} rows");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("odoo_mirror_demo_data: {error}");
            ExitCode::FAILURE
        }
    }
}
