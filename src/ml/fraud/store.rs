//! The fraud model's statements: the expense facts it learns from and scores (streamed straight from
//! the executor), the auditors' labels, the predictions table and the details the RPC shows. Every
//! statement is schema-qualified.

use pgrx::PgOid;

use crate::error::OdooMirrorError;
use crate::ml::fraud::signals::ExpenseFact;
use crate::spi::datum::{finite_day, numeric_to_f64, timestamp_day, varlena_bytes};
use crate::spi::{self, Snapshot, StreamArg, BOOL, DATE, INT4, INT4_ARRAY, NUMERIC, TEXT, TIMESTAMP};

// One select list (expense_columns.sql), three sources: every expense, some employees', one employee's.
const FRAUD_FACTS_SQL: &str = concat!(include_str!("expense_columns.sql"), include_str!("facts.sql"));
const FRAUD_EMPLOYEE_FACTS_SQL: &str = concat!(include_str!("expense_columns.sql"), include_str!("employee_facts.sql"));

/// The column types of fraud_facts.sql and fraud_employee_facts.sql, in order.
const EXPENSE_TYPES: [PgOid; 10] = [INT4, INT4, INT4, INT4, NUMERIC, DATE, TIMESTAMP, TEXT, BOOL, BOOL];

/// The largest expense amount counted: far above any real claim, low enough for every sum to stay finite.
const EXPENSE_AMOUNT_LIMIT: f64 = 1e12;

/// One row of the fraud facts queries (types checked against EXPENSE_TYPES by the SPI layer).
/// None for a row without an employee or a usable date.
fn expense_fact(row: spi::DatumRow<'_>) -> Option<ExpenseFact> {
    let column = |index: usize| row.get(index).copied().flatten();
    // SAFETY: every datum is of the type EXPENSE_TYPES names at its position: int4, date and bools by
    // value, timestamp by value (64-bit), numeric and text varlena.
    let int = |index: usize| column(index).map(|datum| datum.value() as i32);
    let amount = column(4)
        .and_then(|datum| unsafe { numeric_to_f64(datum) })
        .filter(|value| value.is_finite())
        .map_or(0.0, |value| value.clamp(-EXPENSE_AMOUNT_LIMIT, EXPENSE_AMOUNT_LIMIT));
    let submitted = column(6).and_then(|datum| timestamp_day(datum.value() as i64));
    let description = column(7)
        .map(|datum| String::from_utf8_lossy(unsafe { varlena_bytes(datum) }).into_owned())
        .unwrap_or_default();
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
        refused: column(9).is_some_and(|datum| datum.value() != 0),
    })
}

