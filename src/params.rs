//! Validation of RPC arguments. Pure Rust, no pgrx types: unit-tested without a server.
//!
//! PostgREST passes whatever JSON the caller sent, so every argument may be NULL, zero, negative or
//! absurd. Each one is checked against a documented inclusive range before any query runs.

use std::fmt;

/// An integer parameter with its inclusive allowed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntParam {
    pub name: &'static str,
    pub min: i32,
    pub max: i32,
}

/// Page size of get_pending_expenses and get_overdue_tasks.
pub const P_LIMIT: IntParam = IntParam { name: "p_limit", min: 1, max: 1000 };
/// Number of months get_revenue_trends reports.
pub const P_MONTHS: IntParam = IntParam { name: "p_months", min: 1, max: 120 };
/// Record ids the explain RPCs take: any integer, never NULL (n8n gets 22023, not an empty answer).
pub const P_PARTNER_ID: IntParam = IntParam { name: "p_partner_id", min: i32::MIN, max: i32::MAX };
pub const P_EXPENSE_ID: IntParam = IntParam { name: "p_expense_id", min: i32::MIN, max: i32::MAX };
/// Optional company filter of get_revenue_trends: any positive Odoo id.
pub const P_COMPANY_ID: IntParam = IntParam { name: "p_company_id", min: 1, max: i32::MAX };

/// A text parameter: what it must look like, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextParam {
    pub name: &'static str,
    /// Free text (trimmed, limit in characters) or an SQL identifier (kept as given, limit in bytes,
    /// because PostgreSQL silently truncates longer names).
    pub identifier: bool,
    pub max_len: usize,
    pub accepts: &'static str,
}

/// Search text of ipai_memory.search_chunks.
pub const P_QUERY: TextParam = TextParam {
    name: "p_query",
    identifier: false,
    max_len: 1000,
    accepts: "search words, optionally with \"quoted phrases\", or and -excluded words",
};
/// Limit of ipai_memory.search_chunks.
pub const P_SEARCH_LIMIT: IntParam = IntParam { name: "p_limit", min: 1, max: 1000 };
/// rebuild_memory's switch: a boolean, never NULL.
pub const P_REPLACE: TextParam = TextParam {
    name: "p_replace",
    identifier: false,
    max_len: 0,
    accepts: "true (rewrite every chunk) or false (write what is missing)",
};
/// The refreshes' switch (refresh_*_predictions): a boolean, never NULL.
pub const P_FULL: TextParam = TextParam {
    name: "p_full",
    identifier: false,
    max_len: 0,
    accepts: "true (rescore everyone) or false (rescore what changed)",
};
/// A publication's name (an identifier on the Odoo server).
pub const P_PUBLICATION: TextParam =
    TextParam { name: "p_publication", identifier: true, max_len: 63, accepts: "a name of 1 to 63 bytes" };
/// A schema name: where Odoo's tables live, and where the landing tables go.
pub const P_SCHEMA: TextParam = TextParam { name: "p_schema", identifier: true, max_len: 63, accepts: "a schema name of 1 to 63 bytes (for landing tables: an existing schema other than odoo_mirror, ipai_memory, information_schema and pg_*)" };

/// Churn label horizon: days after the as-of date in which a customer must buy again.
pub const P_HORIZON_DAYS: IntParam = IntParam { name: "p_horizon_days", min: 7, max: 730 };
/// An as-of date (checked against the mirror's dates by the caller).
pub const P_AS_OF: TextParam =
    TextParam { name: "p_as_of", identifier: false, max_len: 0, accepts: "a finite date, or NULL for the default" };
/// get_aging's date: required, finite, not after today.
pub const P_AGING_AS_OF: TextParam =
    TextParam { name: "p_as_of", identifier: false, max_len: 0, accepts: "a finite date no later than today" };
