#!/usr/bin/env python3
"""The external alternative to train_churn_model(), as a benchmark: a Python client that fetches the
invoices over the (Unix) socket, builds the same 16 features with pandas/numpy, fits scikit-learn's
logistic regression, calibrates it by Platt scaling on the holdout, reports the holdout ROC AUC and
log loss, then scores every customer as of the mirror's scoring date and writes the scores back with
COPY.

    python3 churn_sklearn.py --host /tmp --port 5432 --dbname bench [--as-of YYYY-MM-DD] \
        [--horizon 90] [--json out.json] [--repeat 3] [--compare-extension]

It reproduces the extension's model exactly, as odoo_mirror 0.6.0 defines it (src/ml/churn/features.rs,
model.rs, functions.rs, facts.sql, store.rs, src/ml/calibration.rs, src/ml/metrics.rs);
--compare-extension warns when the installed extension's rows differ:
  - rows: facts.sql with $1 = as_of + horizon (read from the source tree when it is there);
    amounts are absolute values, NaN/Infinity count 0, capped at 1e15; an unknown write_date dates
    nothing; a missing due date is the invoice date;
  - features as of a day T, labels "no customer invoice in (T, T + horizon]", rows = customers with a
    customer invoice in the 365 days up to T; training snapshots at as_of - horizon - k * 30
    (k = 0..3), the holdout at as_of; a training date with less than min_history_days (default: the
    horizon) of invoice history since the first posted customer invoice of the fetched rows is
    skipped (dates_with_history; --allow-short-history keeps them);
  - the typical gap is the median gap between distinct invoice dates, read from 3 or more dates
    (DATES_FOR_A_USUAL_GAP); gap_ratio = recency / max(gap, 7) (SHORTEST_USUAL_GAP_DAYS), and for a
    customer without a typical gap its model input is recency / max(fill, 7), fill being the median
    typical gap of the training rows;
  - model inputs (logs, the fill above), standardised by the training mean and population standard
    deviation (a scale below 1e-6 drops the feature); the payment features 12..15 are dropped when
    write_date does not date payments (PaymentDating: at least 20 invoices settled before the
    earliest training date, at most half of them last written after the holdout date);
  - L2 logistic regression on the summed log loss with alpha 1, i.e. scikit-learn's C = 1.0, fitted
    on the usable training snapshots merged;
  - Platt scaling on the whole holdout (ml::calibration::platt: Newton on slope and intercept of the
    raw logit, Platt's smoothed targets, step halving), which the scores use; the holdout metrics are
    cross-fitted as the extension reports them: "model" = each half of the holdout (even and odd
    positions in partner order) calibrated on the other, "model_uncalibrated" = sigmoid(raw logit);
    the recency and RFM baselines (features [0] and [0, 3, 5]) fitted and cross-fitted the same way,
    and the constant baseline.
Default --as-of: the scoring date (latest posted customer invoice date, or today if earlier) minus
the horizon, as the extension does. --tol defaults to 1e-5, the extension's stopping rule
(gradient norm per row below 1e-5); scikit-learn's own default is 1e-4.

Phases are timed separately with time.perf_counter: fetch (query and transfer, then decoding into
numpy arrays), features (every snapshot, labels, model inputs), fit (standardise, fit), calibrate
(holdout logits, Platt on the whole holdout, the cross-fitted and uncalibrated holdout metrics),
fit_baselines (the recency and RFM models and the constant the extension also judges, each
calibrated the same way), score (features as of the scoring date and calibrated probabilities; with
an --as-of earlier than the default it includes fetching the later invoices, also given as
score_fetch) and write (COPY of (partner_id, score) back into a table). training_total = fetch +
features + fit + calibrate + fit_baselines: the work train_churn_model() reports as
training_seconds. BLAS may use several threads (see versions.blas_threads; --blas-threads N limits
them); the extension trains in one backend process.

--compare-extension also runs, in a transaction that is rolled back (the database is left as it
was): odoo_mirror.train_churn_model(p_as_of, p_horizon_days, p_params) with this run's settings and
"activate": "never", reports its holdout_report (model, model_uncalibrated, baselines) beside this
script's, activates that model, and compares odoo_mirror.explain_churn(partner_id) feature by feature
(value and model_input) for a sample of customers, and odoo_mirror.churn_scores() for every customer,
with this script's numbers.

Dependencies: numpy, pandas, scikit-learn, psycopg[binary] (psycopg 3).
"""

import argparse
import datetime as dt
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

_MISSING = []
try:
    import numpy as np
except ImportError:
    _MISSING.append("numpy")
try:
    import pandas as pd
except ImportError:
    _MISSING.append("pandas")
try:
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
except ImportError:
    _MISSING.append("scikit-learn")
try:
    import psycopg
    from psycopg import pq
    from psycopg import sql as psql
except ImportError:
    _MISSING.append("psycopg[binary]")
if _MISSING:
    sys.exit(
        "churn_sklearn.py: missing Python package(s): "
        + ", ".join(_MISSING)
        + "\n  install them into a virtualenv, e.g.:\n"
        "    python3 -m venv target/bench-venv\n"
        "    target/bench-venv/bin/pip install numpy pandas scikit-learn 'psycopg[binary]'\n"
        "  and run this script with target/bench-venv/bin/python"
    )

# ---------------------------------------------------------------------------------------------------
# Constants, as in the extension.

PG_EPOCH = dt.date(2000, 1, 1)
UNIX_TO_PG_DAYS = (PG_EPOCH - dt.date(1970, 1, 1)).days  # 10957
DAY_LIMIT = 1_000_000  # spi::datum::DAY_LIMIT: dates beyond ±1e6 days of 2000 are not dates
UNKNOWN_DAY = DAY_LIMIT + 1  # a write_date that dates nothing: after every usable date
AMOUNT_LIMIT = 1e15  # store.rs AMOUNT_LIMIT

RECENT_DAYS, HALF_YEAR_DAYS, YEAR_DAYS = 90, 180, 365
FEATURE_NAMES = [
    "recency_days", "tenure_days", "invoices_90d", "invoices_365d", "revenue_90d", "revenue_365d",
    "revenue_trend", "frequency_trend", "typical_gap_days", "gap_ratio", "single_invoice",
    "refund_ratio", "days_late_avg", "late_share", "open_residual", "overdue_residual_share",
]
PAYMENT_FEATURES = range(12, 16)
PAID, REVERSED, OPEN = 0, 1, 2
SHORTEST_USUAL_GAP_DAYS = 7.0  # features.rs: the shortest gap a late customer is measured against
DATES_FOR_A_USUAL_GAP = 3  # features.rs: the fewest distinct invoice dates a typical gap is read from
MIN_SETTLED_TO_DATE_PAYMENTS = 20  # model.rs PaymentDating::usable
RECENCY_FEATURES, RFM_FEATURES = [0], [0, 3, 5]  # model.rs: the baselines' features
LOG_LOSS_EPSILON = 1e-12  # metrics.rs: probabilities clipped for the log loss

# store.rs FACTS_SQL: facts_columns.sql + facts.sql, read from the source tree.
FACTS_SQL_PARTS = [Path(__file__).resolve().parents[2] / "src" / "ml" / "churn" / name
                   for name in ("facts_columns.sql", "facts.sql")]

