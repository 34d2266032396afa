/**
 * A person's decision on an unmatched line: confirm a suggestion (`{invoice}`: the line's money
 * goes to it up to its amount due) or split it (`{allocations}`: the sum at most the line's
 * amount). Either way the line becomes a `bank_transfer` payment like an automatic match, the rest
 * staying the customer's credit, in one batch guarded by the line's and the invoices' versions: a
 * replay, or two people allocating the same line at once, records one payment and answers 409.
 */
import type { LineAllocationInput } from "../../shared/schemas/bank-statements";
import { amountDue, isPayable, utcDay } from "../../shared/status";
import { guard, runBatch, withRetries } from "../db/batch";
import type { LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { addPayment } from "./import";
import type { InvoiceState } from "./match";
import { ignoreLineStatement, invoicesByIds, planStatements, type WritePlan } from "./queries";
import { findLine, mustFindStatement } from "./read";

const notOpen = (status: string, action = "allocated") =>
  new ApiError("statement_line_not_open", `This line is ${status}: only an unmatched line can be ${action}${status === "matched" ? " (it already has its payment)" : ""}.`, "line");

function checkInvoices(requested: readonly { invoice: string; amount?: number }[], found: InvoiceState[], currency: string): InvoiceState[] {
  const byId = new Map(found.map((invoice) => [invoice.id, invoice]));
  const seen = new Set<string>();
  let customer: string | null = null;
  return requested.map((entry, index) => {
    const param = "amount" in entry && entry.amount !== undefined ? `allocations[${index}].invoice` : "invoice";
    if (seen.has(entry.invoice)) throw new ApiError("duplicate_allocation", `Invoice ${entry.invoice} appears twice; allocate it once.`, param);
    seen.add(entry.invoice);
    const invoice = byId.get(entry.invoice);
    if (invoice === undefined) throw notFound("invoice", entry.invoice, param);
    if (invoice.currency !== currency) throw new ApiError("currency_mismatch", `Invoice ${invoice.number} is in ${invoice.currency}, the transfer in ${currency}.`, param);
    if (!isPayable(invoice.status) || amountDue(invoice) <= 0) throw new ApiError("invoice_not_payable", `Invoice ${invoice.number} is ${invoice.status}: it cannot receive a payment.`, param);
    if (entry.amount !== undefined && entry.amount > amountDue(invoice)) {
      throw new ApiError("allocation_exceeds_amount_due", `Invoice ${invoice.number} has ${amountDue(invoice)} due; ${entry.amount} is too much.`, `allocations[${index}].amount`);
    }
    customer ??= invoice.customer_id;
    if (invoice.customer_id !== customer) throw new ApiError("customer_mismatch", "One transfer settles invoices of a single customer.", param);
    return invoice;
  });
}

/** Allocates an unmatched line by hand; returns the log it moved. */
export async function allocateLine(db: D1Database, merchantId: string, statementId: string, position: number, input: LineAllocationInput, now: Date): Promise<LogMoved> {
  await mustFindStatement(db, merchantId, statementId);
  return withRetries(async () => {
    const line = await findLine(db, statementId, position);
    if (line === null) throw notFound("statement line", String(position), "line");
    if (line.status !== "unmatched") throw notOpen(line.status);
    const requested = "invoice" in input ? [{ invoice: input.invoice }] : input.allocations;
    const invoices = checkInvoices(requested, await invoicesByIds(db, merchantId, requested.map((entry) => entry.invoice)), line.currency);
    const allocations = "invoice" in input
      ? [{ invoice: invoices[0]!, amount: Math.min(line.amount, amountDue(invoices[0]!)) }]
      : input.allocations.map((entry, index) => ({ invoice: invoices[index]!, amount: entry.amount }));
    const total = allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
    if (total > line.amount) throw new ApiError("allocation_exceeds_amount_due", `The allocations add up to ${total}; the transfer is ${line.amount}.`, "allocations");
    const plan: WritePlan = { payments: [], allocations: [], invoices: [], invoiceEvents: [], paymentEvents: [], payers: [] };
    const paymentId = addPayment(plan, new Map(), { method: "invoice_number", customerId: invoices[0]!.customer_id, allocations }, {
      amount: line.amount, currency: line.currency, reference: line.entry_ref.startsWith("~") ? line.structured_ref : line.entry_ref.slice(0, 200),
      receivedOn: line.booking_date ?? line.value_date ?? utcDay(now), payerIban: line.payer_iban,
    }, now);
    await runBatch(db, [
      guard(db, "EXISTS (SELECT 1 FROM bank_statement_lines WHERE statement_id = ? AND position = ? AND version = ? AND status = 'unmatched')", statementId, position, line.version),
      ...planStatements(db, merchantId, plan, now),
      db
        .prepare("UPDATE bank_statement_lines SET status = 'matched', match_method = 'manual', payment_id = ?, matched_at = ?, version = version + 1 WHERE statement_id = ? AND position = ?")
        .bind(paymentId, now.toISOString(), statementId, position),
    ]);
    return { merchantId };
  });
}

/** The reason recorded when a person ignores a line without giving one. */
export const IGNORED_BY_HAND = "ignored by hand";

/**
 * A person's decision that an unmatched line is not an invoice's payment (a refund from a
 * supplier, a transfer between own accounts): it becomes `ignored`, no payment is recorded.
 */
export async function ignoreLine(db: D1Database, merchantId: string, statementId: string, position: number, reason: string | undefined): Promise<void> {
  await mustFindStatement(db, merchantId, statementId);
  const line = await findLine(db, statementId, position);
  if (line === null) throw notFound("statement line", String(position), "line");
  if (line.status !== "unmatched") throw notOpen(line.status, "ignored");
  const result = await ignoreLineStatement(db, statementId, position, reason ?? IGNORED_BY_HAND).run();
  // Allocated or ignored meanwhile by someone else.
  if (result.meta.changes === 0) throw notOpen((await findLine(db, statementId, position))?.status ?? "gone", "ignored");
}
