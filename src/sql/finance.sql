-- odoo_mirror: the finance views (0.7.0): open items and aging, payments, days sales outstanding, the cash
-- forecast, analytic profit and loss and consolidated revenue. Odoo 17 Community has no aged receivable,
-- aged payable or partner ledger report (they are Enterprise features); these views follow Odoo's own
-- definitions of them.
--
-- Conventions, as in views.sql: money is numeric(16,2), NULL for an amount beyond it, NaN or ±Infinity,
-- and sums leave such amounts out; a day count from a date at ±infinity is NULL. Every amount here is in
-- the company currency (a row's company_currency) unless its column comment says otherwise, so amounts of
-- one company may be summed; amounts of several companies only when their company_currency is the same
-- (v_consolidated_revenue converts them). "Today" is CURRENT_DATE, the date in the reader's time zone.
--
-- Open items are journal items (account.move.line) of posted entries, on an account of type
-- asset_receivable or liability_payable, whose residual (amount_residual, company currency) is not zero:
-- Odoo's own rule for its aged partner balance. Their due date is date_maturity, else the entry's date.
-- Aging buckets count days past due as of a date: not due (due on or after it), 1-30, 31-60, 61-90,
-- 91-120, over 120.

-- Partial reconciliations are read from both sides: which items a payment settled, and how much of an
-- item was settled as of a past date.
CREATE INDEX account_partial_reconcile_debit_idx ON odoo_mirror.account_partial_reconcile (debit_move_id);
CREATE INDEX account_partial_reconcile_credit_idx ON odoo_mirror.account_partial_reconcile (credit_move_id);
-- get_aging of a past date reads the reconciliations made after it.
CREATE INDEX account_partial_reconcile_max_date_idx ON odoo_mirror.account_partial_reconcile (max_date);
-- Open items are a small part of all journal items. One partial index, account first: the views read
-- the receivable and payable accounts' open items (not the outstanding payment lines a company that does
-- not reconcile its bank statements keeps open), a company's or one partner's, and find what the aging
-- reads in the index itself.
-- It also carries the item's id (get_aging adds reconciliations to it) and the columns v_open_items
-- joins on (the planner decides whether a scan can read the index alone before it drops the joins a
-- query does not need).
CREATE INDEX account_move_line_open_idx ON odoo_mirror.account_move_line (account_id, partner_id, company_id)
    INCLUDE (amount_residual, date_maturity, date, id, move_id, journal_id, currency_id)
    WHERE parent_state = 'posted' AND amount_residual <> 0;
-- Rates are looked up by currency and date, latest first.
CREATE INDEX res_currency_rate_currency_date_idx ON odoo_mirror.res_currency_rate (currency_id, name DESC);
CREATE INDEX account_analytic_line_account_date_idx ON odoo_mirror.account_analytic_line (account_id, date);
CREATE INDEX account_payment_move_idx ON odoo_mirror.account_payment (move_id);
-- A customer's last payment (get_collections_worklist).
CREATE INDEX account_payment_partner_idx ON odoo_mirror.account_payment (partner_id);

-- One row per open receivable or payable journal item: a partner ledger of what is still open.
CREATE VIEW odoo_mirror.v_open_items AS
SELECT
    item.due_date,
    l.company_id,
    company.name::text AS company_name,
    l.partner_id,
    partner.name::text AS partner_name,
    CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind,
    l.account_id,
    COALESCE(account.code::text, account.code_store ->> l.company_id::text) AS account_code,
    odoo_mirror.translated_text(account.name) AS account_name,
    l.id AS move_line_id,
    l.move_id,
    move.name::text AS document_number,
    move.move_type::text AS move_type,
    l.date AS accounting_date,
    move.invoice_date,
    l.journal_id,
    odoo_mirror.translated_text(journal.name) AS journal_name,
    COALESCE(move.ref, move.payment_reference, l.name)::text AS reference,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(l.balance) < 99999999999999.995 THEN (l.balance)::numeric(16,2) ELSE NULL::numeric(16,2) END AS original_amount,
    CASE WHEN pg_catalog.abs(l.amount_residual) < 99999999999999.995 THEN (l.amount_residual)::numeric(16,2) ELSE NULL::numeric(16,2) END AS open_amount,
    currency.name::text AS document_currency,
    CASE WHEN pg_catalog.abs(l.amount_residual_currency) < 99999999999999.995 THEN (l.amount_residual_currency)::numeric(16,2) ELSE NULL::numeric(16,2) END AS open_amount_currency,
    CASE WHEN item.due_date >= CURRENT_DATE THEN 0
         WHEN pg_catalog.isfinite(item.due_date) THEN CURRENT_DATE - item.due_date END AS days_overdue,
    CASE WHEN item.due_date IS NULL THEN NULL
         WHEN item.due_date >= CURRENT_DATE THEN 'not due'
         WHEN item.due_date >= CURRENT_DATE - 30 THEN '1-30'
         WHEN item.due_date >= CURRENT_DATE - 60 THEN '31-60'
         WHEN item.due_date >= CURRENT_DATE - 90 THEN '61-90'
         WHEN item.due_date >= CURRENT_DATE - 120 THEN '91-120'
         ELSE 'over 120' END AS aging_bucket
FROM odoo_mirror.account_move_line AS l
JOIN odoo_mirror.account_account AS account
  ON account.id = l.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
CROSS JOIN LATERAL (SELECT COALESCE(l.date_maturity, l.date) AS due_date) AS item
LEFT JOIN odoo_mirror.account_move AS move ON move.id = l.move_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = l.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = l.partner_id
LEFT JOIN odoo_mirror.account_journal AS journal ON journal.id = l.journal_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = l.currency_id
WHERE l.parent_state = 'posted' AND l.amount_residual <> 0;
COMMENT ON VIEW odoo_mirror.v_open_items IS
    'Open receivable and payable journal items (a partner ledger of what is still open), with due date, days overdue and aging bucket as of today';
