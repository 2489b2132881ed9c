#!/usr/bin/env python3
"""Independent synthetic Odoo 17 expense claims with labelled fraud, modelled on GAO/OIG charge-card audit findings.

Writes a psql script loading odoo_mirror.res_currency, res_company, hr_employee, hr_expense_sheet and hr_expense (COPY ...
FROM stdin inside BEGIN/COMMIT, then ANALYZE) and a truth CSV (expense_id,kind,is_fraud). Standard library only;
deterministic for (--employees, --seed).   python3 gao_expenses.py --employees 1500 --seed 1 --sql OUT.sql --truth OUT.csv

Typology sources (read through stored copies of the public reports):
  GAO-08-333 Governmentwide Purchase Cards (2008): split purchases (same cardholder, vendor and day, under the single-purchase
    limit), prohibited or personal-use vendors, pilferable items (iPods, cameras, laptops), high-end clothing a week before
    Christmas, $24,000 of ATM cash advances, $160-a-head steakhouse dinners with alcohol, Ritz-Carlton stays ("abusive":
    excessive cost or questionable need); GAO-17-276 (micro-purchase limits).
  GAO-02-863T, GAO-03-169 (Army), GAO-03-148T (Navy) travel cards: personal use while not on travel, gambling, adult
    entertainment, cash.  DOT OIG FI-2014-129 / FI-2003-049 (purchases unrelated to travel, casino cash advances); HHS OIG
    OEI-07-07-00480; GAO/OIG-11-1.  CRS RL34602, R46106 (purchase cards) and R40580 (travel cards: 13 airline tickets
    reimbursed but never bought, an unauthorized first-class trip).
  GAO decisions B-206543, B-230730, B-219154, B-233348, B-212354: fraudulent or inflated lodging receipts, meals not incurred,
    lodging claimed in a dearer city.  DODFMR vol. 5 red flags as summarised in Navy disbursing training: "the same amounts for
    meals each day", meal amounts "contrived to approximate the maximum locality rates".
  USPS OIG "An Expensive Drive to Nowhere" (2024): inflated mileage, claims on weekends and holidays with no matching
    appointment; VA OIG hotline review of mileage reimbursed more than once.

Fraud kinds (is_fraud=true): split_purchase, personal_purchase, prohibited_merchant, weekend_holiday (weekend, public holiday or
own leave, no trip), duplicate_claim, phantom_travel (a trip while the employee's own local claims place them at home),
inflated_mileage, meal_padding, inflated_lodging, excessive_cost.  Decoys (legitimate but unusual, is_fraud=false):
conference, relocation, quarterly_bill, team_offsite, long_assignment, late_filing, equipment_replacement, weekend_travel,
round_trip_pair, foreign_currency, holiday_oncall; only the unusual lines of a decoy event carry its label.  Fraud comes
mostly from a few repeat offenders per scheme, plus one-off offenders.

Odoo 17 semantics: hr_expense.state follows its sheet (none -> draft, draft -> reported, submit -> submitted, approve/post ->
approved, done -> done, cancel -> refused); sheet.state draft/submit/approve/post/done/cancel, approval_state
submit/approve/cancel; company-paid sheets are done once posted; one payment_mode per sheet; sheet create_date = submission
time (creation time for draft sheets).  total_amount is in company currency, total_amount_currency in the receipt currency,
price_unit in company currency (total/qty, or the km rate for mileage).  The mirror has no product table: product_id is a
category id (PRODUCTS), product_uom_id 1 = Units, 8 = km (assumed); account, journal and user ids are synthetic.
"""
import argparse, csv, datetime as dt, json, math, random, sys, unicodedata
from collections import Counter

D, T, ONE = dt.date, dt.datetime, dt.timedelta(days=1)
START, END, SNAP = D(2023, 1, 1), D(2024, 12, 31), T(2025, 1, 20, 6, 0, 0)
CURRENCIES = [(1, 'USD', 'United States dollar', '$', '0.01', 2, 'before'), (2, 'EUR', 'Euro', '€', '0.01', 2, 'after'),
              (3, 'GBP', 'Pound sterling', '£', '0.01', 2, 'before'), (4, 'CAD', 'Canadian dollar', '$', '0.01', 2, 'before'),
              (5, 'JPY', 'Japanese yen', '¥', '1.0', 0, 'before'), (6, 'CHF', 'Swiss franc', 'CHF', '0.01', 2, 'after')]
CUR_ID = {c[1]: c[0] for c in CURRENCIES}
DEC = {c[1]: c[5] for c in CURRENCIES}
USD_PER = {'USD': 1.0, 'EUR': 1.08, 'GBP': 1.26, 'CAD': 0.74, 'JPY': 0.0068, 'CHF': 1.12}
# id, name, currency, parent, domain, phone, share of employees, single-purchase limit (company currency)
COMPANIES = [(1, 'Halvard Freight Inc.', 'USD', None, 'halvard.com', '+1 312 555 0100', .55, 1000),
             (2, 'Halvard Freight Europe B.V.', 'EUR', 1, 'halvard.eu', '+31 20 555 0100', .30, 900),
             (3, 'Halvard Freight UK Ltd', 'GBP', 1, 'halvard.co.uk', '+44 20 5550 0100', .15, 800)]
COMP = {c[0]: c for c in COMPANIES}
MEAL_CAP = {'USD': 79.0, 'EUR': 64.0, 'GBP': 55.0}  # daily meal allowance, company currency
# per-km mileage rates: IRS 65.5 / 67 cents a mile (2023 / 2024), EUR 0.30, HMRC 45p a mile
KM_RATE = {('USD', 2023): .407, ('USD', 2024): .416, ('EUR', 2023): .30, ('EUR', 2024): .30, ('GBP', 2023): .28,
           ('GBP', 2024): .28}
CITIES = {  # city -> (currency, typical nightly lodging in that currency)
    'Chicago': ('USD', 215), 'New York': ('USD', 330), 'Dallas': ('USD', 170), 'Atlanta': ('USD', 165), 'Denver': ('USD', 190),
    'Seattle': ('USD', 235), 'Boston': ('USD', 285), 'San Francisco': ('USD', 310), 'Phoenix': ('USD', 150),
    'Minneapolis': ('USD', 160), 'Amsterdam': ('EUR', 195), 'Paris': ('EUR', 215), 'Frankfurt': ('EUR', 160),
    'Munich': ('EUR', 175), 'Milan': ('EUR', 170), 'Madrid': ('EUR', 140), 'Brussels': ('EUR', 150), 'Rotterdam': ('EUR', 135),
    'London': ('GBP', 195), 'Manchester': ('GBP', 110), 'Edinburgh': ('GBP', 125), 'Birmingham': ('GBP', 100),
    'Bristol': ('GBP', 105), 'Toronto': ('CAD', 255), 'Montreal': ('CAD', 225), 'Zurich': ('CHF', 265), 'Geneva': ('CHF', 285),
    'Tokyo': ('JPY', 29000), 'Osaka': ('JPY', 22000)}
HOME = {1: ['Chicago', 'Dallas', 'Atlanta', 'Denver', 'Seattle'], 2: ['Amsterdam', 'Rotterdam', 'Frankfurt'],
        3: ['London', 'Manchester', 'Birmingham']}
DOMESTIC = {1: [c for c, v in CITIES.items() if v[0] == 'USD'], 3: [c for c, v in CITIES.items() if v[0] == 'GBP'],
            2: ['Amsterdam', 'Paris', 'Frankfurt', 'Munich', 'Milan', 'Madrid', 'Brussels', 'Rotterdam']}
INTL = {1: ['Toronto', 'Montreal', 'London', 'Amsterdam'], 2: ['London', 'Manchester', 'New York'],
        3: ['Paris', 'Amsterdam', 'Frankfurt', 'Madrid']}