/// Training settings: a JSON object (see the README for its keys).
pub const P_PARAMS: TextParam = TextParam {
    name: "p_params",
    identifier: false,
    max_len: 0,
    accepts: "a JSON object of training settings, like {\"l2\": 0.5, \"activate\": \"always\"}",
};
/// Minimum churn score get_churn_risks lists.
pub const P_MIN_SCORE: TextParam =
    TextParam { name: "p_min_score", identifier: false, max_len: 0, accepts: "a number from 0 to 1" };
/// A model kind.
pub const P_KIND: TextParam =
    TextParam { name: "p_kind", identifier: false, max_len: 63, accepts: "'churn' or 'fraud'" };
/// A model version number.
pub const P_VERSION: IntParam = IntParam { name: "p_version", min: 1, max: i32::MAX };
/// A model as export_model() returns it.
pub const P_MODEL: TextParam = TextParam {
    name: "p_model",
    identifier: false,
    max_len: 0,
    accepts: "a model as odoo_mirror.export_model() returns it",
};
/// import_model's switch.
pub const P_ACTIVATE: TextParam =
    TextParam { name: "p_activate", identifier: false, max_len: 0, accepts: "true or false" };

/// A score threshold: a number in [0, 1]; NULL and NaN are refused.
pub fn score_threshold(value: Option<f64>) -> Result<f64, ParamError> {
    match value {
        None => Err(P_MIN_SCORE.invalid("NULL")),
        Some(number) if (0.0..=1.0).contains(&number) => Ok(number),
        Some(number) => Err(P_MIN_SCORE.invalid(format!("{number} is outside 0..1"))),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    Null(IntParam),
    OutOfRange(IntParam, i32),
    /// An id in range that names nothing in the mirror.
    Unknown(IntParam, i32, &'static str),
    /// A text argument that is NULL, blank, too long or otherwise unusable; the String says why.
    Text(TextParam, String),
}

impl ParamError {
    /// The hint shown to the caller: what the parameter accepts.
    pub fn hint(&self) -> String {
        match self {
            Self::Unknown(param, _, table) => {
                format!("{} accepts the id of a row of odoo_mirror.{table}, or NULL for all", param.name)
            }
            Self::Null(param) | Self::OutOfRange(param, _) => {
                format!("{} accepts an integer from {} to {}", param.name, param.min, param.max)
            }
            Self::Text(param, _) => format!("{} accepts {}", param.name, param.accepts),
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null(param) => write!(f, "invalid {}: NULL (allowed range {}..{})", param.name, param.min, param.max),
            Self::OutOfRange(param, value) => {
                write!(f, "invalid {}: {} (allowed range {}..{})", param.name, value, param.min, param.max)
            }
            Self::Text(param, problem) => write!(f, "invalid {}: {}", param.name, problem),
            Self::Unknown(param, value, table) => {
                write!(f, "invalid {}: {} is not in odoo_mirror.{table}", param.name, value)
            }
        }
    }
}

impl std::error::Error for ParamError {}

impl IntParam {
    /// A required argument: NULL is an error.
    pub fn require(self, value: Option<i32>) -> Result<i32, ParamError> {
        match value {
            None => Err(ParamError::Null(self)),
            Some(value) => self.check(value),
        }
    }

    /// An optional argument: NULL means "not given".
    pub fn optional(self, value: Option<i32>) -> Result<Option<i32>, ParamError> {
        value.map(|value| self.check(value)).transpose()
    }

    /// An id in range that names no row the mirror has (an unknown company): 22023 with the value.
    /// `table` is the mirror table the id should name, e.g. "res_company".
    pub fn unknown(self, value: i32, table: &'static str) -> ParamError {
        ParamError::Unknown(self, value, table)
    }

    fn check(self, value: i32) -> Result<i32, ParamError> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(ParamError::OutOfRange(self, value))
        }
    }
}

