//! The accounting core around the invoices: chart of accounts and journals, the payments that settled
//! them and their reconciliations (account.payment, account.partial.reconcile, account.full.reconcile),
//! currency rates, and analytic plans, accounts and lines.
//!
//! The books balance the way Odoo keeps them: every journal item's residual is its balance less what
//! partial reconciliations matched against it, so the residuals Odoo stores and an aging rebuilt from the
//! reconciliation dates agree.
//! - a paid or partly paid customer invoice gets an inbound payment for the paid part, dated when it was
//!   settled (or, for an open partial payment, at the due date or today if earlier), matched against the
//!   invoice's receivable line;
//! - a fully refunded invoice is matched against its credit note; a partial credit note is paid out;
//! - a paid vendor bill gets an outbound payment matched against its payable line;
//! - a journal item settled in full gets a full reconciliation (its matching number A<id>).

use std::io::{self, Write};

use chrono::{Datelike, Duration, NaiveDate};

use super::invoices::{JournalItem, Move};
use super::{at, rate, Generator, EUR, GBP, USD};
use crate::copy::CopyWriter;

/// (id, code, name, account_type, reconcile)
const ACCOUNTS: &[(i64, &str, &str, &str, bool)] = &[
    (1, "400000", "Product Sales", "income", false),
    (2, "251000", "Tax Received", "liability_current", false),
    (3, "121000", "Account Receivable", "asset_receivable", true),
    (4, "600000", "Expenses", "expense", false),
    (5, "211000", "Account Payable", "liability_payable", true),
    (6, "101401", "Bank", "asset_cash", false),
    (7, "101402", "Outstanding Receipts", "asset_current", true),
    (8, "101403", "Outstanding Payments", "asset_current", true),
];
const BANK_JOURNAL: i64 = 3;
/// Analytic accounts of the project plan; a share of invoice and bill lines carries one.
const ANALYTIC_ACCOUNTS: i64 = 8;

/// A payment being generated, with its journal entry.
pub(super) struct Payment {
    id: i64,
    move_id: i64,
    name: String,
    date: NaiveDate,
    company_id: i64,
    partner_id: i64,
    /// Received from a customer (true) or paid to a vendor or refunded to a customer (false).
    inbound: bool,
    partner_type: &'static str,
    currency_id: i64,
    cents: i64,
    /// Its receivable or payable item, matched against the document's; and the outstanding item.
    counterpart_line_id: i64,
    liquidity_line_id: i64,
}

struct Partial {
    id: i64,
    debit_line_id: i64,
    credit_line_id: i64,
    cents: i64,
    fx: f64,
    currency_id: i64,
    company_id: i64,
    max_date: NaiveDate,
    full_reconcile_id: Option<i64>,
}

pub(super) struct Books {
    pub(super) payments: Vec<Payment>,
    partials: Vec<Partial>,
    /// (full reconcile id, date)
    full_reconciles: Vec<(i64, NaiveDate)>,
}

impl Payment {
    fn amount_sign(&self) -> f64 {
        if self.inbound {
            1.0
        } else {
            -1.0
        }
    }

    pub(super) fn write_move<W: Write>(&self, w: &mut CopyWriter<W>) -> io::Result<()> {
        let amount = self.cents as f64 / 100.0;
        let fx = rate(self.currency_id);
        let created = at(self.date, 16, (self.id % 60) as u32);
        // Columns of MOVE_COLUMNS (invoices.rs), for a posted entry of type "entry".
        w.int(self.move_id)?.text(&self.name)?.date(self.date)?.text("posted")?.text("entry")?.int(BANK_JOURNAL)?;
        w.int(self.company_id)?.null()?.null()?.int(self.partner_id)?.int(self.partner_id)?.int(self.currency_id)?;
        w.money(0.0)?.money(0.0)?.money(amount * fx)?.money(0.0)?;
        w.money(0.0)?.money(0.0)?.money(amount)?.money(amount * fx)?.money(0.0)?;
        w.null()?.null()?.null()?.null()?;
        w.text("no")?.boolean(true)?.text(&format!("BNK1/{}/", self.date.year()))?;
        w.int(self.id)?.timestamp(created)?.timestamp(created)?.text(&self.name)?.null()?;
        w.end_row()
    }

