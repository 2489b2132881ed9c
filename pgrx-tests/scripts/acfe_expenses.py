#!/usr/bin/env python3
"""Independent expense data generator for evaluating odoo_mirror's expense fraud model.

Writes a psql script (COPY blocks into odoo_mirror.res_currency, res_company, hr_employee,
hr_expense_sheet, hr_expense; Odoo 17 semantics) and a ground-truth CSV (expense_id,kind,is_fraud).

The fraud is modelled on the expense reimbursement schemes of the Association of Certified Fraud
Examiners (ACFE, "Report to the Nations: Occupational Fraud" and the Fraud Examiners Manual, section
"Expense Reimbursement Schemes"): mischaracterized expenses, overstated expenses, fictitious expenses
and multiple reimbursements, plus purchases split to stay under an approval limit (an ACFE red flag for
both expense and purchasing fraud). It was written without reading the model under test. Legitimate
but unusual claims ("decoys") check that the model does not just flag whatever is rare.

Usage: python3 acfe_expenses.py --employees 1500 --seed 7 --sql OUT.sql --truth OUT.csv [--end-date 2026-11-30]
Standard library only; deterministic for a given seed.
"""
import argparse
import collections
import csv
import datetime as dt
import json
import math
import random
from types import SimpleNamespace

D = dt.timedelta
LIMIT = 500.0          # approval limit that split purchases stay under
FRAUD_SHARE = 0.015    # share of lines that are fraud
EUR, USD, GBP, CHF = 1, 2, 3, 4
CURRENCIES = [(EUR, "EUR", "Euro", "€", 1.0), (USD, "USD", "US Dollar", "$", 0.92),
              (GBP, "GBP", "Pound Sterling", "£", 1.17), (CHF, "CHF", "Swiss Franc", "CHF", 1.05)]
RATE = {c[0]: c[4] for c in CURRENCIES}

# id: (product name, median EUR, log-sigma, VAT rate, share of whole-euro amounts, labels, vendors)
CATS = {
    1: ("Meals", 24, .50, .10, .10, ["Lunch", "Dinner", "Breakfast", "Sandwich and coffee", "Dinner on trip"],
        ["Trattoria Roma", "Le Petit Bistro", "Brasserie du Port", "Pret A Manger", "Sushi Kyo", "Cafe Central", "Burger & Co"]),
    2: ("Hotel", 118, .30, .10, .05, ["Hotel", "Hotel stay", "Accommodation"],
        ["Ibis", "Novotel", "Mercure", "Holiday Inn Express", "NH Hotels", "Hilton Garden Inn", "Motel One"]),
    3: ("Airfare", 230, .45, 0, .15, ["Flight", "Return flight", "Flight ticket"],
        ["Lufthansa", "Air France", "KLM", "easyJet", "Iberia", "SWISS", "Vueling"]),
    4: ("Taxi", 26, .55, .10, .25, ["Taxi airport to hotel", "Taxi hotel to client", "Taxi to station", "Uber to office", "Taxi"],
        ["G7", "Uber", "FreeNow", "Bolt", "Taxi Berlin", "Cabify"]),
    5: ("Mileage", 0, 0, 0, 0, ["Mileage", "Car trip to client", "Mileage own car"], [""]),
    6: ("Phone", 38, .30, .20, 0, ["Mobile phone bill", "Roaming charges", "Internet home office"],
        ["Orange", "Vodafone", "Telekom", "Free", "O2"]),
    7: ("Parking", 12, .65, .20, .30, ["Parking", "Airport parking", "Parking client site"],
        ["Indigo", "Q-Park", "APCOA", "Interparking"]),
    8: ("Office supplies", 29, .80, .20, .05, ["Printer ink", "Notebooks and pens", "USB-C adapter", "Keyboard", "Cables", "Headset"],
        ["Staples", "Office Depot", "Amazon Business", "Bureau Vallee", "Viking"]),
    9: ("Conference fees", 380, .50, .20, .60, ["Conference registration", "Trade fair ticket", "Workshop fee"],
        ["Web Summit", "VivaTech", "CeBIT Events", "Gartner", "Salon Industrie"]),
    10: ("Client entertainment", 125, .55, .10, .10, ["Client dinner", "Client lunch", "Drinks with prospect"],
         ["La Maison", "Steakhouse 21", "Osteria Nonna", "Le Comptoir", "The Ivy"]),
    11: ("Fuel", 62, .30, .20, .05, ["Fuel", "Diesel refill"], ["Total", "Shell", "BP", "Esso", "Aral"]),
    12: ("Training", 290, .65, .20, .50, ["Online course", "Certification exam", "Training session", "Books"],
         ["Coursera", "Udemy", "PMI", "Cegos", "O'Reilly", "Linux Foundation"]),
}
FAKE_VENDORS = ["JM Business Services", "ProConsult Partners", "Eurotech Supplies SARL", "A1 Office Solutions",
                "Metro Events Ltd", "Premier Training Group", "K&L Trading", "City Cab Services", "Global Expo Services"]
