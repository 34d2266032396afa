/**
 * Invoice status rules, shared by the Worker (which stores and answers them) and the widget (which
 * groups invoices by them). Time is a parameter: callers pass `today` as `YYYY-MM-DD` (UTC).
 */

/** Every status an invoice can have; `overdue` is derived, never stored. */
export const INVOICE_STATUSES = ["draft", "open", "partially_paid", "paid", "void", "uncollectible"] as const;
export type InvoiceStatusValue = (typeof INVOICE_STATUSES)[number];

const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The figures an invoice's amount due is made of (an invoice row, or the API's invoice). */
export interface InvoiceAmounts {
  total: number;
  amount_paid: number;
  amount_credited: number;
}

/**
 * What is still to pay: the total less what was paid and what credit notes took off.
 * @example amountDue({ total: 12000, amount_paid: 5000, amount_credited: 2000 }) // 5000
 */
export function amountDue(invoice: InvoiceAmounts): number {
  return invoice.total - invoice.amount_paid - invoice.amount_credited;
}

/**
 * The status an issued invoice has for the amounts paid and credited so far: settled (`paid`) when
 * nothing is left to pay — a fully credited unpaid invoice too, as Stripe does. Drafts, void and
 * uncollectible invoices keep their status whatever the amounts.
 * @example statusForAmounts("open", { total: 12000, amount_paid: 5000, amount_credited: 0 }) // "partially_paid"
 */
export function statusForAmounts(current: InvoiceStatusValue, amounts: InvoiceAmounts): InvoiceStatusValue {
  if (current === "draft" || current === "void" || current === "uncollectible") return current;
  if (amountDue(amounts) <= 0) return "paid";
  return amounts.amount_paid > 0 ? "partially_paid" : "open";
}

/** The statuses in which an invoice can still receive money. */
export const PAYABLE_STATUSES = ["open", "partially_paid"] as const satisfies readonly InvoiceStatusValue[];

/** Whether money can still be received for an invoice in this status. */
export function isPayable(status: InvoiceStatusValue): boolean {
  return (PAYABLE_STATUSES as readonly InvoiceStatusValue[]).includes(status);
}

/**
 * Whether an invoice can still be paid: a payable status and something left to pay.
 * @example canBePaid({ status: "partially_paid", total: 1000, amount_paid: 400, amount_credited: 0 }) // true
 */
export function canBePaid(invoice: InvoiceAmounts & { status: InvoiceStatusValue }): boolean {
  return isPayable(invoice.status) && amountDue(invoice) > 0;
}

/**
 * Overdue is derived, never stored: a payable invoice with an amount due whose due date is past.
 * The due date itself is the last day to pay, so the invoice is 1 day late the day after.
 * @example overdueOf({ status: "open", amountDue: 100, dueDate: "2026-11-01" }, "2026-11-08") // { overdue: true, daysOverdue: 7 }
 */
export function overdueOf(
  invoice: { status: InvoiceStatusValue; amountDue: number; dueDate: string | null },
  today: string,
): { overdue: boolean; daysOverdue: number } {
  if (!isPayable(invoice.status) || invoice.amountDue <= 0 || invoice.dueDate === null) return { overdue: false, daysOverdue: 0 };
  const late = daysBetween(invoice.dueDate, today);
  return late > 0 ? { overdue: true, daysOverdue: late } : { overdue: false, daysOverdue: 0 };
}
