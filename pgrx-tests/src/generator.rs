//! The demo data generator: deterministic, Odoo-shaped rows for every mirror table.
//!
//! `scale` is the number of customers. Everything else follows from it: about 10 customer invoices
//! per customer (1M invoices at scale 100,000), one expense and one task per customer, an employee per
//! 100 customers (at least 20), a project per 500 (at least 5).
//!
//! What the data models, so that analytics and models have something real to find:
//! - customers with long-tailed revenue (log-normal ticket sizes and purchase rates), in EUR mostly,
//!   some invoiced in USD or GBP (signed amounts are always in the company currency, EUR);
//! - seasonality: fewer invoices in August, more in November and December;
//! - refunds (about 3% of invoices, some full, which mark the invoice `reversed`);
//! - payment behaviour: most customers pay around the due date, "late payers" pay weeks late or
//!   leave invoices partly or wholly unpaid;
//! - churn: about 30% of customers stop buying at some date. In the 120 days before they stop, the
//!   gaps between their invoices double and they pay later; after it they never buy again;
//! - `write_date` of a paid, partly paid or reversed invoice is the day its payment state last changed
//!   (the payment or refund), as Odoo stamps it: the churn features read payments as of a date by it;
//! - employees with expense reports (sheets) in every state, recent ones mostly pending;
//! - projects with tasks in every state, some open tasks past their deadline;
//! - expense fraud, injected after the ordinary expenses (which stay as they would be without it, but
//!   for the inflated ones), with its ground truth in `Stats::fraud` and the kinds in `FRAUD_KINDS`.
//!   Rates are shares of the ordinary expenses, at least one of each from 200 expenses:
//!   - `inflated_amount` (0.4%): an ordinary claim, not mileage, multiplied by 4..10 in place;
//!   - `duplicate` (0.4%): an exact copy of a claim (date, category, amount, name) on a later report
//!     of the same employee, created 5..40 days after the original's;
//!   - `near_duplicate` (0.3%): the same with the amount off by 0.5..1.5% and the date by 1..3 days;
//!   - `split_claim` (0.2%, in groups): a 600..1950 EUR hotel or travel purchase claimed as 2..4
//!     pieces, each under the 500 approval threshold, within 3 days, on one report;
//!   - `fabricated` (0.3%): a round amount (100..600 by 50) of meals, office supplies or travel, dated
//!     on a weekend and submitted 70..200 days later;
//!   - `frequency_spike` (1 employee in 40): 8..15 extra ordinary-looking claims in a 30-day window
//!     of the last 2 years, on 1..3 reports.
//!
//!   Injected claims come on reports of their own (ids after the ordinary ones); 30% of those at
//!   least 15 days old are refused (`cancel`), as auditors would, on top of the usual few.
//!
//! The same seed, scale and `today` always give the same rows.
//!
//! The code is split by what it writes; each part adds its methods to [`Generator`]:
//! - this file: [`Config`], [`Stats`], the [`Generator`] driver (`run` writes the tables in order, each
//!   part drawing from a random stream of its own), the currencies and companies, and what the parts
//!   share (the currency ids and rates, `Customer`, `at`);
//! - `people`: partners (the companies', the employees', customers with their contacts, vendors), users
//!   and employees;
//! - `invoices`: customer invoices and refunds, vendor bills and their journal items (account.move and
//!   account.move.line), payment states, seasonality and churn;
//! - `accounting`: the payments and reconciliations that settle them, chart of accounts, journals,
//!   currency rates and analytic lines;
//! - `expenses`: expense reports (sheets) and the ordinary expenses on them;
//! - `fraud`: the injected expense fraud, [`FRAUD_KINDS`] and its ground truth;
//! - `tasks`: task stages, projects, tasks and their assignees.

mod accounting;
mod expenses;
mod fraud;
mod invoices;
mod people;
mod tasks;

use std::io::{self, Write};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::copy::CopyWriter;
use crate::prng::Prng;

pub use fraud::FRAUD_KINDS;

