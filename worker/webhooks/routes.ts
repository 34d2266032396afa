import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import {
  WebhookDeliverySchema,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointSchema,
} from "../../shared/schemas/webhooks";
import { requireSecretKey } from "../auth/middleware";
import { eventId } from "../db/events";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { newId, newSecret } from "../lib/crypto";
import { toPage } from "../lib/pagination";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import type { DeliveryMessage } from "./fan-out";

interface EndpointRow {
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

function serializeEndpoint(row: EndpointRow): z.infer<typeof WebhookEndpointSchema> {
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

async function findEndpoint(db: D1Database, merchantId: string, id: string): Promise<EndpointRow> {
  const row = await db.prepare("SELECT * FROM webhook_endpoints WHERE id = ? AND merchant_id = ?").bind(id, merchantId).first<EndpointRow>();
  if (row === null) throw notFound("webhook endpoint", id);
  return row;
}

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });
const tag = ["Webhooks"];
const webhooks = createRouter();

webhooks.openapi(
  createRoute({
    method: "post", path: "/", tags: tag, security: secretKeySecurity,
    summary: "Register an endpoint; every matching event is POSTed to it, signed with the returned secret",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { body: jsonBody(WebhookEndpointCreate) },
    responses: { 201: jsonResponse(WebhookEndpointCreated, "The endpoint and its signing secret (shown once)."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const input = c.req.valid("json");
    if (c.env.ENVIRONMENT === "production" && !input.url.startsWith("https://")) {
      throw new ApiError("parameter_invalid", "Webhook URLs must use https.", "url");
    }
    const db = c.env.DB;
    const id = newId("we");
    const secret = newSecret("whsec_");
    const now = new Date().toISOString();
    await db
      .prepare(
        `INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, start_seq, created_at)
         VALUES (?, ?, ?, ?, ?, 'active', (SELECT coalesce(max(seq), 0) FROM events WHERE merchant_id = ?), ?)`,
      )
      .bind(id, merchantId, input.url, input.events ? JSON.stringify(input.events) : null, secret, merchantId, now)
      .run();
    return c.json({ ...serializeEndpoint(await findEndpoint(db, merchantId, id)), secret }, 201);
  },
);

webhooks.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List your webhook endpoints",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(listOf(WebhookEndpointSchema), "Your endpoints."), ...problemResponses },
  }),
  async (c) => {
    const { results } = await c.env.DB.prepare("SELECT * FROM webhook_endpoints WHERE merchant_id = ? ORDER BY created_at DESC, id DESC LIMIT 100")
      .bind(c.get("caller").merchantId)
      .all<EndpointRow>();
    return c.json({ data: results.map(serializeEndpoint), has_more: false, next: null }, 200);
  },
);

webhooks.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve a webhook endpoint",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(WebhookEndpointSchema, "The endpoint."), ...problemResponses },
  }),
  async (c) => c.json(serializeEndpoint(await findEndpoint(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id)), 200),
);

for (const [action, status] of [["enable", "active"], ["disable", "disabled"]] as const) {
  webhooks.openapi(
    createRoute({
      method: "post", path: `/{id}/${action}`, tags: tag, security: secretKeySecurity,
      summary: action === "enable" ? "Re-enable an endpoint (failure count reset)" : "Stop deliveries to an endpoint",
      middleware: [requireSecretKey("write"), idempotency] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse(WebhookEndpointSchema, "The endpoint."), ...problemResponses },
    }),
    async (c) => {
      const { merchantId } = c.get("caller");
      const endpoint = await findEndpoint(c.env.DB, merchantId, c.req.valid("param").id);
      // Re-enabling starts after the latest event, as creating does: what happened while disabled is
      // never delivered (else it would depend on whether another endpoint kept the hub's cursor moving).
      await c.env.DB.prepare(
        `UPDATE webhook_endpoints SET status = ?, consecutive_failures = 0, disabled_at = ?,
           start_seq = CASE WHEN ? = 'active' AND status = 'disabled' THEN (SELECT coalesce(max(seq), 0) FROM events WHERE merchant_id = ?) ELSE start_seq END
         WHERE id = ?`,
      )
        .bind(status, status === "disabled" ? new Date().toISOString() : null, status, merchantId, endpoint.id)
        .run();
      return c.json(serializeEndpoint(await findEndpoint(c.env.DB, merchantId, endpoint.id)), 200);
    },
  );
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

webhooks.openapi(
  createRoute({
    method: "get", path: "/{id}/deliveries", tags: tag, security: secretKeySecurity,
    summary: "The delivery log: each event sent to this endpoint, with every attempt",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam, query: ListQuery },
    responses: { 200: jsonResponse(listOf(WebhookDeliverySchema), "Deliveries, newest first."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const endpoint = await findEndpoint(c.env.DB, merchantId, c.req.valid("param").id);
    const query = c.req.valid("query");
    let after = "";
    const params: (string | number)[] = [endpoint.id];
    if (query.starting_after) {
      const cursor = await c.env.DB.prepare("SELECT event_seq FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?")
        .bind(query.starting_after, endpoint.id)
        .first<{ event_seq: number }>();
      if (cursor === null) throw new ApiError("parameter_invalid", `starting_after '${query.starting_after}' is not a delivery of this endpoint.`, "starting_after");
      after = " AND d.event_seq < ?";
      params.push(cursor.event_seq);
    }
    const { results } = await c.env.DB.prepare(
      `SELECT d.*, e.id_suffix AS event_suffix, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE d.endpoint_id = ?${after} ORDER BY d.event_seq DESC LIMIT ?`,
    )
      .bind(...params, query.limit + 1)
      .all<DeliveryRow>();
    const ids = JSON.stringify(results.map((row) => row.id));
    const { results: attempts } = await c.env.DB.prepare(
      "SELECT * FROM webhook_attempts WHERE delivery_id IN (SELECT value FROM json_each(?)) ORDER BY attempt",
    )
      .bind(ids)
      .all<{ delivery_id: string; attempt: number; status_code: number | null; error: string | null; duration_ms: number; created_at: string }>();
    return c.json(
      toPage(results, query.limit, (row) => ({
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
      })),
      200,
    );
  },
);

webhooks.openapi(
  createRoute({
    method: "post", path: "/{id}/deliveries/{delivery}/redeliver", tags: tag, security: secretKeySecurity,
    summary: "Send a delivery again now",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam.extend({ delivery: z.string().max(64).meta({ param: { name: "delivery", in: "path" } }) }) },
    responses: { 202: jsonResponse(z.object({ id: z.string(), status: z.literal("pending") }), "Queued."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id, delivery } = c.req.valid("param");
    const endpoint = await findEndpoint(c.env.DB, merchantId, id);
    if (endpoint.status !== "active") throw new ApiError("webhook_endpoint_disabled", "Enable the endpoint before redelivering to it.");
    const updated = await c.env.DB.prepare("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = NULL, updated_at = ? WHERE id = ? AND endpoint_id = ?")
      .bind(new Date().toISOString(), delivery, endpoint.id)
      .run();
    if (updated.meta.changes === 0) throw notFound("delivery", delivery, "delivery");
    await c.env.WEBHOOKS.send({ delivery } satisfies DeliveryMessage);
    return c.json({ id: delivery, status: "pending" as const }, 202);
  },
);

export { webhooks };
