#!/usr/bin/env python3
r"""External evaluation of odoo_mirror's churn model on the public CDNOW data set.

CDNOW: every purchase of the 23,570 customers who first bought at CDNOW in the first quarter of 1997,
up to the end of June 1998 (Fader & Hardie's classic BG/NBD data). The file comes with the PyPI package
`lifetimes` 0.11.3 (lifetimes/datasets/CDNOW_master.txt); it is read out of the wheel, never installed.

The script talks to PostgreSQL only through the `psql` binary and uses only odoo_mirror's public SQL API
(train_churn_model, churn_scores, explain_churn), as an outside analyst would.

    python3 cdnow_churn.py --data-dir DIR --host /tmp --port 5432 --dbname cdnow \
        [--horizon 90] [--json result.json] [--load] [--user U] [--train-at 2h|h] [--train-params JSON]

--load    downloads the wheel into --data-dir (unless CDNOW_master.txt is there already and checks out),
          and replaces the mirror's res_partner / account_move / res_company / res_currency rows with the
          CDNOW customers and transactions (one posted, paid customer invoice per transaction). Use a
          scratch database: it empties those four tables. The invoice memory trigger is switched off for
          the load (odoo_mirror.memory_enabled = off), as the README advises for a bulk backfill.

Evaluation, honest in time (E = the last transaction date, h = the horizon):
  * train:  train_churn_model(p_as_of => E - 2h, p_horizon_days => h, p_params => {"activate": "always"});
            no label it sees looks past E - h;
  * score:  churn_scores(p_as_of => S), S = E - h, restricted to customers active at S (an invoice in the
            365 days up to S, the population the extension trains on);
  * truth:  churned = no invoice in (S, S + h];
  * compare with (a) a constant (the training labels' churn rate), (b) a logistic regression on recency
    alone, (c) an L2 logistic regression on recency/frequency/monetary/tenure, both fitted here on the
    snapshot dates the training report lists.
Metrics: ROC AUC, log loss, Brier, ECE (10 equal-frequency bins), reliability by predicted decile, mean
predicted vs observed churn rate.
"""

import argparse
import csv
import datetime as dt
import glob
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import zipfile

WHEEL_SPEC = "lifetimes==0.11.3"
MEMBER = "lifetimes/datasets/CDNOW_master.txt"
MASTER = "CDNOW_master.txt"
# sha256 of CDNOW_master.txt as shipped in Lifetimes-0.11.3-py3-none-any.whl; the checks below also
# verify the content (row count, customers, date range), so a different but equivalent copy is named.
EXPECTED = {"transactions": 69659, "customers": 23570, "first": dt.date(1997, 1, 1), "last": dt.date(1998, 6, 30)}
ACTIVE_WINDOW = 365  # the extension's default active_window_days
L2 = 1.0


# --------------------------------------------------------------------------------------------------
# data


def parse_master(text):
    """[(customer_id, date, cds, dollars)] from CDNOW_master.txt (a header line is skipped)."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if not parts[0].isdigit():
            continue  # header: customer_id date number_of_cds dollar_value
        if len(parts) != 4:
            raise ValueError(f"unexpected line in {MASTER}: {line!r}")
        cid = int(parts[0])
        d = dt.date(int(parts[1][:4]), int(parts[1][4:6]), int(parts[1][6:8]))
        rows.append((cid, d, int(parts[2]), parts[3]))  # dollars kept as text: exact numeric in SQL
    return rows


def check_master(path):
    """Return (rows, problems): the file parsed, and what does not match the published data set."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        rows = parse_master(raw.decode("ascii"))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        return None, [f"unreadable: {e}"]
    problems = []
    customers = {r[0] for r in rows}
    dates = [r[1] for r in rows]
    if len(rows) != EXPECTED["transactions"]:
        problems.append(f"{len(rows)} transactions, expected {EXPECTED['transactions']}")
    if len(customers) != EXPECTED["customers"]:
        problems.append(f"{len(customers)} customers, expected {EXPECTED['customers']}")
    if dates and (min(dates) != EXPECTED["first"] or max(dates) != EXPECTED["last"]):
        problems.append(f"dates {min(dates)}..{max(dates)}, expected {EXPECTED['first']}..{EXPECTED['last']}")
    return rows, problems


