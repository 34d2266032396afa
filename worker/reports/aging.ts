/**
 * The ageing report (balance âgée): receivables at a date, from the ledger, by days past due.
 * Per currency, never summed across currencies; per customer on request; unallocated credit and
 * credit notes shown apart. The caller brings the ledger current first (`requireCurrentLedger`).
 */
import type { AgingReportBody } from "../../shared/schemas/aging";
import { bucketRows, creditNoteTotals, creditRows, customerNames } from "./aging-queries";

/** Bucket keys for the limits: `[30, 60, 90]` → current, 1-30, 31-60, 61-90, 91+. */
export function bucketsOf(limits: readonly number[]): AgingReportBody["buckets"] {
  return [
    { key: "current", from_days: null, to_days: 0 },
    ...limits.map((limit, index) => ({ key: `${index === 0 ? 1 : limits[index - 1]! + 1}-${limit}`, from_days: index === 0 ? 1 : limits[index - 1]! + 1, to_days: limit })),
    { key: `${limits[limits.length - 1]! + 1}+`, from_days: limits[limits.length - 1]! + 1, to_days: null },
  ];
}

interface Row {
  total: number;
  invoices: number;
  buckets: Record<string, number>;
  unallocated_credit: number;
}

export async function agingReport(
  db: D1Database,
  merchantId: string,
  query: { asOf: string; limits: number[]; by: "customer" | "currency"; limit: number; startingAfter?: string | undefined; customers?: string[] | undefined },
): Promise<AgingReportBody> {
  const buckets = bucketsOf(query.limits);
  const empty = (): Row => ({ total: 0, invoices: 0, buckets: Object.fromEntries(buckets.map((bucket) => [bucket.key, 0])), unallocated_credit: 0 });
  const [rows, credit, creditNotes] = await Promise.all([
    bucketRows(db, merchantId, query.asOf, query.limits, query.by === "customer", query.customers),
    creditRows(db, merchantId, query.asOf, query.customers),
    creditNoteTotals(db, merchantId, query.asOf, query.customers),
  ]);
  const currencies = new Map<string, Row>();
  const customers = new Map<string, Row & { customer: string; currency: string }>();
  const add = (row: Row, amount: number, invoices: number, bucket: string) => {
    row.total += amount;
    row.invoices += invoices;
    row.buckets[bucket] = (row.buckets[bucket] ?? 0) + amount;
  };
  const customerRow = (customer: string, currency: string) => {
    const key = `${customer}\u0000${currency}`;
    let row = customers.get(key);
    if (row === undefined) customers.set(key, (row = { customer, currency, ...empty() }));
    return row;
  };
  const currencyRow = (currency: string) => {
    let row = currencies.get(currency);
    if (row === undefined) currencies.set(currency, (row = empty()));
    return row;
  };
  for (const row of rows) {
    const key = buckets[row.bucket]!.key;
    add(currencyRow(row.currency), row.amount, row.invoices, key);
    if (query.by === "customer") add(customerRow(row.customer_id, row.currency), row.amount, row.invoices, key);
  }
  for (const row of credit) {
    currencyRow(row.currency).unallocated_credit += row.amount;
    if (query.by === "customer") customerRow(row.customer_id, row.currency).unallocated_credit += row.amount;
  }
  for (const row of creditNotes) currencyRow(row.currency);
  const sorted = [...customers.values()]
    .filter((row) => query.startingAfter === undefined || row.customer > query.startingAfter)
    .sort((a, b) => (a.customer === b.customer ? a.currency.localeCompare(b.currency) : a.customer < b.customer ? -1 : 1));
  // A page ends on a customer boundary, so a customer's currencies stay together.
  let end = Math.min(query.limit, sorted.length);
  while (end > 0 && end < sorted.length && sorted[end]!.customer === sorted[end - 1]!.customer) end += 1;
  const page = sorted.slice(0, end);
  const names = await customerNames(db, merchantId, [...new Set(page.map((row) => row.customer))]);
  return {
    object: "aging_report",
    as_of: query.asOf,
    by: query.by,
    buckets,
    currencies: [...currencies.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, row]) => {
        const notes = creditNotes.find((note) => note.currency === currency);
        return { currency, ...row, credit_notes: { count: notes?.count ?? 0, amount: notes?.amount ?? 0 } };
      }),
    customers: page.map((row) => ({ customer: row.customer, name: names.get(row.customer) ?? null, currency: row.currency, total: row.total, invoices: row.invoices, buckets: row.buckets, unallocated_credit: row.unallocated_credit })),
    has_more: end < sorted.length,
    next: end < sorted.length ? page[page.length - 1]!.customer : null,
  };
}
