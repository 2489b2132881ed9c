//! The model registry: what every model kind shares between its SQL functions and the model store.
//!
//! - A per-backend cache of parsed models, keyed by kind and row version (id, xmin, ctid): a model
//!   is parsed and checked once per backend, and any rewrite of its row is seen.
//! - A per-statement context, keyed by kind and statement (transaction start, statement start,
//!   command id, subtransaction): which model is active is read once per statement, so a model
//!   activated in another session is used from the next statement on (no restart, no
//!   shared_preload_libraries), one statement never mixes models, and what a rolled-back savepoint
//!   activated is forgotten.
//! - The train → store → activate (and refresh the stored predictions) → report lifecycle, one
//!   writer at a time.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use pgrx::prelude::*;

use crate::error::OdooMirrorError;
use crate::ml::store::{self, ModelRef};
use crate::ml::training::{decide_activation, Activation, Comparison};
use crate::ml::StoredModel;

type StatementKey = (i64, i64, u32, u32);

/// A backend rarely needs more than two versions of a kind; a kind's entries go past this many.
const CACHED_MODELS: usize = 8;

thread_local! {
    static MODELS: RefCell<HashMap<(&'static str, ModelRef), Rc<dyn Any>>> = RefCell::new(HashMap::new());
    static CONTEXTS: RefCell<HashMap<&'static str, (StatementKey, Rc<dyn Any>)>> = RefCell::new(HashMap::new());
}

fn statement_key() -> StatementKey {
    // SAFETY: plain reads of the current transaction's state; `used = false` never asserts, also in
    // parallel workers. The subtransaction id: after a rollback to a savepoint the command id goes on,
    // but what the rolled-back part activated must not be used.
    unsafe {
        (
            pg_sys::GetCurrentTransactionStartTimestamp(),
            pg_sys::GetCurrentStatementStartTimestamp(),
            pg_sys::GetCurrentCommandId(false),
            pg_sys::GetCurrentSubTransactionId(),
        )
    }
}

/// A model as it serves: its row's identity and the parsed model.
pub struct Active<M> {
    pub model_ref: ModelRef,
    pub model: Rc<M>,
}

/// What a kind's SQL functions share within one statement, built from the active model (None when
/// none is active): the model, and whatever else the kind reads once per statement.
pub trait Served: StoredModel {
    type Context: 'static;
    fn context(active: Option<Active<Self>>) -> Result<Self::Context, OdooMirrorError>;
    /// Rescores every stored prediction with the model active now (called right after an activation,
    /// so that readers serve the new model's stored scores at once); returns what the refresh did.
    fn refresh_after_activation() -> Result<serde_json::Value, OdooMirrorError>;
}

/// The parsed model behind `model_ref`, from the cache or the store; XX001 when the stored model
/// does not parse or cannot score.
pub fn load<M: StoredModel>(model_ref: &ModelRef) -> Result<Rc<M>, OdooMirrorError> {
    let key = (M::KIND, model_ref.clone());
    if let Some(model) = MODELS.with(|cache| cache.borrow().get(&key).cloned()) {
        if let Ok(model) = model.downcast::<M>() {
            return Ok(model);
        }
    }
    let json = store::model_json(model_ref.id)?;
    let model: M = serde_json::from_value(json)
        .map_err(|error| error.to_string())
        .map(M::migrated)
        .and_then(|model: M| model.check().map(|()| model))
        .map_err(|problem| OdooMirrorError::Conflict {
            sqlstate: PgSqlErrorCode::ERRCODE_DATA_CORRUPTED,
            message: format!("stored {} model version {} is not usable: {problem}", M::KIND, model_ref.version),
            hint: format!(
                "activate another version with odoo_mirror.activate_model('{}', <version>), or train a new one",
                M::KIND
            ),
        })?;
    let model = Rc::new(model);
    MODELS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.keys().filter(|(kind, _)| *kind == M::KIND).count() >= CACHED_MODELS {
            cache.retain(|(kind, _), _| *kind != M::KIND);
        }
        cache.insert(key, model.clone());
    });
    Ok(model)
}

