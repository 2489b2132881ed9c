//! What the invoice-to-memory trigger writes: which events an invoice row records, and each chunk's
//! readable content and structured metadata. Pure Rust, unit-tested without a server; the trigger
//! (src/memory_trigger.rs) and odoo_mirror.rebuild_memory() (src/memory.rs) share it, so a rebuilt
//! chunk is the chunk the trigger would have written.

use serde_json::{json, Map, Value};

/// The table chunks name as their source.
pub const SOURCE_TABLE: &str = "account_move";
/// The agent whose session owns the chunks odoo_mirror writes.
pub const AGENT_NAME: &str = "odoo-sync";

/// The account.move types that become memory: customer and vendor invoices and refunds.
pub const INVOICE_MOVE_TYPES: &[&str] = &["out_invoice", "out_refund", "in_invoice", "in_refund"];

/// A meaningful event in an invoice's life; one chunk each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InvoiceEvent {
    Created,
    Posted,
    Paid,
    Cancelled,
}

impl InvoiceEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Posted => "posted",
            Self::Paid => "paid",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The state columns that decide which events a row has reached.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceState {
    pub move_type: Option<String>,
    pub state: Option<String>,
    pub payment_state: Option<String>,
}

impl InvoiceState {
    pub fn is_invoice(&self) -> bool {
        self.move_type.as_deref().is_some_and(|move_type| INVOICE_MOVE_TYPES.contains(&move_type))
    }

    /// Odoo marks an invoice 'in_payment' once a payment is registered and 'paid' once it is
    /// reconciled: both mean the customer or we have paid.
    fn is_paid(&self) -> bool {
        matches!(self.payment_state.as_deref(), Some("paid" | "in_payment"))
    }

    /// The events this state implies: every invoice was created; posted, paid and cancelled as its
    /// state says. A paid invoice was posted, even if it is no longer (reset to draft after payment).
    fn reached(&self) -> Vec<InvoiceEvent> {
        let mut events = vec![InvoiceEvent::Created];
        let state = self.state.as_deref();
        if state == Some("posted") || self.is_paid() {
            events.push(InvoiceEvent::Posted);
        }
        if self.is_paid() {
            events.push(InvoiceEvent::Paid);
        }
        if state == Some("cancel") {
            events.push(InvoiceEvent::Cancelled);
        }
        events
    }
}

/// Events to record for a row. A row seen for the first time (an INSERT: created in Odoo, or arriving
/// in its current state through a replication's initial copy or a re-sync) records the one event its
/// state stands for, the latest it has reached: the mirror did not see the earlier ones happen, and
/// three near-identical chunks for one paid invoice would only crowd search results. An update records
/// the events it newly reached. Other rows record nothing.
pub fn events_for(old: Option<&InvoiceState>, new: &InvoiceState) -> Vec<InvoiceEvent> {
    if !new.is_invoice() {
        return Vec::new();
    }
    let reached = new.reached();
    match old {
        Some(old) if old.is_invoice() => {
            let before = old.reached();
            reached.into_iter().filter(|event| !before.contains(event)).collect()
        }
        _ => reached.into_iter().max().into_iter().collect(),
    }
}

/// Everything a chunk says about an invoice. Amounts are numeric text, exactly as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceFacts {
    pub move_id: i64,
    pub name: Option<String>,
    pub status: InvoiceState,
    pub partner_id: Option<i32>,
    pub partner_name: Option<String>,
    pub company_id: Option<i32>,
    pub currency_id: Option<i32>,
    pub currency_code: Option<String>,
    pub currency_decimals: Option<i32>,
    pub amount_untaxed: Option<String>,
    pub amount_total: Option<String>,
    pub amount_residual: Option<String>,
    /// ISO dates.
    pub invoice_date: Option<String>,
    pub invoice_date_due: Option<String>,
}

