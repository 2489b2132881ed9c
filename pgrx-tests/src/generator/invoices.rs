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
        lines.push((
            "payment_term",
            counterpart_account,
            name.clone(),
            sign * total,
            sign * total * self.residual_ratio,
            None,
        ));
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
