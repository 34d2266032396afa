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
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { publicUrl } from "../lib/environment";
import { listInvoices } from "./queries";
import { loadInvoice, serializeInvoices } from "./read";
import { createInvoice, issueInvoice, markUncollectible, updateDraft, voidInvoice } from "./write";
import { waitForStatus } from "./long-poll";

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "inv_01jf9v3k8m2q7w4x5y6z0a1b2c" }) });

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
    const origin = publicUrl(c.env, c.req.url);
    const created = await createInvoice(c.env.DB, merchantId, c.req.valid("json"), new Date(), origin);
    publish(c.executionCtx, c.env, created);
    return c.json(await loadInvoice(c.env.DB, merchantId, created.invoiceId, origin), 201);
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
    const rows = await listInvoices(c.env.DB, merchantId, query, new Date());
    return c.json(await serializeInvoices(c.env.DB, rows, query.limit, publicUrl(c.env, c.req.url)), 200);
  },
);

invoices.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve an invoice",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(InvoiceSchema, "The invoice."), ...problemResponses },
  }),
  async (c) => c.json(await loadInvoice(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id, publicUrl(c.env, c.req.url)), 200),
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
    publish(c.executionCtx, c.env, await updateDraft(c.env.DB, merchantId, id, c.req.valid("json"), new Date()));
    return c.json(await loadInvoice(c.env.DB, merchantId, id, publicUrl(c.env, c.req.url)), 200);
  },
);

for (const [action, summary, run] of [
  ["issue", "Issue a draft: number assigned, immutable from then on", issueInvoice],
  ["void", "Void an open invoice with nothing paid", voidInvoice],
  ["mark_uncollectible", "Write off an open or partially paid invoice: no more payments or reminders", markUncollectible],
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
      const origin = publicUrl(c.env, c.req.url);
      publish(c.executionCtx, c.env, await run(c.env.DB, merchantId, id, new Date(), origin));
      return c.json(await loadInvoice(c.env.DB, merchantId, id, origin), 200);
    },
  );
}

invoices.openapi(
  createRoute({
    method: "get", path: "/{id}/status", tags: tag, security: secretKeySecurity,
    summary: "The light status, with ETag; ?wait= long-polls until it changes",
    // A plain read counts against the rate limit while it runs; a long-poll (it waits on the hub) counts first.
    middleware: [requireSecretKey("read", { limitAlongside: (c) => c.req.query("wait") === undefined })] as const,
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