fn kind_and_direction(move_type: &str) -> (&'static str, &'static str) {
    match move_type {
        "out_invoice" => ("Customer invoice", "to"),
        "out_refund" => ("Customer credit note", "to"),
        "in_invoice" => ("Vendor bill", "from"),
        "in_refund" => ("Vendor refund", "from"),
        _ => ("Journal entry", "for"),
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|text| !text.is_empty())
}

/// "Customer invoice INV/2025/00042 to Acme Corp: 1,250.00 EUR, due 2025-03-01, posted".
pub fn content(facts: &InvoiceFacts, event: InvoiceEvent) -> String {
    let (kind, direction) = kind_and_direction(facts.status.move_type.as_deref().unwrap_or(""));
    // Drafts are named "/" (or not at all) until Odoo numbers them on posting.
    let name = match non_blank(facts.name.as_deref()) {
        Some("/") | None => format!("(draft #{})", facts.move_id),
        Some(name) => name.to_string(),
    };
    let partner = match (non_blank(facts.partner_name.as_deref()), facts.partner_id) {
        (Some(partner), _) => partner.to_string(),
        (None, Some(id)) => format!("partner #{id}"),
        (None, None) => "no partner".to_string(),
    };
    let currency = match (non_blank(facts.currency_code.as_deref()), facts.currency_id) {
        (Some(code), _) => code.to_string(),
        (None, Some(id)) => format!("(currency #{id})"),
        (None, None) => "(no currency)".to_string(),
    };
    let decimals = facts.currency_decimals.unwrap_or(2);
    let amount = match facts.amount_total.as_deref().and_then(|amount| format_amount(amount, decimals)) {
        Some(amount) => format!("{amount} {currency}"),
        None => format!("no amount, {currency}"),
    };
    let mut text = format!("{kind} {name} {direction} {partner}: {amount}");
    if let Some(due) = non_blank(facts.invoice_date_due.as_deref()) {
        text.push_str(&format!(", due {due}"));
    }
    text.push_str(", ");
    text.push_str(match event {
        InvoiceEvent::Created => "created",
        InvoiceEvent::Posted => "posted",
        InvoiceEvent::Paid => "paid",
        InvoiceEvent::Cancelled => "cancelled",
    });
    text
}

/// A JSON number for a numeric text, when it is one JSON can hold; the text otherwise.
fn amount_value(amount: Option<&str>) -> Value {
    match amount {
        None => Value::Null,
        Some(text) => match text.parse::<serde_json::Number>() {
            Ok(number) => Value::Number(number),
            Err(_) => Value::String(text.to_string()),
        },
    }
}

/// Ids, amounts, dates and states, for agents that filter rather than read.
pub fn metadata(facts: &InvoiceFacts, event: InvoiceEvent) -> Value {
    let mut map = Map::new();
    map.insert("source".into(), json!("odoo_mirror"));
    map.insert("event".into(), json!(event.as_str()));
    map.insert("move_id".into(), json!(facts.move_id));
    map.insert("name".into(), json!(facts.name));
    map.insert("move_type".into(), json!(facts.status.move_type));
    map.insert("state".into(), json!(facts.status.state));
    map.insert("payment_state".into(), json!(facts.status.payment_state));
    map.insert("partner_id".into(), json!(facts.partner_id));
    map.insert("partner_name".into(), json!(facts.partner_name));
    map.insert("company_id".into(), json!(facts.company_id));
    map.insert("currency_id".into(), json!(facts.currency_id));
    map.insert("currency".into(), json!(facts.currency_code));
    map.insert("amount_untaxed".into(), amount_value(facts.amount_untaxed.as_deref()));
    map.insert("amount_total".into(), amount_value(facts.amount_total.as_deref()));
    map.insert("amount_residual".into(), amount_value(facts.amount_residual.as_deref()));
    map.insert("invoice_date".into(), json!(facts.invoice_date));
    map.insert("invoice_date_due".into(), json!(facts.invoice_date_due));
    Value::Object(map)
}

