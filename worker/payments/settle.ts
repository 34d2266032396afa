/**
 * What happens to a payment after it is created: it succeeds (its planned allocations apply to the
 * invoices), fails, or gives money back (a refund or a dispute). Each outcome lands in one D1 batch
 * guarded by the versions read, with its events and, when a provider event caused it, that event's
 * id under a unique key, so a duplicate delivery changes nothing.
 *
 * State only moves forward: pending → processing → failed → succeeded (a card payment may succeed
 * after a failed attempt; a late failure never undoes a success) → partially_refunded → refunded.
 */
import { amountDue, isPayable, statusForAmounts, utcDay } from "../../shared/status";
import { runBatch, versionGuard, withRetries } from "../db/batch";
import { appendEvent, appendInvoiceEvent } from "../events/log";
import type { InvoiceRow } from "../invoices/queries";
import { newId } from "../lib/crypto";
import { findPayment, loadAllocations, refundedTotal, unallocatedOf, type AllocationRow, type PaymentRow } from "./queries";

export interface ProviderEventRef {
  provider: string;
  id: string;
  kind: string;
}

export type SettleOutcome = "applied" | "duplicate" | "ignored";


/** Records a provider event id; fails the batch (as a duplicate) if it was already recorded. */
function recordProviderEvent(db: D1Database, merchantId: string, paymentId: string | null, event: ProviderEventRef | undefined, now: Date): D1PreparedStatement[] {
  if (event === undefined) return [];
  return [
    db
      .prepare("INSERT INTO provider_events (provider, event_id, merchant_id, payment_id, kind, received_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(event.provider, event.id, merchantId, paymentId, event.kind, now.toISOString()),
  ];
}

/** Records a provider event that changes nothing (so it is known as seen). */
export async function recordProviderEventOnly(db: D1Database, merchantId: string, paymentId: string | null, event: ProviderEventRef, now: Date): Promise<SettleOutcome> {
  const result = await db
    .prepare("INSERT INTO provider_events (provider, event_id, merchant_id, payment_id, kind, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .bind(event.provider, event.id, merchantId, paymentId, event.kind, now.toISOString())
    .run();
  return result.meta.changes === 0 ? "duplicate" : "ignored";
}

async function runSettlement(db: D1Database, statements: D1PreparedStatement[]): Promise<SettleOutcome> {
  try {
    await runBatch(db, statements);
    return "applied";
  } catch (error) {
    if (String(error).includes("UNIQUE constraint failed: provider_events")) return "duplicate";
    throw error;
  }
}

/** Sets an invoice's paid amount (and the status that follows); bumps its version. */
export function setAmountPaid(db: D1Database, invoice: InvoiceRow, amountPaid: number, now: Date): D1PreparedStatement {
  const status = statusForAmounts(invoice.status, { total: invoice.total, amount_paid: amountPaid, amount_credited: invoice.amount_credited });
  const at = now.toISOString();
  return db
    .prepare("UPDATE invoices SET amount_paid = ?, status = ?, paid_at = ?, updated_at = ?, version = version + 1 WHERE id = ?")
    .bind(amountPaid, status, status === "paid" ? (invoice.paid_at ?? at) : null, at, invoice.id);
}

/** Recounts the payments in flight on invoices (their `processing` flag), bumping the version of those that change. */
export function recountProcessing(db: D1Database, invoiceIds: readonly string[], now: Date): D1PreparedStatement {
  const inFlight = `(SELECT count(*) FROM allocations a JOIN payments p ON p.id = a.payment_id
                     WHERE a.invoice_id = invoices.id AND a.applied = 0 AND p.status IN ('pending', 'processing'))`;
  return db
    .prepare(`UPDATE invoices SET processing = ${inFlight}, version = version + 1, updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND processing <> ${inFlight}`)
    .bind(now.toISOString(), JSON.stringify(invoiceIds));
}

async function loadInvoices(db: D1Database, ids: readonly string[]): Promise<Map<string, InvoiceRow>> {
  const { results } = await db.prepare("SELECT * FROM invoices WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).all<InvoiceRow>();
  return new Map(results.map((row) => [row.id, row]));
}

/**
 * The provider confirmed the money. Planned allocations apply, each up to what its invoice still
 * owes (an invoice settled elsewhere meanwhile takes nothing); whatever is left stays on the
 * payment, unallocated: the customer's credit.
 */
export async function settleSucceeded(
  db: D1Database,
  merchantId: string,
  paymentId: string,
  received: { amount: number; chargeRef: string | null },
  event: ProviderEventRef | undefined,
  now: Date,
): Promise<SettleOutcome> {
  return withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    if (payment === null) return event ? recordProviderEventOnly(db, merchantId, null, event, now) : "ignored";
    if (payment.status !== "pending" && payment.status !== "processing" && payment.status !== "failed") {
      return event ? recordProviderEventOnly(db, merchantId, paymentId, event, now) : "ignored";
    }
    const allocations = (await loadAllocations(db, paymentId)).filter((allocation) => allocation.applied === 0);
    const invoices = await loadInvoices(db, allocations.map((allocation) => allocation.invoice_id));
    const amount = Math.min(received.amount, payment.amount);
    const at = now.toISOString();
    const statements: D1PreparedStatement[] = [
      versionGuard(db, "payments", payment),
      ...[...invoices.values()].map((invoice) => versionGuard(db, "invoices", invoice)),
      ...recordProviderEvent(db, merchantId, paymentId, event, now),
      db
        .prepare("UPDATE payments SET status = 'succeeded', amount = ?, charge_ref = coalesce(?, charge_ref), failure_message = NULL, updated_at = ?, version = version + 1 WHERE id = ?")
        .bind(amount, received.chargeRef, at, paymentId),
    ];
    let left = amount;
    const applied: { invoice: string; amount: number }[] = [];
    for (const allocation of allocations) {
      const invoice = invoices.get(allocation.invoice_id)!;
      const payable = isPayable(invoice.status);
      const part = payable ? Math.min(allocation.amount, amountDue(invoice), left) : 0;
      left -= part;
      if (part === 0) {
        statements.push(db.prepare("DELETE FROM allocations WHERE payment_id = ? AND invoice_id = ?").bind(paymentId, invoice.id));
        continue;
      }
      applied.push({ invoice: invoice.id, amount: part });
      const amountPaid = invoice.amount_paid + part;
      statements.push(
        db.prepare("UPDATE allocations SET amount = ?, applied = 1 WHERE payment_id = ? AND invoice_id = ?").bind(part, paymentId, invoice.id),
        setAmountPaid(db, invoice, amountPaid, now),
        appendInvoiceEvent(db, { type: amountPaid + invoice.amount_credited >= invoice.total ? "invoice.paid" : "invoice.partially_paid", invoiceId: invoice.id, paymentId, now, extra: { amount_allocated: part } }),
      );
    }
    statements.push(
      recountProcessing(db, [...invoices.keys()], now),
      appendEvent(db, {
        merchantId,
        type: "payment.succeeded",
        paymentId,
        customerId: payment.customer_id,
        data: {
          amount, currency: payment.currency, method: payment.method, provider: payment.provider, reference: payment.reference,
          received_on: utcDay(now), allocations: applied, amount_unallocated: left,
        },
        now,
      }),
    );
    return runSettlement(db, statements);
  });
}

/** The provider refused the money: the invoices are no longer in flight. A success is never undone. */
export async function settleFailed(
  db: D1Database,
  merchantId: string,
  paymentId: string,
  reason: string,
  event: ProviderEventRef | undefined,
  now: Date,
): Promise<SettleOutcome> {
  return withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    if (payment === null || (payment.status !== "pending" && payment.status !== "processing")) {
      return event ? recordProviderEventOnly(db, merchantId, payment?.id ?? null, event, now) : "ignored";
    }
    const planned = (await loadAllocations(db, paymentId)).filter((allocation) => allocation.applied === 0);
    return runSettlement(db, [
      versionGuard(db, "payments", payment),
      ...recordProviderEvent(db, merchantId, paymentId, event, now),
      db
        .prepare("UPDATE payments SET status = 'failed', failure_message = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        .bind(reason.slice(0, 500), now.toISOString(), paymentId),
      recountProcessing(db, planned.map((allocation) => allocation.invoice_id), now),
      // Each invoice says it is no longer in flight (streams, long-polls and webhooks follow invoices).
      ...planned.map((allocation) => appendInvoiceEvent(db, { type: "invoice.payment_failed", invoiceId: allocation.invoice_id, paymentId, now, extra: { reason } })),
      appendEvent(db, {
        merchantId,
        type: "payment.failed",
        paymentId,
        customerId: payment.customer_id,
        data: { amount: payment.amount, currency: payment.currency, method: payment.method, provider: payment.provider, reason, invoices: planned.map((allocation) => allocation.invoice_id) },
        now,
      }),
    ]);
  });
}

