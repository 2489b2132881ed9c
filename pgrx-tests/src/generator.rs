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

use std::io::{self, Write};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::copy::CopyWriter;
use crate::prng::Prng;

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
}

impl Config {
    pub fn new(scale: u32, today: NaiveDate) -> Self {
        Self { seed: 42, scale, today, years: 4, schema: "odoo_mirror".to_string() }
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

const INFLATED: &str = "inflated_amount";
const DUPLICATE: &str = "duplicate";
const NEAR_DUPLICATE: &str = "near_duplicate";
const SPLIT_CLAIM: &str = "split_claim";
const FABRICATED: &str = "fabricated";
const FREQUENCY_SPIKE: &str = "frequency_spike";

/// The injected expense fraud: (kind, rate, what it looks like). Rates are shares of the ordinary
/// expenses (rounded, at least 1 from 200 expenses), except `split_claim`'s, which counts groups, and
/// `frequency_spike`'s, a share of the employees.
pub const FRAUD_KINDS: &[(&str, f64, &str)] = &[
    (INFLATED, 0.004, "an ordinary claim (not mileage) multiplied by 4..10 in place"),
    (DUPLICATE, 0.004, "an exact copy of an earlier claim of the same employee, on a later report"),
    (NEAR_DUPLICATE, 0.003, "a copy with the amount off by 0.5..1.5% and the date by 1..3 days, on a later report"),
    (SPLIT_CLAIM, 0.002, "groups: a 600..1950 hotel or travel purchase as 2..4 claims under 500 within 3 days"),
    (FABRICATED, 0.003, "a round amount (100..600 by 50) on a weekend, submitted 70..200 days later"),
    (FREQUENCY_SPIKE, 0.025, "per employee: 8..15 extra ordinary claims in one 30-day window of the last 2 years"),
];

/// Share of injected-fraud reports at least 15 days old that auditors refused.
const FRAUD_REFUSED_SHARE: f64 = 0.3;

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

/// Relative invoicing activity per month (January first): quiet August, busy year end.
const SEASONALITY: [f64; 12] = [0.80, 0.85, 1.00, 1.00, 1.05, 0.95, 0.80, 0.55, 1.05, 1.10, 1.20, 1.30];

const ADJECTIVES: &[&str] = &[
    "Blue", "Northern", "Golden", "Silver", "Green", "Bright", "Rapid", "Global", "Urban", "Coastal", "Alpine",
    "Royal", "Smart", "Prime", "Summit", "Crystal", "Iron", "Oak", "Harbor", "Pioneer",
];
const NOUNS: &[&str] = &[
    "Logistics", "Foods", "Systems", "Textiles", "Analytics", "Motors", "Pharma", "Energy", "Builders", "Media",
    "Robotics", "Furniture", "Optics", "Labs", "Trading", "Farms", "Design", "Metals", "Travel", "Software",
];
const SUFFIXES: &[&str] = &["SA", "NV", "GmbH", "BV", "Ltd", "Inc", "SARL", "SRL"];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Lucas", "Emma", "Noah", "Mila", "Louis", "Julia", "Liam", "Sofia", "Arthur", "Nina", "Victor", "Clara",
    "Hugo", "Elena", "Jules", "Laura", "Adam", "Eva", "Oscar", "Marie", "Felix", "Lena", "Tom",
];
const LAST_NAMES: &[&str] = &[
    "Peeters", "Janssens", "Maes", "Dubois", "Martin", "Muller", "Schmidt", "de Vries", "Jansen", "Smith", "Jones",
    "Lambert", "Dupont", "Claes", "Wouters", "Garcia", "Rossi", "Novak", "Berg", "Moreau",
];
/// (country id, VAT prefix, city, language)
const COUNTRIES: &[(i64, &str, &str, &str)] = &[
    (20, "BE0", "Brussels", "fr_BE"),
    (20, "BE0", "Antwerp", "nl_BE"),
    (75, "FR", "Paris", "fr_FR"),
    (57, "DE", "Berlin", "de_DE"),
    (165, "NL", "Amsterdam", "nl_NL"),
    (231, "GB", "London", "en_GB"),
    (233, "US", "New York", "en_US"),
];

/// Expense categories: (product id, name, median amount, log-spread).
const EXPENSE_PRODUCTS: &[(i64, &str, f64, f64)] = &[
    (1, "Meals", 35.0, 0.5),
    (2, "Travel", 240.0, 0.7),
    (3, "Hotel", 140.0, 0.4),
    (4, "Mileage", 60.0, 0.6),
    (5, "Office supplies", 45.0, 0.8),
    (6, "Software subscription", 60.0, 0.5),
];

/// (id, English name, French name, folded)
const STAGES: &[(i64, &str, &str, bool)] = &[
    (1, "New", "Nouveau", false),
    (2, "In Progress", "En cours", false),
    (3, "Review", "Revue", false),
    (4, "Done", "Fait", true),
    (5, "Cancelled", "Annulé", true),
];

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

fn company_name(rng: &mut Prng, index: u64) -> String {
    format!("{} {} {} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS), rng.pick(SUFFIXES), index)
}

fn person_name(rng: &mut Prng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
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

    const PARTNER_COLUMNS: &'static [&'static str] = &[
        "id", "name", "complete_name", "is_company", "type", "parent_id", "commercial_partner_id", "vat", "email",
        "phone", "street", "city", "zip", "country_id", "lang", "active", "customer_rank", "supplier_rank",
        "company_id", "create_date", "write_date", "employee",
    ];

    #[allow(clippy::too_many_arguments)]
    fn partner_row(
        &mut self,
        id: i64,
        name: &str,
        parent: Option<(i64, &str)>,
        is_company: bool,
        country: usize,
        customer_rank: i64,
        supplier_rank: i64,
        created: NaiveDateTime,
    ) -> io::Result<()> {
        let (country_id, vat_prefix, city, lang) = COUNTRIES[country % COUNTRIES.len()];
        let vat = if is_company { Some(format!("{vat_prefix}{:09}", 100_000_000 + id * 7919 % 900_000_000)) } else { None };
        let complete_name = match parent {
            Some((_, parent_name)) => format!("{parent_name}, {name}"),
            None => name.to_string(),
        };
        let slug: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        let phone = format!("+32 2 {:03} {:02} {:02}", id % 1000, id % 97, id % 89);
        let w = &mut self.out;
        w.int(id)?.text(name)?.text(&complete_name)?.boolean(is_company)?.text("contact")?;
        w.opt_int(parent.map(|(parent_id, _)| parent_id))?.int(parent.map(|(parent_id, _)| parent_id).unwrap_or(id))?;
        w.opt_text(vat.as_deref())?.text(&format!("{slug}{id}@example.com"))?.text(&phone)?;
        w.text(&format!("{} Main Street", id % 300 + 1))?.text(city)?.text(&format!("{:04}", 1000 + id % 9000))?;
        w.int(country_id)?.text(lang)?.boolean(true)?.int(customer_rank)?.int(supplier_rank)?.null()?;
        w.timestamp(created)?.timestamp(created)?.boolean(false)?;
        w.end_row()
    }

    fn people(&mut self) -> io::Result<()> {
        let mut rng = self.rng.fork(1);
        let scale = i64::from(self.config.scale.max(1));
        let employee_count = (scale / 100).max(20);
        let customer_count = scale;
        let vendor_count = (scale / 20).max(5);
        let created = at(self.history_start, 8, 0);
        let history_days = (self.config.today - self.history_start).num_days();

        let start = self.begin("res_partner", Self::PARTNER_COLUMNS)?;
        // Company partners 1 and 2.
        self.partner_row(1, "Scout Trading SA", None, true, 0, 0, 0, created)?;
        self.partner_row(2, "Scout Services SRL", None, true, 1, 0, 0, created)?;
        self.next_partner_id = 3;

        // Employees' partners (their users' names live here).
        let mut employee_names = Vec::new();
        for _ in 0..employee_count {
            let id = self.next_partner_id;
            self.next_partner_id += 1;
            let name = person_name(&mut rng);
            self.partner_row(id, &name, None, false, 0, 0, 0, created)?;
            employee_names.push((id, name));
        }

        // Customers, each with a contact person for some.
        for index in 0..customer_count {
            let id = self.next_partner_id;
            self.next_partner_id += 1;
            let name = company_name(&mut rng, index as u64 + 1);
            let country = rng.weighted(&[3.0, 2.0, 2.0, 1.5, 1.0, 0.6, 0.4]);
            let tenure_days = rng.range(30, history_days);
            let start_date = self.config.today - Duration::days(tenure_days);
            let churns = rng.chance(0.30) && tenure_days > 90;
            let churn_date = churns.then(|| start_date + Duration::days(rng.range(60, tenure_days)));
            let customer = Customer {
                partner_id: id,
                company_id: if rng.chance(0.8) { 1 } else { 2 },
                currency_id: match country {
                    5 => GBP,
                    6 => USD,
                    _ => EUR,
                },
                name: name.clone(),
                ticket_median: rng.log_normal(900.0, 1.0).clamp(20.0, 250_000.0),
                mean_gap_days: rng.log_normal(55.0, 0.6).clamp(7.0, 365.0),
                payment_term_days: *rng.pick(&[15, 30, 30, 30, 45, 60]),
                late_payer: rng.chance(0.15),
                start: start_date,
                churn_date,
                user_id: 0,
            };
            let customer_created = at(start_date, 9, (index % 60) as u32);
            self.partner_row(id, &name, None, true, country, 1, 0, customer_created)?;
            if rng.chance(0.35) {
                let contact_id = self.next_partner_id;
                self.next_partner_id += 1;
                let contact = person_name(&mut rng);
                self.partner_row(contact_id, &contact, Some((id, &name)), false, country, 0, 0, customer_created)?;
            }
            self.customers.push(customer);
        }

        // Vendors (for vendor bills).
        let first_vendor = self.next_partner_id;
        for index in 0..vendor_count {
            let id = self.next_partner_id;
            self.next_partner_id += 1;
            let name = company_name(&mut rng, 900_000 + index as u64);
            let country = rng.range(0, 4) as usize;
            self.partner_row(id, &name, None, true, country, 0, 1, created)?;
        }
        self.end("res_partner", start);
        let _ = first_vendor;

        // Users: the administrator (partner 1's company) and one per employee.
        let start = self.begin("res_users", &["id", "login", "partner_id", "company_id", "active", "share", "create_date"])?;
        let w = &mut self.out;
        w.int(1)?.text("__system__")?.int(1)?.int(1)?.boolean(false)?.boolean(false)?.timestamp(created)?;
        w.end_row()?;
        for (index, (partner_id, name)) in employee_names.iter().enumerate() {
            let user_id = index as i64 + 2;
            let login = format!("{}.{}@company.example", name.to_lowercase().replace(' ', "."), user_id);
            let w = &mut self.out;
            w.int(user_id)?.text(&login)?.int(*partner_id)?.int(1)?.boolean(true)?.boolean(false)?.timestamp(created)?;
            w.end_row()?;
            self.user_ids.push(user_id);
        }
        self.end("res_users", start);

        for (index, customer) in self.customers.iter_mut().enumerate() {
            customer.user_id = self.user_ids[index % self.user_ids.len()];
        }

        let start = self.begin(
            "hr_employee",
            &["id", "name", "user_id", "company_id", "active", "department_id", "job_title", "work_email", "create_date",
              "employee_type", "work_contact_id"],
        )?;
        const JOBS: &[&str] = &["Sales Manager", "Consultant", "Developer", "Accountant", "Project Manager", "Technician"];
        for (index, (partner_id, name)) in employee_names.iter().enumerate() {
            let employee_id = index as i64 + 1;
            let user_id = index as i64 + 2;
            let job = JOBS[index % JOBS.len()];
            let w = &mut self.out;
            w.int(employee_id)?.text(name)?.int(user_id)?.int(if index % 5 == 4 { 2 } else { 1 })?.boolean(true)?;
            w.int(index as i64 % 6 + 1)?.text(job)?.text(&format!("employee{employee_id}@company.example"))?;
            w.timestamp(created)?.text("employee")?.int(*partner_id)?;
            w.end_row()?;
            self.employees.push((employee_id, user_id, name.clone()));
        }
        self.end("hr_employee", start);
        Ok(())
    }

    const MOVE_COLUMNS: &'static [&'static str] = &[
        "id", "name", "date", "state", "move_type", "journal_id", "company_id", "invoice_date", "invoice_date_due",
        "partner_id", "commercial_partner_id", "currency_id", "amount_untaxed", "amount_tax", "amount_total",
        "amount_residual", "amount_untaxed_signed", "amount_tax_signed", "amount_total_signed",
        "amount_total_in_currency_signed", "amount_residual_signed", "payment_state", "reversed_entry_id",
        "invoice_partner_display_name", "invoice_user_id", "auto_post", "posted_before", "sequence_prefix",
        "sequence_number", "create_date", "write_date", "payment_reference", "invoice_origin",
    ];

