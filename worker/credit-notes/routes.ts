/**
 * Credit notes over HTTP: `POST /v1/invoices/:id/credit_notes` issues one (full scope), and
 * `GET /v1/credit_notes`, `GET /v1/credit_notes/:id` read them (a read-only key is enough).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { listOf } from "../../shared/schemas/common";
import { CreditNoteCreate, CreditNoteListQuery, CreditNoteSchema } from "../../shared/schemas/credit-notes";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { notFound } from "../errors";
import { publicUrl } from "../lib/environment";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { issueCreditNote } from "./issue";
import { findCreditNote, listCreditNotes, serializeCreditNotePage, serializeCreditNotes } from "./queries";

const idParam = (example: string) => z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example }) });
const tag = ["Credit notes"];

async function loadCreditNote(db: D1Database, merchantId: string, id: string, origin: string) {
  const row = await findCreditNote(db, merchantId, id);
  if (row === null) throw notFound("credit note", id);
  return (await serializeCreditNotes(db, [row], origin))[0]!;
}

/** Mounted at /v1/invoices: the issuing route, beside the invoice's own. */
const invoiceCreditNotes = createRouter();

invoiceCreditNotes.openapi(
  createRoute({
    method: "post", path: "/{id}/credit_notes", tags: tag, security: secretKeySecurity,
    summary: "Issue a credit note (avoir) on an issued invoice: the whole remainder, chosen lines, or an amount",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: idParam("inv_01jf9v3k8m2q7w4x5y6z0a1b2c"), body: jsonBody(CreditNoteCreate) },
    responses: { 201: jsonResponse(CreditNoteSchema, "The credit note, numbered in its own series."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const origin = publicUrl(c.env, c.req.url);
    const issued = await issueCreditNote(c.env, merchantId, c.req.valid("param").id, c.req.valid("json"), origin, new Date());
    publish(c.executionCtx, c.env, issued);
    const note = await loadCreditNote(c.env.DB, merchantId, issued.creditNoteId, origin);
    return c.json(issued.refundError === undefined ? note : { ...note, refund_error: issued.refundError }, 201);
  },
);

const creditNotes = createRouter();

creditNotes.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List credit notes, newest first (filters invoice, customer)",
    middleware: [requireSecretKey("read")] as const,
    request: { query: CreditNoteListQuery },
    responses: { 200: jsonResponse(listOf(CreditNoteSchema), "A page of credit notes."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const query = c.req.valid("query");
    const rows = await listCreditNotes(c.env.DB, merchantId, query);
    return c.json(await serializeCreditNotePage(c.env.DB, rows, query.limit, publicUrl(c.env, c.req.url)), 200);
  },
);

creditNotes.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve a credit note",
    middleware: [requireSecretKey("read")] as const,
    request: { params: idParam("cn_01jf9v3k8m2q7w4x5y6z0a1b2c") },
    responses: { 200: jsonResponse(CreditNoteSchema, "The credit note."), ...problemResponses },
  }),
  async (c) => c.json(await loadCreditNote(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id, publicUrl(c.env, c.req.url)), 200),
);

export { creditNotes, invoiceCreditNotes };
