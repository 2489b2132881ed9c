//! Model store administration: activate a version (roll back or forward), export a model as jsonb,
//! import one. For the extension owner (grants.sql gives these to no one else).

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::JsonB;

use crate::error::OdooMirrorError;
use crate::ml::churn::model::ChurnModel;
use crate::ml::fraud::model::FraudModel;
use crate::ml::registry::Served;
use crate::ml::store;
use crate::ml::StoredModel;
use crate::params::{P_ACTIVATE, P_KIND, P_MODEL, P_VERSION};
use crate::spi::jsonb::JsonbArg;

/// What the admin functions need of a model kind, without its type.
struct Kind {
    name: &'static str,
    train_function: &'static str,
    format: u32,
    /// The model in an exported document (or a stored row), parsed and checked: its JSON as stored
    /// and its feature names; Err says what is wrong.
    parse: fn(&serde_json::Value) -> Result<(serde_json::Value, Vec<String>), String>,
    /// Rescores the kind's stored predictions with the model active now.
    refresh: fn() -> Result<serde_json::Value, OdooMirrorError>,
}

impl Kind {
    const fn of<M: Served>() -> Self {
        Self {
            name: M::KIND,
            train_function: M::TRAIN_FUNCTION,
            format: M::FORMAT,
            parse: parse::<M>,
            refresh: M::refresh_after_activation,
        }
    }
}

/// The kinds this version stores: a new kind implements `StoredModel` and is listed here.
const KINDS: [Kind; 2] = [Kind::of::<ChurnModel>(), Kind::of::<FraudModel>()];

fn parse<M: StoredModel>(document: &serde_json::Value) -> Result<(serde_json::Value, Vec<String>), String> {
    let model_json = document.get("model").ok_or("it has no \"model\" key")?;
    let model: M = serde_json::from_value(model_json.clone())
        .map(M::migrated)
        .map_err(|error| format!("its {} model does not parse: {error}", M::KIND))?;
    model.check().map_err(|problem| format!("its {} model is not usable: {problem}", M::KIND))?;
    let features = model.feature_names();
    let json = serde_json::to_value(&model).map_err(|error| error.to_string())?;
    Ok((json, features))
}

fn kind(value: Option<&str>) -> Result<&'static Kind, OdooMirrorError> {
    let name = P_KIND.require(value)?;
    KINDS
        .iter()
        .find(|kind| kind.name == name)
        .ok_or_else(|| P_KIND.invalid(format!("unknown model kind '{name}'")).into())
}

fn no_version(kind: &str, version: i32) -> Result<OdooMirrorError, OdooMirrorError> {
    let (count, highest) = store::versions(kind)?;
    Ok(OdooMirrorError::Conflict {
        sqlstate: PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        message: match highest {
            Some(highest) => format!("invalid p_version: there is no {kind} model version {version} ({count} stored, the latest is {highest})"),
            None => format!("invalid p_version: there is no {kind} model version {version}, none is stored yet"),
        },
        hint: "list them: SELECT kind, version, active, created_at FROM odoo_mirror.ml_models ORDER BY kind, version".into(),
    })
}

/// Makes one stored version the active model of its kind: the next statement in every session
/// scores with it.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn activate_model(p_kind: Option<&str>, p_version: Option<i32>) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("activate_model")?;
    let kind = kind(p_kind)?;
    let version = P_VERSION.require(p_version)?;
    store::lock_model_store()?;
    let previous = store::active_model_for_update(kind.name)?.map(|model_ref| model_ref.version);
    let Some(stored) = store::stored_model(kind.name, Some(version))? else {
        return Err(no_version(kind.name, version)?.into());
    };
    // Refuse a row that cannot score rather than break every scoring call.
    (kind.parse)(&stored.row).map_err(|problem| OdooMirrorError::Conflict {
        sqlstate: PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        message: format!("invalid p_version: {} model version {version} is not usable: {problem}", kind.name),
        hint: "activate another version, or train a new one".into(),
    })?;
    store::activate(kind.name, version)?;
    let predictions = (kind.refresh)()?;
    Ok(JsonB(serde_json::json!({
        "kind": kind.name,
        "version": version,
        "model_id": stored.id,
        "active": true,
        "previous_version": previous,
        "predictions_refreshed": predictions,
    })))
}

/// The model of `p_kind` with `p_version` (default: the active one) as one jsonb document, for
/// import_model() into another database.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn export_model(
    p_kind: default!(Option<&str>, "'churn'"),
    p_version: default!(Option<i32>, "NULL"),
) -> Result<JsonB, ErrorReport> {
    let kind = kind(p_kind)?;
    let version = P_VERSION.optional(p_version)?;
    match store::stored_model(kind.name, version)? {
        Some(stored) => {
            let mut document = stored.row;
            if let Some(object) = document.as_object_mut() {
                object.insert("format".into(), kind.format.into());
                object.insert("exported_from".into(), format!("odoo_mirror {}", env!("CARGO_PKG_VERSION")).into());
            }
            Ok(JsonB(document))
        }
        None => match version {
            Some(version) => Err(no_version(kind.name, version)?.into()),
            None => Err(OdooMirrorError::NoModel { kind: kind.name, train_function: kind.train_function }.into()),
        },
    }
}

/// Stores a model exported by export_model() as the next version of its kind; active only if
/// p_activate. Returns the new version.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn import_model(p_model: Option<JsonbArg>, p_activate: default!(Option<bool>, false)) -> Result<JsonB, ErrorReport> {
    crate::spi::require_writable("import_model")?;
    let Some(model) = p_model else { return Err(P_MODEL.invalid("NULL").into()) };
    let document = model.parse().map_err(|problem| P_MODEL.invalid(problem))?;
    let Some(activate) = p_activate else { return Err(P_ACTIVATE.invalid("NULL").into()) };
    if !document.is_object() {
        return Err(P_MODEL.invalid("not a JSON object").into());
    }
    let kind = kind(document.get("kind").and_then(|kind| kind.as_str()).or(Some("")))
        .map_err(|_| P_MODEL.invalid("its \"kind\" must be \"churn\" or \"fraud\""))?;
    let (model_json, features) = (kind.parse)(&document).map_err(|problem| P_MODEL.invalid(problem))?;
    let field = |name: &str| {
        document.get(name).cloned().filter(|value| value.is_object()).unwrap_or_else(|| serde_json::json!({}))
    };
    let mut metrics = field("metrics");
    if let Some(object) = metrics.as_object_mut() {
        object.insert(
            "imported".into(),
            serde_json::json!({"from_version": document.get("version"), "exported_from": document.get("exported_from")}),
        );
    }
    store::lock_model_store()?;
    let (model_id, version) = store::insert_model(kind.name, field("params"), features, metrics, model_json)?;
    let predictions = if activate {
        store::activate(kind.name, version)?;
        (kind.refresh)()?
    } else {
        serde_json::Value::Null
    };
    Ok(JsonB(serde_json::json!({
        "kind": kind.name,
        "version": version,
        "model_id": model_id,
        "active": activate,
        "predictions_refreshed": predictions,
    })))
}