# id: (department, share of staff, trips/year, local claims/month, local category weights, role)
DEPTS = {
    1: ("Sales", .22, 4.2, 1.3, {10: 4, 1: 3, 11: 2, 7: 2, 6: 1, 4: 1}, "Account Executive"),
    2: ("Consulting", .15, 3.4, .8, {1: 3, 4: 2, 7: 2, 11: 1, 12: 1, 8: 1}, "Consultant"),
    3: ("Engineering", .22, .6, .33, {8: 4, 12: 3, 1: 1, 9: 1}, "Engineer"),
    4: ("Marketing", .10, 1.7, .65, {9: 2, 10: 2, 1: 2, 8: 2, 4: 1}, "Marketing Manager"),
    5: ("Finance & Admin", .13, .2, .26, {8: 4, 12: 2, 1: 1, 7: 1}, "Accountant"),
    6: ("Operations", .13, .9, .65, {11: 4, 5: 4, 7: 2, 1: 1}, "Field Technician"),
    7: ("Management", .05, 3.4, 1.05, {10: 4, 1: 2, 4: 2, 7: 1, 6: 1}, "Director"),
}
SENIORITY = [("Junior", .30, .85), ("Confirmed", .40, 1.0), ("Senior", .22, 1.2), ("Lead", .08, 1.45)]
DOMESTIC = [("Paris", 1.25), ("Lyon", 1.0), ("Berlin", 1.05), ("Munich", 1.2), ("Madrid", .95), ("Milan", 1.1),
            ("Amsterdam", 1.2), ("Brussels", 1.1), ("Lille", .9), ("Hamburg", 1.05)]
FOREIGN = [("London", 1.35, GBP), ("Zurich", 1.5, CHF), ("New York", 1.5, USD), ("Boston", 1.35, USD), ("Geneva", 1.45, CHF)]
FIRST = "Anna Marc Julie Thomas Sarah Lukas Laura David Emma Paul Lea Hugo Clara Jonas Marie Louis Sofia Felix Chloe Max " \
        "Ines Noah Elena Adam Lina Victor Nora Oscar Alice Leon Eva Samuel Zoe Karim Maya Pierre Ida Tom Rosa Igor".split()
LAST = "Martin Muller Bernard Schmidt Dubois Fischer Moreau Weber Laurent Meyer Simon Wagner Michel Becker Lefebvre " \
       "Hoffmann Garcia Rossi Roux Klein Fournier Wolf Girard Neumann Bonnet Lopez Russo Dupont Keller Lambert".split()


def is_off(d):
    """Weekend or a common European public holiday."""
    return d.weekday() >= 5 or (d.month, d.day) in {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11),
                                                    (12, 24), (12, 25), (12, 26), (12, 31)}


def fx(cur, d):
    """Daily exchange rate to EUR, wobbling a few percent."""
    return 1.0 if cur == EUR else RATE[cur] * (1 + .03 * math.sin(d.toordinal() / 29.0 + cur))


