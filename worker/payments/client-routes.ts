/** What a client's browser calls to pay: start a payment, capture a PayPal approval, follow its status. */
import { createRoute, z } from "@hono/zod-openapi";
import { ClientPaymentCreate, ClientPaymentSchema } from "../../shared/schemas/payments";
import { requireAllowedOrigin } from "../auth/cors";
import { requireClientSession } from "../auth/middleware";
import { afterAppend } from "../db/events";
import { idempotency } from "../db/idempotency";
import { notFound } from "../errors";
import { clientSessionSecurity, createRouter, jsonBody, jsonResponse, problemResponses } from "../lib/router";
import type { AppEnv } from "../lib/types";
import { captureClientPayment, clientPaymentView, startClientPayment } from "./online";
import { findPayment } from "./queries";

const tag = ["Client"];
const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });

function clientOf(caller: AppEnv["Variables"]["caller"]) {
  if (caller.kind !== "client") throw new Error("client route without a client session");
  return caller;
}

export const clientPayments = createRouter();

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
    const payment = await startClientPayment(c.env, caller, c.req.valid("json"), new URL(c.req.url).origin, new Date());
    afterAppend(c.executionCtx, c.env, caller.merchantId);
    return c.json(payment, 201);
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
    const payment = await findPayment(c.env.DB, caller.merchantId, id);
    if (payment === null || payment.customer_id !== caller.customerId || payment.provider === null) throw notFound("payment", id);
    return c.json(await clientPaymentView(c.env.DB, payment), 200);
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
    const payment = await captureClientPayment(c.env, caller, c.req.valid("param").id, new URL(c.req.url).origin);
    afterAppend(c.executionCtx, c.env, caller.merchantId);
    return c.json(payment, 200);
  },
);
