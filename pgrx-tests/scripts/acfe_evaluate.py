#!/usr/bin/env python3
"""External evaluation of odoo_mirror's expense fraud model on data from acfe_expenses.py.

Uses only the extension's public SQL API through the psql binary (CSV output):
  1. unlabelled run: TRUNCATE odoo_mirror.expense_labels; train_fraud_model('{"activate": "always"}');
     fraud_scores(); metrics on every expense (and on the 80% holdout of step 2, for comparison);
  2. labelled run: a seeded random 20% of the expenses get their true label in expense_labels; train again;
     metrics on the other 80% only;
  3. naive rules computed here from hr_expense (robust amount z-score against the category median, exact
     duplicate of an earlier line with the same employee, amount and date, round amount), summed.

Metrics: precision in the top 1% and 2% of scores, recall in the top 2% (overall and per fraud kind),
average precision (PR AUC), ROC AUC, and the share of decoy (legitimate but unusual) lines in the top 2%,
overall and per decoy kind. Ranking is by score descending, ties broken by expense_id ascending, so every
top-k number is deterministic; ROC AUC gives tied scores the average rank (the Mann-Whitney statistic).

Usage: python3 acfe_evaluate.py --host /tmp --port 5432 --dbname acfe --truth OUT.csv [--seed 7] [--json result.json]
The truth CSV's fraud kinds are read from its is_fraud column, so it also judges gao_expenses.py's data.
The labels of step 2 are left in odoo_mirror.expense_labels and the last model stays active.
"""
import argparse
import csv
import io
import json
import math
import random
import statistics
import subprocess
import sys
import time

FRAUD_KINDS = ("mischaracterized", "overstated", "fictitious", "multiple_reimbursement", "split")
PARAMS = '{"activate": "always"}'


class Psql:
    def __init__(self, a):
        self.cmd = [a.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", a.host, "-p", str(a.port), "-d", a.dbname]
        if a.user:
            self.cmd += ["-U", a.user]

    def run(self, sql, csv_out=True):
        p = subprocess.run(self.cmd + (["--csv"] if csv_out else []) + ["-f", "-"], input=sql,
                           capture_output=True, text=True)
        if p.returncode:
            sys.exit(f"psql failed ({p.returncode}): {p.stderr.strip()}\n-- SQL: {sql[:300]}")
        return p.stdout

    def query(self, sql):
        rows = list(csv.reader(io.StringIO(self.run(sql))))
        return rows[1:]                    # drop the header


def train(pg):
    t = time.monotonic()
    rows = pg.query(f"SELECT odoo_mirror.train_fraud_model('{PARAMS}'::jsonb)::text")
    return json.loads(rows[0][0]), round(time.monotonic() - t, 2)


def scores(pg):
    t = time.monotonic()
    rows = pg.query("SELECT expense_id, score FROM odoo_mirror.fraud_scores()")
    out = {int(i): (float(s) if s != "" else None) for i, s in rows}
    return out, round(time.monotonic() - t, 2)


def set_labels(pg, labels):
    parts = ["BEGIN;", "TRUNCATE odoo_mirror.expense_labels;"]
    items = sorted(labels.items())
    for k in range(0, len(items), 5000):
        vals = ",".join(f"({i},{'true' if f else 'false'},'acfe_evaluate')" for i, f in items[k:k + 5000])
        parts.append(f"INSERT INTO odoo_mirror.expense_labels (expense_id, is_fraud, labelled_by) VALUES {vals};")
    parts.append("COMMIT;")
    pg.run("\n".join(parts), csv_out=False)


def naive_scores(rows):
    """Robust z of the amount within its category (capped at 6, scaled to 0..1) + 1 for an exact repeat
    (same employee, amount, date as a line with a lower id) + 1 for a multiple of 10 (0.5 for whole euros)."""
    by_cat = {}
    for r in rows:
        by_cat.setdefault(r["cat"], []).append(r["amount"])
    stats = {}
    for c, v in by_cat.items():
        med = statistics.median(v)
        mad = statistics.median(abs(x - med) for x in v) * 1.4826 or 1.0
        stats[c] = (med, mad)
    seen, out = set(), {}
    for r in sorted(rows, key=lambda r: r["id"]):
        med, mad = stats[r["cat"]]
        z = min(max((r["amount"] - med) / mad, 0.0), 6.0) / 6.0
        key = (r["emp"], r["amount"], r["date"])
        dup = 1.0 if key in seen else 0.0
        seen.add(key)
        a = r["amount"]
        rnd = 1.0 if a >= 10 and a % 10 == 0 else 0.5 if a == int(a) else 0.0
        out[r["id"]] = z + dup + rnd
    return out


def roc_auc(sc, pos):
    """Mann-Whitney AUC with average ranks for ties."""
    items = sorted(sc.items(), key=lambda kv: kv[1])
    rank_sum, i, n = 0.0, 0, len(items)
    while i < n:
        j = i
        while j + 1 < n and items[j + 1][1] == items[i][1]:
            j += 1
        avg = (i + j) / 2 + 1
        rank_sum += avg * sum(1 for k in range(i, j + 1) if items[k][0] in pos)
        i = j + 1
    npos, nneg = len(pos), n - len(pos)
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg) if npos and nneg else None


