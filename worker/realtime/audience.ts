import type { EventRow } from "../events/log";

/** Who a stream is for: the merchant (every event) or one customer (their invoices and payments). */
export type StreamAudience = { kind: "merchant" } | { kind: "customer"; customerId: string; invoiceId?: string | null };

/** Events a client never sees: drafts exist only for the merchant, and merchant bookkeeping. */
const HIDDEN_FROM_CLIENTS = new Set(["invoice.created", "invoice.updated", "customer.created", "customer.updated", "settings.updated"]);

/** Whether an event may go to a stream's audience. */
export function visibleTo(audience: StreamAudience, row: Pick<EventRow, "customer_id" | "type" | "invoice_id">): boolean {
  if (audience.kind === "merchant") return true;
  // A pay-page session follows its one invoice.
  if (audience.invoiceId && row.invoice_id !== audience.invoiceId) return false;
  return row.customer_id === audience.customerId && !HIDDEN_FROM_CLIENTS.has(row.type) && !row.type.startsWith("webhook_endpoint.");
}

/** Fields of an event's data that stay the merchant's: the note given with a refund (`POST /v1/payments/:id/refund {reason}`). */
const MERCHANT_ONLY_FIELDS: Readonly<Record<string, readonly string[]>> = { "payment.refunded": ["reason"] };

/** The event as an audience reads it: a customer's stream gets it without the merchant's internal notes. */
export function viewFor(audience: StreamAudience, row: EventRow): EventRow {
  const hidden = audience.kind === "customer" ? MERCHANT_ONLY_FIELDS[row.type] : undefined;
  if (hidden === undefined) return row;
  const data = JSON.parse(row.data) as Record<string, unknown>;
  for (const field of hidden) delete data[field];
  return { ...row, data: JSON.stringify(data) };
}

/**
 * An event's SSE message for an audience, encoded at most once per view (the merchant's, a
 * customer's) however many streams share it.
 */
export function messageCache(row: EventRow, encode: (row: EventRow) => Uint8Array): (audience: StreamAudience) => Uint8Array {
  let merchant: Uint8Array | null = null;
  let customer: Uint8Array | null = null;
  return (audience) => (audience.kind === "customer" ? (customer ??= encode(viewFor(audience, row))) : (merchant ??= encode(row)));
}