COMMENT ON COLUMN odoo_mirror.v_open_items.due_date IS 'Date the item is due: the journal item''s due date (date_maturity), else its accounting date, as Odoo''s aged balance takes it.';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_id IS 'Odoo id of the company the item belongs to.';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_name IS 'Name of the company the item belongs to.';
COMMENT ON COLUMN odoo_mirror.v_open_items.partner_id IS 'Odoo id of the customer or vendor on the journal item (res.partner).';
COMMENT ON COLUMN odoo_mirror.v_open_items.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_kind IS 'receivable (money owed to the company) or payable (money the company owes), from the account''s type.';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_id IS 'Odoo id of the account (account.account).';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_code IS 'Code of the account in the item''s company (e.g. 121000).';
COMMENT ON COLUMN odoo_mirror.v_open_items.account_name IS 'Name of the account (English, else any translation).';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_line_id IS 'Odoo id of the journal item (account.move.line).';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_id IS 'Odoo id of the journal entry the item belongs to (account.move): the invoice, bill, refund or payment.';
COMMENT ON COLUMN odoo_mirror.v_open_items.document_number IS 'Number of the invoice, bill, refund or payment entry, e.g. INV/2024/00001.';
COMMENT ON COLUMN odoo_mirror.v_open_items.move_type IS 'Odoo document type key of the entry: out_invoice, out_refund, in_invoice, in_refund, out_receipt, in_receipt or entry (payments and other entries).';
COMMENT ON COLUMN odoo_mirror.v_open_items.accounting_date IS 'Accounting date of the journal item.';
COMMENT ON COLUMN odoo_mirror.v_open_items.invoice_date IS 'Invoice or bill date of the entry; NULL for payments and other entries.';
COMMENT ON COLUMN odoo_mirror.v_open_items.journal_id IS 'Odoo id of the journal (account.journal).';
COMMENT ON COLUMN odoo_mirror.v_open_items.journal_name IS 'Name of the journal, e.g. Customer Invoices.';
COMMENT ON COLUMN odoo_mirror.v_open_items.reference IS 'Reference of the entry (its ref, else the payment reference, else the item''s label).';
COMMENT ON COLUMN odoo_mirror.v_open_items.company_currency IS 'Company currency code (e.g. EUR): the currency of original_amount and open_amount.';
COMMENT ON COLUMN odoo_mirror.v_open_items.original_amount IS 'Amount of the item when posted, company currency, signed as in the ledger: positive is a debit (an invoice owed to the company, a vendor refund), negative a credit (a bill owed to a vendor, a customer payment not yet matched).';
COMMENT ON COLUMN odoo_mirror.v_open_items.open_amount IS 'Amount still open (Odoo''s residual), company currency, signed as original_amount; may be summed per company.';
COMMENT ON COLUMN odoo_mirror.v_open_items.document_currency IS 'Currency code of the item''s document (e.g. USD): the currency of open_amount_currency.';
COMMENT ON COLUMN odoo_mirror.v_open_items.open_amount_currency IS 'Amount still open in the document currency (document_currency), signed as original_amount; do not sum across currencies.';
COMMENT ON COLUMN odoo_mirror.v_open_items.days_overdue IS 'Days past the due date as of today (CURRENT_DATE in the reader''s time zone); 0 when not yet due; NULL for a due date at ±infinity.';
COMMENT ON COLUMN odoo_mirror.v_open_items.aging_bucket IS 'Aging bucket as of today: not due, 1-30, 31-60, 61-90, 91-120 or over 120 (days past due).';

-- Aging per partner, as of today, from the residuals Odoo stores; get_aging() gives the same for a past
-- date from the reconciliation dates. Amounts are what is owed: to the company on receivables, by it on
-- payables (so an unmatched customer payment or a vendor refund shows as a negative amount).
CREATE VIEW odoo_mirror.v_aging AS
SELECT
    CURRENT_DATE AS as_of_date,
    a.account_kind,
    a.company_id,
    company.name::text AS company_name,
    a.partner_id,
    partner.name::text AS partner_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(a.not_due) < 99999999999999.995 THEN a.not_due::numeric(16,2) ELSE NULL::numeric(16,2) END AS not_due,
    CASE WHEN pg_catalog.abs(a.overdue_1_30) < 99999999999999.995 THEN a.overdue_1_30::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_1_30,
    CASE WHEN pg_catalog.abs(a.overdue_31_60) < 99999999999999.995 THEN a.overdue_31_60::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_31_60,
    CASE WHEN pg_catalog.abs(a.overdue_61_90) < 99999999999999.995 THEN a.overdue_61_90::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_61_90,
    CASE WHEN pg_catalog.abs(a.overdue_91_120) < 99999999999999.995 THEN a.overdue_91_120::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_91_120,
    CASE WHEN pg_catalog.abs(a.overdue_over_120) < 99999999999999.995 THEN a.overdue_over_120::numeric(16,2) ELSE NULL::numeric(16,2) END AS overdue_over_120,
    CASE WHEN pg_catalog.abs(a.total_open) < 99999999999999.995 THEN a.total_open::numeric(16,2) ELSE NULL::numeric(16,2) END AS total_open,
    a.open_items,
    a.oldest_due_date
FROM (
    -- Only ids and amounts of the open items: the planner then drops v_open_items' joins for names,
    -- which are joined once per partner below.
    SELECT
        i.account_kind, i.company_id, i.partner_id,
        -- The buckets of v_open_items.aging_bucket, by date comparisons (cheaper per item than its text).
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date >= CURRENT_DATE), 0) AS not_due,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE AND i.due_date >= CURRENT_DATE - 30), 0) AS overdue_1_30,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 30 AND i.due_date >= CURRENT_DATE - 60), 0) AS overdue_31_60,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 60 AND i.due_date >= CURRENT_DATE - 90), 0) AS overdue_61_90,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 90 AND i.due_date >= CURRENT_DATE - 120), 0) AS overdue_91_120,
        COALESCE(pg_catalog.sum(i.owed) FILTER (WHERE i.due_date < CURRENT_DATE - 120), 0) AS overdue_over_120,
        COALESCE(pg_catalog.sum(i.owed), 0) AS total_open,
        -- Items whose amount the view shows as NULL (NaN, beyond numeric(16,2)) are not counted.
        pg_catalog.count(i.owed) AS open_items,
        pg_catalog.min(i.due_date) FILTER (WHERE i.owed IS NOT NULL) AS oldest_due_date
    FROM (
        SELECT o.account_kind, o.company_id, o.partner_id, o.due_date,
               CASE o.account_kind WHEN 'payable' THEN -o.open_amount ELSE o.open_amount END AS owed
        FROM odoo_mirror.v_open_items AS o
    ) AS i
    GROUP BY i.account_kind, i.company_id, i.partner_id
) AS a
LEFT JOIN odoo_mirror.res_company AS company ON company.id = a.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = a.partner_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_aging IS
    'Receivables and payables per partner and company by days past due as of today (both sides of v_receivable_aging and v_payable_aging)';