class Gen:
    def __init__(self, n_emp, seed, end):
        self.r = random.Random(seed)
        self.end, self.start = end, end - D(days=730)
        self.n_emp, self.scale = n_emp, n_emp / 1500.0
        self.lines, self.groups, self.emps = [], {}, []

    # ---------- helpers ----------
    def logn(self, median, sigma):
        return median * math.exp(sigma * self.r.gauss(0, 1))

    def delay(self, e):
        return max(0, int(self.r.lognormvariate(math.log(e.delay), .6)))

    def window(self, e):
        return max(self.start, e.hire), min(self.end, e.leave or self.end)

    def pick_date(self, e, off=None):
        """A date in the employee's window; off=True a weekend/holiday, off=False a working day."""
        lo, hi = self.window(e)
        for _ in range(50):
            d = lo + D(days=self.r.randint(0, max(0, (hi - lo).days)))
            if off is None or is_off(d) == off:
                return d
        return d

    def amount(self, cat, e, mult=1.0):
        _, med, sig, _, _, _, _ = CATS[cat]
        return self.logn(med * mult * e.sen_mult * e.style, sig)

    def group(self, key, e, due, title, late=False):
        if key not in self.groups:
            self.groups[key] = dict(emp=e, due=min(due, self.end + D(days=400)), title=title, refused=False, late=late)
        return key

    def month_group(self, e, d):
        nxt = (d.replace(day=1) + D(days=32)).replace(day=1)
        return self.group(("m", e.id, d.year, d.month), e, nxt + D(days=self.delay(e)), f"Expenses {d:%B %Y}")

    def own_group(self, e, d, title):
        return self.group(("o", len(self.groups)), e, d + D(days=self.delay(e) + 1), title)

    def add(self, e, d, cat, eur, grp, kind="normal", name=None, desc=None, cur=EUR, whole=None, km=None):
        """One expense line; eur is the amount in company currency, converted to cur on the line."""
        r = self.r
        c = CATS[cat]
        d = min(max(d, self.start), self.end)
        rate = fx(cur, d)
        if km is not None:                      # mileage: quantity km at 0.30 EUR/km
            qty, unit, amt_cur = km, .30, round(km * .30, 2)
        else:
            amt_cur = eur / rate
            if whole if whole is not None else r.random() < c[4]:
                amt_cur = float(max(1, round(amt_cur)))
            qty, unit, amt_cur = 1, round(amt_cur, 2), round(amt_cur, 2)
        vendor = r.choice(c[6])
        line = dict(emp=e, date=d, cat=cat, cur=cur, rate=rate, qty=qty, unit=unit, amt_cur=amt_cur,
                    total=round(amt_cur * rate, 2), kind=kind, grp=grp, used=False, copy=False,
                    name=name or (r.choice(c[5]) + (f" - {vendor}" if vendor and r.random() < .5 else "")),
                    desc=desc if desc is not None else (f"{vendor}, receipt {r.randint(1000, 99999)}" if vendor and r.random() < .3 else None),
                    mode="company_account" if cat in (2, 3) and r.random() < .1 else "own_account")
        self.lines.append(line)
        return line

    def set_amount(self, l, amt_cur):
        if l["cat"] == 5:
            l["qty"] = max(1, round(amt_cur / .30))
            amt_cur = l["qty"] * .30
        else:
            l["unit"] = round(amt_cur, 2)
        l["amt_cur"] = round(amt_cur, 2)
        l["total"] = round(l["amt_cur"] * l["rate"], 2)

    # ---------- legitimate activity ----------
    def employees(self):
        r = self.r
        for i in range(1, self.n_emp + 1):
            dept = r.choices(list(DEPTS), [v[1] for v in DEPTS.values()])[0]
            sen = r.choices(SENIORITY, [s[1] for s in SENIORITY])[0] if dept != 7 else r.choice(SENIORITY[2:])
            hire = self.start - D(days=r.randint(30, 4000))
            if r.random() < .12:
                hire = self.start + D(days=r.randint(0, 660))
            leave = hire + D(days=r.randint(120, 700)) if r.random() < .08 else None
            if leave and not self.start + D(days=60) < leave < self.end:
                leave = None
            name = f"{r.choice(FIRST)} {r.choice(LAST)}"
            self.emps.append(SimpleNamespace(
                id=i, name=name, dept=dept, sen=sen[0], sen_mult=sen[2], hire=hire, leave=leave,
                style=r.lognormvariate(0, .15),                          # personal taste: cheap or pricey
                act=0.0 if r.random() < .08 else r.lognormvariate(-.25, .7),  # some claim little or nothing
                air=r.uniform(.3, .9), delay=r.uniform(2, 14),
                email=f"{name.lower().replace(' ', '.')}{i}@example.com"))

    def poisson(self, lam):
        if lam > 30:                                   # normal approximation
            return max(0, round(self.r.gauss(lam, math.sqrt(lam))))
        k, p = 0, self.r.random()
        while p > math.exp(-lam):                      # Knuth
            k, p = k + 1, p * self.r.random()
        return k

    def trip(self, e, start, days, label=lambda d, cat: "normal", late=False, dense=False, big=None, foreign=None):
        """A business trip: transport, hotel, meals, taxis; one report some days after it ends."""
        r = self.r
        end = start + D(days=days - 1)
        if end > self.end:
            return []
        foreign = r.random() < .1 if foreign is None else foreign
        city, cm, cur = r.choice(FOREIGN) if foreign else r.choice(DOMESTIC) + (EUR,)
        due = end + D(days=r.randint(60, 150) if late else self.delay(e) + 1)
        g = self.group(("t", len(self.groups)), e, due, f"Trip {city} {start:%B %Y}", late=late)
        out = []
        add = lambda d, cat, eur, **kw: out.append(self.add(e, d, cat, eur, g, kind=label(d, cat), cur=kw.pop("cur", cur), **kw))
        if foreign or big == "air" or r.random() < e.air:
            eur = self.logn(900, .3) * e.sen_mult if foreign else self.amount(3, e)
            if big == "air":
                eur = self.logn(2600, .3) * e.sen_mult
            out.append(self.add(e, start, 3, eur, g, kind="decoy_large_legit" if big == "air" else label(start, 3),
                                name=f"Flight to {city}", cur=EUR))
            if r.random() < .7:
                add(start, 4, self.amount(4, e, cm), name="Taxi airport to hotel")
            if r.random() < .6:
                add(end, 4, self.amount(4, e, cm), name="Taxi hotel to airport")
            if r.random() < .25:
                add(end, 7, 18 * days * r.uniform(.8, 1.2), name="Airport parking", cur=EUR)
        else:
            add(end, 5, 0, km=int(2 * self.logn(160, .5)), name=f"Car trip to {city}", cur=EUR)
            if r.random() < .4:
                add(end, 7, 12 * days * r.uniform(.6, 1.5), name="Parking client site")
        if big == "conf" or r.random() < (.25 if e.dept == 4 else .05):
            eur = self.logn(1500, .35) if big == "conf" else self.amount(9, e)
            out.append(self.add(e, start, 9, eur, g, kind="decoy_large_legit" if big == "conf" else label(start, 9), cur=EUR))
        if days > 1:
            nights = days - 1
            nightly = self.amount(2, e, cm)
            if r.random() < .15:
                for k in range(nights):
                    add(start + D(days=k + 1), 2, nightly * r.uniform(.9, 1.1), name=f"Hotel {city}")
            else:
                add(end, 2, nightly * nights, name=f"Hotel {city}, {nights} night{'s' if nights > 1 else ''}")
        per_day = 2.5 if dense else 1.0
        for k in range(days):
            d = start + D(days=k)
            for _ in range(self.poisson(.5 * per_day)):
                add(d, 1, self.amount(1, e, cm * .8), name="Lunch")
            if k < days - 1 or days == 1:
                for _ in range(self.poisson(.75 * per_day)):
                    add(d, 1, self.amount(1, e, cm * 1.3), name="Dinner")
            for _ in range(self.poisson(.25 * per_day * (2 if dense else 1))):
                add(d, 4, self.amount(4, e, cm), name="Taxi hotel to client")
            if r.random() < (.25 if e.dept in (1, 7) else .05) * per_day:
                add(d, 10, self.amount(10, e, cm))
        return out

    def trip_start(self, e, days):
        for _ in range(30):
            d = self.pick_date(e)
            if (d.month == 8 or (d.month == 12 and d.day > 19)) and self.r.random() < .6:
                continue
            d -= D(days=max(0, d.weekday() + days - 5))  # start Mon-Thu, end by Friday
            return d if d >= self.window(e)[0] else d + D(days=7)
        return d

    def legit(self):
        r = self.r
        for e in self.emps:
            lo, hi = self.window(e)
            years = max(0, (hi - lo).days) / 365.0
            _, _, trips_yr, local_m, weights, _ = DEPTS[e.dept]
            for _ in range(self.poisson(trips_yr * years * e.act)):
                days = r.choices([1, 2, 3, 4, 5], [25, 30, 25, 12, 8])[0]
                start = self.trip_start(e, days)
                if days > 1 and start.weekday() == 0 and r.random() < .35:
                    start, days = start - D(days=1), days + 1      # fly out on Sunday evening
                self.trip(e, start, days)
            for _ in range(self.poisson(local_m * 12 * years * e.act)):
                cat = r.choices(list(weights), list(weights.values()))[0]
                d = self.pick_date(e)
                if is_off(d) and r.random() < (.5 if cat in (11, 7) else .8):
                    d -= D(days=d.weekday() - 4) if d.weekday() >= 5 else D(days=1)   # move to a working day
                    d = max(d, lo)
                if cat == 5:
                    self.add(e, d, 5, 0, self.month_group(e, d), km=int(self.logn(90, .6)))
                else:
                    self.add(e, d, cat, self.amount(cat, e), self.month_group(e, d))

    # ---------- decoys: legitimate but unusual ----------
    def decoys(self):
        r, n = self.r, lambda k: max(1, round(k * self.scale))
        travellers = [e for e in self.emps if e.act > .3 and DEPTS[e.dept][2] >= 1] or self.emps
        seniors = [e for e in travellers if e.sen in ("Senior", "Lead")] or travellers
        # decoy_recurring: the same monthly bill (phone plan, parking pass, software subscription) every month.
        for e in r.sample(self.emps, min(len(self.emps), n(45))):
            cat, name, amt = r.choice([(6, "Mobile phone plan", r.choice([19.99, 29.99, 39.99, 49.00])),
                                       (7, "Monthly parking pass", r.choice([65.0, 85.0, 120.0])),
                                       (8, "Software subscription", r.choice([11.99, 24.99, 59.99]))])
            lo, hi = self.window(e)
            day, m = r.randint(1, 28), lo.replace(day=1) + D(days=32 * r.randint(0, 6))
            for _ in range(r.randint(8, 24)):
                m = m.replace(day=1)
                d = m.replace(day=day)
                if lo <= d <= hi:
                    self.add(e, d, cat, amt, self.month_group(e, d), "decoy_recurring", name=name, whole=False)
                m += D(days=32)
        # decoy_large_legit: long-haul flights and big conference fees, normal for senior travellers.
        for _ in range(n(130)):
            e = r.choice(seniors)
            big = r.choice(["air", "conf"])
            self.trip(e, self.trip_start(e, 4), 4, big=big, foreign=big == "air" or r.random() < .3)
        # decoy_weekend_travel: trips over a weekend; the Saturday/Sunday lines are the decoys.
        for _ in range(n(90)):
            e = r.choice(travellers)
            d = self.pick_date(e)
            start = d - D(days=(d.weekday() - 3) % 7)               # a Thursday
            self.trip(e, start, r.randint(4, 8), label=lambda d, c: "decoy_weekend_travel" if d.weekday() >= 5 else "normal")
        # decoy_team_event: one large round-amount team dinner claimed by a lead.
        for _ in range(n(40)):
            e = r.choice([x for x in self.emps if x.sen == "Lead" and x.act > 0] or self.emps)
            d, ppl = self.pick_date(e, off=False), r.randint(8, 25)
            self.add(e, d, r.choice([1, 10]), round(ppl * r.uniform(45, 80), -1), self.month_group(e, d),
                     "decoy_team_event", name=f"Team dinner ({ppl} people)", whole=True)
        # decoy_late_claim: a long trip claimed months later.
        for _ in range(n(14)):
            e = r.choice(travellers)
            days = r.randint(8, 15)
            self.trip(e, self.trip_start(e, 5), days, label=lambda d, c: "decoy_late_claim", late=True)
        # decoy_burst: a trade-show week with many claims.
        for _ in range(n(18)):
            e = r.choice(travellers)
            self.trip(e, self.trip_start(e, 5), 5, label=lambda d, c: "decoy_burst", dense=True)
        # decoy_shared_bill (own): colleagues each claim an equal share of one group bill, same day and amount.
        by_dept = {}
        for e in self.emps:
            by_dept.setdefault(e.dept, []).append(e)
        for _ in range(n(55)):
            staff = by_dept.get(r.choice([1, 2, 4, 7]), [])
            team = r.sample(staff, min(len(staff), r.randint(3, 6)))
            if len(team) < 2:
                continue
            d = min(self.pick_date(team[0], off=False), min(self.window(x)[1] for x in team))
            share = round(self.logn(60, .3), 2)
            for x in team:
                if self.window(x)[0] <= d:
                    self.add(x, d, 1, share, self.month_group(x, d), "decoy_shared_bill", name="Team lunch, my share", whole=False)
        # decoy_near_limit (own): genuine purchases that happen to land just under the 500 limit.
        for _ in range(n(90)):
            e = r.choice(self.emps)
            d, cat = self.pick_date(e, off=False), r.choice([2, 9, 12, 3])
            amt = r.choice([495.0, 490.0, 499.0, round(r.uniform(455, 499.9), 2)])
            self.add(e, d, cat, amt, self.month_group(e, d), "decoy_near_limit", whole=False)

    def resubmissions(self):
        """decoy_refused_original / decoy_resubmission: a report refused (missing receipt) then claimed again."""
        r = self.r
        members = {}
        for l in self.lines:
            members.setdefault(l["grp"], []).append(l)
        keys = [k for k, ls in members.items() if len(ls) <= 6 and all(l["kind"] == "normal" for l in ls)
                and self.groups[k]["due"] < self.end - D(days=45)]
        for k in r.sample(sorted(keys, key=str), min(len(keys), round(55 * self.scale))):
            g = self.groups[k]
            g["refused"] = True
            new = self.group(("r", k), g["emp"], g["due"] + D(days=r.randint(4, 30)), g["title"] + " (resubmitted)")
            for l in members[k]:
                l["kind"] = "decoy_refused_original"
                if r.random() < .85:      # a few lines are dropped: genuinely not reimbursable
                    c = dict(l, grp=new, kind="decoy_resubmission", copy=True)
                    c["desc"] = "receipt attached" if r.random() < .5 else l["desc"]
                    self.lines.append(c)

    # ---------- fraud (ACFE expense reimbursement schemes) ----------
    def candidates(self, e, cats=None):
        return [l for l in self.emp_lines.get(e.id, []) if l["kind"] == "normal" and not l["used"]
                and not self.groups[l["grp"]]["refused"] and (cats is None or l["cat"] in cats)]

    def mischaracterized(self, e):
        """Personal spending claimed as business (ACFE: mischaracterized expenses): family dinner as a client
        meal, a private weekend trip, private fuel, a gadget as office supplies. Amounts look plausible;
        dates are often weekends or holidays, but not always."""
        r = self.r
        d = self.pick_date(e, off=r.random() < .65)
        g = self.month_group(e, d)
        v = r.random()
        if v < .35:
            cat = 10 if e.dept in (1, 4, 7) else 1
            return [self.add(e, d, cat, self.amount(cat, e, r.uniform(.9, 1.7)), g, "mischaracterized",
                             name=r.choice(["Client dinner", "Business lunch", "Dinner with partner company"]))]
        if v < .55:                                  # a private trip: hotel over the weekend, maybe a flight
            fri = d - D(days=(d.weekday() - 4) % 7)
            nights = r.randint(1, 3)
            out = [self.add(e, fri + D(days=nights), 2, self.amount(2, e, r.uniform(1, 1.5)) * nights, g,
                            "mischaracterized", name=r.choice(["Hotel - client visit", "Hotel", "Accommodation"]))]
            if r.random() < .5:
                out.append(self.add(e, fri, 3, self.amount(3, e), g, "mischaracterized", name="Flight - customer meeting"))
            return out
        if v < .7:
            if r.random() < .5:
                return [self.add(e, d, 11, self.amount(11, e, r.uniform(1, 1.4)), g, "mischaracterized")]
            return [self.add(e, d, 5, 0, g, "mischaracterized", km=r.randint(180, 900), name="Mileage client visits")]
        if v < .88:
            item, lo, hi = r.choice([("Wireless headphones", 79, 349), ("Tablet", 199, 449), ("IT accessories", 60, 250),
                                     ("Smartwatch", 150, 420), ("Coffee machine", 80, 300)])
            return [self.add(e, d, 8, r.uniform(lo, hi), g, "mischaracterized", name=item, whole=r.random() < .3)]
        return [self.add(e, d + D(days=31 * k), 12, r.uniform(40, 150), self.month_group(e, d + D(days=31 * k)),
                         "mischaracterized", name=r.choice(["Training session", "Language course", "Coaching"]))
                for k in range(r.randint(1, 3)) if d + D(days=31 * k) <= self.window(e)[1]]

    def overstated(self, e):
        """Altered receipt (ACFE: overstated expenses): a real claim inflated, mostly modestly, sometimes
        wildly, sometimes by changing a digit."""
        c = self.candidates(e, (1, 2, 3, 4, 5, 7, 10, 11))
        if not c:
            return []
        r, l = self.r, self.r.choice(c)
        u = r.random()
        if u < .1:
            new = l["amt_cur"] + r.choice([50, 100, 200, 300])       # "1" turned into "7", an extra digit...
        else:
            new = l["amt_cur"] * (r.uniform(1.3, 3) if u < .65 else r.uniform(3, 6) if u < .9 else r.uniform(8, 25))
        self.set_amount(l, new)
        l["kind"], l["used"] = "overstated", True
        return [l]

    def fictitious(self, e):
        """Invented expenses (ACFE: fictitious expenses): fabricated vendor, often round or just-under-limit
        amounts, sometimes a cluster of similar claims with sequential invoice numbers; some look plain."""
        r = self.r
        n = 1 if r.random() < .35 else r.randint(2, 3) if r.random() < .6 else r.randint(4, 8)
        cat = r.choices([8, 12, 10, 4, 9, 1], [3, 2, 2, 2, 1, 1])[0]
        vendor = r.choice(FAKE_VENDORS) if r.random() < .7 else r.choice(CATS[cat][6])
        style = r.choice(["round", "under", "similar", "plain"])
        if style == "under" and cat not in (8, 12, 10, 9):
            style = "round"
        step = 5 if CATS[cat][1] < 40 else 10 if CATS[cat][1] < 200 else 50
        base, inv, gap = self.amount(cat, e, r.uniform(1, 2)), r.randint(100, 9000), r.choice([1, 3, 7, 14, 30])
        d0, hi = self.pick_date(e, off=False), self.window(e)[1]
        g = self.own_group(e, d0 + D(days=gap * n), "Expenses") if r.random() < .4 else None
        out = []
        for i in range(n):
            d = d0 + D(days=i * gap + r.randint(0, 1))
            if d > hi:
                break
            amt = {"round": lambda: float(max(step, round(self.amount(cat, e, r.uniform(1.2, 2.5)) / step) * step)),
                   "under": lambda: r.choice([495.0, 490.0, 480.0, round(r.uniform(440, 499.99), 2)]),
                   "similar": lambda: base * r.uniform(.97, 1.03), "plain": lambda: self.amount(cat, e)}[style]()
            desc = f"{vendor}, invoice {inv + i}" if r.random() < .6 else vendor
            out.append(self.add(e, d, cat, amt, g or self.month_group(e, d), "fictitious", desc=desc,
                                name=r.choice(CATS[cat][5]), whole=style == "round"))
        return out

    def multiple(self, e):
        """The same expense claimed twice (ACFE: multiple reimbursements): the copy goes into a later report,
        identical or with the amount, date, description or currency slightly changed; sometimes several
        receipts of one trip are claimed again."""
        r = self.r
        c = [l for l in self.candidates(e) if self.groups[l["grp"]]["due"] < self.end - D(days=10)]
        if not c:
            return []
        first = r.choice(c)
        same = [l for l in c if l["grp"] == first["grp"]]
        orig = r.sample(same, min(len(same), r.randint(2, 4))) if r.random() < .2 else [first]
        og = self.groups[first["grp"]]
        g = first["grp"] if r.random() < .15 else self.group(("d", len(self.groups)), e, min(
            og["due"] + D(days=r.randint(7, 60)), self.end - D(days=1)), og["title"].replace("Trip", "Travel"))
        out = []
        for l in orig:
            l["used"] = True
            dup = dict(l, grp=g, kind="multiple_reimbursement", used=True, copy=True)
            u = r.random()
            if u < .2:
                self.set_amount(dup, l["amt_cur"] * (1 + r.uniform(-.05, .05)))
            elif u < .4:
                dup["date"] = l["date"] + D(days=r.choice([-3, -2, -1, 1, 2, 3]))
            elif u < .5 and l["cur"] != EUR:          # the card statement instead of the receipt: EUR plus bank fee
                dup.update(cur=EUR, rate=1.0, qty=1)
                self.set_amount(dup, l["total"] * r.uniform(1.01, 1.03))
            elif u < .55 and l["cat"] in (1, 10):
                dup["cat"] = 11 - l["cat"]            # meal <-> client entertainment
            if r.random() < .5:
                dup["name"] = r.choice(CATS[dup["cat"]][5])
                dup["desc"] = None if r.random() < .5 else f"receipt {r.randint(1000, 99999)}"
            dup["date"] = min(dup["date"], self.end)
            self.lines.append(dup)
            out.append(dup)
        return out

    def split(self, e):
        """One purchase split into several claims under the approval limit, same vendor, within days
        (ACFE red flag: split purchases / structuring below authorization thresholds)."""
        r = self.r
        cat = r.choice([8, 12, 10, 2, 9])
        total, vendor = r.uniform(600, 2400), r.choice(CATS[cat][6] + FAKE_VENDORS[:3])
        if r.random() < .5:
            k = math.ceil(total / r.uniform(430, 495))
            parts = [total / k * r.uniform(.96, 1.04) for _ in range(k)]
        else:
            parts = []
            while total > 470:
                parts.append(r.uniform(470, 499.99) if r.random() < .6 else r.choice([495.0, 499.0, 490.0]))
                total -= parts[-1]
            parts.append(max(total, 35.0))
        d0, hi = self.pick_date(e, off=False), self.window(e)[1]
        one = r.random() < .55
        g = self.own_group(e, d0 + D(days=5), "Expenses") if one and r.random() < .5 else None
        name = r.choice(CATS[cat][5])
        out = []
        for p in parts:
            d = min(d0 + D(days=r.randint(0, 5)), hi)
            grp = g or (self.month_group(e, d) if one else self.own_group(e, d, "Expenses"))
            out.append(self.add(e, d, cat, min(p, LIMIT - .01), grp, "split", name=name,
                                desc=vendor if r.random() < .7 else None, whole=False))
        return out

    def fraud(self):
        r = self.r
        self.emp_lines = {}
        for l in self.lines:
            self.emp_lines.setdefault(l["emp"].id, []).append(l)
        target = round(FRAUD_SHARE * len(self.lines) / (1 - FRAUD_SHARE))
        schemes = [self.mischaracterized, self.overstated, self.fictitious, self.multiple, self.split]
        weights = [30, 30, 14, 22, 8]
        pool = [e for e in self.emps if e.act > 0]
        wts = [math.sqrt(len(self.emp_lines.get(e.id, []))) + 1 for e in pool]
        done, self.fraudsters = 0, set()
        while done < target and len(self.fraudsters) < len(pool):
            e = r.choices(pool, wts)[0]
            if e.id in self.fraudsters:
                continue
            self.fraudsters.add(e.id)
            u = r.random()
            times = 1 if u < .55 else r.randint(2, 3) if u < .85 else r.randint(4, 12)   # most once, a few serial
            fav = r.choices(schemes, weights)[0]
            for _ in range(times):
                scheme = fav if r.random() < .7 else r.choices(schemes, weights)[0]
                got = scheme(e)
                if got and scheme in (self.fictitious, self.multiple, self.split) and r.random() < .08:
                    g = self.groups[got[-1]["grp"]]                # a manager caught it: report refused
                    if g["title"] == "Expenses" or got[-1]["grp"][0] == "d":
                        g["refused"] = True
                done += len(got)

    # ---------- reports, ids, output ----------
    def finalize(self):
        r, now = self.r, dt.datetime.combine(self.end, dt.time(18))
        members = {}
        for l in self.lines:
            members.setdefault(l["grp"], []).append(l)
        sheets = []
        for key, ls in members.items():
            g = self.groups[key]
            screate = dt.datetime.combine(max(g["due"], max(l["date"] for l in ls)),
                                          dt.time(r.randint(8, 18), r.randint(0, 59), r.randint(0, 59)))
            has_sheet = screate < now - D(hours=1)
            for l in ls:
                day = dt.datetime.combine(l["date"], dt.time(0))
                if l["copy"]:                       # a copy is keyed in after the original's report
                    t = (screate if has_sheet else now) - D(minutes=r.uniform(2, 120))
                elif has_sheet and (g["late"] or r.random() > .45):
                    t = screate - D(minutes=r.uniform(2, 120))
                else:
                    t = day + D(hours=r.uniform(9, 22))
                l["create"] = min(max(t, day), (screate - D(minutes=1)) if has_sheet else now)
            if has_sheet:
                screate = max(screate, max(l["create"] for l in ls) + D(minutes=3))
                sheets.append(dict(key=key, g=g, create=screate, lines=ls))
            else:
                for l in ls:
                    l["state"], l["sheet"] = "draft", None
        sheets.sort(key=lambda s: (s["create"], str(s["key"])))
        for sid, s in enumerate(sheets, 1):
            age = (now - s["create"]).days
            st = "cancel" if s["g"]["refused"] else r.choice(
                ["draft", "submit"] if age < 2 else ["submit", "submit", "approve", "post"] if age < 10
                else ["approve", "post", "post", "done", "done"] if age < 25 else ["done"])
            s.update(id=sid, state=st, appr=None if st in ("draft", "submit") else min(now, s["create"] + D(days=r.uniform(.2, 5))))
            lst = {"draft": "reported", "submit": "submitted", "approve": "approved", "post": "approved",
                   "done": "done", "cancel": "refused"}[st]
            for l in s["lines"]:
                l["state"], l["sheet"] = lst, sid
        self.lines.sort(key=lambda l: (l["create"], l["date"], l["emp"].id))
        for i, l in enumerate(self.lines, 1):
            l["id"] = i
        self.sheets = sheets


