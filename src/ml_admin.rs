//! Model store administration: activate a version (roll back or forward), export a model as jsonb,
//! import one. For the extension owner (grants.sql gives these to no one else).

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::*;
use pgrx::JsonB;

use crate::churn_model::{self, ChurnModel};
use crate::fraud_model::{self, FraudModel};
use crate::error::OdooMirrorError;
use crate::ml_storage;
use crate::params::{P_ACTIVATE, P_KIND, P_MODEL, P_VERSION};

/// The kinds this version stores.
fn kind(value: Option<&str>) -> Result<&'static str, OdooMirrorError> {
    match P_KIND.require(value)? {
        "churn" => Ok(churn_model::KIND),
        "fraud" => Ok(fraud_model::KIND),
        other => Err(P_KIND.invalid(format!("unknown model kind '{other}'")).into()),
    }
}

fn no_version(kind: &str, version: i32) -> Result<OdooMirrorError, OdooMirrorError> {
    let (count, highest) = ml_storage::versions(kind)?;
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
    let kind = kind(p_kind)?;
    let version = P_VERSION.require(p_version).map_err(OdooMirrorError::from)?;
    ml_storage::lock_model_store()?;
    let previous = ml_storage::active_model(kind)?.map(|model_ref| model_ref.version);
    let Some(stored) = ml_storage::stored_model(kind, Some(version))? else {
        return Err(no_version(kind, version)?.into());
    };
    // Refuse a row that cannot score rather than break every scoring call.
    parse(kind, &stored.row).map_err(|problem| OdooMirrorError::Conflict {
        sqlstate: PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
        message: format!("invalid p_version: {kind} model version {version} is not usable: {problem}"),
        hint: "activate another version, or train a new one".into(),
    })?;
    ml_storage::activate(kind, version)?;
    Ok(JsonB(serde_json::json!({
        "kind": kind,
        "version": version,
        "model_id": stored.id,
        "active": true,
        "previous_version": previous,
    })))
}

/// The model of `p_kind` with `p_version` (default: the active one) as one jsonb document, for
/// import_model() into another database.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn export_model(p_kind: default!(Option<&str>, "'churn'"), p_version: default!(Option<i32>, "NULL")) -> Result<JsonB, ErrorReport> {
    let kind = kind(p_kind)?;
    let version = P_VERSION.optional(p_version).map_err(OdooMirrorError::from)?;
    match ml_storage::stored_model(kind, version)? {
        Some(stored) => {
            let mut document = stored.row;
            if let Some(object) = document.as_object_mut() {
                let format = if kind == fraud_model::KIND { fraud_model::MODEL_FORMAT } else { churn_model::MODEL_FORMAT };
                object.insert("format".into(), format.into());
                object.insert("exported_from".into(), format!("odoo_mirror {}", env!("CARGO_PKG_VERSION")).into());
            }
            Ok(JsonB(document))
        }
        None => match version {
            Some(version) => Err(no_version(kind, version)?.into()),
            None => Err(OdooMirrorError::NoModel {
                kind,
                train_function: if kind == fraud_model::KIND { "train_fraud_model" } else { "train_churn_model" },
            }
            .into()),
        },
    }
}

/// A parsed model of either kind.
enum Model {
    Churn(ChurnModel),
    Fraud(FraudModel),
}

impl Model {
    fn features(&self) -> Vec<String> {
        match self {
            Self::Churn(model) => model.features.clone(),
            Self::Fraud(model) => model.features.clone(),
        }
    }

    fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Self::Churn(model) => serde_json::to_value(model),
            Self::Fraud(model) => serde_json::to_value(model),
        }
    }
}

/// The model in an exported document (or a stored row), checked; Err says what is wrong.
fn parse(kind: &str, document: &serde_json::Value) -> Result<Model, String> {
    let model_json = document.get("model").ok_or("it has no \"model\" key")?;
    let parse_error = |error: serde_json::Error| format!("its {kind} model does not parse: {error}");
    let unusable = |problem: String| format!("its {kind} model is not usable: {problem}");
    if kind == fraud_model::KIND {
        let model: FraudModel = serde_json::from_value(model_json.clone()).map_err(parse_error)?;
        model.validate().map_err(unusable)?;
        Ok(Model::Fraud(model))
    } else {
        let model: ChurnModel = serde_json::from_value(model_json.clone()).map_err(parse_error)?;
        model.validate().map_err(unusable)?;
        Ok(Model::Churn(model))
    }
}

/// Stores a model exported by export_model() as the next version of its kind; active only if
/// p_activate. Returns the new version.
#[pg_extern(volatile)]
#[search_path(pg_catalog, pg_temp)]
fn import_model(p_model: Option<JsonB>, p_activate: default!(Option<bool>, false)) -> Result<JsonB, ErrorReport> {
    let Some(JsonB(document)) = p_model else { return Err(OdooMirrorError::from(P_MODEL.invalid("NULL")).into()) };
    let Some(activate) = p_activate else { return Err(OdooMirrorError::from(P_ACTIVATE.invalid("NULL")).into()) };
    if !document.is_object() {
        return Err(OdooMirrorError::from(P_MODEL.invalid("not a JSON object")).into());
    }
    let kind = kind(document.get("kind").and_then(|kind| kind.as_str()).or(Some("")))
        .map_err(|_| OdooMirrorError::from(P_MODEL.invalid("its \"kind\" must be \"churn\" or \"fraud\"")))?;
    let model = parse(kind, &document).map_err(|problem| OdooMirrorError::from(P_MODEL.invalid(problem)))?;
    let field = |name: &str| document.get(name).cloned().filter(|value| value.is_object()).unwrap_or_else(|| serde_json::json!({}));
    let mut metrics = field("metrics");
    if let Some(object) = metrics.as_object_mut() {
        object.insert(
            "imported".into(),
            serde_json::json!({"from_version": document.get("version"), "exported_from": document.get("exported_from")}),
        );
    }
    ml_storage::lock_model_store()?;
    let model_json = model.to_json().map_err(|error| OdooMirrorError::from(P_MODEL.invalid(error.to_string())))?;
    let (model_id, version) = ml_storage::insert_model(kind, field("params"), model.features(), metrics, model_json)?;
    if activate {
        ml_storage::activate(kind, version)?;
    }
    Ok(JsonB(serde_json::json!({"kind": kind, "version": version, "model_id": model_id, "active": activate})))
}
