//! The churn model's statements: the invoice facts it learns from and scores (streamed straight from
//! the executor), the scoring dates, partner names and the predictions table. Every statement is
//! schema-qualified.

use pgrx::PgOid;

use crate::error::OdooMirrorError;
use crate::ml::churn::features::{InvoiceFact, Settlement};
use crate::spi::datum::{finite_day, numeric_to_f64, timestamp_day, varlena_bytes, UNKNOWN_DAY};
use crate::spi::{self, DATE, INT4, INT4_ARRAY, NUMERIC, TIMESTAMP, VARCHAR};

const FACTS_SQL: &str = include_str!("facts.sql");
const PARTNER_FACTS_SQL: &str = include_str!("partner_facts.sql");

/// The column types of facts.sql and partner_facts.sql, in order (the mirror's own).
const FACT_TYPES: [PgOid; 9] = [INT4, DATE, VARCHAR, NUMERIC, NUMERIC, DATE, TIMESTAMP, VARCHAR, NUMERIC];

/// The largest amount one invoice counts with: far above any real invoice, and low enough that sums
/// over millions of invoices stay finite (never an infinite revenue, never a NaN trend).
const AMOUNT_LIMIT: f64 = 1e15;

/// An amount that is not a finite number (NaN or ±Infinity numerics, or one beyond f64) counts as 0;
/// larger ones count as AMOUNT_LIMIT.
fn finite(value: Option<f64>) -> f64 {
    value.filter(|number| number.is_finite()).map_or(0.0, |number| number.clamp(-AMOUNT_LIMIT, AMOUNT_LIMIT))
}

/// One row of the facts queries, decoded from the stored forms (types checked against FACT_TYPES by
/// the SPI layer). None for a row without a usable partner or invoice date.
fn fact(row: spi::DatumRow<'_>) -> Option<(i32, InvoiceFact)> {
    let column = |index: usize| row.get(index).copied().flatten();
    // SAFETY: every datum is of the type FACT_TYPES names at its position (checked once per result):
    // int4 and date by value, timestamp by value (64-bit), the others varlena.
    let day = |index: usize| column(index).and_then(|datum| finite_day(datum.value() as i32));
    let amount = |index: usize| column(index).and_then(|datum| unsafe { numeric_to_f64(datum) }).map(f64::abs);
    let text = |index: usize| column(index).map(|datum| unsafe { varlena_bytes(datum) });
    let partner = column(0)?.value() as i32;
    let date = day(1)?;
    // An unknown write_date (NULL, infinite, absurd) dates nothing: the payment state is "not known to
    // hold" at any past date, and PaymentDating counts it, so such data trains without payment features.
    let changed = column(6).and_then(|datum| timestamp_day(datum.value() as i64)).unwrap_or(UNKNOWN_DAY);
    let payment_state = text(7).and_then(|bytes| std::str::from_utf8(bytes).ok());
    Some((
        partner,
        InvoiceFact {
            date,
            is_refund: text(2) == Some(b"out_refund".as_slice()),
            untaxed: finite(amount(3)),
            total: finite(amount(4)),
            due: day(5).unwrap_or(date),
            changed,
            settlement: Settlement::from_payment_state(payment_state),
            residual: finite(amount(8)),
        },
    ))
}

