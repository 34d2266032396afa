/** Webhook endpoints and the log of their deliveries and attempts. */
import type { WebhookDeliverySchema, WebhookEndpointSchema } from "../../shared/schemas/webhooks";
import type { z } from "zod";
import { eventId } from "../events/log";
import { ApiError, notFound } from "../errors";
import { cursorCondition } from "../lib/pagination";

export interface EndpointRow {
  id: string;
  merchant_id: string;
  url: string;
  events: string | null;
  secret: string;
  status: "active" | "disabled";
  consecutive_failures: number;
  created_at: string;
  disabled_at: string | null;
}

export function serializeEndpoint(row: EndpointRow): z.infer<typeof WebhookEndpointSchema> {
  return {
    id: row.id,
    object: "webhook_endpoint",
    url: row.url,
    events: row.events === null ? null : (JSON.parse(row.events) as string[]),
    status: row.status,
    consecutive_failures: row.consecutive_failures,
    created: row.created_at,
    disabled_at: row.disabled_at,
  };
}

/** One endpoint of a merchant, or 404. */
export async function findEndpoint(db: D1Database, merchantId: string, id: string): Promise<EndpointRow> {
  const row = await db.prepare("SELECT * FROM webhook_endpoints WHERE id = ? AND merchant_id = ?").bind(id, merchantId).first<EndpointRow>();
  if (row === null) throw notFound("webhook endpoint", id);
  return row;
}

/**
 * Registers an endpoint that receives the events after the latest one, unless the merchant already
 * holds `max` endpoints (counted inside the insert, so simultaneous creations cannot pass the cap
 * together); false when the cap refused it.
 */
export async function insertEndpoint(
  db: D1Database,
  row: Pick<EndpointRow, "id" | "merchant_id" | "url" | "events" | "secret" | "created_at">,
  max: number,
): Promise<boolean> {
  const inserted = await db
    .prepare(
      `INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, start_seq, created_at)
       SELECT ?, ?, ?, ?, ?, 'active', (SELECT coalesce(max(seq), 0) FROM events WHERE merchant_id = ?), ?
       WHERE (SELECT count(*) FROM webhook_endpoints WHERE merchant_id = ?) < ?`,
    )
    .bind(row.id, row.merchant_id, row.url, row.events, row.secret, row.merchant_id, row.created_at, row.merchant_id, max)
    .run();
  return inserted.meta.changes > 0;
}

