//! The model store, `odoo_mirror.ml_models`: one row per trained or imported version of each kind,
//! at most one active per kind. Every statement is schema-qualified.

use pgrx::JsonB;

use crate::error::OdooMirrorError;
use crate::spi::datum::varlena_bytes;
use crate::spi::{self, Snapshot, INT4, INT8, TEXT};

/// A model row's identity: id, xmin (changes whenever the row is rewritten) and version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ModelRef {
    pub id: i32,
    /// xmin and ctid: any rewrite of the row, even in the transaction that wrote it, changes one.
    pub row_version: (i64, String),
    pub version: i32,
}

// Every kind's active row (at most one per kind): no argument, so it runs through spi::stream_rows.
const ACTIVE_MODELS_SQL: &str = "SELECT m.kind::text, m.id, m.xmin::text::bigint, m.ctid::text, m.version \
     FROM odoo_mirror.ml_models AS m WHERE m.active";

/// The active model of `kind`, if any, as the calling statement sees the store: read in the
/// statement's own snapshot (a cursor's, while it fetches), never a newer one, so a model activated
/// later in the same transaction does not reach a statement (or cursor) that started before.
pub fn active_model(kind: &str) -> Result<Option<ModelRef>, OdooMirrorError> {
    active_model_in(Snapshot::Statement, kind)
}

/// The active model of `kind` as committed now, for the writers (training, activation) once they hold
/// the model store's lock: a fresh snapshot, not the statement's, which was taken before the lock wait
/// and would miss a model another writer activated meanwhile.
pub fn active_model_for_update(kind: &str) -> Result<Option<ModelRef>, OdooMirrorError> {
    active_model_in(Snapshot::Latest, kind)
}

fn active_model_in(snapshot: Snapshot, kind: &str) -> Result<Option<ModelRef>, OdooMirrorError> {
    let mut found = None;
    spi::stream_rows_in(snapshot, ACTIVE_MODELS_SQL, &[], &[TEXT, INT4, INT8, TEXT, INT4], |row| {
        let column = |index: usize| row.get(index).copied().flatten();
        // SAFETY: the columns are of the types named above: text varlena, int4 and int8 by value.
        let text = |index: usize| {
            column(index).map(|datum| String::from_utf8_lossy(unsafe { varlena_bytes(datum) }).into_owned())
        };
        if text(0).as_deref() == Some(kind) {
            if let (Some(id), Some(xmin), Some(ctid), Some(version)) = (column(1), column(2), text(3), column(4)) {
                found = Some(ModelRef {
                    id: id.value() as i32,
                    row_version: (xmin.value() as i64, ctid),
                    version: version.value() as i32,
                });
            }
        }
        Ok(())
    })?;
    Ok(found)
}

const MODEL_JSON_SQL: &str = "SELECT m.model FROM odoo_mirror.ml_models AS m WHERE m.id = $1";

pub fn model_json(id: i32) -> Result<serde_json::Value, OdooMirrorError> {
    let rows = spi::select_prepared(MODEL_JSON_SQL, &[INT4], &[id.into()], |row| row.get::<JsonB>(1))?;
    match rows.into_iter().next().flatten() {
        Some(JsonB(value)) => Ok(value),
        None => Err(OdooMirrorError::NoRows("ml_models.model")),
    }
}

/// Serialises writers of the model store (training, activation, import) without blocking readers:
/// SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with SELECT.
pub fn lock_model_store() -> Result<(), OdooMirrorError> {
    spi::execute("LOCK TABLE odoo_mirror.ml_models IN SHARE ROW EXCLUSIVE MODE", &[])?;
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
    let rows = spi::select_prepared(STORED_MODEL_SQL, &[TEXT, INT4], &[kind.into(), version.into()], |row| {
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
    let rows = spi::select_prepared(VERSIONS_SQL, &[TEXT], &[kind.into()], |row| {
        Ok((row.get::<i32>(1)?, row.get::<i32>(2)?))
    })?;
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
    let rows = spi::execute_returning(
        "INSERT INTO odoo_mirror.ml_models (kind, version, params, features, metrics, model, active) \
         SELECT $1, COALESCE(pg_catalog.max(m.version), 0) + 1, $2, $3, $4, $5, false \
         FROM odoo_mirror.ml_models AS m WHERE m.kind = $1 \
         RETURNING id, version",
        &[kind.into(), JsonB(params).into(), features.into(), JsonB(metrics).into(), JsonB(model).into()],
        |row| Ok((row.get::<i32>(1)?, row.get::<i32>(2)?)),
    )?;
    match rows.into_iter().next() {
        Some((Some(id), Some(version))) => Ok((id, version)),
        _ => Err(OdooMirrorError::NoRows("INSERT INTO ml_models")),
    }
}

/// Makes `version` the only active model of `kind`. The callers know the version exists (they just
/// stored it, or looked it up under the store lock).
pub fn activate(kind: &str, version: i32) -> Result<(), OdooMirrorError> {
    spi::execute(
        "UPDATE odoo_mirror.ml_models SET active = false WHERE kind = $1 AND active AND version <> $2",
        &[kind.into(), version.into()],
    )?;
    spi::execute(
        "UPDATE odoo_mirror.ml_models SET active = true WHERE kind = $1 AND version = $2 AND NOT active",
        &[kind.into(), version.into()],
    )?;
    Ok(())
}
