import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import {
  WebhookDeliverySchema,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointSchema,
} from "../../shared/schemas/webhooks";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { newId, newSecret } from "../lib/crypto";
import { isDevelopment } from "../lib/environment";
import { toPage } from "../lib/pagination";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import type { DeliveryMessage } from "./fan-out";
import { findEndpoint, insertEndpoint, listDeliveries, listEndpoints, resetDelivery, serializeEndpoint, setEndpointStatus } from "./queries";

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
    if (!isDevelopment(c.env) && !input.url.startsWith("https://")) {
      throw new ApiError("parameter_invalid", "Webhook URLs must use https.", "url");
    }
    const id = newId("we");
    const secret = newSecret("whsec_");
    await insertEndpoint(c.env.DB, { id, merchant_id: merchantId, url: input.url, events: input.events ? JSON.stringify(input.events) : null, secret, created_at: new Date().toISOString() });
    return c.json({ ...serializeEndpoint(await findEndpoint(c.env.DB, merchantId, id)), secret }, 201);
  },
);

webhooks.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List your webhook endpoints",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(listOf(WebhookEndpointSchema), "Your endpoints."), ...problemResponses },
  }),
  async (c) => c.json({ data: (await listEndpoints(c.env.DB, c.get("caller").merchantId)).map(serializeEndpoint), has_more: false, next: null }, 200),
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