/// Streams every customer's facts dated on or before `until`, one customer at a time, in partner order.
pub fn for_each_customer(
    until: i32,
    mut each_customer: impl FnMut(i32, &[InvoiceFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let mut current: Option<i32> = None;
    let mut facts: Vec<InvoiceFact> = Vec::with_capacity(64);
    spi::stream_rows(FACTS_SQL, &[until], &FACT_TYPES, |row| {
        let Some((partner, fact)) = self::fact(row) else { return Ok(()) };
        if current != Some(partner) {
            if let Some(previous) = current {
                each_customer(previous, &facts)?;
            }
            facts.clear();
            current = Some(partner);
        }
        facts.push(fact);
        Ok(())
    })?;
    match current {
        Some(partner) => each_customer(partner, &facts),
        None => Ok(()),
    }
}

/// One customer's facts dated on or before `until`.
pub fn customer_facts(partner_id: i32, until: i32) -> Result<Vec<InvoiceFact>, OdooMirrorError> {
    let mut facts = Vec::with_capacity(32);
    spi::stream_rows(PARTNER_FACTS_SQL, &[partner_id, until], &FACT_TYPES, |row| {
        if let Some((_, fact)) = fact(row) {
            facts.push(fact);
        }
        Ok(())
    })?;
    Ok(facts)
}

const SCORING_DATE_SQL: &str = "SELECT LEAST(CURRENT_DATE, max(m.invoice_date)) - DATE '2000-01-01', \
     CURRENT_DATE - DATE '2000-01-01' \
     FROM odoo_mirror.account_move AS m \
     WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')";

/// (the mirror's "today" for scoring, the server's current date), both as days since 2000-01-01.
/// The mirror's today is its latest posted customer invoice date, or the current date if earlier:
/// a live mirror scores as of today, a historical data set as of its last day.
pub fn scoring_dates() -> Result<(Option<i32>, i32), OdooMirrorError> {
    let rows = spi::select_prepared(SCORING_DATE_SQL, &[], &[], |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?)))?;
    match rows.into_iter().next() {
        Some((latest, Some(today))) => Ok((latest, today)),
        _ => Err(OdooMirrorError::NoRows("the scoring date")),
    }
}

const NAMES_SQL: &str = "SELECT p.id, COALESCE(p.complete_name, p.name) \
     FROM odoo_mirror.res_partner AS p WHERE p.id = ANY ($1)";

/// Partner names by id (missing partners are left out).
pub fn partner_names(ids: Vec<i32>) -> Result<std::collections::HashMap<i32, String>, OdooMirrorError> {
    let rows = spi::select_prepared(NAMES_SQL, &[INT4_ARRAY], &[ids.into()], |row| {
        Ok((row.get::<i32>(1)?, row.get::<String>(2)?))
    })?;
    Ok(rows.into_iter().filter_map(|(id, name)| Some((id?, name?))).collect())
}

/// One row of odoo_mirror.churn_predictions.
pub struct Prediction {
    pub partner_id: i32,
    pub score: f64,
    pub band: &'static str,
    pub reasons: Vec<String>,
    pub revenue_at_risk: f64,
}

/// Replaces the predictions (readers see the old set until the caller commits).
pub fn replace_predictions(
    predictions: Vec<Prediction>,
    model_version: i32,
    as_of: i32,
) -> Result<u64, OdooMirrorError> {
    // SHARE ROW EXCLUSIVE: one refresh at a time (a second waits, then replaces the first's rows),
    // readers never wait.
    spi::execute("LOCK TABLE odoo_mirror.churn_predictions IN SHARE ROW EXCLUSIVE MODE", &[])?;
    spi::execute("DELETE FROM odoo_mirror.churn_predictions", &[])?;
    let mut written = 0;
    // Chunks keep each array argument a reasonable size.
    for chunk in predictions.chunks(50_000) {
        let partners: Vec<i32> = chunk.iter().map(|row| row.partner_id).collect();
        let scores: Vec<f64> = chunk.iter().map(|row| row.score).collect();
        let bands: Vec<&str> = chunk.iter().map(|row| row.band).collect();
        // Reasons travel joined by a unit separator, split back into text[] in SQL.
        let reasons: Vec<String> = chunk.iter().map(|row| row.reasons.join("\u{1f}")).collect();
        let revenue: Vec<f64> = chunk.iter().map(|row| row.revenue_at_risk).collect();
        written += spi::execute(
            "INSERT INTO odoo_mirror.churn_predictions \
                 (partner_id, score, risk_band, reasons, revenue_at_risk, model_version, as_of, scored_at) \
             SELECT r.partner_id, r.score, r.band, \
                    CASE WHEN r.reasons = '' THEN '{}'::text[] ELSE pg_catalog.string_to_array(r.reasons, E'\\x1f') END, \
                    pg_catalog.round(r.revenue::numeric, 2), $6, DATE '2000-01-01' + $7, pg_catalog.now() \
             FROM ROWS FROM (pg_catalog.unnest($1::int[]), pg_catalog.unnest($2::float8[]), pg_catalog.unnest($3::text[]), \
                             pg_catalog.unnest($4::text[]), pg_catalog.unnest($5::float8[])) \
                  AS r (partner_id, score, band, reasons, revenue)",
            &[partners.into(), scores.into(), bands.into(), reasons.into(), revenue.into(), model_version.into(), as_of.into()],
        )?;
    }
    Ok(written)
}