    const LINE_COLUMNS: &'static [&'static str] = &[
        "id", "move_id", "journal_id", "company_id", "company_currency_id", "move_name", "parent_state", "date",
        "invoice_date", "sequence", "account_id", "name", "debit", "credit", "balance", "amount_currency",
        "currency_id", "partner_id", "display_type", "product_id", "quantity", "price_unit", "price_subtotal",
        "price_total", "amount_residual", "reconciled", "date_maturity", "create_date",
    ];

    fn invoices(&mut self) -> io::Result<()> {
        let mut rng = self.rng.fork(2);
        let today = self.config.today;
        let mut moves: Vec<Move> = Vec::new();
        let mut next_id = 1i64;

        for customer in &self.customers {
            let end = customer.churn_date.unwrap_or(today).min(today);
            let mut date = customer.start + Duration::days(rng.range(0, 20));
            while date < end {
                let fading = customer.churn_date.is_some_and(|churn| (churn - date).num_days() < 120);
                let gap_mean = customer.mean_gap_days * if fading { 2.0 } else { 1.0 };
                let gap = rng.exponential(gap_mean).max(1.0) as i64;
                date += Duration::days(gap);
                if date >= end {
                    break;
                }
                // Seasonality by thinning: skip some invoices in quiet months.
                if !rng.chance(SEASONALITY[date.month0() as usize] / 1.30) {
                    continue;
                }
                let untaxed_eur = (customer.ticket_median * rng.log_normal(1.0, 0.35)).max(5.0);
                let invoice = Move::customer_invoice(next_id, customer, date, untaxed_eur, fading, today, &mut rng);
                next_id += 1;
                // About 3% of posted invoices are refunded, in part or in full, some weeks later.
                let refund = (invoice.state == "posted" && rng.chance(0.03)).then(|| {
                    let share = if rng.chance(0.4) { 1.0 } else { rng.range(20, 90) as f64 / 100.0 };
                    (share, date + Duration::days(rng.range(5, 60)))
                });
                let mut invoice = invoice;
                if let Some((share, refund_date)) = refund {
                    if refund_date <= today {
                        if share >= 1.0 {
                            invoice.payment_state = "reversed";
                            invoice.residual_ratio = 0.0;
                            invoice.settled_on = Some(refund_date);
                        }
                        let refund = Move::customer_refund(next_id, &invoice, customer, refund_date, share);
                        next_id += 1;
                        moves.push(invoice);
                        moves.push(refund);
                        continue;
                    }
                }
                moves.push(invoice);
            }
        }

        // Vendor bills: about one for every ten customer invoices, from the vendors.
        let first_vendor = self.next_partner_id - (i64::from(self.config.scale.max(1)) / 20).max(5);
        let bill_count = moves.len() / 10;
        let history_days = (today - self.history_start).num_days();
        for _ in 0..bill_count {
            let vendor = rng.range(first_vendor, self.next_partner_id - 1);
            let date = self.history_start + Duration::days(rng.range(0, history_days));
            let untaxed = rng.log_normal(1200.0, 0.9).max(10.0);
            moves.push(Move::vendor_bill(next_id, vendor, date, untaxed, today, &mut rng));
            next_id += 1;
        }

        // Sequence numbers per (company, prefix, year), in date order, as Odoo assigns them.
        moves.sort_by_key(|m| (m.date, m.id));
        let mut sequences: std::collections::HashMap<(i64, &'static str, i32), i64> = Default::default();
        for m in moves.iter_mut().filter(|m| m.state != "draft") {
            let counter = sequences.entry((m.company_id, m.prefix, m.date.year())).or_insert(0);
            *counter += 1;
            m.sequence_number = Some(*counter);
        }
        moves.sort_by_key(|m| m.id);

        let start = self.begin("account_move", Self::MOVE_COLUMNS)?;
        for m in &moves {
            m.write(&mut self.out)?;
        }
        self.end("account_move", start);

        let start = self.begin("account_move_line", Self::LINE_COLUMNS)?;
        let mut line_id = 1i64;
        for m in &moves {
            m.write_lines(&mut self.out, &mut line_id)?;
        }
        self.end("account_move_line", start);
        Ok(())
    }

    fn expenses(&mut self) -> io::Result<()> {
        let mut rng = self.rng.fork(3);
        let today = self.config.today;
        let history_days = (today - self.history_start).num_days();
        // One expense per customer overall, spread over the employees.
        let per_employee = (f64::from(self.config.scale.max(1)) / self.employees.len() as f64).max(4.0);

        let mut sheets: Vec<Sheet> = Vec::new();
        let mut expenses: Vec<Expense> = Vec::new();
        for (employee_id, user_id, employee_name) in &self.employees {
            let company_id = company_of(*employee_id);
            let count = (per_employee * rng.log_normal(1.0, 0.3)).round().max(1.0) as usize;
            let mut dates: Vec<NaiveDate> =
                (0..count).map(|_| self.history_start + Duration::days(rng.range(0, history_days))).collect();
            dates.sort();
            let mut index = 0;
            while index < dates.len() {
                let batch = (rng.range(1, 5) as usize).min(dates.len() - index);
                let last_date = dates[index + batch - 1];
                let age = (today - last_date).num_days();
                // Unreported expenses: recent ones not yet on a report.
                let sheet_id = if age < 20 && rng.chance(0.4) {
                    None
                } else {
                    let state = Sheet::state_for_age(age, &mut rng);
                    let id = sheets.len() as i64 + 1;
                    sheets.push(Sheet::new(id, *employee_id, *user_id, company_id, employee_name, state, last_date, today, &mut rng));
                    Some(id)
                };
                for date in &dates[index..index + batch] {
                    let (product_id, product, quantity, unit) = ordinary_expense(&mut rng);
                    let state = match sheet_id {
                        None => "draft",
                        Some(id) => sheets[id as usize - 1].expense_state(),
                    };
                    expenses.push(Expense {
                        id: expenses.len() as i64 + 1,
                        name: format!("{product} {}", date.format("%Y-%m-%d")),
                        date: *date,
                        employee_id: *employee_id,
                        company_id,
                        product_id,
                        quantity,
                        unit,
                        total: quantity * unit,
                        tax_rate: tax_rate(product_id),
                        state,
                        sheet_id,
                        payment_mode: if rng.chance(0.85) { "own_account" } else { "company_account" },
                    });
                    if let Some(id) = sheet_id {
                        let sheet = &mut sheets[id as usize - 1];
                        sheet.total += quantity * unit;
                        sheet.tax += quantity * unit * if product_id == 4 { 0.0 } else { 0.21 / 1.21 };
                    }
                }
                index += batch;
            }
        }

        // Fraud on a stream of its own, after the ordinary rows, so that those draw what they always did.
        let mut injector = Injector {
            rng: self.rng.fork(7),
            legit: expenses.len(),
            touched: vec![false; expenses.len()],
            sheets: &mut sheets,
            expenses: &mut expenses,
            employees: &self.employees,
            start: self.history_start,
            today,
            labels: Vec::new(),
        };
        injector.run();
        let mut labels = injector.labels;
        labels.sort_unstable_by_key(|(id, _)| *id);
        self.stats.fraud = labels;

        let start = self.begin("hr_expense_sheet", Sheet::COLUMNS)?;
        for sheet in &sheets {
            sheet.write(&mut self.out)?;
        }
        self.end("hr_expense_sheet", start);

        let start = self.begin("hr_expense", Expense::COLUMNS)?;
        for expense in &expenses {
            let accounting_date = expense.sheet_id.and_then(|id| sheets[id as usize - 1].accounting_date);
            expense.write(&mut self.out, accounting_date)?;
        }
        self.end("hr_expense", start);
        Ok(())
    }

    fn projects_and_tasks(&mut self) -> io::Result<()> {
        let mut rng = self.rng.fork(4);
        let today = self.config.today;
        let history_days = (today - self.history_start).num_days();
        let created = at(self.history_start, 8, 0);

        let start = self.begin("project_task_type", &["id", "name", "sequence", "fold", "active", "create_date"])?;
        for (id, english, french, fold) in STAGES {
            let name = format!("{{\"en_US\": \"{english}\", \"fr_FR\": \"{french}\"}}");
            let w = &mut self.out;
            w.int(*id)?.text(&name)?.int(*id * 10)?.boolean(*fold)?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("project_task_type", start);

        let project_count = (i64::from(self.config.scale) / 500).max(5);
        let start = self.begin(
            "project_project",
            &["id", "name", "active", "sequence", "partner_id", "company_id", "user_id", "date_start",
              "privacy_visibility", "create_date", "label_tasks"],
        )?;
        for id in 1..=project_count {
            let customer = &self.customers[rng.range(0, self.customers.len() as i64 - 1) as usize];
            let name = format!("{{\"en_US\": \"{} {}\"}}", rng.pick(&["Rollout", "Migration", "Support", "Audit", "Website", "Training"]), customer.name);
            let start_date = self.history_start + Duration::days(rng.range(0, history_days / 2));
            let partner_id = customer.partner_id;
            let user_id = *rng.pick(&self.user_ids);
            let w = &mut self.out;
            w.int(id)?.text(&name)?.boolean(id % 17 != 0)?.int(id)?.int(partner_id)?.int(1)?.int(user_id)?;
            w.date(start_date)?.text("employees")?.timestamp(at(start_date, 9, 0))?;
            w.text("{\"en_US\": \"Tasks\"}")?;
            w.end_row()?;
        }
        self.end("project_project", start);

        let task_count = i64::from(self.config.scale.max(1));
        let start = self.begin(
            "project_task",
            &["id", "name", "project_id", "stage_id", "state", "priority", "active", "sequence", "date_deadline",
              "date_assign", "date_end", "date_last_stage_update", "partner_id", "company_id", "allocated_hours",
              "effective_hours", "remaining_hours", "progress", "display_in_project", "create_date", "write_date"],
        )?;
        const VERBS: &[&str] = &["Configure", "Review", "Migrate", "Test", "Document", "Deploy", "Fix", "Design"];
        const OBJECTS: &[&str] = &["invoicing", "warehouse flows", "payroll", "CRM pipeline", "reports", "portal", "API", "dashboards"];
        let mut assignments: Vec<(i64, i64, NaiveDateTime)> = Vec::new();
        for id in 1..=task_count {
            let project_id = rng.range(1, project_count);
            let created_date = self.history_start + Duration::days(rng.range(0, history_days));
            let age = (today - created_date).num_days();
            // Older tasks are mostly closed; recent ones mostly open.
            let closed_probability = (age as f64 / 180.0).min(0.97);
            let (stage_id, state) = if rng.chance(closed_probability) {
                if rng.chance(0.9) { (4, "1_done") } else { (5, "1_canceled") }
            } else {
                match rng.weighted(&[3.0, 4.0, 1.5, 1.0, 0.8]) {
                    0 => (1, "01_in_progress"),
                    1 => (2, "01_in_progress"),
                    2 => (3, "03_approved"),
                    3 => (2, "02_changes_requested"),
                    _ => (2, "04_waiting_normal"),
                }
            };
            let closed = state.starts_with('1');
            let deadline = rng.chance(0.7).then(|| at(created_date + Duration::days(rng.range(3, 120)), 17, 0));
            let closed_at = closed.then(|| at(created_date + Duration::days(rng.range(1, age.max(1))), 16, 30));
            let allocated = rng.range(1, 40) as f64;
            let effective = allocated * rng.log_normal(if closed { 1.0 } else { 0.5 }, 0.4);
            let name = format!("{} {} #{id}", rng.pick(VERBS), rng.pick(OBJECTS));
            let priority = if rng.chance(0.2) { "1" } else { "0" };
            let active = !rng.chance(0.02);
            let created_at = at(created_date, 10, (id % 60) as u32);
            let partner_id = self.customers[rng.range(0, self.customers.len() as i64 - 1) as usize].partner_id;
            let w = &mut self.out;
            w.int(id)?.text(&name)?.int(project_id)?.int(stage_id)?.text(state)?.text(priority)?.boolean(active)?;
            w.int(10)?.opt_timestamp(deadline)?.timestamp(created_at)?.opt_timestamp(closed_at)?;
            w.timestamp(closed_at.unwrap_or(created_at))?.int(partner_id)?.int(1)?.float(allocated)?;
            w.float(effective)?.float(allocated - effective)?.float((effective / allocated * 100.0).min(100.0))?;
            w.boolean(true)?.timestamp(created_at)?.timestamp(closed_at.unwrap_or(created_at))?;
            w.end_row()?;
            let assignees = rng.weighted(&[1.0, 5.0, 2.5, 1.0]);
            let mut chosen: Vec<i64> = Vec::new();
            for _ in 0..assignees {
                let user = *rng.pick(&self.user_ids);
                if !chosen.contains(&user) {
                    chosen.push(user);
                    assignments.push((id, user, created_at));
                }
            }
        }
        self.end("project_task", start);

        let start = self.begin("project_task_user_rel", &["id", "task_id", "user_id", "create_date"])?;
        for (index, (task_id, user_id, created_at)) in assignments.iter().enumerate() {
            let w = &mut self.out;
            w.int(index as i64 + 1)?.int(*task_id)?.int(*user_id)?.timestamp(*created_at)?;
            w.end_row()?;
        }
        self.end("project_task_user_rel", start);
        Ok(())
    }
}

/// An account.move being generated.
struct Move {
    id: i64,
    move_type: &'static str,
    prefix: &'static str,
    state: &'static str,
    date: NaiveDate,
    due: NaiveDate,
    company_id: i64,
    partner_id: i64,
    partner_name: String,
    user_id: Option<i64>,
    currency_id: i64,
    untaxed_eur: f64,
    tax_rate: f64,
    payment_state: &'static str,
    /// Share of the total still open.
    residual_ratio: f64,
    reversed_entry_id: Option<i64>,
    sequence_number: Option<i64>,
    origin: Option<String>,
    /// When the payment state last changed (Odoo stamps write_date then): the payment or refund date.
    settled_on: Option<NaiveDate>,
}

impl Move {
    fn customer_invoice(
        id: i64,
        customer: &Customer,
        date: NaiveDate,
        untaxed_eur: f64,
        fading: bool,
        today: NaiveDate,
        rng: &mut Prng,
    ) -> Self {
        let age = (today - date).num_days();
        let state = if age < 10 && rng.chance(0.3) {
            "draft"
        } else if rng.chance(0.01) {
            "cancel"
        } else {
            "posted"
        };
        let due = date + Duration::days(customer.payment_term_days);
        let mut settled_on = None;
        let (payment_state, residual_ratio) = if state != "posted" {
            ("not_paid", 1.0)
        } else {
            // Days after the due date the customer pays; late payers and fading customers pay later.
            let mut lateness = rng.normal() * 6.0 - 3.0;
            if customer.late_payer {
                lateness += rng.exponential(35.0);
            }
            if fading {
                lateness += rng.exponential(25.0);
            }
            let never = (customer.late_payer || fading) && rng.chance(0.08);
            let paid_on = due + Duration::days(lateness.round() as i64);
            if never || paid_on > today {
                if rng.chance(0.15) {
                    ("partial", rng.range(20, 80) as f64 / 100.0)
                } else {
                    ("not_paid", 1.0)
                }
            } else if rng.chance(0.02) {
                settled_on = Some(paid_on.max(date));
                ("partial", rng.range(10, 50) as f64 / 100.0)
            } else {
                settled_on = Some(paid_on.max(date));
                ("paid", 0.0)
            }
        };
        Self {
            id,
            move_type: "out_invoice",
            prefix: "INV",
            state,
            date,
            due,
            company_id: customer.company_id,
            partner_id: customer.partner_id,
            partner_name: customer.name.clone(),
            user_id: Some(customer.user_id),
            currency_id: customer.currency_id,
            untaxed_eur,
            tax_rate: if customer.currency_id == EUR { 0.21 } else { 0.0 },
            payment_state,
            residual_ratio,
            reversed_entry_id: None,
            sequence_number: None,
            origin: Some(format!("S{:05}", id % 100_000)),
            settled_on,
        }
    }

    fn customer_refund(id: i64, invoice: &Move, customer: &Customer, date: NaiveDate, share: f64) -> Self {
        Self {
            id,
            move_type: "out_refund",
            prefix: "RINV",
            state: "posted",
            date,
            due: date,
            company_id: invoice.company_id,
            partner_id: customer.partner_id,
            partner_name: customer.name.clone(),
            user_id: invoice.user_id,
            currency_id: invoice.currency_id,
            untaxed_eur: invoice.untaxed_eur * share,
            tax_rate: invoice.tax_rate,
            payment_state: "paid",
            residual_ratio: 0.0,
            reversed_entry_id: Some(invoice.id),
            sequence_number: None,
            origin: None,
            settled_on: Some(date),
        }
    }

    fn vendor_bill(id: i64, vendor: i64, date: NaiveDate, untaxed_eur: f64, today: NaiveDate, rng: &mut Prng) -> Self {
        let due = date + Duration::days(30);
        let (payment_state, residual_ratio, settled_on) = if due + Duration::days(5) < today && rng.chance(0.95) {
            ("paid", 0.0, Some(due + Duration::days(5)))
        } else {
            ("not_paid", 1.0, None)
        };
        Self {
            id,
            move_type: "in_invoice",
            prefix: "BILL",
            state: "posted",
            date,
            due,
            company_id: 1,
            partner_id: vendor,
            partner_name: format!("Vendor {vendor}"),
            user_id: None,
            currency_id: EUR,
            untaxed_eur,
            tax_rate: 0.21,
            payment_state,
            residual_ratio,
            reversed_entry_id: None,
            sequence_number: None,
            origin: None,
            settled_on,
        }
    }

    fn name(&self) -> String {
        match self.sequence_number {
            Some(number) => format!("{}/{}/{:05}", self.prefix, self.date.year(), number),
            None => "/".to_string(),
        }
    }

    /// Odoo's sign: + for customer invoices and vendor refunds, - for customer refunds and vendor bills.
    fn sign(&self) -> f64 {
        match self.move_type {
            "out_invoice" | "in_refund" | "out_receipt" => 1.0,
            _ => -1.0,
        }
    }

    fn amounts(&self) -> (f64, f64, f64) {
        let untaxed = (self.untaxed_eur * 100.0).round() / 100.0;
        let tax = (untaxed * self.tax_rate * 100.0).round() / 100.0;
        (untaxed, tax, untaxed + tax)
    }

    fn write<W: Write>(&self, w: &mut CopyWriter<W>) -> io::Result<()> {
        let (untaxed, tax, total) = self.amounts();
        let fx = rate(self.currency_id);
        let sign = self.sign();
        let residual = total * self.residual_ratio;
        let name = self.name();
        let journal = match self.move_type {
            "in_invoice" | "in_refund" => 2,
            _ => 1,
        };
        let created = at(self.date, 11, (self.id % 60) as u32);
        w.int(self.id)?.text(&name)?.date(self.date)?.text(self.state)?.text(self.move_type)?.int(journal)?;
        w.int(self.company_id)?.date(self.date)?.date(self.due)?.int(self.partner_id)?.int(self.partner_id)?;
        w.int(self.currency_id)?;
        w.money(untaxed * fx)?.money(tax * fx)?.money(total * fx)?.money(residual * fx)?;
        w.money(sign * untaxed)?.money(sign * tax)?.money(sign * total)?.money(sign * total * fx)?;
        w.money(sign * residual)?;
        w.text(self.payment_state)?.opt_int(self.reversed_entry_id)?.text(&self.partner_name)?.opt_int(self.user_id)?;
        w.text("no")?.boolean(self.state != "draft")?;
        if self.sequence_number.is_some() {
            w.text(&format!("{}/{}/", self.prefix, self.date.year()))?;
        } else {
            w.null()?;
        }
        let written = self.settled_on.map_or(created, |day| at(day.max(self.date), 15, (self.id % 60) as u32));
        w.opt_int(self.sequence_number)?.timestamp(created)?.timestamp(written)?;
        w.opt_text(self.sequence_number.map(|_| name.as_str()))?.opt_text(self.origin.as_deref())?;
        w.end_row()
    }

    fn write_lines<W: Write>(&self, w: &mut CopyWriter<W>, next_id: &mut i64) -> io::Result<()> {
        let (untaxed, tax, total) = self.amounts();
        let fx = rate(self.currency_id);
        let sign = self.sign();
        let name = self.name();
        let (income_account, counterpart_account) = match self.move_type {
            "in_invoice" | "in_refund" => (4, 5),
            _ => (1, 3),
        };
        let created = at(self.date, 11, (self.id % 60) as u32);
        // (display type, account, label, balance, residual, product)
        let mut lines: Vec<(&str, i64, String, f64, f64, Option<i64>)> =
            vec![("product", income_account, "Services".to_string(), -sign * untaxed, 0.0, Some(1))];
        if tax != 0.0 {
            lines.push(("tax", 2, format!("VAT {:.0}%", self.tax_rate * 100.0), -sign * tax, 0.0, None));
        }
        lines.push(("payment_term", counterpart_account, name.clone(), sign * total, sign * total * self.residual_ratio, None));
        for (sequence, (display_type, account, label, balance, residual, product)) in lines.iter().enumerate() {
            w.int(*next_id)?.int(self.id)?.int(1)?.int(self.company_id)?.int(EUR)?.text(&name)?.text(self.state)?;
            w.date(self.date)?.date(self.date)?.int(sequence as i64 + 10)?.int(*account)?.text(label)?;
            w.money(balance.max(0.0))?.money((-balance).max(0.0))?.money(*balance)?.money(balance * fx)?;
            w.int(self.currency_id)?.int(self.partner_id)?.text(display_type)?.opt_int(*product)?;
            if *display_type == "product" {
                w.float(1.0)?.money(untaxed * fx)?.money(untaxed * fx)?.money(total * fx)?;
            } else {
                w.null()?.null()?.null()?.null()?;
            }
            w.money(*residual)?.boolean(*display_type == "payment_term" && self.residual_ratio == 0.0)?;
            if *display_type == "payment_term" {
                w.date(self.due)?;
            } else {
                w.null()?;
            }
            w.timestamp(created)?;
            w.end_row()?;
            *next_id += 1;
        }
        Ok(())
    }
}

struct Sheet {
    id: i64,
    employee_id: i64,
    user_id: i64,
    company_id: i64,
    name: String,
    state: &'static str,
    approval_date: Option<NaiveDateTime>,
    accounting_date: Option<NaiveDate>,
    created: NaiveDateTime,
    total: f64,
    tax: f64,
}

impl Sheet {
    const COLUMNS: &'static [&'static str] = &[
        "id", "name", "state", "approval_state", "approval_date", "company_id", "employee_id", "user_id",
        "total_amount", "untaxed_amount", "total_tax_amount", "amount_residual", "currency_id", "payment_state",
        "accounting_date", "create_date", "write_date",
    ];

    /// Sheet states by age: recent reports are mostly pending, old ones mostly done.
    fn state_for_age(age_days: i64, rng: &mut Prng) -> &'static str {
        let weights: [f64; 6] = if age_days < 15 {
            [3.0, 4.0, 2.0, 1.0, 0.5, 0.3]
        } else if age_days < 60 {
            [0.5, 2.0, 2.0, 2.0, 6.0, 0.6]
        } else {
            [0.1, 0.2, 0.2, 0.3, 18.0, 1.0]
        };
        ["draft", "submit", "approve", "post", "done", "cancel"][rng.weighted(&weights)]
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        id: i64,
        employee_id: i64,
        user_id: i64,
        company_id: i64,
        employee_name: &str,
        state: &'static str,
        last_expense: NaiveDate,
        today: NaiveDate,
        rng: &mut Prng,
    ) -> Self {
        let created_date = (last_expense + Duration::days(rng.range(0, 10))).min(today);
        Self::created_on(id, employee_id, user_id, company_id, employee_name, state, last_expense, created_date, today, rng)
    }

    /// A sheet created (submitted) on a given day.
    #[allow(clippy::too_many_arguments)]
    fn created_on(
        id: i64,
        employee_id: i64,
        user_id: i64,
        company_id: i64,
        employee_name: &str,
        state: &'static str,
        last_expense: NaiveDate,
        created_date: NaiveDate,
        today: NaiveDate,
        rng: &mut Prng,
    ) -> Self {
        let approved = matches!(state, "approve" | "post" | "done");
        let approval_date = approved
            .then(|| at((created_date + Duration::days(rng.range(1, 12))).min(today), 14, (id % 60) as u32));
        let accounting_date = matches!(state, "post" | "done").then(|| approval_date.map(|a| a.date()).unwrap_or(created_date));
        Self {
            id,
            employee_id,
            user_id,
            company_id,
            name: format!("{} expenses {}", employee_name, last_expense.format("%B %Y")),
            state,
            approval_date,
            accounting_date,
            created: at(created_date, 9, (id % 60) as u32),
            total: 0.0,
            tax: 0.0,
        }
    }

    /// hr_expense.state as Odoo 17/18 computes it from the sheet.
    fn expense_state(&self) -> &'static str {
        match self.state {
            "draft" => "reported",
            "submit" => "submitted",
            "approve" | "post" => "approved",
            "done" => "done",
            _ => "refused",
        }
    }

    fn write<W: Write>(&self, w: &mut CopyWriter<W>) -> io::Result<()> {
        let approval_state = match self.state {
            "draft" => None,
            "submit" => Some("submit"),
            "cancel" => Some("cancel"),
            _ => Some("approve"),
        };
        let (payment_state, residual) = match self.state {
            "done" => ("paid", 0.0),
            _ => ("not_paid", self.total),
        };
        w.int(self.id)?.text(&self.name)?.text(self.state)?.opt_text(approval_state)?.opt_timestamp(self.approval_date)?;
        w.int(self.company_id)?.int(self.employee_id)?.int(self.user_id)?.money(self.total)?.money(self.total - self.tax)?;
        w.money(self.tax)?.money(residual)?.int(EUR)?.text(payment_state)?.opt_date(self.accounting_date)?;
        w.timestamp(self.created)?.timestamp(self.approval_date.unwrap_or(self.created))?;
        w.end_row()
    }
}

