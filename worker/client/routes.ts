/**
 * Client sessions and what a client's browser may call with one. A session sees its customer's
 * issued invoices and nothing else: every query is scoped by merchant and customer.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import { currencyExponent } from "../../shared/currencies";
import { ClientInvoiceSchema, InvoiceStatus, type ClientInvoice, type Invoice } from "../../shared/schemas/invoices";
import { ClientSessionCreate, ClientSessionRevoked, ClientSessionSchema, ClientSessionsRevoked, ClientSessionsRevokeQuery } from "../../shared/schemas/sessions";
import { requireClientSession, requireSecretKey } from "../auth/middleware";
import { clientCors, requireAllowedOrigin } from "../auth/cors";
import { DEFAULT_SESSION_TTL_SECONDS, mintClientSession, revokeSession, revokeSessionsOf } from "../auth/sessions";
import { findCustomer } from "../customers/queries";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { ApiError, notFound } from "../errors";
import { findInvoice, listClientInvoices } from "../invoices/queries";
import { loadInvoice, serializeInvoices } from "../invoices/read";
import { clientSessionSecurity, createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { publicUrl } from "../lib/environment";
import { qrSvg } from "../lib/qr";
import type { AppEnv } from "../lib/types";
import { getSettings } from "../db/settings";
import type { Settings } from "../../shared/schemas/settings";
import { clientBankTransfer, transferQrPayload } from "./bank-transfer";
import { recordInvoiceViewed } from "../reminders/activity";

const sessions = createRouter();

sessions.openapi(
  createRoute({
    method: "post", path: "/", tags: ["Client sessions"], security: secretKeySecurity,
    summary: "Mint a short-lived client session for one customer (for the widget)",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { body: jsonBody(ClientSessionCreate) },
    responses: { 201: jsonResponse(ClientSessionSchema, "The session; its token is shown once."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const input = c.req.valid("json");
    if ((await findCustomer(c.env.DB, merchantId, input.customer)) === null) throw notFound("customer", input.customer, "customer");
    const ttlSeconds = input.expires_in ?? (Number(c.env.CLIENT_SESSION_TTL_SECONDS) || DEFAULT_SESSION_TTL_SECONDS);
    const { id, token, expiresAt } = await mintClientSession(c.env.DB, { merchantId, customerId: input.customer, ttlSeconds, now: new Date() });
    return c.json({ object: "client_session" as const, id, token, customer: input.customer, expires_at: expiresAt }, 201);
  },
);

sessions.openapi(
  createRoute({
    method: "delete", path: "/{id}", tags: ["Client sessions"], security: secretKeySecurity,
    summary: "Revoke a client session: its token answers 401 from now on and its streams close (session_revoked)",
    middleware: [requireSecretKey("write")] as const,
    request: { params: z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "sess_01jf9v3k8m2q7w4x5y6z0a1b2c" }) }) },
    responses: { 200: jsonResponse(ClientSessionRevoked, "The revoked session (revoking it again changes nothing)."), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await revokeSession(c.env.DB, c.get("caller").merchantId, id, new Date());
    if (revoked === null) throw notFound("client session", id);
    return c.json({ object: "client_session" as const, id: revoked.id, customer: revoked.customer_id, expires_at: revoked.expires_at, revoked_at: revoked.revoked_at }, 200);
  },
);

sessions.openapi(
  createRoute({
    method: "delete", path: "/", tags: ["Client sessions"], security: secretKeySecurity,
    summary: "Revoke every live session of one customer (the hosted pay page's too)",
    middleware: [requireSecretKey("write")] as const,
    request: { query: ClientSessionsRevokeQuery },
    responses: { 200: jsonResponse(ClientSessionsRevoked, "How many sessions were revoked."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { customer } = c.req.valid("query");
    if ((await findCustomer(c.env.DB, merchantId, customer)) === null) throw notFound("customer", customer, "customer");
    const revoked = await revokeSessionsOf(c.env.DB, merchantId, customer, new Date());
    return c.json({ object: "client_session_revocation" as const, customer, revoked }, 200);
  },
);

/**
 * An invoice for a browser: with its currency's exponent, so the widget formats amounts exactly
 * without a currency table, and how to pay it by bank transfer.
 */
