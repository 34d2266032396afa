/**
 * Allocation: one payment settles one or several invoices (batch), and an invoice may be settled
 * by several payments (partial). The payment, its allocations, every invoice's amounts and status
 * and the events land in one batch, guarded by the versions read, so two payments racing for the
 * same invoice can never overpay it (the database's CHECK on amount_paid is the last line).
 */
import type { PaymentCreateInput } from "../../shared/schemas/payments";
import { utcDay } from "../../shared/status";
import { guard, runBatch, withRetries } from "../db/batch";
import { appendEvent, appendInvoiceEvent } from "../db/events";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import type { InvoiceRow } from "../invoices/queries";
import { setAmountPaid } from "./settle";

const invoiceStill = (db: D1Database, invoice: InvoiceRow) =>
  guard(db, "EXISTS (SELECT 1 FROM invoices WHERE id = ? AND version = ?)", invoice.id, invoice.version);

/** Records an offline payment and allocates it. Returns the payment id. */
export async function recordOfflinePayment(db: D1Database, merchantId: string, input: PaymentCreateInput, now: Date): Promise<string> {
  const seen = new Set<string>();
  input.allocations.forEach((allocation, index) => {
    if (seen.has(allocation.invoice)) {
      throw new ApiError("duplicate_allocation", `Invoice ${allocation.invoice} appears twice; allocate it once.`, `allocations[${index}].invoice`);
    }
    seen.add(allocation.invoice);
  });
  const allocated = input.allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
  if (allocated !== input.amount) {
    throw new ApiError("allocations_do_not_match_amount", `The allocations add up to ${allocated}, the payment is ${input.amount}.`, "allocations");
  }
  const paymentId = newId("pay");
  await withRetries(async () => {
    const { results } = await db
      .prepare("SELECT * FROM invoices WHERE merchant_id = ? AND id IN (SELECT value FROM json_each(?))")
      .bind(merchantId, JSON.stringify(input.allocations.map((allocation) => allocation.invoice)))
      .all<InvoiceRow>();
    const byId = new Map(results.map((row) => [row.id, row]));
    let customerId: string | undefined;
    const invoices = input.allocations.map((allocation, index) => {
      const invoice = byId.get(allocation.invoice);
      const param = `allocations[${index}]`;
      if (invoice === undefined) throw notFound("invoice", allocation.invoice, `${param}.invoice`);
      if (invoice.currency !== input.currency) {
        throw new ApiError("currency_mismatch", `Invoice ${invoice.number ?? invoice.id} is in ${invoice.currency}, the payment in ${input.currency}.`, `${param}.invoice`);
      }
      if (invoice.status !== "open" && invoice.status !== "partially_paid") {
        throw new ApiError("invoice_not_payable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: it cannot receive a payment.`, `${param}.invoice`);
      }
      if (allocation.amount > invoice.total - invoice.amount_paid) {
        throw new ApiError("allocation_exceeds_amount_due", `Invoice ${invoice.number} has ${invoice.total - invoice.amount_paid} due; ${allocation.amount} is too much.`, `${param}.amount`);
      }
      customerId ??= invoice.customer_id;
      if (invoice.customer_id !== customerId) {
        throw new ApiError("customer_mismatch", "One payment settles invoices of a single customer.", `${param}.invoice`);
      }
      return invoice;
    });
    const at = now.toISOString();
    const statements: D1PreparedStatement[] = [
      ...invoices.map((invoice) => invoiceStill(db, invoice)),
      db
        .prepare(
          `INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, reference, received_on, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'succeeded', ?, ?, ?, ?, ?, ?)`,
        )
        .bind(paymentId, merchantId, invoices[0]!.customer_id, input.method, input.amount, input.currency, input.reference ?? null,
          input.received_on ?? utcDay(now), at, at),
    ];
    input.allocations.forEach((allocation, position) => {
      const invoice = invoices[position]!;
      const amountPaid = invoice.amount_paid + allocation.amount;
      statements.push(
        db.prepare("INSERT INTO allocations (payment_id, invoice_id, position, amount) VALUES (?, ?, ?, ?)").bind(paymentId, invoice.id, position, allocation.amount),
        setAmountPaid(db, invoice, amountPaid, now),
        appendInvoiceEvent(db, {
          type: amountPaid >= invoice.total ? "invoice.paid" : "invoice.partially_paid",
          invoiceId: invoice.id,
          paymentId,
          now,
          extra: { amount_allocated: allocation.amount },
        }),
      );
    });
    statements.push(
      appendEvent(db, {
        merchantId,
        type: "payment.succeeded",
        paymentId,
        customerId: invoices[0]!.customer_id,
        data: { amount: input.amount, currency: input.currency, method: input.method, allocations: input.allocations },
        now,
      }),
    );
    await runBatch(db, statements);
  });
  return paymentId;
}