/// The kind's context for this statement, built once per statement.
pub fn statement_context<M: Served>() -> Result<Rc<M::Context>, OdooMirrorError> {
    let key = statement_key();
    let cached = CONTEXTS.with(|contexts| {
        contexts.borrow().get(M::KIND).filter(|(cached_key, _)| *cached_key == key).map(|(_, context)| context.clone())
    });
    if let Some(context) = cached.and_then(|context| context.downcast::<M::Context>().ok()) {
        return Ok(context);
    }
    let active = match store::active_model(M::KIND)? {
        Some(model_ref) => Some(Active { model: load::<M>(&model_ref)?, model_ref }),
        None => None,
    };
    let context = Rc::new(M::context(active)?);
    CONTEXTS.with(|contexts| contexts.borrow_mut().insert(M::KIND, (key, context.clone() as Rc<dyn Any>)));
    Ok(context)
}

/// The error of a call that needs an active model of kind M and finds none (42704).
pub fn no_model<M: StoredModel>() -> OdooMirrorError {
    OdooMirrorError::NoModel { kind: M::KIND, train_function: M::TRAIN_FUNCTION }
}

/// A newly trained model, ready to store.
pub struct Candidate<M> {
    pub model: M,
    /// The training settings, as stored with the model.
    pub params: serde_json::Value,
    /// What training measured, as stored with the model; the report starts from it.
    pub metrics: serde_json::Value,
    pub activation: Activation,
    /// The kind's rule for any model it activates: Err says why this one fails it.
    pub qualification: Result<(), String>,
}

/// Stores `candidate` as the next version of its kind and activates it by the rules of
/// `training::decide_activation`, one writer at a time (scoring sessions are not blocked); a model
/// that fails its own check is refused (22000), never stored.
/// `compare` judges the active model against it. Returns the report: the candidate's metrics with
/// its kind, id, version, whether and why it was activated, the active model's holdout metrics and
/// the params.
pub fn store_and_activate<M: Served>(
    candidate: Candidate<M>,
    compare: impl FnOnce(&ModelRef, &M) -> Comparison,
) -> Result<serde_json::Value, OdooMirrorError> {
    // Never store (let alone activate) a model the extension would refuse to load.
    candidate.model.check().map_err(|problem| OdooMirrorError::TrainingRefused {
        sqlstate: PgSqlErrorCode::ERRCODE_DATA_EXCEPTION,
        message: format!("the trained {} model would not be usable: {problem}", M::KIND),
        hint: format!("train on more data or with other p_params: SELECT odoo_mirror.{}()", M::TRAIN_FUNCTION),
    })?;
    store::lock_model_store()?;
    // An unusable active model is beaten by any usable one.
    let active = match store::active_model_for_update(M::KIND)? {
        Some(model_ref) => load::<M>(&model_ref).ok().map(|model| (model_ref, model)),
        None => None,
    };
    let comparison = active.map(|(model_ref, model)| {
        let comparison = compare(&model_ref, &model);
        (model_ref.version, comparison)
    });
    let (activate, reason) = decide_activation(
        candidate.activation,
        &candidate.qualification,
        comparison.as_ref().map(|(version, comparison)| (*version, comparison)),
    );
    let model_json = serde_json::to_value(&candidate.model).map_err(|error| OdooMirrorError::Conflict {
        sqlstate: PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
        message: format!("could not serialise the model: {error}"),
        hint: String::new(),
    })?;
    let (model_id, version) = store::insert_model(
        M::KIND,
        candidate.params.clone(),
        candidate.model.feature_names(),
        candidate.metrics.clone(),
        model_json,
    )?;
    let (reason, predictions) = if activate {
        store::activate(M::KIND, version)?;
        (reason, M::refresh_after_activation()?)
    } else {
        (
            format!("{reason}; activate it with odoo_mirror.activate_model('{}', {version})", M::KIND),
            serde_json::Value::Null,
        )
    };
    let mut report = candidate.metrics;
    if let Some(object) = report.as_object_mut() {
        object.insert("kind".into(), M::KIND.into());
        object.insert("model_id".into(), model_id.into());
        object.insert("version".into(), version.into());
        object.insert("activated".into(), activate.into());
        object.insert("activation".into(), reason.into());
        object.insert(
            "active_model_on_holdout".into(),
            match &comparison {
                Some((version, Comparison::Judged { active, .. })) => {
                    serde_json::json!({"version": version, "metrics": active})
                }
                _ => serde_json::Value::Null,
            },
        );
        object.insert("params".into(), candidate.params);
        object.insert("predictions_refreshed".into(), predictions);
    }
    Ok(report)
}