def fetch_master(data_dir):
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, MASTER)
    if os.path.exists(path):
        rows, problems = check_master(path)
        if not problems:
            print(f"data: {path} is there and checks out (sha256 {sha256_file(path)[:16]}...)")
            return path
        print(f"data: {path} does not check out ({'; '.join(problems)}): fetching it again")
    wheels = glob.glob(os.path.join(data_dir, "[Ll]ifetimes-0.11.3-*.whl"))
    if not wheels:
        cmd = [sys.executable, "-m", "pip", "download", WHEEL_SPEC, "--no-deps", "--only-binary=:all:", "-d", data_dir]
        print("data: " + " ".join(cmd))
        subprocess.run(cmd, check=True)
        wheels = glob.glob(os.path.join(data_dir, "[Ll]ifetimes-0.11.3-*.whl"))
    if not wheels:
        sys.exit(f"no lifetimes 0.11.3 wheel in {data_dir} after pip download")
    with zipfile.ZipFile(wheels[0]) as z:
        names = z.namelist()
        if MEMBER not in names:
            sys.exit(f"{MEMBER} is not in {wheels[0]}; its datasets: {[n for n in names if 'datasets' in n]}")
        data = z.read(MEMBER)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    rows, problems = check_master(path)
    if problems:
        sys.exit(f"{path} from {wheels[0]} does not check out: {'; '.join(problems)}")
    print(f"data: extracted {MEMBER} from {os.path.basename(wheels[0])} (sha256 {sha256_file(path)[:16]}...)")
    return path


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------
# psql


class Psql:
    def __init__(self, args):
        self.base = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", args.host, "-p", str(args.port), "-d", args.dbname]
        if args.user:
            self.base += ["-U", args.user]
        self.env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning", PGAPPNAME="cdnow_churn")

    def run(self, sql, stdin=None, single_transaction=False):
        cmd = self.base + (["-1"] if single_transaction else [])
        if stdin is None:
            cmd += ["-c", sql]
            inp = None
        else:
            cmd += ["-f", "-"]
            inp = stdin
        p = subprocess.run(cmd, input=inp, capture_output=True, text=True, env=self.env)
        if p.returncode != 0:
            raise RuntimeError(f"psql failed ({p.returncode}) on:\n{(sql or '')[:500]}\n{p.stderr.strip()}")
        return p.stdout

    def value(self, sql):
        return self.run(sql).strip()

    def rows(self, sql):
        out = self.run(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)")
        return list(csv.reader(io.StringIO(out)))


def table_columns(db, table):
    out = db.rows(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'odoo_mirror' "
        f"AND table_name = '{table}' ORDER BY ordinal_position")
    return {r[0] for r in out}


def copy_block(table, columns, records):
    buf = io.StringIO()
    buf.write(f"COPY odoo_mirror.{table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N');\n")
    w = csv.writer(buf, lineterminator="\n")
    for rec in records:
        w.writerow(["\\N" if v is None else v for v in rec])
    buf.write("\\.\n")
    return buf.getvalue()