CREATE VIEW odoo_mirror.v_receivable_aging AS
SELECT as_of_date, company_id, company_name, partner_id, partner_name, company_currency, not_due, overdue_1_30,
       overdue_31_60, overdue_61_90, overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date
FROM odoo_mirror.v_aging WHERE account_kind = 'receivable';
COMMENT ON VIEW odoo_mirror.v_receivable_aging IS
    'Aged receivables: what each customer owes each company, by days past due as of today (Odoo''s aged receivable)';

CREATE VIEW odoo_mirror.v_payable_aging AS
SELECT as_of_date, company_id, company_name, partner_id, partner_name, company_currency, not_due, overdue_1_30,
       overdue_31_60, overdue_61_90, overdue_91_120, overdue_over_120, total_open, open_items, oldest_due_date
FROM odoo_mirror.v_aging WHERE account_kind = 'payable';
COMMENT ON VIEW odoo_mirror.v_payable_aging IS
    'Aged payables: what each company owes each vendor, by days past due as of today (Odoo''s aged payable)';

-- The aging views' columns mean the same in all three; each gets the description (Superset reads them
-- per view).
DO $comments$
DECLARE
    view_name text;
    description record;
BEGIN
    FOR view_name IN SELECT unnest(ARRAY['v_aging', 'v_receivable_aging', 'v_payable_aging']) LOOP
        FOR description IN
            SELECT * FROM (VALUES
                ('as_of_date', 'Date the aging is computed for: today (CURRENT_DATE in the reader''s time zone).'),
                ('account_kind', 'receivable (owed to the company) or payable (owed by the company).'),
                ('company_id', 'Odoo id of the company.'),
                ('company_name', 'Name of the company.'),
                ('partner_id', 'Odoo id of the customer or vendor (res.partner) on the open items.'),
                ('partner_name', 'Name of the customer or vendor; NULL if the partner is not in the mirror.'),
                ('company_currency', 'Company currency code (e.g. EUR): the currency of every amount of the row.'),
                ('not_due', 'Amount owed that is not yet due (due today or later), company currency.'),
                ('overdue_1_30', 'Amount owed 1 to 30 days past due, company currency.'),
                ('overdue_31_60', 'Amount owed 31 to 60 days past due, company currency.'),
                ('overdue_61_90', 'Amount owed 61 to 90 days past due, company currency.'),
                ('overdue_91_120', 'Amount owed 91 to 120 days past due, company currency.'),
                ('overdue_over_120', 'Amount owed more than 120 days past due, company currency.'),
                ('total_open', 'Everything owed (sum of the buckets), company currency; receivables: owed to the company, payables: owed by it; negative when the partner has more credit (unmatched payments, refunds) than debt.'),
                ('open_items', 'Number of open journal items behind the row.'),
                ('oldest_due_date', 'Earliest due date among the open items.')
            ) AS d(column_name, text)
        LOOP
            IF EXISTS (SELECT FROM pg_catalog.pg_attribute
                       WHERE attrelid = pg_catalog.format('odoo_mirror.%I', view_name)::regclass
                         AND attname = description.column_name AND NOT attisdropped) THEN
                EXECUTE pg_catalog.format('COMMENT ON COLUMN odoo_mirror.%I.%I IS %L', view_name,
                                          description.column_name, description.text);
            END IF;
        END LOOP;
    END LOOP;
END
$comments$;

