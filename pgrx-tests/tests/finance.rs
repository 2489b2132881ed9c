//! The finance views and RPCs on generated data, each figure recomputed here from raw rows (journal
//! items, accounts, reconciliations, invoices, rates, analytic lines) in Rust, never through the views'
//! own SQL. Amounts are compared in cents (the generator writes two decimals); the converted revenue,
//! which goes through exchange rates, to a cent per converted day.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use odoo_mirror_tests::cluster::Cluster;
use odoo_mirror_tests::demo::{create_database_with_extension, load_demo_data};
use odoo_mirror_tests::testing::today;

const DB: &str = "finance";

fn rows(cluster: &Cluster, sql: &str) -> Vec<Vec<String>> {
    let text = cluster.sql(DB, sql).unwrap();
    text.lines().filter(|line| !line.is_empty()).map(|line| line.split('|').map(str::to_string).collect()).collect()
}

fn cents(text: &str) -> i64 {
    if text.is_empty() {
        return 0;
    }
    let value: f64 = text.parse().unwrap_or_else(|_| panic!("not an amount: {text}"));
    (value * 100.0).round() as i64
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("not a date: {text}"))
}

/// A receivable or payable journal item, as stored.
struct Item {
    id: i64,
    company: i64,
    partner: i64,
    receivable: bool,
    posted: bool,
    date: NaiveDate,
    due: NaiveDate,
    balance: i64,
    residual: i64,
    reconciled: bool,
}

/// (debit item, credit item, amount in cents, max_date)
type Partial = (i64, i64, i64, NaiveDate);

struct Books {
    items: Vec<Item>,
    partials: Vec<Partial>,
}

fn books(cluster: &Cluster) -> Books {
    let items = rows(
        cluster,
        "SELECT l.id, l.company_id, l.partner_id, a.account_type = 'asset_receivable', l.parent_state = 'posted', \
                l.date, COALESCE(l.date_maturity, l.date), l.balance, l.amount_residual, COALESCE(l.reconciled, false) \
         FROM odoo_mirror.account_move_line AS l JOIN odoo_mirror.account_account AS a ON a.id = l.account_id \
         WHERE a.account_type IN ('asset_receivable', 'liability_payable')",
    )
    .into_iter()
    .map(|r| Item {
        id: r[0].parse().unwrap(),
        company: r[1].parse().unwrap(),
        partner: r[2].parse().unwrap(),
        receivable: r[3] == "t",
        posted: r[4] == "t",
        date: date(&r[5]),
        due: date(&r[6]),
        balance: cents(&r[7]),
        residual: cents(&r[8]),
        reconciled: r[9] == "t",
    })
    .collect();
    let partials = rows(
        cluster,
        "SELECT debit_move_id, credit_move_id, amount, max_date FROM odoo_mirror.account_partial_reconcile",
    )
    .into_iter()
    .map(|r| (r[0].parse().unwrap(), r[1].parse().unwrap(), cents(&r[2]), date(&r[3])))
    .collect();
    Books { items, partials }
}

/// What was still open of each item as of `as_of`: its balance less the reconciliations counting from
/// then or earlier.
fn open_as_of(books: &Books, as_of: NaiveDate) -> HashMap<i64, i64> {
    let mut matched: HashMap<i64, i64> = HashMap::new();
    for (debit, credit, amount, max_date) in &books.partials {
        if *max_date <= as_of {
            *matched.entry(*debit).or_default() += amount;
            *matched.entry(*credit).or_default() -= amount;
        }
    }
    books
        .items
        .iter()
        .filter(|item| item.posted && item.date <= as_of)
        .map(|item| (item.id, item.balance - matched.get(&item.id).copied().unwrap_or(0)))
        .collect()
}

fn bucket(as_of: NaiveDate, due: NaiveDate) -> usize {
    match (as_of - due).num_days() {
        days if days <= 0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        91..=120 => 4,
        _ => 5,
    }
}

/// (kind, company, partner) -> (six buckets, total, items, oldest due), amounts owed in cents.
type Aging = BTreeMap<(String, i64, i64), ([i64; 6], i64, i64, NaiveDate)>;

