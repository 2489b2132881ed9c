//! The fraud benchmark: detection quality on the generator's injected fraud (precision in the top 1%,
//! recall per kind) for the model, the rules alone and the isolation forest alone, and for a model
//! fitted on labels; scoring throughput against a PL/pgSQL implementation of the same rules; training
//! time. Everything goes through the extension's public SQL.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde_json::Value;

use crate::cluster::{Cluster, ClusterError, Result};
use crate::generator::{Stats, FRAUD_KINDS};

fn error(message: impl Into<String>) -> ClusterError {
    ClusterError(message.into())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The same rules as the extension (default thresholds and weights, without the forest), one expense
/// per call, in PL/pgSQL. Category baselines are precomputed, as the model stores them. Descriptions
/// are not compared (the generator's categories are all set).
pub const PLPGSQL_RULES: &str = r#"
CREATE TABLE bench_category AS
SELECT c.product_id, c.median, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(e.total_amount::float8 - c.median)) AS mad, count(*) AS n
FROM (SELECT product_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY total_amount::float8) AS median
      FROM odoo_mirror.hr_expense GROUP BY product_id) AS c
JOIN odoo_mirror.hr_expense AS e ON e.product_id = c.product_id
GROUP BY c.product_id, c.median;

CREATE FUNCTION bench_fraud_rules(p_id integer) RETURNS double precision
LANGUAGE plpgsql STABLE AS $function$
DECLARE
    t record; med float8; mad float8; n bigint; z float8; cnt bigint; total float8;
    recent bigint; earlier bigint; first_date date; usual float8; delay integer;
    s_emp float8 := 0; s_cat float8 := 0; s_dup float8 := 0; s_near float8 := 0; s_split float8 := 0;
    s_round float8 := 0; s_week float8 := 0; s_late float8 := 0; s_spike float8 := 0;
