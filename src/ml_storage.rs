//! SPI for the models: reading invoice facts, the model store (`odoo_mirror.ml_models`) and the
//! churn predictions table. Every statement is schema-qualified.

use pgrx::datum::DatumWithOid;
use pgrx::prelude::*;
use pgrx::{JsonB, PgOid};

use crate::churn_features::{InvoiceFact, Settlement};
use crate::fraud_signals::ExpenseFact;
use crate::error::OdooMirrorError;
use crate::pg_numeric;
use crate::storage;

const INT4: PgOid = PgOid::BuiltIn(PgBuiltInOids::INT4OID);
const TEXT: PgOid = PgOid::BuiltIn(PgBuiltInOids::TEXTOID);

const FACTS_SQL: &str = include_str!("queries/churn_facts.sql");
const PARTNER_FACTS_SQL: &str = include_str!("queries/churn_partner_facts.sql");

const DATE: PgOid = PgOid::BuiltIn(PgBuiltInOids::DATEOID);
const TIMESTAMP: PgOid = PgOid::BuiltIn(PgBuiltInOids::TIMESTAMPOID);
const VARCHAR: PgOid = PgOid::BuiltIn(PgBuiltInOids::VARCHAROID);
const NUMERIC: PgOid = PgOid::BuiltIn(PgBuiltInOids::NUMERICOID);

/// The column types of churn_facts.sql and churn_partner_facts.sql, in order (the mirror's own).
const FACT_TYPES: [PgOid; 9] = [INT4, DATE, VARCHAR, NUMERIC, NUMERIC, DATE, TIMESTAMP, VARCHAR, NUMERIC];

/// Dates outside ±1,000,000 days of 2000 (infinity included) are not invoice dates; keeping days in
/// this range keeps every difference of two days far from i32 overflow.
const DAY_LIMIT: i32 = 1_000_000;
const MICROSECONDS_PER_DAY: i64 = 86_400_000_000;

/// The day of an unknown change: after every usable date.
const UNKNOWN_DAY: i32 = DAY_LIMIT + 1;

fn finite_day(days: i32) -> Option<i32> {
    (-DAY_LIMIT..=DAY_LIMIT).contains(&days).then_some(days)
}

/// The bytes of a varlena datum (text, varchar, numeric), detoasted if it is compressed or external.
///
/// # Safety
/// `datum` must be a non-null varlena datum valid for the current memory context's lifetime.
unsafe fn varlena_bytes<'a>(datum: pg_sys::Datum) -> &'a [u8] {
    let mut pointer = datum.cast_mut_ptr::<pg_sys::varlena>();
    if pgrx::varlena::varatt_is_4b_c(pointer) || pgrx::varlena::varatt_is_1b_e(pointer) {
        pointer = pg_sys::pg_detoast_datum_packed(pointer);
    }
    pgrx::varlena::varlena_to_byte_slice(pointer)
}

/// A numeric datum as f64 (None for NaN and ±Infinity).
///
/// # Safety
/// `datum` must be a numeric datum valid for the current memory context's lifetime.
pub(crate) unsafe fn numeric_to_f64(datum: pg_sys::Datum) -> Option<f64> {
    pg_numeric::payload_to_f64(unsafe { varlena_bytes(datum) })
}

/// The largest amount one invoice counts with: far above any real invoice, and low enough that sums
/// over millions of invoices stay finite (never an infinite revenue, never a NaN trend).
const AMOUNT_LIMIT: f64 = 1e15;

/// An amount that is not a finite number (NaN or ±Infinity numerics, or one beyond f64) counts as 0;
/// larger ones count as AMOUNT_LIMIT.
fn finite(value: Option<f64>) -> f64 {
    value.filter(|number| number.is_finite()).map_or(0.0, |number| number.clamp(-AMOUNT_LIMIT, AMOUNT_LIMIT))
}