/**
 * Money goes back to the payer (a refund, or a dispute opened by the payer's bank). It comes out of
 * the unallocated credit first, then from the allocations in reverse order (the last invoice
 * allocated first), and those invoices reopen by that much.
 */
export async function reversePayment(
  db: D1Database,
  merchantId: string,
  payment: PaymentRow,
  reversal: {
    amount: number;
    kind: "refund" | "dispute";
    reason: string | null;
    providerRef: string | null;
    refundId?: string;
    invoiceId?: string | undefined;
    /** The credit note this refund is made for (its amount is unallocated credit by then). */
    creditNoteId?: string | undefined;
  },
  event: ProviderEventRef | undefined,
  now: Date,
): Promise<SettleOutcome> {
  const allocations = await loadAllocations(db, payment.id);
  const invoices = await loadInvoices(db, allocations.filter((allocation) => allocation.applied === 1).map((allocation) => allocation.invoice_id));
  const refundable = payment.amount - payment.amount_refunded;
  const amount = Math.min(reversal.amount, refundable);
  if (amount <= 0) return event ? recordProviderEventOnly(db, merchantId, payment.id, event, now) : "ignored";
  const at = now.toISOString();
  const refundId = reversal.refundId ?? newId("re");
  const statements: D1PreparedStatement[] = [
    versionGuard(db, "payments", payment),
    ...[...invoices.values()].map((invoice) => versionGuard(db, "invoices", invoice)),
    ...recordProviderEvent(db, merchantId, payment.id, event, now),
    db
      .prepare("INSERT INTO refunds (id, payment_id, amount, reason, kind, provider_ref, credit_note_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(refundId, payment.id, amount, reversal.reason, reversal.kind, reversal.providerRef, reversal.creditNoteId ?? null, at),
    db
      .prepare("UPDATE payments SET amount_refunded = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ?")
      .bind(payment.amount_refunded + amount, amount === refundable ? "refunded" : "partially_refunded", at, payment.id),
  ];
  const fromCredit = reversal.invoiceId === undefined ? Math.min(amount, Math.max(0, unallocatedOf(payment, allocations))) : 0;
  let left = amount - fromCredit;
  const reopened: { invoice: string; amount: number }[] = [];
  const order = [...allocations].filter((row: AllocationRow) => row.applied === 1 && (reversal.invoiceId === undefined || row.invoice_id === reversal.invoiceId)).reverse();
  for (const allocation of order) {
    const part = Math.min(left, allocation.amount - allocation.amount_refunded);
    if (part <= 0) continue;
    left -= part;
    const invoice = invoices.get(allocation.invoice_id)!;
    reopened.push({ invoice: invoice.id, amount: part });
    statements.push(
      db.prepare("UPDATE allocations SET amount_refunded = amount_refunded + ? WHERE payment_id = ? AND invoice_id = ?").bind(part, payment.id, invoice.id),
      setAmountPaid(db, invoice, invoice.amount_paid - part, now),
      appendInvoiceEvent(db, { type: "invoice.reopened", invoiceId: invoice.id, paymentId: payment.id, now, extra: { amount_refunded: part, reason: reversal.kind } }),
    );
  }
  statements.push(
    appendEvent(db, {
      merchantId,
      type: reversal.kind === "dispute" ? "payment.disputed" : "payment.refunded",
      paymentId: payment.id,
      customerId: payment.customer_id,
      // `allocations` (the same as `invoices`) is what came back from each invoice; `amount_from_credit`
      // what came out of the payment's unallocated money. The ledger posts both against the bank.
      data: {
        refund: refundId, amount, currency: payment.currency, method: payment.method, amount_refunded: payment.amount_refunded + amount,
        reason: reversal.reason, invoices: reopened, allocations: reopened, amount_from_credit: amount - reopened.reduce((sum, part) => sum + part.amount, 0),
        refunded_on: utcDay(now),
        ...(reversal.creditNoteId ? { credit_note: reversal.creditNoteId } : {}),
      },
      now,
    }),
  );
  return runSettlement(db, statements);
}

/**
 * A provider reports the total refunded so far: record the difference, once. The provider's total
 * counts refunds only, so it is compared with our refunds, not with `amount_refunded` (which also
 * holds what disputes took back): a dispute recorded first must not swallow an earlier refund.
 */
export async function settleRefundedTotal(db: D1Database, merchantId: string, paymentId: string, totalRefunded: number, event: ProviderEventRef | undefined, now: Date): Promise<SettleOutcome> {
  return withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    // Read after the payment: a refund landing in between bumps its version, and the batch's guard refuses.
    const refunded = payment === null ? 0 : await refundedTotal(db, payment.id);
    if (payment === null || totalRefunded <= refunded || (payment.status !== "succeeded" && payment.status !== "partially_refunded")) {
      return event ? recordProviderEventOnly(db, merchantId, payment?.id ?? null, event, now) : "ignored";
    }
    return reversePayment(db, merchantId, payment, { amount: totalRefunded - refunded, kind: "refund", reason: "refunded at the provider", providerRef: null }, event, now);
  });
}

/** A dispute: the disputed amount is taken back, once per provider event. */
export async function settleDisputed(db: D1Database, merchantId: string, paymentId: string, amount: number, event: ProviderEventRef, now: Date): Promise<SettleOutcome> {
  return withRetries(async () => {
    const payment = await findPayment(db, merchantId, paymentId);
    if (payment === null || (payment.status !== "succeeded" && payment.status !== "partially_refunded")) {
      return recordProviderEventOnly(db, merchantId, payment?.id ?? null, event, now);
    }
    return reversePayment(db, merchantId, payment, { amount, kind: "dispute", reason: "disputed by the payer", providerRef: null }, event, now);
  });
}