BEGIN
    SELECT e.id, e.employee_id, e.product_id, e.total_amount::float8 AS amount, e.date,
           COALESCE(s.create_date, e.create_date)::date AS submitted
    INTO t
    FROM odoo_mirror.hr_expense AS e LEFT JOIN odoo_mirror.hr_expense_sheet AS s ON s.id = e.sheet_id
    WHERE e.id = p_id;
    IF NOT FOUND OR t.employee_id IS NULL OR t.date IS NULL THEN RETURN NULL; END IF;
    -- The employee's own history, within a year either side.
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o.total_amount::float8), count(*) INTO med, n
    FROM odoo_mirror.hr_expense AS o
    WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date BETWEEN t.date - 365 AND t.date + 365;
    IF n >= 5 THEN
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(o.total_amount::float8 - med)) INTO mad
        FROM odoo_mirror.hr_expense AS o
        WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date BETWEEN t.date - 365 AND t.date + 365;
        IF mad > 0 THEN
            z := 0.6745 * (t.amount - med) / mad;
            IF z >= 3.5 THEN s_emp := least(1, (z - 3.5) / 3.5 + 0.5); END IF;
        END IF;
    END IF;
    SELECT c.median, c.mad, c.n INTO med, mad, n FROM bench_category AS c WHERE c.product_id = t.product_id;
    IF n >= 10 AND mad > 0 THEN
        z := 0.6745 * (t.amount - med) / mad;
        IF z >= 3.5 THEN s_cat := least(1, (z - 3.5) / 3.5 + 0.5); END IF;
    END IF;
    -- Duplicates of an earlier claim.
    IF EXISTS (SELECT FROM odoo_mirror.hr_expense AS o LEFT JOIN odoo_mirror.hr_expense_sheet AS os ON os.id = o.sheet_id
               WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date = t.date AND o.product_id = t.product_id
                 AND abs(o.total_amount::float8 - t.amount) < 0.005
                 AND (COALESCE(os.create_date, o.create_date)::date, o.id) < (t.submitted, t.id)) THEN
        s_dup := 1;
    ELSIF EXISTS (SELECT FROM odoo_mirror.hr_expense AS o LEFT JOIN odoo_mirror.hr_expense_sheet AS os ON os.id = o.sheet_id
                  WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date BETWEEN t.date - 3 AND t.date + 3
                    AND o.product_id = t.product_id
                    AND abs(o.total_amount::float8 - t.amount) <= 0.02 * greatest(abs(t.amount), abs(o.total_amount::float8))
                    AND (COALESCE(os.create_date, o.create_date)::date, o.id) < (t.submitted, t.id)) THEN
        s_near := 0.75;
    END IF;
    -- Split claims.
    IF t.amount < 500 THEN
        SELECT count(*), coalesce(sum(o.total_amount::float8), 0) INTO cnt, total
        FROM odoo_mirror.hr_expense AS o
        WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date BETWEEN t.date - 7 AND t.date + 7
          AND o.total_amount < 500 AND o.product_id = t.product_id;
        IF cnt > 0 AND total + t.amount > 500 THEN s_split := least(0.9, 0.5 + 0.1 * (cnt + 1)); END IF;
    END IF;
    IF t.amount >= 50 AND (round(t.amount * 100)::bigint % 5000) = 0 THEN
        s_round := CASE WHEN (round(t.amount * 100)::bigint % 10000) = 0 THEN 0.4 ELSE 0.3 END;
    END IF;
    IF extract(isodow FROM t.date) >= 6 THEN s_week := 0.2; END IF;
    delay := t.submitted - t.date;
    IF delay > 60 THEN s_late := least(1, 0.3 + (delay - 60) / 180.0); END IF;
    -- Frequency spikes.
    SELECT count(*) FILTER (WHERE t.date - o.date BETWEEN 0 AND 29), count(*) FILTER (WHERE t.date - o.date >= 30),
           min(o.date) FILTER (WHERE t.date - o.date >= 30)
    INTO recent, earlier, first_date
    FROM odoo_mirror.hr_expense AS o
    WHERE o.employee_id = t.employee_id AND o.id <> t.id AND o.date BETWEEN t.date - 365 AND t.date + 365;
    recent := recent + 1;
    IF earlier >= 5 AND t.date - first_date >= 90 THEN
        usual := earlier / greatest(1, floor((t.date - first_date) / 30.0));
        IF recent >= 4 AND recent >= 3 * greatest(usual, 1) THEN
            s_spike := least(1, 0.2 + 0.1 * recent / greatest(usual, 1));
        END IF;
    END IF;
    RETURN 1 / (1 + exp(-(-4.5 + 4 * s_emp + 3 * s_cat + 6 * s_dup + 6 * s_near + 6 * s_split
                          + 1.5 * s_round + 1.5 * s_week + 3 * s_late + 4.5 * s_spike)));
END
$function$;
"#;

pub struct Quality {
    pub name: String,
    pub scored: usize,
    pub precision_top_1pct: f64,
    /// Per kind: (kind, cases, found in the top 1%, found in the top 5%).
    pub recall: Vec<(String, usize, usize, usize)>,
    pub total_recall_top_1pct: f64,
}

pub struct FraudBench {
    pub expenses: usize,
    pub injected: usize,
    pub train_runs: Vec<f64>,
    pub qualities: Vec<Quality>,
    pub labelled_note: String,
    pub sample: usize,
    pub plpgsql_seconds: f64,
    pub per_row_seconds: f64,
    pub batch_seconds: f64,
    pub batch_rows: usize,
}

/// "id:score" pairs of a query returning (expense_id, score).
fn scores(cluster: &Cluster, database: &str, query: &str) -> Result<Vec<(i64, f64)>> {
    let text = cluster
        .sql(database, &format!("SELECT string_agg(s.expense_id || ':' || s.score, ',') FROM ({query}) AS s"))?;
    text.split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (id, score) = pair.split_once(':').ok_or_else(|| error(format!("bad pair {pair}")))?;
            Ok((
                id.parse().map_err(|_| error(format!("bad id {id}")))?,
                score.parse().map_err(|_| error(format!("bad score {score}")))?,
            ))
        })
        .collect()
}

