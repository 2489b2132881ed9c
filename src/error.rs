//! Every error odoo_mirror raises, each with the SQLSTATE a client (PostgREST, psql) sees.
//!
//! PostgREST maps SQLSTATEs to HTTP statuses: 22023 becomes 400, 42501 becomes 403, XX000 becomes 500.
//! Errors are returned, not panicked: a bad argument gets a clear message and its own SQLSTATE.

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::prelude::PgSqlErrorCode;

use crate::params::ParamError;

#[derive(Debug, thiserror::Error)]
pub enum OdooMirrorError {
    /// An RPC argument is NULL or outside its allowed range.
    #[error(transparent)]
    InvalidParameter(#[from] ParamError),

    /// The database is not in a state the call can work with (a missing schema, a table in the way,
    /// an enabled subscription); the SQLSTATE says which, the hint what to do.
    #[error("{message}")]
    Conflict { sqlstate: PgSqlErrorCode, message: String, hint: String },

    /// A model is needed and none of its kind is active.
    #[error("no active {kind} model: train one with odoo_mirror.{train_function}()")]
    NoModel { kind: &'static str, train_function: &'static str },

    /// Training refused the data: too few labelled rows for the dates chosen (22023), or data that
    /// cannot support a model (22000). Each model kind converts its own training errors (a `From`
    /// impl beside them), so this module depends on nothing above it.
    #[error("{message}")]
    TrainingRefused { sqlstate: PgSqlErrorCode, message: String, hint: String },

    /// A function that writes was called where nothing can be written: on a standby (hot standby,
    /// read replica) or in a read-only transaction.
    #[error("odoo_mirror.{function}() writes, and {where_}")]
    ReadOnly { function: &'static str, where_: &'static str },

    /// A trigger could not read the row it fired for.
    #[error("odoo_mirror trigger could not read the row: {0}")]
    Trigger(String),

    /// A query that always returns a row returned none: the installation is damaged.
    #[error("odoo_mirror internal query returned no row for {0}")]
    NoRows(&'static str),

    /// A query the extension runs failed inside SPI (a dropped table, a broken view, ...).
    #[error("odoo_mirror internal query failed: {0}")]
    Spi(#[from] pgrx::spi::SpiError),
}

impl OdooMirrorError {
    pub fn sqlstate(&self) -> PgSqlErrorCode {
        match self {
            Self::InvalidParameter(_) => PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            Self::Conflict { sqlstate, .. } => *sqlstate,
            // 42704 undefined_object: PostgREST answers 400, and it says what is missing.
            Self::NoModel { .. } => PgSqlErrorCode::ERRCODE_UNDEFINED_OBJECT,
            Self::TrainingRefused { sqlstate, .. } => *sqlstate,
            Self::ReadOnly { .. } => PgSqlErrorCode::ERRCODE_READ_ONLY_SQL_TRANSACTION,
            Self::Spi(_) | Self::NoRows(_) | Self::Trigger(_) => PgSqlErrorCode::ERRCODE_INTERNAL_ERROR,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Self::InvalidParameter(error) => Some(error.hint()),
            Self::Conflict { hint, .. } | Self::TrainingRefused { hint, .. } => Some(hint.clone()),
            Self::NoModel { train_function, .. } => Some(format!(
                "as the extension owner: SELECT odoo_mirror.{train_function}(); or activate or import one with odoo_mirror.activate_model() / odoo_mirror.import_model()"
            )),
            Self::ReadOnly { .. } => Some(
                "run it on the primary in a read-write transaction; a standby serves the views, the RPCs and the scores, never refreshes, training, model changes or memory rebuilds".into(),
            ),
            Self::Spi(_) | Self::NoRows(_) | Self::Trigger(_) => {
                Some("run SELECT * FROM odoo_mirror.verify() to find what is missing".into())
            }
        }
    }
}

impl From<OdooMirrorError> for ErrorReport {
    fn from(error: OdooMirrorError) -> Self {
        let hint = error.hint();
        let report = ErrorReport::new(error.sqlstate(), error.to_string(), "odoo_mirror");
        match hint {
            Some(hint) => report.set_hint(hint),
            None => report,
        }
    }
}

/// A bad argument straight to the client: `P_LIMIT.require(p_limit)?` in a function returning
/// `ErrorReport`.
impl From<ParamError> for ErrorReport {
    fn from(error: ParamError) -> Self {
        OdooMirrorError::from(error).into()
    }
}