/// Hands each employee's expenses of the stream to `each_employee`, one employee at a time (the stream
/// is in employee and date order).
fn group_by_employee(
    stream: impl FnOnce(&mut dyn FnMut(spi::DatumRow<'_>) -> Result<(), OdooMirrorError>) -> Result<(), OdooMirrorError>,
    mut each_employee: impl FnMut(&[ExpenseFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    let mut current: Option<i32> = None;
    let mut expenses: Vec<ExpenseFact> = Vec::with_capacity(256);
    stream(&mut |row| {
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

/// Streams every employee's expenses (sorted by date), one employee at a time, in `snapshot` (a
/// refresh reads the latest: what committed before it took the marks).
pub fn for_each_employee(
    snapshot: Snapshot,
    each_employee: impl FnMut(&[ExpenseFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    group_by_employee(
        |each_row| spi::stream_rows_in(snapshot, FRAUD_FACTS_SQL, &[], &EXPENSE_TYPES, each_row),
        each_employee,
    )
}

/// The expenses of the employees `employee_ids` (each sorted by date), one employee at a time.
pub fn for_employees(
    snapshot: Snapshot,
    employee_ids: &[i32],
    each_employee: impl FnMut(&[ExpenseFact]) -> Result<(), OdooMirrorError>,
) -> Result<(), OdooMirrorError> {
    if employee_ids.is_empty() {
        return Ok(());
    }
    let args = [StreamArg::Ints(employee_ids)];
    group_by_employee(
        |each_row| spi::stream_rows_with(snapshot, FRAUD_EMPLOYEE_FACTS_SQL, &args, &EXPENSE_TYPES, each_row),
        each_employee,
    )
}

const FRAUD_EXPENSE_HISTORY_SQL: &str =
    concat!(include_str!("expense_columns.sql"), include_str!("expense_history.sql"));

/// The expenses (sorted by date) of the employee of `expense_id`, in one query; empty for an unknown
/// expense or one without an employee.
pub fn expense_history(expense_id: i32) -> Result<Vec<ExpenseFact>, OdooMirrorError> {
    let mut expenses = Vec::with_capacity(64);
    spi::stream_rows(FRAUD_EXPENSE_HISTORY_SQL, &[expense_id], &EXPENSE_TYPES, |row| {
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
        spi::select_rows("SELECT l.expense_id, l.is_fraud FROM odoo_mirror.expense_labels AS l", &[], |row| {
            Ok((row.get::<i32>(1)?, row.get::<bool>(2)?))
        })?;
    Ok(rows.into_iter().filter_map(|(id, label)| Some((id?, label?))).collect())
}

/// One row of odoo_mirror.fraud_predictions.
pub struct FraudPrediction {
    pub expense_id: i32,
    pub employee_id: i32,
    pub sheet_id: Option<i32>,
    pub score: f64,
    pub reasons: Vec<String>,
    pub open: bool,
}

/// Deletes the predictions of the expenses of `employee_ids`, or all of them (None).
pub fn delete_predictions(employee_ids: Option<&[i32]>) -> Result<(), OdooMirrorError> {
    match employee_ids {
        None => spi::execute("DELETE FROM odoo_mirror.fraud_predictions", &[])?,
        Some(ids) => spi::execute(
            "DELETE FROM odoo_mirror.fraud_predictions AS p WHERE p.employee_id = ANY ($1)",
            &[ids.to_vec().into()],
        )?,
    };
    Ok(())
}

/// Writes `predictions` (after delete_predictions), in the caller's transaction.
pub fn insert_predictions(predictions: Vec<FraudPrediction>, model_version: i32) -> Result<u64, OdooMirrorError> {
    let mut written = 0;
    for chunk in predictions.chunks(50_000) {
        let expenses: Vec<i32> = chunk.iter().map(|row| row.expense_id).collect();
        let employees: Vec<i32> = chunk.iter().map(|row| row.employee_id).collect();
        let sheets: Vec<Option<i32>> = chunk.iter().map(|row| row.sheet_id).collect();
        let scores: Vec<f64> = chunk.iter().map(|row| row.score).collect();
        // Reasons travel joined by a unit separator, split back into text[] in SQL.
        let reasons: Vec<String> = chunk.iter().map(|row| row.reasons.join("\u{1f}")).collect();
        let open: Vec<bool> = chunk.iter().map(|row| row.open).collect();
        written += spi::execute(
            "INSERT INTO odoo_mirror.fraud_predictions \
                 (expense_id, employee_id, sheet_id, score, top_reason, reasons, model_version, scored_at, open) \
             SELECT r.expense_id, r.employee_id, r.sheet_id, r.score, \
                    NULLIF(pg_catalog.split_part(r.reasons, E'\\x1f', 1), ''), \
                    CASE WHEN r.reasons = '' THEN '{}'::text[] ELSE pg_catalog.string_to_array(r.reasons, E'\\x1f') END, \
                    $6, pg_catalog.now(), r.open \
             FROM ROWS FROM (pg_catalog.unnest($1::int[]), pg_catalog.unnest($2::int[]), pg_catalog.unnest($3::int[]), \
                             pg_catalog.unnest($4::float8[]), pg_catalog.unnest($5::text[]), pg_catalog.unnest($7::boolean[])) \
                  AS r (expense_id, employee_id, sheet_id, score, reasons, open) \
             ON CONFLICT (expense_id) DO NOTHING",
            &[
                expenses.into(),
                employees.into(),
                sheets.into(),
                scores.into(),
                reasons.into(),
                model_version.into(),
                open.into(),
            ],
        )?;
    }
    Ok(written)
}

/// A stored prediction of an open expense, as get_suspicious_expenses lists it, with its details.
pub struct StoredSuspect {
    pub expense_id: i32,
    pub employee_id: i32,
    pub sheet_id: Option<i32>,
    pub score: f64,
    pub reasons: Vec<String>,
    pub details: ExpenseDetails,
}

const STORED_SUSPECTS_SQL: &str = "SELECT p.expense_id, p.employee_id, p.sheet_id, p.score, p.reasons, \
         e.name::text, employee.name::text, e.date, \
         CASE WHEN e.total_amount > '-Infinity' AND e.total_amount < 'Infinity' THEN pg_catalog.round(e.total_amount, 2) END, \
         currency.name::text, e.state::text \
     FROM (SELECT p.expense_id, p.employee_id, p.sheet_id, p.score, p.reasons \
           FROM odoo_mirror.fraud_predictions AS p \
           WHERE p.open AND p.score >= $1 AND p.employee_id <> ALL ($2) \
           ORDER BY p.score DESC, p.expense_id LIMIT $3) AS p \
     LEFT JOIN odoo_mirror.hr_expense AS e ON e.id = p.expense_id \
     LEFT JOIN odoo_mirror.hr_employee AS employee ON employee.id = e.employee_id \
     LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id \
     LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id \
     ORDER BY p.score DESC, p.expense_id";

/// The highest stored scores of open expenses, of at least `min_score`, but for the `stale` employees.
pub fn stored_suspects(min_score: f64, stale: &[i32], limit: i32) -> Result<Vec<StoredSuspect>, OdooMirrorError> {
    spi::select_prepared(
        STORED_SUSPECTS_SQL,
        &[spi::FLOAT8, INT4_ARRAY, INT4],
        &[min_score.into(), stale.to_vec().into(), limit.into()],
        |row| {
            Ok(StoredSuspect {
                expense_id: row.get::<i32>(1)?.unwrap_or_default(),
                employee_id: row.get::<i32>(2)?.unwrap_or_default(),
                sheet_id: row.get::<i32>(3)?,
                score: row.get::<f64>(4)?.unwrap_or_default(),
                reasons: row.get::<Vec<String>>(5)?.unwrap_or_default(),
                details: ExpenseDetails {
                    name: row.get(6)?,
                    employee_name: row.get(7)?,
                    date: row.get(8)?,
                    amount: row.get(9)?,
                    currency: row.get(10)?,
                    state: row.get(11)?,
                },
            })
        },
    )
}

const STORED_SHEETS_SQL: &str = "SELECT DISTINCT ON (p.sheet_id) p.sheet_id, p.expense_id, p.score, p.top_reason \
     FROM odoo_mirror.fraud_predictions AS p \
     WHERE p.sheet_id = ANY ($1) AND p.employee_id <> ALL ($2) \
     ORDER BY p.sheet_id, p.score DESC, p.expense_id";

/// Per sheet of `sheet_ids`: its most suspicious stored line (expense id, score, top reason), leaving
/// out the lines of the `stale` employees.
pub fn stored_sheets(
    sheet_ids: &[i32],
    stale: &[i32],
) -> Result<Vec<(i32, i32, f64, Option<String>)>, OdooMirrorError> {
    let rows = spi::select_prepared(
        STORED_SHEETS_SQL,
        &[INT4_ARRAY, INT4_ARRAY],
        &[sheet_ids.to_vec().into(), stale.to_vec().into()],
        |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?, row.get::<f64>(3)?, row.get::<String>(4)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(sheet, expense, score, reason)| Some((sheet?, expense?, score?, reason)))
        .collect())
}

const STORED_SCORE_SQL: &str = "SELECT p.score FROM odoo_mirror.fraud_predictions AS p \
     JOIN odoo_mirror.prediction_runs AS r ON r.kind = 'fraud' AND r.model_version = $2 \
     WHERE p.expense_id = $1 \
       AND NOT EXISTS (SELECT FROM odoo_mirror.prediction_stale AS s WHERE s.kind = 'fraud' AND s.entity_id = p.employee_id) \
       AND NOT EXISTS (SELECT FROM odoo_mirror.prediction_stale AS s WHERE s.kind = 'fraud' AND s.entity_id IS NULL)";

/// The stored score of `expense_id`, when it is current: made by `model_version` and its employee
/// not marked stale since. None: score it live.
pub fn stored_score(expense_id: i32, model_version: i32) -> Result<Option<f64>, OdooMirrorError> {
    let rows =
        spi::select_prepared(STORED_SCORE_SQL, &[INT4, INT4], &[expense_id.into(), model_version.into()], |row| {
            row.get::<f64>(1)
        })?;
    Ok(rows.into_iter().next().flatten())
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

// The employee's name by its key (a scalar subquery): the generic plan would hash every employee.
const EXPENSE_DETAILS_SQL: &str = "SELECT e.id, e.name::text, \
         (SELECT employee.name::text FROM odoo_mirror.hr_employee AS employee WHERE employee.id = e.employee_id), \
         e.date, CASE WHEN e.total_amount > '-Infinity' AND e.total_amount < 'Infinity' THEN pg_catalog.round(e.total_amount, 2) END, currency.name::text, e.state::text \
     FROM odoo_mirror.hr_expense AS e \
     LEFT JOIN odoo_mirror.res_company AS company ON company.id = e.company_id \
     LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = company.currency_id \
     WHERE e.id = ANY ($1)";

/// Details of the expenses `ids`, by id (a kept statement: the RPC asks for them on most calls while
/// changes are pending).
pub fn expense_details(ids: Vec<i32>) -> Result<std::collections::HashMap<i32, ExpenseDetails>, OdooMirrorError> {
    let rows = spi::select_prepared(EXPENSE_DETAILS_SQL, &[INT4_ARRAY], &[ids.into()], |row| {
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
    })?;
    Ok(rows.into_iter().filter_map(|(id, details)| Some((id?, details))).collect())
}
