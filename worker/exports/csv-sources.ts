/**
 * What each CSV export writes: its columns (the header row) and how one page of rows becomes
 * records. Amounts are in the currency's major unit with a `.` (`1234.56` eur, `1234` jpy,
 * `1.234` kwd); dates are `YYYY-MM-DD`; VAT rates are percentages (`20`, `5.5`).
 */
import { amountDue } from "../../shared/status";
import { csvRecord, major, quantity, text, vatPercent } from "./csv";
import { FIRST_CURSOR, invoicePage, paymentPage, type ExportAllocationRow, type KeysetCursor } from "./csv-queries";
import type { CsvSource } from "./stream";
import type { DateRange } from "../lib/date-range";

/** Invoices per page (each with up to 100 lines); payments per page (each with its allocations). */
/** Rows grouped by a key, in their order. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group === undefined) groups.set(key(row), [row]);
    else group.push(row);
  }
  return groups;
}

export const INVOICES_PER_PAGE = 200;
export const PAYMENTS_PER_PAGE = 500;

export const INVOICE_COLUMNS = [
  "invoice_number", "invoice_id", "issued_on", "due_date", "customer_id", "customer_name", "currency",
  "line", "description", "quantity", "unit_amount", "vat_rate", "line_ht", "line_tva", "line_ttc",
  "invoice_ht", "invoice_tva", "invoice_ttc", "status", "amount_paid", "amount_credited", "amount_due",
] as const;

/** invoices.csv: one record per line of every invoice issued in the range (by issue date). */
export function invoiceLinesSource(db: D1Database, merchantId: string, range: DateRange, perPage = INVOICES_PER_PAGE): CsvSource<KeysetCursor> {
  return {
    header: INVOICE_COLUMNS,
    async page(cursor) {
      const { invoices, lines } = await invoicePage(db, merchantId, range, cursor ?? FIRST_CURSOR, perPage);
      const linesOf = groupBy(lines, (line) => line.invoice_id);
      let records = "";
      for (const invoice of invoices) {
        const c = invoice.currency;
        const due = amountDue(invoice);
        for (const line of linesOf.get(invoice.id) ?? []) {
          records += csvRecord([
            text(invoice.number), invoice.id, invoice.issued_at.slice(0, 10), invoice.due_date, invoice.customer_id, text(invoice.customer_name), c,
            line.position + 1, text(line.description), quantity(line.quantity_milli), major(line.unit_amount, c), vatPercent(line.tax_rate),
            major(line.amount_subtotal, c), major(line.amount_tax, c), major(line.amount_total, c),
            major(invoice.subtotal, c), major(invoice.tax, c), major(invoice.total, c), invoice.status,
            major(invoice.amount_paid, c), major(invoice.amount_credited, c), major(due, c),
          ]);
        }
      }
      const last = invoices[invoices.length - 1];
      return { records, next: invoices.length < perPage || last === undefined ? null : { at: last.issued_at, id: last.id } };
    },
  };
}

export const PAYMENT_COLUMNS = [
  "payment_id", "received_on", "customer_id", "customer_name", "method", "provider", "reference", "currency",
  "payment_amount", "payment_refunded", "payment_status", "kind", "invoice_id", "invoice_number", "amount", "refunded",
] as const;

/**
 * payments.csv: one record per allocation of every payment received in the range (by the day the
 * money came), plus one `unallocated` record for what a payment holds beyond its allocations (the
 * customer's credit). A payment's records add up to its amount and its refunded amount.
 */
export function paymentAllocationsSource(db: D1Database, merchantId: string, range: DateRange, perPage = PAYMENTS_PER_PAGE): CsvSource<KeysetCursor> {
  return {
    header: PAYMENT_COLUMNS,
    async page(cursor) {
      const { payments, allocations } = await paymentPage(db, merchantId, range, cursor ?? FIRST_CURSOR, perPage);
      const allocationsOf = groupBy(allocations, (allocation) => allocation.payment_id);
      let records = "";
      for (const payment of payments) {
        const c = payment.currency;
        const own: ExportAllocationRow[] = allocationsOf.get(payment.id) ?? [];
        const common = [payment.id, payment.day, payment.customer_id, text(payment.customer_name), payment.method, payment.provider, text(payment.reference), c,
          major(payment.amount, c), major(payment.amount_refunded, c), payment.status] as const;
        for (const allocation of own) {
          records += csvRecord([...common, "allocation", allocation.invoice_id, text(allocation.invoice_number), major(allocation.amount, c), major(allocation.amount_refunded, c)]);
        }
        const unallocated = payment.amount - own.reduce((sum, allocation) => sum + allocation.amount, 0);
        const unallocatedRefunded = payment.amount_refunded - own.reduce((sum, allocation) => sum + allocation.amount_refunded, 0);
        if (unallocated > 0 || unallocatedRefunded > 0) {
          records += csvRecord([...common, "unallocated", null, null, major(unallocated, c), major(unallocatedRefunded, c)]);
        }
      }
      const last = payments[payments.length - 1];
      return { records, next: payments.length < perPage || last === undefined ? null : { at: last.day, id: last.id } };
    },
  };
}
