import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import {
  WebhookDeliverySchema,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointDeleted,
  WebhookEndpointSchema,
  WebhookEndpointUpdate,
} from "../../shared/schemas/webhooks";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import { toPage } from "../lib/pagination";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import type { DeliveryMessage } from "./fan-out";
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  listDeliveries,
  listEndpoints,
  resetDelivery,
  rotateEndpointSecret,
  serializeEndpoint,
  setEndpointStatus,
  updateEndpoint,
} from "./queries";
import { newSigningSecret } from "./signature";
import { assertWebhookUrl } from "./url-policy";

/** Endpoints a merchant may hold: each event is sent to every one of them. */
export const MAX_ENDPOINTS_PER_MERCHANT = 16;

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
    assertWebhookUrl(c.env, input.url);
    const id = newId("we");
    const secret = newSigningSecret();
    const row = { id, merchant_id: merchantId, url: input.url, events: input.events ? JSON.stringify(input.events) : null, secret, created_at: new Date().toISOString() };
    if (!(await insertEndpoint(c.env.DB, row, MAX_ENDPOINTS_PER_MERCHANT))) {
      throw new ApiError("webhook_endpoint_limit_reached", `You already have ${MAX_ENDPOINTS_PER_MERCHANT} webhook endpoints, the most an account may hold; delete one first (DELETE /v1/webhook_endpoints/:id).`);
    }
    return c.json({ ...serializeEndpoint(await findEndpoint(c.env.DB, merchantId, id)), secret }, 201);
  },
);

webhooks.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List your webhook endpoints",
    middleware: [requireSecretKey("read")] as const,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listOf(WebhookEndpointSchema), "Your endpoints, newest first."), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return c.json(toPage(await listEndpoints(c.env.DB, c.get("caller").merchantId, query), query.limit, serializeEndpoint), 200);
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

webhooks.openapi(
  createRoute({
    method: "patch", path: "/{id}", tags: tag, security: secretKeySecurity,
    summary: "Change an endpoint: its URL, its events, or whether it is enabled",
    middleware: [requireSecretKey("write")] as const,
    request: { params: IdParam, body: jsonBody(WebhookEndpointUpdate) },
    responses: { 200: jsonResponse(WebhookEndpointSchema, "The endpoint."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const endpoint = await findEndpoint(c.env.DB, merchantId, c.req.valid("param").id);
    const input = c.req.valid("json");
    if (input.url !== undefined) assertWebhookUrl(c.env, input.url);
    if (input.url !== undefined || input.events !== undefined) {
      await updateEndpoint(c.env.DB, merchantId, endpoint.id, { ...(input.url === undefined ? {} : { url: input.url }), ...(input.events === undefined ? {} : { events: input.events }) });
    }
    if (input.enabled !== undefined) await setEndpointStatus(c.env.DB, merchantId, endpoint.id, input.enabled ? "active" : "disabled", new Date());
    return c.json(serializeEndpoint(await findEndpoint(c.env.DB, merchantId, endpoint.id)), 200);
  },
);

webhooks.openapi(
  createRoute({
    method: "delete", path: "/{id}", tags: tag, security: secretKeySecurity,
    summary: "Delete an endpoint and its delivery log; nothing more is sent to it",
    middleware: [requireSecretKey("write")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(WebhookEndpointDeleted, "Deleted."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const endpoint = await findEndpoint(c.env.DB, merchantId, c.req.valid("param").id);
    await deleteEndpoint(c.env.DB, merchantId, endpoint.id);
    return c.json({ id: endpoint.id, object: "webhook_endpoint" as const, deleted: true as const }, 200);
  },
);

webhooks.openapi(
  createRoute({
    method: "post", path: "/{id}/rotate_secret", tags: tag, security: secretKeySecurity,
    summary: "Replace the signing secret; every delivery from now on is signed with the new one, returned once",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(WebhookEndpointCreated, "The endpoint and its new signing secret (shown once)."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const endpoint = await findEndpoint(c.env.DB, merchantId, c.req.valid("param").id);
    const secret = newSigningSecret();
    await rotateEndpointSecret(c.env.DB, merchantId, endpoint.id, secret);
    return c.json({ ...serializeEndpoint(await findEndpoint(c.env.DB, merchantId, endpoint.id)), secret }, 200);
  },
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
      await setEndpointStatus(c.env.DB, merchantId, endpoint.id, status, new Date());
      return c.json(serializeEndpoint(await findEndpoint(c.env.DB, merchantId, endpoint.id)), 200);
    },
  );
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
    return c.json(toPage(await listDeliveries(c.env.DB, endpoint.id, query), query.limit, (delivery) => delivery), 200);
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
    if (!(await resetDelivery(c.env.DB, endpoint.id, delivery, new Date()))) throw notFound("delivery", delivery, "delivery");
    await c.env.WEBHOOKS.send({ delivery } satisfies DeliveryMessage);
    return c.json({ id: delivery, status: "pending" as const }, 202);
  },
);

export { webhooks };
