//! SPI for the models: reading invoice facts, the model store (`odoo_mirror.ml_models`) and the
//! churn predictions table. Every statement is schema-qualified.

use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::{JsonB, PgOid};

use crate::churn_features::{InvoiceFact, Settlement};
use crate::error::OdooMirrorError;
use crate::storage;

const INT4: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT4OID);
const TEXT: PgOid = PgOid::BuiltIn(PgBuiltInOids::TEXTOID);

const FACTS_SQL: &str = include_str!("queries/churn_facts.sql");
const PARTNER_FACTS_SQL: &str = include_str!("queries/churn_partner_facts.sql");
/// Rows fetched per cursor round trip.
const FACTS_BATCH: i64 = 20_000;

fn fact(row: &pgrx::spi::SpiHeapTupleData<'_>) -> Result<Option<(i32, InvoiceFact)>, OdooMirrorError> {
    let partner: Option<i32> = row.get(1)?;
    let date: Option<i32> = row.get(2)?;
    let (Some(partner), Some(date)) = (partner, date) else { return Ok(None) };
    let due = row.get::<i32>(6)?.unwrap_or(date);
    Ok(Some((
        partner,
        InvoiceFact {
            date,
            is_refund: row.get::<bool>(3)?.unwrap_or(false),
            untaxed: finite(row.get::<f64>(4)?),
            total: finite(row.get::<f64>(5)?),
            due,
            changed: row.get::<i32>(7)?.unwrap_or(date),
            settlement: Settlement::from_code(row.get::<i32>(8)?.unwrap_or(0)),
            residual: finite(row.get::<f64>(9)?),
        },
    )))
}

/// numeric to float8 can give ±Infinity only for absurd amounts; they count as 0, never as NaN.
fn finite(value: Option<f64>) -> f64 {
    value.filter(|number| number.is_finite()).unwrap_or(0.0)
}

/// Streams every customer's facts dated on or before `until`, one customer at a time, in partner order.
pub fn for_each_customer(
    until: i32,
    mut each_customer: impl FnMut(i32, &[InvoiceFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let mut current: Option<i32> = None;
    let mut facts: Vec<InvoiceFact> = Vec::with_capacity(64);
    storage::stream_prepared(FACTS_SQL, &[INT4], &[until.into()], FACTS_BATCH, |row| {
        let Some((partner, fact)) = self::fact(row)? else { return Ok(()) };
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
    let rows = storage::select_prepared(PARTNER_FACTS_SQL, &[INT4, INT4], &[partner_id.into(), until.into()], |row| {
        Ok(fact(row))
    })?;
    let mut facts = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some((_, fact)) = row? {
            facts.push(fact);
        }
    }
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
    let rows = storage::select_prepared(SCORING_DATE_SQL, &[], &[], |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?)))?;
    match rows.into_iter().next() {
        Some((latest, Some(today))) => Ok((latest, today)),
        _ => Err(OdooMirrorError::NoRows("the scoring date")),
    }
}

// The model store ----------------------------------------------------------------------------------

/// A model row's identity: id, xmin (changes whenever the row is rewritten) and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModelRef {
    pub id: i32,
    pub row_version: i64,
    pub version: i32,
}

const ACTIVE_MODEL_SQL: &str = "SELECT m.id, m.xmin::text::bigint, m.version FROM odoo_mirror.ml_models AS m \
     WHERE m.kind = $1 AND m.active";

/// The active model of `kind`, if any.
pub fn active_model(kind: &str) -> Result<Option<ModelRef>, OdooMirrorError> {
    let rows = storage::select_prepared(ACTIVE_MODEL_SQL, &[TEXT], &[kind.into()], |row| {
        Ok((row.get::<i32>(1)?, row.get::<i64>(2)?, row.get::<i32>(3)?))
    })?;
    Ok(rows.into_iter().find_map(|row| match row {
        (Some(id), Some(row_version), Some(version)) => Some(ModelRef { id, row_version, version }),
        _ => None,
    }))
}

const MODEL_JSON_SQL: &str = "SELECT m.model FROM odoo_mirror.ml_models AS m WHERE m.id = $1";

pub fn model_json(id: i32) -> Result<serde_json::Value, OdooMirrorError> {
    let rows = storage::select_prepared(MODEL_JSON_SQL, &[INT4], &[id.into()], |row| row.get::<JsonB>(1))?;
    match rows.into_iter().next().flatten() {
        Some(JsonB(value)) => Ok(value),
        None => Err(OdooMirrorError::NoRows("ml_models.model")),
    }
}

/// Serialises writers of the model store (training, activation, import) without blocking readers:
/// SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with SELECT.
pub fn lock_model_store() -> Result<(), OdooMirrorError> {
    storage::execute("LOCK TABLE odoo_mirror.ml_models IN SHARE ROW EXCLUSIVE MODE", &[])?;
    Ok(())
}

/// A stored model row, as export_model shows it.
pub struct StoredModel {
    pub id: i32,
    pub row: serde_json::Value,
}

const STORED_MODEL_SQL: &str = "SELECT m.id, pg_catalog.jsonb_build_object(\
     'kind', m.kind, 'version', m.version, 'created_at', m.created_at, 'params', m.params, \
     'features', pg_catalog.to_jsonb(m.features), 'metrics', m.metrics, 'model', m.model, 'active', m.active) \
     FROM odoo_mirror.ml_models AS m \
     WHERE m.kind = $1 AND ((m.version = $2) OR ($2 IS NULL AND m.active))";