fn quality(
    name: &str,
    mut scored: Vec<(i64, f64)>,
    truth: &HashMap<i64, &'static str>,
    keep: impl Fn(i64) -> bool,
) -> Quality {
    scored.retain(|(id, _)| keep(*id));
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let top1: HashSet<i64> = scored.iter().take(scored.len().div_ceil(100)).map(|(id, _)| *id).collect();
    let top5: HashSet<i64> = scored.iter().take(scored.len().div_ceil(20)).map(|(id, _)| *id).collect();
    let hits = top1.iter().filter(|id| truth.contains_key(id)).count();
    let cases: Vec<(i64, &str)> = truth.iter().filter(|(id, _)| keep(**id)).map(|(id, kind)| (*id, *kind)).collect();
    let recall = FRAUD_KINDS
        .iter()
        .map(|(kind, _, _)| {
            let of_kind: Vec<i64> = cases.iter().filter(|(_, k)| k == kind).map(|(id, _)| *id).collect();
            (
                kind.to_string(),
                of_kind.len(),
                of_kind.iter().filter(|id| top1.contains(id)).count(),
                of_kind.iter().filter(|id| top5.contains(id)).count(),
            )
        })
        .collect();
    Quality {
        name: name.to_string(),
        scored: scored.len(),
        precision_top_1pct: hits as f64 / top1.len().max(1) as f64,
        total_recall_top_1pct: hits as f64 / cases.len().max(1) as f64,
        recall,
    }
}

/// Imports version 1 (the default model) with `weights` and `intercept` replaced, activates it, and
/// returns every score.
fn scores_with_weights(cluster: &Cluster, database: &str, weights: &[f64], intercept: f64) -> Result<Vec<(i64, f64)>> {
    let weights = serde_json::json!(weights).to_string();
    cluster.sql(
        database,
        &format!(
            "SELECT odoo_mirror.import_model(jsonb_set(jsonb_set(odoo_mirror.export_model('fraud', 1), '{{model,weights}}', '{weights}'), \
             '{{model,intercept}}', '{intercept}'), true) IS NOT NULL"
        ),
    )?;
    scores(cluster, database, "SELECT * FROM odoo_mirror.fraud_scores()")
}