def metrics(score, truth, ids):
    """score: id -> float (None or missing ranks last); truth: id -> kind; ids: the expenses evaluated."""
    sc = {i: (score.get(i) if score.get(i) is not None else -math.inf) for i in ids}
    order = sorted(ids, key=lambda i: (-sc[i], i))
    n = len(order)
    k1, k2 = max(1, round(n * .01)), max(1, round(n * .02))
    is_f = {i: truth[i] in FRAUD_KINDS for i in ids}
    pos = {i for i in ids if is_f[i]}
    top2 = set(order[:k2])
    hits, ap = 0, 0.0
    for rank, i in enumerate(order, 1):
        if is_f[i]:
            hits += 1
            ap += hits / rank
    kinds = {}
    for i in ids:
        kinds.setdefault(truth[i], []).append(i)
    share = {k: round(sum(1 for i in v if i in top2) / len(v), 4) for k, v in sorted(kinds.items())}
    decoys = [i for i in ids if truth[i].startswith("decoy_")]
    auc = roc_auc(sc, pos)
    return dict(
        n=n, frauds=len(pos), prevalence=round(len(pos) / n, 4), top1_k=k1, top2_k=k2,
        precision_top1=round(sum(is_f[i] for i in order[:k1]) / k1, 4),
        precision_top2=round(len(top2 & pos) / k2, 4),
        recall_top2=round(len(top2 & pos) / len(pos), 4) if pos else None,
        recall_top2_by_kind={k: share[k] for k in FRAUD_KINDS if k in share},
        average_precision=round(ap / len(pos), 4) if pos else None,
        roc_auc=round(auc, 4) if auc is not None else None,
        decoy_in_top2=round(sum(1 for i in decoys if i in top2) / len(decoys), 4) if decoys else None,
        decoy_in_top2_by_kind={k: v for k, v in share.items() if k.startswith("decoy_")},
        normal_in_top2=share.get("normal"),
        unscored=sum(1 for i in ids if score.get(i) is None))


def fmt(v):
    return "   -  " if v is None else f"{v:6.3f}"


