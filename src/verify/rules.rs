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

/// The payment delays the cash forecast and the collections worklist read (refresh_payment_delays()):
/// missing while the mirror has reconciliations, or not refreshed for a day, warns (the forecast then
/// shifts nothing, or shifts by old averages); nothing to compute from is fine.
pub fn payment_delays_check(has_reconciliations: bool, rows: i64, hours_since_refresh: Option<i64>) -> Check {
    let name = "payment delays";
    let schedule = "schedule SELECT odoo_mirror.refresh_payment_delays()";
    match hours_since_refresh {
        None if has_reconciliations => Check::new(
            name,
            Status::Warn,
            format!("never computed, so the cash forecast shifts no item by its partner's delay: {schedule}"),
        ),
        None => Check::new(name, Status::Ok, "no reconciliation mirrored yet: nothing to compute"),
        Some(hours) if hours >= 24 => {
            Check::new(name, Status::Warn, format!("{rows} partner row(s), computed {hours} h ago: {schedule}"))
        }
        Some(hours) => Check::new(name, Status::Ok, format!("{rows} partner row(s), computed {hours} h ago")),
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

/// An active churn model beside its best baseline (recency alone or RFM) on its own holdout: warn when
/// it is barely better (under 0.01 ROC AUC) or did not qualify for activation.
pub fn churn_model_check(
    version: i32,
    auc: Option<f64>,
    best_baseline: Option<f64>,
    qualification: &str,
    qualifies: bool,
    as_of: &str,
) -> Check {
    let name = "churn model";
    let (Some(auc), Some(baseline)) = (auc, best_baseline) else {
        return Check::new(
            name,
            Status::Warn,
            format!("version {version} active, without the baselines of 0.6.0's training report: retrain (SELECT odoo_mirror.train_churn_model();)"),
        );
    };
    let detail =
        format!("version {version} active, as of {as_of}; holdout ROC AUC {auc:.3}, best baseline {baseline:.3}");
    if !qualifies {
        Check::new(name, Status::Warn, format!("{detail}; activated although it does not qualify: {qualification}"))
    } else if auc - baseline < 0.01 {
        Check::new(name, Status::Warn, format!("{detail}: barely better than its baseline (under 0.01)"))
    } else {
        Check::new(name, Status::Ok, detail)
    }
}

/// The inputs' drift at the last full refresh: warn on any shifted input (PSI above 0.25).
pub fn drift_check(kind: &str, drift: &[(String, f64)]) -> Check {
    let name = format!("{kind} model drift");
    if drift.is_empty() {
        return Check::new(name, Status::Ok, format!("not measured yet: it is measured at each full refresh (SELECT odoo_mirror.refresh_{kind}_predictions(p_full => true);)"));
    }
    let mut shifted: Vec<&(String, f64)> = drift.iter().filter(|(_, psi)| *psi >= 0.25).collect();
    shifted.sort_by(|a, b| b.1.total_cmp(&a.1));
    if shifted.is_empty() {
        let worst = drift.iter().map(|(_, psi)| *psi).fold(0.0, f64::max);
        Check::new(name, Status::Ok, format!("{} inputs, largest PSI {worst:.3}", drift.len()))
    } else {
        let named: Vec<String> = shifted.iter().map(|(input, psi)| format!("{input} {psi:.2}")).collect();
        Check::new(
            name,
            Status::Warn,
            format!("inputs shifted since training (PSI above 0.25): {}; consider retraining", named.join(", ")),
        )
    }
}

/// Fewest predictions with a known outcome that performance_check judges by.
pub const MIN_OUTCOMES_TO_JUDGE: i32 = 30;

/// The latest snapshot with outcomes beside the holdout: warn when its ROC AUC fell more than 0.1
/// below the holdout's, or its calibration error passed 0.1.
pub fn performance_check(
    kind: &str,
    latest: Option<(String, i32, Option<f64>, Option<f64>)>,
    holdout_auc: Option<f64>,
) -> Check {
    let name = format!("{kind} model performance");
    let Some((scored_on, judged, auc, ece)) = latest else {
        return Check::new(
            name,
            Status::Ok,
            "no kept prediction has an outcome yet (SELECT * FROM odoo_mirror.model_performance();)",
        );
    };
    if judged < MIN_OUTCOMES_TO_JUDGE {
        return Check::new(
            name,
            Status::Ok,
            format!("scored on {scored_on}: {judged} predictions with outcomes so far, fewer than the {MIN_OUTCOMES_TO_JUDGE} needed to judge"),
        );
    }
    let detail = format!(
        "scored on {scored_on}: {judged} with outcomes, ROC AUC {}, calibration error {}",
        auc.map_or("n/a".into(), |value| format!("{value:.3}")),
        ece.map_or("n/a".into(), |value| format!("{value:.3}"))
    );
    let fell = matches!((auc, holdout_auc), (Some(auc), Some(holdout)) if auc < holdout - 0.1);
    if fell || ece.is_some_and(|ece| ece > 0.1) {
        Check::new(name, Status::Warn, format!("{detail}: worse than on its holdout; retrain"))
    } else {
        Check::new(name, Status::Ok, detail)
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

    #[test]
    fn model_checks_warn_on_weak_shifted_or_worsening_models() {
        assert_eq!(churn_model_check(3, Some(0.80), Some(0.75), "", true, "2026-01-01").status, Status::Ok);
        let barely = churn_model_check(3, Some(0.755), Some(0.75), "", true, "2026-01-01");
        assert!(barely.status == Status::Warn && barely.detail.contains("barely better"), "{}", barely.detail);
        assert_eq!(churn_model_check(3, Some(0.8), Some(0.7), "too few", false, "d").status, Status::Warn);
        assert_eq!(churn_model_check(3, None, None, "", true, "d").status, Status::Warn);
        assert_eq!(drift_check("churn", &[("recency_days".into(), 0.05)]).status, Status::Ok);
        let shifted = drift_check("churn", &[("recency_days".into(), 0.4), ("tenure_days".into(), 0.02)]);
        assert!(shifted.status == Status::Warn && shifted.detail.contains("recency_days 0.40"), "{}", shifted.detail);
        assert_eq!(drift_check("fraud", &[]).status, Status::Ok);
        assert_eq!(performance_check("churn", None, Some(0.8)).status, Status::Ok);
        let few = performance_check("fraud", Some(("2026-01-01".into(), 3, Some(1.0), Some(0.4))), Some(0.9));
        assert!(few.status == Status::Ok && few.detail.contains("fewer than the 30"), "{}", few.detail);
        let fine = performance_check("churn", Some(("2026-01-01".into(), 100, Some(0.78), Some(0.02))), Some(0.8));
        assert_eq!(fine.status, Status::Ok);
        let fell = performance_check("churn", Some(("2026-01-01".into(), 100, Some(0.6), Some(0.02))), Some(0.8));
        assert_eq!(fell.status, Status::Warn);
        let uncalibrated =
            performance_check("churn", Some(("2026-01-01".into(), 100, Some(0.8), Some(0.2))), Some(0.8));
        assert_eq!(uncalibrated.status, Status::Warn);
    }

    #[test]
    fn payment_delays_warn_when_never_or_long_ago_computed() {
        assert_eq!(payment_delays_check(false, 0, None).status, Status::Ok);
        let never = payment_delays_check(true, 0, None);
        assert_eq!(never.status, Status::Warn);
        assert!(never.detail.contains("refresh_payment_delays"), "{}", never.detail);
        assert_eq!(payment_delays_check(true, 10, Some(3)).status, Status::Ok);
        assert_eq!(payment_delays_check(true, 10, Some(30)).status, Status::Warn);
    }
}
