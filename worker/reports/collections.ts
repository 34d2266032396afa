/**
 * The collections report: cash received and invoiced per period and currency, DSO, days to pay,
 * the share paid on time, and the 8-week cash forecast. Nothing is summed across currencies.
 *
 * DSO (délai moyen de paiement clients, the French practice) over the range:
 *   DSO = receivables at the end of `to` ÷ sales incl. tax over the range × days in the range.
 */
import type { CollectionsReport } from "../../shared/schemas/collections";
import { daysBetween } from "../../shared/status";
import type { DateRange } from "../lib/date-range";
import { collectionsFacts, type DayAmountRow, type PaidStatsRow } from "./collections-queries";
import { forecast, type OpenItem } from "./forecast";
import { receivablesAsOf } from "../ledger/receivables";
import { periodIndex, periods as cutPeriods, type Interval } from "./periods";

type PeriodCurrency = CollectionsReport["periods"][number]["currencies"][number];

/** `value` rounded to `decimals` (ratios and day counts, never money). */
function rounded(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * DSO = receivables ÷ sales incl. tax × days; null when there were no sales.
 * @example dso(30_000, 90_000, 90) // 30
 */
export function dso(receivables: number, salesInclTax: number, days: number): number | null {
  return salesInclTax > 0 ? rounded((receivables * days) / salesInclTax, 1) : null;
}

function emptyPeriodCurrency(currency: string): PeriodCurrency {
  return { currency, cash_received: { by_method: {}, received: 0, refunded: 0, net: 0 }, invoiced: { issued: 0, credited: 0, net: 0 } };
}

export interface CollectionsInput {
  range: DateRange;
  interval: Interval;
  /** Today (UTC), for the forecast's `as_of` when `to` is later. */
  today: string;
}

/** Builds the report for a merchant. */
export async function collectionsReport(db: D1Database, merchantId: string, input: CollectionsInput): Promise<CollectionsReport> {
  const { range, interval } = input;
  const asOf = range.to < input.today ? range.to : input.today;
  // Receivables come from the ledger (derived from the event log); the caller brought it current (`requireCurrentLedger`).
  const [facts, atEnd] = await Promise.all([collectionsFacts(db, merchantId, range, asOf), receivablesAsOf(db, merchantId, range.to)]);
  const receivablesAtEnd = atEnd.invoices;
  const open = asOf === range.to ? receivablesAtEnd : (await receivablesAsOf(db, merchantId, asOf)).invoices;

  const list = cutPeriods(range, interval);
  const currencies = [...new Set([
    ...[facts.cash, facts.refunds, facts.invoiced, facts.credited].flatMap((rows) => rows.map((row) => row.currency)),
    ...facts.paid.map((row) => row.currency),
    ...receivablesAtEnd.map((row) => row.currency),
    ...open.map((row) => row.currency),
  ])].sort();
  const cells = list.map(() => new Map(currencies.map((currency) => [currency, emptyPeriodCurrency(currency)])));
  const cell = (row: DayAmountRow) => cells[periodIndex(list, row.day)]?.get(row.currency);

  for (const row of facts.cash) {
    const target = cell(row);
    if (!target) continue;
    target.cash_received.received += row.amount;
    target.cash_received.by_method[row.method] = (target.cash_received.by_method[row.method] ?? 0) + row.amount;
  }
  for (const row of facts.refunds) {
    const target = cell(row);
    if (!target) continue;
    target.cash_received.refunded += row.amount;
    target.cash_received.by_method[row.method] = (target.cash_received.by_method[row.method] ?? 0) - row.amount;
  }
  for (const row of facts.invoiced) {
    const target = cell(row);
    if (target) target.invoiced.issued += row.amount;
  }
  for (const row of facts.credited) {
    const target = cell(row);
    if (target) target.invoiced.credited += row.amount;
  }
  for (const byCurrency of cells) {
    for (const entry of byCurrency.values()) {
      entry.cash_received.net = entry.cash_received.received - entry.cash_received.refunded;
      entry.invoiced.net = entry.invoiced.issued - entry.invoiced.credited;
    }
  }

  const days = daysBetween(range.from, range.to) + 1;
  const paidBy = new Map<string, PaidStatsRow>(facts.paid.map((row) => [row.currency, row]));
  const summary = currencies.map((currency) => {
    const entries = cells.map((byCurrency) => byCurrency.get(currency)!);
    const sales = entries.reduce((sum, entry) => sum + entry.invoiced.net, 0);
    const receivables = receivablesAtEnd.filter((row) => row.currency === currency).reduce((sum, row) => sum + row.amount, 0);
    const paid = paidBy.get(currency);
    const count = paid?.paid_invoices ?? 0;
    return {
      currency,
      cash_received_net: entries.reduce((sum, entry) => sum + entry.cash_received.net, 0),
      sales_incl_tax: sales,
      receivables_at_end: receivables,
      days,
      dso: dso(receivables, sales, days),
      paid_invoices: count,
      average_days_to_pay: count > 0 ? rounded(paid!.days_to_pay / count, 1) : null,
      paid_on_time: paid?.on_time ?? 0,
      on_time_share: count > 0 ? rounded(paid!.on_time / count, 4) : null,
    };
  });

  const items: OpenItem[] = open;
  return {
    object: "collections_report",
    from: range.from,
    to: range.to,
    interval,
    currencies,
    periods: list.map((period, index) => ({ period: period.key, start: period.start, end: period.end, currencies: [...cells[index]!.values()] })),
    summary,
    forecast: forecast({
      asOf,
      items,
      lateness: new Map(facts.lateness.map((row) => [row.customer_id, row.lateness])),
      promises: new Map(facts.promises.map((row) => [row.invoice_id, row.promise_until])),
    }),
  };
}