# store.rs SCORING_DATE_SQL: the mirror's today.
SCORING_DATE_SQL = (
    "SELECT LEAST(CURRENT_DATE, max(m.invoice_date)) - DATE '2000-01-01', CURRENT_DATE - DATE '2000-01-01' "
    "FROM odoo_mirror.account_move AS m "
    "WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')"
)

# Few distinct values: read as categories, each distinct text decoded once.
CATEGORIES = ("invoice_date", "move_type", "due", "payment_state", "reconciled_on")
DTYPES = {"partner": np.int64, "untaxed": np.float64, "total": np.float64, "residual": np.float64,
          "write_date": object, **{name: "category" for name in CATEGORIES}}
COLUMNS = ["partner", "invoice_date", "move_type", "untaxed", "total", "due", "write_date", "payment_state", "residual",
           "reconciled_on"]


def facts_query(until_day):
    """The extension's facts query with $1 bound (an integer, so inlined: COPY takes no parameters)."""
    text = "\n".join(part.read_text() for part in FACTS_SQL_PARTS)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    if body.count("$1") != 1:
        raise SystemExit(f"churn_sklearn.py: {FACTS_SQL_PARTS} no longer have exactly one $1")
    return body.replace("$1", str(int(until_day))).strip().rstrip(";")


def iso(day):
    return (PG_EPOCH + dt.timedelta(days=int(day))).isoformat()


def day_of(date_text):
    return (dt.date.fromisoformat(date_text) - PG_EPOCH).days


# ---------------------------------------------------------------------------------------------------
# Fetch and decode.


def fetch_copy(conn, until_day):
    """COPY (facts.sql) TO STDOUT, text format, into one buffer, through libpq's own calls
    (psycopg.pq): libpq hands over one row per call, and this loop costs less than psycopg's Copy
    iterator (--fetch copy-psycopg). Each row is appended to a bytearray at once: keeping a
    million memoryviews of libpq buffers costs twice the whole transfer."""
    conn.commit()  # idle: the COPY runs in a transaction of its own
    pgconn = conn.pgconn
    pgconn.send_query(f"COPY ({facts_query(until_day)}) TO STDOUT".encode())
    result = pgconn.get_result()
    if result is None or result.status != pq.ExecStatus.COPY_OUT:
        message = result.get_error_message() if result is not None else "no result"
        while pgconn.get_result() is not None:
            pass
        raise psycopg.DatabaseError(f"COPY of the facts failed: {message}")
    data = bytearray()
    get_copy_data = pgconn.get_copy_data
    while True:
        size, row = get_copy_data(0)  # blocking
        if size < 0:
            break
        data += row
    failure = None
    while (result := pgconn.get_result()) is not None:
        if result.status != pq.ExecStatus.COMMAND_OK:
            failure = result.get_error_message()
    if failure:
        raise psycopg.DatabaseError(f"COPY of the facts failed: {failure}")
    return data


def fetch_copy_psycopg(conn, until_day):
    """The same COPY through psycopg's Copy object (the documented way; slower per row)."""
    data = bytearray()
    with conn.cursor() as cur:
        with cur.copy(f"COPY ({facts_query(until_day)}) TO STDOUT") as copy:
            for row in copy:
                data += row
    return data


def frame_from_copy(data):
    """The COPY text rows as a frame: the partner as int64, amounts as float64 (NULL, NaN and
    ±Infinity as NaN: all count 0), the other columns as strings, NULL as missing."""
    amounts = ("untaxed", "total", "residual")
    options = dict(sep="\t", header=None, names=COLUMNS, keep_default_na=False, quoting=3, engine="c")
    try:
        return pd.read_csv(
            io.BytesIO(data),
            dtype=DTYPES,
            na_values={name: ["\\N", "NaN", "Infinity", "-Infinity"] if name in amounts else ["\\N"] for name in COLUMNS},
            **options,
        )
    except ValueError:  # an amount pandas cannot read as a float: every amount as text, parsed by float()
        return pd.read_csv(io.BytesIO(data), dtype=dict(DTYPES, untaxed=object, total=object, residual=object),
                           na_values=["\\N"], **options)


def fetch_cursor(conn, until_day, batch=50_000):
    """A server-side (named) cursor, every column loaded as text (psycopg cannot load infinite dates)."""
    from psycopg.types.string import TextLoader

    rows = []
    with conn.cursor(name="churn_facts") as cur:
        for type_name in ("date", "timestamp", "numeric"):
            cur.adapters.register_loader(type_name, TextLoader)
        cur.itersize = batch
        cur.execute(facts_query(until_day))
        while True:
            part = cur.fetchmany(batch)
            if not part:
                break
            rows.extend(part)
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


def _civil_days(year, month, day):
    """Days since 2000-01-01 of a proleptic Gregorian date (astronomical year)."""
    y = year - (month <= 2)
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 - UNIX_TO_PG_DAYS


def _slow_day(text):
    """A PostgreSQL ISO date or timestamp text pandas could not parse (infinity, BC, year > 9999):
    its day, or None when it is not a usable date (store.rs: finite_day / timestamp_day)."""
    text = text.strip()
    if text in ("infinity", "-infinity"):
        return None
    bc = text.endswith(" BC")
    if bc:
        text = text[:-3]
    date_part = text.split(" ")[0]
    year, month, day = (int(part) for part in date_part.rsplit("-", 2))
    if bc:
        year = 1 - year
    days = _civil_days(year, month, day)
    return days if -DAY_LIMIT <= days <= DAY_LIMIT else None