fn aging_from(books: &Books, as_of: NaiveDate, open: &HashMap<i64, i64>) -> Aging {
    let mut aging = Aging::new();
    for item in &books.items {
        let Some(&amount) = open.get(&item.id) else { continue };
        if amount == 0 {
            continue;
        }
        let kind = if item.receivable { "receivable" } else { "payable" };
        let owed = if item.receivable { amount } else { -amount };
        let entry = aging.entry((kind.to_string(), item.company, item.partner)).or_insert(([0; 6], 0, 0, item.due));
        entry.0[bucket(as_of, item.due)] += owed;
        entry.1 += owed;
        entry.2 += 1;
        entry.3 = entry.3.min(item.due);
    }
    aging
}

fn aging_rows(cluster: &Cluster, from: &str) -> Aging {
    rows(
        cluster,
        &format!(
            "SELECT account_kind, company_id, partner_id, not_due, overdue_1_30, overdue_31_60, overdue_61_90, \
                    overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date FROM {from}"
        ),
    )
    .into_iter()
    .map(|r| {
        let buckets = [cents(&r[3]), cents(&r[4]), cents(&r[5]), cents(&r[6]), cents(&r[7]), cents(&r[8])];
        (
            (r[0].clone(), r[1].parse().unwrap(), r[2].parse().unwrap()),
            (buckets, cents(&r[9]), r[10].parse().unwrap(), date(&r[11])),
        )
    })
    .collect()
}

fn assert_same_aging(expected: &Aging, actual: &Aging, what: &str) {
    assert!(!expected.is_empty(), "{what}: the generated data has open items");
    for (key, value) in expected {
        assert_eq!(actual.get(key), Some(value), "{what}: {key:?}");
    }
    assert_eq!(expected.len(), actual.len(), "{what}: rows");
}

fn generated(name: &str) -> (Cluster, NaiveDate) {
    let cluster = Cluster::start(name, &[]).expect("cluster");
    create_database_with_extension(&cluster, DB).expect("extension");
    let today = today();
    load_demo_data(&cluster, DB, 400, today).expect("data");
    // As a schedule would: the cash forecast and the worklist read the delays it computes.
    cluster.sql(DB, "SELECT odoo_mirror.refresh_payment_delays()").expect("payment delays");
    (cluster, today)
}

