//! Running code in an internal subtransaction and catching its errors, for the code paths that must
//! never raise (the memory trigger under a replication apply worker): an error rolls the subtransaction
//! back, so its partial writes vanish, and comes back as a value. What PL/pgSQL's EXCEPTION block does.

use std::panic::AssertUnwindSafe;

use pgrx::pg_sys;
use pgrx::pg_sys::panic::CaughtError;
use pgrx::prelude::*;

use crate::error::OdooMirrorError;

/// An error caught inside a subtransaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub sqlstate: String,
    pub message: String,
    pub detail: Option<String>,
}

/// The five-character SQLSTATE of an error code.
pub fn sqlstate_text(code: PgSqlErrorCode) -> String {
    let packed = code as isize as i64;
    (0..5).map(|position| char::from((((packed >> (6 * position)) & 0x3F) as u8) + b'0')).collect()
}

impl From<OdooMirrorError> for Failure {
    fn from(error: OdooMirrorError) -> Self {
        Self { sqlstate: sqlstate_text(error.sqlstate()), message: error.to_string(), detail: None }
    }
}

fn failure_from_caught(caught: &CaughtError) -> Failure {
    match caught {
        CaughtError::PostgresError(report) | CaughtError::ErrorReport(report) => Failure {
            sqlstate: sqlstate_text(report.sql_error_code()),
            message: report.message().to_string(),
            detail: report.detail().map(str::to_string),
        },
        CaughtError::RustPanic { ereport, .. } => Failure {
            sqlstate: sqlstate_text(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR),
            message: ereport.message().to_string(),
            detail: None,
        },
    }
}

/// What went wrong inside the subtransaction.
enum Caught {
    Failure(Failure),
    /// A cancel request (statement timeout, pg_cancel_backend): re-raised once the subtransaction is
    /// rolled back, as it must stop the statement as it would without this wrapper.
    Cancel(CaughtError),
}

/// Runs `body` in a subtransaction: committed into the current transaction when it returns Ok, rolled
/// back when it returns Err or raises. Always leaves the subtransaction, the memory context and the
/// resource owner as it found them, and only then re-raises a cancel request.
pub fn run<R>(body: impl FnOnce() -> Result<R, OdooMirrorError>) -> Result<R, Failure> {
    // SAFETY: the sequence PL/pgSQL uses for an EXCEPTION block: begin an internal subtransaction but
    // keep working in the caller's memory context, and restore the context and resource owner after
    // releasing or rolling back. pgrx's PgTryBuilder has already copied and flushed the error state.
    unsafe {
        let caller_context = pg_sys::CurrentMemoryContext;
        let caller_owner = pg_sys::CurrentResourceOwner;
        pg_sys::BeginInternalSubTransaction(std::ptr::null());
        pg_sys::MemoryContextSwitchTo(caller_context);

        let outcome: Result<R, Caught> =
            PgTryBuilder::new(AssertUnwindSafe(|| body().map_err(|e| Caught::Failure(e.into()))))
                .catch_others(|caught| {
                    let failure = failure_from_caught(&caught);
                    if failure.sqlstate == sqlstate_text(PgSqlErrorCode::ERRCODE_QUERY_CANCELED) {
                        Err(Caught::Cancel(caught))
                    } else {
                        Err(Caught::Failure(failure))
                    }
                })
                .execute();

        if outcome.is_ok() {
            pg_sys::ReleaseCurrentSubTransaction();
        } else {
            pg_sys::RollbackAndReleaseCurrentSubTransaction();
        }
        pg_sys::MemoryContextSwitchTo(caller_context);
        pg_sys::CurrentResourceOwner = caller_owner;
        match outcome {
            Ok(value) => Ok(value),
            Err(Caught::Failure(failure)) => Err(failure),
            Err(Caught::Cancel(cancel)) => cancel.rethrow(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_unpack_to_their_five_characters() {
        assert_eq!(sqlstate_text(PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE), "22023");
        assert_eq!(sqlstate_text(PgSqlErrorCode::ERRCODE_UNIQUE_VIOLATION), "23505");
        assert_eq!(sqlstate_text(PgSqlErrorCode::ERRCODE_INTERNAL_ERROR), "XX000");
        assert_eq!(sqlstate_text(PgSqlErrorCode::ERRCODE_UNDEFINED_TABLE), "42P01");
    }
}
