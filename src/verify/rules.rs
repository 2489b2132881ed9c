//! The verification report's model: one row per check, with a status a DBA can filter on.
//! Pure Rust: the decisions (what is ok, what is a warning) are unit-tested without a server.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
}

impl Check {
    pub fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Self {
        Self { name: name.into(), status, detail: detail.into() }
    }
}

/// Rows whose values the views show as NULL: a warning naming how many and why (the data is the
/// source's to fix), ok when there are none.
pub fn blanked_check(table: &str, amount_rows: i64, date_rows: i64) -> Check {
    let name = format!("values {table}");
    if amount_rows == 0 && date_rows == 0 {
        return Check::new(name, Status::Ok, "no amount or date the views must show as NULL");
    }
    let mut parts = Vec::new();
    if amount_rows > 0 {
        parts.push(format!("{} with an amount beyond numeric(16,2), NaN or ±Infinity", rows(amount_rows)));
    }
    if date_rows > 0 {
        parts.push(format!("{} with a date at ±infinity", rows(date_rows)));
    }
    Check::new(
        name,
        Status::Warn,
        format!("{}: the views show those values (and day counts) as NULL", parts.join("; ")),
    )
}

/// A mirror table: missing is a failure, empty is a warning (replication not set up or not caught up).
pub fn table_check(table: &str, row_count: Option<i64>) -> Check {
    let name = format!("table {table}");
    match row_count {
        None => Check::new(name, Status::Fail, "missing"),
        Some(0) => Check::new(name, Status::Warn, "0 rows: nothing replicated yet"),
        Some(count) => Check::new(name, Status::Ok, rows(count)),
    }
}

/// "1 row", "2 rows".
pub fn rows(count: i64) -> String {
    if count == 1 {
        "1 row".to_string()
    } else {
        format!("{count} rows")
    }
}

/// An index: missing or invalid (a failed CREATE INDEX CONCURRENTLY) is a failure.
pub fn index_check(index: &str, valid: Option<bool>) -> Check {
    let name = format!("index {index}");
    match valid {
        None => Check::new(name, Status::Fail, "missing"),
        Some(false) => Check::new(name, Status::Fail, "present but invalid: REINDEX it"),
        Some(true) => Check::new(name, Status::Ok, "present"),
    }
}

/// The revenue rollup: dates that disagree with account_move fail (only a disabled trigger or a
/// data-only restore can cause it); stale dates are exact but slower, and worth a warning once they
/// have waited a day, since that means no scheduler runs the refresh.
pub fn rollup_check(name: &str, mismatched_dates: i64, stale_dates: i64, oldest_stale_hours: i64) -> Check {
    if mismatched_dates > 0 {
        return Check::new(
            name,
            Status::Fail,
            format!(
                "{mismatched_dates} date(s) disagree with account_move: run SELECT odoo_mirror.refresh_revenue_rollup(true)"
            ),
        );
    }
    match stale_dates {
        0 => Check::new(name, Status::Ok, "in step with account_move"),
        _ if oldest_stale_hours >= 24 => Check::new(
            name,
            Status::Warn,
            format!(
                "{stale_dates} changed date(s), the oldest {oldest_stale_hours} h ago: schedule SELECT odoo_mirror.refresh_revenue_rollup()"
            ),
        ),
        _ => Check::new(
            name,
            Status::Ok,
            format!("{stale_dates} changed date(s) read from account_move until the next refresh"),
        ),
    }
}

/// A subscription as replication_status() reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubscriptionFacts {
    pub name: String,
    pub state: String,
    pub tables_total: i32,
    pub tables_ready: i32,
    pub lag_seconds: Option<f64>,
    pub apply_errors: i64,
    pub sync_errors: i64,
}

/// Lag above this is a warning: the figure the replication runbook asks for.
pub const MAX_LAG_SECONDS: f64 = 60.0;

/// A subscription: failing (its worker keeps dying) fails; disabled, starting, copying or lagging
/// warns; streaming within a minute is ok.
pub fn subscription_check(facts: &SubscriptionFacts) -> Check {
    let name = format!("subscription {}", facts.name);
    let errors = if facts.apply_errors + facts.sync_errors > 0 {
        format!(
            "; {} apply and {} sync error(s) since the statistics were reset (details in the server log)",
            facts.apply_errors, facts.sync_errors
        )
    } else {
        String::new()
    };
    match facts.state.as_str() {
        "failing" => Check::new(
            name,
            Status::Fail,
            format!("enabled but its apply worker is not running{errors}: read the server log, fix the cause"),
        ),
        "disabled" => {
            Check::new(name, Status::Warn, format!("disabled: ALTER SUBSCRIPTION {} ENABLE{errors}", facts.name))
        }
        "starting" => Check::new(name, Status::Warn, format!("enabled, apply worker not running yet{errors}")),
        // A physical standby applies nothing itself: its data is the primary's, lag is its replay lag.
        "standby" => match facts.lag_seconds {
            Some(lag) if lag > MAX_LAG_SECONDS => Check::new(
                name,
                Status::Warn,
                format!("on a standby: replay {lag:.0} s behind the primary (more than {MAX_LAG_SECONDS:.0} s)"),
            ),
            Some(lag) => Check::new(
                name,
                Status::Ok,
                format!(
                    "on a standby: replay {lag:.0} s behind the primary; the primary's verify() shows the subscription"
                ),
            ),
            None => Check::new(name, Status::Warn, "on a standby: replay lag unknown (no WAL received yet)"),
        },
        "initial copy" => Check::new(
            name,
            Status::Warn,
            format!("initial copy: {} of {} tables ready{errors}", facts.tables_ready, facts.tables_total),
        ),
        _ => match facts.lag_seconds {
            Some(lag) if lag > MAX_LAG_SECONDS => Check::new(
                name,
                Status::Warn,
                format!("streaming, {lag:.0} s behind (more than {MAX_LAG_SECONDS:.0} s){errors}"),
            ),
            Some(lag) => Check::new(
                name,
                Status::Ok,
                format!("streaming, {lag:.0} s behind, {} tables{errors}", facts.tables_total),
            ),
            None => Check::new(name, Status::Warn, format!("streaming, lag unknown{errors}")),
        },
    }
}

