//! Customer invoices and refunds, vendor bills and their journal items (account.move and
//! account.move.line): seasonality, payment behaviour, refunds, churn, and Odoo's sequence numbers.

use std::io::{self, Write};

use chrono::{Datelike, Duration, NaiveDate};

use super::{at, rate, Customer, Generator, EUR};
use crate::copy::CopyWriter;
use crate::prng::Prng;

/// Relative invoicing activity per month (January first): quiet August, busy year end.
const SEASONALITY: [f64; 12] = [0.80, 0.85, 1.00, 1.00, 1.05, 0.95, 0.80, 0.55, 1.05, 1.10, 1.20, 1.30];

impl<W: Write> Generator<W> {
    const MOVE_COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "date",
        "state",
        "move_type",
        "journal_id",
        "company_id",
        "invoice_date",
        "invoice_date_due",
        "partner_id",
        "commercial_partner_id",
        "currency_id",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_total_in_currency_signed",
        "amount_residual_signed",
        "payment_state",
        "reversed_entry_id",
        "invoice_partner_display_name",
        "invoice_user_id",
        "auto_post",
        "posted_before",
        "sequence_prefix",
        "sequence_number",
        "create_date",
        "write_date",
        "payment_reference",
        "invoice_origin",
    ];

    const LINE_COLUMNS: &'static [&'static str] = &[
        "id",
        "move_id",
        "journal_id",
        "company_id",
        "company_currency_id",
        "move_name",
        "parent_state",
        "date",
        "invoice_date",
        "sequence",
        "account_id",
        "name",
        "debit",
        "credit",
        "balance",
        "amount_currency",
        "currency_id",
        "partner_id",
        "display_type",
        "product_id",
        "quantity",
        "price_unit",
        "price_subtotal",
        "price_total",
        "amount_residual",
        "reconciled",
        "date_maturity",
        "create_date",
        "amount_residual_currency",
        "full_reconcile_id",
        "matching_number",
    ];

    pub(super) fn invoices(&mut self) -> io::Result<()> {
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
        // Journal item ids in move order, known before writing: payments reconcile against them.
        let mut line_id = 1i64;
        for m in moves.iter_mut() {
            m.first_line_id = line_id;
            line_id += m.line_count();
        }
        let books = self.settle(&mut moves, next_id, line_id);

        let start = self.begin("account_move", Self::MOVE_COLUMNS)?;
        for m in &moves {
            m.write(&mut self.out)?;
        }
        for payment in &books.payments {
            payment.write_move(&mut self.out)?;
        }
        self.end("account_move", start);

        let start = self.begin("account_move_line", Self::LINE_COLUMNS)?;
        for m in &moves {
            for item in m.journal_items() {
                item.write(&mut self.out)?;
            }
        }
        for payment in &books.payments {
            for item in payment.journal_items() {
                item.write(&mut self.out)?;
            }
        }
        self.end("account_move_line", start);
        self.write_books(&moves, &books)
    }
}

/// An account.move being generated.
pub(super) struct Move {
    pub(super) id: i64,
    pub(super) move_type: &'static str,
    prefix: &'static str,
    pub(super) state: &'static str,
    pub(super) date: NaiveDate,
    pub(super) due: NaiveDate,
    pub(super) company_id: i64,
    pub(super) partner_id: i64,
    partner_name: String,
    user_id: Option<i64>,
    pub(super) currency_id: i64,
    untaxed_eur: f64,
    tax_rate: f64,
    pub(super) payment_state: &'static str,
    /// Share of the total still open.
    pub(super) residual_ratio: f64,
    pub(super) reversed_entry_id: Option<i64>,
    sequence_number: Option<i64>,
    origin: Option<String>,
    /// When the payment state last changed (Odoo stamps write_date then): the payment or refund date.
    pub(super) settled_on: Option<NaiveDate>,
    /// Id of the move's first journal item (its product line); the payment term line is the last.
    pub(super) first_line_id: i64,
    /// The full reconciliation of its payment term line, once nothing of it is open.
    pub(super) full_reconcile_id: Option<i64>,
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
            first_line_id: 0,
            full_reconcile_id: None,
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
            first_line_id: 0,
            full_reconcile_id: None,
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
            first_line_id: 0,
            full_reconcile_id: None,
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

    /// Product, tax (when taxed) and payment term lines.
    pub(super) fn line_count(&self) -> i64 {
        if self.amounts().1 != 0.0 {
            3
        } else {
            2
        }
    }

    pub(super) fn payment_term_line_id(&self) -> i64 {
        self.first_line_id + self.line_count() - 1
    }

    /// The payment term line's balance and residual in cents of the company currency (as written).
    pub(super) fn term_cents(&self) -> (i64, i64) {
        let total = self.amounts().2;
        (cents(self.sign() * total), cents(self.sign() * total * self.residual_ratio))
    }