def load(db, rows):
    partner_cols = ["id", "name", "complete_name", "active", "customer_rank", "is_company", "commercial_partner_id"]
    move_cols = ["id", "name", "move_type", "state", "partner_id", "commercial_partner_id", "invoice_date",
                 "invoice_date_due", "date", "amount_untaxed_signed", "amount_total_signed", "amount_residual_signed",
                 "payment_state", "write_date", "company_id", "currency_id"]
    company_cols = ["id", "name", "currency_id", "active"]
    currency_cols = ["id", "name", "full_name", "symbol", "rounding", "decimal_places", "position", "active"]
    for table, cols in (("res_partner", partner_cols), ("account_move", move_cols),
                        ("res_company", company_cols), ("res_currency", currency_cols)):
        missing = set(cols) - table_columns(db, table)
        if missing:
            sys.exit(f"odoo_mirror.{table} lacks the columns {sorted(missing)}")
    customers = sorted({r[0] for r in rows})
    partners = [(c, f"CDNOW customer {c:05d}", f"CDNOW customer {c:05d}", "t", 1, "f", c) for c in customers]
    moves = []
    for i, (cid, d, _cds, dollars) in enumerate(rows, start=1):
        moves.append((i, f"INV/{d.year}/{i:06d}", "out_invoice", "posted", cid, cid, d.isoformat(), d.isoformat(),
                      d.isoformat(), dollars, dollars, "0", "paid", None, 1, 1))
    script = (
        "SET odoo_mirror.memory_enabled = off;\n"  # a bulk backfill: the invoice memory trigger is not evaluated here
        "TRUNCATE odoo_mirror.account_move, odoo_mirror.res_partner, odoo_mirror.res_company, odoo_mirror.res_currency;\n"
        + copy_block("res_currency", currency_cols, [(1, "USD", "US Dollar", "$", "0.01", 2, "before", "t")])
        + copy_block("res_company", company_cols, [(1, "CDNOW", 1, "t")])
        + copy_block("res_partner", partner_cols, partners)
        + copy_block("account_move", move_cols, moves)
    )
    db.run(None, stdin=script, single_transaction=True)
    db.run("ANALYZE odoo_mirror.account_move; ANALYZE odoo_mirror.res_partner;")
    n = db.value("SELECT count(*) || ' invoices, ' || count(DISTINCT partner_id) || ' customers, ' || min(invoice_date) "
                 "|| '..' || max(invoice_date) FROM odoo_mirror.account_move WHERE move_type = 'out_invoice' AND state = 'posted'")
    print(f"load: {n}")


# --------------------------------------------------------------------------------------------------
# features and labels computed here from the file, as the extension defines them


class History:
    def __init__(self, rows):
        self.by_customer = {}
        for cid, d, _cds, dollars in rows:
            self.by_customer.setdefault(cid, []).append((d, float(dollars)))
        for v in self.by_customer.values():
            v.sort()
        self.last = max(r[1] for r in rows)

    def active(self, cid, t, window=ACTIVE_WINDOW):
        lo = t - dt.timedelta(days=window)
        return any(lo < d <= t for d, _ in self.by_customer[cid])

    def churned(self, cid, t, h):
        hi = t + dt.timedelta(days=h)
        return not any(t < d <= hi for d, _ in self.by_customer[cid])

    def population(self, t, window=ACTIVE_WINDOW):
        return [c for c in sorted(self.by_customer) if self.active(c, t, window)]

    def rfm(self, cid, t):
        past = [(d, a) for d, a in self.by_customer[cid] if d <= t]
        lo = t - dt.timedelta(days=365)
        year = [(d, a) for d, a in past if d > lo]
        recency = (t - past[-1][0]).days
        tenure = (t - past[0][0]).days
        return {"log1p_recency": math.log1p(recency), "invoices_365d": float(len(year)),
                "revenue_365d": sum(a for _, a in year), "tenure_days": float(tenure), "recency_days": recency}

    def facts(self, cid, t):
        """Plain facts about one customer as of t, to check an explanation against."""
        past = [(d, a) for d, a in self.by_customer[cid] if d <= t]
        days = sorted({d for d, _ in past})
        gaps = [(b - a).days for a, b in zip(days, days[1:])]
        def rev(a, b):
            return round(sum(x for d, x in past if t - dt.timedelta(days=a) < d <= t - dt.timedelta(days=b)), 2)
        return {"as_of": t.isoformat(), "invoices": len(past), "invoice_dates": len(days),
                "first": days[0].isoformat(), "last": days[-1].isoformat(), "days_since_last": (t - days[-1]).days,
                "median_gap_days": (median(gaps) if gaps else None), "revenue_total": round(sum(a for _, a in past), 2),
                "revenue_365d": rev(365, 0), "revenue_last_180d": rev(180, 0), "revenue_180d_before": rev(360, 180),
                "later_invoices_in_data": sum(1 for d, _ in self.by_customer[cid] if d > t)}


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