def report(results, truth):
    cols = list(results)
    print("\n== Summary (ranking by score desc, ties by expense_id) ==")
    print(f"{'method':40} {'n':>6} {'P@1%':>6} {'P@2%':>6} {'R@2%':>6} {'AP':>6} {'ROCAUC':>6} {'decoy@2%':>8} {'normal@2%':>9}")
    for name, m in results.items():
        print(f"{name:40} {m['n']:6d} {fmt(m['precision_top1'])} {fmt(m['precision_top2'])} {fmt(m['recall_top2'])} "
              f"{fmt(m['average_precision'])} {fmt(m['roc_auc'])} {fmt(m['decoy_in_top2']):>8} {fmt(m['normal_in_top2']):>9}")
    short = {c: f"[{k}]" for k, c in enumerate(cols, 1)}
    print("\nColumns below: " + "; ".join(f"{short[c]} {c}" for c in cols))
    kinds = sorted({k for k in truth.values()})
    print("\n== Recall in the top 2% per fraud kind ==")
    print(f"{'kind':26} {'lines':>6} " + " ".join(f"{short[c]:>6}" for c in cols))
    for k in FRAUD_KINDS:
        print(f"{k:26} {sum(1 for v in truth.values() if v == k):6d} "
              + " ".join(fmt(results[c]["recall_top2_by_kind"].get(k)) for c in cols))
    print("\n== Share of each legitimate kind in the top 2% (lower is better; random = 0.02) ==")
    print(f"{'kind':26} {'lines':>6} " + " ".join(f"{short[c]:>6}" for c in cols))
    for k in [k for k in kinds if k.startswith("decoy_")] + ["normal"]:
        src = "decoy_in_top2_by_kind" if k != "normal" else None
        print(f"{k:26} {sum(1 for v in truth.values() if v == k):6d} "
              + " ".join(fmt(results[c][src].get(k) if src else results[c]["normal_in_top2"]) for c in cols))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="/tmp")
    ap.add_argument("--port", type=int, default=5432)
    ap.add_argument("--dbname", default="acfe")
    ap.add_argument("--user")
    ap.add_argument("--psql", default="psql")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--label-share", type=float, default=0.2)
    ap.add_argument("--json")
    a = ap.parse_args()
    pg = Psql(a)

    global FRAUD_KINDS
    with open(a.truth, newline="") as f:
        records = list(csv.DictReader(f))
    truth = {int(r["expense_id"]): r["kind"] for r in records}
    # Another generator's truth (gao_expenses.py) names its own kinds: its is_fraud column says which.
    if records and "is_fraud" in records[0]:
        FRAUD_KINDS = tuple(sorted({r["kind"] for r in records if r["is_fraud"].strip().lower() in ("true", "t", "1")}))
    rows = [dict(id=int(i), emp=e, date=d, cat=c, amount=float(t)) for i, e, d, c, t in pg.query(
        "SELECT id, employee_id, date, product_id, total_amount FROM odoo_mirror.hr_expense")]
    db_ids = {r["id"] for r in rows}
    if db_ids != set(truth):
        sys.exit(f"truth and database disagree: {len(set(truth) - db_ids)} truth ids missing from hr_expense, "
                 f"{len(db_ids - set(truth))} expenses without truth")
    ids = sorted(truth)
    rng = random.Random(a.seed)
    labelled = set(rng.sample(ids, round(len(ids) * a.label_share)))
    holdout = [i for i in ids if i not in labelled]
    out = dict(truth=a.truth, seed=a.seed, expenses=len(ids), labelled=len(labelled), holdout=len(holdout),
               kinds={k: sum(1 for v in truth.values() if v == k) for k in sorted(set(truth.values()))})

    print(f"{len(ids)} expenses, {sum(v in FRAUD_KINDS for v in truth.values())} fraud; run 1: no labels", flush=True)
    pg.run("TRUNCATE odoo_mirror.expense_labels;", csv_out=False)
    rep1, t1 = train(pg)
    s1, q1 = scores(pg)
    print(f"run 1: trained in {t1}s, scored in {q1}s; run 2: {len(labelled)} labels "
          f"({sum(truth[i] in FRAUD_KINDS for i in labelled)} fraud)", flush=True)
    set_labels(pg, {i: truth[i] in FRAUD_KINDS for i in labelled})
    rep2, t2 = train(pg)
    s2, q2 = scores(pg)
    print(f"run 2: trained in {t2}s, scored in {q2}s", flush=True)
    naive = naive_scores(rows)

    results = {
        "model, no labels (all)": metrics(s1, truth, ids),
        "naive rules (all)": metrics(naive, truth, ids),
        "model, no labels (80% holdout)": metrics(s1, truth, holdout),
        f"model, {round(a.label_share * 100)}% labels (80% holdout)": metrics(s2, truth, holdout),
        "naive rules (80% holdout)": metrics(naive, truth, holdout),
    }
    report(results, truth)
    for name, rep in (("run 1 (no labels)", rep1), ("run 2 (labels)", rep2)):
        text = json.dumps(rep, sort_keys=True)
        print(f"\n{name} train_fraud_model report ({len(text)} chars): {text[:1500]}{' ...' if len(text) > 1500 else ''}")
    out.update(results=results, runs=dict(
        unlabelled=dict(train_report=rep1, train_seconds=t1, score_seconds=q1),
        labelled=dict(train_report=rep2, train_seconds=t2, score_seconds=q2)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2, sort_keys=True)
        print(f"\nwrote {a.json}")


if __name__ == "__main__":
    main()