    /// The product line's balance in the company currency (income negative, expense positive).
    pub(super) fn product_balance(&self) -> f64 {
        -self.sign() * self.amounts().0
    }

    pub(super) fn name_of(&self) -> String {
        self.name()
    }

    fn journal_items(&self) -> Vec<JournalItem> {
        let (untaxed, tax, total) = self.amounts();
        let fx = rate(self.currency_id);
        let sign = self.sign();
        let name = self.name();
        let (income_account, counterpart_account) = match self.move_type {
            "in_invoice" | "in_refund" => (4, 5),
            _ => (1, 3),
        };
        let base = JournalItem {
            id: self.first_line_id,
            move_id: self.id,
            journal_id: 1,
            company_id: self.company_id,
            move_name: name.clone(),
            parent_state: self.state,
            date: self.date,
            invoice_date: Some(self.date),
            sequence: 10,
            account_id: income_account,
            label: "Services".to_string(),
            balance: -sign * untaxed,
            fx,
            currency_id: self.currency_id,
            partner_id: self.partner_id,
            display_type: "product",
            product: Some((untaxed * fx, total * fx)),
            residual: 0.0,
            reconciled: false,
            date_maturity: None,
            created: at(self.date, 11, (self.id % 60) as u32),
            full_reconcile_id: None,
        };
        let mut items = vec![base.clone()];
        if tax != 0.0 {
            items.push(JournalItem {
                id: self.first_line_id + 1,
                sequence: 11,
                account_id: 2,
                label: format!("VAT {:.0}%", self.tax_rate * 100.0),
                balance: -sign * tax,
                display_type: "tax",
                product: None,
                ..base.clone()
            });
        }
        let (_, residual_cents) = self.term_cents();
        items.push(JournalItem {
            id: self.payment_term_line_id(),
            sequence: 10 + items.len() as i64,
            account_id: counterpart_account,
            label: name,
            balance: sign * total,
            display_type: "payment_term",
            product: None,
            residual: residual_cents as f64 / 100.0,
            reconciled: residual_cents == 0,
            date_maturity: Some(self.due),
            full_reconcile_id: self.full_reconcile_id,
            ..base
        });
        items
    }
}

pub(super) fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// A journal item (account.move.line) of an invoice, bill, refund or payment, as written.
#[derive(Clone)]
pub(super) struct JournalItem {
    pub(super) id: i64,
    pub(super) move_id: i64,
    pub(super) journal_id: i64,
    pub(super) company_id: i64,
    pub(super) move_name: String,
    pub(super) parent_state: &'static str,
    pub(super) date: NaiveDate,
    pub(super) invoice_date: Option<NaiveDate>,
    pub(super) sequence: i64,
    pub(super) account_id: i64,
    pub(super) label: String,
    /// Company currency (EUR); the document currency amount is balance x fx.
    pub(super) balance: f64,
    pub(super) fx: f64,
    pub(super) currency_id: i64,
    pub(super) partner_id: i64,
    pub(super) display_type: &'static str,
    /// Product lines: (price subtotal, price total) in the document currency.
    pub(super) product: Option<(f64, f64)>,
    pub(super) residual: f64,
    pub(super) reconciled: bool,
    pub(super) date_maturity: Option<NaiveDate>,
    pub(super) created: chrono::NaiveDateTime,
    pub(super) full_reconcile_id: Option<i64>,
}

impl JournalItem {
    pub(super) fn write<W: Write>(&self, w: &mut CopyWriter<W>) -> io::Result<()> {
        w.int(self.id)?.int(self.move_id)?.int(self.journal_id)?.int(self.company_id)?.int(EUR)?;
        w.text(&self.move_name)?.text(self.parent_state)?;
        w.date(self.date)?.opt_date(self.invoice_date)?.int(self.sequence)?.int(self.account_id)?.text(&self.label)?;
        w.money(self.balance.max(0.0))?.money((-self.balance).max(0.0))?.money(self.balance)?;
        w.money(self.balance * self.fx)?;
        w.int(self.currency_id)?.int(self.partner_id)?.text(self.display_type)?;
        match self.product {
            Some((subtotal, total)) => {
                w.int(1)?.float(1.0)?.money(subtotal)?.money(subtotal)?.money(total)?;
            }
            None => {
                w.null()?.null()?.null()?.null()?.null()?;
            }
        }
        w.money(self.residual)?.boolean(self.reconciled)?.opt_date(self.date_maturity)?;
        w.timestamp(self.created)?;
        w.money(self.residual * self.fx)?.opt_int(self.full_reconcile_id)?;
        w.opt_text(self.full_reconcile_id.map(|id| format!("A{id}")).as_deref())?;
        w.end_row()
    }
}