/// Landing tables: all or none. None warns (replication not set up here) unless a subscription exists,
/// which then has nowhere to write.
pub fn landing_check(missing: &[String], total: usize, subscriptions: usize, schemas: &[String]) -> Check {
    let name = "landing tables";
    let present = total - missing.len();
    if missing.is_empty() {
        return Check::new(name, Status::Ok, format!("{total} of {total} in place (schema {})", schemas.join(", ")));
    }
    let fix = "run SELECT * FROM odoo_mirror.create_landing_tables()";
    if present == 0 && subscriptions == 0 {
        return Check::new(name, Status::Warn, format!("none: before CREATE SUBSCRIPTION, {fix}"));
    }
    Check::new(name, Status::Fail, format!("{present} of {total} in place, missing for: {}: {fix}", missing.join(", ")))
}

/// A check that passes when a list of offending objects is empty.
pub fn none_allowed(name: &str, status_if_any: Status, offenders: &[String], ok_detail: &str, problem: &str) -> Check {
    if offenders.is_empty() {
        Check::new(name, Status::Ok, ok_detail)
    } else {
        Check::new(name, status_if_any, format!("{problem}: {}", offenders.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tables_warn_and_missing_tables_fail() {
        assert_eq!(table_check("res_partner", None).status, Status::Fail);
        assert_eq!(table_check("res_partner", Some(0)).status, Status::Warn);
        let filled = table_check("res_partner", Some(42));
        assert_eq!(filled.status, Status::Ok);
        assert_eq!(filled.detail, "42 rows");
        assert_eq!(filled.name, "table res_partner");
        assert_eq!(table_check("res_partner", Some(1)).detail, "1 row");
    }

    #[test]
    fn invalid_and_missing_indexes_fail() {
        assert_eq!(index_check("i", None).status, Status::Fail);
        assert_eq!(index_check("i", Some(false)).status, Status::Fail);
        assert_eq!(index_check("i", Some(true)).status, Status::Ok);
    }

    #[test]
    fn offender_lists_name_every_offender() {
        let ok = none_allowed("grants anon", Status::Fail, &[], "no access", "can read");
        assert_eq!((ok.status, ok.detail.as_str()), (Status::Ok, "no access"));
        let offenders = vec!["a".to_string(), "b".to_string()];
        let bad = none_allowed("grants anon", Status::Fail, &offenders, "no access", "can read");
        assert_eq!(bad.status, Status::Fail);
        assert_eq!(bad.detail, "can read: a, b");
    }

    #[test]
    fn rollup_disagreement_fails_and_long_staleness_warns() {
        assert_eq!(rollup_check("r", 2, 0, 0).status, Status::Fail);
        assert_eq!(rollup_check("r", 0, 0, 0).status, Status::Ok);
        assert_eq!(rollup_check("r", 0, 30, 3).status, Status::Ok);
        let stale = rollup_check("r", 0, 30, 48);
        assert_eq!(stale.status, Status::Warn);
        assert!(stale.detail.contains("refresh_revenue_rollup()"), "{}", stale.detail);
    }

    #[test]
    fn subscriptions_fail_when_failing_and_warn_when_behind() {
        let streaming = SubscriptionFacts {
            name: "odoo".into(),
            state: "streaming".into(),
            tables_total: 13,
            tables_ready: 13,
            lag_seconds: Some(2.0),
            ..Default::default()
        };
        assert_eq!(subscription_check(&streaming).status, Status::Ok);
        let behind = SubscriptionFacts { lag_seconds: Some(61.0), ..streaming.clone() };
        assert_eq!(subscription_check(&behind).status, Status::Warn);
        let failing = SubscriptionFacts { state: "failing".into(), apply_errors: 3, ..streaming.clone() };
        let check = subscription_check(&failing);
        assert_eq!(check.status, Status::Fail);
        assert!(check.detail.contains("3 apply"), "{}", check.detail);
        let copying = SubscriptionFacts { state: "initial copy".into(), tables_ready: 4, ..streaming.clone() };
        assert!(subscription_check(&copying).detail.contains("4 of 13"));
        let disabled = SubscriptionFacts { state: "disabled".into(), ..streaming };
        assert!(subscription_check(&disabled).detail.contains("ALTER SUBSCRIPTION odoo ENABLE"));
    }

    #[test]
    fn landing_tables_are_all_or_none() {
        let all: Vec<String> = vec![];
        assert_eq!(landing_check(&all, 13, 1, &["public".into()]).status, Status::Ok);
        let none: Vec<String> = (0..13).map(|i| format!("t{i}")).collect();
        assert_eq!(landing_check(&none, 13, 0, &[]).status, Status::Warn);
        assert_eq!(landing_check(&none, 13, 1, &[]).status, Status::Fail);
        let some = vec!["res_partner".to_string()];
        assert_eq!(landing_check(&some, 13, 0, &["public".into()]).status, Status::Fail);
    }

    #[test]
    fn statuses_render_as_the_documented_words() {
        let words: Vec<_> = [Status::Ok, Status::Warn, Status::Fail].iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["ok", "warn", "fail"]);
    }
}