struct Expense {
    id: i64,
    name: String,
    date: NaiveDate,
    employee_id: i64,
    company_id: i64,
    product_id: i64,
    quantity: f64,
    unit: f64,
    total: f64,
    tax_rate: f64,
    state: &'static str,
    sheet_id: Option<i64>,
    payment_mode: &'static str,
}

impl Expense {
    const COLUMNS: &'static [&'static str] = &[
        "id", "name", "date", "employee_id", "company_id", "product_id", "quantity", "description", "state", "sheet_id",
        "tax_amount_currency", "tax_amount", "total_amount_currency", "untaxed_amount_currency", "total_amount",
        "price_unit", "currency_id", "payment_mode", "accounting_date", "create_date", "write_date",
    ];

    fn write<W: Write>(&self, w: &mut CopyWriter<W>, accounting_date: Option<NaiveDate>) -> io::Result<()> {
        let tax = self.total * self.tax_rate / (1.0 + self.tax_rate);
        let created = at(self.date, 18, (self.id % 60) as u32);
        w.int(self.id)?.text(&self.name)?.date(self.date)?.int(self.employee_id)?.int(self.company_id)?;
        w.int(self.product_id)?.float(self.quantity)?.null()?.text(self.state)?.opt_int(self.sheet_id)?;
        w.money(tax)?.money(tax)?.money(self.total)?.money(self.total - tax)?.money(self.total)?;
        w.money(self.unit)?.int(EUR)?.text(self.payment_mode)?.opt_date(accounting_date)?;
        w.timestamp(created)?.timestamp(created)?;
        w.end_row()
    }
}