    pub(super) fn journal_items(&self) -> Vec<JournalItem> {
        let amount = self.cents as f64 / 100.0;
        let sign = self.amount_sign();
        let (counterpart_account, liquidity_account) = match (self.inbound, self.partner_type) {
            (true, _) => (3, 7),
            (false, "customer") => (3, 8),
            (false, _) => (5, 8),
        };
        let liquidity = JournalItem {
            id: self.liquidity_line_id,
            move_id: self.move_id,
            journal_id: BANK_JOURNAL,
            company_id: self.company_id,
            move_name: self.name.clone(),
            parent_state: "posted",
            date: self.date,
            invoice_date: None,
            sequence: 10,
            account_id: liquidity_account,
            label: format!("Payment {}", self.name),
            balance: sign * amount,
            fx: rate(self.currency_id),
            currency_id: self.currency_id,
            partner_id: self.partner_id,
            display_type: "product",
            product: None,
            // Outstanding until the bank statement is matched, which the mirror's analytics do not read.
            residual: sign * amount,
            reconciled: false,
            date_maturity: Some(self.date),
            created: at(self.date, 16, (self.id % 60) as u32),
            full_reconcile_id: None,
        };
        let counterpart = JournalItem {
            id: self.counterpart_line_id,
            sequence: 11,
            account_id: counterpart_account,
            balance: -sign * amount,
            display_type: "payment_term",
            residual: 0.0,
            reconciled: true,
            ..liquidity.clone()
        };
        vec![liquidity, counterpart]
    }
}

impl<W: Write> Generator<W> {
    /// Payments and reconciliations for the moves (ids from `next_move_id`, journal items from
    /// `next_line_id`); sets the moves' full reconciliations.
    pub(super) fn settle(&mut self, moves: &mut [Move], next_move_id: i64, next_line_id: i64) -> Books {
        let today = self.config.today;
        let mut books = Books { payments: Vec::new(), partials: Vec::new(), full_reconciles: Vec::new() };
        if !self.config.accounting {
            return books;
        }
        let mut move_id = next_move_id;
        let mut line_id = next_line_id;
        let mut payment_counter: std::collections::HashMap<(i64, i32), i64> = Default::default();
        let index: std::collections::HashMap<i64, usize> = moves.iter().enumerate().map(|(i, m)| (m.id, i)).collect();

        // Credit notes that reverse a whole invoice are matched against it.
        let mut reversed_by: std::collections::HashMap<i64, usize> = Default::default();
        for (i, m) in moves.iter().enumerate() {
            if let Some(original) = m.reversed_entry_id {
                if index.get(&original).is_some_and(|&o| moves[o].payment_state == "reversed") {
                    reversed_by.insert(original, i);
                }
            }
        }

        for i in 0..moves.len() {
            let m = &moves[i];
            if m.state != "posted" {
                continue;
            }
            let (balance_cents, residual_cents) = m.term_cents();
            let settled_cents = balance_cents.abs() - residual_cents.abs();
            if settled_cents <= 0 {
                continue;
            }
            let fully = residual_cents == 0;
            let full_reconcile_id = fully.then(|| books.full_reconciles.len() as i64 + 1);
            let term_line = m.payment_term_line_id();
            let fx = rate(m.currency_id);
            let credit_note = if m.move_type == "out_invoice" { reversed_by.get(&m.id).copied() } else { None };
            // A reversing credit note settles the invoice; its own line is settled by the same match.
            if m.move_type == "out_refund" && m.reversed_entry_id.is_some_and(|o| reversed_by.get(&o) == Some(&i)) {
                continue;
            }
            let (debit_line, credit_line, date) = if let Some(note) = credit_note {
                let note = &moves[note];
                (term_line, note.payment_term_line_id(), note.date.max(m.date))
            } else {
                let date = m.settled_on.unwrap_or(m.due.min(today)).max(m.date).min(today);
                let inbound = m.move_type == "out_invoice";
                let counter = payment_counter.entry((m.company_id, date.year())).or_insert(0);
                *counter += 1;
                let payment = Payment {
                    id: books.payments.len() as i64 + 1,
                    move_id,
                    name: format!("BNK1/{}/{:05}", date.year(), counter),
                    date,
                    company_id: m.company_id,
                    partner_id: m.partner_id,
                    inbound,
                    partner_type: if m.move_type.starts_with("out_") { "customer" } else { "supplier" },
                    currency_id: m.currency_id,
                    cents: settled_cents,
                    liquidity_line_id: line_id,
                    counterpart_line_id: line_id + 1,
                };
                move_id += 1;
                line_id += 2;
                let payment_line = payment.counterpart_line_id;
                books.payments.push(payment);
                // The document's item is a debit for invoices, a credit for bills and credit notes.
                if balance_cents > 0 {
                    (term_line, payment_line, date)
                } else {
                    (payment_line, term_line, date)
                }
            };
            books.partials.push(Partial {
                id: books.partials.len() as i64 + 1,
                debit_line_id: debit_line,
                credit_line_id: credit_line,
                cents: settled_cents,
                fx,
                currency_id: m.currency_id,
                company_id: m.company_id,
                max_date: date,
                full_reconcile_id,
            });
            if let Some(full) = full_reconcile_id {
                books.full_reconciles.push((full, date));
                moves[i].full_reconcile_id = Some(full);
                if let Some(note) = credit_note {
                    moves[note].full_reconcile_id = Some(full);
                }
            }
        }
        books
    }