/// The model of `kind` with `version`, or the active one when `version` is None.
pub fn stored_model(kind: &str, version: Option<i32>) -> Result<Option<StoredModel>, OdooMirrorError> {
    let rows = storage::select_prepared(STORED_MODEL_SQL, &[TEXT, INT4], &[kind.into(), version.into()], |row| {
        Ok((row.get::<i32>(1)?, row.get::<JsonB>(2)?))
    })?;
    Ok(rows.into_iter().find_map(|row| match row {
        (Some(id), Some(JsonB(row))) => Some(StoredModel { id, row }),
        _ => None,
    }))
}

const VERSIONS_SQL: &str = "SELECT pg_catalog.count(*)::int, pg_catalog.max(m.version) \
     FROM odoo_mirror.ml_models AS m WHERE m.kind = $1";

/// (how many versions of `kind` exist, the highest).
pub fn versions(kind: &str) -> Result<(i32, Option<i32>), OdooMirrorError> {
    let rows = storage::select_prepared(VERSIONS_SQL, &[TEXT], &[kind.into()], |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?)))?;
    Ok(rows.into_iter().next().map(|(count, max)| (count.unwrap_or(0), max)).unwrap_or((0, None)))
}

/// Stores a new model version (the next number for its kind) and returns (id, version). The caller
/// holds the store lock.
pub fn insert_model(
    kind: &str,
    params: serde_json::Value,
    features: Vec<String>,
    metrics: serde_json::Value,
    model: serde_json::Value,
) -> Result<(i32, i32), OdooMirrorError> {
    let rows = Spi::connect_mut(|client| -> Result<Vec<(Option<i32>, Option<i32>)>, OdooMirrorError> {
        let args: [DatumWithOid<'_>; 5] =
            [kind.into(), JsonB(params).into(), features.into(), JsonB(metrics).into(), JsonB(model).into()];
        let table = client.update(
            "INSERT INTO odoo_mirror.ml_models (kind, version, params, features, metrics, model, active) \
             SELECT $1, COALESCE(pg_catalog.max(m.version), 0) + 1, $2, $3, $4, $5, false \
             FROM odoo_mirror.ml_models AS m WHERE m.kind = $1 \
             RETURNING id, version",
            None,
            &args,
        )?;
        let mut rows = Vec::new();
        for row in table {
            rows.push((row.get::<i32>(1)?, row.get::<i32>(2)?));
        }
        Ok(rows)
    })?;
    match rows.into_iter().next() {
        Some((Some(id), Some(version))) => Ok((id, version)),
        _ => Err(OdooMirrorError::NoRows("INSERT INTO ml_models")),
    }
}

/// Makes `version` the only active model of `kind`; false when no such version exists.
pub fn activate(kind: &str, version: i32) -> Result<bool, OdooMirrorError> {
    storage::execute(
        "UPDATE odoo_mirror.ml_models SET active = false WHERE kind = $1 AND active AND version <> $2",
        &[kind.into(), version.into()],
    )?;
    let updated = storage::execute(
        "UPDATE odoo_mirror.ml_models SET active = true WHERE kind = $1 AND version = $2 AND NOT active",
        &[kind.into(), version.into()],
    )?;
    if updated > 0 {
        return Ok(true);
    }
    Ok(stored_model(kind, Some(version))?.is_some())
}

const NAMES_SQL: &str = "SELECT p.id, COALESCE(p.complete_name, p.name) \
     FROM odoo_mirror.res_partner AS p WHERE p.id = ANY ($1)";

/// Partner names by id (missing partners are left out).
pub fn partner_names(ids: Vec<i32>) -> Result<std::collections::HashMap<i32, String>, OdooMirrorError> {
    let rows = storage::select_prepared(NAMES_SQL, &[PgOid::BuiltIn(PgBuiltInOids::INT4ARRAYOID)], &[ids.into()], |row| {
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
pub fn replace_predictions(predictions: Vec<Prediction>, model_version: i32, as_of: i32) -> Result<u64, OdooMirrorError> {
    // SHARE ROW EXCLUSIVE: one refresh at a time (a second waits, then replaces the first's rows),
    // readers never wait.
    storage::execute("LOCK TABLE odoo_mirror.churn_predictions IN SHARE ROW EXCLUSIVE MODE", &[])?;
    storage::execute("DELETE FROM odoo_mirror.churn_predictions", &[])?;
    let mut written = 0;
    // Chunks keep each array argument a reasonable size.
    for chunk in predictions.chunks(50_000) {
        let partners: Vec<i32> = chunk.iter().map(|row| row.partner_id).collect();
        let scores: Vec<f64> = chunk.iter().map(|row| row.score).collect();
        let bands: Vec<&str> = chunk.iter().map(|row| row.band).collect();
        // Reasons travel joined by a unit separator, split back into text[] in SQL.
        let reasons: Vec<String> = chunk.iter().map(|row| row.reasons.join("\u{1f}")).collect();
        let revenue: Vec<f64> = chunk.iter().map(|row| row.revenue_at_risk).collect();
        written += storage::execute(
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