/** A page of a merchant's endpoints, newest first (`limit + 1` rows, for toPage). */
export async function listEndpoints(db: D1Database, merchantId: string, query: { limit: number; starting_after?: string | undefined }): Promise<EndpointRow[]> {
  const cursor = await cursorCondition(db, "webhook_endpoints", merchantId, query.starting_after);
  return (
    await db
      .prepare(`SELECT * FROM webhook_endpoints WHERE merchant_id = ?${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .bind(merchantId, ...cursor.params, query.limit + 1)
      .all<EndpointRow>()
  ).results;
}

/** Changes an endpoint's URL and event filter; a new URL starts with no failures counted. */
export async function updateEndpoint(db: D1Database, merchantId: string, endpointId: string, change: { url?: string; events?: string[] | null }): Promise<void> {
  await db
    .prepare(
      `UPDATE webhook_endpoints SET url = coalesce(?, url), events = CASE WHEN ? THEN ? ELSE events END,
         consecutive_failures = CASE WHEN ? IS NOT NULL AND ? <> url THEN 0 ELSE consecutive_failures END
       WHERE id = ? AND merchant_id = ?`,
    )
    .bind(change.url ?? null, change.events !== undefined ? 1 : 0, change.events ? JSON.stringify(change.events) : null, change.url ?? null, change.url ?? null, endpointId, merchantId)
    .run();
}

/** Replaces the signing secret: every delivery from now on (retries included) is signed with the new one. */
export async function rotateEndpointSecret(db: D1Database, merchantId: string, endpointId: string, secret: string): Promise<void> {
  await db.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ? AND merchant_id = ?").bind(secret, endpointId, merchantId).run();
}

/** Deletes an endpoint with its delivery log, in one batch; messages still queued for it find nothing and stop. */
export async function deleteEndpoint(db: D1Database, merchantId: string, endpointId: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM webhook_attempts WHERE endpoint_id = (SELECT id FROM webhook_endpoints WHERE id = ? AND merchant_id = ?)").bind(endpointId, merchantId),
    db.prepare("DELETE FROM webhook_deliveries WHERE endpoint_id = (SELECT id FROM webhook_endpoints WHERE id = ? AND merchant_id = ?)").bind(endpointId, merchantId),
    db.prepare("DELETE FROM webhook_endpoints WHERE id = ? AND merchant_id = ?").bind(endpointId, merchantId),
  ]);
}

/**
 * Enables or disables an endpoint. Re-enabling starts after the latest event, as creating does:
 * what happened while disabled is never delivered (else it would depend on whether another
 * endpoint kept the hub's cursor moving).
 */
export async function setEndpointStatus(db: D1Database, merchantId: string, endpointId: string, status: "active" | "disabled", now: Date): Promise<void> {
  await db
    .prepare(
      `UPDATE webhook_endpoints SET status = ?, consecutive_failures = 0, disabled_at = ?,
         start_seq = CASE WHEN ? = 'active' AND status = 'disabled' THEN (SELECT coalesce(max(seq), 0) FROM events WHERE merchant_id = ?) ELSE start_seq END
       WHERE id = ?`,
    )
    .bind(status, status === "disabled" ? now.toISOString() : null, status, merchantId, endpointId)
    .run();
}

interface DeliveryRow {
  id: string;
  event_seq: number;
  event_suffix: string;
  event_type: string;
  status: z.infer<typeof WebhookDeliverySchema>["status"];
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: string | null;
  created_at: string;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: string;
}

/** A page of an endpoint's deliveries, newest event first, each with every attempt (`limit + 1` rows). */
export async function listDeliveries(db: D1Database, endpointId: string, query: { limit: number; starting_after?: string | undefined }) {
  let after = "";
  const params: (string | number)[] = [endpointId];
  if (query.starting_after) {
    const cursor = await db.prepare("SELECT event_seq FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?").bind(query.starting_after, endpointId).first<{ event_seq: number }>();
    if (cursor === null) throw new ApiError("parameter_invalid", `starting_after '${query.starting_after}' is not a delivery of this endpoint.`, "starting_after");
    after = " AND d.event_seq < ?";
    params.push(cursor.event_seq);
  }
  const { results } = await db
    .prepare(
      `SELECT d.*, e.id_suffix AS event_suffix, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE d.endpoint_id = ?${after} ORDER BY d.event_seq DESC LIMIT ?`,
    )
    .bind(...params, query.limit + 1)
    .all<DeliveryRow>();
  const { results: attempts } = await db
    .prepare("SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY attempt")
    .bind(JSON.stringify(results.map((row) => row.id)))
    .all<AttemptRow>();
  return results.map((row) => ({
    id: row.id,
    object: "webhook_delivery" as const,
    event: eventId({ seq: row.event_seq, id_suffix: row.event_suffix }),
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    next_attempt_at: row.next_attempt_at,
    attempt_log: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({ attempt: attempt.attempt, status_code: attempt.status_code, error: attempt.error, duration_ms: attempt.duration_ms, created: attempt.created_at })),
    created: row.created_at,
  }));
}

/** Puts a delivery back to pending; false when the endpoint has no such delivery. */
export async function resetDelivery(db: D1Database, endpointId: string, deliveryId: string, now: Date): Promise<boolean> {
  const updated = await db
    .prepare("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND endpoint_id = ?")
    .bind(now.toISOString(), deliveryId, endpointId)
    .run();
  return updated.meta.changes > 0;
}