#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Number of customers.
    pub scale: u32,
    /// The date the data ends at ("now" for the data).
    pub today: NaiveDate,
    /// Years of history before `today`.
    pub years: u32,
    /// Schema the tables live in (`odoo_mirror`, or `public` for an Odoo-side database).
    pub schema: String,
    /// Write the accounting core (payments, reconciliations, accounts, journals, rates, analytic
    /// lines; 0.7.0's tables). Off for a database of an older version, which has no such tables.
    pub accounting: bool,
}

impl Config {
    pub fn new(scale: u32, today: NaiveDate) -> Self {
        Self { seed: 42, scale, today, years: 4, schema: "odoo_mirror".to_string(), accounting: true }
    }
}

/// Row counts written per table, and the ground truth of the injected expense fraud.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub tables: Vec<(&'static str, u64)>,
    /// Every injected fraudulent expense: (hr_expense id, kind from `FRAUD_KINDS`), by id.
    pub fraud: Vec<(i64, &'static str)>,
}

impl Stats {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables.iter().find(|(name, _)| *name == table).map(|(_, rows)| *rows).unwrap_or(0)
    }

    /// Injected expenses of one kind.
    pub fn fraud_count(&self, kind: &str) -> usize {
        self.fraud.iter().filter(|(_, label)| *label == kind).count()
    }
}

const EUR: i64 = 1;
const USD: i64 = 2;
const GBP: i64 = 3;
/// Document-currency units per EUR.
fn rate(currency: i64) -> f64 {
    match currency {
        USD => 1.08,
        GBP => 0.86,
        _ => 1.0,
    }
}

/// A customer being generated: who it is, how it buys and pays, and when it churns.
struct Customer {
    partner_id: i64,
    company_id: i64,
    currency_id: i64,
    name: String,
    ticket_median: f64,
    mean_gap_days: f64,
    payment_term_days: i64,
    late_payer: bool,
    start: NaiveDate,
    churn_date: Option<NaiveDate>,
    user_id: i64,
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or(NaiveTime::MIN))
}

pub struct Generator<W: Write> {
    config: Config,
    out: CopyWriter<W>,
    stats: Stats,
    rng: Prng,
    history_start: NaiveDate,
    customers: Vec<Customer>,
    user_ids: Vec<i64>,
    employees: Vec<(i64, i64, String)>, // (employee id, user id, name)
    next_partner_id: i64,
}

impl<W: Write> Generator<W> {
    pub fn new(config: Config, out: W) -> Self {
        let rng = Prng::new(config.seed);
        let history_start = config.today - Duration::days(365 * i64::from(config.years));
        Self {
            config,
            out: CopyWriter::new(out),
            stats: Stats::default(),
            rng,
            history_start,
            customers: Vec::new(),
            user_ids: Vec::new(),
            employees: Vec::new(),
            next_partner_id: 1,
        }
    }

    fn table(&self, name: &str) -> String {
        format!("{}.{}", self.config.schema, name)
    }

    fn begin(&mut self, table: &'static str, columns: &[&str]) -> io::Result<u64> {
        let qualified = self.table(table);
        self.out.begin(&qualified, columns)?;
        Ok(self.out.rows)
    }

    fn end(&mut self, table: &'static str, rows_before: u64) {
        self.stats.tables.push((table, self.out.rows - rows_before));
    }

    /// Writes every table and returns the row counts.
    pub fn run(mut self) -> io::Result<(Stats, W)> {
        self.out.raw("SET client_min_messages = warning;")?;
        self.out.raw("BEGIN;")?;
        self.currencies_and_companies()?;
        self.people()?;
        self.invoices()?;
        self.expenses()?;
        self.projects_and_tasks()?;
        self.out.raw("COMMIT;")?;
        for (table, _) in self.stats.tables.clone() {
            let qualified = self.table(table);
            self.out.raw(&format!("ANALYZE {qualified};"))?;
        }
        let out = self.out.finish()?;
        Ok((self.stats, out))
    }