pub fn measure(cluster: &Cluster, database: &str, stats: &Stats) -> Result<FraudBench> {
    let truth: HashMap<i64, &'static str> = stats.fraud.iter().copied().collect();
    // Training without labels (the default weights): timed three times, the first activated.
    let mut train_runs = Vec::new();
    for run in 0..3 {
        let params = if run == 0 { "{}" } else { "{\"activate\": \"never\"}" };
        let started = Instant::now();
        cluster.sql(database, &format!("SELECT odoo_mirror.train_fraud_model('{params}') IS NOT NULL"))?;
        train_runs.push(started.elapsed().as_secs_f64());
    }
    eprintln!("fraud training runs: {train_runs:?} s");
    let default_model: Value =
        serde_json::from_str(&cluster.sql(database, "SELECT odoo_mirror.export_model('fraud')")?)
            .map_err(|e| error(format!("export: {e}")))?;
    let model_scores = scores(cluster, database, "SELECT * FROM odoo_mirror.fraud_scores()")?;
    let weights: Vec<f64> = default_model["model"]["weights"]
        .as_array()
        .ok_or_else(|| error("no weights"))?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let intercept = default_model["model"]["intercept"].as_f64().ok_or_else(|| error("no intercept"))?;
    let mut rules_weights = weights.clone();
    if let Some(forest) = rules_weights.last_mut() {
        *forest = 0.0;
    }
    let rules_scores = scores_with_weights(cluster, database, &rules_weights, intercept)?;
    let mut forest_weights = vec![0.0; weights.len()];
    if let Some(forest) = forest_weights.last_mut() {
        *forest = 1.0;
    }
    let forest_scores = scores_with_weights(cluster, database, &forest_weights, 0.0)?;
    let everything = |_: i64| true;
    let mut qualities = vec![
        quality("model (rules + forest, default weights)", model_scores.clone(), &truth, everything),
        quality("rules only (default weights, forest weight 0)", rules_scores, &truth, everything),
        quality("isolation forest only", forest_scores, &truth, everything),
    ];

    // Labels: auditors' verdicts on the even expense ids (the injected cases true, the rest false);
    // the fitted model and the default one are compared on the odd ids, which no label touched.
    cluster.sql(database, "TRUNCATE odoo_mirror.expense_labels")?;
    let fraud_even: Vec<String> =
        stats.fraud.iter().filter(|(id, _)| id % 2 == 0).map(|(id, _)| format!("({id})")).collect();
    cluster.sql(
        database,
        &format!(
            "INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by) \
             SELECT e.id, e.id IN (SELECT v.id FROM (VALUES {}) AS v (id)), 'bench' FROM odoo_mirror.hr_expense AS e WHERE e.id % 2 = 0",
            if fraud_even.is_empty() { "(0)".to_string() } else { fraud_even.join(",") }
        ),
    )?;
    let report: Value = serde_json::from_str(
        &cluster.sql(database, "SELECT odoo_mirror.train_fraud_model('{\"activate\": \"always\"}')")?,
    )
    .map_err(|e| error(format!("labelled training: {e}")))?;
    let labelled_scores = scores(cluster, database, "SELECT * FROM odoo_mirror.fraud_scores()")?;
    let odd = |id: i64| id % 2 == 1;
    qualities.push(quality("default weights, odd ids only", model_scores, &truth, odd));
    qualities.push(quality("fitted on the even ids' labels, odd ids only", labelled_scores, &truth, odd));
    let labelled_note = format!(
        "labelled training: {} fraud and {} legitimate labels, holdout ROC AUC {:.3} (rules alone {:.3}, forest alone {:.3}), weights {}",
        report["labels"]["labelled_fraud"],
        report["labels"]["labelled_legitimate"],
        report["holdout"]["model"]["roc_auc"].as_f64().unwrap_or(f64::NAN),
        report["holdout"]["rules_only"]["roc_auc"].as_f64().unwrap_or(f64::NAN),
        report["holdout"]["forest_only"]["roc_auc"].as_f64().unwrap_or(f64::NAN),
        report["weights"]
    );
    // Back to the default model for the timings.
    cluster.sql(database, "SELECT odoo_mirror.activate_model('fraud', 1)")?;

    // Throughput: the same 5% sample, one expense per call, PL/pgSQL rules against fraud_score();
    // and the batch over every expense.
    cluster.sql(database, PLPGSQL_RULES)?;
    let sample_sql =
        "FROM odoo_mirror.hr_expense AS e WHERE e.id % 20 = 0 AND e.employee_id IS NOT NULL AND e.date IS NOT NULL";
    let sample: usize =
        cluster.sql(database, &format!("SELECT count(*) {sample_sql}"))?.parse().map_err(|_| error("sample count"))?;
    let time = |sql: &str| -> Result<f64> {
        cluster.sql(database, sql)?;
        let mut runs = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            cluster.sql(database, sql)?;
            runs.push(started.elapsed().as_secs_f64());
        }
        Ok(median(runs))
    };
    let plpgsql_seconds = time(&format!("SELECT count(bench_fraud_rules(e.id)) {sample_sql}"))?;
    let per_row_seconds = time(&format!("SELECT count(odoo_mirror.fraud_score(e.id)) {sample_sql}"))?;
    let batch_seconds = time("SELECT count(*) FROM odoo_mirror.fraud_scores()")?;
    let batch_rows: usize = cluster
        .sql(database, "SELECT count(*) FROM odoo_mirror.fraud_scores()")?
        .parse()
        .map_err(|_| error("batch count"))?;
    let expenses: usize =
        cluster.sql(database, "SELECT count(*) FROM odoo_mirror.hr_expense")?.parse().map_err(|_| error("count"))?;
    Ok(FraudBench {
        expenses,
        injected: truth.len(),
        train_runs,
        qualities,
        labelled_note,
        sample,
        plpgsql_seconds,
        per_row_seconds,
        batch_seconds,
        batch_rows,
    })
}