fn company_of(employee_id: i64) -> i64 {
    if employee_id % 5 == 0 { 2 } else { 1 }
}

fn tax_rate(product_id: i64) -> f64 {
    if product_id == 4 { 0.0 } else { 0.21 }
}

fn product_name(product_id: i64) -> &'static str {
    EXPENSE_PRODUCTS.iter().find(|(id, ..)| *id == product_id).map_or("Expense", |(_, name, ..)| *name)
}

fn fraud_rate(kind: &str) -> f64 {
    FRAUD_KINDS.iter().find(|(name, ..)| *name == kind).map_or(0.0, |(_, rate, _)| *rate)
}

fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

/// An ordinary expense's category and amount: (product id, name, quantity, unit price). Mileage is
/// claimed in km at 0.30 a km.
fn ordinary_expense(rng: &mut Prng) -> (i64, &'static str, f64, f64) {
    let (product_id, product, median, spread) = *rng.pick(EXPENSE_PRODUCTS);
    let total = rng.log_normal(median, spread).max(1.0);
    if product_id == 4 {
        (product_id, product, (total / 0.30).round().max(1.0), 0.30)
    } else {
        (product_id, product, 1.0, total)
    }
}

/// Adds the documented expense fraud to the ordinary expenses and records its ground truth.
struct Injector<'a> {
    rng: Prng,
    sheets: &'a mut Vec<Sheet>,
    expenses: &'a mut Vec<Expense>,
    employees: &'a [(i64, i64, String)],
    start: NaiveDate,
    today: NaiveDate,
    /// Ordinary expenses: the first `legit` rows.
    legit: usize,
    /// Ordinary rows already inflated or copied: each serves one kind once.
    touched: Vec<bool>,
    labels: Vec<(i64, &'static str)>,
}