/// One row of the facts queries, decoded from the stored forms (types checked against FACT_TYPES by
/// the storage layer). None for a row without a usable partner or invoice date.
fn fact(row: storage::DatumRow<'_>) -> Option<(i32, InvoiceFact)> {
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
    let changed = column(6)
        .map(|datum| (datum.value() as i64).div_euclid(MICROSECONDS_PER_DAY))
        .and_then(|days| i32::try_from(days).ok())
        .and_then(finite_day)
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
    storage::stream_rows(FACTS_SQL, &[until], &FACT_TYPES, |row| {
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
    storage::stream_rows(PARTNER_FACTS_SQL, &[partner_id, until], &FACT_TYPES, |row| {
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
    let rows = storage::select_prepared(SCORING_DATE_SQL, &[], &[], |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?)))?;
    match rows.into_iter().next() {
        Some((latest, Some(today))) => Ok((latest, today)),
        _ => Err(OdooMirrorError::NoRows("the scoring date")),
    }
}

// The model store ----------------------------------------------------------------------------------

/// A model row's identity: id, xmin (changes whenever the row is rewritten) and version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelRef {
    pub id: i32,
    /// xmin and ctid: any rewrite of the row, even in the transaction that wrote it, changes one.
    pub row_version: (i64, String),
    pub version: i32,
}

const ACTIVE_MODEL_SQL: &str = "SELECT m.id, m.xmin::text::bigint, m.ctid::text, m.version FROM odoo_mirror.ml_models AS m \
     WHERE m.kind = $1 AND m.active";

/// The active model of `kind`, if any.
pub fn active_model(kind: &str) -> Result<Option<ModelRef>, OdooMirrorError> {
    let rows = storage::select_prepared(ACTIVE_MODEL_SQL, &[TEXT], &[kind.into()], |row| {
        Ok((row.get::<i32>(1)?, row.get::<i64>(2)?, row.get::<String>(3)?, row.get::<i32>(4)?))
    })?;
    Ok(rows.into_iter().find_map(|row| match row {
        (Some(id), Some(xmin), Some(ctid), Some(version)) => Some(ModelRef { id, row_version: (xmin, ctid), version }),
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

/// Makes `version` the only active model of `kind`. The callers know the version exists (they just
/// stored it, or looked it up under the store lock).
pub fn activate(kind: &str, version: i32) -> Result<(), OdooMirrorError> {
    storage::execute(
        "UPDATE odoo_mirror.ml_models SET active = false WHERE kind = $1 AND active AND version <> $2",
        &[kind.into(), version.into()],
    )?;
    storage::execute(
        "UPDATE odoo_mirror.ml_models SET active = true WHERE kind = $1 AND version = $2 AND NOT active",
        &[kind.into(), version.into()],
    )?;
    Ok(())
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

// Expenses (the fraud model) ----------------------------------------------------------------------------

const FRAUD_FACTS_SQL: &str = include_str!("queries/fraud_facts.sql");
const FRAUD_EMPLOYEE_FACTS_SQL: &str = include_str!("queries/fraud_employee_facts.sql");
const BOOL: PgOid = PgOid::BuiltIn(PgBuiltInOids::BOOLOID);

/// The column types of fraud_facts.sql and fraud_employee_facts.sql, in order.
const EXPENSE_TYPES: [PgOid; 9] = [INT4, INT4, INT4, INT4, NUMERIC, DATE, TIMESTAMP, TEXT, BOOL];

/// The largest expense amount counted: far above any real claim, low enough for every sum to stay finite.
const EXPENSE_AMOUNT_LIMIT: f64 = 1e12;

/// One row of the fraud facts queries (types checked against EXPENSE_TYPES by the storage layer).
/// None for a row without an employee or a usable date.
fn expense_fact(row: storage::DatumRow<'_>) -> Option<ExpenseFact> {
    let column = |index: usize| row.get(index).copied().flatten();
    // SAFETY: every datum is of the type EXPENSE_TYPES names at its position: int4, date and bool by
    // value, timestamp by value (64-bit), numeric and text varlena.
    let int = |index: usize| column(index).map(|datum| datum.value() as i32);
    let amount = column(4)
        .and_then(|datum| unsafe { numeric_to_f64(datum) })
        .filter(|value| value.is_finite())
        .map_or(0.0, |value| value.clamp(-EXPENSE_AMOUNT_LIMIT, EXPENSE_AMOUNT_LIMIT));
    let submitted = column(6)
        .map(|datum| (datum.value() as i64).div_euclid(MICROSECONDS_PER_DAY))
        .and_then(|days| i32::try_from(days).ok())
        .and_then(finite_day);
    let description = column(7).map(|datum| String::from_utf8_lossy(unsafe { varlena_bytes(datum) }).into_owned()).unwrap_or_default();
    Some(ExpenseFact {
        employee_id: int(0)?,
        id: int(1)?,
        product_id: int(2),
        sheet_id: int(3),
        amount,
        date: column(5).and_then(|datum| finite_day(datum.value() as i32))?,
        submitted,
        description,
        open: column(8).is_some_and(|datum| datum.value() != 0),
    })
}

/// Streams every employee's expenses (sorted by date), one employee at a time.
pub fn for_each_employee(mut each_employee: impl FnMut(&[ExpenseFact]) -> Result<(), OdooMirrorError>) -> Result<(), OdooMirrorError> {
    let mut current: Option<i32> = None;
    let mut expenses: Vec<ExpenseFact> = Vec::with_capacity(256);
    storage::stream_rows(FRAUD_FACTS_SQL, &[], &EXPENSE_TYPES, |row| {
        let Some(fact) = expense_fact(row) else { return Ok(()) };
        if current != Some(fact.employee_id) {
            if current.is_some() {
                each_employee(&expenses)?;
            }
            expenses.clear();
            current = Some(fact.employee_id);
        }
        expenses.push(fact);
        Ok(())
    })?;
    if current.is_some() {
        each_employee(&expenses)?;
    }
    Ok(())
}

/// One employee's expenses, sorted by date.
pub fn employee_expenses(employee_id: i32) -> Result<Vec<ExpenseFact>, OdooMirrorError> {
    let mut expenses = Vec::with_capacity(64);
    storage::stream_rows(FRAUD_EMPLOYEE_FACTS_SQL, &[employee_id], &EXPENSE_TYPES, |row| {
        if let Some(fact) = expense_fact(row) {
            expenses.push(fact);
        }
        Ok(())
    })?;
    Ok(expenses)
}

const FRAUD_EXPENSE_HISTORY_SQL: &str = include_str!("queries/fraud_expense_history.sql");

/// The expenses (sorted by date) of the employee of `expense_id`, in one query; empty for an unknown
/// expense or one without an employee.
pub fn expense_history(expense_id: i32) -> Result<Vec<ExpenseFact>, OdooMirrorError> {
    let mut expenses = Vec::with_capacity(64);
    storage::stream_rows(FRAUD_EXPENSE_HISTORY_SQL, &[expense_id], &EXPENSE_TYPES, |row| {
        if let Some(fact) = expense_fact(row) {
            expenses.push(fact);
        }
        Ok(())
    })?;
    Ok(expenses)
}

/// The auditors' labels: expense id → is fraud.
pub fn expense_labels() -> Result<std::collections::HashMap<i32, bool>, OdooMirrorError> {
    let rows: Vec<(Option<i32>, Option<bool>)> =
        storage::select_rows("SELECT l.expense_id, l.is_fraud FROM odoo_mirror.expense_labels AS l", &[], |row| Ok((row.get::<i32>(1)?, row.get::<bool>(2)?)))?;
    Ok(rows.into_iter().filter_map(|(id, label)| Some((id?, label?))).collect())
}

/// One row of odoo_mirror.fraud_predictions.
pub struct FraudPrediction {
    pub expense_id: i32,
    pub employee_id: i32,
    pub sheet_id: Option<i32>,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Replaces odoo_mirror.fraud_predictions with `predictions`, in the caller's transaction.
pub fn replace_fraud_predictions(predictions: Vec<FraudPrediction>, model_version: i32) -> Result<u64, OdooMirrorError> {
    // One refresh at a time (a second waits, then replaces the first's rows); readers never wait.
    storage::execute("LOCK TABLE odoo_mirror.fraud_predictions IN SHARE ROW EXCLUSIVE MODE", &[])?;
    storage::execute("DELETE FROM odoo_mirror.fraud_predictions", &[])?;
    let mut written = 0;
    for chunk in predictions.chunks(50_000) {
        let expenses: Vec<i32> = chunk.iter().map(|row| row.expense_id).collect();
        let employees: Vec<i32> = chunk.iter().map(|row| row.employee_id).collect();
        let sheets: Vec<Option<i32>> = chunk.iter().map(|row| row.sheet_id).collect();
        let scores: Vec<f64> = chunk.iter().map(|row| row.score).collect();
        // Reasons travel joined by a unit separator, split back into text[] in SQL.
        let reasons: Vec<String> = chunk.iter().map(|row| row.reasons.join("\u{1f}")).collect();
        written += storage::execute(
            "INSERT INTO odoo_mirror.fraud_predictions \
                 (expense_id, employee_id, sheet_id, score, top_reason, reasons, model_version, scored_at) \
             SELECT r.expense_id, r.employee_id, r.sheet_id, r.score, \
                    NULLIF(pg_catalog.split_part(r.reasons, E'\\x1f', 1), ''), \
                    CASE WHEN r.reasons = '' THEN '{}'::text[] ELSE pg_catalog.string_to_array(r.reasons, E'\\x1f') END, \
                    $6, pg_catalog.now() \
             FROM ROWS FROM (pg_catalog.unnest($1::int[]), pg_catalog.unnest($2::int[]), pg_catalog.unnest($3::int[]), \
                             pg_catalog.unnest($4::float8[]), pg_catalog.unnest($5::text[])) \
                  AS r (expense_id, employee_id, sheet_id, score, reasons) \
             ON CONFLICT (expense_id) DO NOTHING",
            &[expenses.into(), employees.into(), sheets.into(), scores.into(), reasons.into(), model_version.into()],
        )?;
    }
    Ok(written)
}

/// What get_suspicious_expenses shows of an expense besides its score.
pub struct ExpenseDetails {
    pub name: Option<String>,
    pub employee_name: Option<String>,
    pub date: Option<pgrx::datum::Date>,
    pub amount: Option<pgrx::AnyNumeric>,
    pub currency: Option<String>,
    pub state: Option<String>,
}

/// Details of the expenses `ids`, by id.
pub fn expense_details(ids: Vec<i32>) -> Result<std::collections::HashMap<i32, ExpenseDetails>, OdooMirrorError> {
    let rows = storage::select_rows(
        "SELECT e.id, e.name::text, employee.name::text, e.date, pg_catalog.round(e.total_amount, 2), currency.name::text, e.state::text \
         FROM odoo_mirror.hr_expense AS e \
         LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = e.employee_id \
         LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id \
         LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id \
         WHERE e.id = ANY ($1)",
        &[ids.into()],
        |row| {
            Ok((
                row.get::<i32>(1)?,
                ExpenseDetails {
                    name: row.get(2)?,
                    employee_name: row.get(3)?,
                    date: row.get(4)?,
                    amount: row.get(5)?,
                    currency: row.get(6)?,
                    state: row.get(7)?,
                },
            ))
        },
    )?;
    Ok(rows.into_iter().filter_map(|(id, details)| Some((id?, details))).collect())
}
