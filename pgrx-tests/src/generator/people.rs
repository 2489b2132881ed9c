//! Partners, users and employees: the companies' partners, the employees' partners, customers (some
//! with a contact person), vendors, the users (the administrator and one per employee) and the
//! employees. Customers get their buying and paying behaviour here, churn included.

use std::io::{self, Write};

use chrono::{Duration, NaiveDateTime};

use super::{at, Customer, Generator, EUR, GBP, USD};
use crate::prng::Prng;

const ADJECTIVES: &[&str] = &[
    "Blue", "Northern", "Golden", "Silver", "Green", "Bright", "Rapid", "Global", "Urban", "Coastal", "Alpine",
    "Royal", "Smart", "Prime", "Summit", "Crystal", "Iron", "Oak", "Harbor", "Pioneer",
];
const NOUNS: &[&str] = &[
    "Logistics",
    "Foods",
    "Systems",
    "Textiles",
    "Analytics",
    "Motors",
    "Pharma",
    "Energy",
    "Builders",
    "Media",
    "Robotics",
    "Furniture",
    "Optics",
    "Labs",
    "Trading",
    "Farms",
    "Design",
    "Metals",
    "Travel",
    "Software",
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

fn company_name(rng: &mut Prng, index: u64) -> String {
    format!("{} {} {} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS), rng.pick(SUFFIXES), index)
}

fn person_name(rng: &mut Prng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

impl<W: Write> Generator<W> {
    const PARTNER_COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "complete_name",
        "is_company",
        "type",
        "parent_id",
        "commercial_partner_id",
        "vat",
        "email",
        "phone",
        "street",
        "city",
        "zip",
        "country_id",
        "lang",
        "active",
        "customer_rank",
        "supplier_rank",
        "company_id",
        "create_date",
        "write_date",
        "employee",
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
        let vat =
            if is_company { Some(format!("{vat_prefix}{:09}", 100_000_000 + id * 7919 % 900_000_000)) } else { None };
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

    pub(super) fn people(&mut self) -> io::Result<()> {
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
        let start =
            self.begin("res_users", &["id", "login", "partner_id", "company_id", "active", "share", "create_date"])?;
        let w = &mut self.out;
        w.int(1)?.text("__system__")?.int(1)?.int(1)?.boolean(false)?.boolean(false)?.timestamp(created)?;
        w.end_row()?;
        for (index, (partner_id, name)) in employee_names.iter().enumerate() {
            let user_id = index as i64 + 2;
            let login = format!("{}.{}@company.example", name.to_lowercase().replace(' ', "."), user_id);
            let w = &mut self.out;
            w.int(user_id)?
                .text(&login)?
                .int(*partner_id)?
                .int(1)?
                .boolean(true)?
                .boolean(false)?
                .timestamp(created)?;
            w.end_row()?;
            self.user_ids.push(user_id);
        }
        self.end("res_users", start);

        for (index, customer) in self.customers.iter_mut().enumerate() {
            customer.user_id = self.user_ids[index % self.user_ids.len()];
        }

        let start = self.begin(
            "hr_employee",
            &[
                "id",
                "name",
                "user_id",
                "company_id",
                "active",
                "department_id",
                "job_title",
                "work_email",
                "create_date",
                "employee_type",
                "work_contact_id",
            ],
        )?;
        const JOBS: &[&str] =
            &["Sales Manager", "Consultant", "Developer", "Accountant", "Project Manager", "Technician"];
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
}