EXOTIC = ['Tokyo', 'Osaka', 'Zurich', 'Geneva']
P_MEAL, P_HOTEL, P_AIR, P_GROUND, P_MILE, P_CAR, P_COMM, P_EQUIP, P_TRAIN, P_GIFT, P_SUBS, P_RELO, P_OTHER = range(1, 14)
PRODUCTS = dict(enumerate(['Meals', 'Lodging', 'Airfare', 'Taxi, train & parking', 'Mileage', 'Car rental & fuel',
                          'Communication', 'Equipment & supplies', 'Training & conferences', 'Gifts',
                          'Software subscriptions', 'Relocation', 'Other'], 1))
VAT = {1: {'x': 0}, 2: {P_MEAL: .09, P_HOTEL: .09, P_GROUND: .09, P_AIR: 0, P_MILE: 0, 'x': .21},
       3: {P_AIR: 0, P_MILE: 0, P_GROUND: 0, 'x': .20}}
# role: share, department, yearly rates (trips, local meals, mileage, supplies, subscriptions, taxis, training),
#       probability of a monthly phone bill, job titles
ROLES = {'sales': (.18, 'Sales', 3.0, 11, 8, 1.0, .5, 2.5, .3, .55, ['Account Executive', 'Sales Manager', 'Key Account Mgr']),
         'field': (.12, 'Field Service', 1.2, 2.5, 24, 2.5, .2, .8, .4, .45, ['Field Engineer', 'Service Technician']),
         'eng': (.25, 'Engineering', .7, 1.0, .6, 1.2, 2.0, .5, .7, .08, ['Software Engineer', 'Data Engineer', 'QA Engineer']),
         'mkt': (.08, 'Marketing', 1.8, 4, 1.5, 1.5, 1.5, 1.5, .5, .15, ['Marketing Specialist', 'Event Manager']),
         'office': (.32, None, .4, .8, 1.5, 1.2, .3, .6, .4, .06, ['Accountant', 'HR Partner', 'Planner', 'Dispatcher']),
         'exec': (.05, 'Management', 5.0, 16, 2, 1.0, .8, 4, .3, .7, ['Director', 'VP Operations', 'General Manager'])}
FIRST = ('James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph '
         'Jessica Thomas Sarah Carlos Karen Daniel Lisa Matthew Nancy Anthony Sandra Mark Ashley Pieter Sanne Lars Anna José '
         'Zoë Jürgen Chloé Sean Siobhan Aisha Wei Priya Rahul Fatima Omar Emma Noah Olivia Liam Sofia Mateo Yuki Ravi').split()
LAST = ("Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Lee|Wilson|Anderson|Taylor|Thomas|Moore|"
        "Jackson|White|Harris|Clark|de Vries|van den Berg|Jansen|Bakker|Müller|Schmidt|Schäfer|O'Brien|O'Connor|Murphy|Kelly|"
        "Patel|Singh|Khan|Nguyen|Chen|Wang|Kim|Rossi|Bianchi|Dubois|Lefèvre|Novak|Kowalski|García-López|Okafor").split('|')
CLIENTS = ('Brightwater Foods|Kestrel Energy|Oakridge Medical|Vantage Retail|Corvid Systems|Meridian Bank|Pioneer Plastics|'
           'Solano Farms|Nordlicht GmbH|Bexley & Co|Atlas Cement|Lumen Telecom|Tidewater Ports|Crescent Hotels|Greyfield Pharma|'
           'Redwood Mills|Blue Heron Logistics|Sterling Auto|Quarry Hill|Van Dijk Transport|Ashford Chemicals').split('|')
RESTOS = ("Chipotle|Panera Bread|Olive Garden|Starbucks|Pret A Manger|Wagamama|Nando's|Vapiano|Le Pain Quotidien|Café Rouge|"
          "Shake Shack|Hotel restaurant|Sushi Zen|Bistro 22").split('|')
HOTELS = ('Marriott|Hilton|Hyatt Place|Holiday Inn|NH Hotel|Premier Inn|Ibis|Courtyard|Novotel|Motel One|Hampton Inn|'
          'Radisson').split('|')
LUXURY = ['Ritz-Carlton', 'Four Seasons', 'Mandarin Oriental', 'Waldorf Astoria', 'The Peninsula']
MONTHS = 'January February March April May June July August September October November December'.split()
PERSONAL = [  # (what the employee types, what it really is, product, median USD)
    ('Office supplies', 'Amazon gift cards', P_EQUIP, 300), ('Client gifts', 'Visa gift cards', P_GIFT, 400),
    ('Equipment', 'iPad Pro', P_EQUIP, 1000), ('Headset', 'Bose headphones', P_EQUIP, 330),
    ('Team event supplies', 'Nintendo Switch', P_OTHER, 320), ('Work clothing', 'Winter jacket', P_OTHER, 280),
    ('Business attire', 'Brooks Brothers suit', P_OTHER, 900), ('Safety shoes', 'Running shoes', P_EQUIP, 160),
    ('Site camera', 'GoPro Hero', P_EQUIP, 420), ('Smartwatch for on-call', 'Apple Watch', P_EQUIP, 450),
    ('Kitchen supplies', 'Espresso machine', P_OTHER, 520), ('Client gifts', 'Wine cases (home)', P_GIFT, 380)]
PROHIBITED = {  # group -> (merchant names as typed, product, median USD or None for round cash amounts)
    'casino': (["Bellagio casino cage", "Harrah's", 'Holland Casino', 'Casino Royale'], P_OTHER, None),
    'atm': (['ATM withdrawal', 'Cash withdrawal', 'Cash advance', 'ATM'], P_OTHER, None),
    'club': (['Club Eden - client entertainment', 'Scores', 'Lounge 21', 'VIP Room bar'], P_MEAL, 420),
    'liquor': (['Total Wine & More', 'Liquor store - team event', 'Gall & Gall', 'Majestic Wine'], P_MEAL, 160),
    'spa': (['Hotel spa', 'Massage', 'Day spa - wellness'], P_OTHER, 170),
    'jewelry': (['Pandora', 'Jewelry - client gift', 'Swarovski'], P_GIFT, 380)}


def nth_wd(y, m, wd, n):  # n-th weekday of a month; n = -1 for the last one
    d = D(y, m, 1) if n > 0 else D(y + (m == 12), m % 12 + 1, 1) - 7 * ONE
    return d + dt.timedelta(days=(wd - d.weekday()) % 7 + 7 * (n - 1 if n > 0 else 0))


def holidays(cid):
    h = set()
    for y, e in ((2023, D(2023, 4, 9)), (2024, D(2024, 3, 31))):  # e = Easter Sunday
        h |= {D(y, 1, 1), D(y, 12, 25)} | ({e - 2 * ONE, e + ONE, D(y, 12, 26)} if cid > 1 else set())
        h |= {1: {nth_wd(y, 1, 0, 3), nth_wd(y, 2, 0, 3), nth_wd(y, 5, 0, -1), D(y, 6, 19), D(y, 7, 4), nth_wd(y, 9, 0, 1),
                  nth_wd(y, 11, 3, 4), nth_wd(y, 11, 3, 4) + ONE, D(y, 12, 24)},
              2: {D(y, 4, 27), D(y, 5, 5), e + 39 * ONE, e + 50 * ONE},
              3: {nth_wd(y, 5, 0, 1), nth_wd(y, 5, 0, -1), nth_wd(y, 8, 0, -1)}}[cid]
    return h


HOL = {c: holidays(c) for c in COMP}
LINE_STATE = {'draft': 'reported', 'submit': 'submitted', 'approve': 'approved', 'post': 'approved', 'done': 'done',
              'cancel': 'refused'}


def fx(src, dst, day):
    """Units of dst per unit of src on day: base rate with a smooth deterministic drift."""
    t = (day - START).days
    usd = lambda c: USD_PER[c] * (1 + (c != 'USD') * .035 * math.sin(t / (70.0 + 9 * CUR_ID[c]) + CUR_ID[c]))
    return usd(src) / usd(dst)


