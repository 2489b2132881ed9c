//! What a correct installation contains: the objects verify() checks and the grants it expects.
//! Pure Rust; the unit tests below keep this list in step with the DDL files.

pub const SCHEMA: &str = "odoo_mirror";

/// Mirror tables, replicated from Odoo.
pub const TABLES: &[&str] = &[
    "account_move",
    "account_move_line",
    "res_partner",
    "project_task",
    "hr_expense_sheet",
    "hr_expense",
    "res_company",
    "res_currency",
    "res_users",
    "hr_employee",
    "project_project",
    "project_task_type",
    "project_task_user_rel",
    "account_account",
    "account_journal",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
    "account_analytic_plan",
    "account_analytic_account",
    "account_analytic_line",
    "account_payment_term",
    "res_currency_rate",
    "res_country",
    "hr_department",
    "product_category",
    "product_template",
    "product_product",
];

/// Tables the extension derives from the mirror tables: not replicated, not dumped.
pub const DERIVED_TABLES: &[&str] = &["revenue_daily", "revenue_daily_stale", "invoice_settlements", "payment_delays"];

/// Triggers on account_move that record which invoice dates the revenue rollup must refresh; all
/// ENABLE ALWAYS so that they fire under a replication apply worker.
pub const ROLLUP_TRIGGERS: &[&str] =
    &["revenue_stale_on_insert_or_delete", "revenue_stale_on_update", "revenue_rollup_on_truncate"];

/// Analytics views read by Superset.
pub const VIEWS: &[&str] = &[
    "v_invoice_summary",
    "v_expense_summary",
    "v_task_summary",
    "v_revenue_by_partner",
    "v_expense_by_employee",
    "v_churn_risk",
    "v_suspicious_expenses",
    "v_model_drift",
    "v_open_items",
    "v_aging",
    "v_receivable_aging",
    "v_payable_aging",
    "v_payments",
    "v_dso_monthly",
    "v_payment_delays",
    "v_cash_forecast",
    "v_analytic_pnl",
    "v_consolidated_revenue",
];

/// An RPC function n8n calls through PostgREST, and the call verify() makes to prove it works.
#[derive(Debug, Clone, Copy)]
pub struct Rpc {
    pub name: &'static str,
    /// regprocedure form, for privilege checks.
    pub signature: &'static str,
    /// A cheap call with valid arguments.
    pub probe: &'static str,
}

pub const RPCS: &[Rpc] = &[
    Rpc {
        name: "get_pending_expenses",
        signature: "odoo_mirror.get_pending_expenses(integer)",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_pending_expenses(1)",
    },
    Rpc {
        name: "get_overdue_tasks",
        signature: "odoo_mirror.get_overdue_tasks(integer)",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_overdue_tasks(1)",
    },
    Rpc {
        name: "get_revenue_trends",
        signature: "odoo_mirror.get_revenue_trends(integer,integer)",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_revenue_trends(1)",
    },
    Rpc {
        name: "replication_status",
        signature: "odoo_mirror.replication_status()",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.replication_status()",
    },
    Rpc {
        name: "get_churn_risks",
        signature: "odoo_mirror.get_churn_risks(integer,double precision)",
        // Runs only with a model: without one the RPC answers 42704, which is its contract, not a fault.
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_churn_risks(1, 1.0) \
                WHERE EXISTS (SELECT FROM odoo_mirror.ml_models AS m WHERE m.kind = 'churn' AND m.active)",
    },
    Rpc {
        name: "explain_churn",
        signature: "odoo_mirror.explain_churn(integer)",
        // An id no partner has (Odoo ids are positive): explains nothing, proves the call works.
        probe: "SELECT pg_catalog.count(odoo_mirror.explain_churn(-1)) \
                WHERE EXISTS (SELECT FROM odoo_mirror.ml_models AS m WHERE m.kind = 'churn' AND m.active)",
    },
    Rpc {
        name: "get_suspicious_expenses",
        signature: "odoo_mirror.get_suspicious_expenses(integer,double precision)",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_suspicious_expenses(1, 1.0) \
                WHERE EXISTS (SELECT FROM odoo_mirror.ml_models AS m WHERE m.kind = 'fraud' AND m.active)",
    },
    Rpc {
        name: "explain_fraud",
        signature: "odoo_mirror.explain_fraud(integer)",
        probe: "SELECT pg_catalog.count(odoo_mirror.explain_fraud(-1)) \
                WHERE EXISTS (SELECT FROM odoo_mirror.ml_models AS m WHERE m.kind = 'fraud' AND m.active)",
    },
    Rpc {
        name: "get_aging",
        signature: "odoo_mirror.get_aging(date,integer)",
        // A company id no company has would be 22023: all companies, as of today.
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_aging(CURRENT_DATE, NULL)",
    },
    Rpc {
        name: "get_collections_worklist",
        signature: "odoo_mirror.get_collections_worklist(integer,integer)",
        probe: "SELECT pg_catalog.count(*) FROM odoo_mirror.get_collections_worklist(1, NULL)",
    },
];

