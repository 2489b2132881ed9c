//! The churn model's statements: the invoice facts it learns from and scores (streamed straight from
//! the executor), the scoring dates, partner names and the predictions table. Every statement is
//! schema-qualified.

use pgrx::PgOid;

use crate::error::OdooMirrorError;
use crate::ml::churn::features::{InvoiceFact, Settlement};
use crate::spi::datum::{finite_day, numeric_to_f64, timestamp_day, varlena_bytes, UNKNOWN_DAY};
use crate::spi::{self, Snapshot, StreamArg, DATE, INT4, INT4_ARRAY, NUMERIC, TIMESTAMP, VARCHAR};

// One select list (facts_columns.sql), three conditions: everyone, some customers, one customer.
const FACTS_SQL: &str = concat!(include_str!("facts_columns.sql"), include_str!("facts.sql"));
const PARTNER_FACTS_SQL: &str = concat!(include_str!("facts_columns.sql"), include_str!("partner_facts.sql"));
const CUSTOMERS_FACTS_SQL: &str = concat!(include_str!("facts_columns.sql"), include_str!("customers_facts.sql"));

/// The column types of the facts queries, in order (the mirror's own).
const FACT_TYPES: [PgOid; 10] = [INT4, DATE, VARCHAR, NUMERIC, NUMERIC, DATE, TIMESTAMP, VARCHAR, NUMERIC, DATE];

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
    // Payments are dated by the invoice's last reconciliation (as of the last refresh_payment_delays())
    // when the mirror has it, else by write_date.
    // An unknown write_date (NULL, infinite, absurd) dates nothing: the payment state is "not known to
    // hold" at any past date, and PaymentDating counts it, so such data trains without payment features.
    let reconciled_on = day(9);
    let changed = reconciled_on
        .or_else(|| column(6).and_then(|datum| timestamp_day(datum.value() as i64)))
        .unwrap_or(UNKNOWN_DAY);
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
            dated_by_reconciliation: reconciled_on.is_some(),
        },
    ))
}