class Gen:
    def __init__(self, n_emp, seed):
        self.r, self.n_emp = random.Random(seed), n_emp
        self.lines, self.emps, self.trip_city, self.ntrip = [], [], {}, 0

    def lnorm(self, median, sigma):
        return median * math.exp(self.r.gauss(0, sigma))

    def usd(self, e, median, d, sigma=.35):
        """A lognormal amount with a median given in USD, expressed in the employee's company currency."""
        return self.lnorm(median, sigma) * fx('USD', e['cur'], d)

    def pois(self, lam):
        if lam > 30:
            return max(0, int(round(self.r.gauss(lam, math.sqrt(lam)))))
        k, p, lim = 0, self.r.random(), math.exp(-lam)
        while p >= lim:
            k, p = k + 1, p * self.r.random()
        return k

    def is_off(self, e, d):
        return d.weekday() >= 5 or d in HOL[e['cid']] or d in e['leave']

    def office_days(self, e, lo=START, hi=END):
        lo, hi = max(lo, e['hire']), min(hi, e['end'])
        days = (lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1))
        return [d for d in days if not self.is_off(e, d) and d not in e['busy']]

    def other_city(self, e):
        return self.r.choice([c for c in DOMESTIC[e['cid']] if c != e['home']])

    def card(self, e, p):
        return 'company_account' if e['card'] and self.r.random() < p else 'own_account'

    def typed(self, e, terse, full):
        """What the employee types: terse or descriptive depending on habit, sometimes lower-case."""
        s = full if self.r.random() < e['verbose'] else terse
        return s.lower() if e['lower'] and self.r.random() < .8 else s

    def describe(self, e, text):
        if not text or self.r.random() >= e['desc_p']:
            return None
        if self.r.random() < .03:
            text += '\tscan: C:\\Receipts\\%d\\IMG_%04d.jpg' % (self.r.choice([2023, 2024]), self.r.randrange(10000))
        return text

    def add(self, e, d, prod, name, amt, cur=None, qty=1.0, kind='normal', pay='own_account', trip=None, desc=None, **kw):
        cur = cur or e['cur']
        amt = round(max(amt, 100 if DEC[cur] == 0 else .5), DEC[cur])
        ln = dict(emp=e, date=d, prod=prod, name=name, desc=desc, cur=cur, amt=amt, qty=qty, kind=kind, pay=pay, trip=trip, rep=d,
                  key=None, extra_lag=0, unit=None)
        ln.update(kw)
        self.lines.append(ln)
        e['lines'].append(ln)
        return ln

    def it(self, e, d, prod, terse, full, med, sg=.35, cur=None, **kw):
        """A typical claim: typed name, lognormal amount (median in USD), optionally in a local currency."""
        amt = self.usd(e, med, d, sg) * (fx(e['cur'], cur, d) if cur else 1)
        return self.add(e, d, prod, self.typed(e, terse, full), amt, cur=cur, **kw)

    def mileage(self, e, d, dest, km, kind='normal', desc=None):
        km, rate = (round(km) if self.r.random() < .7 else round(km, 1)), KM_RATE[(e['cur'], d.year)]
        return self.add(e, d, P_MILE, self.typed(e, f'Mileage {dest}', f'Drive to {dest} and back ({km:g} km)'), km * rate,
                        qty=float(km), kind=kind, desc=desc, unit=rate)

    # ---------------------------------------------------------------- employees
    def make_employees(self):
        r, deptids, jobids = self.r, {}, {}
        for i in range(1, self.n_emp + 1):
            c = COMPANIES[i - 1] if i <= 3 else r.choices(COMPANIES, [x[6] for x in COMPANIES])[0]
            role = 'exec' if i <= 3 else r.choices(list(ROLES), [v[0] for v in ROLES.values()])[0]
            spec = ROLES[role]
            dept, title = spec[1] or r.choice(['Finance', 'Human Resources', 'Operations']), r.choice(spec[10])
            hired_in, leaves = i > 3 and r.random() < .10, i > 3 and r.random() < .07
            hire = START + dt.timedelta(days=r.randrange(0, 640)) if hired_in else START
            created = T.combine(hire, dt.time(9)) if hired_in else T(2022, 6, 1, 8) + dt.timedelta(minutes=r.randrange(260000))
            end = min(END, max(hire + 60 * ONE, START + dt.timedelta(days=r.randrange(120, 720)))) if leaves else END
            fn, ln_ = r.choice(FIRST), r.choice(LAST)
            email = unicodedata.normalize('NFKD', f'{fn}.{ln_}').encode('ascii', 'ignore').decode().lower()
            email = email.replace(' ', '').replace("'", '') + f'{i if r.random() < .3 else ""}@{c[4]}'
            e = dict(id=i, cid=c[0], cur=c[2], role=role, dept=dept, did=deptids.setdefault((c[0], dept), len(deptids) + 1),
                     title=title, jid=jobids.setdefault(title, len(jobids) + 1), hire=hire, created=created, end=end,
                     active=not leaves, name=f'{fn} {ln_}', email=email, uid=100 + i, home=r.choice(HOME[c[0]]),
                     act=.05 if r.random() < .08 else min(3.0, self.lnorm(.9, .55)), verbose=r.random(),
                     lower=r.random() < .15, desc_p=r.choice([0.0, .05, .2, .45]), lag=self.lnorm(6, .6),
                     style=r.choices(['trip', 'month', 'week'], [.5, .35, .15])[0], per_night=r.random() < .3,
                     card=r.random() < (.6 if role in ('sales', 'exec', 'mkt') else .2), daily_meals=r.random() < .35,
                     lines=[], busy=set(), trips=[], leave=set(), analytic=[r.randrange(1, 60) for _ in range(r.randrange(1, 4))],
                     etype=r.choices(['employee', 'contractor', 'freelance'], [.95, .03, .02])[0],
                     phone=round(r.uniform(30, 95), 2) if r.random() < spec[9] else None,
                     routes=[(r.choice(CLIENTS), round(r.choice([1, 1, 1.6, 2.5]) * r.uniform(18, 140)))  # client sites, km
                             for _ in range(r.randrange(2, 7) if role in ('field', 'sales') or r.random() < .25 else 0)])
            for s in (START + dt.timedelta(days=r.randrange(0, 720)) for _ in range(r.randrange(2, 8))):  # leave blocks
                e['leave'] |= {s + dt.timedelta(days=k) for k in range(r.randrange(2, 9))}
            for y in (y for y in (2023, 2024) if r.random() < .6):
                e['leave'] |= {D(y, 12, 27), D(y, 12, 28), D(y, 12, 29)}
            self.emps.append(e)
        heads, ceo = {}, {c[0]: self.emps[c[0] - 1] for c in COMPANIES}
        for e in self.emps:  # the first employee of a (company, department) heads it; heads report to the CEO
            heads.setdefault(e['did'], e)
        for e in self.emps:
            h = heads[e['did']]
            e['mgr'] = h if h is not e else (ceo[e['cid']] if ceo[e['cid']] is not e else (ceo[1] if e['cid'] != 1 else None))

    # ---------------------------------------------------------------- normal behaviour
    def trip_window(self, e, nights, lo=START, hi=END, start_wd=None):
        days = self.office_days(e, lo, hi) if (lo, hi) != (START, END) else e['_od']
        for _ in range(30 if days else 0):
            s = self.r.choice(days)
            s += dt.timedelta(days=(start_wd - s.weekday()) % 7 if start_wd is not None else 0)
            span = [s + dt.timedelta(days=k) for k in range(nights + 1)]
            if span[-1] > e['end'] or any(x in e['busy'] or x in e['leave'] for x in span):
                continue
            if start_wd is None and any(self.is_off(e, x) for x in span) and self.r.random() < .85:
                continue
            return span
        return None

    def new_trip(self, e, city, span):
        self.ntrip += 1
        self.trip_city[self.ntrip] = city
        e['busy'] |= set(span)
        return self.ntrip

    def make_trip(self, e, span, city, kind='normal', labels=None, hotel=None, hotel_f=1.0):
        """Business trip: airfare or train, lodging, meals, taxis, maybe a car. labels: item -> kind override."""
        r, labels, (cur, nightly), nights = self.r, labels or {}, CITIES[city], len(span) - 1
        t = dict(id=self.new_trip(e, city, span), city=city, span=span, lines=[])
        e['trips'].append(t)
        lab = lambda item, d=None: labels.get('weekend' if d and d.weekday() >= 5 else item, kind)
        add = lambda *a, **k: t['lines'].append(self.it(e, *a, trip=t['id'], **k))
        far = cur != e['cur'] or e['cid'] == 1 or r.random() < .5
        if far:
            book = max(span[0] - dt.timedelta(days=int(self.lnorm(12, .8))), e['hire'], START)
            add(book, P_AIR, 'Flight', f'Flight {e["home"]} - {city}', 900 if cur != e['cur'] else 360, kind=lab('air'),
                pay=self.card(e, .5), desc=self.describe(e, f'Return ticket, meeting with {r.choice(CLIENTS)}'))
        else:
            add(span[0], P_GROUND, 'Train', f'Train {e["home"]} - {city} return', 85, .4, kind=lab('ground', span[0]))
        h, f = hotel or r.choice(HOTELS), self.lnorm(1, .15) * hotel_f
        if nights and e['per_night']:
            for d in span[:-1]:
                t['lines'].append(self.add(e, d, P_HOTEL, self.typed(e, 'Hotel', f'{h} {city} night {d.strftime("%d/%m")}'),
                                           nightly * f, cur=cur, kind=lab('hotel'), trip=t['id']))
        elif nights:
            nm = self.typed(e, 'Hotel', f'{h} {city} ({nights} night{"s" * (nights > 1)})')
            t['lines'].append(self.add(e, span[-1], P_HOTEL, nm, nightly * f * nights, cur=cur, kind=lab('hotel'),
                                       pay=self.card(e, .3), trip=t['id']))
        for d in span:
            if e['daily_meals'] and r.random() < .8:
                add(d, P_MEAL, 'Meals', f'Meals {city} {d.strftime("%d %b")}', 48, .3, cur=cur, kind=lab('meal', d))
            for meal, med, p in (('Breakfast', 13, .25), ('Lunch', 21, .5), ('Dinner', 46, .75)) * (not e['daily_meals']):
                if r.random() < p:
                    add(d, P_MEAL, meal, f'{meal} {r.choice(RESTOS)} {city}', med, cur=cur, kind=lab('meal', d),
                        desc=self.describe(e, f'{meal} with {r.choice(CLIENTS)} team'))
        for d, what in ((span[0], 'to hotel'), (span[-1], 'to airport')) if far else ():
            if r.random() < .7:
                add(d, P_GROUND, 'Taxi', f'Taxi {what}', 38, .4, cur=cur, kind=lab('ground', d))
        if far and nights and r.random() < .15:
            add(span[-1], P_CAR, 'Car rental', f'Rental car {city}', 62 * nights, .3, cur=cur, kind=lab('car'))
        return t

    def gen_normal(self, e):
        r = self.r
        _, _, trips, meals, miles, supp, subs, taxis, train, _, _ = ROLES[e['role']]
        lam = lambda x: self.pois(x * e['act'] * .82 * max(0, ((e['end'] - e['hire']).days + 1) / 365.0))
        e['_od'] = self.office_days(e)
        if not e['_od']:
            return
        for _ in range(lam(trips)):
            span = self.trip_window(e, min(6, 1 + int(r.expovariate(.7))))
            if span:
                intl = r.random() < (.15 if e['role'] in ('exec', 'sales') else .07)
                self.make_trip(e, span, r.choice(INTL[e['cid']]) if intl else self.other_city(e))
        od = e['_od'] = self.office_days(e)
        for _ in range(lam(meals)):
            cl = r.choice(CLIENTS)
            self.it(e, r.choice(od), P_MEAL, 'Lunch', f'Lunch with {cl}', 24 * r.choice([1, 2, 2, 3]),
                    desc=self.describe(e, f'Client lunch, {cl}\nAttendees: {r.randint(2, 4)}'))
        for _ in range(lam(miles) if e['routes'] else 0):
            dest, km = r.choice(e['routes'])
            self.mileage(e, r.choice(od), dest, km * r.uniform(.97, 1.04))
        for _ in range(lam(taxis)):
            self.it(e, r.choice(od), P_GROUND, r.choice(['Taxi', 'Parking', 'Uber']), f'Taxi to {r.choice(CLIENTS)}', 22, .5)
        for _ in range(lam(supp)):
            d = r.choice(od) if r.random() < .93 else START + dt.timedelta(days=r.randrange(730))
            item = r.choice(['USB-C adapter', 'Keyboard', 'Printer ink', 'Notebooks', 'Headset', 'Monitor', 'Desk lamp',
                             'HDMI cable', 'Toolkit', 'Safety shoes', 'Office chair', 'Mouse'])
            if e['hire'] <= d <= e['end']:
                self.it(e, d, P_EQUIP, item, f'{item} for {r.choice(["home office", "desk", "site work"])}',
                        260 if item in ('Monitor', 'Office chair', 'Toolkit', 'Safety shoes') else 35, .45, pay=self.card(e, .4))
        if r.random() < min(.6, subs * e['act'] / 7):
            tool, price = r.choice([('LinkedIn Premium', 39.99), ('GitHub Copilot', 10), ('Adobe Creative Cloud', 59.99),
                                    ('ChatGPT Plus', 20), ('Miro', 16), ('Notion', 10), ('Zoom Pro', 15.99)])
            for d in (D(2023 + m // 12, m % 12 + 1, e['id'] % 27 + 1) for m in range(24)):
                if e['hire'] <= d <= e['end'] and r.random() < .9:
                    self.add(e, d, P_SUBS, self.typed(e, tool, f'{tool} subscription {MONTHS[d.month - 1][:3]}'),
                             price * fx('USD', e['cur'], START))
        for _ in range(lam(train)):
            what = r.choice(['Online course', 'Certification exam', 'Technical books', 'Workshop fee'])
            topic = r.choice(['AWS', 'Excel', 'Leadership', 'Safety', 'SQL'])
            self.it(e, r.choice(od), P_TRAIN, what, f'{what} - {topic}', 180, .7)
        for d in (D(2023 + m // 12, m % 12 + 1, r.randint(2, 6)) for m in range(24 if e['phone'] else 0)):
            if e['hire'] <= d <= e['end'] and r.random() < .93:
                self.add(e, d, P_COMM, self.typed(e, 'Phone bill', f'Mobile phone {MONTHS[d.month - 1]} {d.year}'),
                         e['phone'] * (1 if r.random() < .6 else r.uniform(.9, 1.3)))
        if e['role'] in ('sales', 'exec') and r.random() < .5 * e['act']:
            for d in (D(y, 12, r.randint(1, 18)) for y in (2023, 2024) for _ in range(r.randrange(1, 4))):
                if e['hire'] <= d <= e['end']:
                    self.it(e, d, P_GIFT, 'Client gift', f'Christmas gift {r.choice(CLIENTS)}', 55, .4)

    # ---------------------------------------------------------------- decoys (legitimate but unusual)
    def decoy(self, kind, e):
        r, k, od = self.r, 'decoy_' + kind, e['_od']
        if kind == 'conference':
            span = self.trip_window(e, r.randint(2, 4))
            if span:
                t = self.make_trip(e, span, self.other_city(e), labels={'hotel': k}, hotel='Conference hotel', hotel_f=1.35)
                conf = r.choice(['Gartner Supply Chain Symposium', 'AWS re:Invent', 'Logistics World Summit', 'TPM Expo'])
                d = max(START, e['hire'], span[0] - dt.timedelta(days=r.randint(15, 100)))
                self.it(e, d, P_TRAIN, 'Conference registration', f'Registration {conf} {span[0].year}', 1500, .4, kind=k,
                        pay=self.card(e, 1), trip=t['id'], desc=self.describe(e, 'Pre-approved, early-bird rate'))
        elif kind == 'relocation':
            d0, home = e['hire'] if e['hire'] > START else r.choice(od), e['home']
            self.it(e, max(START, d0 - dt.timedelta(days=r.randint(0, 10))), P_RELO, 'Movers', f'Moving company - to {home}',
                    5200, kind=k, desc='Relocation package per offer letter')
            for d in (d0 + dt.timedelta(days=7 * w + 6) for w in range(r.randint(2, 4))):
                if d <= e['end']:
                    self.it(e, d, P_RELO, 'Temporary housing', f'Temporary apartment {home} {d:%d %b}', 980, .1, kind=k)
            if r.random() < .6:
                self.it(e, d0, P_AIR, 'Flight', f'One-way flight to {home}', 420, .3, kind=k)
        elif kind == 'quarterly_bill':
            amt, what = self.usd(e, 165, START, .25), r.choice(['Home internet', 'Fibre broadband', 'Landline + internet'])
            for d in (D(y, m, r.randint(3, 9)) for y in (2023, 2024) for m in (1, 4, 7, 10)):
                if e['hire'] <= d <= e['end']:
                    self.add(e, d, P_COMM, self.typed(e, what, f'{what} Q{(d.month + 2) // 3} {d.year}'), amt, kind=k,
                             desc=self.describe(e, 'Billed quarterly by provider'))
        elif kind == 'team_offsite':
            d, n = r.choice(od), r.randint(8, 25)
            d += dt.timedelta(days=(5 - d.weekday()) % 7 if r.random() < .3 else 0)
            if d <= e['end']:
                self.it(e, d, P_MEAL, 'Team dinner', f'Team offsite dinner ({n} people)', 58 * n, .2, kind=k,
                        desc=f'Offsite {e["dept"]}, {n} attendees; list attached')
                if r.random() < .5:
                    self.it(e, d, P_OTHER, 'Venue', 'Meeting room rental offsite', 900, .4, kind=k)
        elif kind == 'long_assignment':   # weeks at a client site: identical weekly lodging, daily meals incl. weekends
            weeks = r.randint(3, 7)
            span = self.trip_window(e, weeks * 7, start_wd=0)
            if span:
                city = self.other_city(e)
                tid, (cc, nightly) = self.new_trip(e, city, span), CITIES[city]
                rate = round(self.lnorm(nightly * .75, .1), DEC[cc])
                self.it(e, span[0], P_AIR, 'Flight', f'Flight to {city} (assignment)', 380, .3, kind=k, trip=tid)
                for w, d in ((w, span[0] + dt.timedelta(days=7 * w + 6)) for w in range(weeks)):
                    self.add(e, d, P_HOTEL, self.typed(e, 'Hotel week', f'Extended stay {city} week {w + 1}'), rate * 7, cur=cc,
                             kind=k, trip=tid, desc=self.describe(e, 'Negotiated weekly rate'))
                    self.it(e, d, P_CAR, 'Rental car', f'Rental car week {w + 1}', 310, .1, kind=k, trip=tid)
                for d in (d for d in span if r.random() < .75):
                    self.it(e, d, P_MEAL, 'Meals', f'Meals {d.isoformat()}', 41, .2, kind=k, trip=tid)
        elif kind == 'late_filing':
            span = self.trip_window(e, r.randint(3, 6), hi=D(2024, 8, 31))
            if span:
                t, lag = self.make_trip(e, span, self.other_city(e), kind=k), r.randint(75, 200)
                for ln in t['lines']:
                    ln['key'], ln['extra_lag'] = ('late', t['id']), lag
        elif kind == 'equipment_replacement':
            item, why = r.choice([('Replacement laptop', 'Laptop stolen at airport, police report filed'),
                                  ('Replacement phone', 'Phone broken on site, IT approved replacement'),
                                  ('Replacement tablet', 'Tablet damaged, IT ticket attached')])
            brand = r.choice(['Dell', 'Apple', 'Lenovo', 'Samsung'])
            self.add(e, r.choice(od), P_EQUIP, self.typed(e, item, f'{item} - {brand}'), COMP[e['cid']][7] * r.uniform(1.15, 2.8),
                     kind=k, desc=why, pay=self.card(e, .5))
        elif kind in ('weekend_travel', 'foreign_currency'):
            span = self.trip_window(e, r.randint(2, 5), start_wd=r.choice([5, 6]) if kind == 'weekend_travel' else None)
            if span and kind == 'weekend_travel':
                self.make_trip(e, span, self.other_city(e), labels={'weekend': k})
            elif span:
                self.make_trip(e, span, r.choice(EXOTIC), kind=k)
        elif kind == 'round_trip_pair':
            d, cl = r.choice(od), r.choice(CLIENTS)
            fare = self.usd(e, 28, d, .4)
            for nm in ((f'Taxi to {cl}', f'Taxi back from {cl}') if r.random() < .5 else (f'Train ticket {cl} visit',) * 2):
                self.add(e, d, P_GROUND, self.typed(e, nm.split(' ')[0], nm), fare, kind=k)
        elif kind == 'holiday_oncall':
            days = [d for d in sorted(HOL[e['cid']]) if e['hire'] <= d <= e['end'] and d not in e['busy']]
            d = r.choice(days) if days and r.random() < .6 else r.choice(od)
            d += dt.timedelta(days=0 if self.is_off(e, d) else (5 - d.weekday()) % 7)
            if d <= e['end']:
                site = r.choice(CLIENTS)
                desc = f'Emergency call-out {site}, ticket INC{r.randint(10000, 99999)}'
                self.mileage(e, d, site, r.uniform(40, 220), kind=k, desc=desc)
                if r.random() < .6:
                    self.it(e, d, P_MEAL, 'Meal', 'Meal during call-out', 22, .3, kind=k)

    # ---------------------------------------------------------------- fraud
    def fraud(self, kind, e):
        r, cur, k, od = self.r, e['cur'], 'fraud_' + kind, e['_od']
        clean = [t for t in e['trips'] if all(ln['kind'] == 'normal' for ln in t['lines'])]
        if not od:
            return
        if kind == 'split_purchase':   # one purchase cut into pieces just under the single-purchase limit
            lim, d, pay = COMP[e['cid']][7], r.choice(od), self.card(e, .7)
            vendor = r.choice(['Dell', 'Best Buy', 'Staples', 'CDW', 'Amazon Business', 'Apple Store', 'MediaMarkt', 'Currys'])
            total = lim * r.uniform(1.4, 3.6)
            n = max(2, min(4, math.ceil(total / (lim * .96))))
            for _ in range(n):
                item = r.choice(['Monitors', 'Docking stations', 'Laptop accessories', 'Office equipment', 'Tablet', 'Headsets',
                                 'Printer', 'Storage drives'])
                dd = min(d + dt.timedelta(days=0 if r.random() < .65 else r.randint(1, 3)), e['end'])
                amt = min(lim * r.uniform(.86, .995), total / n * r.uniform(.9, 1.1))
                self.add(e, dd, P_EQUIP, self.typed(e, item, f'{item} - {vendor}'), amt, kind=k, pay=pay)
        elif kind == 'personal_purchase':  # gift cards, electronics, clothing, home items typed as business
            typed, true, prod, med = r.choice(PERSONAL)
            for _ in range(r.choice([1, 1, 1, 2, 3])):
                if r.random() < .3:   # holiday shopping season
                    d = D(r.choice([2023, 2024]), 11, 20) + dt.timedelta(days=r.randrange(34))
                else:
                    d = r.choice(od) if r.random() < .7 else START + dt.timedelta(days=r.randrange(730))
                if e['hire'] <= d <= e['end']:
                    self.it(e, d, prod, typed, f'{typed} ({true.split(" ")[0]})' if r.random() < .3 else typed, med, .3, kind=k,
                            pay=self.card(e, .45))
        elif kind == 'prohibited_merchant':  # gambling, cash, adult clubs, liquor, spa, jewelry; often while travelling
            names, prod, med = PROHIBITED[r.choice(list(PROHIBITED))]
            for _ in range(r.choice([1, 2, 2, 3])):
                trip = r.choice(e['trips']) if e['trips'] and r.random() < .6 else None
                d, cc = (r.choice(trip['span']), CITIES[trip['city']][0]) if trip else (r.choice(od), cur)
                nm, tid = r.choice(names), trip and trip['id']
                if med:
                    self.it(e, d, prod, nm.split(' - ')[0], nm, med, .4, kind=k, trip=tid, pay=self.card(e, .5))
                else:   # a round cash amount in the local currency, plus a fee
                    amt = r.choice([100, 200, 300, 400, 500, 800, 1000]) * (100 if cc == 'JPY' else 1) + r.choice([0, 2.5, 3, 5])
                    self.add(e, d, prod, self.typed(e, nm, nm), amt, cur=cc, kind=k, trip=tid, pay=self.card(e, .5))
        elif kind == 'weekend_holiday':  # meals, fuel, taxis, groceries on days off (weekend, holiday, own leave), no trip
            offs = [d for d in (START + dt.timedelta(days=i) for i in range(731))
                    if e['hire'] <= d <= e['end'] and self.is_off(e, d) and d not in e['busy']]
            base = r.choice(offs) if offs else START
            near = [d for d in offs if abs((d - base).days) < 120]
            for d in sorted(r.sample(near, min(len(near), r.randint(1, 4)))):
                cl = r.choice(CLIENTS)
                prod, terse, full, med = r.choice([
                    (P_MEAL, 'Dinner', f'Dinner with {cl}', 95), (P_MEAL, 'Lunch', f'Lunch with {cl}', 48),
                    (P_CAR, 'Fuel', 'Fuel company errands', 62), (P_GROUND, 'Taxi', f'Taxi to {cl}', 34),
                    (P_OTHER, 'Office snacks', 'Office kitchen supplies', 140)])
                self.it(e, d, prod, terse, full, med, .4, kind=k, desc=self.describe(e, f'Business meeting {cl}'))
        elif kind == 'duplicate_claim':
            pool = [x for x in e['lines'] if x['kind'] == 'normal' and x['prod'] not in (P_SUBS, P_COMM) and not x.get('dead')]
            cards, v = [ln for ln in pool if ln['pay'] == 'company_account'], r.random()
            if not pool:
                return
            o = r.choice(cards) if cards and v < .25 else r.choice([ln for ln in pool if ln['pay'] == 'own_account'] or pool)
            rep, d, nm, amt, cc = o['date'] + dt.timedelta(days=r.randint(20, 100)), o['date'], o['name'], o['amt'], o['cur']
            label = PRODUCTS[o['prod']]
            if cards and v < .25:   # company-card charge claimed again for reimbursement
                rep, nm = o['date'] + dt.timedelta(days=r.randint(3, 40)), self.typed(e, label, f'{label} {d.strftime("%d %b")}')
            elif .55 <= v < .85:    # re-typed, date nudged (v < .55: the very same receipt on a later report)
                d = max(START, min(d + dt.timedelta(days=r.choice([-2, -1, 1, 2, 3])), e['end']))
                nm = self.typed(e, label.split(' ')[0], f'{label} - {r.choice(CLIENTS)}')
            elif v >= .85:          # a foreign receipt claimed again, already converted
                amt, cc = round(amt * fx(cc, cur, d), 2), cur
            self.add(e, d, o['prod'], nm, amt, cur=cc, qty=o['qty'], kind=k, rep=max(rep, d), unit=o['unit'])
        elif kind == 'phantom_travel':  # a trip that did not happen; the employee's own local claims place them at home
            nights = r.randint(2, 4)
            spans = [[s + dt.timedelta(days=i) for i in range(nights + 1)] for s in r.sample(od, min(20, len(od)))]
            span = next((sp for sp in spans if all(x in od for x in sp)), None)
            if span:
                if not any(ln['date'] in span and ln['trip'] is None for ln in e['lines']):
                    if e['routes']:
                        self.mileage(e, r.choice(span[1:]), *r.choice(e['routes']))
                    else:
                        cl = r.choice(CLIENTS)
                        self.it(e, r.choice(span[1:]), P_MEAL, 'Lunch', f'Lunch with {cl}', 30)
                t = self.make_trip(e, span, self.other_city(e), kind=k)
                for ln in t['lines']:   # sometimes an airline ticket never bought, sometimes only hotel and meals
                    ln['dead'] = ln['prod'] in (P_AIR, P_GROUND, P_CAR) and r.random() < .5
        elif kind == 'inflated_mileage':
            base = r.choice(od)
            pop = [x for x in od if abs((x - base).days) < 150]
            for d in sorted(r.sample(pop, min(len(pop), r.randint(2, 6)))):
                dest, km = r.choice(e['routes'])
                if r.random() < .75:
                    self.mileage(e, d, dest, km * r.uniform(1.7, 3.3), kind=k)
                else:
                    self.mileage(e, d, r.choice(CLIENTS), r.choice([300, 350, 400, 450, 500, 600]), kind=k)
        elif kind in ('meal_padding', 'inflated_lodging', 'excessive_cost'):
            trips = [t for t in clean if len(t['span']) >= 2]
            span = None if trips else self.trip_window(e, r.randint(2, 4))
            t = r.choice(trips) if trips else (self.make_trip(e, span, self.other_city(e)) if span else None)
            v = r.random()
            if kind == 'meal_padding' and t:     # meals at the daily cap (or a hair under), every day of the trip
                same = r.random() < .5
                for ln in t['lines']:
                    ln['dead'] = ln.get('dead') or ln['prod'] == P_MEAL
                for d in t['span']:
                    self.add(e, d, P_MEAL, self.typed(e, 'Meals', f'Meals {t["city"]} {d.strftime("%d %b")}'),
                             MEAL_CAP[cur] - (0 if same else r.choice([0, 0, .01, .5, 1, 2])), kind=k, trip=t['id'])
            elif kind == 'inflated_lodging' and t:   # altered lodging receipts
                f = r.uniform(1.35, 1.9)
                for ln in t['lines']:
                    if ln['prod'] == P_HOTEL and not ln.get('dead'):
                        ln['amt'], ln['kind'] = round(ln['amt'] * f, DEC[ln['cur']]), k
            elif kind == 'excessive_cost' and (v < .45 or not t):  # lavish dinner
                d, n = (r.choice(t['span']) if t else r.choice(od)), r.randint(2, 6)
                place = r.choice(['Ruth Chris Steakhouse', 'Nobu', 'The Ivy', 'Smith & Wollensky'])
                self.it(e, d, P_MEAL, 'Client dinner', f'Dinner {place}', 190 * n, .2, kind=k, trip=t and t['id'],
                        desc=self.describe(e, f'{n} guests incl. wine'))
            elif kind == 'excessive_cost' and v < .75:  # luxury hotel
                (cc, nightly), nights = CITIES[t['city']], len(t['span']) - 1
                for ln in t['lines']:
                    ln['dead'] = ln.get('dead') or ln['prod'] == P_HOTEL
                self.add(e, t['span'][-1], P_HOTEL, self.typed(e, 'Hotel', f'{r.choice(LUXURY)} {t["city"]} ({nights} nights)'),
                         nightly * nights * r.uniform(2.3, 3.6), cur=cc, kind=k, trip=t['id'])
            elif kind == 'excessive_cost':              # premium-class airfare
                d = max(START, t['span'][0] - dt.timedelta(days=r.randint(3, 30)))
                self.it(e, d, P_AIR, 'Flight', f'Flight {e["home"]} - {t["city"]} business class', 2300, .3, kind=k, trip=t['id'])

    # ---------------------------------------------------------------- reports and approval workflow
    def build_sheets(self):
        r, self.sheets = self.r, []
        for e in self.emps:
            groups = {}
            for ln in sorted((x for x in e['lines'] if not x.get('dead')), key=lambda x: (x['rep'], x['date'])):
                if ln['kind'] == 'normal' and r.random() < .006:
                    continue   # forgotten: stays an unreported draft
                if ln['key']:
                    key = ln['key']
                elif ln['pay'] == 'company_account':
                    key = ('card', ln['rep'].year, ln['rep'].month)
                elif e['style'] == 'trip' and ln['trip'] and ln['rep'] == ln['date']:
                    key = ('trip', ln['trip'])
                elif e['style'] == 'week':
                    key = ('week',) + tuple(ln['rep'].isocalendar()[:2])
                else:
                    key = ('month', ln['rep'].year, ln['rep'].month)
                groups.setdefault(key + (ln['pay'],), []).append(ln)   # one payment mode per report
            for key, lns in groups.items():
                last = max(x['rep'] for x in lns)
                if key[0] in ('month', 'card'):
                    last = max(last, D(key[1] + (key[2] == 12), key[2] % 12 + 1, 1) - ONE)
                elif key[0] == 'week':
                    last += dt.timedelta(days=6 - last.weekday())
                lag = min(60.0, e['lag'] * math.exp(r.gauss(0, .5))) + max(x['extra_lag'] for x in lns)
                sub = T.combine(last, dt.time(0)) + dt.timedelta(days=lag, hours=r.uniform(8, 19))
                sub = max(sub, T.combine(last, dt.time(17)))
                self.sheets.append(self.workflow(e, key, lns, sub))

    def workflow(self, e, key, lns, sub):
        r = self.r
        s = dict(emp=e, lines=lns, key=key, pay=lns[0]['pay'], state='draft', appr=None, appr_date=None, acc=None, wuid=e['uid'])
        for ln in lns:   # typed in on the day or a little later, always before submission and the snapshot
            c = T.combine(ln['rep'], dt.time(0)) + dt.timedelta(hours=r.uniform(9, 21) + 24 * r.expovariate(1 / 2.5))
            c = min(c, sub - dt.timedelta(minutes=r.randint(5, 600)), SNAP - dt.timedelta(hours=r.uniform(1, 300)))
            ln['created'] = max(c, T.combine(ln['date'], dt.time(6)))
        if sub > SNAP:   # not yet submitted: a draft report exists, or the lines are still unreported
            s['skip'] = r.random() < .5
            c = max(x['created'] for x in lns) + dt.timedelta(hours=r.uniform(1, 48))
            s['create'] = s['write'] = min(SNAP - dt.timedelta(hours=1), c)
            return s
        s.update(create=sub, write=sub, state='submit', appr='submit')
        kinds = {x['kind'].split('_')[0] for x in lns}
        t, mgr_uid = sub + dt.timedelta(days=self.lnorm(1.5, .9)), (e['mgr'] or e)['uid']
        if t > SNAP:
            return s
        if r.random() < (.06 if 'fraud' in kinds else .03 if 'decoy' in kinds else .015):
            s.update(state='cancel', appr='cancel', write=t, wuid=mgr_uid)
            return s
        s.update(state='approve', appr='approve', appr_date=t, write=t, wuid=mgr_uid)
        t2 = t + dt.timedelta(days=r.uniform(.2, 5))
        if t2 <= SNAP:
            s.update(state='post', acc=t2.date(), write=t2, wuid=2)
            t3 = t2 if s['pay'] == 'company_account' else t2 + dt.timedelta(days=r.uniform(1, 9))
            if t3 <= SNAP:
                s.update(state='done', write=t3)
        return s


def run(n_emp, seed):
    g = Gen(n_emp, seed)
    r = g.r
    g.make_employees()
    for e in g.emps:
        g.gen_normal(e)
    for e in g.emps:
        e['_od'] = g.office_days(e)
    n0, active = len(g.lines), [e for e in g.emps if e['_od'] and e['act'] > .1]
    mgrs = {x['mgr']['id'] for x in g.emps if x['mgr']}
    roles = lambda *rs: [e for e in active if e['role'] in rs] or active
    elig = {'conference': roles('mkt', 'eng', 'sales', 'exec'), 'quarterly_bill': active,
            'relocation': [e for e in active if e['hire'] > START] + active[:9],
            'team_offsite': [e for e in active if e['id'] in mgrs] or active,
            'long_assignment': roles('field', 'eng', 'office'), 'late_filing': active, 'equipment_replacement': active,
            'weekend_travel': roles('sales', 'field', 'eng', 'mkt', 'exec'), 'round_trip_pair': active,
            'foreign_currency': roles('sales', 'exec', 'eng', 'mkt'), 'holiday_oncall': roles('field')}
    count = lambda e, k: sum(1 for x in e['lines'] if x['kind'] == k and not x.get('dead'))

    def fill(kinds, budget, pick, make, prefix):   # add events until each kind has its share of labelled lines
        for kind, w in kinds.items():
            n = guard = 0
            while n < budget * w and guard < 3000:
                e, guard = pick(kind), guard + 1
                b = count(e, prefix + kind)
                make(kind, e)
                n += count(e, prefix + kind) - b
    d_kinds = {k: (1.2 if k == 'long_assignment' else 1) / len(elig) for k in elig}
    fill(d_kinds, .037 * n0, lambda k: r.choice(elig[k]), g.decoy, 'decoy_')
    for e in g.emps:
        e['_od'] = g.office_days(e)
    f_kinds = {'split_purchase': .12, 'personal_purchase': .14, 'prohibited_merchant': .10, 'weekend_holiday': .11,
               'duplicate_claim': .14, 'phantom_travel': .12, 'inflated_mileage': .09, 'meal_padding': .07,
               'inflated_lodging': .05, 'excessive_cost': .06}
    cand = [e for e in active if e['lines']]
    drivers = [e for e in cand if e['routes']] or cand
    pools = {k: drivers if k == 'inflated_mileage' else cand for k in f_kinds}
    offenders = {k: r.sample(p, min(len(p), max(2, int(len(cand) * .006)))) for k, p in pools.items()}   # repeat offenders
    fill(f_kinds, .0157 * n0, lambda k: r.choice(offenders[k] if r.random() < .85 else pools[k]), g.fraud, 'fraud_')
    for ln in g.lines:
        ln['date'] = min(max(ln['date'], START), END)
        ln['rep'] = max(ln['rep'], ln['date'])
    g.build_sheets()
    return g


def q(v):
    """One field in COPY text format."""
    if v is None:
        return r'\N'
    if isinstance(v, bool):
        return 't' if v else 'f'
    if isinstance(v, T):
        return v.strftime('%Y-%m-%d %H:%M:%S')
    if isinstance(v, float):
        assert math.isfinite(v), v
        return f'{v:.6f}'.rstrip('0').rstrip('.')
    return str(v).replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


def copy_block(out, table, cols, rows):
    out.append(f'COPY odoo_mirror.{table} ({", ".join(cols.split())}) FROM stdin;')
    out.extend('\t'.join(q(v) for v in row) for row in rows)
    out.append('\\.')


def sheet_name(g, s, lns):
    r, k, d = g.r, s['key'], lns[-1]['date']
    city = g.trip_city.get(k[1], s['emp']['home']) if k[0] in ('trip', 'late') else None
    yr, mo = (k[1], k[2]) if k[0] in ('month', 'card') else (d.year, d.month)
    mon = MONTHS[mo - 1]
    return r.choice({'trip': [f'Trip {city} {mon[:3]} {yr}', f'{city} trip', f'Business trip to {city}', f'{city} {d:%d/%m}'],
                     'card': [f'Card statement {mon} {yr}'],
                     'week': [f'Expenses week {k[2]}', f'Week {k[2]} {k[1]}', lns[0]['name']],
                     'late': ['Old trip expenses', f'{city} trip {lns[0]["date"]:%B %Y}', 'Travel claim'],
                     'month': [f'Expenses {mon} {yr}', f'{mon} expenses', f'Expense report {yr}-{mo:02d}']}[k[0]])


def emit(g, sql_path, truth_path):
    r, t0 = g.r, T(2022, 6, 1, 8)
    sheets = sorted((s for s in g.sheets if not s.get('skip')), key=lambda s: (s['create'], s['emp']['id']))
    for i, s in enumerate(sheets, 1):
        s['id'] = i
        for ln in s['lines']:
            ln['sheet'] = s
    lines = [ln for ln in g.lines if not ln.get('dead')]
    for ln in lines:
        if 'created' not in ln:   # forgotten, never reported
            c = T.combine(ln['date'], dt.time(9)) + dt.timedelta(hours=r.uniform(0, 12) + 24 * r.expovariate(.4))
            ln['created'] = min(SNAP - dt.timedelta(hours=2), c)
        e, cc = ln['emp'], ln['emp']['cur']
        rate = 1.0 if ln['cur'] == cc else fx(ln['cur'], cc, ln['date'])
        vr = 0.0 if ln['cur'] != cc or r.random() < .08 else VAT[e['cid']].get(ln['prod'], VAT[e['cid']]['x'])
        ln['tax_cur'] = round(ln['amt'] * vr / (1 + vr), DEC[ln['cur']])
        ln['tax'], ln['tot'] = round(ln['tax_cur'] * rate, 2), round(ln['amt'] * rate, 2)
    lines.sort(key=lambda ln: (ln['created'], ln['emp']['id'], ln['date']))
    out = ['-- generated by gao_expenses.py (synthetic; labels are in the truth CSV)', "SET client_encoding = 'UTF8';",
           '\\set ON_ERROR_STOP on', 'BEGIN;']
    magic = 'id create_uid create_date write_uid write_date '
    copy_block(out, 'res_currency', magic + 'name full_name symbol rounding decimal_places position active',
               [(c[0], 1, t0, 1, t0) + c[1:] + (True,) for c in CURRENCIES])
    copy_block(out, 'res_company', magic + 'name partner_id currency_id parent_id parent_path sequence active email phone',
               [(c[0], 1, t0, 1, t0, c[1], c[0], CUR_ID[c[2]], c[3], '1/' if c[0] == 1 else f'1/{c[0]}/', 10 * c[0], True,
                 f'info@{c[4]}', c[5]) for c in COMPANIES])
    copy_block(out, 'hr_employee', magic + 'name resource_id company_id user_id active department_id job_id job_title work_email '
               'parent_id coach_id employee_type work_contact_id',
               [(e['id'], 2, e['created'], 2, e['created'] if e['active'] else T.combine(e['end'], dt.time(17)), e['name'],
                 e['id'], e['cid'], e['uid'], e['active'], e['did'], e['jid'], e['title'], e['email'],
                 e['mgr'] and e['mgr']['id'],
                 e['mgr']['id'] if e['mgr'] and r.random() < .7 else None, e['etype'], 1000 + e['id']) for e in g.emps])
    srows = []
    for s in sheets:
        e, lns, own = s['emp'], s['lines'], s['pay'] == 'own_account'
        tot, tax = round(sum(x['tot'] for x in lns), 2), round(sum(x['tax'] for x in lns), 2)
        jid = (8 if own else 7) + 10 * (e['cid'] - 1)
        srows.append((s['id'], e['uid'], s['create'], s['wuid'], s['write'], sheet_name(g, s, lns), s['state'], s['appr'],
                      s['appr_date'], e['cid'], e['id'], e['did'], (e['mgr'] or e)['uid'], tot, round(tot - tax, 2), tax,
                      tot if s['state'] == 'post' else 0.0, CUR_ID[e['cur']], 'paid' if s['state'] == 'done' else 'not_paid',
                      jid if own else None, None if own else 3 + 10 * (e['cid'] - 1), s['acc'],
                      jid if s['state'] in ('post', 'done') else None))
    copy_block(out, 'hr_expense_sheet', magic + 'name state approval_state approval_date '
               'company_id employee_id department_id user_id total_amount untaxed_amount total_tax_amount amount_residual '
               'currency_id payment_state employee_journal_id payment_method_line_id accounting_date journal_id', srows)
    erows, truth = [], []
    for i, ln in enumerate(lines, 1):
        e, s = ln['emp'], ln.get('sheet')
        wuid, wdate = (s['wuid'], max(ln['created'], s['write'])) if s else (e['uid'], ln['created'])
        erows.append((i, e['uid'], ln['created'], wuid, wdate,
                      json.dumps({str(r.choice(e['analytic'])): 100.0}) if r.random() < .35 else None, ln['name'], ln['date'],
                      e['id'], e['cid'], ln['prod'], 8 if ln['prod'] == P_MILE else 1, ln['qty'], ln['desc'],
                      LINE_STATE[s['state']] if s else 'draft', s and s['id'], ln['tax_cur'], ln['tax'], ln['amt'],
                      round(ln['amt'] - ln['tax_cur'], DEC[ln['cur']]), ln['tot'], ln['unit'] or round(ln['tot'] / ln['qty'], 2),
                      CUR_ID[ln['cur']], ln['pay'], 1000 * e['cid'] + 600 + ln['prod'], s and s['acc']))
        truth.append((i, ln['kind'], 'true' if ln['kind'].startswith('fraud_') else 'false'))
    copy_block(out, 'hr_expense', magic + 'analytic_distribution name date employee_id '
               'company_id product_id product_uom_id quantity description state sheet_id tax_amount_currency tax_amount '
               'total_amount_currency untaxed_amount_currency total_amount price_unit currency_id payment_mode account_id '
               'accounting_date', erows)
    tables = ('res_currency', 'res_company', 'hr_employee', 'hr_expense_sheet', 'hr_expense')
    out += ['COMMIT;'] + [f'ANALYZE odoo_mirror.{t};' for t in tables]
    with open(sql_path, 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(out) + '\n')
    with open(truth_path, 'w', encoding='utf-8', newline='') as f:
        csv.writer(f, lineterminator='\n').writerows([('expense_id', 'kind', 'is_fraud')] + truth)
    kinds = Counter(t[1] for t in truth)
    nf, nd = (sum(v for k, v in kinds.items() if k.startswith(p)) for p in ('fraud_', 'decoy_'))
    return {'employees': len(g.emps), 'sheets': len(sheets), 'expenses': len(truth),
            'unreported_expenses': sum(1 for x in erows if x[15] is None), 'fraud': nf, 'fraud_rate': round(nf / len(truth), 4),
            'decoy': nd, 'decoy_rate': round(nd / len(truth), 4),
            'fraud_employees': len({ln['emp']['id'] for ln in lines if ln['kind'].startswith('fraud_')}),
            'sheet_states': dict(sorted(Counter(x[6] for x in srows).items())),
            'expense_states': dict(sorted(Counter(x[14] for x in erows).items())), 'kinds': dict(sorted(kinds.items()))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--employees', type=int, default=1500)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--sql', required=True)
    ap.add_argument('--truth', required=True)
    a = ap.parse_args()
    if a.employees < 20:
        sys.exit('--employees must be at least 20')
    print(json.dumps(emit(run(a.employees, a.seed), a.sql, a.truth), indent=1))


if __name__ == '__main__':
    main()
