import { createRoute, z } from "@hono/zod-openapi";
import {
  InvoiceCreate,
  InvoiceListQuery,
  InvoiceSchema,
  InvoiceStatusSchema,
  InvoiceUpdate,
  StatusQuery,
} from "../../shared/schemas/invoices";
import { listOf } from "../../shared/schemas/common";
import { utcDay } from "../../shared/status";
import { afterAppend } from "../db/events";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { notFound } from "../errors";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { cursorCondition, toPage } from "../lib/pagination";
import { findInvoice, loadDetails, serializeInvoice, type InvoiceRow } from "./queries";
import { createInvoice, issueInvoice, updateDraft, voidInvoice } from "./write";
import { waitForStatus } from "./long-poll";

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "inv_01jf9v3k8m2q7w4x5y6z0a1b2c" }) });

/** Loads and serializes one invoice of the merchant (of one customer when given), or 404. */
export async function loadInvoice(db: D1Database, merchantId: string, id: string, origin: string, customerId?: string) {
  const row = await findInvoice(db, merchantId, id, customerId);
  if (row === null) throw notFound("invoice", id);
  const { lines, payments } = await loadDetails(db, [row.id]);
  return serializeInvoice(row, lines.get(row.id) ?? [], payments.get(row.id) ?? [], utcDay(new Date()), origin);
}

/** Serializes a page of invoice rows with their lines and payments (two queries, whatever the page size). */
export async function serializeInvoices(db: D1Database, rows: InvoiceRow[], limit: number, origin: string) {
  const { lines, payments } = await loadDetails(db, rows.slice(0, limit).map((row) => row.id));
  const today = utcDay(new Date());
  return toPage(rows, limit, (row) => serializeInvoice(row, lines.get(row.id) ?? [], payments.get(row.id) ?? [], today, origin));
}

const tag = ["Invoices"];
const invoices = createRouter();

invoices.openapi(
  createRoute({
    method: "post", path: "/", tags: tag, security: secretKeySecurity, summary: "Create an invoice (draft, or issued at once with issue: true)",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { body: jsonBody(InvoiceCreate) },
    responses: { 201: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const id = await createInvoice(c.env.DB, merchantId, c.req.valid("json"), new Date());
    afterAppend(c.executionCtx, c.env, merchantId);
    return c.json(await loadInvoice(c.env.DB, merchantId, id, new URL(c.req.url).origin), 201);
  },
);

invoices.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List invoices, newest first",
    middleware: [requireSecretKey("read")] as const,
    request: { query: InvoiceListQuery },
    responses: { 200: jsonResponse(listOf(InvoiceSchema), "A page of invoices."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const query = c.req.valid("query");
    const db = c.env.DB;
    const where: string[] = ["merchant_id = ?"];
    const params: (string | number)[] = [merchantId];
    if (query.status) (where.push("status = ?"), params.push(query.status));
    if (query.customer) (where.push("customer_id = ?"), params.push(query.customer));
    if (query.due_before) (where.push("due_date < ?"), params.push(query.due_before));
    if (query.due_after) (where.push("due_date > ?"), params.push(query.due_after));
    if (query.overdue === "true") {
      where.push("status IN ('open', 'partially_paid') AND amount_paid < total AND due_date < ?");
      params.push(utcDay(new Date()));
    } else if (query.overdue === "false") {
      where.push("NOT (status IN ('open', 'partially_paid') AND amount_paid < total AND due_date IS NOT NULL AND due_date < ?)");
      params.push(utcDay(new Date()));
    }
    const cursor = await cursorCondition(db, "invoices", merchantId, query.starting_after);
    const { results } = await db
      .prepare(`SELECT * FROM invoices WHERE ${where.join(" AND ")}${cursor.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .bind(...params, ...cursor.params, query.limit + 1)
      .all<InvoiceRow>();
    return c.json(await serializeInvoices(db, results, query.limit, new URL(c.req.url).origin), 200);
  },
);

invoices.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve an invoice",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
  }),
  async (c) => c.json(await loadInvoice(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id, new URL(c.req.url).origin), 200),
);

invoices.openapi(
  createRoute({
    method: "post", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Update a draft invoice",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam, body: jsonBody(InvoiceUpdate) },
    responses: { 200: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id } = c.req.valid("param");
    await updateDraft(c.env.DB, merchantId, id, c.req.valid("json"), new Date());
    afterAppend(c.executionCtx, c.env, merchantId);
    return c.json(await loadInvoice(c.env.DB, merchantId, id, new URL(c.req.url).origin), 200);
  },
);

for (const [action, summary, run] of [
  ["issue", "Issue a draft: number assigned, immutable from then on", issueInvoice],
  ["void", "Void an open invoice with nothing paid", voidInvoice],
] as const) {
  invoices.openapi(
    createRoute({
      method: "post", path: `/{id}/${action}`, tags: tag, security: secretKeySecurity, summary,
      middleware: [requireSecretKey("write"), idempotency] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
    }),
    async (c) => {
      const { merchantId } = c.get("caller");
      const { id } = c.req.valid("param");
      await run(c.env.DB, merchantId, id, new Date());
      afterAppend(c.executionCtx, c.env, merchantId);
      return c.json(await loadInvoice(c.env.DB, merchantId, id, new URL(c.req.url).origin), 200);
    },
  );
}

invoices.openapi(
  createRoute({
    method: "get", path: "/{id}/status", tags: tag, security: secretKeySecurity,
    summary: "The light status, with ETag; ?wait= long-polls until it changes",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam, query: StatusQuery },
    responses: {
      200: jsonResponse(InvoiceStatusSchema, "The status (ETag header set)."),
      304: { description: "Unchanged since If-None-Match." },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id } = c.req.valid("param");
    const { wait, version } = c.req.valid("query");
    const outcome = await waitForStatus(c.env, merchantId, id, {
      waitSeconds: wait ?? 0,
      knownVersion: version,
      ifNoneMatch: c.req.header("if-none-match"),
      signal: c.req.raw.signal,
    });
    c.header("etag", outcome.etag);
    c.header("cache-control", "no-cache");
    if (outcome.notModified) return c.body(null, 304);
    return c.json(outcome.status, 200);
  },
);

export { invoices };