/// The trigger that turns invoices into AI memory: ENABLE ALWAYS, like the rollup triggers.
pub const MEMORY_TRIGGER: &str = "invoice_to_memory";
/// ipai_memory's search function, for agents (n8n).
pub const MEMORY_SEARCH_SIGNATURE: &str = "ipai_memory.search_chunks(text,integer)";

/// Indexes the views and RPCs rely on.
pub const INDEXES: &[&str] = &[
    "account_move_commercial_partner_idx",
    "account_move_partner_idx",
    "account_move_date_idx",
    "account_move_invoice_date_idx",
    "account_move_move_type_state_idx",
    "account_move_revenue_idx",
    "account_move_open_due_idx",
    "account_move_line_move_idx",
    "account_move_line_partner_idx",
    "res_partner_name_idx",
    "res_partner_vat_idx",
    "res_partner_commercial_partner_idx",
    "project_task_open_deadline_idx",
    "project_task_project_idx",
    "project_task_user_rel_task_idx",
    "hr_expense_date_idx",
    "hr_expense_employee_date_idx",
    "hr_expense_sheet_id_idx",
    "hr_expense_sheet_pending_idx",
    "hr_expense_sheet_employee_idx",
    "revenue_daily_stale_date_idx",
    "memory_errors_occurred_at_idx",
    "ml_models_active_idx",
    "churn_predictions_score_idx",
    "account_move_churn_facts_idx",
    "fraud_predictions_score_idx",
    "prediction_stale_kind_entity_idx",
    "fraud_predictions_open_score_idx",
    "fraud_predictions_sheet_idx",
    "account_partial_reconcile_debit_idx",
    "account_partial_reconcile_credit_idx",
    "account_partial_reconcile_max_date_idx",
    "account_move_line_open_idx",
    "res_currency_rate_currency_date_idx",
    "account_analytic_line_account_date_idx",
    "account_payment_move_idx",
    "account_payment_partner_idx",
];

/// The memory trigger's error log (src/sql/memory.sql).
pub const MEMORY_TABLES: &[&str] = &["memory_errors"];

/// The model store and the churn predictions (src/sql/ml.sql).
pub const ML_TABLES: &[&str] = &[
    "ml_models",
    "churn_predictions",
    "expense_labels",
    "fraud_predictions",
    "prediction_stale",
    "prediction_runs",
    "prediction_history",
];

/// The row triggers that keep the stored predictions current (src/sql/freshness.sql).
pub const FRESHNESS_TRIGGERS: &[&str] = &[
    "churn_stale_on_insert_or_delete",
    "churn_stale_on_update",
    "churn_stale_on_truncate",
    "fraud_stale_on_insert_or_delete",
    "fraud_stale_on_update",
    "fraud_stale_on_truncate",
    "fraud_stale_on_sheet_insert_or_delete",
    "fraud_stale_on_sheet_update",
    "fraud_stale_on_sheet_truncate",
];

/// Superset's role: reads every table and view, executes nothing but the helpers views call.
pub const READONLY_ROLE: &str = "superset_readonly";
/// n8n's role: executes the RPCs, reads no table directly.
pub const SERVICE_ROLE: &str = "n8n_service";
/// Supabase's PostgREST role for trusted back ends: gets what n8n_service gets, when it exists.
pub const SUPABASE_SERVICE_ROLE: &str = "service_role";
/// Supabase's public roles: must get nothing.
pub const SUPABASE_PUBLIC_ROLES: &[&str] = &["anon", "authenticated"];