/// "1250.5" with 2 decimals gives "1,250.50"; rounds half away from zero; None for text that is not
/// a plain decimal number (NaN, Infinity).
pub fn format_amount(amount: &str, decimals: i32) -> Option<String> {
    let decimals = decimals.clamp(0, 6) as usize;
    let text = amount.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if integer.is_empty() && fraction.is_empty()
        || !integer.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // All digits as one number scaled by 10^decimals, rounded on the first dropped digit.
    let mut scaled: Vec<u8> = integer.bytes().map(|b| b - b'0').collect();
    let mut kept_fraction: Vec<u8> = fraction.bytes().map(|b| b - b'0').collect();
    let round_up = kept_fraction.get(decimals).is_some_and(|digit| *digit >= 5);
    kept_fraction.resize(decimals, 0);
    scaled.extend(kept_fraction);
    if round_up {
        let mut position = scaled.len();
        loop {
            if position == 0 {
                scaled.insert(0, 1);
                break;
            }
            position -= 1;
            if scaled[position] == 9 {
                scaled[position] = 0;
            } else {
                scaled[position] += 1;
                break;
            }
        }
    }
    let split = scaled.len() - decimals;
    let integer_digits: Vec<u8> = {
        let digits = &scaled[..split];
        let first_nonzero = digits.iter().position(|digit| *digit != 0).unwrap_or(digits.len());
        let trimmed = &digits[first_nonzero..];
        if trimmed.is_empty() {
            vec![0]
        } else {
            trimmed.to_vec()
        }
    };
    let mut grouped = String::new();
    for (index, digit) in integer_digits.iter().enumerate() {
        if index > 0 && (integer_digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(char::from(b'0' + digit));
    }
    let fraction_text: String = scaled[split..].iter().map(|digit| char::from(b'0' + digit)).collect();
    let is_zero = scaled.iter().all(|digit| *digit == 0);
    let sign = if negative && !is_zero { "-" } else { "" };
    Some(if decimals == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{fraction_text}") })
}

/// Fills in a currency or partner name a chunk was written without, because the invoice replicated
/// before its currency or partner (CDC does not order related tables; an initial copy syncs tables in
/// parallel). `currency`: (code, decimal places) of metadata's currency_id; `partner`: the name of
/// metadata's partner_id. Returns the new content and metadata, or None when nothing changes.
pub fn fill_missing_names(
    content: &str,
    metadata: &Value,
    currency: Option<(&str, i32)>,
    partner: Option<&str>,
) -> Option<(String, Value)> {
    let mut content = content.to_string();
    let mut metadata = metadata.clone();
    let mut changed = false;
    if let (Some((code, decimals)), Some(currency_id)) = (currency, metadata["currency_id"].as_i64()) {
        if metadata["currency"].is_null() && !code.trim().is_empty() {
            let amount_text = match &metadata["amount_total"] {
                Value::Number(number) => Some(number.to_string()),
                Value::String(text) => Some(text.clone()),
                _ => None,
            };
            let unknown = format!("(currency #{currency_id})");
            let (old, new) = match amount_text
                .as_deref()
                .and_then(|amount| Some((format_amount(amount, 2)?, format_amount(amount, decimals)?)))
            {
                Some((old_amount, new_amount)) => (format!("{old_amount} {unknown}"), format!("{new_amount} {code}")),
                None => (format!("no amount, {unknown}"), format!("no amount, {code}")),
            };
            // Only a chunk whose text could be completed counts as resolved; rebuild_memory(true)
            // rewrites any other.
            if content.contains(&old) {
                content = content.replacen(&old, &new, 1);
                metadata["currency"] = json!(code);
                changed = true;
            }
        }
    }
    if let (Some(name), Some(partner_id)) = (partner, metadata["partner_id"].as_i64()) {
        if metadata["partner_name"].is_null() && !name.trim().is_empty() {
            for direction in ["to", "from", "for"] {
                let old = format!(" {direction} partner #{partner_id}: ");
                if content.contains(&old) {
                    content = content.replacen(&old, &format!(" {direction} {}: ", name.trim()), 1);
                    metadata["partner_name"] = json!(name.trim());
                    changed = true;
                    break;
                }
            }
        }
    }
    changed.then_some((content, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(move_type: &str, state: &str, payment_state: &str) -> InvoiceState {
        InvoiceState {
            move_type: Some(move_type.into()),
            state: Some(state.into()),
            payment_state: Some(payment_state.into()),
        }
    }

    fn acme_invoice() -> InvoiceFacts {
        InvoiceFacts {
            move_id: 42,
            name: Some("INV/2025/00042".into()),
            status: state("out_invoice", "posted", "not_paid"),
            partner_id: Some(7),
            partner_name: Some("Acme Corp".into()),
            company_id: Some(1),
            currency_id: Some(1),
            currency_code: Some("EUR".into()),
            currency_decimals: Some(2),
            amount_untaxed: Some("1033.06".into()),
            amount_total: Some("1250.00".into()),
            amount_residual: Some("1250.00".into()),
            invoice_date: Some("2025-02-01".into()),
            invoice_date_due: Some("2025-03-01".into()),
        }
    }

    #[test]
    fn content_reads_like_the_issue_example() {
        assert_eq!(
            content(&acme_invoice(), InvoiceEvent::Posted),
            "Customer invoice INV/2025/00042 to Acme Corp: 1,250.00 EUR, due 2025-03-01, posted"
        );
    }

    #[test]
    fn vendor_bills_come_from_their_partner_and_drafts_have_no_number_yet() {
        let mut bill = acme_invoice();
        bill.status = state("in_invoice", "draft", "not_paid");
        bill.name = Some("/".into());
        bill.invoice_date_due = None;
        bill.partner_name = None;
        assert_eq!(
            content(&bill, InvoiceEvent::Created),
            "Vendor bill (draft #42) from partner #7: 1,250.00 EUR, created"
        );
        bill.status.move_type = Some("out_refund".into());
        bill.currency_code = None;
        bill.amount_total = None;
        assert!(content(&bill, InvoiceEvent::Cancelled)
            .starts_with("Customer credit note (draft #42) to partner #7: no amount, (currency #1)"));
    }

    #[test]
    fn a_row_seen_first_records_the_event_its_state_stands_for() {
        let events = |s| events_for(None, &s);
        use InvoiceEvent::*;
        assert_eq!(events(state("out_invoice", "draft", "not_paid")), vec![Created]);
        assert_eq!(events(state("out_invoice", "posted", "partial")), vec![Posted]);
        assert_eq!(events(state("in_invoice", "posted", "paid")), vec![Paid]);
        assert_eq!(events(state("in_refund", "posted", "in_payment")), vec![Paid]);
        assert_eq!(events(state("out_refund", "cancel", "not_paid")), vec![Cancelled]);
        assert_eq!(events(state("entry", "posted", "paid")), vec![]);
        assert_eq!(events(InvoiceState::default()), vec![]);
    }

    #[test]
    fn an_update_records_only_newly_reached_events() {
        use InvoiceEvent::*;
        let draft = state("out_invoice", "draft", "not_paid");
        let posted = state("out_invoice", "posted", "not_paid");
        let paid = state("out_invoice", "posted", "paid");
        assert_eq!(events_for(Some(&draft), &posted), vec![Posted]);
        assert_eq!(events_for(Some(&posted), &paid), vec![Paid]);
        assert_eq!(events_for(Some(&draft), &paid), vec![Posted, Paid]);
        assert_eq!(events_for(Some(&posted), &state("out_invoice", "cancel", "not_paid")), vec![Cancelled]);
        // Irrelevant updates (a new reference, in_payment becoming paid) record nothing.
        assert_eq!(events_for(Some(&posted), &posted), vec![]);
        assert_eq!(events_for(Some(&state("out_invoice", "posted", "in_payment")), &paid), vec![]);
        // A journal entry turned into an invoice is new to memory: seen first, in its current state.
        assert_eq!(events_for(Some(&state("entry", "posted", "not_paid")), &posted), vec![Posted]);
    }

    #[test]
    fn metadata_carries_ids_amounts_dates_and_states() {
        let value = metadata(&acme_invoice(), InvoiceEvent::Posted);
        assert_eq!(value["move_id"], 42);
        assert_eq!(value["event"], "posted");
        assert_eq!(value["amount_total"].as_f64(), Some(1250.0));
        assert_eq!(value["invoice_date_due"], "2025-03-01");
        assert_eq!(value["payment_state"], "not_paid");
        assert_eq!(value["currency"], "EUR");
        assert_eq!(amount_value(Some("NaN")), Value::String("NaN".into()));
    }

    #[test]
    fn names_that_arrive_late_are_filled_in() {
        let mut early = acme_invoice();
        early.currency_code = None;
        early.currency_decimals = None;
        early.partner_name = None;
        early.amount_total = Some("1250000".into());
        let content_before = content(&early, InvoiceEvent::Posted);
        assert_eq!(
            content_before,
            "Customer invoice INV/2025/00042 to partner #7: 1,250,000.00 (currency #1), due 2025-03-01, posted"
        );
        let Some((filled, metadata)) = fill_missing_names(
            &content_before,
            &metadata(&early, InvoiceEvent::Posted),
            Some(("JPY", 0)),
            Some("Kyoto KK"),
        ) else {
            panic!("both names were missing and are now known: the chunk must change");
        };
        assert_eq!(filled, "Customer invoice INV/2025/00042 to Kyoto KK: 1,250,000 JPY, due 2025-03-01, posted");
        assert_eq!(metadata["currency"], "JPY");
        assert_eq!(metadata["partner_name"], "Kyoto KK");
        // What the trigger writes once both are known is the same text.
        let mut known = early.clone();
        known.currency_code = Some("JPY".into());
        known.currency_decimals = Some(0);
        known.partner_name = Some("Kyoto KK".into());
        assert_eq!(content(&known, InvoiceEvent::Posted), filled);
        // Nothing to do when the names were there, or are still unknown.
        let complete = metadata.clone();
        assert_eq!(fill_missing_names(&filled, &complete, Some(("JPY", 0)), Some("Kyoto KK")), None);
        assert_eq!(
            fill_missing_names(&content_before, &self::metadata(&early, InvoiceEvent::Posted), None, None),
            None
        );
    }

    #[test]
    fn amounts_are_grouped_and_rounded_to_the_currency() {
        assert_eq!(format_amount("1250", 2).as_deref(), Some("1,250.00"));
        assert_eq!(format_amount("1250.005", 2).as_deref(), Some("1,250.01"));
        assert_eq!(format_amount("-999999.995", 2).as_deref(), Some("-1,000,000.00"));
        assert_eq!(format_amount("0.004", 2).as_deref(), Some("0.00"));
        assert_eq!(format_amount("-0.001", 2).as_deref(), Some("0.00"));
        assert_eq!(format_amount("1234567", 0).as_deref(), Some("1,234,567"));
        assert_eq!(format_amount(".5", 0).as_deref(), Some("1"));
        assert_eq!(format_amount("12.3456", 3).as_deref(), Some("12.346"));
        assert_eq!(
            format_amount("123456789012345678901234.5", 2).as_deref(),
            Some("123,456,789,012,345,678,901,234.50")
        );
        for bad in ["NaN", "Infinity", "", "-", "1e5", "1.2.3", "abc"] {
            assert_eq!(format_amount(bad, 2), None, "{bad}");
        }
    }
}
