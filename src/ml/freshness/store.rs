//! The statements of prediction freshness: marking keys stale, reading and taking the marks, and the
//! `prediction_runs` row of each kind. Every statement is schema-qualified.

use crate::error::OdooMirrorError;
use crate::ml::freshness::rules::Freshness;
use crate::spi::{self, INT4, TEXT};

/// A model kind whose predictions are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Churn,
    Fraud,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Churn => "churn",
            Self::Fraud => "fraud",
        }
    }
}

const MARK_SQL: &str = "INSERT INTO odoo_mirror.prediction_stale (kind, entity_id) VALUES ($1, $2)";

/// Records that the predictions of `key` (None: of everyone) are stale.
pub fn mark(kind: Kind, key: Option<i32>) -> Result<(), OdooMirrorError> {
    spi::execute_prepared(MARK_SQL, &[TEXT, INT4], &[kind.as_str().into(), key.into()])?;
    Ok(())
}

const FRESHNESS_SQL: &str = "SELECT r.model_version, r.as_of - DATE '2000-01-01', \
         EXISTS (SELECT FROM odoo_mirror.prediction_stale AS s WHERE s.kind = $1 AND s.entity_id IS NULL), \
         ARRAY(SELECT DISTINCT s.entity_id FROM odoo_mirror.prediction_stale AS s \
               WHERE s.kind = $1 AND s.entity_id IS NOT NULL ORDER BY s.entity_id) \
     FROM (SELECT) AS one LEFT JOIN odoo_mirror.prediction_runs AS r ON r.kind = $1";

/// The marks and the run of `kind`.
pub fn freshness(kind: Kind) -> Result<Freshness, OdooMirrorError> {
    let rows = spi::select_prepared(FRESHNESS_SQL, &[TEXT], &[kind.as_str().into()], |row| {
        Ok(Freshness {
            run_version: row.get::<i32>(1)?,
            run_as_of: row.get::<i32>(2)?,
            unknown: row.get::<bool>(3)?.unwrap_or(true),
            stale: row.get::<Vec<i32>>(4)?.unwrap_or_default(),
        })
    })?;
    rows.into_iter().next().ok_or(OdooMirrorError::NoRows("the predictions' freshness"))
}

const TAKE_MARKS_SQL: &str = "DELETE FROM odoo_mirror.prediction_stale AS s WHERE s.kind = $1 RETURNING s.entity_id";

/// The start of every refresh of `kind`: its predictions table locked (one refresh at a time: a second
/// waits, then sees the first's rows; readers never wait), a transaction id (after the lock every read must see what committed before it: with a transaction id
/// pgrx reads with a fresh snapshot), then the marks taken (the scoring that follows reads every write
/// whose mark it took).
pub fn begin_refresh(kind: Kind) -> Result<Freshness, OdooMirrorError> {
    let lock = match kind {
        Kind::Churn => "LOCK TABLE odoo_mirror.churn_predictions IN SHARE ROW EXCLUSIVE MODE",
        Kind::Fraud => "LOCK TABLE odoo_mirror.fraud_predictions IN SHARE ROW EXCLUSIVE MODE",
    };
    spi::execute(lock, &[])?;
    spi::assign_transaction_id()?;
    take_marks(kind)
}

/// What a refresh of `kind` answers without an active model, after forgetting the run: it only took
/// the marks (nothing can be rescored, and they must not pile up). `changed` counts the keys, named
/// `changed_key` in the answer.
pub fn nothing_to_refresh(kind: Kind, changed_key: &str, changed: usize) -> Result<serde_json::Value, OdooMirrorError> {
    forget_run(kind)?;
    let mut answer = serde_json::Map::new();
    answer.insert("rows".into(), 0.into());
    answer.insert(
        "rescored".into(),
        format!(
            "nothing: no {kind} model is active (train one with odoo_mirror.train_{kind}_model())",
            kind = kind.as_str()
        )
        .into(),
    );
    answer.insert(changed_key.into(), changed.into());
    answer.insert("model_version".into(), serde_json::Value::Null);
    Ok(answer.into())
}

/// Deletes the marks of `kind` and returns them as a Freshness (stale keys, whether one was unknown)
/// with the current run. A refresh calls it first, after its lock: the marks it deletes are of writes
/// committed before, which every later statement of the refresh sees.
pub fn take_marks(kind: Kind) -> Result<Freshness, OdooMirrorError> {
    let taken: Vec<Option<i32>> =
        spi::execute_returning(TAKE_MARKS_SQL, &[kind.as_str().into()], |row| row.get::<i32>(1))?;
    super::forget_marks();
    let mut stale: Vec<i32> = taken.iter().flatten().copied().collect();
    stale.sort_unstable();
    stale.dedup();
    let run = freshness(kind)?;
    Ok(Freshness { run_version: run.run_version, run_as_of: run.run_as_of, unknown: taken.contains(&None), stale })
}

