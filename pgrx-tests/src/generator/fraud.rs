//! The injected expense fraud: [`FRAUD_KINDS`] and the `Injector` that adds each kind to the ordinary
//! expenses and records the ground truth (`Stats::fraud`). See the generator's documentation for what
//! each kind looks like.

use chrono::{Datelike, Duration, NaiveDate};

use super::expenses::{company_of, ordinary_expense, tax_rate, Expense, Sheet, EXPENSE_PRODUCTS};
use crate::prng::Prng;

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

fn product_name(product_id: i64) -> &'static str {
    EXPENSE_PRODUCTS.iter().find(|(id, ..)| *id == product_id).map_or("Expense", |(_, name, ..)| *name)
}

fn fraud_rate(kind: &str) -> f64 {
    FRAUD_KINDS.iter().find(|(name, ..)| *name == kind).map_or(0.0, |(_, rate, _)| *rate)
}

fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

/// Adds every kind of fraud to the ordinary `expenses` (new reports appended to `sheets`), drawing from
/// `rng` only, and returns the ground truth: (hr_expense id, kind), in the order injected.
pub(super) fn inject(
    rng: Prng,
    sheets: &mut Vec<Sheet>,
    expenses: &mut Vec<Expense>,
    employees: &[(i64, i64, String)],
    start: NaiveDate,
    today: NaiveDate,
) -> Vec<(i64, &'static str)> {
    let mut injector = Injector {
        rng,
        legit: expenses.len(),
        touched: vec![false; expenses.len()],
        sheets,
        expenses,
        employees,
        start,
        today,
        labels: Vec::new(),
    };
    injector.run();
    injector.labels
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
        if self.legit >= 200 {
            count.max(1)
        } else {
            count
        }
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
        let sheet = Sheet::created_on(
            id,
            employee_id,
            *user_id,
            company_id,
            name,
            state,
            last_expense,
            created,
            self.today,
            &mut self.rng,
        );
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
            let Some(index) = self.pick_legit(|expense, _| expense.product_id != 4) else {
                break;
            };
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
            let Some(index) = self.pick_legit(Self::copyable(self.today)) else {
                break;
            };
            let original = &self.expenses[index];
            let (employee_id, date, product_id, quantity, unit, mode) = (
                original.employee_id,
                original.date,
                original.product_id,
                original.quantity,
                original.unit,
                original.payment_mode,
            );
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
            let date = if (later && date + shift <= self.today) || date - shift < self.start {
                date + shift
            } else {
                date - shift
            };
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
            let Some(sheet_id) = self.sheet(employee_id, last, created) else {
                continue;
            };
            for (amount, date) in amounts.iter().zip(&dates) {
                self.push(
                    SPLIT_CLAIM,
                    employee_id,
                    *date,
                    product_id,
                    1.0,
                    *amount as f64 / 100.0,
                    sheet_id,
                    "own_account",
                );
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
            let Some(sheet_id) = self.sheet(employee_id, date, created) else {
                continue;
            };
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
            let Some(index) =
                (0..employee_count).map(|step| (first + step) % employee_count).find(|&index| !chosen[index])
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
                let Some(sheet_id) = self.sheet(employee_id, last, created) else {
                    continue;
                };
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
    use std::io::Write;

    use super::*;
    use crate::generator::{Config, Generator, Stats};

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
            let original =
                fraud.expenses.iter().find(|row| row["id"].parse::<i64>().unwrap() < id && key(row) == key(copy));
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
        let counts: Vec<(&str, usize)> =
            FRAUD_KINDS.iter().map(|(kind, ..)| (*kind, stats.fraud_count(kind))).collect();
        eprintln!(
            "fraud at scale 100000 ({} expenses, {} sheets): {counts:?}",
            stats.rows("hr_expense"),
            stats.rows("hr_expense_sheet")
        );
    }
}