def parse_days(strings, fmt):
    """Days since 2000-01-01 (float64 array, NaN for NULL or unusable) of date/timestamp texts."""
    parsed = pd.to_datetime(strings, format=fmt, errors="coerce")
    values = np.asarray(parsed.values)
    unit, _ = np.datetime_data(values.dtype)
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}[unit]
    nat = np.isnat(values)
    days = np.where(nat, 0, values.view(np.int64) // per_day - UNIX_TO_PG_DAYS).astype(np.float64)
    days[nat] = np.nan
    texts = np.asarray(strings, dtype=object)
    for index in np.flatnonzero(nat & pd.notna(texts)):
        day = _slow_day(texts[index])
        days[index] = np.nan if day is None else day
    days[np.abs(days) > DAY_LIMIT] = np.nan
    return days


def parse_amounts(column):
    """|amount| as store.rs reads it: correctly rounded, NULL/NaN/±Infinity -> 0, at most 1e15.
    `column` holds floats (frame_from_copy) or texts (the cursor, or the fallback)."""
    values = np.asarray(column)
    if values.dtype == object:
        missing = pd.isna(values)
        values = np.where(missing, "0", values).astype(np.float64)  # float(): correctly rounded
    values = np.abs(values.astype(np.float64))
    values[~np.isfinite(values)] = 0.0
    return np.minimum(values, AMOUNT_LIMIT)


def categorical(column):
    """(codes, distinct values) of a column; code -1 for NULL."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    return column.cat.codes.to_numpy(), pd.Series(column.cat.categories.astype(object))


def category_days(column):
    """parse_days of a date column, each distinct date decoded once."""
    codes, values = categorical(column)
    table = np.append(parse_days(values, "%Y-%m-%d"), np.nan)  # code -1 (NULL) reads the last: NaN
    return table[codes]


def decode(frame):
    """The facts as numpy arrays, like store.rs::fact: rows without a usable invoice date dropped;
    partners as codes 0..P-1 in partner order, the row order within a partner kept."""
    date = category_days(frame["invoice_date"])
    keep = ~np.isnan(date)
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
        date = date[keep]
    due = category_days(frame["due"])
    # store.rs: payments dated by the invoice's last reconciliation when the mirror has it, else write_date.
    reconciled_on = category_days(frame["reconciled_on"])
    changed = np.where(np.isnan(reconciled_on), parse_days(frame["write_date"], "ISO8601"), reconciled_on)
    codes, states = categorical(frame["payment_state"])
    by_state = np.append(np.where(states.isin(["paid", "in_payment", "invoicing_legacy"]), PAID,
                                  np.where(states == "reversed", REVERSED, OPEN)), OPEN).astype(np.int8)
    settlement = by_state[codes]
    codes, types = categorical(frame["move_type"])
    refund = np.append((types == "out_refund").to_numpy(), False)[codes]
    partner = frame["partner"].to_numpy(np.int64)
    # facts.sql orders by partner: then the stable sort is skipped (it would change nothing).
    order = slice(None) if (partner[1:] >= partner[:-1]).all() else np.argsort(partner, kind="stable")
    partner = partner[order]
    ids, code = np.unique(partner, return_inverse=True)
    date = date.astype(np.int64)
    facts = {
        "code": code.astype(np.int64),
        "date": date[order],
        "refund": refund[order],
        "untaxed": parse_amounts(frame["untaxed"])[order],
        "total": parse_amounts(frame["total"])[order],
        "due": np.where(np.isnan(due), date, due).astype(np.int64)[order],
        "changed": np.where(np.isnan(changed), UNKNOWN_DAY, changed).astype(np.int64)[order],
        "settlement": settlement[order],
        "residual": parse_amounts(frame["residual"])[order],
        "reconciled": (~np.isnan(reconciled_on))[order],
    }
    # The same rows sorted by (partner, date): for first/last dates and the median gap. The index
    # facts.sql reads usually delivers them so already.
    code, date = facts["code"], facts["date"]
    same = code[1:] == code[:-1]
    if ((code[1:] > code[:-1]) | (same & (date[1:] >= date[:-1]))).all():
        by_date = slice(None)
    else:
        by_date = np.lexsort((date, code))
    facts["sorted_code"] = facts["code"][by_date]
    facts["sorted_date"] = facts["date"][by_date]
    facts["sorted_invoice"] = ~facts["refund"][by_date]
    return ids, facts


# ---------------------------------------------------------------------------------------------------
# Features (features.rs), vectorised: one pass of numpy per as-of day for every customer.


def features_as_of(facts, n_partners, as_of):
    """Every customer's features as of day `as_of` (features.rs::features_as_of), as a dict of arrays
    indexed by partner code; "has" marks customers with an invoice on or before the day."""
    P = n_partners
    code, date, refund = facts["code"], facts["date"], facts["refund"]
    untaxed = facts["untaxed"]
    upto = date <= as_of
    invoice = upto & ~refund
    age = as_of - date

    def count(mask):
        return np.bincount(code[mask], minlength=P).astype(np.float64)

    def total(mask, values):
        # bincount adds in row order, as the Rust loop does: the same float sums.
        return np.bincount(code[mask], weights=values[mask], minlength=P)

    n_invoices = count(invoice)
    recent = invoice & (age < RECENT_DAYS)
    year = invoice & (age < YEAR_DAYS)
    recent_half = invoice & (age < HALF_YEAR_DAYS)
    earlier_half = invoice & (age >= HALF_YEAR_DAYS) & (age < 2 * HALF_YEAR_DAYS)
    invoices_90d, revenue_90d = count(recent), total(recent, untaxed)
    invoices_365d, revenue_365d = count(year), total(year, untaxed)
    revenue_recent_half, count_recent_half = total(recent_half, untaxed), count(recent_half)
    revenue_earlier_half, count_earlier_half = total(earlier_half, untaxed), count(earlier_half)
    refunded_365d = total(upto & refund & (age < YEAR_DAYS), untaxed)

    # Payment behaviour, as known on the day.
    changed, due, settlement = facts["changed"], facts["due"], facts["settlement"]
    known = changed <= as_of
    settled = known & (settlement != OPEN)
    due_age = as_of - due
    paid_in_year = invoice & settled & (settlement == PAID) & (due_age >= 0) & (due_age < YEAR_DAYS)
    days_late = np.maximum(changed - due, 0).astype(np.float64)
    open_ = invoice & ~settled
    residual = np.where(known, np.minimum(facts["residual"], facts["total"]), facts["total"])
    open_due_in_year = open_ & (due_age > 0) & (due_age < YEAR_DAYS)
    late_days_sum = total(paid_in_year, days_late)
    paid_count = count(paid_in_year)
    late_count = count(paid_in_year & (days_late > 0)) + count(open_due_in_year)
    due_count = paid_count + count(open_due_in_year)
    open_residual = total(open_, residual)
    overdue_residual = total(open_ & (due_age > 0), residual)

    # First and last invoice dates, the median gap between distinct invoice dates.
    selected = facts["sorted_invoice"] & (facts["sorted_date"] <= as_of)
    c = facts["sorted_code"][selected]
    d = facts["sorted_date"][selected]
    first = np.zeros(P, dtype=np.int64)
    last = np.zeros(P, dtype=np.int64)
    if len(c):
        starts = np.r_[True, c[1:] != c[:-1]]
        ends = np.r_[c[1:] != c[:-1], True]
        first[c[starts]] = d[starts]
        last[c[ends]] = d[ends]
        distinct = starts | np.r_[True, d[1:] != d[:-1]]
        cu, du = c[distinct], d[distinct]
        same = cu[1:] == cu[:-1]
        gap_code, gaps = cu[1:][same], (du[1:] - du[:-1])[same]
    else:
        gap_code, gaps = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort((gaps, gap_code))
    gap_code, gaps = gap_code[order], gaps[order].astype(np.float64)
    n_gaps = np.bincount(gap_code, minlength=P)
    gap_start = np.cumsum(n_gaps) - n_gaps
    typical_gap = np.full(P, np.nan)
    with_gaps = n_gaps >= DATES_FOR_A_USUAL_GAP - 1  # one gap (two dates) is no habit
    middle = gap_start[with_gaps] + n_gaps[with_gaps] // 2
    odd = n_gaps[with_gaps] % 2 == 1
    upper = gaps[middle] if len(gaps) else np.zeros(0)
    lower = gaps[np.where(odd, middle, middle - 1)] if len(gaps) else np.zeros(0)
    typical_gap[with_gaps] = np.where(odd, upper, (lower + upper) / 2.0)

    recency = (as_of - last).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        refund_ratio = np.where(
            revenue_365d > 0.0,
            np.minimum(refunded_365d / np.where(revenue_365d > 0.0, revenue_365d, 1.0), 2.0),
            np.where(refunded_365d > 0.0, 2.0, 0.0),
        )
        days_late_avg = np.where(paid_count > 0, late_days_sum / np.maximum(paid_count, 1.0), 0.0)
        late_share = np.where(due_count > 0, late_count / np.maximum(due_count, 1.0), 0.0)
        overdue_share = np.where(
            open_residual > 0.0,
            np.minimum(overdue_residual / np.where(open_residual > 0.0, open_residual, 1.0), 1.0),
            0.0,
        )
    return {
        "has": n_invoices > 0,
        "recency_days": recency,
        "tenure_days": (as_of - first).astype(np.float64),
        "invoices_90d": invoices_90d,
        "invoices_365d": invoices_365d,
        "revenue_90d": revenue_90d,
        "revenue_365d": revenue_365d,
        # (1 + x).ln(), not ln_1p, as features.rs computes it.
        "revenue_trend": np.log(1.0 + np.maximum(revenue_recent_half, 0.0))
        - np.log(1.0 + np.maximum(revenue_earlier_half, 0.0)),
        "frequency_trend": np.log(1.0 + count_recent_half) - np.log(1.0 + count_earlier_half),
        "typical_gap_days": typical_gap,  # NaN: fewer than DATES_FOR_A_USUAL_GAP invoice dates
        "gap_ratio": recency / np.maximum(typical_gap, SHORTEST_USUAL_GAP_DAYS),  # NaN with the gap
        "refund_ratio": refund_ratio,
        "days_late_avg": days_late_avg,
        "late_share": late_share,
        "open_residual": open_residual,
        "overdue_residual_share": overdue_share,
    }


def readable(features, rows):
    """Features::readable: the explain_churn "value" of each feature (missing gaps read -1)."""
    out = np.empty((len(rows), 16))
    for index, name in enumerate(FEATURE_NAMES):
        if name == "single_invoice":
            out[:, index] = np.isnan(features["typical_gap_days"][rows]).astype(np.float64)
        else:
            value = features[name][rows]
            out[:, index] = np.where(np.isnan(value), -1.0, value) if index in (8, 9) else value
    return out


def model_inputs(features, rows, typical_gap_fill):
    """Features::model_inputs for the customers `rows`: a (len(rows), 16) matrix."""
    f = {name: values[rows] for name, values in features.items()}
    single = np.isnan(f["typical_gap_days"])
    gap = np.maximum(np.where(single, typical_gap_fill, f["typical_gap_days"]), 0.0)
    gap_ratio = np.where(np.isnan(f["gap_ratio"]), f["recency_days"] / np.maximum(gap, SHORTEST_USUAL_GAP_DAYS),
                         f["gap_ratio"])
    return np.column_stack([
        np.log1p(f["recency_days"]),
        np.log1p(f["tenure_days"]),
        np.log1p(f["invoices_90d"]),
        np.log1p(f["invoices_365d"]),
        np.log1p(np.maximum(f["revenue_90d"], 0.0)),
        np.log1p(np.maximum(f["revenue_365d"], 0.0)),
        f["revenue_trend"],
        f["frequency_trend"],
        np.log1p(gap),
        np.log1p(np.maximum(gap_ratio, 0.0)),
        single.astype(np.float64),
        f["refund_ratio"],
        np.log1p(np.maximum(f["days_late_avg"], 0.0)),
        f["late_share"],
        np.log1p(np.maximum(f["open_residual"], 0.0)),
        f["overdue_residual_share"],
    ])


def snapshot(facts, n_partners, as_of, horizon, active_window):
    """Snapshot::add for every customer: the active customers' features and churn labels."""
    code, date, invoice = facts["code"], facts["date"], ~facts["refund"]
    features = features_as_of(facts, n_partners, as_of)
    age = as_of - date
    active = np.bincount(code[invoice & (date <= as_of) & (age < active_window)], minlength=n_partners) > 0
    later = np.bincount(code[invoice & (date > as_of) & (date - as_of <= horizon)], minlength=n_partners)
    rows = np.flatnonzero(active & features["has"])
    return features, rows, later[rows] == 0


def payment_dating(facts, dated_before, written_after):
    """model.rs PaymentDating: (settled invoices dated before, of those dated by write_date and last
    written after, usable)."""
    settled = ~facts["refund"] & (facts["settlement"] != OPEN) & (facts["date"] < dated_before)
    count = int(settled.sum())
    after = int((settled & ~facts["reconciled"] & (facts["changed"] > written_after)).sum())
    return count, after, count >= MIN_SETTLED_TO_DATE_PAYMENTS and after * 2 <= count


def dates_with_history(training_dates, data_start, needed, allow_short_history):
    """TrainConfig::dates_with_history: the training dates with `needed` days of invoices since
    data_start (the first customer invoice of the fetched rows), latest first."""
    if allow_short_history:
        return list(training_dates)
    usable = [date for date in training_dates if date - data_start >= needed]
    if not usable:
        raise SystemExit(
            f"churn_sklearn.py: too little history: the invoices start on {iso(data_start)}, so none of the "
            f"{len(training_dates)} training snapshots has {needed} days of history before it (the first such date "
            f"is {iso(data_start + needed)}); the extension refuses too (use --allow-short-history or a later --as-of)"
        )
    return usable


def median(values):
    """model.rs median: the middle value, or the mean of the middle pair."""
    values = np.sort(values)
    if len(values) == 0:
        return None
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 == 1 else (float(values[middle - 1]) + float(values[middle])) / 2.0


class Standardised:
    """The training mean and population standard deviation of the used inputs (model.rs fit)."""

    def __init__(self, inputs, used):
        self.means = np.zeros(16)
        self.scales = np.zeros(16)
        for index in used:
            column = inputs[:, index]
            mean = column.sum() / len(column)
            std = np.sqrt(((column - mean) ** 2).sum() / len(column))
            self.means[index] = mean
            self.scales[index] = std if std >= 1e-6 else 0.0
        self.columns = [index for index in used if self.scales[index] > 0.0]

    def __call__(self, inputs):
        return (inputs[:, self.columns] - self.means[self.columns]) / self.scales[self.columns]


class Fitted:
    """A fitted logistic regression on standardised inputs, as model.rs ChurnModel stores it: weights
    (0 for unused or constant features) and intercept give the raw logit of churn; `slope` and
    `offset` are its Platt calibration (1 and 0 before calibration: the raw logit's sigmoid)."""

    def __init__(self, scaler, model, intercept=None):
        self.scaler = scaler
        self.model = model
        self.weights = np.zeros(16)
        if model is not None:
            # The stored weights always give P(churn), whichever class the solver calls positive.
            sign = 1.0 if model.classes_[1] else -1.0
            self.weights[scaler.columns] = sign * model.coef_[0]
            self.intercept = sign * float(model.intercept_[0])
        else:  # model.rs: a baseline whose features are constant keeps the model's intercept, weights 0
            self.intercept = intercept
        self.slope, self.offset = 1.0, 0.0

    def logits(self, inputs):
        """ChurnModel::logit: intercept + the sum of weight x standardised input, added up in feature
        order as the Rust adds them (the same floats, so that ties and near-ties rank the same)."""
        if self.model is None:
            return np.full(len(inputs), self.intercept)
        total = np.zeros(len(inputs))
        for column, values in zip(self.scaler.columns, self.scaler(inputs).T):
            total = total + self.weights[column] * values
        return self.intercept + total

    def probabilities(self, inputs):
        return sigmoid(self.slope * self.logits(inputs) + self.offset)


def fit(inputs, labels, used, args):
    """model.rs fit: the features `used`, standardised on the training rows; None when all are constant."""
    scaler = Standardised(inputs, used)
    if not scaler.columns:
        return None
    model = LogisticRegression(C=args.C, solver="lbfgs", max_iter=args.max_iter, tol=args.tol)
    model.fit(scaler(inputs), labels)
    return Fitted(scaler, model)


def ordered_sum(values, start=0.0):
    """start + values[0] + values[1] + ..., added in order as a Rust loop or Iterator::sum adds them
    (numpy's sum adds pairwise: other roundings, so Newton could stop one rounding apart)."""
    return float(np.cumsum(np.r_[start, values])[-1])


def sigmoid(logit):
    """ml::sigmoid, elementwise: no overflow at either end."""
    logit = np.asarray(logit, dtype=np.float64)
    e = np.exp(-np.abs(logit))
    return np.where(logit >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def platt(logits, labels):
    """calibration.rs platt: (slope, intercept) of sigmoid(slope * logit + intercept) by Newton's
    method on the log loss against Platt's smoothed targets, each step halved until the loss does
    not rise; None when a class is missing or the result is not finite."""
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    positives = float(labels.sum())
    negatives = float(len(labels)) - positives
    if positives == 0.0 or negatives == 0.0:
        return None
    targets = np.where(labels, (positives + 1.0) / (positives + 2.0), 1.0 / (negatives + 2.0))

    def loss(slope, intercept):
        z = slope * logits + intercept
        # log(1 + e^z) - target * z, stable for large |z| (the same operations as the Rust).
        return ordered_sum(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - targets * z)

    rate = positives / len(labels)
    slope, intercept = 1.0, float(np.log(rate / (1.0 - rate)))
    current = loss(slope, intercept)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(100):
            p = sigmoid(slope * logits + intercept)
            weight = p * (1.0 - p)
            residual = p - targets
            g_slope, g_intercept = ordered_sum(residual * logits), ordered_sum(residual)
            h_ss = ordered_sum(weight * logits * logits, 1e-9)
            h_si = ordered_sum(weight * logits)
            h_ii = ordered_sum(weight, 1e-9)
            determinant = h_ss * h_ii - h_si * h_si
            if not (np.isfinite(determinant) and determinant > 0.0):
                break
            step_slope = (h_ii * g_slope - h_si * g_intercept) / determinant
            step_intercept = (h_ss * g_intercept - h_si * g_slope) / determinant
            scale, improved = 1.0, False
            while scale > 1e-6:
                next_slope, next_intercept = slope - scale * step_slope, intercept - scale * step_intercept
                following = loss(next_slope, next_intercept)
                if np.isfinite(following) and following <= current:
                    improved = current - following > 1e-12 * max(abs(current), 1.0)
                    slope, intercept, current = next_slope, next_intercept, following
                    break
                scale /= 2.0
            if not improved:
                break
    return (slope, intercept) if np.isfinite(slope) and np.isfinite(intercept) else None


def cross_fitted(logits, labels):
    """calibration.rs cross_fitted: rows at even positions calibrated on the odd ones and the other
    way round; None when a half cannot be fitted."""
    even, odd = np.arange(0, len(logits), 2), np.arange(1, len(logits), 2)
    on_even, on_odd = platt(logits[odd], labels[odd]), platt(logits[even], labels[even])
    if on_even is None or on_odd is None:
        return None
    out = np.empty(len(logits))
    out[even] = sigmoid(on_even[0] * logits[even] + on_even[1])
    out[odd] = sigmoid(on_odd[0] * logits[odd] + on_odd[1])
    return out


def evaluate(scores, labels):
    """metrics.rs evaluate (the entries this script compares): ROC AUC (ties count one half), log
    loss (probabilities clipped to [1e-12, 1 - 1e-12]), Brier score, ECE over ten equal-count bins,
    and the mean prediction."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    both = labels.any() and not labels.all()
    clipped = np.clip(scores, LOG_LOSS_EPSILON, 1.0 - LOG_LOSS_EPSILON)
    order = np.argsort(scores, kind="stable")
    n = len(scores)
    bins = max(1, min(10, n))
    gaps = 0.0
    for b in range(bins):
        rows = order[b * n // bins:(b + 1) * n // bins]
        if len(rows):
            gaps += len(rows) * abs(ordered_sum(scores[rows]) / len(rows) - labels[rows].sum() / len(rows))
    return {
        "roc_auc": float(roc_auc_score(labels, scores)) if both else 0.5,
        "log_loss": ordered_sum(np.where(labels, -np.log(clipped), -np.log(1.0 - clipped))) / n if n else 0.0,
        "brier": ordered_sum((scores - labels) ** 2) / n if n else 0.0,
        "ece": gaps / n if n else 0.0,
        "mean_predicted": ordered_sum(scores) / n if n else 0.0,
    }


# ---------------------------------------------------------------------------------------------------
# Writing the scores back.


def copy_scores_binary(partners, scores):
    """The rows (partner_id int4, score float8) in COPY's binary format, built by numpy in one go."""
    row = np.dtype([("fields", ">i2"), ("len1", ">i4"), ("partner", ">i4"), ("len2", ">i4"), ("score", ">f8")])
    body = np.empty(len(partners), dtype=row)
    body["fields"], body["len1"], body["len2"] = 2, 4, 8
    body["partner"], body["score"] = partners, scores
    return b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8 + body.tobytes() + b"\xff\xff"


def write_scores(conn, table, temporary, partners, scores):
    target = psql.Identifier(*table.split("."))
    with conn.cursor() as cur:
        if temporary:
            cur.execute(psql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (partner_id int, score float8)").format(target))
        else:
            cur.execute(psql.SQL("CREATE TABLE IF NOT EXISTS {} (partner_id int, score float8)").format(target))
        cur.execute(psql.SQL("TRUNCATE {}").format(target))
        with cur.copy(psql.SQL("COPY {} (partner_id, score) FROM STDIN (FORMAT BINARY)").format(target)) as copy:
            copy.write(copy_scores_binary(partners, scores))
    conn.commit()


# ---------------------------------------------------------------------------------------------------
# One run.


def fetch(conn, until_day, method):
    """(ids, facts, rows fetched, seconds of the query and transfer, seconds of decoding)."""
    started = time.perf_counter()
    if method in ("copy", "copy-psycopg"):
        data = (fetch_copy if method == "copy" else fetch_copy_psycopg)(conn, until_day)
        transferred = time.perf_counter()
        frame = frame_from_copy(data)
    else:
        frame = fetch_cursor(conn, until_day)
        transferred = time.perf_counter()
    conn.commit()
    ids, facts = decode(frame)
    return ids, facts, len(frame), transferred - started, time.perf_counter() - transferred


def run_once(args, conn, as_of, data_end):
    t = {}
    horizon = args.horizon
    until = as_of + horizon
    ids, facts, fetched_rows, t["fetch_transfer"], t["fetch_decode"] = fetch(conn, until, args.fetch)
    t["fetch"] = t["fetch_transfer"] + t["fetch_decode"]
    P = len(ids)

    started = time.perf_counter()
    all_training_dates = [as_of - horizon - k * args.snapshot_step for k in range(args.snapshots)]
    invoice_dates = facts["date"][~facts["refund"]]
    if not len(invoice_dates):
        raise SystemExit("churn_sklearn.py: no posted customer invoice up to the labels' end (the extension refuses too)")
    data_start = int(invoice_dates.min())
    needed = horizon if args.min_history_days is None else args.min_history_days
    training_dates = dates_with_history(all_training_dates, data_start, needed, args.allow_short_history)
    training = [snapshot(facts, P, day, horizon, args.active_window) for day in training_dates]
    holdout_features, holdout_rows, holdout_labels = snapshot(facts, P, as_of, horizon, args.active_window)
    # PaymentDating reads every training date, the skipped ones too (functions.rs: the earliest of all).
    settled, written_after, use_payment = payment_dating(facts, min(all_training_dates), as_of)
    train_labels = np.concatenate([labels for _, _, labels in training])
    gaps = np.concatenate([features["typical_gap_days"][rows] for features, rows, _ in training])
    gaps = gaps[~np.isnan(gaps)]
    fill = median(gaps)
    typical_gap_fill = float(horizon) if fill is None else fill
    train_inputs = np.vstack([model_inputs(features, rows, typical_gap_fill) for features, rows, _ in training])
    holdout_inputs = model_inputs(holdout_features, holdout_rows, typical_gap_fill)
    t["features"] = time.perf_counter() - started

    train_rows, train_churned = len(train_labels), int(train_labels.sum())
    hold_rows, hold_churned = len(holdout_labels), int(holdout_labels.sum())
    if train_rows and hold_rows and train_churned == 0 and hold_churned == 0:
        raise SystemExit("churn_sklearn.py: every labelled customer stayed (the extension refuses too)")
    if train_rows and hold_rows and train_churned == train_rows and hold_churned == hold_rows:
        raise SystemExit("churn_sklearn.py: every labelled customer churned (the extension refuses too)")
    for rows, churned, what in ((train_rows, train_churned, "training"), (hold_rows, hold_churned, "holdout")):
        if rows < args.min_customers or churned < 10 or rows - churned < 10:
            raise SystemExit(
                f"churn_sklearn.py: too few labelled customers: the {what} rows are {rows} ({churned} churned), "
                f"at least {args.min_customers} and 10 of each class are needed (the extension refuses too)"
            )

    started = time.perf_counter()
    used = [index for index in range(16) if use_payment or index not in PAYMENT_FEATURES]
    model = fit(train_inputs, train_labels, used, args)
    if model is None:
        raise SystemExit(f"churn_sklearn.py: every feature is constant across the {train_rows} training rows (the extension refuses too)")
    t["fit"] = time.perf_counter() - started

    started = time.perf_counter()
    holdout_logits = model.logits(holdout_inputs)
    calibration = platt(holdout_logits, holdout_labels)
    if calibration is None or calibration[0] <= 0.0:
        raise SystemExit(f"churn_sklearn.py: the model cannot be calibrated on the holdout (Platt: {calibration}); the extension refuses too")
    model.slope, model.offset = calibration
    model_scores = cross_fitted(holdout_logits, holdout_labels)
    if model_scores is None:
        raise SystemExit("churn_sklearn.py: a half of the holdout has customers of one class only (the extension refuses too)")
    judged = {
        "model": evaluate(model_scores, holdout_labels),
        "model_uncalibrated": evaluate(sigmoid(holdout_logits), holdout_labels),
    }
    # Not a number the extension reports: the calibration fitted on the whole holdout, judged there.
    in_sample = evaluate(model.probabilities(holdout_inputs), holdout_labels)
    t["calibrate"] = time.perf_counter() - started

    started = time.perf_counter()
    for name, features in (("recency_baseline", RECENCY_FEATURES), ("rfm_baseline", RFM_FEATURES)):
        baseline = fit(train_inputs, train_labels, features, args) or Fitted(None, None, model.intercept)
        logits = baseline.logits(holdout_inputs)
        baseline_scores = cross_fitted(logits, holdout_labels)
        judged[name] = evaluate(sigmoid(logits) if baseline_scores is None else baseline_scores, holdout_labels)
    even, odd = holdout_labels[0::2], holdout_labels[1::2]
    constant = np.empty(hold_rows)
    constant[0::2] = odd.mean() if len(odd) else 0.0
    constant[1::2] = even.mean() if len(even) else 0.0
    judged["constant_baseline"] = evaluate(constant, holdout_labels)
    t["fit_baselines"] = time.perf_counter() - started

    started = time.perf_counter()
    if data_end > until:  # an earlier --as-of: the scoring date needs later invoices
        score_ids, score_facts, _, transfer, decode_seconds = fetch(conn, data_end, args.fetch)
        t["score_fetch"] = transfer + decode_seconds
    else:
        score_ids, score_facts = ids, facts
    score_features = features_as_of(score_facts, len(score_ids), data_end)
    scored = np.flatnonzero(score_features["has"])
    scores = model.probabilities(model_inputs(score_features, scored, typical_gap_fill))
    t["score"] = time.perf_counter() - started
    started = time.perf_counter()
    write_scores(conn, args.table, args.temp_table, score_ids[scored], scores)
    t["write"] = time.perf_counter() - started
    t["training_total"] = t["fetch"] + t["features"] + t["fit"] + t["calibrate"] + t["fit_baselines"]
    t["score_and_write"] = t["score"] + t["write"]

    result = {
        "seconds": t,
        "fetched_rows": fetched_rows,
        "customers": P,
        "data_start": iso(data_start),
        "training": {"rows": train_rows, "churned": train_churned},
        "holdout": {"rows": hold_rows, "churned": hold_churned},
        "roc_auc": judged["model_uncalibrated"]["roc_auc"],
        "log_loss": judged["model"]["log_loss"],
        "holdout_report": judged,
        "calibration": {"slope": model.slope, "intercept": model.offset,
                        "holdout_churn_rate": hold_churned / hold_rows,
                        "calibrated_on_whole_holdout": in_sample},
        "payment_features": {"used": use_payment, "settled_invoices_checked": settled,
                             "last_written_after_holdout_date": written_after},
        "typical_gap_fill": typical_gap_fill,
        "n_iter": int(model.model.n_iter_[0]),
        "weights": model.weights.tolist(),
        "intercept": model.intercept,
        "scored_customers": int(len(scored)),
        "training_dates": [iso(day) for day in training_dates],
        "skipped_training_dates": [iso(day) for day in all_training_dates if day not in training_dates],
    }
    state = {"score_ids": score_ids, "score_features": score_features, "scored": scored, "scores": scores,
             "typical_gap_fill": typical_gap_fill, "holdout_features": holdout_features,
             "holdout_rows": holdout_rows, "holdout_labels": holdout_labels}
    return result, state


# ---------------------------------------------------------------------------------------------------
# The extension's numbers, for comparison.


def extension_params(args):
    """This run's settings as train_churn_model's p_params (model.rs TrainConfig keys)."""
    params = {"activate": "never", "snapshots": args.snapshots, "snapshot_step_days": args.snapshot_step,
              "active_window_days": args.active_window, "min_customers": args.min_customers,
              "max_iterations": args.max_iter, "l2": 1.0 / args.C}
    if args.min_history_days is not None:
        params["min_history_days"] = args.min_history_days
    if args.allow_short_history:
        params["allow_short_history"] = True
    return params


REPORT_KEYS = ("roc_auc", "log_loss", "brier", "ece", "mean_predicted")


def compare_with_extension(args, conn, result, state, as_of, sample):
    report = {}
    with conn.transaction(force_rollback=True), conn.cursor() as cur:
        params = extension_params(args)
        started = time.perf_counter()
        cur.execute(
            "SELECT odoo_mirror.train_churn_model(p_as_of => %s::date, p_horizon_days => %s, p_params => %s::jsonb)",
            (iso(as_of), args.horizon, json.dumps(params)),
        )
        trained = cur.fetchone()[0]
        report["train_churn_model_seconds_wall"] = time.perf_counter() - started
        report["training_seconds"] = trained.get("training_seconds")
        report["p_params"] = params
        for key in ("training", "holdout", "training_dates", "skipped_training_dates", "payment_features"):
            report[key] = trained.get(key)
        holdout_report = trained.get("holdout_report") or {}
        report["holdout_report"] = {
            name: {key: (entry.get("metrics") or {}).get(key, entry.get(key)) for key in REPORT_KEYS}
            for name, entry in holdout_report.items()
        }
        report["roc_auc"] = report["holdout_report"].get("model_uncalibrated", {}).get("roc_auc")
        report["log_loss"] = report["holdout_report"].get("model", {}).get("log_loss")
        report["calibration"] = trained.get("calibration")
        report["weights"] = trained.get("weights")
        cur.execute("SELECT model FROM odoo_mirror.ml_models WHERE kind = 'churn' AND version = %s", (trained["version"],))
        stored = cur.fetchone()[0]
        report["typical_gap_fill"] = stored.get("typical_gap_fill")
        report["intercept"] = stored.get("intercept")
        cur.execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'odoo_mirror'")
        report["extension_version"] = cur.fetchone()[0]
        same_rows = all(
            (report.get(key) or {}).get(field) == result[key][field]
            for key in ("training", "holdout") for field in ("rows", "churned")
        ) and report.get("training_dates") == result["training_dates"]
        report["same_rows_and_labels"] = same_rows
        report["same_typical_gap_fill"] = report["typical_gap_fill"] == result["typical_gap_fill"]
        if not same_rows:
            report["warning"] = (
                "the extension's training dates, training or holdout rows differ from this script's: its model "
                "definition is not the one this script reproduces (src/ml/churn as of odoo_mirror 0.6.0), so the "
                "numbers below differ"
            )
            print(f"churn_sklearn.py: warning: {report['warning']}", file=sys.stderr)
        report["difference"] = {
            name: {key: result["holdout_report"][name][key] - theirs[key]
                   for key in REPORT_KEYS if theirs.get(key) is not None}
            for name, theirs in report["holdout_report"].items() if name in result["holdout_report"]
        }
        # This script's calibration and metrics on the extension's own raw logits (its stored weights
        # on this script's features): what is left of the differences above is the solver's.
        inputs = model_inputs(state["holdout_features"], state["holdout_rows"], stored["typical_gap_fill"])
        scales, means, weights = (np.array(stored[key], dtype=np.float64) for key in ("scales", "means", "weights"))
        total = np.zeros(len(inputs))
        for index in range(16):
            if scales[index] > 0.0:
                total = total + weights[index] * ((inputs[:, index] - means[index]) / scales[index])
        logits, labels = stored["intercept"] + total, state["holdout_labels"]
        calibration, crossed = platt(logits, labels), cross_fitted(logits, labels)
        theirs_model, theirs_raw = report["holdout_report"].get("model", {}), report["holdout_report"].get("model_uncalibrated", {})
        if calibration is not None and crossed is not None:
            mine_model, mine_raw = evaluate(crossed, labels), evaluate(sigmoid(logits), labels)
            ext_calibration = stored.get("calibration") or {}
            report["on_the_extensions_logits"] = {
                "platt_slope_diff": calibration[0] - ext_calibration.get("slope", np.nan),
                "platt_intercept_diff": calibration[1] - ext_calibration.get("intercept", np.nan),
                "model": {key: mine_model[key] - theirs_model[key] for key in REPORT_KEYS if theirs_model.get(key) is not None},
                "model_uncalibrated": {key: mine_raw[key] - theirs_raw[key] for key in REPORT_KEYS if theirs_raw.get(key) is not None},
            }
        cur.execute("SELECT odoo_mirror.activate_model('churn', %s)", (trained["version"],))

        ids = state["score_ids"]
        position = {int(pid): index for index, pid in enumerate(ids)}
        features = state["score_features"]
        worst_value = worst_input = 0.0
        mismatches = []
        checked = without_history = 0
        for pid in sample:
            cur.execute("SELECT odoo_mirror.explain_churn(%s)", (int(pid),))
            explanation = cur.fetchone()[0]
            index = position.get(int(pid))
            mine = None if index is None or not features["has"][index] else index
            if explanation is None or mine is None:
                if (explanation is None) != (mine is None):
                    mismatches.append({"partner_id": int(pid), "extension": explanation is not None, "script": mine is not None})
                else:
                    without_history += 1  # NULL from both: no invoice on or before the scoring date
                continue
            checked += 1
            rows = np.array([mine])
            values = readable(features, rows)[0]
            # The extension's own fill, so that the model inputs compare the features, not the two fills.
            inputs = model_inputs(features, rows, report["typical_gap_fill"])[0]
            for item in explanation["features"]:
                f = FEATURE_NAMES.index(item["feature"])
                dv = abs(item["value"] - values[f])
                di = abs(item["model_input"] - inputs[f])
                worst_value, worst_input = max(worst_value, dv), max(worst_input, di)
                if dv > args.tolerance or di > args.tolerance:
                    mismatches.append({"partner_id": int(pid), "feature": item["feature"],
                                       "extension": [item["value"], item["model_input"]],
                                       "script": [values[f], inputs[f]]})
        report["explain_churn"] = {"customers_checked": checked, "null_for_both": without_history,
                                   "tolerance": args.tolerance,
                                   "max_abs_diff_value": worst_value, "max_abs_diff_model_input": worst_input,
                                   "mismatches": mismatches[:20], "mismatch_count": len(mismatches)}

        cur.execute("SELECT partner_id, score FROM odoo_mirror.churn_scores()")
        theirs = dict(cur.fetchall())
        mine = dict(zip((int(pid) for pid in ids[state["scored"]]), state["scores"]))
        common = sorted(set(theirs) & set(mine))
        diffs = np.array([abs(theirs[pid] - mine[pid]) for pid in common]) if common else np.zeros(1)
        report["churn_scores"] = {"extension_customers": len(theirs), "script_customers": len(mine),
                                  "common": len(common), "max_abs_diff": float(diffs.max()),
                                  "mean_abs_diff": float(diffs.mean())}
    return report


def sample_customers(state, count):
    """Deterministic: evenly spread customers with history, plus customers without a typical gap
    (one or two invoice dates), with a gap under a week, with refunds, with overdue amounts."""
    features, scored, ids = state["score_features"], state["scored"], state["score_ids"]
    picks = list(scored[np.linspace(0, len(scored) - 1, num=min(count, len(scored))).astype(int)])
    no_gap = scored[np.isnan(features["typical_gap_days"][scored])]
    one_date = no_gap[features["tenure_days"][no_gap] == features["recency_days"][no_gap]]
    two_dates = no_gap[features["tenure_days"][no_gap] != features["recency_days"][no_gap]]
    short_gap = scored[features["typical_gap_days"][scored] < SHORTEST_USUAL_GAP_DAYS]
    refunds = scored[features["refund_ratio"][scored] > 0]
    open_late = scored[features["overdue_residual_share"][scored] > 0]
    without_history = np.flatnonzero(~features["has"])  # explain_churn gives NULL for them
    for group in (one_date, two_dates, short_gap, refunds, open_late, without_history):
        picks += list(group[:3])
    return [int(ids[index]) for index in dict.fromkeys(picks)]


# ---------------------------------------------------------------------------------------------------


def versions(conn):
    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "psycopg": psycopg.__version__,
        "psycopg_impl": psycopg.pq.__impl__,
        "libpq": psycopg.pq.version(),
        "server": conn.info.parameter_status("server_version"),
    }
    try:
        import scipy

        info["scipy"] = scipy.__version__
    except ImportError:
        pass
    try:
        from threadpoolctl import threadpool_info

        info["blas_threads"] = [(pool.get("internal_api"), pool.get("num_threads")) for pool in threadpool_info()]
    except ImportError:
        pass
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("PGHOST", "/tmp"), help="socket directory (or host)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PGPORT", 5432)))
    parser.add_argument("--dbname", default=os.environ.get("PGDATABASE", "bench"))
    parser.add_argument("--user", default=os.environ.get("PGUSER"))
    parser.add_argument("--as-of", help="holdout date YYYY-MM-DD (default: scoring date - horizon)")
    parser.add_argument("--horizon", type=int, default=90)
    parser.add_argument("--snapshots", type=int, default=4)
    parser.add_argument("--snapshot-step", type=int, default=30)
    parser.add_argument("--active-window", type=int, default=365)
    parser.add_argument("--min-customers", type=int, default=50)
    parser.add_argument("--min-history-days", type=int,
                        help="days of invoice history a training date needs (extension default: the horizon)")
    parser.add_argument("--allow-short-history", action="store_true",
                        help="keep training dates with less history (p_params.allow_short_history)")
    parser.add_argument("--C", type=float, default=1.0, help="inverse L2 strength (extension: l2 = 1 -> C = 1)")
    parser.add_argument("--max-iter", type=int, default=200, help="the extension's max_iterations default")
    parser.add_argument("--tol", type=float, default=1e-5, help="lbfgs gtol (extension: 1e-5 per row; sklearn default 1e-4)")
    parser.add_argument("--fetch", choices=("copy", "copy-psycopg", "cursor"), default="copy",
                        help="COPY TO STDOUT read by libpq calls (fastest), the same through psycopg's Copy, or a server-side cursor")
    parser.add_argument("--table", default="public.sklearn_churn_scores", help="where the scores are written")
    parser.add_argument("--temp-table", action="store_true", help="write into a TEMP table instead")
    parser.add_argument("--blas-threads", type=int, help="limit BLAS/OpenMP threads (threadpoolctl)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs; the JSON gives each and the median")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--compare-extension", action="store_true",
                        help="compare with train_churn_model, explain_churn and churn_scores (rolled back)")
    parser.add_argument("--compare-customers", type=int, default=20)
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    if args.temp_table and args.table == "public.sklearn_churn_scores":
        args.table = "sklearn_churn_scores"

    started = time.perf_counter()
    conn = psycopg.connect(host=args.host, port=args.port, dbname=args.dbname, user=args.user,
                           application_name="churn_sklearn")
    connect_seconds = time.perf_counter() - started
    with conn.cursor() as cur:
        cur.execute("SET DateStyle = ISO")
        cur.execute(SCORING_DATE_SQL)
        latest, current_date = cur.fetchone()
    conn.commit()
    if latest is None:
        raise SystemExit("churn_sklearn.py: no posted customer invoices in odoo_mirror.account_move")
    data_end = latest
    as_of = day_of(args.as_of) if args.as_of else data_end - args.horizon
    if as_of > current_date:
        raise SystemExit(f"churn_sklearn.py: --as-of {iso(as_of)} is after today ({iso(current_date)})")
    if as_of + args.horizon > data_end:
        raise SystemExit(
            f"churn_sklearn.py: labels for {iso(as_of)} need invoices up to {iso(as_of + args.horizon)}, but the "
            f"posted customer invoices end on {iso(data_end)}: use --as-of {iso(data_end - args.horizon)} or earlier"
        )

    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads)
    runs = []
    state = None
    for _ in range(args.repeat):
        result, state = run_once(args, conn, as_of, data_end)
        runs.append(result)
    last = runs[-1]
    phases = list(last["seconds"])
    output = {
        "method": f"psycopg 3 {args.fetch} over {'a Unix socket' if args.host.startswith('/') else 'TCP'}, "
                  "pandas/numpy features, scikit-learn LogisticRegression(lbfgs), Platt scaling (numpy Newton)",
        "as_of": iso(as_of),
        "scoring_date": iso(data_end),
        "horizon_days": args.horizon,
        "training_dates": last["training_dates"],
        "params": {"C": args.C, "solver": "lbfgs", "max_iter": args.max_iter, "tol": args.tol, "fetch": args.fetch,
                   "snapshots": args.snapshots, "snapshot_step_days": args.snapshot_step,
                   "active_window_days": args.active_window,
                   "min_history_days": args.horizon if args.min_history_days is None else args.min_history_days,
                   "allow_short_history": args.allow_short_history, "table": args.table, "temp_table": args.temp_table,
                   "blas_threads": args.blas_threads},
        "connect_seconds": connect_seconds,
        "seconds_median": {phase: statistics.median(run["seconds"].get(phase, 0.0) for run in runs) for phase in phases},
        "runs": [run["seconds"] for run in runs],
        **{key: value for key, value in last.items() if key not in ("seconds", "training_dates", "skipped_training_dates")},
        "skipped_training_dates": last["skipped_training_dates"],
        "versions": versions(conn),
    }
    if args.compare_extension:
        output["extension"] = compare_with_extension(args, conn, last, state, as_of,
                                                     sample_customers(state, args.compare_customers))
    conn.close()

    text = json.dumps(output, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