def copy(out, table, cols, rows):
    def fmt(v):
        if v is None:
            return r"\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, float):
            return f"{v:.2f}"
        return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    out.write(f"COPY odoo_mirror.{table} ({', '.join(cols.split())}) FROM stdin;\n")
    for row in rows:
        out.write("\t".join(fmt(v) for v in row) + "\n")
    out.write("\\.\n\n")


def write_sql(g, path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("-- Generated by acfe_expenses.py: ACFE-style expense fraud test data (Odoo 17 semantics).\nBEGIN;\n\n")
        copy(out, "res_currency", "id name full_name symbol rounding decimal_places position active",
             [(c[0], c[1], c[2], c[3], "0.01", 2, "after" if c[0] == EUR else "before", True) for c in CURRENCIES])
        copy(out, "res_company", "id name currency_id active", [(1, "ACFE Test Company", EUR, True)])
        copy(out, "hr_employee", "id create_date name company_id active department_id job_title work_email employee_type",
             [(e.id, dt.datetime.combine(e.hire, dt.time(9)), e.name, 1, e.leave is None, e.dept,
               f"{e.sen} {DEPTS[e.dept][5]}", e.email, "employee") for e in g.emps])
        rows = []
        for s in g.sheets:
            tot = round(sum(l["total"] for l in s["lines"]), 2)
            tax = round(sum(l["total"] - l["total"] / (1 + CATS[l["cat"]][3]) for l in s["lines"]), 2)
            e, st, appr = s["g"]["emp"], s["state"], s["appr"]
            paid = st == "done"
            rows.append((s["id"], s["create"], appr or s["create"], s["g"]["title"], st,
                         {"draft": None, "submit": "submit", "cancel": "cancel"}.get(st, "approve"), appr, 1, e.id, e.dept,
                         tot, round(tot - tax, 2), tax, 0.0 if paid or st == "cancel" else tot, EUR,
                         "paid" if paid else "not_paid", appr.date() if st in ("post", "done") else None))
        copy(out, "hr_expense_sheet", "id create_date write_date name state approval_state approval_date company_id "
             "employee_id department_id total_amount untaxed_amount total_tax_amount amount_residual currency_id "
             "payment_state accounting_date", rows)
        acc = {s["id"]: (s["appr"].date() if s["state"] in ("post", "done") else None) for s in g.sheets}
        rows = []
        for l in g.lines:
            vat = CATS[l["cat"]][3]
            tax_cur = round(l["amt_cur"] - l["amt_cur"] / (1 + vat), 2)
            rows.append((l["id"], l["create"], l["create"], l["name"], l["date"], l["emp"].id, 1, l["cat"],
                         2 if l["cat"] == 5 else 1, l["qty"] if l["cat"] == 5 else 1.0, l["desc"], l["state"], l["sheet"],
                         tax_cur, round(l["total"] - l["total"] / (1 + vat), 2), l["amt_cur"],
                         round(l["amt_cur"] - tax_cur, 2), l["total"], l["unit"], l["cur"], l["mode"],
                         acc.get(l["sheet"])))
        copy(out, "hr_expense", "id create_date write_date name date employee_id company_id product_id product_uom_id "
             "quantity description state sheet_id tax_amount_currency tax_amount total_amount_currency "
             "untaxed_amount_currency total_amount price_unit currency_id payment_mode accounting_date", rows)
        out.write("COMMIT;\nANALYZE odoo_mirror.hr_expense;\nANALYZE odoo_mirror.hr_expense_sheet;\nANALYZE odoo_mirror.hr_employee;\n")


FRAUD_KINDS = ("mischaracterized", "overstated", "fictitious", "multiple_reimbursement", "split")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--employees", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sql", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--end-date", default="2026-11-30", type=dt.date.fromisoformat)
    a = ap.parse_args()
    g = Gen(a.employees, a.seed, a.end_date)
    g.employees()
    g.legit()
    g.decoys()
    g.resubmissions()
    g.fraud()
    g.finalize()
    write_sql(g, a.sql)
    with open(a.truth, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["expense_id", "kind", "is_fraud"])
        for l in g.lines:
            w.writerow([l["id"], l["kind"], "true" if l["kind"] in FRAUD_KINDS else "false"])
    kinds = collections.Counter(l["kind"] for l in g.lines)
    n = len(g.lines)
    fraud = sum(v for k, v in kinds.items() if k in FRAUD_KINDS)
    decoy = sum(v for k, v in kinds.items() if k.startswith("decoy_"))
    print(json.dumps(dict(
        lines=n, employees=len(g.emps), sheets=len(g.sheets), refused_sheets=sum(s["state"] == "cancel" for s in g.sheets),
        lines_without_sheet=sum(l["sheet"] is None for l in g.lines), fraudsters=len(g.fraudsters),
        fraud_lines=fraud, fraud_share=round(fraud / n, 4), decoy_lines=decoy, decoy_share=round(decoy / n, 4),
        date_range=[str(min(l["date"] for l in g.lines)), str(max(l["date"] for l in g.lines))],
        kinds=dict(kinds.most_common()), seed=a.seed), indent=2))


if __name__ == "__main__":
    main()