/// Hands each customer's facts of the stream to `each_customer`, one customer at a time (the stream
/// is in partner order).
fn group_by_customer(
    stream: impl FnOnce(&mut dyn FnMut(spi::DatumRow<'_>) -> Result<(), OdooMirrorError>) -> Result<(), OdooMirrorError>,
    mut each_customer: impl FnMut(i32, &[InvoiceFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let mut current: Option<i32> = None;
    let mut facts: Vec<InvoiceFact> = Vec::with_capacity(64);
    // Each customer's facts in one total order (ties on the date broken by every field), so that float
    // sums come out the same to the last bit whichever plan streamed them: stored and live scores agree.
    fn settle(facts: &mut [InvoiceFact]) {
        facts.sort_by(|a, b| {
            (a.date, a.is_refund, a.untaxed.to_bits(), a.total.to_bits(), a.due, a.changed, a.residual.to_bits()).cmp(
                &(b.date, b.is_refund, b.untaxed.to_bits(), b.total.to_bits(), b.due, b.changed, b.residual.to_bits()),
            )
        });
    }
    stream(&mut |row| {
        let Some((partner, fact)) = self::fact(row) else { return Ok(()) };
        if current != Some(partner) {
            if let Some(previous) = current {
                settle(&mut facts);
                each_customer(previous, &facts)?;
            }
            facts.clear();
            current = Some(partner);
        }
        facts.push(fact);
        Ok(())
    })?;
    match current {
        Some(partner) => {
            settle(&mut facts);
            each_customer(partner, &facts)
        }
        None => Ok(()),
    }
}

/// Streams every customer's facts dated on or before `until`, one customer at a time, in partner order,
/// in `snapshot` (a refresh reads the latest: what committed before it took the marks).
pub fn for_each_customer(
    snapshot: Snapshot,
    until: i32,
    each_customer: impl FnMut(i32, &[InvoiceFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    group_by_customer(
        |each_row| spi::stream_rows_in(snapshot, FACTS_SQL, &[until], &FACT_TYPES, each_row),
        each_customer,
    )
}

/// The facts of the customers `partner_ids` dated on or before `until`, one customer at a time.
pub fn for_customers(
    snapshot: Snapshot,
    partner_ids: &[i32],
    until: i32,
    each_customer: impl FnMut(i32, &[InvoiceFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    if partner_ids.is_empty() {
        return Ok(());
    }
    let args = [StreamArg::Ints(partner_ids), StreamArg::Int(until)];
    group_by_customer(
        |each_row| spi::stream_rows_with(snapshot, CUSTOMERS_FACTS_SQL, &args, &FACT_TYPES, each_row),
        each_customer,
    )
}

/// One customer's facts dated on or before `until` (one index-only range; sorted as group_by_customer
/// sorts them, so the score is the batch's to the bit).
pub fn customer_facts(partner_id: i32, until: i32) -> Result<Vec<InvoiceFact>, OdooMirrorError> {
    group_and_collect(|each_row| {
        spi::stream_rows_in(Snapshot::Statement, PARTNER_FACTS_SQL, &[partner_id, until], &FACT_TYPES, each_row)
    })
}

fn group_and_collect(
    stream: impl FnOnce(&mut dyn FnMut(spi::DatumRow<'_>) -> Result<(), OdooMirrorError>) -> Result<(), OdooMirrorError>,
) -> Result<Vec<InvoiceFact>, OdooMirrorError> {
    let mut facts = Vec::new();
    group_by_customer(stream, |_, customer| {
        facts = customer.to_vec();
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

/// A money amount with two decimals, as text (None when not a finite number).
pub fn money_text(value: f64) -> Option<String> {
    value.is_finite().then(|| format!("{value:.2}"))
}

/// Deletes the predictions of `partner_ids`, or all of them (None).
pub fn delete_predictions(partner_ids: Option<&[i32]>) -> Result<(), OdooMirrorError> {
    match partner_ids {
        None => spi::execute("DELETE FROM odoo_mirror.churn_predictions", &[])?,
        Some(ids) => spi::execute(
            "DELETE FROM odoo_mirror.churn_predictions AS p WHERE p.partner_id = ANY ($1)",
            &[ids.to_vec().into()],
        )?,
    };
    Ok(())
}

/// Writes `predictions` (after delete_predictions; readers see the old set until the caller commits).
pub fn insert_predictions(
    predictions: Vec<Prediction>,
    model_version: i32,
    as_of: i32,
) -> Result<u64, OdooMirrorError> {
    let mut written = 0;
    // Chunks keep each array argument a reasonable size.
    for chunk in predictions.chunks(50_000) {
        let partners: Vec<i32> = chunk.iter().map(|row| row.partner_id).collect();
        let scores: Vec<f64> = chunk.iter().map(|row| row.score).collect();
        let bands: Vec<&str> = chunk.iter().map(|row| row.band).collect();
        // Reasons travel joined by a unit separator, split back into text[] in SQL.
        let reasons: Vec<String> = chunk.iter().map(|row| row.reasons.join("\u{1f}")).collect();
        let revenue: Vec<Option<String>> = chunk.iter().map(|row| money_text(row.revenue_at_risk)).collect();
        written += spi::execute(
            "INSERT INTO odoo_mirror.churn_predictions \
                 (partner_id, score, risk_band, reasons, revenue_at_risk, model_version, as_of, scored_at) \
             SELECT r.partner_id, r.score, r.band, \
                    CASE WHEN r.reasons = '' THEN '{}'::text[] ELSE pg_catalog.string_to_array(r.reasons, E'\\x1f') END, \
                    COALESCE(r.revenue::numeric, 'NaN'::numeric), $6, DATE '2000-01-01' + $7, pg_catalog.now() \
             FROM ROWS FROM (pg_catalog.unnest($1::int[]), pg_catalog.unnest($2::float8[]), pg_catalog.unnest($3::text[]), \
                             pg_catalog.unnest($4::text[]), pg_catalog.unnest($5::text[])) \
                  AS r (partner_id, score, band, reasons, revenue)",
            &[partners.into(), scores.into(), bands.into(), reasons.into(), revenue.into(), model_version.into(), as_of.into()],
        )?;
    }
    Ok(written)
}

/// A stored prediction, as get_churn_risks shows it.
pub struct StoredRisk {
    pub partner_id: i32,
    pub score: f64,
    pub band: String,
    pub reasons: Vec<String>,
    pub revenue_at_risk: Option<pgrx::AnyNumeric>,
}

const STORED_RISKS_SQL: &str = "SELECT p.partner_id, p.score, p.risk_band, p.reasons, \
         CASE WHEN pg_catalog.abs(p.revenue_at_risk) < 99999999999999.995 THEN pg_catalog.round(p.revenue_at_risk, 2) END \
     FROM odoo_mirror.churn_predictions AS p \
     WHERE p.score >= $1 AND p.partner_id <> ALL ($2) \
     ORDER BY p.score DESC, p.partner_id LIMIT $3";

/// The highest stored scores of at least `min_score`, but for the `stale` customers, highest first.
pub fn stored_risks(min_score: f64, stale: &[i32], limit: i32) -> Result<Vec<StoredRisk>, OdooMirrorError> {
    let rows = spi::select_prepared(
        STORED_RISKS_SQL,
        &[spi::FLOAT8, INT4_ARRAY, INT4],
        &[min_score.into(), stale.to_vec().into(), limit.into()],
        |row| {
            Ok(StoredRisk {
                partner_id: row.get::<i32>(1)?.unwrap_or_default(),
                score: row.get::<f64>(2)?.unwrap_or_default(),
                band: row.get::<String>(3)?.unwrap_or_default(),
                reasons: row.get::<Vec<String>>(4)?.unwrap_or_default(),
                revenue_at_risk: row.get::<pgrx::AnyNumeric>(5)?,
            })
        },
    )?;
    Ok(rows)
}