function forClient(invoice: Invoice, settings: Settings, origin: string): ClientInvoice {
  return { ...invoice, currency_exponent: currencyExponent(invoice.currency), bank_transfer: clientBankTransfer(invoice, settings, origin) };
}

function clientOf(caller: AppEnv["Variables"]["caller"]) {
  if (caller.kind !== "client") throw new Error("client route without a client session");
  return caller;
}

const InvoiceIdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });

const client = createRouter();
client.use("*", clientCors);

client.openapi(
  createRoute({
    method: "get", path: "/invoices", tags: ["Client"], security: clientSessionSecurity,
    summary: "The session's customer's invoices (issued ones), newest first",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { query: ListQuery.extend({ status: InvoiceStatus.exclude(["draft"]).optional() }) },
    responses: { 200: jsonResponse(listOf(ClientInvoiceSchema), "A page of invoices, each with its currency's exponent."), ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const query = c.req.valid("query");
    const db = c.env.DB;
    // The cursor must be one of the invoices this session can see, or it would tell other customers' invoices apart.
    if (query.starting_after !== undefined && (await findInvoice(db, caller.merchantId, query.starting_after, caller.customerId)) === null) {
      throw new ApiError("parameter_invalid", `starting_after '${query.starting_after}' is not one of your invoices.`, "starting_after");
    }
    // A pay-page session sees its one invoice only.
    const origin = publicUrl(c.env, c.req.url);
    const [results, { settings }] = await Promise.all([listClientInvoices(db, caller, query), getSettings(db, caller.merchantId)]);
    const page = await serializeInvoices(db, results, query.limit, origin);
    return c.json({ ...page, data: page.data.map((invoice) => forClient(invoice, settings, origin)) }, 200);
  },
);

client.openapi(
  createRoute({
    method: "get", path: "/invoices/{id}", tags: ["Client"], security: clientSessionSecurity,
    summary: "One of the session's customer's invoices",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { params: InvoiceIdParam },
    responses: { 200: jsonResponse(ClientInvoiceSchema, "The invoice, with its currency's exponent and its bank-transfer instructions."), ...problemResponses },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const { id } = c.req.valid("param");
    if (caller.invoiceId !== null && id !== caller.invoiceId) throw notFound("invoice", id);
    const origin = publicUrl(c.env, c.req.url);
    const [invoice, { settings }] = await Promise.all([loadInvoice(c.env.DB, caller.merchantId, id, origin, caller.customerId), getSettings(c.env.DB, caller.merchantId)]);
    c.executionCtx.waitUntil(recordInvoiceViewed(c.env.DB, invoice.id).then((moved) => publish(c.executionCtx, c.env, moved), () => undefined));
    return c.json(forClient(invoice, settings, origin), 200);
  },
);

client.openapi(
  createRoute({
    method: "get", path: "/invoices/{id}/transfer_qr.svg", tags: ["Client"], security: clientSessionSecurity,
    summary: "The EPC QR code (EPC069-12) of a euro invoice's bank transfer, for a banking app to scan",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { params: InvoiceIdParam },
    responses: {
      200: { content: { "image/svg+xml": { schema: z.string() } }, description: "The QR code as a standalone SVG (no script, no external reference), cached privately for a minute." },
      ...problemResponses,
    },
  }),
  async (c) => {
    const caller = clientOf(c.get("caller"));
    const { id } = c.req.valid("param");
    if (caller.invoiceId !== null && id !== caller.invoiceId) throw notFound("invoice", id);
    const [invoice, { settings }] = await Promise.all([loadInvoice(c.env.DB, caller.merchantId, id, publicUrl(c.env, c.req.url), caller.customerId), getSettings(c.env.DB, caller.merchantId)]);
    const payload = transferQrPayload(invoice, settings);
    if (payload === null) throw new ApiError("resource_missing", `Invoice ${id} has no transfer QR code (nothing due, not in euros, or no bank account).`, "id");
    return c.body(qrSvg(payload), 200, {
      "content-type": "image/svg+xml; charset=utf-8",
      // The amount due changes with each payment: a minute in the browser's own cache, never a shared one.
      "cache-control": "private, max-age=60",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      "x-content-type-options": "nosniff",
    });
  },
);

export { client, sessions };
