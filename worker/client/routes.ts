/**
 * Client sessions and what a client's browser may call with one. A session sees its customer's
 * issued invoices and nothing else: every query is scoped by merchant and customer.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ListQuery, listOf } from "../../shared/schemas/common";
import { InvoiceSchema, InvoiceStatus } from "../../shared/schemas/invoices";
import { ClientSessionCreate, ClientSessionSchema } from "../../shared/schemas/sessions";
import { requireClientSession, requireSecretKey } from "../auth/middleware";
import { clientCors, requireAllowedOrigin } from "../auth/cors";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { newSecret, sha256Hex } from "../lib/crypto";
import { cursorCondition } from "../lib/pagination";
import { clientSessionSecurity, createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { loadInvoice, serializeInvoices } from "../invoices/routes";
import { findInvoice, type InvoiceRow } from "../invoices/queries";
import { recordInvoiceViewed } from "../reminders/tracking-routes";

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
    const db = c.env.DB;
    const customer = await db.prepare("SELECT id FROM customers WHERE id = ? AND merchant_id = ?").bind(input.customer, merchantId).first();
    if (customer === null) throw notFound("customer", input.customer, "customer");
    const token = newSecret("cs_");
    const now = new Date();
    const ttl = input.expires_in ?? (Number(c.env.CLIENT_SESSION_TTL_SECONDS) || 3600);
    const expiresAt = new Date(now.getTime() + ttl * 1000).toISOString();
    await db
      .prepare("INSERT INTO client_sessions (token_hash, merchant_id, customer_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(await sha256Hex(token), merchantId, input.customer, expiresAt, now.toISOString())
      .run();
    return c.json({ object: "client_session" as const, token, customer: input.customer, expires_at: expiresAt }, 201);
  },
);

const client = createRouter();
client.use("*", clientCors);

client.openapi(
  createRoute({
    method: "get", path: "/invoices", tags: ["Client"], security: clientSessionSecurity,
    summary: "The session's customer's invoices (issued ones), newest first",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { query: ListQuery.extend({ status: InvoiceStatus.exclude(["draft"]).optional() }) },
    responses: { 200: jsonResponse(listOf(InvoiceSchema), "A page of invoices."), ...problemResponses },
  }),
  async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") throw new Error("client route without a client session");
    const query = c.req.valid("query");
    const db = c.env.DB;
    // The cursor must be one of the invoices this session can see, or it would tell other customers' invoices apart.
    if (query.starting_after !== undefined && (await findInvoice(db, caller.merchantId, query.starting_after, caller.customerId)) === null) {
      throw new ApiError("parameter_invalid", `starting_after '${query.starting_after}' is not one of your invoices.`, "starting_after");
    }
    const cursor = await cursorCondition(db, "invoices", caller.merchantId, query.starting_after);
    const statusFilter = query.status ? " AND status = ?" : "";
    // A pay-page session sees its one invoice only.
    const invoiceFilter = caller.invoiceId ? " AND id = ?" : "";
    const { results } = await db
      .prepare(
        `SELECT * FROM invoices WHERE merchant_id = ? AND customer_id = ? AND status <> 'draft'${statusFilter}${invoiceFilter}${cursor.sql}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .bind(caller.merchantId, caller.customerId, ...(query.status ? [query.status] : []), ...(caller.invoiceId ? [caller.invoiceId] : []), ...cursor.params, query.limit + 1)
      .all<InvoiceRow>();
    return c.json(await serializeInvoices(db, results, query.limit, new URL(c.req.url).origin), 200);
  },
);

client.openapi(
  createRoute({
    method: "get", path: "/invoices/{id}", tags: ["Client"], security: clientSessionSecurity,
    summary: "One of the session's customer's invoices",
    middleware: [requireClientSession, requireAllowedOrigin] as const,
    request: { params: z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
  }),
  async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") throw new Error("client route without a client session");
    const { id } = c.req.valid("param");
    if (caller.invoiceId !== null && id !== caller.invoiceId) throw notFound("invoice", id);
    const invoice = await loadInvoice(c.env.DB, caller.merchantId, id, new URL(c.req.url).origin, caller.customerId);
    c.executionCtx.waitUntil(recordInvoiceViewed(c.env, c.executionCtx, invoice.id).catch(() => false));
    return c.json(invoice, 200);
  },
);

export { client, sessions };
