/**
 * Allocation: one payment settles one or several invoices (batch), and an invoice may be settled
 * by several payments (partial). The payment, its allocations, every invoice's amounts and status
 * and the events land in one batch, guarded by the versions read, so two payments racing for the
 * same invoice can never overpay it (the database's CHECK on amount_paid is the last line).
 */
import type { PaymentCreateInput } from "../../shared/schemas/payments";
import { amountDue, isPayable, utcDay } from "../../shared/status";
import { runBatch, versionGuard, withRetries } from "../db/batch";
import { appendEvent, appendInvoiceEvent, type LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import type { InvoiceRow } from "../invoices/queries";
import { findPayment, loadAllocations, unallocatedOf } from "./queries";
import { setAmountPaid } from "./settle";

/**
 * The invoices allocations name, checked: the merchant's, payable, in the payment's currency, each
 * allocated at most what it still owes, all of one customer. Errors name the allocation at fault.
 */
async function payableInvoices(
  db: D1Database,
  merchantId: string,
  allocations: readonly { invoice: string; amount: number }[],
  currency: string,
  customerOfPayment: string | undefined,
): Promise<InvoiceRow[]> {
  const seen = new Set<string>();
  allocations.forEach((allocation, index) => {
    if (seen.has(allocation.invoice)) {
      throw new ApiError("duplicate_allocation", `Invoice ${allocation.invoice} appears twice; allocate it once.`, `allocations[${index}].invoice`);
    }
    seen.add(allocation.invoice);
  });
  const { results } = await db
    .prepare("SELECT * FROM invoices WHERE merchant_id = ? AND id IN (SELECT value FROM json_each(?))")
    .bind(merchantId, JSON.stringify(allocations.map((allocation) => allocation.invoice)))
    .all<InvoiceRow>();
  const byId = new Map(results.map((row) => [row.id, row]));
  let customerId = customerOfPayment;
  return allocations.map((allocation, index) => {
    const invoice = byId.get(allocation.invoice);
    const param = `allocations[${index}]`;
    if (invoice === undefined) throw notFound("invoice", allocation.invoice, `${param}.invoice`);
    if (invoice.currency !== currency) {
      throw new ApiError("currency_mismatch", `Invoice ${invoice.number ?? invoice.id} is in ${invoice.currency}, the payment in ${currency}.`, `${param}.invoice`);
    }
    if (!isPayable(invoice.status)) {
      throw new ApiError("invoice_not_payable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: it cannot receive a payment.`, `${param}.invoice`);
    }
    if (allocation.amount > amountDue(invoice)) {
      throw new ApiError("allocation_exceeds_amount_due", `Invoice ${invoice.number} has ${amountDue(invoice)} due; ${allocation.amount} is too much.`, `${param}.amount`);
    }
    customerId ??= invoice.customer_id;
    if (invoice.customer_id !== customerId) {
      throw new ApiError("customer_mismatch", "One payment settles invoices of a single customer.", `${param}.invoice`);
    }
    return invoice;
  });
}

/** Records an offline payment and allocates it. Returns the payment id and the log it moved. */
export async function recordOfflinePayment(db: D1Database, merchantId: string, input: PaymentCreateInput, now: Date): Promise<LogMoved & { paymentId: string }> {
  const allocated = input.allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
  if (allocated !== input.amount) {
    throw new ApiError("allocations_do_not_match_amount", `The allocations add up to ${allocated}, the payment is ${input.amount}.`, "allocations");
  }
  const paymentId = newId("pay");
  await withRetries(async () => {
    const invoices = await payableInvoices(db, merchantId, input.allocations, input.currency, undefined);
    const at = now.toISOString();
    const statements: D1PreparedStatement[] = [
      ...invoices.map((invoice) => versionGuard(db, "invoices", invoice)),
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
          type: amountPaid + invoice.amount_credited >= invoice.total ? "invoice.paid" : "invoice.partially_paid",
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
        // What the ledger posts: the date the money arrived, the reference, the split per invoice.
        data: {
          amount: input.amount, currency: input.currency, method: input.method, reference: input.reference ?? null,
          received_on: input.received_on ?? utcDay(now), allocations: input.allocations, amount_unallocated: 0,
        },
        now,
      }),
    );
    await runBatch(db, statements);
  });
  return { merchantId, paymentId };
}

/**
 * Applies a payment's unallocated money (the customer's credit: an overpayment, or an online
 * payment whose invoice was settled elsewhere meanwhile) to other invoices of the same customer.
 */
export async function allocateCredit(
  db: D1Database,
  merchantId: string,
  paymentId: string,
  allocations: readonly { invoice: string; amount: number }[],
  now: Date,
): Promise<LogMoved> {
  await withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    if (payment === null) throw notFound("payment", paymentId);
    const credit = unallocatedOf(payment, await loadAllocations(db, paymentId));
    const wanted = allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
    if (wanted > credit) {
      throw new ApiError("allocation_exceeds_amount_due", `This payment has ${credit} unallocated; ${wanted} cannot be allocated.`, "allocations");
    }
    const invoices = await payableInvoices(db, merchantId, allocations, payment.currency, payment.customer_id);
    const statements: D1PreparedStatement[] = [
      versionGuard(db, "payments", payment),
      ...invoices.map((invoice) => versionGuard(db, "invoices", invoice)),
      db.prepare("UPDATE payments SET version = version + 1, updated_at = ? WHERE id = ?").bind(now.toISOString(), payment.id),
    ];
    allocations.forEach((allocation, index) => {
      const invoice = invoices[index]!;
      const amountPaid = invoice.amount_paid + allocation.amount;
      statements.push(
        db
          .prepare(
            `INSERT INTO allocations (payment_id, invoice_id, position, amount, applied)
             VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM allocations WHERE payment_id = ?1), ?3, 1)
             ON CONFLICT (payment_id, invoice_id) DO UPDATE SET amount = amount + excluded.amount`,
          )
          .bind(payment.id, invoice.id, allocation.amount),
        setAmountPaid(db, invoice, amountPaid, now),
        appendInvoiceEvent(db, { type: amountPaid + invoice.amount_credited >= invoice.total ? "invoice.paid" : "invoice.partially_paid", invoiceId: invoice.id, paymentId, now, extra: { amount_allocated: allocation.amount, from_credit: true } }),
      );
    });
    await runBatch(db, statements);
  });
  return { merchantId };
}
