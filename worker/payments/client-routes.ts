/** What a client's browser calls to pay: start a payment, capture a PayPal approval, follow its status. */
import { createRoute, z } from "@hono/zod-openapi";
import { ClientPaymentCreate, ClientPaymentSchema } from "../../shared/schemas/payments";
import { requireAllowedOrigin } from "../auth/cors";
import { requireClientSession } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { clientSessionSecurity, createRouter, jsonBody, jsonResponse, problemResponses } from "../lib/router";
import { publicUrl } from "../lib/environment";
import type { AppEnv } from "../lib/types";
import { captureClientPayment, clientPaymentView, findClientPayment, startClientPayment } from "./online";
import { merchantName } from "./queries";
import { getSettings } from "../db/settings";
import { loadCredentials } from "../providers/credentials";
import { sandboxAllowed } from "../providers";

const tag = ["Client"];
const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });

function clientOf(caller: AppEnv["Variables"]["caller"]) {
  if (caller.kind !== "client") throw new Error("client route without a client session");
  return caller;
}

export const clientPayments = createRouter();

const ClientConfigSchema = z
  .object({
    payment_methods: z.array(z.string()).meta({ description: "The methods this client can pay with now: accepted by the merchant and backed by a configured provider." }),
    merchant: z.object({ name: z.string() }),
  })
  .meta({ id: "ClientConfig" });

clientPayments.openapi(
  createRoute({
    method: "get", path: "/config", tags: tag, security: clientSessionSecurity, summary: "What the widget needs to know: the payment methods it may offer, the merchant's name",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    responses: { 200: jsonResponse(ClientConfigSchema, "The configuration."), ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const [{ settings }, merchant, stripe, paypal] = await Promise.all([
      getSettings(c.env.DB, caller.merchantId),
      merchantName(c.env.DB, caller.merchantId),
      loadCredentials(c.env, caller.merchantId, "stripe"),
      loadCredentials(c.env, caller.merchantId, "paypal"),
    ]);
    const usable = settings.payment_methods.filter((method) =>
      method === "sandbox" ? sandboxAllowed(c.env) : method === "paypal" ? paypal !== null : stripe !== null,
    );
    return c.json({ payment_methods: usable, merchant: { name: settings.seller.legal_name ?? merchant?.name ?? "" } }, 200);
  },
);

clientPayments.openapi(
  createRoute({
    method: "post", path: "/payments", tags: tag, security: clientSessionSecurity,
    summary: "Pay one or several invoices; the server computes the amount and answers what the browser does next",
    middleware: [requireClientSession, requireAllowedOrigin, idempotency] as const,
    request: { body: jsonBody(ClientPaymentCreate) },
    responses: { 201: jsonResponse(ClientPaymentSchema, "The payment, in flight, with its next action."), 502: { description: "The provider refused." }, ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    try {
      const request = { origin: publicUrl(c.env, c.req.url), requestId: c.get("requestId") };
      return c.json(await startClientPayment(c.env, caller, c.req.valid("json"), request, new Date()), 201);
    } finally {
      // Published even when the provider refused: the payment's failure was appended too.
      publish(c.executionCtx, c.env, { merchantId: caller.merchantId });
    }
  },
);

clientPayments.openapi(
  createRoute({
    method: "get", path: "/payments/{id}", tags: tag, security: clientSessionSecurity, summary: "A payment of the session's customer",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(ClientPaymentSchema, "The payment."), ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const { id } = c.req.valid("param");
    return c.json(await clientPaymentView(c.env.DB, await findClientPayment(c.env.DB, caller, id), caller), 200);
  },
);

clientPayments.openapi(
  createRoute({
    method: "post", path: "/payments/{id}/capture", tags: tag, security: clientSessionSecurity,
    summary: "PayPal: capture the order the buyer approved",
    middleware: [requireClientSession, requireAllowedOrigin, idempotency] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(ClientPaymentSchema, "The payment after the capture."), 502: { description: "PayPal refused." }, ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const request = { origin: publicUrl(c.env, c.req.url), requestId: c.get("requestId") };
    const { payment, moved } = await captureClientPayment(c.env, caller, c.req.valid("param").id, request);
    publish(c.executionCtx, c.env, moved);
    return c.json(payment, 200);
  },
);
