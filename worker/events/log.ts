/**
 * The append-only event log. Every change appends its events in the same D1 batch as the change
 * (see `appendEvent`). Event ids embed the commit-order `seq`, so they sort in creation order and
 * serve as the `after` cursor. Appending tells nobody: the write returns the merchant whose log
 * moved (`LogMoved`), and its caller — a route handler, a queue consumer or the cron — hands that
 * to `publish` (./publish.ts) once the batch is committed.
 */
import type { ApiEvent, EventType } from "../../shared/schemas/events";
import { randomBase32 } from "../lib/crypto";

const SEQ_DIGITS = 12;

export interface EventRow {
  seq: number;
  id_suffix: string;
  merchant_id: string;
  type: string;
  invoice_id: string | null;
  payment_id: string | null;
  customer_id: string | null;
  data: string;
  created_at: string;
  prev_hash: string | null;
  hash: string | null;
}

export interface NewEvent {
  merchantId: string;
  type: EventType;
  invoiceId?: string | null;
  paymentId?: string | null;
  customerId?: string | null;
  data: Record<string, unknown>;
  now: Date;
}

/** What a write that appended events returns: the merchant whose log moved, for its caller to `publish`. */
export interface LogMoved {
  merchantId: string;
}

/** The public id of an event row: `evt_` + zero-padded seq + 26 random characters. */
export function eventId(row: Pick<EventRow, "seq" | "id_suffix">): string {
  return `evt_${String(row.seq).padStart(SEQ_DIGITS, "0")}${row.id_suffix}`;
}

/** The seq inside an event id, or null when the id is not one of ours. */
export function seqOfEventId(id: string): number | null {
  const match = /^evt_(\d{12})[0-9a-z]{26}$/.exec(id);
  return match ? Number(match[1]) : null;
}

/** The statement that appends one event; put it in the batch that makes the change. */
export function appendEvent(db: D1Database, event: NewEvent): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, payment_id, customer_id, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      randomBase32(16),
      event.merchantId,
      event.type,
      event.invoiceId ?? null,
      event.paymentId ?? null,
      event.customerId ?? null,
      JSON.stringify(event.data),
      event.now.toISOString(),
    );
}

/** An event row as the API shows it. */
export function serializeEvent(row: EventRow): ApiEvent {
  return {
    id: eventId(row),
    object: "event",
    type: row.type as EventType,
    created: row.created_at,
    invoice: row.invoice_id,
    payment: row.payment_id,
    customer: row.customer_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/** An invoice's state as every invoice event's data shows it, as SQL over a row of `invoices`. */
export const INVOICE_SNAPSHOT_SQL = `json_object('number', number, 'status', status, 'currency', currency, 'total', total,
  'amount_paid', amount_paid, 'amount_credited', amount_credited, 'amount_due', total - amount_paid - amount_credited, 'due_date', due_date,
  'version', version)`;

/**
 * What the ledger needs of an issued (or voided) invoice, as SQL over a row of `invoices`: its
 * subtotal and tax, and the per-rate breakdown summed from its lines (`{tax_rate, subtotal, tax}`).
 */
export const INVOICE_ACCOUNTING_SQL = `json_object('subtotal', subtotal, 'tax', tax, 'tax_breakdown', json((
  SELECT json_group_array(json_object('tax_rate', tax_rate, 'subtotal', s, 'tax', t)) FROM (
    SELECT tax_rate, sum(amount_subtotal) AS s, sum(amount_tax) AS t FROM invoice_lines WHERE invoice_id = invoices.id GROUP BY tax_rate ORDER BY tax_rate))))`;

/**
 * Appends an invoice event whose data is read from the invoice row inside the same transaction,
 * so the event always shows the state the change produced. `accounting` adds the amounts the
 * ledger posts (`INVOICE_ACCOUNTING_SQL`), for `invoice.issued` and `invoice.voided`.
 */
export function appendInvoiceEvent(
  db: D1Database,
  event: { type: EventType; invoiceId: string; paymentId?: string | null; now: Date; extra?: Record<string, unknown>; accounting?: boolean },
): D1PreparedStatement {
  const snapshot = event.accounting ? `json_patch(${INVOICE_SNAPSHOT_SQL}, ${INVOICE_ACCOUNTING_SQL})` : INVOICE_SNAPSHOT_SQL;
  return db
    .prepare(
      `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, payment_id, customer_id, data, created_at)
       SELECT ?, merchant_id, ?, id, ?, customer_id, json_patch(${snapshot}, ?), ?
       FROM invoices WHERE id = ?`,
    )
    .bind(randomBase32(16), event.type, event.paymentId ?? null, JSON.stringify(event.extra ?? {}), event.now.toISOString(), event.invoiceId);
}
