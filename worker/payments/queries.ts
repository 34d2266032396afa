import type { CurrencyCode } from "../../shared/currencies";
import type { Payment } from "../../shared/schemas/payments";
import { cursorCondition } from "../lib/pagination";

export interface PaymentRow {
  id: string;
  merchant_id: string;
  customer_id: string;
  method: string;
  status: Payment["status"];
  amount: number;
  amount_refunded: number;
  currency: CurrencyCode;
  reference: string | null;
  received_on: string | null;
  provider: "stripe" | "paypal" | "sandbox" | null;
  provider_ref: string | null;
  charge_ref: string | null;
  client_action: string | null;
  failure_message: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AllocationRow {
  payment_id: string;
  invoice_id: string;
  position: number;
  amount: number;
  amount_refunded: number;
  applied: number;
}

interface RefundRow {
  id: string;
  amount: number;
  reason: string | null;
  kind: "refund" | "dispute";
  created_at: string;
}

/** Money of a succeeded payment not applied to any invoice: the customer's credit. */
export function unallocatedOf(payment: Pick<PaymentRow, "status" | "amount" | "amount_refunded">, allocations: readonly AllocationRow[]): number {
  if (payment.status !== "succeeded" && payment.status !== "partially_refunded" && payment.status !== "refunded") return 0;
  const applied = allocations.filter((allocation) => allocation.applied === 1).reduce((sum, allocation) => sum + allocation.amount - allocation.amount_refunded, 0);
  return payment.amount - payment.amount_refunded - applied;
}

export function findPayment(db: D1Database, merchantId: string, paymentId: string): Promise<PaymentRow | null> {
  return db.prepare("SELECT * FROM payments WHERE id = ? AND merchant_id = ?").bind(paymentId, merchantId).first<PaymentRow>();
}

/** A provider's payment of a merchant: by our id first, else by any of the provider's refs. */
export async function findByProviderRefs(db: D1Database, merchantId: string, provider: string, paymentId: string | null, refs: (string | null)[]): Promise<PaymentRow | null> {
  if (paymentId !== null) {
    const byId = await db.prepare("SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND provider = ?").bind(paymentId, merchantId, provider).first<PaymentRow>();
    if (byId !== null) return byId;
  }
  for (const ref of refs) {
    if (ref === null) continue;
    const byRef = await db
      .prepare("SELECT * FROM payments WHERE merchant_id = ? AND provider = ? AND (provider_ref = ? OR charge_ref = ?)")
      .bind(merchantId, provider, ref, ref)
      .first<PaymentRow>();
    if (byRef !== null) return byRef;
  }
  return null;
}

export function merchantName(db: D1Database, merchantId: string) {
  return db.prepare("SELECT name FROM merchants WHERE id = ?").bind(merchantId).first<{ name: string }>();
}

export async function merchantExists(db: D1Database, merchantId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM merchants WHERE id = ?").bind(merchantId).first()) !== null;
}

/** A page of a merchant's payments, newest first (`limit + 1` rows). */
export async function listPayments(db: D1Database, merchantId: string, query: { limit: number; starting_after?: string | undefined }): Promise<PaymentRow[]> {
  const cursor = await cursorCondition(db, "payments", merchantId, query.starting_after);
  const { results } = await db
    .prepare(`SELECT * FROM payments WHERE merchant_id = ?${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(merchantId, ...cursor.params, query.limit + 1)
    .all<PaymentRow>();
  return results;
}

/** Payments left in flight since before `staleBefore`, oldest first (the reconciliation cron's window). */
export async function stalePayments(db: D1Database, staleBefore: Date, limit: number): Promise<PaymentRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM payments WHERE status IN ('pending', 'processing') AND updated_at < ? ORDER BY updated_at LIMIT ?")
    .bind(staleBefore.toISOString(), limit)
    .all<PaymentRow>();
  return results;
}

/** Moves a payment to the end of the reconciliation window without changing it. */
export async function touchInFlight(db: D1Database, paymentId: string, now: Date, statuses: readonly string[]): Promise<void> {
  await db
    .prepare("UPDATE payments SET updated_at = ? WHERE id = ? AND status IN (SELECT value FROM json_each(?))")
    .bind(now.toISOString(), paymentId, JSON.stringify(statuses))
    .run();
}

/** The total refunded (refunds only, not disputes) recorded for a payment. */
export async function refundedTotal(db: D1Database, paymentId: string): Promise<number> {
  const row = await db.prepare("SELECT coalesce(sum(amount), 0) AS n FROM refunds WHERE payment_id = ? AND kind = 'refund'").bind(paymentId).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function loadAllocations(db: D1Database, paymentId: string): Promise<AllocationRow[]> {
  const { results } = await db.prepare("SELECT * FROM allocations WHERE payment_id = ? ORDER BY position").bind(paymentId).all<AllocationRow>();
  return results;
}

/** Payments with their allocations and refunds, as the API answers them (one round trip for all). */
export async function serializePayments(db: D1Database, rows: readonly PaymentRow[]): Promise<Payment[]> {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((row) => row.id));
  const [allocationResult, refundResult] = await db.batch([
    db.prepare("SELECT * FROM allocations WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY payment_id, position").bind(ids),
    db.prepare("SELECT * FROM refunds WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id").bind(ids),
  ]);
  const allocations = allocationResult!.results as unknown as AllocationRow[];
  const refunds = refundResult!.results as unknown as (RefundRow & { payment_id: string })[];
  return rows.map((row) => ({
    id: row.id,
    object: "payment",
    customer: row.customer_id,
    method: row.method,
    status: row.status,
    amount: row.amount,
    amount_refunded: row.amount_refunded,
    currency: row.currency,
    reference: row.reference,
    received_on: row.received_on,
    provider: row.provider,
    failure_message: row.failure_message,
    amount_unallocated: unallocatedOf(row, allocations.filter((allocation) => allocation.payment_id === row.id)),
    allocations: allocations
      .filter((allocation) => allocation.payment_id === row.id)
      .map((allocation) => ({
        invoice: allocation.invoice_id,
        amount: allocation.amount,
        amount_refunded: allocation.amount_refunded,
        planned: allocation.applied === 0,
      })),
    refunds: refunds
      .filter((refund) => refund.payment_id === row.id)
      .map((refund) => ({ id: refund.id, kind: refund.kind, amount: refund.amount, reason: refund.reason, created: refund.created_at })),
    created: row.created_at,
    updated_at: row.updated_at,
  }));
}