    /// Chart of accounts, journals, payments, reconciliations, currency rates and analytic lines.
    pub(super) fn write_books(&mut self, moves: &[Move], books: &Books) -> io::Result<()> {
        if !self.config.accounting {
            return Ok(());
        }
        let created = at(self.history_start, 8, 0);
        let start = self.begin(
            "account_account",
            &[
                "id",
                "name",
                "code",
                "account_type",
                "company_id",
                "reconcile",
                "deprecated",
                "create_date",
                "code_store",
            ],
        )?;
        for (id, code, name, account_type, reconcile) in ACCOUNTS {
            let w = &mut self.out;
            w.int(*id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.text(code)?.text(account_type)?.int(1)?;
            w.boolean(*reconcile)?.boolean(false)?.timestamp(created)?.text(&format!("{{\"1\": \"{code}\"}}"))?;
            w.end_row()?;
        }
        self.end("account_account", start);

        let start =
            self.begin("account_journal", &["id", "name", "code", "type", "company_id", "active", "create_date"])?;
        for (id, code, name, kind) in [
            (1, "INV", "Customer Invoices", "sale"),
            (2, "BILL", "Vendor Bills", "purchase"),
            (3, "BNK1", "Bank", "bank"),
        ] {
            let w = &mut self.out;
            w.int(id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.text(code)?.text(kind)?.int(1)?.boolean(true)?;
            w.timestamp(created)?;
            w.end_row()?;
        }
        self.end("account_journal", start);

        let start = self.begin(
            "account_payment",
            &[
                "id",
                "move_id",
                "payment_type",
                "partner_type",
                "partner_id",
                "amount",
                "currency_id",
                "amount_company_currency_signed",
                "is_reconciled",
                "is_matched",
                "create_date",
            ],
        )?;
        for p in &books.payments {
            let amount = p.cents as f64 / 100.0;
            let w = &mut self.out;
            w.int(p.id)?.int(p.move_id)?.text(if p.inbound { "inbound" } else { "outbound" })?.text(p.partner_type)?;
            w.int(p.partner_id)?.money(amount * rate(p.currency_id))?.int(p.currency_id)?;
            w.money(p.amount_sign() * amount)?.boolean(true)?.boolean(false)?.timestamp(at(p.date, 16, 0))?;
            w.end_row()?;
        }
        self.end("account_payment", start);

        let start = self.begin("account_full_reconcile", &["id", "create_date"])?;
        for (id, date) in &books.full_reconciles {
            self.out.int(*id)?.timestamp(at(*date, 17, 0))?;
            self.out.end_row()?;
        }
        self.end("account_full_reconcile", start);

        let start = self.begin(
            "account_partial_reconcile",
            &[
                "id",
                "debit_move_id",
                "credit_move_id",
                "full_reconcile_id",
                "debit_currency_id",
                "credit_currency_id",
                "company_id",
                "max_date",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "create_date",
            ],
        )?;
        for p in &books.partials {
            let amount = p.cents as f64 / 100.0;
            let w = &mut self.out;
            w.int(p.id)?.int(p.debit_line_id)?.int(p.credit_line_id)?.opt_int(p.full_reconcile_id)?;
            w.int(p.currency_id)?.int(p.currency_id)?.int(p.company_id)?.date(p.max_date)?.money(amount)?;
            w.money(amount * p.fx)?.money(amount * p.fx)?.timestamp(at(p.max_date, 17, 0))?;
            w.end_row()?;
        }
        self.end("account_partial_reconcile", start);

        // Month-start rates of the foreign currencies (units per EUR), shared by both companies.
        let start =
            self.begin("res_currency_rate", &["id", "currency_id", "company_id", "name", "rate", "create_date"])?;
        let mut id = 1;
        let mut month = NaiveDate::from_ymd_opt(self.history_start.year(), self.history_start.month(), 1)
            .unwrap_or(self.history_start);
        while month <= self.config.today {
            let wave = ((month.year() * 12 + month.month() as i32) as f64 / 5.0).sin();
            for currency in [USD, GBP] {
                let w = &mut self.out;
                w.int(id)?.int(currency)?.null()?.date(month)?.float(rate(currency) * (1.0 + 0.03 * wave))?;
                w.timestamp(at(month, 6, 0))?;
                w.end_row()?;
                id += 1;
            }
            month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(self.config.today + Duration::days(1));
        }
        self.end("res_currency_rate", start);

        let start = self.begin("account_analytic_plan", &["id", "name", "create_date"])?;
        self.out.int(1)?.text("{\"en_US\": \"Projects\"}")?.timestamp(created)?;
        self.out.end_row()?;
        self.end("account_analytic_plan", start);

        let start = self.begin(
            "account_analytic_account",
            &["id", "name", "code", "plan_id", "root_plan_id", "company_id", "active", "create_date"],
        )?;
        for account in 1..=ANALYTIC_ACCOUNTS {
            let w = &mut self.out;
            w.int(account)?
                .text(&format!("{{\"en_US\": \"Project {account}\"}}"))?
                .text(&format!("PRJ{account:02}"))?;
            w.int(1)?.int(1)?.int(1 + account % 2)?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("account_analytic_account", start);

        // Two in five posted invoice and bill product lines carry an analytic account.
        let start = self.begin(
            "account_analytic_line",
            &[
                "id",
                "name",
                "date",
                "amount",
                "unit_amount",
                "account_id",
                "partner_id",
                "company_id",
                "currency_id",
                "category",
                "general_account_id",
                "move_line_id",
                "create_date",
            ],
        )?;
        let mut rng = self.rng.fork(8);
        let mut line = 1;
        for m in moves.iter().filter(|m| m.state == "posted" && m.move_type != "out_refund") {
            if !rng.chance(0.4) {
                continue;
            }
            let (category, general_account) =
                if m.move_type == "in_invoice" { ("vendor_bill", 4) } else { ("invoice", 1) };
            let w = &mut self.out;
            w.int(line)?.text(&m.name_of())?.date(m.date)?.money(-m.product_balance())?.float(1.0)?;
            w.int(rng.range(1, ANALYTIC_ACCOUNTS))?.int(m.partner_id)?.int(m.company_id)?.int(EUR)?.text(category)?;
            w.int(general_account)?.int(m.first_line_id)?.timestamp(at(m.date, 11, 30))?;
            w.end_row()?;
            line += 1;
        }
        self.end("account_analytic_line", start);
        self.reference_data()
    }

    /// Payment terms, countries, departments and the expense categories as products.
    fn reference_data(&mut self) -> io::Result<()> {
        let created = at(self.history_start, 8, 0);
        let start = self.begin("account_payment_term", &["id", "name", "sequence", "active", "create_date"])?;
        for (id, name) in [(1, "Immediate Payment"), (2, "30 Days"), (3, "45 Days")] {
            let w = &mut self.out;
            w.int(id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.int(id * 10)?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("account_payment_term", start);

        let start = self.begin("res_country", &["id", "name", "code", "currency_id", "create_date"])?;
        for (id, code, name, currency) in [
            (20, "BE", "Belgium", EUR),
            (75, "FR", "France", EUR),
            (57, "DE", "Germany", EUR),
            (233, "US", "United States", USD),
        ] {
            let w = &mut self.out;
            w.int(id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.text(code)?.int(currency)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("res_country", start);

        let start =
            self.begin("hr_department", &["id", "name", "complete_name", "company_id", "active", "create_date"])?;
        for (id, name) in [(1, "Sales"), (2, "Administration"), (3, "Research & Development")] {
            let w = &mut self.out;
            w.int(id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.text(name)?.int(1)?.boolean(true)?;
            w.timestamp(created)?;
            w.end_row()?;
        }
        self.end("hr_department", start);

        let start = self.begin("product_category", &["id", "name", "complete_name", "parent_id", "create_date"])?;
        self.out.int(1)?.text("All")?.text("All")?.null()?.timestamp(created)?;
        self.out.end_row()?;
        self.out.int(2)?.text("Expenses")?.text("All / Expenses")?.int(1)?.timestamp(created)?;
        self.out.end_row()?;
        self.end("product_category", start);

        let start = self.begin(
            "product_template",
            &["id", "name", "categ_id", "type", "can_be_expensed", "active", "sale_ok", "purchase_ok", "create_date"],
        )?;
        for (id, name, _, _) in super::expenses::EXPENSE_PRODUCTS {
            let w = &mut self.out;
            w.int(*id)?.text(&format!("{{\"en_US\": \"{name}\"}}"))?.int(2)?.text("service")?.boolean(true)?;
            w.boolean(true)?.boolean(false)?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("product_template", start);

        let start =
            self.begin("product_product", &["id", "product_tmpl_id", "default_code", "active", "create_date"])?;
        for (id, _, _, _) in super::expenses::EXPENSE_PRODUCTS {
            let w = &mut self.out;
            w.int(*id)?.int(*id)?.text(&format!("EXP_{id:03}"))?.boolean(true)?.timestamp(created)?;
            w.end_row()?;
        }
        self.end("product_product", start);
        Ok(())
    }
}