# --------------------------------------------------------------------------------------------------
# a small L2 logistic regression (Newton's method on standardised features; the intercept is not penalised)


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-300:
            raise ZeroDivisionError("singular Hessian")
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                if f:
                    for k in range(col, n + 1):
                        m[r][k] -= f * m[col][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Logistic:
    def __init__(self, names, l2=L2):
        self.names, self.l2 = names, l2

    def fit(self, xs, ys, iterations=50):
        k = len(self.names)
        n = len(xs)
        self.mean = [sum(x[j] for x in xs) / n for j in range(k)]
        self.scale = [math.sqrt(sum((x[j] - self.mean[j]) ** 2 for x in xs) / n) or 1.0 for j in range(k)]
        zs = [[1.0] + self.std(x) for x in xs]
        w = [0.0] * (k + 1)
        for it in range(iterations):
            grad = [0.0] * (k + 1)
            hess = [[0.0] * (k + 1) for _ in range(k + 1)]
            for z, y in zip(zs, ys):
                p = sigmoid(sum(a * b for a, b in zip(w, z)))
                r, s = p - y, p * (1 - p)
                for i in range(k + 1):
                    grad[i] += r * z[i]
                    si = s * z[i]
                    for j in range(i, k + 1):
                        hess[i][j] += si * z[j]
            for i in range(k + 1):
                for j in range(i):
                    hess[i][j] = hess[j][i]
            for i in range(1, k + 1):
                grad[i] += self.l2 * w[i]
                hess[i][i] += self.l2
            step = solve(hess, grad)
            w = [a - b for a, b in zip(w, step)]
            if max(abs(s) for s in step) < 1e-10:
                break
        self.w, self.iterations = w, it + 1
        return self

    def std(self, x):
        return [(v - m) / s for v, m, s in zip(x, self.mean, self.scale)]

    def predict(self, x):
        return sigmoid(self.w[0] + sum(a * b for a, b in zip(self.w[1:], self.std(x))))

    def describe(self):
        return {"intercept": self.w[0], "l2": self.l2, "newton_iterations": self.iterations,
                "weights_standardised": dict(zip(self.names, self.w[1:])),
                "feature_mean": dict(zip(self.names, self.mean)), "feature_std": dict(zip(self.names, self.scale))}


# --------------------------------------------------------------------------------------------------
# metrics


def roc_auc(p, y):
    order = sorted(range(len(p)), key=lambda i: p[i])
    ranks = [0.0] * len(p)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and p[order[j + 1]] == p[order[i]]:
            j += 1
        r = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = r
        i = j + 1
    pos = sum(y)
    neg = len(y) - pos
    return (sum(r for r, t in zip(ranks, y) if t) - pos * (pos + 1) / 2) / (pos * neg)


def equal_frequency_bins(p, y, bins=10):
    order = sorted(range(len(p)), key=lambda i: p[i])
    n = len(order)
    out = []
    for b in range(bins):
        idx = order[b * n // bins:(b + 1) * n // bins]
        if not idx:
            continue
        mp = sum(p[i] for i in idx) / len(idx)
        obs = sum(y[i] for i in idx) / len(idx)
        out.append({"bin": b + 1, "n": len(idx), "min_pred": p[idx[0]], "max_pred": p[idx[-1]],
                    "mean_pred": mp, "observed": obs, "gap": mp - obs})
    return out


def metrics(p, y):
    eps = 1e-15
    n = len(p)
    table = equal_frequency_bins(p, y)
    return {
        "n": n, "churned": sum(y),
        "roc_auc": roc_auc(p, y),
        "log_loss": -sum(math.log(min(max(q if t else 1 - q, eps), 1)) for q, t in zip(p, y)) / n,
        "brier": sum((q - t) ** 2 for q, t in zip(p, y)) / n,
        "ece": sum(b["n"] * abs(b["gap"]) for b in table) / n,
        "mean_predicted": sum(p) / n, "observed_rate": sum(y) / n,
        "reliability": table,
    }


# --------------------------------------------------------------------------------------------------
# the evaluation


def evaluate(db, hist, h, train_params, train_at="2h"):
    E = hist.last
    S = E - dt.timedelta(days=h)
    # 2h (the default): the extension's own holdout is the period before S, so nothing it sees reaches S.
    # h: its holdout is the test period itself (labels in (S, E]); with "activate": "always" the holdout only
    # judges, it fits on snapshots whose labels end by S. The report's holdout metrics are then computed on
    # the same customers as ours, a cross-check of this script's metrics.
    as_of = E - dt.timedelta(days=(2 if train_at == "2h" else 1) * h)
    params = {"activate": "always"}
    params.update(train_params)
    print(f"\n=== horizon {h} days: E = {E}, training p_as_of = {as_of}, scoring at S = {S}, truth in ({S}, {E}] ===")
    report = json.loads(db.value(
        f"SELECT odoo_mirror.train_churn_model(p_as_of => DATE '{as_of}', p_horizon_days => {h}, "
        f"p_params => '{json.dumps(params)}'::jsonb)::text"))
    tdates = sorted(dt.date.fromisoformat(d) for d in report["training_dates"])

    # the training population and labels, recomputed here from the file
    train_rows = []  # (features, label)
    per_date = {}
    for t in tdates:
        pop = hist.population(t)
        labels = [hist.churned(c, t, h) for c in pop]
        per_date[t.isoformat()] = {"customers": len(pop), "churned": sum(labels)}
        for c, lab in zip(pop, labels):
            train_rows.append((hist.rfm(c, t), 1 if lab else 0))
    hold_pop = hist.population(as_of)
    hold_churned = sum(hist.churned(c, as_of, h) for c in hold_pop)
    check = {"training_rows_here": len(train_rows), "training_churned_here": sum(y for _, y in train_rows),
             "training_rows_report": (report.get("training") or {}).get("rows"),
             "training_churned_report": (report.get("training") or {}).get("churned"),
             "holdout_rows_here": len(hold_pop), "holdout_churned_here": hold_churned,
             "holdout_rows_report": (report.get("holdout") or {}).get("rows"),
             "holdout_churned_report": (report.get("holdout") or {}).get("churned"),
             "per_training_date_here": per_date}
    if not train_rows:
        sys.exit("no training rows at the report's training dates")

    # scores as of S for every customer with history; keep those active at S
    scored = {int(r[0]): float(r[1]) for r in db.rows(
        f"SELECT partner_id, score FROM odoo_mirror.churn_scores(p_as_of => DATE '{S}')")}
    test = hist.population(S)
    missing = [c for c in test if c not in scored]
    test = [c for c in test if c in scored]
    y = [1 if hist.churned(c, S, h) else 0 for c in test]

    const_rate = sum(lab for _, lab in train_rows) / len(train_rows)
    rec = Logistic(["log1p_recency"]).fit([[f["log1p_recency"]] for f, _ in train_rows], [lab for _, lab in train_rows])
    rfm_names = ["log1p_recency", "invoices_365d", "revenue_365d", "tenure_days"]
    rfm = Logistic(rfm_names).fit([[f[k] for k in rfm_names] for f, _ in train_rows], [lab for _, lab in train_rows])
    feats = {c: hist.rfm(c, S) for c in test}
    preds = {
        "odoo_mirror": [scored[c] for c in test],
        "constant": [const_rate] * len(test),
        "recency_logistic": [rec.predict([feats[c]["log1p_recency"]]) for c in test],
        "rfm_logistic": [rfm.predict([feats[c][k] for k in rfm_names]) for c in test],
    }
    results = {name: metrics(p, y) for name, p in preds.items()}

    # explanations: explain_churn scores as of the mirror's today (E); the 5 riskiest customers active at E
    now_scores = {int(r[0]): float(r[1]) for r in db.rows("SELECT partner_id, score FROM odoo_mirror.churn_scores()")}
    active_now = [c for c in hist.population(E) if c in now_scores]
    top = sorted(active_now, key=lambda c: (-now_scores[c], c))[:5]
    explanations = []
    for c in top:
        x = json.loads(db.value(f"SELECT odoo_mirror.explain_churn({c})::text"))
        explanations.append({"partner_id": c, "score": x.get("score"), "risk_band": x.get("risk_band"),
                             "as_of": x.get("as_of"), "top_reasons": x.get("top_reasons"),
                             "explanation": x, "facts_from_data": hist.facts(c, E)})
    # Is the head of the ranking at S right? The observed churn rate among the top-scored at S.
    ranked = sorted(range(len(test)), key=lambda i: -preds["odoo_mirror"][i])
    top_decile = ranked[:max(1, len(test) // 10)]
    cross = None
    if train_at == "h" and isinstance(report.get("model"), dict):
        cross = {k: {"report": report["model"].get(k), "here": results["odoo_mirror"][k]}
                 for k in ("roc_auc", "log_loss", "brier") if k in report["model"]}
    return {
        "horizon_days": h, "train_at": train_at, "report_holdout_vs_here": cross,
        "E_last_transaction": E.isoformat(), "train_p_as_of": as_of.isoformat(),
        "score_as_of_S": S.isoformat(), "truth_window": f"({S}, {E}]", "train_params": params,
        "training_dates": [t.isoformat() for t in tdates], "population_check": check,
        "test_customers_active_at_S": len(test), "active_at_S_without_score": len(missing),
        "scored_at_S_total": len(scored),
        "constant_rate_from_training_labels": const_rate,
        "recency_model": rec.describe(), "rfm_model": rfm.describe(),
        "metrics": results,
        "odoo_mirror_top_decile_observed_churn": sum(y[i] for i in top_decile) / len(top_decile),
        "train_report": report,
        "explanations": explanations,
    }


def fmt(v, nd=4):
    return "-" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))


def print_result(r):
    pc = r["population_check"]
    rep = r["train_report"]
    print(f"training dates (report): {', '.join(r['training_dates'])}")
    print(f"training rows  here {pc['training_rows_here']} ({pc['training_churned_here']} churned) | report "
          f"{pc['training_rows_report']} ({pc['training_churned_report']} churned)")
    print(f"holdout rows   here {pc['holdout_rows_here']} ({pc['holdout_churned_here']} churned) | report "
          f"{pc['holdout_rows_report']} ({pc['holdout_churned_report']} churned)")
    for d, v in pc["per_training_date_here"].items():
        print(f"  {d}: {v['customers']} active, {v['churned']} churned")
    pf = rep.get("payment_features")
    if pf is not None:
        print(f"payment features: {json.dumps(pf)}")
    for k in ("model", "recency_baseline"):
        if isinstance(rep.get(k), dict):
            print(f"report {k} on its holdout {rep.get('as_of')}: " + ", ".join(f"{a}={fmt(b)}" for a, b in rep[k].items()))
    print(f"test: {r['test_customers_active_at_S']} customers active at {r['score_as_of_S']} "
          f"({r['active_at_S_without_score']} active but unscored), truth {r['truth_window']}")
    print(f"constant = training churn rate {r['constant_rate_from_training_labels']:.4f}")
    print(f"{'predictor':18} {'n':>6} {'AUC':>7} {'logloss':>8} {'Brier':>7} {'ECE':>7} {'mean p':>7} {'observed':>8}")
    for name, m in r["metrics"].items():
        print(f"{name:18} {m['n']:6d} {m['roc_auc']:7.4f} {m['log_loss']:8.4f} {m['brier']:7.4f} {m['ece']:7.4f} "
              f"{m['mean_predicted']:7.4f} {m['observed_rate']:8.4f}")
    if r.get("report_holdout_vs_here"):
        print("report holdout (same customers, same labels) vs this script: " + ", ".join(
            f"{k} {fmt(v['report'])} vs {fmt(v['here'])}" for k, v in r["report_holdout_vs_here"].items()))
    print(f"odoo_mirror: observed churn in its top-scored 10% at S: {r['odoo_mirror_top_decile_observed_churn']:.4f}")
    for name, m in r["metrics"].items():
        print(f"reliability, {name} (equal-frequency deciles of the prediction):")
        print(f"  {'bin':>3} {'n':>5} {'pred range':>17} {'mean p':>7} {'observed':>8}")
        for b in m["reliability"]:
            print(f"  {b['bin']:3d} {b['n']:5d} {b['min_pred']:8.4f}-{b['max_pred']:.4f} {b['mean_pred']:7.4f} {b['observed']:8.4f}")
    print("rfm logistic weights (standardised): " + ", ".join(
        f"{k}={v:+.3f}" for k, v in r["rfm_model"]["weights_standardised"].items()) + f", intercept={r['rfm_model']['intercept']:+.3f}")
    print("recency logistic: " + ", ".join(f"{k}={v:+.3f}" for k, v in r["recency_model"]["weights_standardised"].items())
          + f", intercept={r['recency_model']['intercept']:+.3f}")
    print(f"explanations (explain_churn scores as of the mirror's today, {r['E_last_transaction']}): "
          "the 5 highest-scored customers active then")
    for e in r["explanations"]:
        f = e["facts_from_data"]
        print(f"  partner {e['partner_id']}: score {fmt(e['score'])} ({e['risk_band']}), as_of {e['as_of']}")
        for reason in e["top_reasons"] or []:
            print(f"    - {reason if isinstance(reason, str) else json.dumps(reason)}")
        print(f"    data: {f['invoices']} invoices on {f['invoice_dates']} dates {f['first']}..{f['last']}, "
              f"{f['days_since_last']} days since the last, median gap {f['median_gap_days']}, revenue 365d "
              f"{f['revenue_365d']}, last 180d {f['revenue_last_180d']} vs {f['revenue_180d_before']} before")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--host", default="/tmp")
    ap.add_argument("--port", type=int, default=5432)
    ap.add_argument("--dbname", default="cdnow")
    ap.add_argument("--user")
    ap.add_argument("--horizon", type=int, action="append",
                    help="horizon in days (default 90); repeat to evaluate several in one run")
    ap.add_argument("--train-params", default="{}", help="extra p_params keys for train_churn_model (JSON object)")
    ap.add_argument("--train-at", choices=["2h", "h"], default="2h",
                    help="train_churn_model's p_as_of: E - 2h (default: its holdout ends at S) or E - h "
                         "(its holdout is the test period; it fits on snapshots up to S - h only)")
    ap.add_argument("--json", help="write every number here")
    ap.add_argument("--load", action="store_true", help="fetch the data and (re)load the mirror tables")
    args = ap.parse_args()
    horizons = args.horizon or [90]
    db = Psql(args)
    if args.load:
        path = fetch_master(args.data_dir)
    else:
        path = os.path.join(args.data_dir, MASTER)
    rows, problems = check_master(path)
    if problems:
        sys.exit(f"{path}: {'; '.join(problems)} (run with --load to fetch it)")
    if args.load:
        load(db, rows)
    hist = History(rows)
    loaded = db.value("SELECT count(*) FROM odoo_mirror.account_move WHERE move_type = 'out_invoice' AND state = 'posted'")
    if int(loaded) != len(rows):
        sys.exit(f"the mirror holds {loaded} posted customer invoices, the file {len(rows)} transactions: run with --load")
    out = {"data": {"file": os.path.abspath(path), "sha256": sha256_file(path), "transactions": len(rows),
                    "customers": len(hist.by_customer), "first": min(r[1] for r in rows).isoformat(),
                    "last": hist.last.isoformat()},
           "extension_version": db.value("SELECT extversion FROM pg_extension WHERE extname = 'odoo_mirror'"),
           "server_version": db.value("SHOW server_version"),
           "results": []}
    print(f"CDNOW: {len(rows)} transactions, {len(hist.by_customer)} customers; odoo_mirror {out['extension_version']}")
    for h in horizons:
        r = evaluate(db, hist, h, json.loads(args.train_params), args.train_at)
        print_result(r)
        out["results"].append(r)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