const SAVE_RUN_SQL: &str = "INSERT INTO odoo_mirror.prediction_runs AS r \
         (kind, model_version, as_of, refreshed_at, full_refreshed_at, drift) \
     VALUES ($1, $2, DATE '2000-01-01' + $3, pg_catalog.now(), pg_catalog.now(), $5) \
     ON CONFLICT (kind) DO UPDATE SET model_version = EXCLUDED.model_version, as_of = EXCLUDED.as_of, \
         refreshed_at = EXCLUDED.refreshed_at, \
         full_refreshed_at = CASE WHEN $4 THEN EXCLUDED.full_refreshed_at ELSE r.full_refreshed_at END, \
         drift = COALESCE(EXCLUDED.drift, r.drift)";

/// Records which model (and scoring date) the stored predictions of `kind` now hold, and the inputs'
/// drift when everyone was scored.
pub fn save_run(
    kind: Kind,
    model_version: i32,
    as_of: Option<i32>,
    everyone: bool,
    drift: Option<serde_json::Value>,
) -> Result<(), OdooMirrorError> {
    spi::execute_prepared(
        SAVE_RUN_SQL,
        &[TEXT, INT4, INT4, spi::BOOL, spi::JSONB],
        &[kind.as_str().into(), model_version.into(), as_of.into(), everyone.into(), drift.map(pgrx::JsonB).into()],
    )?;
    Ok(())
}

const SAVE_HISTORY_SQL: &str = "INSERT INTO odoo_mirror.prediction_history AS h \
         (kind, model_version, as_of, taken_at, ids, scores) \
     SELECT $1, $2, COALESCE(DATE '2000-01-01' + $3, CURRENT_DATE), pg_catalog.now(), $4, $5 \
     WHERE NOT EXISTS (SELECT FROM odoo_mirror.prediction_history AS k \
                       WHERE k.kind = $1 AND k.model_version = $2 \
                         AND k.as_of > COALESCE(DATE '2000-01-01' + $3, CURRENT_DATE) - 7) \
     ON CONFLICT DO NOTHING";

/// Keeps a snapshot of every prediction of a full refresh (none without predictions), unless the model
/// version has one from the last seven days: model_performance() judges them once the outcomes are known.
pub fn save_history(
    kind: Kind,
    model_version: i32,
    as_of: Option<i32>,
    ids: Vec<i32>,
    scores: Vec<f64>,
) -> Result<(), OdooMirrorError> {
    if ids.is_empty() {
        return Ok(());
    }
    // real in Rust: PostgreSQL's float8-to-real cast raises on a score too small for real (22003); a
    // score that small is kept as the smallest positive real.
    let scores: Vec<f32> = scores
        .iter()
        .map(|&score| {
            let narrow = score as f32;
            if score > 0.0 && narrow == 0.0 {
                f32::MIN_POSITIVE
            } else {
                narrow
            }
        })
        .collect();
    spi::execute_prepared(
        SAVE_HISTORY_SQL,
        &[TEXT, INT4, INT4, spi::INT4_ARRAY, spi::FLOAT4_ARRAY],
        &[kind.as_str().into(), model_version.into(), as_of.into(), ids.into(), scores.into()],
    )?;
    Ok(())
}

/// Forgets the run of `kind` (no model is active: nothing is stored for one).
pub fn forget_run(kind: Kind) -> Result<(), OdooMirrorError> {
    spi::execute("DELETE FROM odoo_mirror.prediction_runs AS r WHERE r.kind = $1", &[kind.as_str().into()])?;
    Ok(())
}

/// The drift report stored with a run: each input's PSI and its reading.
pub fn drift_report(names: &[&str], psi: &[Option<f64>], rows: usize) -> serde_json::Value {
    let inputs: Vec<serde_json::Value> = names
        .iter()
        .zip(psi)
        .filter_map(|(name, psi)| {
            psi.map(
                |psi| serde_json::json!({"input": name, "psi": psi, "verdict": crate::ml::monitoring::verdict(psi)}),
            )
        })
        .collect();
    serde_json::json!({"rows": rows, "inputs": inputs})
}