/// Per mirror table, the amount and date columns the views read, whose odd values (an amount beyond
/// numeric(16,2), NaN, ±Infinity; a date at ±infinity) they show as NULL: verify() counts such rows.
pub const BLANKED_VALUES: &[(&str, &[&str], &[&str])] = &[
    (
        "account_move",
        &[
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "amount_untaxed_signed",
            "amount_total_signed",
            "amount_residual_signed",
        ],
        &["invoice_date", "invoice_date_due", "date"],
    ),
    (
        "hr_expense",
        &["price_unit", "total_amount_currency", "total_amount", "tax_amount"],
        &["date", "accounting_date"],
    ),
    ("hr_expense_sheet", &["total_amount"], &["create_date", "approval_date", "accounting_date"]),
    ("project_task", &[], &["date_deadline"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Names following `keyword odoo_mirror.` in a DDL file, e.g. every `CREATE TABLE odoo_mirror.x`.
    fn created(ddl: &str, keyword: &str) -> BTreeSet<String> {
        ddl.lines()
            .filter_map(|line| line.trim_start().strip_prefix(keyword))
            .map(|rest| {
                let rest = rest.trim_start().trim_start_matches("odoo_mirror.");
                rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("").to_string()
            })
            .collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn tables_match_the_ddl() {
        assert_eq!(created(include_str!("sql/tables.sql"), "CREATE TABLE"), set(TABLES));
        let mut derived = created(include_str!("sql/rollups.sql"), "CREATE TABLE");
        derived.extend(created(include_str!("sql/finance.sql"), "CREATE TABLE"));
        assert_eq!(derived, set(DERIVED_TABLES));
        let mut ml_tables = created(include_str!("sql/ml.sql"), "CREATE TABLE");
        ml_tables.extend(created(include_str!("sql/fraud.sql"), "CREATE TABLE"));
        ml_tables.extend(created(include_str!("sql/freshness.sql"), "CREATE TABLE"));
        assert_eq!(ml_tables, set(ML_TABLES));
    }

    #[test]
    fn freshness_triggers_match_the_ddl_and_are_all_enabled_always() {
        let ddl = include_str!("sql/freshness.sql");
        assert_eq!(created(ddl, "CREATE TRIGGER"), set(FRESHNESS_TRIGGERS));
        for trigger in FRESHNESS_TRIGGERS {
            assert!(ddl.contains(&format!("ENABLE ALWAYS TRIGGER {trigger};")), "{trigger} is not ENABLE ALWAYS");
        }
    }

    #[test]
    fn rollup_triggers_match_the_ddl_and_are_all_enabled_always() {
        let ddl = include_str!("sql/rollups.sql");
        assert_eq!(created(ddl, "CREATE TRIGGER"), set(ROLLUP_TRIGGERS));
        for trigger in ROLLUP_TRIGGERS {
            assert!(ddl.contains(&format!("ENABLE ALWAYS TRIGGER {trigger};")), "{trigger} is not ENABLE ALWAYS");
        }
    }

    #[test]
    fn the_memory_trigger_and_table_match_the_ddl_and_the_trigger_is_enabled_always() {
        let ddl = include_str!("sql/memory.sql");
        assert_eq!(created(ddl, "CREATE TABLE odoo_mirror."), set(MEMORY_TABLES));
        assert_eq!(created(ddl, "CREATE TRIGGER"), set(&[MEMORY_TRIGGER]));
        assert!(ddl.contains(&format!("ENABLE ALWAYS TRIGGER {MEMORY_TRIGGER};")));
        assert!(ddl.contains("CREATE FUNCTION ipai_memory.search_chunks(p_query text, p_limit integer DEFAULT 10)"));
    }

    #[test]
    fn views_match_the_ddl() {
        let mut views = created(include_str!("sql/views.sql"), "CREATE VIEW");
        views.extend(created(include_str!("sql/ml.sql"), "CREATE VIEW"));
        views.extend(created(include_str!("sql/fraud.sql"), "CREATE VIEW"));
        views.extend(created(include_str!("sql/freshness.sql"), "CREATE VIEW"));
        views.extend(created(include_str!("sql/finance.sql"), "CREATE VIEW"));
        assert_eq!(views, set(VIEWS));
    }

    #[test]
    fn indexes_match_the_ddl_and_there_are_at_least_fifteen() {
        let mut indexes = created(include_str!("sql/indexes.sql"), "CREATE INDEX");
        indexes.extend(created(include_str!("sql/rollups.sql"), "CREATE INDEX"));
        // memory.sql also creates ipai_memory's indexes, which are not the extension's.
        let memory_ddl: String = include_str!("sql/memory.sql")
            .lines()
            .filter(|line| line.contains(" ON odoo_mirror."))
            .collect::<Vec<_>>()
            .join("\n");
        indexes.extend(created(&memory_ddl, "CREATE INDEX"));
        indexes.extend(created(include_str!("sql/ml.sql"), "CREATE INDEX"));
        indexes.extend(created(include_str!("sql/ml.sql"), "CREATE UNIQUE INDEX"));
        indexes.extend(created(include_str!("sql/fraud.sql"), "CREATE INDEX"));
        indexes.extend(created(include_str!("sql/freshness.sql"), "CREATE INDEX"));
        indexes.extend(created(include_str!("sql/finance.sql"), "CREATE INDEX"));
        assert_eq!(indexes, set(INDEXES));
        assert!(INDEXES.len() >= 15);
    }

    #[test]
    fn every_rpc_probe_calls_its_own_function() {
        for rpc in RPCS {
            assert!(rpc.signature.starts_with(&format!("{SCHEMA}.{}(", rpc.name)));
            assert!(rpc.probe.contains(&format!("{SCHEMA}.{}(", rpc.name)));
        }
    }

    #[test]
    fn every_table_has_its_dump_registration() {
        let ddl = include_str!("sql/tables.sql");
        for table in TABLES {
            assert!(
                ddl.contains(&format!("pg_extension_config_dump('odoo_mirror.{table}', '')")),
                "{table} is not registered with pg_extension_config_dump"
            );
        }
    }
}
