//! Expense reports (hr.expense.sheet) in every state, recent ones mostly pending, and the ordinary
//! expenses on them; the injected fraud (`fraud`) is added after them, on a random stream of its own.

use std::io::{self, Write};

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{at, fraud, Generator, EUR};
use crate::copy::CopyWriter;
use crate::prng::Prng;

/// Expense categories: (product id, name, median amount, log-spread).
pub(super) const EXPENSE_PRODUCTS: &[(i64, &str, f64, f64)] = &[
    (1, "Meals", 35.0, 0.5),
    (2, "Travel", 240.0, 0.7),
    (3, "Hotel", 140.0, 0.4),
    (4, "Mileage", 60.0, 0.6),
    (5, "Office supplies", 45.0, 0.8),
    (6, "Software subscription", 60.0, 0.5),
];

impl<W: Write> Generator<W> {
    pub(super) fn expenses(&mut self) -> io::Result<()> {
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
                    sheets.push(Sheet::new(
                        id,
                        *employee_id,
                        *user_id,
                        company_id,
                        employee_name,
                        state,
                        last_date,
                        today,
                        &mut rng,
                    ));
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
        let mut labels =
            fraud::inject(self.rng.fork(7), &mut sheets, &mut expenses, &self.employees, self.history_start, today);
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
}

pub(super) struct Sheet {
    id: i64,
    employee_id: i64,
    user_id: i64,
    company_id: i64,
    name: String,
    pub(super) state: &'static str,
    approval_date: Option<NaiveDateTime>,
    accounting_date: Option<NaiveDate>,
    pub(super) created: NaiveDateTime,
    pub(super) total: f64,
    pub(super) tax: f64,
}

impl Sheet {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "state",
        "approval_state",
        "approval_date",
        "company_id",
        "employee_id",
        "user_id",
        "total_amount",
        "untaxed_amount",
        "total_tax_amount",
        "amount_residual",
        "currency_id",
        "payment_state",
        "accounting_date",
        "create_date",
        "write_date",
    ];

    /// Sheet states by age: recent reports are mostly pending, old ones mostly done.
    pub(super) fn state_for_age(age_days: i64, rng: &mut Prng) -> &'static str {
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
        Self::created_on(
            id,
            employee_id,
            user_id,
            company_id,
            employee_name,
            state,
            last_expense,
            created_date,
            today,
            rng,
        )
    }

    /// A sheet created (submitted) on a given day.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn created_on(
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
        let approval_date =
            approved.then(|| at((created_date + Duration::days(rng.range(1, 12))).min(today), 14, (id % 60) as u32));
        let accounting_date =
            matches!(state, "post" | "done").then(|| approval_date.map(|a| a.date()).unwrap_or(created_date));
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
    pub(super) fn expense_state(&self) -> &'static str {
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
        w.int(self.id)?
            .text(&self.name)?
            .text(self.state)?
            .opt_text(approval_state)?
            .opt_timestamp(self.approval_date)?;
        w.int(self.company_id)?
            .int(self.employee_id)?
            .int(self.user_id)?
            .money(self.total)?
            .money(self.total - self.tax)?;
        w.money(self.tax)?.money(residual)?.int(EUR)?.text(payment_state)?.opt_date(self.accounting_date)?;
        w.timestamp(self.created)?.timestamp(self.approval_date.unwrap_or(self.created))?;
        w.end_row()
    }
}

pub(super) struct Expense {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) date: NaiveDate,
    pub(super) employee_id: i64,
    pub(super) company_id: i64,
    pub(super) product_id: i64,
    pub(super) quantity: f64,
    pub(super) unit: f64,
    pub(super) total: f64,
    pub(super) tax_rate: f64,
    pub(super) state: &'static str,
    pub(super) sheet_id: Option<i64>,
    pub(super) payment_mode: &'static str,
}

impl Expense {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "date",
        "employee_id",
        "company_id",
        "product_id",
        "quantity",
        "description",
        "state",
        "sheet_id",
        "tax_amount_currency",
        "tax_amount",
        "total_amount_currency",
        "untaxed_amount_currency",
        "total_amount",
        "price_unit",
        "currency_id",
        "payment_mode",
        "accounting_date",
        "create_date",
        "write_date",
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

pub(super) fn company_of(employee_id: i64) -> i64 {
    if employee_id % 5 == 0 {
        2
    } else {
        1
    }
}

pub(super) fn tax_rate(product_id: i64) -> f64 {
    if product_id == 4 {
        0.0
    } else {
        0.21
    }
}

/// An ordinary expense's category and amount: (product id, name, quantity, unit price). Mileage is
/// claimed in km at 0.30 a km.
pub(super) fn ordinary_expense(rng: &mut Prng) -> (i64, &'static str, f64, f64) {
    let (product_id, product, median, spread) = *rng.pick(EXPENSE_PRODUCTS);
    let total = rng.log_normal(median, spread).max(1.0);
    if product_id == 4 {
        (product_id, product, (total / 0.30).round().max(1.0), 0.30)
    } else {
        (product_id, product, 1.0, total)
    }
}