    fn currencies_and_companies(&mut self) -> io::Result<()> {
        let start = self.begin(
            "res_currency",
            &["id", "name", "full_name", "symbol", "rounding", "decimal_places", "position", "active", "create_date"],
        )?;
        let created = at(self.history_start, 8, 0);
        for (id, code, name, symbol, position) in [
            (EUR, "EUR", "Euro", "€", "after"),
            (USD, "USD", "United States dollar", "$", "before"),
            (GBP, "GBP", "Pound sterling", "£", "before"),
        ] {
            let w = &mut self.out;
            w.int(id)?.text(code)?.text(name)?.text(symbol)?.money(0.01)?.int(2)?.text(position)?;
            w.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("res_currency", start);

        let start = self.begin(
            "res_company",
            &["id", "name", "partner_id", "currency_id", "sequence", "active", "email", "create_date", "parent_path"],
        )?;
        for (id, name) in [(1, "Scout Trading SA"), (2, "Scout Services SRL")] {
            let w = &mut self.out;
            w.int(id)?.text(name)?.int(id)?.int(EUR)?.int(id * 10)?.boolean(true)?;
            w.text(&format!("info@company{id}.example"))?.timestamp(created)?.text(&format!("{id}/"))?;
            w.end_row()?;
        }
        self.end("res_company", start);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(scale: u32) -> (Stats, String) {
        let config = Config::new(scale, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        let (stats, out) = Generator::new(config, Vec::new()).run().unwrap();
        (stats, String::from_utf8(out).unwrap())
    }

    #[test]
    fn same_seed_gives_the_same_bytes() {
        assert_eq!(generate(200).1, generate(200).1);
    }

    #[test]
    fn about_ten_customer_invoices_per_customer() {
        let (stats, out) = generate(2000);
        let invoices = out.lines().filter(|line| line.contains("\tout_invoice\t")).count() as f64;
        let per_customer = invoices / 2000.0;
        assert!((7.0..14.0).contains(&per_customer), "{per_customer} invoices per customer");
        assert!(stats.rows("account_move_line") > stats.rows("account_move") * 2);
    }

    #[test]
    fn every_state_appears() {
        let (_, out) = generate(2000);
        for state in ["\tdraft\tout_invoice", "\tposted\tout_invoice", "\tposted\tout_refund", "\tposted\tin_invoice"] {
            assert!(out.contains(state), "no {state:?}");
        }
        for payment_state in ["\tpaid\t", "\tnot_paid\t", "\tpartial\t", "\treversed\t"] {
            assert!(out.contains(payment_state), "no {payment_state:?}");
        }
        for sheet_state in ["\tdraft\t", "\tsubmit\t", "\tapprove\t", "\tpost\t", "\tdone\t", "\tcancel\t"] {
            assert!(out.contains(sheet_state), "no sheet state {sheet_state:?}");
        }
        for task_state in
            ["01_in_progress", "02_changes_requested", "03_approved", "04_waiting_normal", "1_done", "1_canceled"]
        {
            assert!(out.contains(task_state), "no task state {task_state}");
        }
    }

    #[test]
    fn every_copy_row_has_as_many_fields_as_columns() {
        let (_, out) = generate(300);
        let mut columns = 0;
        for line in out.lines() {
            if let Some(rest) = line.strip_prefix("COPY ") {
                let list = &rest[rest.find('(').unwrap() + 1..rest.find(')').unwrap()];
                columns = list.split(", ").count();
            } else if line == "\\." {
                columns = 0;
            } else if columns > 0 {
                assert_eq!(line.split('\t').count(), columns, "{line}");
            }
        }
    }

    #[test]
    fn revenue_is_long_tailed() {
        let (_, out) = generate(2000);
        let mut per_partner: std::collections::HashMap<&str, f64> = Default::default();
        for line in out.lines().filter(|line| line.contains("\tposted\tout_invoice\t")) {
            let fields: Vec<&str> = line.split('\t').collect();
            *per_partner.entry(fields[9]).or_default() += fields[16].parse::<f64>().unwrap();
        }
        let mut revenue: Vec<f64> = per_partner.values().copied().collect();
        revenue.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = revenue.iter().sum();
        let top_tenth: f64 = revenue[..revenue.len() / 10].iter().sum();
        assert!(top_tenth / total > 0.4, "top 10% of customers bring {:.0}% of revenue", top_tenth / total * 100.0);
    }
}