-- One row per payment and document it settled (a payment not yet matched has one row with no document).
-- A payment settles a document through partial reconciliations between its receivable or payable
-- journal item and the document's. Odoo 17 keeps a payment's date, number and state on its journal entry;
-- Odoo 18 also on the payment (read first). A payment without a journal entry (Odoo 18) has no settlement.
CREATE VIEW odoo_mirror.v_payments AS
SELECT
    COALESCE(p.date, payment_move.date) AS payment_date,
    p.id AS payment_id,
    COALESCE(p.name, payment_move.name)::text AS payment_number,
    COALESCE(p.state, payment_move.state)::text AS state,
    p.payment_type::text AS payment_type,
    p.partner_type::text AS partner_type,
    COALESCE(p.company_id, payment_move.company_id) AS company_id,
    company.name::text AS company_name,
    p.partner_id,
    partner.name::text AS partner_name,
    COALESCE(p.journal_id, payment_move.journal_id) AS journal_id,
    odoo_mirror.translated_text(journal.name) AS journal_name,
    currency.name::text AS currency,
    CASE WHEN pg_catalog.abs(p.amount) < 99999999999999.995 THEN (p.amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(p.amount_company_currency_signed) < 99999999999999.995
         THEN (p.amount_company_currency_signed)::numeric(16,2) ELSE NULL::numeric(16,2) END AS amount_company_currency_signed,
    p.move_id,
    settled.move_id AS settled_move_id,
    settled_move.name::text AS settled_document_number,
    settled_move.move_type::text AS settled_move_type,
    CASE WHEN pg_catalog.abs(settled.amount) < 99999999999999.995 THEN (settled.amount)::numeric(16,2) ELSE NULL::numeric(16,2) END AS settled_amount,
    settled.settled_on
FROM odoo_mirror.account_payment AS p
LEFT JOIN odoo_mirror.account_move AS payment_move ON payment_move.id = p.move_id
LEFT JOIN LATERAL (
    SELECT other_line.move_id, pr.amount, pr.max_date AS settled_on
    FROM odoo_mirror.account_move_line AS payment_line
    JOIN odoo_mirror.account_account AS account
      ON account.id = payment_line.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
    JOIN odoo_mirror.account_partial_reconcile AS pr ON pr.debit_move_id = payment_line.id
    JOIN odoo_mirror.account_move_line AS other_line ON other_line.id = pr.credit_move_id
    WHERE payment_line.move_id = p.move_id
    UNION ALL
    SELECT other_line.move_id, pr.amount, pr.max_date
    FROM odoo_mirror.account_move_line AS payment_line
    JOIN odoo_mirror.account_account AS account
      ON account.id = payment_line.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
    JOIN odoo_mirror.account_partial_reconcile AS pr ON pr.credit_move_id = payment_line.id
    JOIN odoo_mirror.account_move_line AS other_line ON other_line.id = pr.debit_move_id
    WHERE payment_line.move_id = p.move_id
) AS settled ON true
LEFT JOIN odoo_mirror.account_move AS settled_move ON settled_move.id = settled.move_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = COALESCE(p.company_id, payment_move.company_id)
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = p.partner_id
LEFT JOIN odoo_mirror.account_journal AS journal ON journal.id = COALESCE(p.journal_id, payment_move.journal_id)
LEFT JOIN odoo_mirror.res_currency AS currency ON currency.id = p.currency_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_payments IS
    'Payments with the invoices, bills and refunds each settled, how much and when (from Odoo''s partial reconciliations)';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_date IS 'Date of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_id IS 'Odoo id of the payment (account.payment); a payment settling several documents has a row for each.';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_number IS 'Number of the payment, e.g. PBNK1/2024/00012.';
COMMENT ON COLUMN odoo_mirror.v_payments.state IS 'Odoo status of the payment: draft, posted, cancel (Odoo 18 also in_process, paid, rejected).';
COMMENT ON COLUMN odoo_mirror.v_payments.payment_type IS 'inbound (money received) or outbound (money sent).';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_type IS 'customer or supplier.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_id IS 'Odoo id of the company the payment belongs to.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_name IS 'Name of the company the payment belongs to.';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_id IS 'Odoo id of the customer or vendor who paid or was paid.';
COMMENT ON COLUMN odoo_mirror.v_payments.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_payments.journal_id IS 'Odoo id of the bank or cash journal of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.journal_name IS 'Name of the bank or cash journal.';
COMMENT ON COLUMN odoo_mirror.v_payments.currency IS 'Currency code of the payment (e.g. USD): the currency of amount.';
COMMENT ON COLUMN odoo_mirror.v_payments.amount IS 'Amount of the payment in its own currency (currency), never negative; repeated on each row of a payment that settled several documents: do not sum it over settlements.';
COMMENT ON COLUMN odoo_mirror.v_payments.company_currency IS 'Company currency code: the currency of amount_company_currency_signed and settled_amount.';
COMMENT ON COLUMN odoo_mirror.v_payments.amount_company_currency_signed IS 'Amount of the payment in the company currency, positive when received, negative when sent; repeated on each row of the payment.';
COMMENT ON COLUMN odoo_mirror.v_payments.move_id IS 'Odoo id of the payment''s journal entry (account.move); NULL for an Odoo 18 payment without one.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_move_id IS 'Odoo id of the invoice, bill, refund or other entry this payment settled (in part); NULL when the payment is not matched.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_document_number IS 'Number of the settled document, e.g. INV/2024/00001.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_move_type IS 'Odoo document type key of the settled document: out_invoice, in_invoice, out_refund, in_refund, entry, ...';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_amount IS 'Amount of the document this payment settled, company currency, never negative; may be summed.';
COMMENT ON COLUMN odoo_mirror.v_payments.settled_on IS 'Date the settlement counts from: the later of the payment''s and the document''s accounting dates (Odoo''s max_date).';

-- Days sales outstanding per company and month.
CREATE VIEW odoo_mirror.v_dso_monthly AS
WITH receivable_moves AS (
    SELECT l.company_id, pg_catalog.date_trunc('month', l.date)::date AS month,
           pg_catalog.sum(CASE WHEN pg_catalog.abs(l.balance) < 99999999999999.995 THEN l.balance END) AS change
    FROM odoo_mirror.account_move_line AS l
    JOIN odoo_mirror.account_account AS account ON account.id = l.account_id AND account.account_type = 'asset_receivable'
    WHERE l.parent_state = 'posted' AND pg_catalog.isfinite(l.date)
    GROUP BY 1, 2
), sales AS (
    SELECT m.company_id, pg_catalog.date_trunc('month', m.invoice_date)::date AS month,
           pg_catalog.sum(CASE WHEN pg_catalog.abs(m.amount_total_signed) < 99999999999999.995 THEN m.amount_total_signed END) AS credit_sales
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND pg_catalog.isfinite(m.invoice_date)
    GROUP BY 1, 2
), bounds AS (
    SELECT company_id, pg_catalog.min(month) AS first_month
    FROM (SELECT company_id, month FROM receivable_moves UNION ALL SELECT company_id, month FROM sales) AS months
    GROUP BY company_id
), series AS (
    SELECT b.company_id, s.month::date AS month
    FROM bounds AS b
    CROSS JOIN LATERAL pg_catalog.generate_series(
        b.first_month::timestamp, pg_catalog.date_trunc('month', CURRENT_DATE)::timestamp, interval '1 month') AS s(month)
), running AS (
    SELECT s.company_id, s.month,
           (s.month + interval '1 month' - interval '1 day')::date AS month_end,
           pg_catalog.sum(COALESCE(r.change, 0)) OVER w AS receivables,
           COALESCE(sales.credit_sales, 0) AS credit_sales,
           pg_catalog.sum(COALESCE(sales.credit_sales, 0)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS credit_sales_3m,
           ((s.month + interval '1 month')::date - (s.month - interval '2 months')::date) AS days_3m
    FROM series AS s
    LEFT JOIN receivable_moves AS r ON r.company_id IS NOT DISTINCT FROM s.company_id AND r.month = s.month
    LEFT JOIN sales ON sales.company_id IS NOT DISTINCT FROM s.company_id AND sales.month = s.month
    WINDOW w AS (PARTITION BY s.company_id ORDER BY s.month)
)
SELECT
    r.month,
    r.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(r.receivables) < 99999999999999.995 THEN r.receivables::numeric(16,2) ELSE NULL::numeric(16,2) END AS receivables_at_month_end,
    CASE WHEN pg_catalog.abs(r.credit_sales) < 99999999999999.995 THEN r.credit_sales::numeric(16,2) ELSE NULL::numeric(16,2) END AS credit_sales,
    CASE WHEN r.credit_sales > 0
         THEN (r.receivables / r.credit_sales * (r.month_end - r.month + 1))::double precision END AS days_sales_outstanding,
    CASE WHEN r.credit_sales_3m > 0
         THEN (r.receivables / r.credit_sales_3m * r.days_3m)::double precision END AS days_sales_outstanding_3m
FROM running AS r
LEFT JOIN odoo_mirror.res_company AS company ON company.id = r.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_dso_monthly IS
    'Days sales outstanding per company and month: receivables at month end against the month''s credit sales';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.month IS 'First day of the month.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.company_currency IS 'Company currency code: the currency of receivables_at_month_end and credit_sales.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.receivables_at_month_end IS 'Balance of the receivable accounts at the end of the month (posted journal items dated up to then), company currency.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.credit_sales IS 'Customer invoices less customer credit notes posted with an invoice date in the month, tax included (amount_total_signed), company currency.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.days_sales_outstanding IS 'DSO = receivables_at_month_end / credit_sales x days in the month; NULL when the month has no credit sales.';
COMMENT ON COLUMN odoo_mirror.v_dso_monthly.days_sales_outstanding_3m IS 'DSO over three months = receivables_at_month_end / credit sales of this and the two months before x the days in those three months; steadier than the monthly figure.';

-- How late each partner pays (receivables) and is paid (payables): from the items settled in full in the
-- last 365 days, the days between each item's due date and the date its last reconciliation counts from,
-- weighted by amount. The cash forecast shifts open items by it; the collections worklist shows it.
-- Computing it reads every reconciled item (about as long as a full scan of account_move_line, twice),
-- and a yearly average moves slowly: refresh_payment_delays() keeps it in a table, scheduled like the
-- revenue rollup's refresh; v_payment_delays says when it was computed.
CREATE TABLE odoo_mirror.payment_delays (
    company_id integer NOT NULL,
    partner_id integer NOT NULL,
    account_kind text NOT NULL,
    settled_items bigint NOT NULL,
    average_delay_days double precision,
    last_settled_on date,
    refreshed_at timestamp with time zone NOT NULL,
    -- What the cash forecast shifts the partner's open items by: the average in whole days, bounded to
    -- -60..365 (a few odd settlements must not move a forecast by years).
    forecast_shift_days integer NOT NULL,
    CONSTRAINT payment_delays_pkey PRIMARY KEY (partner_id, company_id, account_kind),
    CONSTRAINT payment_delays_account_kind_check CHECK (account_kind IN ('receivable', 'payable'))
);
COMMENT ON TABLE odoo_mirror.payment_delays IS
    'Average payment delay per partner, company and side, as of the last odoo_mirror.refresh_payment_delays(); read through v_payment_delays';

-- When each posted customer invoice or refund was settled: the date its last reconciliation counts from
-- (max_date). The churn model dates payments by it (write_date only without it). Finding it reads every
-- reconciliation and the items on both sides, seconds at scale, so refresh_payment_delays() computes it
-- with the delays rather than every churn scoring.
CREATE TABLE odoo_mirror.invoice_settlements (
    move_id integer NOT NULL,
    settled_on date NOT NULL,
    CONSTRAINT invoice_settlements_pkey PRIMARY KEY (move_id)
);
COMMENT ON TABLE odoo_mirror.invoice_settlements IS
    'Date each posted customer invoice or refund was last reconciled (max_date), as of the last odoo_mirror.refresh_payment_delays(); read by the churn model';

CREATE FUNCTION odoo_mirror.refresh_payment_delays() RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $function$
    -- One refresh at a time; readers keep reading the previous figures until it commits.
    LOCK TABLE odoo_mirror.payment_delays, odoo_mirror.invoice_settlements IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM odoo_mirror.invoice_settlements;
    INSERT INTO odoo_mirror.invoice_settlements (move_id, settled_on)
    SELECT l.move_id, pg_catalog.max(sides.max_date)
    FROM (
        SELECT pg_catalog.unnest(ARRAY[pr.debit_move_id, pr.credit_move_id]) AS line_id, pr.max_date
        FROM odoo_mirror.account_partial_reconcile AS pr
        WHERE pr.max_date IS NOT NULL
    ) AS sides
    JOIN odoo_mirror.account_move_line AS l ON l.id = sides.line_id
    JOIN odoo_mirror.account_move AS m
      ON m.id = l.move_id AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    GROUP BY l.move_id;
    DELETE FROM odoo_mirror.payment_delays;
    INSERT INTO odoo_mirror.payment_delays
        (company_id, partner_id, account_kind, settled_items, average_delay_days, last_settled_on, refreshed_at,
         forecast_shift_days)
    SELECT company_id, partner_id, account_kind, settled_items, average_delay_days, last_settled_on, pg_catalog.now(),
           -- COALESCE first: GREATEST and LEAST skip NULLs.
           pg_catalog.round(LEAST(GREATEST(COALESCE(average_delay_days, 0), -60), 365))::integer
    FROM (
    SELECT company_id, partner_id, account_kind, pg_catalog.count(*) AS settled_items,
           CASE WHEN pg_catalog.sum(amount) > 0
                THEN (pg_catalog.sum(amount * (settled_on - due_date)) / pg_catalog.sum(amount))::double precision
           END AS average_delay_days,
           pg_catalog.max(settled_on) AS last_settled_on
    FROM (
        SELECT l.company_id, l.partner_id,
               CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind,
               pg_catalog.abs(l.balance) AS amount,
               COALESCE(l.date_maturity, l.date) AS due_date,
               s.settled_on
        FROM odoo_mirror.account_move_line AS l
        JOIN odoo_mirror.account_account AS account
          ON account.id = l.account_id AND account.account_type IN ('asset_receivable', 'liability_payable')
        CROSS JOIN LATERAL (
            SELECT pg_catalog.max(pr.max_date) AS settled_on
            FROM odoo_mirror.account_partial_reconcile AS pr
            WHERE pr.debit_move_id = l.id OR pr.credit_move_id = l.id
        ) AS s
        WHERE l.parent_state = 'posted' AND l.amount_residual = 0 AND l.reconciled
          -- A delay belongs to a partner of a company.
          AND l.partner_id IS NOT NULL AND l.company_id IS NOT NULL
          -- The documents (invoices, bills), not the payments that settled them.
          AND ((account.account_type = 'asset_receivable' AND l.balance > 0)
               OR (account.account_type = 'liability_payable' AND l.balance < 0))
          AND pg_catalog.abs(l.balance) < 99999999999999.995
          AND pg_catalog.isfinite(COALESCE(l.date_maturity, l.date))
    ) AS settled
    WHERE settled_on >= CURRENT_DATE - 365 AND settled_on <= CURRENT_DATE
    GROUP BY company_id, partner_id, account_kind
    ) AS delays;
    SELECT pg_catalog.count(*)::integer FROM odoo_mirror.payment_delays;
$function$;
COMMENT ON FUNCTION odoo_mirror.refresh_payment_delays() IS
    'Recomputes from the reconciliations odoo_mirror.payment_delays (read by v_payment_delays, v_cash_forecast and get_collections_worklist) and odoo_mirror.invoice_settlements (the churn model''s payment dates); returns the number of partner rows. Schedule it (pg_cron, daily or hourly). Owner only.';

CREATE VIEW odoo_mirror.v_payment_delays AS
SELECT
    d.last_settled_on,
    d.account_kind,
    d.company_id,
    company.name::text AS company_name,
    d.partner_id,
    partner.name::text AS partner_name,
    d.settled_items,
    d.average_delay_days,
    d.refreshed_at,
    d.forecast_shift_days
FROM odoo_mirror.payment_delays AS d
LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = d.partner_id;
COMMENT ON VIEW odoo_mirror.v_payment_delays IS
    'How many days after the due date each partner pays (receivables) or is paid (payables), from the items settled in full in the 365 days before the last refresh_payment_delays()';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.last_settled_on IS 'Date the partner''s most recently settled item was settled (the date its last reconciliation counts from).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.account_kind IS 'receivable (the customer paying the company) or payable (the company paying the vendor).';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_id IS 'Odoo id of the customer or vendor.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.partner_name IS 'Name of the customer or vendor; NULL if the partner is not in the mirror.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.settled_items IS 'Invoices or bills of the partner settled in full in the last 365 days.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.average_delay_days IS 'Days from due date to settlement, averaged over those items weighted by amount; negative when paid early.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.forecast_shift_days IS 'What v_cash_forecast shifts the partner''s open items by: average_delay_days rounded to whole days and bounded to -60..365.';
COMMENT ON COLUMN odoo_mirror.v_payment_delays.refreshed_at IS 'When refresh_payment_delays() computed the row; the 365 days end on that day.';

-- Cash expected in and out per week for the next 13 weeks, from the open items: each shifted by its
-- partner's average payment delay (payment_delays, as of its last refresh, bounded to -60..365 days;
-- none known: no shift), and beside it the plain due-date figure. Items already late, or expected
-- before this week, fall in this week.
CREATE VIEW odoo_mirror.v_cash_forecast AS
WITH items AS (
    -- v_open_items' rows, read account by account through the open-items index: the planner cannot
    -- tell how few of all open items sit on receivable and payable accounts (a company that does not
    -- reconcile its bank statements keeps every outstanding payment line open), and would read
    -- account_move_line whole.
    -- Weeks are counted from this week's Monday (0 = this week) in integer arithmetic; what falls before
    -- it counts in week 0, and a date at ±infinity (which cannot be subtracted) in week 0 or none.
    SELECT l.company_id, kind.account_kind,
           -- Signed as in the ledger; the sums below turn payables into what is owed.
           CASE WHEN pg_catalog.abs(l.amount_residual) < 99999999999999.995 THEN l.amount_residual END AS owed,
           CASE WHEN l.due_date < monday.day THEN 0
                WHEN l.due_date < monday.day + 91 THEN (l.due_date - monday.day) / 7 END AS due_week,
           -- No known delay: no shift.
           CASE WHEN shifted.day < monday.day THEN 0
                WHEN shifted.day < monday.day + 91 THEN (shifted.day - monday.day) / 7 END AS expected_week
    FROM odoo_mirror.account_account AS account
    CROSS JOIN LATERAL (
        SELECT CASE account.account_type WHEN 'asset_receivable' THEN 'receivable' ELSE 'payable' END AS account_kind
    ) AS kind
    CROSS JOIN LATERAL (
        SELECT open_line.company_id, open_line.partner_id, open_line.amount_residual,
               COALESCE(open_line.date_maturity, open_line.date) AS due_date
        FROM odoo_mirror.account_move_line AS open_line
        WHERE open_line.account_id = account.id AND open_line.parent_state = 'posted' AND open_line.amount_residual <> 0
        OFFSET 0
    ) AS l
    -- Plain equality (hashable): an item without a partner has no partner delay.
    LEFT JOIN odoo_mirror.payment_delays AS d
      ON d.company_id = l.company_id AND d.partner_id = l.partner_id AND d.account_kind = kind.account_kind
    CROSS JOIN LATERAL (SELECT l.due_date + COALESCE(d.forecast_shift_days, 0) AS day) AS shifted
    CROSS JOIN (SELECT pg_catalog.date_trunc('week', CURRENT_DATE::timestamp)::date AS day) AS monday
    WHERE account.account_type IN ('asset_receivable', 'liability_payable')
), weekly AS (
    -- One pass over the items for both placements (GROUPING SETS): by expected week and by due week.
    SELECT company_id, COALESCE(expected_week, due_week) AS week_index, GROUPING(expected_week) = 0 AS expected,
           pg_catalog.sum(owed) FILTER (WHERE account_kind = 'receivable') AS cash_in,
           -pg_catalog.sum(owed) FILTER (WHERE account_kind = 'payable') AS cash_out
    FROM items
    GROUP BY GROUPING SETS ((company_id, expected_week), (company_id, due_week))
), weeks AS (
    SELECT (pg_catalog.date_trunc('week', CURRENT_DATE::timestamp) + n * interval '1 week')::date AS week_start,
           n AS week_index, n + 1 AS week_number
    FROM pg_catalog.generate_series(0, 12) AS n
), forecast AS (
    SELECT w.week_start, w.week_number, c.company_id,
           COALESCE(e.cash_in, 0) AS expected_in, COALESCE(e.cash_out, 0) AS expected_out,
           COALESCE(d.cash_in, 0) AS due_in, COALESCE(d.cash_out, 0) AS due_out
    FROM weeks AS w
    -- Every company, each with 13 weeks (of zeros when nothing is open).
    CROSS JOIN (SELECT company.id AS company_id FROM odoo_mirror.res_company AS company) AS c
    LEFT JOIN weekly AS e ON e.company_id = c.company_id AND e.week_index = w.week_index AND e.expected
    LEFT JOIN weekly AS d ON d.company_id = c.company_id AND d.week_index = w.week_index AND NOT d.expected
)
SELECT
    f.week_start,
    f.week_number,
    f.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(f.expected_in) < 99999999999999.995 THEN (f.expected_in)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_in,
    CASE WHEN pg_catalog.abs(f.expected_out) < 99999999999999.995 THEN (f.expected_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_out,
    CASE WHEN pg_catalog.abs(f.expected_in - f.expected_out) < 99999999999999.995 THEN (f.expected_in - f.expected_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS expected_net,
    CASE WHEN pg_catalog.abs(f.due_in) < 99999999999999.995 THEN (f.due_in)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_in,
    CASE WHEN pg_catalog.abs(f.due_out) < 99999999999999.995 THEN (f.due_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_out,
    CASE WHEN pg_catalog.abs(f.due_in - f.due_out) < 99999999999999.995 THEN (f.due_in - f.due_out)::numeric(16,2) ELSE NULL::numeric(16,2) END AS due_net
FROM forecast AS f
LEFT JOIN odoo_mirror.res_company AS company ON company.id = f.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_cash_forecast IS
    'Cash expected in and out per company and week for the next 13 weeks: open items shifted by each partner''s usual payment delay, beside the plain due-date figures';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.week_start IS 'Monday the week starts on; the first week is the current one (CURRENT_DATE in the reader''s time zone).';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.week_number IS 'Week of the forecast, 1 (this week) to 13.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.company_currency IS 'Company currency code: the currency of every amount of the row.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_in IS 'Receivables expected to be paid in the week: each open item at its due date shifted by the customer''s average payment delay (v_payment_delays); late items count in week 1. Company currency; customer credits reduce it.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_out IS 'Payables expected to be paid in the week, shifted by the company''s average delay in paying that vendor; late items count in week 1. Company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.expected_net IS 'expected_in minus expected_out, company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_in IS 'Receivables falling due in the week (no shift; overdue ones in week 1), company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_out IS 'Payables falling due in the week (no shift; overdue ones in week 1), company currency.';
COMMENT ON COLUMN odoo_mirror.v_cash_forecast.due_net IS 'due_in minus due_out, company currency.';

-- Income and expense per analytic account and month, from the analytic lines. Odoo keeps the project
-- plan's account in account_id and adds a column x_plan<N>_id for each further plan; those per-plan
-- columns are not mirrored (they differ per database), so this covers the accounts of the project plan
-- (account_id) only.
CREATE VIEW odoo_mirror.v_analytic_pnl AS
SELECT
    p.month,
    p.company_id,
    company.name::text AS company_name,
    p.analytic_account_id,
    odoo_mirror.translated_text(analytic.name) AS analytic_account_name,
    analytic.code::text AS analytic_account_code,
    analytic.plan_id AS analytic_plan_id,
    odoo_mirror.translated_text(plan.name) AS analytic_plan_name,
    analytic.partner_id,
    partner.name::text AS partner_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(p.income) < 99999999999999.995 THEN p.income::numeric(16,2) ELSE NULL::numeric(16,2) END AS income,
    CASE WHEN pg_catalog.abs(p.expense) < 99999999999999.995 THEN p.expense::numeric(16,2) ELSE NULL::numeric(16,2) END AS expense,
    CASE WHEN pg_catalog.abs(p.income - p.expense) < 99999999999999.995 THEN (p.income - p.expense)::numeric(16,2) ELSE NULL::numeric(16,2) END AS net,
    p.line_count
FROM (
    SELECT
        pg_catalog.date_trunc('month', aal.date)::date AS month,
        aal.company_id,
        aal.account_id AS analytic_account_id,
        COALESCE(pg_catalog.sum(aal.amount) FILTER (WHERE aal.amount > 0 AND aal.amount < 99999999999999.995), 0) AS income,
        COALESCE(-pg_catalog.sum(aal.amount) FILTER (WHERE aal.amount < 0 AND aal.amount > -99999999999999.995), 0) AS expense,
        pg_catalog.count(*) AS line_count
    FROM odoo_mirror.account_analytic_line AS aal
    WHERE aal.account_id IS NOT NULL AND pg_catalog.isfinite(aal.date)
    GROUP BY 1, 2, 3
) AS p
LEFT JOIN odoo_mirror.account_analytic_account AS analytic ON analytic.id = p.analytic_account_id
LEFT JOIN odoo_mirror.account_analytic_plan AS plan ON plan.id = analytic.plan_id
LEFT JOIN odoo_mirror.res_partner AS partner ON partner.id = analytic.partner_id
LEFT JOIN odoo_mirror.res_company AS company ON company.id = p.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = company.currency_id;
COMMENT ON VIEW odoo_mirror.v_analytic_pnl IS
    'Income and expense per analytic account (project plan) and month, from Odoo''s analytic lines';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.month IS 'First day of the month of the analytic lines'' dates.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_id IS 'Odoo id of the company of the analytic lines.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_id IS 'Odoo id of the analytic account (account.analytic.account) of the project plan.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_name IS 'Name of the analytic account (English, else any translation).';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_account_code IS 'Reference code of the analytic account; NULL when not set.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_plan_id IS 'Odoo id of the analytic plan the account belongs to.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.analytic_plan_name IS 'Name of the analytic plan.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.partner_id IS 'Odoo id of the analytic account''s customer, if it has one.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.partner_name IS 'Name of the analytic account''s customer.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.company_currency IS 'Company currency code: analytic amounts are in the company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.income IS 'Sum of the positive analytic amounts (revenue), company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.expense IS 'Sum of the negative analytic amounts (costs, timesheets), as a positive number, company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.net IS 'income minus expense, company currency.';
COMMENT ON COLUMN odoo_mirror.v_analytic_pnl.line_count IS 'Number of analytic lines.';

-- Revenue of every company in one reporting currency, each day's revenue converted at that invoice
-- date's rate as Odoo converts: the latest rate dated on or before the day, the company's own rate
-- before a shared one, 1 when there is none (flagged). The reporting currency is the setting
-- odoo_mirror.reporting_currency (an ISO code, e.g. ALTER DATABASE ... SET odoo_mirror.reporting_currency
-- = 'USD'), else the currency of the top company (no parent, lowest sequence).
CREATE VIEW odoo_mirror.v_consolidated_revenue AS
WITH reporting AS (
    SELECT COALESCE(
        (SELECT c.id FROM odoo_mirror.res_currency AS c
         WHERE c.name = pg_catalog.upper(pg_catalog.btrim(pg_catalog.current_setting('odoo_mirror.reporting_currency', true)))
         ORDER BY c.id LIMIT 1),
        (SELECT company.currency_id FROM odoo_mirror.res_company AS company
         ORDER BY company.parent_id IS NOT NULL, company.sequence NULLS LAST, company.id LIMIT 1)
    ) AS currency_id
), daily AS (
    SELECT m.company_id, m.invoice_date,
           pg_catalog.sum(m.amount_untaxed_signed) FILTER (WHERE pg_catalog.abs(m.amount_untaxed_signed) < 99999999999999.995) AS revenue,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_invoice') AS invoices,
           pg_catalog.count(*) FILTER (WHERE m.move_type = 'out_refund') AS refunds
    FROM odoo_mirror.account_move AS m
    WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') AND pg_catalog.isfinite(m.invoice_date)
    GROUP BY m.company_id, m.invoice_date
), converted AS (
    SELECT d.company_id, d.invoice_date, d.revenue, d.invoices, d.refunds, company.currency_id AS company_currency_id,
           r.currency_id AS reporting_currency_id,
           CASE WHEN company.currency_id IS NOT DISTINCT FROM r.currency_id THEN 1
                ELSE COALESCE(to_rate.rate, 1) / COALESCE(from_rate.rate, 1) END AS factor,
           -- A company's own currency often has no rate (it is 1 by definition); the reporting one must have one.
           company.currency_id IS DISTINCT FROM r.currency_id AND to_rate.rate IS NULL AS rate_missing
    FROM daily AS d
    CROSS JOIN reporting AS r
    LEFT JOIN odoo_mirror.res_company AS company ON company.id = d.company_id
    LEFT JOIN LATERAL (
        SELECT rate.rate FROM odoo_mirror.res_currency_rate AS rate
        WHERE rate.currency_id = company.currency_id AND rate.name <= d.invoice_date
          AND (rate.company_id = d.company_id OR rate.company_id IS NULL)
          AND rate.rate > 0 AND rate.rate < 'Infinity'
        ORDER BY rate.company_id NULLS LAST, rate.name DESC LIMIT 1
    ) AS from_rate ON company.currency_id IS DISTINCT FROM r.currency_id
    LEFT JOIN LATERAL (
        SELECT rate.rate FROM odoo_mirror.res_currency_rate AS rate
        WHERE rate.currency_id = r.currency_id AND rate.name <= d.invoice_date
          AND (rate.company_id = d.company_id OR rate.company_id IS NULL)
          AND rate.rate > 0 AND rate.rate < 'Infinity'
        ORDER BY rate.company_id NULLS LAST, rate.name DESC LIMIT 1
    ) AS to_rate ON company.currency_id IS DISTINCT FROM r.currency_id
), monthly AS (
    SELECT pg_catalog.date_trunc('month', c.invoice_date)::date AS month, c.company_id,
           pg_catalog.min(c.company_currency_id) AS company_currency_id,
           pg_catalog.min(c.reporting_currency_id) AS reporting_currency_id,
           COALESCE(pg_catalog.sum(c.revenue), 0) AS revenue,
           COALESCE(pg_catalog.sum(c.revenue * c.factor), 0) AS revenue_reporting,
           pg_catalog.sum(c.invoices)::bigint AS invoices, pg_catalog.sum(c.refunds)::bigint AS refunds,
           pg_catalog.bool_or(c.rate_missing) AS rate_missing
    FROM converted AS c
    GROUP BY 1, 2
)
SELECT
    m.month,
    m.company_id,
    company.name::text AS company_name,
    company_currency.name::text AS company_currency,
    CASE WHEN pg_catalog.abs(m.revenue) < 99999999999999.995 THEN m.revenue::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue,
    reporting_currency.name::text AS reporting_currency,
    CASE WHEN pg_catalog.abs(m.revenue_reporting) < 99999999999999.995 THEN m.revenue_reporting::numeric(16,2) ELSE NULL::numeric(16,2) END AS revenue_reporting_currency,
    m.invoices AS invoice_count,
    m.refunds AS refund_count,
    m.rate_missing
FROM monthly AS m
LEFT JOIN odoo_mirror.res_company AS company ON company.id = m.company_id
LEFT JOIN odoo_mirror.res_currency AS company_currency ON company_currency.id = m.company_currency_id
LEFT JOIN odoo_mirror.res_currency AS reporting_currency ON reporting_currency.id = m.reporting_currency_id;
COMMENT ON VIEW odoo_mirror.v_consolidated_revenue IS
    'Net revenue per company and month, in the company currency and in one reporting currency at each invoice date''s rate: sum revenue_reporting_currency across companies for group figures';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.month IS 'First day of the month of the invoice dates.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_id IS 'Odoo id of the company.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_name IS 'Name of the company.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.company_currency IS 'Company currency code: the currency of revenue.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.revenue IS 'Posted customer invoices less customer credit notes, before tax (amount_untaxed_signed), company currency; do not sum across companies with different currencies.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.reporting_currency IS 'Reporting currency code: the setting odoo_mirror.reporting_currency, else the top company''s currency.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.revenue_reporting_currency IS 'revenue converted into the reporting currency day by day at each invoice date''s rate (the company''s rates from res_currency_rate); may be summed across companies.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.invoice_count IS 'Posted customer invoices with an invoice date in the month.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.refund_count IS 'Posted customer credit notes with an invoice date in the month.';
COMMENT ON COLUMN odoo_mirror.v_consolidated_revenue.rate_missing IS 'true when some day of the month had no rate for the reporting currency in the company''s rates (on or before that day) and was converted at 1.';