#[test]
fn finance_figures_match_what_the_raw_rows_say() {
    let (cluster, today) = generated("finance-figures");
    let books = books(&cluster);

    // The residuals the mirror stores are the balances less what was reconciled (as in Odoo).
    let now = open_as_of(&books, NaiveDate::MAX);
    for item in books.items.iter().filter(|item| item.posted) {
        assert_eq!(now[&item.id], item.residual, "item {} residual", item.id);
    }

    // Aging: today from the stored residuals (v_aging) and from the reconciliations (get_aging), and as of
    // past dates, including one before most payments.
    let stored: HashMap<i64, i64> =
        books.items.iter().filter(|item| item.posted).map(|item| (item.id, item.residual)).collect();
    assert_same_aging(&aging_from(&books, today, &stored), &aging_rows(&cluster, "odoo_mirror.v_aging"), "v_aging");
    for days_back in [0, 45, 400] {
        let as_of = today - Duration::days(days_back);
        let expected = aging_from(&books, as_of, &open_as_of(&books, as_of));
        let actual = aging_rows(&cluster, &format!("odoo_mirror.get_aging('{as_of}')"));
        assert_same_aging(&expected, &actual, &format!("get_aging({as_of})"));
    }

    // DSO: receivables at each month end over the month's credit sales.
    let mut sales: HashMap<(i64, NaiveDate), i64> = HashMap::new();
    for r in rows(
        &cluster,
        "SELECT company_id, invoice_date, amount_total_signed FROM odoo_mirror.account_move \
         WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')",
    ) {
        let day = date(&r[1]);
        let month = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap();
        *sales.entry((r[0].parse().unwrap(), month)).or_default() += cents(&r[2]);
    }
    let dso = rows(&cluster, "SELECT company_id, month, receivables_at_month_end, credit_sales, days_sales_outstanding FROM odoo_mirror.v_dso_monthly");
    assert!(dso.len() > 40, "{} company months", dso.len());
    for r in &dso {
        let (company, month) = (r[0].parse::<i64>().unwrap(), date(&r[1]));
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap();
        let receivables: i64 = books
            .items
            .iter()
            .filter(|item| item.receivable && item.posted && item.company == company && item.date < next)
            .map(|item| item.balance)
            .sum();
        let credit_sales = sales.get(&(company, month)).copied().unwrap_or(0);
        assert_eq!(cents(&r[2]), receivables, "receivables {company} {month}");
        assert_eq!(cents(&r[3]), credit_sales, "credit sales {company} {month}");
        if credit_sales > 0 {
            let expected = receivables as f64 / credit_sales as f64 * (next - month).num_days() as f64;
            let actual: f64 = r[4].parse().unwrap();
            assert!(
                (actual - expected).abs() < 1e-6 * expected.abs().max(1.0),
                "DSO {company} {month}: {actual} vs {expected}"
            );
        } else {
            assert_eq!(r[4], "", "no DSO without credit sales");
        }
    }

    // Payment delays: days from due date to the last reconciliation of each document settled in full in
    // the last 365 days, weighted by amount; the cash forecast shifts open items by them.
    let mut settled_on: HashMap<i64, NaiveDate> = HashMap::new();
    for (debit, credit, _, max_date) in &books.partials {
        for line in [debit, credit] {
            let entry = settled_on.entry(*line).or_insert(*max_date);
            *entry = (*entry).max(*max_date);
        }
    }
    // (company, partner, receivable) -> (sum of amount x days, sum of amount)
    let mut delays: HashMap<(i64, i64, bool), (i128, i128)> = HashMap::new();
    for item in books.items.iter().filter(|item| item.posted && item.residual == 0 && item.reconciled) {
        let document = if item.receivable { item.balance > 0 } else { item.balance < 0 };
        let Some(&settled) = settled_on.get(&item.id) else { continue };
        if document && settled >= today - Duration::days(365) && settled <= today {
            let entry = delays.entry((item.company, item.partner, item.receivable)).or_default();
            entry.0 += i128::from(item.balance.abs()) * i128::from((settled - item.due).num_days());
            entry.1 += i128::from(item.balance.abs());
        }
    }
    let view_delays: HashMap<(i64, i64, bool), f64> = rows(
        &cluster,
        "SELECT company_id, partner_id, account_kind = 'receivable', average_delay_days FROM odoo_mirror.v_payment_delays",
    )
    .into_iter()
    .map(|r| ((r[0].parse().unwrap(), r[1].parse().unwrap(), r[2] == "t"), r[3].parse().unwrap()))
    .collect();
    assert_eq!(view_delays.len(), delays.len(), "partners with a payment delay");
    for (key, (weighted, amount)) in &delays {
        let expected = *weighted as f64 / *amount as f64;
        assert!((view_delays[key] - expected).abs() < 1e-9, "delay {key:?}: {} vs {expected}", view_delays[key]);
    }
    let shift = |key: &(i64, i64, bool)| -> i64 {
        let Some(&(weighted, amount)) = delays.get(key) else { return 0 };
        let average = weighted as f64 / amount as f64;
        average.clamp(-60.0, 365.0).round_ties_even() as i64
    };
    let this_week = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let week_of = |day: NaiveDate| -> i64 {
        let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        ((monday - this_week).num_days() / 7).max(0) + 1
    };
    // (company, week) -> [expected in, expected out, due in, due out]
    let mut forecast: BTreeMap<(i64, i64), [i64; 4]> = BTreeMap::new();
    for item in books.items.iter().filter(|item| item.posted && item.residual != 0) {
        let owed = if item.receivable { item.residual } else { -item.residual };
        let side = if item.receivable { 0 } else { 1 };
        let expected_week = week_of(item.due + Duration::days(shift(&(item.company, item.partner, item.receivable))));
        let due_week = week_of(item.due);
        if expected_week <= 13 {
            forecast.entry((item.company, expected_week)).or_default()[side] += owed;
        }
        if due_week <= 13 {
            forecast.entry((item.company, due_week)).or_default()[2 + side] += owed;
        }
    }
    let actual = rows(
        &cluster,
        "SELECT company_id, week_number, expected_in, expected_out, due_in, due_out FROM odoo_mirror.v_cash_forecast",
    );
    assert_eq!(actual.len(), 26, "13 weeks for each of the two companies");
    let actual: BTreeMap<(i64, i64), [i64; 4]> = actual
        .iter()
        .map(|r| {
            ((r[0].parse().unwrap(), r[1].parse().unwrap()), [cents(&r[2]), cents(&r[3]), cents(&r[4]), cents(&r[5])])
        })
        .collect();
    let expected: BTreeMap<(i64, i64), [i64; 4]> =
        actual.keys().map(|key| (*key, forecast.get(key).copied().unwrap_or_default())).collect();
    assert_eq!(actual, expected, "cash forecast per (company, week): [expected in, out, due in, out]");
    assert!(forecast.values().any(|week| week[0] != week[2]), "the payment delays shift some receivables");

    // Collections worklist: customers with overdue receivables, the largest open amount x days overdue
    // first; their overdue amount and their usual delay as above.
    let mut overdue: HashMap<(i64, i64), (i128, i64)> = HashMap::new();
    for item in
        books.items.iter().filter(|item| item.receivable && item.posted && item.residual != 0 && item.due < today)
    {
        let entry = overdue.entry((item.company, item.partner)).or_default();
        entry.0 += i128::from(item.residual) * i128::from((today - item.due).num_days());
        entry.1 += item.residual;
    }
    let mut ranked: Vec<((i64, i64), (i128, i64))> =
        overdue.into_iter().filter(|(_, (_, amount))| *amount > 0).collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    let worklist = rows(
        &cluster,
        "SELECT company_id, partner_id, overdue_amount, usual_payment_delay_days FROM odoo_mirror.get_collections_worklist(25)",
    );
    assert_eq!(worklist.len(), 25.min(ranked.len()));
    for (r, ((company, partner), (_, amount))) in worklist.iter().zip(&ranked) {
        assert_eq!(
            (r[0].parse::<i64>().unwrap(), r[1].parse::<i64>().unwrap()),
            (*company, *partner),
            "worklist order"
        );
        assert_eq!(cents(&r[2]), *amount, "overdue amount of {partner}");
        match delays.get(&(*company, *partner, true)) {
            Some((weighted, total)) => {
                let expected = *weighted as f64 / *total as f64;
                assert!((r[3].parse::<f64>().unwrap() - expected).abs() < 1e-9, "delay of {partner}");
            }
            None => assert_eq!(r[3], "", "no settled invoice, no usual delay: {partner}"),
        }
    }

    // Payments: what each settled, from the reconciliations; every generated payment is matched in full.
    let settled_per_payment = rows(
        &cluster,
        "SELECT payment_id, min(amount_company_currency_signed), sum(settled_amount), count(settled_move_id) \
         FROM odoo_mirror.v_payments GROUP BY payment_id",
    );
    let payments: usize = cluster.sql(DB, "SELECT count(*) FROM odoo_mirror.account_payment").unwrap().parse().unwrap();
    assert_eq!(settled_per_payment.len(), payments);
    for r in &settled_per_payment {
        assert_eq!(cents(&r[1]).abs(), cents(&r[2]), "payment {} settles its amount", r[0]);
        assert_eq!(r[3], "1", "payment {} settles one document", r[0]);
    }

    // The churn model's payment dates: each posted customer invoice's or refund's last reconciliation.
    let invoice_of: HashMap<i64, i64> = rows(
        &cluster,
        "SELECT l.id, l.move_id FROM odoo_mirror.account_move_line AS l JOIN odoo_mirror.account_move AS m \
         ON m.id = l.move_id WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')",
    )
    .into_iter()
    .map(|r| (r[0].parse().unwrap(), r[1].parse().unwrap()))
    .collect();
    let mut settled_invoices: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for (debit, credit, _, max_date) in &books.partials {
        for line in [debit, credit] {
            if let Some(&invoice) = invoice_of.get(line) {
                let entry = settled_invoices.entry(invoice).or_insert(*max_date);
                *entry = (*entry).max(*max_date);
            }
        }
    }
    let stored: BTreeMap<i64, NaiveDate> =
        rows(&cluster, "SELECT move_id, settled_on FROM odoo_mirror.invoice_settlements")
            .into_iter()
            .map(|r| (r[0].parse().unwrap(), date(&r[1])))
            .collect();
    assert!(!stored.is_empty());
    assert_eq!(stored, settled_invoices, "invoice settlement dates");

    // Analytic P&L: income and expense per analytic account and month.
    let mut pnl: BTreeMap<(NaiveDate, i64, i64), (i64, i64, i64)> = BTreeMap::new();
    for r in rows(&cluster, "SELECT date, company_id, account_id, amount FROM odoo_mirror.account_analytic_line WHERE account_id IS NOT NULL") {
        let day = date(&r[0]);
        let month = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap();
        let amount = cents(&r[3]);
        let entry = pnl.entry((month, r[1].parse().unwrap(), r[2].parse().unwrap())).or_default();
        if amount > 0 {
            entry.0 += amount;
        } else {
            entry.1 -= amount;
        }
        entry.2 += 1;
    }
    let actual: BTreeMap<(NaiveDate, i64, i64), (i64, i64, i64)> = rows(
        &cluster,
        "SELECT month, company_id, analytic_account_id, income, expense, line_count FROM odoo_mirror.v_analytic_pnl",
    )
    .into_iter()
    .map(|r| {
        (
            (date(&r[0]), r[1].parse().unwrap(), r[2].parse().unwrap()),
            (cents(&r[3]), cents(&r[4]), r[5].parse().unwrap()),
        )
    })
    .collect();
    assert!(!pnl.is_empty());
    assert_eq!(actual, pnl, "analytic P&L");
}