impl TextParam {
    /// A required text: not NULL, not blank, not too long. Free text comes back trimmed.
    pub fn require(self, value: Option<&str>) -> Result<&str, ParamError> {
        let Some(value) = value else { return Err(ParamError::Text(self, "NULL".into())) };
        if value.trim().is_empty() {
            return Err(ParamError::Text(self, "empty".into()));
        }
        if self.identifier {
            if value.len() > self.max_len {
                return Err(ParamError::Text(self, format!("{} bytes, more than {}", value.len(), self.max_len)));
            }
            return Ok(value);
        }
        let trimmed = value.trim();
        let chars = trimmed.chars().count();
        if chars > self.max_len {
            return Err(ParamError::Text(self, format!("{chars} characters, more than {}", self.max_len)));
        }
        Ok(trimmed)
    }

    /// An error about a value that passed `require` but cannot be used.
    pub fn invalid(self, problem: impl Into<String>) -> ParamError {
        ParamError::Text(self, problem.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_accepts_its_whole_range_and_nothing_else() {
        assert_eq!(P_LIMIT.require(Some(1)), Ok(1));
        assert_eq!(P_LIMIT.require(Some(20)), Ok(20));
        assert_eq!(P_LIMIT.require(Some(1000)), Ok(1000));
        for bad in [0, -1, 1001, i32::MIN, i32::MAX] {
            assert_eq!(P_LIMIT.require(Some(bad)), Err(ParamError::OutOfRange(P_LIMIT, bad)));
        }
    }

    #[test]
    fn null_is_rejected_when_required_and_passed_through_when_optional() {
        assert_eq!(P_MONTHS.require(None), Err(ParamError::Null(P_MONTHS)));
        assert_eq!(P_COMPANY_ID.optional(None), Ok(None));
        assert_eq!(P_COMPANY_ID.optional(Some(3)), Ok(Some(3)));
        assert_eq!(P_COMPANY_ID.optional(Some(0)), Err(ParamError::OutOfRange(P_COMPANY_ID, 0)));
    }

    #[test]
    fn months_range_is_one_to_one_hundred_twenty() {
        assert!(P_MONTHS.require(Some(120)).is_ok());
        assert!(P_MONTHS.require(Some(121)).is_err());
        assert!(P_MONTHS.require(Some(0)).is_err());
    }

    #[test]
    fn text_parameters_reject_null_blank_and_overlong_values() {
        assert_eq!(P_QUERY.require(Some("  overdue invoices ")), Ok("overdue invoices"));
        assert_eq!(P_QUERY.require(None).unwrap_err().to_string(), "invalid p_query: NULL");
        assert_eq!(P_QUERY.require(Some(" \t\n")).unwrap_err().to_string(), "invalid p_query: empty");
        let long = "x".repeat(1001);
        assert_eq!(
            P_QUERY.require(Some(&long)).unwrap_err().to_string(),
            "invalid p_query: 1001 characters, more than 1000"
        );
        // Names count bytes, as PostgreSQL does, and are kept as given.
        assert_eq!(P_PUBLICATION.require(Some(&"é".repeat(31))), Ok("é".repeat(31).as_str()));
        assert!(P_PUBLICATION.require(Some(&"é".repeat(32))).is_err());
        assert_eq!(P_PUBLICATION.require(Some(" odoo pub")), Ok(" odoo pub"));
        assert!(P_SCHEMA.require(Some("")).unwrap_err().hint().starts_with("p_schema accepts"));
    }

    #[test]
    fn score_thresholds_are_numbers_from_zero_to_one() {
        assert_eq!(score_threshold(Some(0.5)), Ok(0.5));
        assert_eq!(score_threshold(Some(0.0)), Ok(0.0));
        assert_eq!(score_threshold(Some(1.0)), Ok(1.0));
        for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert!(score_threshold(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(score_threshold(None).unwrap_err().to_string(), "invalid p_min_score: NULL");
    }

    #[test]
    fn messages_name_the_parameter_the_value_and_the_range() {
        let error = P_LIMIT.require(Some(5000)).unwrap_err();
        assert_eq!(error.to_string(), "invalid p_limit: 5000 (allowed range 1..1000)");
        assert_eq!(error.hint(), "p_limit accepts an integer from 1 to 1000");
        let error = P_MONTHS.require(None).unwrap_err();
        assert_eq!(error.to_string(), "invalid p_months: NULL (allowed range 1..120)");
    }
}
