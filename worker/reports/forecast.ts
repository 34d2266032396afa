/**
 * The cash forecast: what each open invoice should bring in, week by week, for the 8 ISO weeks
 * after `as_of`. The rule (the README states it too):
 *
 * 1. A promise to pay (`promise_until`, set with PUT /v1/invoices/:id/reminder_settings) still to
 *    come — after `as_of` — wins: the amount due is expected on that day.
 * 2. Otherwise the amount due is expected on its due date shifted by the customer's lateness: the
 *    average of (day fully paid − due date) over that customer's invoices fully paid on or before
 *    `as_of`, rounded half away from zero to whole days (negative for a customer who pays early;
 *    0 with no history). A promise already past counts as broken and is ignored.
 * 3. Week 1 is the ISO week that starts on the first Monday after `as_of`; anything expected before
 *    its end — the rest of `as_of`'s own week, or a day already past (an overdue invoice later than
 *    even its customer's usual lateness) — is counted in week 1. What falls after week 8 is `beyond`.
 *
 * Amounts stay per currency; nothing is ever summed across currencies.
 */
import { addDays, daysBetween } from "../../shared/status";
import { isoWeekKey, mondayOf } from "./periods";

export const FORECAST_WEEKS = 8;

/** An invoice's amount still receivable at `as_of`. */
export interface OpenItem {
  invoice_id: string;
  customer_id: string;
  currency: string;
  due_date: string | null;
  amount: number;
}

export interface ForecastInput {
  asOf: string;
  items: readonly OpenItem[];
  /** Average days late per customer (unrounded), from their invoices fully paid by `as_of`. */
  lateness: ReadonlyMap<string, number>;
  /** Promise-to-pay day per invoice. */
  promises: ReadonlyMap<string, string>;
}

export interface ForecastAmount {
  currency: string;
  expected: number;
  invoices: number;
  /** The part of `expected` placed by a promise to pay. */
  promised: number;
}

export interface ForecastWeek {
  week: string;
  start: string;
  end: string;
  currencies: ForecastAmount[];
}

export interface Forecast {
  as_of: string;
  weeks: ForecastWeek[];
  beyond: ForecastAmount[];
}

/**
 * Whole days, half away from zero: 2.5 → 3, −2.5 → −3.
 * @example roundDays(-0.4) // 0
 */
export function roundDays(days: number): number {
  const rounded = Math.round(Math.abs(days));
  return days < 0 && rounded !== 0 ? -rounded : rounded;
}

/** The day an open item is expected to be paid, and whether a promise set it. */
export function expectedDay(item: OpenItem, input: Pick<ForecastInput, "asOf" | "lateness" | "promises">): { day: string; promised: boolean } {
  const promise = input.promises.get(item.invoice_id);
  if (promise !== undefined && promise > input.asOf) return { day: promise, promised: true };
  return { day: addDays(item.due_date ?? input.asOf, roundDays(input.lateness.get(item.customer_id) ?? 0)), promised: false };
}

function add(list: Map<string, ForecastAmount>, item: OpenItem, promised: boolean) {
  const entry = list.get(item.currency) ?? { currency: item.currency, expected: 0, invoices: 0, promised: 0 };
  entry.expected += item.amount;
  entry.invoices += 1;
  if (promised) entry.promised += item.amount;
  list.set(item.currency, entry);
}

const sorted = (list: Map<string, ForecastAmount>) => [...list.values()].sort((a, b) => a.currency.localeCompare(b.currency));

/**
 * Places every open item in its week (see the rule above).
 * @example forecast({ asOf: "2026-03-04", items, lateness: new Map([["cus_a", 4.5]]), promises: new Map() })
 */
export function forecast(input: ForecastInput): Forecast {
  const firstMonday = addDays(mondayOf(input.asOf), 7);
  const weeks = Array.from({ length: FORECAST_WEEKS }, (_, index) => {
    const start = addDays(firstMonday, index * 7);
    return { week: isoWeekKey(start), start, end: addDays(start, 6), amounts: new Map<string, ForecastAmount>() };
  });
  const beyond = new Map<string, ForecastAmount>();
  for (const item of input.items) {
    if (item.amount <= 0) continue;
    const { day, promised } = expectedDay(item, input);
    const index = day <= weeks[0]!.end ? 0 : Math.floor(daysBetween(firstMonday, day) / 7);
    add(index < FORECAST_WEEKS ? weeks[index]!.amounts : beyond, item, promised);
  }
  return {
    as_of: input.asOf,
    weeks: weeks.map(({ week, start, end, amounts }) => ({ week, start, end, currencies: sorted(amounts) })),
    beyond: sorted(beyond),
  };
}