#[test]
fn consolidated_revenue_converts_each_day_at_its_rate() {
    let (cluster, _) = generated("finance-consolidated");
    // Rates as Odoo reads them: the latest dated on or before the day (the generator's are shared).
    let mut rates: HashMap<i64, Vec<(NaiveDate, f64)>> = HashMap::new();
    for r in rows(&cluster, "SELECT currency_id, name, rate FROM odoo_mirror.res_currency_rate ORDER BY name") {
        rates.entry(r[0].parse().unwrap()).or_default().push((date(&r[1]), r[2].parse().unwrap()));
    }
    let usd: i64 =
        cluster.sql(DB, "SELECT id FROM odoo_mirror.res_currency WHERE name = 'USD'").unwrap().parse().unwrap();
    let rate_on = |currency: i64, day: NaiveDate| -> Option<f64> {
        rates.get(&currency)?.iter().rev().find(|(from, _)| *from <= day).map(|(_, rate)| *rate)
    };
    // Every company keeps its books in EUR, which has no rate of its own (1).
    let mut expected: BTreeMap<(NaiveDate, i64), (i64, f64, usize)> = BTreeMap::new();
    for r in rows(
        &cluster,
        "SELECT company_id, invoice_date, sum(amount_untaxed_signed) FROM odoo_mirror.account_move \
         WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund') GROUP BY 1, 2",
    ) {
        let day = date(&r[1]);
        let month = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap();
        let revenue = cents(&r[2]);
        let entry = expected.entry((month, r[0].parse().unwrap())).or_default();
        entry.0 += revenue;
        entry.1 += revenue as f64 * rate_on(usd, day).unwrap_or(1.0);
        entry.2 += 1;
    }
    let actual = rows(
        &cluster,
        "SET odoo_mirror.reporting_currency = 'usd'; \
         SELECT month, company_id, revenue, reporting_currency, revenue_reporting_currency, rate_missing \
         FROM odoo_mirror.v_consolidated_revenue",
    );
    assert_eq!(actual.len(), expected.len());
    for r in &actual {
        let key = (date(&r[0]), r[1].parse::<i64>().unwrap());
        let (revenue, converted, days) = expected[&key];
        assert_eq!(cents(&r[2]), revenue, "{key:?}");
        assert_eq!(r[3], "USD");
        let actual_converted = cents(&r[4]) as f64;
        assert!(
            (actual_converted - converted).abs() <= days as f64 + 1.0,
            "{key:?}: {actual_converted} vs {converted}"
        );
        // The generator's rates start with its history, before the first invoice.
        assert_eq!(r[5], "f", "{key:?}: a USD rate is known on every invoice day");
    }
    // Without the setting: the top company's currency, EUR, nothing converted.
    let same = cluster
        .sql(DB, "SELECT bool_and(revenue = revenue_reporting_currency AND reporting_currency = 'EUR' AND NOT rate_missing) FROM odoo_mirror.v_consolidated_revenue")
        .unwrap();
    assert_eq!(same, "t");
}