impl Injector<'_> {
    fn run(&mut self) {
        self.inflated();
        self.duplicates();
        self.near_duplicates();
        self.split_claims();
        self.fabricated();
        self.frequency_spikes();
    }

    /// How many of a kind: its rate times the ordinary expenses, at least one from 200 of them.
    fn count(&self, kind: &str) -> usize {
        let count = (fraud_rate(kind) * self.legit as f64).round() as usize;
        if self.legit >= 200 { count.max(1) } else { count }
    }

    /// A random untouched ordinary expense that `eligible` accepts (None when there is none).
    fn pick_legit(&mut self, eligible: impl Fn(&Expense, &[Sheet]) -> bool) -> Option<usize> {
        if self.legit == 0 {
            return None;
        }
        // Scan on from a random row rather than redraw: a rare eligibility cannot loop forever.
        let first = self.rng.range(0, self.legit as i64 - 1) as usize;
        let found = (0..self.legit)
            .map(|step| (first + step) % self.legit)
            .find(|&index| !self.touched[index] && eligible(&self.expenses[index], self.sheets));
        if let Some(index) = found {
            self.touched[index] = true;
        }
        found
    }

    fn random_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        from + Duration::days(self.rng.range(0, (to - from).num_days()))
    }

    /// A new report of injected claims, created on `created` (its submission day).
    fn sheet(&mut self, employee_id: i64, last_expense: NaiveDate, created: NaiveDate) -> Option<i64> {
        let (_, user_id, name) = self.employees.iter().find(|(id, ..)| *id == employee_id)?;
        let created = created.max(last_expense).min(self.today);
        let age = (self.today - created).num_days();
        let state = if age >= 15 && self.rng.chance(FRAUD_REFUSED_SHARE) {
            "cancel"
        } else {
            Sheet::state_for_age(age, &mut self.rng)
        };
        let id = self.sheets.len() as i64 + 1;
        let company_id = company_of(employee_id);
        let sheet = Sheet::created_on(id, employee_id, *user_id, company_id, name, state, last_expense, created, self.today, &mut self.rng);
        self.sheets.push(sheet);
        Some(id)
    }

    /// Appends an injected claim on `sheet_id`, labelled `kind`.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: &'static str,
        employee_id: i64,
        date: NaiveDate,
        product_id: i64,
        quantity: f64,
        unit: f64,
        sheet_id: i64,
        payment_mode: &'static str,
    ) {
        let sheet = &mut self.sheets[sheet_id as usize - 1];
        let total = quantity * unit;
        sheet.total += total;
        sheet.tax += total * tax_rate(product_id) / (1.0 + tax_rate(product_id));
        let id = self.expenses.len() as i64 + 1;
        self.expenses.push(Expense {
            id,
            name: format!("{} {}", product_name(product_id), date.format("%Y-%m-%d")),
            date,
            employee_id,
            company_id: company_of(employee_id),
            product_id,
            quantity,
            unit,
            total,
            tax_rate: tax_rate(product_id),
            state: sheet.expense_state(),
            sheet_id: Some(sheet_id),
            payment_mode,
        });
        self.labels.push((id, kind));
    }

    fn inflated(&mut self) {
        for _ in 0..self.count(INFLATED) {
            // Mileage is km times a fixed rate: an inflated claim there is a different story.
            let Some(index) = self.pick_legit(|expense, _| expense.product_id != 4) else { break };
            let factor = 4.0 + 6.0 * self.rng.unit();
            let expense = &mut self.expenses[index];
            let before = expense.total;
            expense.unit *= factor;
            expense.total = expense.quantity * expense.unit;
            let added = expense.total - before;
            let (id, product_id, sheet_id) = (expense.id, expense.product_id, expense.sheet_id);
            if let Some(sheet_id) = sheet_id {
                let sheet = &mut self.sheets[sheet_id as usize - 1];
                sheet.total += added;
                sheet.tax += added * tax_rate(product_id) / (1.0 + tax_rate(product_id));
            }
            self.labels.push((id, INFLATED));
        }
    }

    /// The later report of a copied claim: 5..40 days after the original's.
    fn copy_sheet(&mut self, index: usize, date: NaiveDate) -> Option<i64> {
        let original = self.expenses[index].sheet_id?;
        let created = self.sheets[original as usize - 1].created.date() + Duration::days(self.rng.range(5, 40));
        self.sheet(self.expenses[index].employee_id, date, created.max(date))
    }

    /// An original worth copying: reported (not refused) early enough for a report 5 days later.
    fn copyable(today: NaiveDate) -> impl Fn(&Expense, &[Sheet]) -> bool {
        move |expense, sheets| {
            expense.sheet_id.is_some_and(|id| {
                let sheet = &sheets[id as usize - 1];
                sheet.state != "cancel" && sheet.created.date() + Duration::days(5) <= today
            })
        }
    }

    fn duplicates(&mut self) {
        for _ in 0..self.count(DUPLICATE) {
            let Some(index) = self.pick_legit(Self::copyable(self.today)) else { break };
            let original = &self.expenses[index];
            let (employee_id, date, product_id, quantity, unit, mode) =
                (original.employee_id, original.date, original.product_id, original.quantity, original.unit, original.payment_mode);
            if let Some(sheet_id) = self.copy_sheet(index, date) {
                self.push(DUPLICATE, employee_id, date, product_id, quantity, unit, sheet_id, mode);
            }
        }
    }

    fn near_duplicates(&mut self) {
        let copyable = Self::copyable(self.today);
        for _ in 0..self.count(NEAR_DUPLICATE) {
            // Not mileage (whole km cannot move by 1%), and from 20 EUR so that the change shows in cents.
            let eligible = |expense: &Expense, sheets: &[Sheet]| {
                expense.product_id != 4 && expense.total >= 20.0 && copyable(expense, sheets)
            };
            let Some(index) = self.pick_legit(eligible) else { break };
            let original = &self.expenses[index];
            let (employee_id, date, product_id, unit, mode) =
                (original.employee_id, original.date, original.product_id, original.unit, original.payment_mode);
            let change = 0.005 + 0.01 * self.rng.unit();
            let unit = cents(unit * if self.rng.chance(0.5) { 1.0 + change } else { 1.0 - change });
            let shift = Duration::days(self.rng.range(1, 3));
            let later = self.rng.chance(0.5);
            // The other way when the shift would leave the history.
            let date = if (later && date + shift <= self.today) || date - shift < self.start { date + shift } else { date - shift };
            let date = date.min(self.today);
            if let Some(sheet_id) = self.copy_sheet(index, date) {
                self.push(NEAR_DUPLICATE, employee_id, date, product_id, 1.0, unit, sheet_id, mode);
            }
        }
    }

    fn split_claims(&mut self) {
        if self.employees.is_empty() {
            return;
        }
        for _ in 0..self.count(SPLIT_CLAIM) {
            let employee_id = self.rng.pick(self.employees).0;
            let product_id = *self.rng.pick(&[3, 2]);
            // In cents. Up to 1950 so that 4 pieces around a quarter each stay under 500.
            let purchase = self.rng.range(60_000, 195_000);
            let pieces = self.rng.range(2, 4).max((purchase + 48_999) / 49_000);
            let base = purchase / pieces;
            let mut amounts = vec![base; pieces as usize];
            amounts[0] += purchase - base * pieces;
            // Move a little between neighbours: the sum stays, each moves by at most 2 × jitter.
            let jitter = (base / 10).min((49_999 - base - (purchase - base * pieces)) / 2).max(0);
            for index in 0..amounts.len() - 1 {
                let moved = self.rng.range(-jitter, jitter);
                amounts[index] += moved;
                amounts[index + 1] -= moved;
            }
            let first = self.random_day(self.start, (self.today - Duration::days(3)).max(self.start));
            let mut dates: Vec<NaiveDate> =
                amounts.iter().map(|_| (first + Duration::days(self.rng.range(0, 3))).min(self.today)).collect();
            dates.sort();
            let last = dates[dates.len() - 1];
            let created = last + Duration::days(self.rng.range(0, 10));
            let Some(sheet_id) = self.sheet(employee_id, last, created) else { continue };
            for (amount, date) in amounts.iter().zip(&dates) {
                self.push(SPLIT_CLAIM, employee_id, *date, product_id, 1.0, *amount as f64 / 100.0, sheet_id, "own_account");
            }
        }
    }

    fn fabricated(&mut self) {
        let latest = self.today - Duration::days(70);
        if self.employees.is_empty() || latest - Duration::days(7) < self.start {
            return;
        }
        for _ in 0..self.count(FABRICATED) {
            let employee_id = self.rng.pick(self.employees).0;
            let product_id = *self.rng.pick(&[1, 5, 2]);
            let amount = self.rng.range(2, 12) as f64 * 50.0;
            // On to the next Saturday or Sunday, back a week if that passes the latest day.
            let day = self.random_day(self.start, latest);
            let to_saturday = (5 - i64::from(day.weekday().num_days_from_monday())).rem_euclid(7);
            let mut date = day + Duration::days(to_saturday + self.rng.range(0, 1));
            if date > latest {
                date -= Duration::days(7);
            }
            let created = date + Duration::days(self.rng.range(70, 200));
            let Some(sheet_id) = self.sheet(employee_id, date, created) else { continue };
            self.push(FABRICATED, employee_id, date, product_id, 1.0, amount, sheet_id, "own_account");
        }
    }

    fn frequency_spikes(&mut self) {
        let employee_count = self.employees.len();
        if employee_count == 0 {
            return;
        }
        let spikes = ((employee_count as f64 * fraud_rate(FREQUENCY_SPIKE)).round() as usize).clamp(1, employee_count);
        let mut chosen = vec![false; employee_count];
        let earliest = self.start.max(self.today - Duration::days(730));
        let latest_start = (self.today - Duration::days(29)).max(earliest);
        for _ in 0..spikes {
            let first = self.rng.range(0, employee_count as i64 - 1) as usize;
            let Some(index) = (0..employee_count).map(|step| (first + step) % employee_count).find(|&index| !chosen[index])
            else {
                break;
            };
            chosen[index] = true;
            let employee_id = self.employees[index].0;
            let window = self.random_day(earliest, latest_start);
            let extra = self.rng.range(8, 15) as usize;
            let mut dates: Vec<NaiveDate> =
                (0..extra).map(|_| (window + Duration::days(self.rng.range(0, 29))).min(self.today)).collect();
            dates.sort();
            let reports = self.rng.range(1, 3) as usize;
            for report in 0..reports {
                let batch = &dates[report * extra / reports..(report + 1) * extra / reports];
                let Some(&last) = batch.last() else { continue };
                let created = last + Duration::days(self.rng.range(0, 10));
                let Some(sheet_id) = self.sheet(employee_id, last, created) else { continue };
                for date in batch {
                    let (product_id, _, quantity, unit) = ordinary_expense(&mut self.rng);
                    let mode = if self.rng.chance(0.85) { "own_account" } else { "company_account" };
                    self.push(FREQUENCY_SPIKE, employee_id, *date, product_id, quantity, unit, sheet_id, mode);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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
        for task_state in ["01_in_progress", "02_changes_requested", "03_approved", "04_waiting_normal", "1_done", "1_canceled"] {
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

    const TODAY: (i32, u32, u32) = (2026, 6, 30);

    /// Only the people and the expenses (what the fraud needs), much faster than a whole run.
    fn expenses_only<W: Write>(scale: u32, out: W) -> (Stats, W) {
        let config = Config::new(scale, NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap());
        let mut generator = Generator::new(config, out);
        generator.people().unwrap();
        generator.expenses().unwrap();
        (generator.stats, generator.out.finish().unwrap())
    }

    /// The rows of one table in COPY output, each as column name → field.
    fn rows<'a>(out: &'a str, table: &str) -> Vec<HashMap<&'a str, &'a str>> {
        let mut found = Vec::new();
        let mut columns: Option<Vec<&str>> = None;
        for line in out.lines() {
            if let Some(rest) = line.strip_prefix("COPY ") {
                let name = rest.split(' ').next().unwrap();
                let list = &rest[rest.find('(').unwrap() + 1..rest.find(')').unwrap()];
                columns = name.ends_with(&format!(".{table}")).then(|| list.split(", ").collect());
            } else if line == "\\." {
                columns = None;
            } else if let Some(columns) = &columns {
                found.push(columns.iter().copied().zip(line.split('\t')).collect());
            }
        }
        found
    }

    fn date(value: &str) -> NaiveDate {
        NaiveDate::parse_from_str(&value[..10], "%Y-%m-%d").unwrap()
    }

    fn amount(row: &HashMap<&str, &str>) -> f64 {
        row["total_amount"].parse().unwrap()
    }

    struct Fraud {
        stats: Stats,
        expenses: Vec<HashMap<&'static str, &'static str>>,
        sheets: HashMap<&'static str, HashMap<&'static str, &'static str>>,
    }

    impl Fraud {
        fn new(scale: u32) -> Self {
            let (stats, out) = expenses_only(scale, Vec::new());
            let out: &'static str = String::from_utf8(out).unwrap().leak();
            let sheets = rows(out, "hr_expense_sheet").into_iter().map(|sheet| (sheet["id"], sheet)).collect();
            Self { stats, expenses: rows(out, "hr_expense"), sheets }
        }

        fn labelled(&self, kind: &str) -> Vec<&HashMap<&'static str, &'static str>> {
            let ids: Vec<String> =
                self.stats.fraud.iter().filter(|(_, label)| *label == kind).map(|(id, _)| id.to_string()).collect();
            self.expenses.iter().filter(|row| ids.iter().any(|id| id == row["id"])).collect()
        }

        fn sheet(&self, row: &HashMap<&str, &str>) -> &HashMap<&'static str, &'static str> {
            &self.sheets[row["sheet_id"]]
        }
    }

    #[test]
    fn every_fraud_kind_is_injected_and_labelled_once() {
        let fraud = Fraud::new(2000);
        let counts: Vec<(&str, usize)> =
            FRAUD_KINDS.iter().map(|(kind, ..)| (*kind, fraud.stats.fraud_count(kind))).collect();
        eprintln!("fraud at scale 2000 ({} expenses): {counts:?}", fraud.expenses.len());
        for (kind, count) in &counts {
            assert!(*count >= 1, "no {kind}");
        }
        assert!(fraud.stats.fraud.windows(2).all(|pair| pair[0].0 < pair[1].0), "fraud not sorted by unique id");
        let ids: Vec<i64> = fraud.expenses.iter().map(|row| row["id"].parse().unwrap()).collect();
        assert!(ids.iter().enumerate().all(|(index, id)| *id == index as i64 + 1), "expense ids not 1..n");
        assert!(fraud.stats.fraud.iter().all(|(id, _)| (1..=ids.len() as i64).contains(id)));
        assert_eq!(fraud.stats.rows("hr_expense"), ids.len() as u64);
    }

    #[test]
    fn duplicates_copy_an_earlier_claim_onto_another_report() {
        let fraud = Fraud::new(2000);
        let key = |row: &HashMap<&'static str, &'static str>| {
            ["employee_id", "date", "product_id", "total_amount", "name"].map(|column| row[column])
        };
        for copy in fraud.labelled(DUPLICATE) {
            let id: i64 = copy["id"].parse().unwrap();
            let original = fraud.expenses.iter().find(|row| row["id"].parse::<i64>().unwrap() < id && key(row) == key(copy));
            let original = original.unwrap_or_else(|| panic!("no original of duplicate {id}"));
            assert_ne!(original["sheet_id"], copy["sheet_id"]);
            let gap = date(fraud.sheet(copy)["create_date"]) - date(fraud.sheet(original)["create_date"]);
            assert!((5..=40).contains(&gap.num_days()), "duplicate {id} reported {gap} after the original");
        }
        for copy in fraud.labelled(NEAR_DUPLICATE) {
            let id: i64 = copy["id"].parse().unwrap();
            let original = fraud.expenses.iter().find(|row| {
                let days = (date(row["date"]) - date(copy["date"])).num_days().abs();
                let change = (amount(row) - amount(copy)).abs() / amount(row);
                row["id"].parse::<i64>().unwrap() < id
                    && (row["employee_id"], row["product_id"]) == (copy["employee_id"], copy["product_id"])
                    && (1..=3).contains(&days)
                    && (0.0045..=0.0155).contains(&change)
                    && row["sheet_id"] != copy["sheet_id"]
            });
            assert!(original.is_some(), "no original of near duplicate {id}");
        }
    }

    #[test]
    fn split_claims_stay_under_the_threshold_and_add_up_over_it() {
        let fraud = Fraud::new(2000);
        let mut groups: HashMap<&str, Vec<&HashMap<&str, &str>>> = HashMap::new();
        for piece in fraud.labelled(SPLIT_CLAIM) {
            assert!(amount(piece) < 500.0, "piece {}", piece["total_amount"]);
            assert!(["2", "3"].contains(&piece["product_id"]));
            groups.entry(piece["sheet_id"]).or_default().push(piece);
        }
        // The rate counts groups (purchases), each on a report of its own.
        let injected = fraud.stats.fraud.iter().filter(|(_, kind)| *kind != INFLATED).count();
        let legit = (fraud.expenses.len() - injected) as f64;
        assert_eq!(groups.len(), ((legit * fraud_rate(SPLIT_CLAIM)).round() as usize).max(1));
        for pieces in groups.values() {
            assert!((2..=4).contains(&pieces.len()));
            let sum: f64 = pieces.iter().map(|piece| amount(piece)).sum();
            assert!((600.0..=1950.0).contains(&sum), "split claim adds up to {sum}");
            let dates: Vec<NaiveDate> = pieces.iter().map(|piece| date(piece["date"])).collect();
            let spread = *dates.iter().max().unwrap() - *dates.iter().min().unwrap();
            assert!(spread.num_days() <= 3);
            assert!(pieces.iter().all(|piece| piece["employee_id"] == pieces[0]["employee_id"]));
        }
    }

    #[test]
    fn fabricated_claims_are_round_on_weekends_and_late() {
        let fraud = Fraud::new(2000);
        for claim in fraud.labelled(FABRICATED) {
            let total = amount(claim);
            assert!(total % 50.0 == 0.0 && (100.0..=600.0).contains(&total), "amount {total}");
            let day = date(claim["date"]);
            assert!(day.weekday().num_days_from_monday() >= 5, "{day} is no weekend day");
            let delay = date(fraud.sheet(claim)["create_date"]) - day;
            assert!(delay.num_days() >= 70, "submitted {delay} later");
        }
    }

    #[test]
    fn injected_claims_keep_the_invariants() {
        let fraud = Fraud::new(2000);
        let today = NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap();
        let start = today - Duration::days(365 * 4);
        let mut lines: HashMap<&str, (f64, NaiveDate, usize)> = HashMap::new();
        for row in &fraud.expenses {
            let day = date(row["date"]);
            assert!(start <= day && day <= today, "date {day}");
            if row["sheet_id"] == "\\N" {
                continue;
            }
            let sheet = fraud.sheet(row);
            assert_eq!(sheet["employee_id"], row["employee_id"]);
            let state = match sheet["state"] {
                "draft" => "reported",
                "submit" => "submitted",
                "approve" | "post" => "approved",
                "done" => "done",
                _ => "refused",
            };
            assert_eq!(row["state"], state);
            let entry = lines.entry(row["sheet_id"]).or_insert((0.0, day, 0));
            *entry = (entry.0 + amount(row), entry.1.max(day), entry.2 + 1);
        }
        for (id, (total, latest, count)) in &lines {
            let sheet = &fraud.sheets[id];
            let written: f64 = sheet["total_amount"].parse().unwrap();
            assert!((written - total).abs() <= 0.006 * *count as f64, "sheet {id}: {written} against lines {total}");
            assert!(date(sheet["create_date"]) >= *latest, "sheet {id} created before its latest expense");
        }
        // Spikes: 8..15 claims of one employee within 30 days.
        let mut spikes: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
        for row in fraud.labelled(FREQUENCY_SPIKE) {
            spikes.entry(row["employee_id"]).or_default().push(date(row["date"]));
        }
        for dates in spikes.values() {
            assert!((8..=15).contains(&dates.len()));
            assert!((*dates.iter().max().unwrap() - *dates.iter().min().unwrap()).num_days() < 30);
        }
        // Refused reports: about a third of the old injected ones.
        let injected: std::collections::HashSet<&str> = fraud
            .stats
            .fraud
            .iter()
            .filter(|(_, kind)| *kind != INFLATED)
            .map(|(id, _)| fraud.expenses[*id as usize - 1]["sheet_id"])
            .collect();
        let refused = injected.iter().filter(|id| fraud.sheets[**id]["state"] == "cancel").count();
        eprintln!("{refused} of {} injected reports refused", injected.len());
        assert!(refused >= 1, "no refused injected report of {}", injected.len());
    }

    #[test]
    fn fraud_is_deterministic() {
        let first = expenses_only(2000, Vec::new());
        let second = expenses_only(2000, Vec::new());
        assert_eq!(first.0.fraud, second.0.fraud);
        assert_eq!(first.1, second.1);
    }

    /// Prints the realised counts at scale 100,000: `cargo test -p odoo_mirror_tests --lib generator -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn fraud_counts_at_scale_100000() {
        let (stats, out) = expenses_only(100_000, Vec::new());
        let out = String::from_utf8(out).unwrap();
        let sheets: HashMap<&str, &str> =
            rows(&out, "hr_expense_sheet").into_iter().map(|sheet| (sheet["id"], sheet["state"])).collect();
        let expenses = rows(&out, "hr_expense");
        let injected: std::collections::HashSet<&str> = stats
            .fraud
            .iter()
            .filter(|(_, kind)| *kind != INFLATED)
            .map(|(id, _)| expenses[*id as usize - 1]["sheet_id"])
            .collect();
        let refused = injected.iter().filter(|id| sheets[**id] == "cancel").count();
        eprintln!("{refused} of {} injected reports refused", injected.len());
        let counts: Vec<(&str, usize)> = FRAUD_KINDS.iter().map(|(kind, ..)| (*kind, stats.fraud_count(kind))).collect();
        eprintln!("fraud at scale 100000 ({} expenses, {} sheets): {counts:?}", stats.rows("hr_expense"), stats.rows("hr_expense_sheet"));
    }
}