pub fn report(bench: &FraudBench) -> String {
    let mut out = String::new();
    out.push_str("\n## The fraud model (0.4.0)\n\n");
    out.push_str(&format!(
        "{} expenses, {} of them injected fraud by the generator (kinds and rates in `pgrx-tests/src/generator.rs`,\n\
         `FRAUD_KINDS`). Every figure goes through the extension's SQL: `fraud_scores()` ranks every expense; the\n\
         rules-only and forest-only rankings are the default model re-imported with the forest's weight set to 0,\n\
         or with every rule's weight set to 0.\n\n",
        bench.expenses, bench.injected
    ));
    out.push_str(
        "### Detection quality\n\n| scorer | expenses ranked | precision in the top 1% | recall in the top 1% |",
    );
    for (kind, _, _) in FRAUD_KINDS {
        out.push_str(&format!(" {kind} (top 1% / top 5%) |"));
    }
    out.push_str("\n|---|---:|---:|---:|");
    for _ in FRAUD_KINDS {
        out.push_str("---:|");
    }
    out.push('\n');
    for quality in &bench.qualities {
        out.push_str(&format!(
            "| {} | {} | {:.3} | {:.3} |",
            quality.name, quality.scored, quality.precision_top_1pct, quality.total_recall_top_1pct
        ));
        for (_, cases, top1, top5) in &quality.recall {
            let share = |found: usize| if *cases > 0 { found as f64 / *cases as f64 } else { f64::NAN };
            out.push_str(&format!(" {:.2} / {:.2} (of {cases}) |", share(*top1), share(*top5)));
        }
        out.push('\n');
    }
    out.push_str(&format!("\n{}.\n", bench.labelled_note));
    out.push_str("\n### Throughput and training\n\n| measurement | result |\n|---|---|\n");
    let rate = |rows: usize, seconds: f64| rows as f64 / seconds;
    out.push_str(&format!(
        "| PL/pgSQL implementation of the same rules, one call per expense ({} expenses, a 5% sample) | {:.2} s, {:.0} expenses/s |\n",
        bench.sample,
        bench.plpgsql_seconds,
        rate(bench.sample, bench.plpgsql_seconds)
    ));
    out.push_str(&format!(
        "| `fraud_score(id)`, one call per expense, rules and forest (same sample) | {:.2} s, {:.0} expenses/s: **{:.1}x** the PL/pgSQL rate |\n",
        bench.per_row_seconds,
        rate(bench.sample, bench.per_row_seconds),
        bench.plpgsql_seconds / bench.per_row_seconds
    ));
    out.push_str(&format!(
        "| `fraud_scores()`, every expense in one pass ({} expenses) | {:.2} s, {:.0} expenses/s: **{:.0}x** the PL/pgSQL rate |\n",
        bench.batch_rows,
        bench.batch_seconds,
        rate(bench.batch_rows, bench.batch_seconds),
        rate(bench.batch_rows, bench.batch_seconds) / rate(bench.sample, bench.plpgsql_seconds)
    ));
    out.push_str(&format!(
        "| `train_fraud_model()` without labels (baselines, 100-tree forest, every expense assessed) | median {:.1} s over 3 runs ({}) |\n",
        median(bench.train_runs.clone()),
        bench.train_runs.iter().map(|s| format!("{s:.1}")).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(
        "\nThe PL/pgSQL function (`PLPGSQL_RULES` in `pgrx-tests/src/fraud_bench.rs`) computes the same rules with\n",
    );
    out.push_str(
        "the same thresholds and default weights, without the forest and without description matching, reading\n",
    );
    out.push_str(
        "precomputed category baselines as the model does; timings are the median of 3 runs after a warm-up.\n",
    );
    out
}
