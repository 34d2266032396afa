/**
 * Bank statements over HTTP: `POST /v1/bank_statements` takes a camt.053, camt.054 or OFX file
 * as the raw body (up to 10 MB) and records the payments its credit transfers make; the lines it
 * could not match wait for `POST /v1/bank_statements/:id/lines/:line/allocate`. Reading needs a
 * secret key (read-only is enough), writing a full one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  BankStatementSchema, BankStatementSummarySchema, LineAllocation, LineIgnore, LineParams, StatementLineSchema, StatementLinesQuery, StatementListQuery, StatementUploadQuery,
} from "../../shared/schemas/bank-statements";
import { listOf } from "../../shared/schemas/common";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { publish } from "../events/publish";
import { createRouter, jsonBody, jsonResponse, problemResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { allocateLine, ignoreLine } from "./allocate";
import { importStatement } from "./import";
import { checkContentType, decodeStatement, parseStatement } from "./parse";
import { linesPage, listStatements, mustFindStatement, serializeStatement, summarize } from "./read";
import { MAX_STATEMENT_BYTES, MAX_STATEMENT_LINES } from "./statement";

const tag = ["Bank statements"];
const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "bst_01jf9v3k8m2q7w4x5y6z0a1b2c" }) });
const file = (description: string) => ({ schema: z.string().meta({ format: "binary", description }) });
const bankStatements = createRouter();

bankStatements.openapi(
  createRoute({
    method: "post", path: "/", tags: tag, security: secretKeySecurity,
    summary: "Import a bank statement (camt.053, camt.054 or OFX): credit transfers matched to open invoices become payments",
    description:
      `The file is the raw body (at most ${MAX_STATEMENT_BYTES / 1024 / 1024} MB and ${MAX_STATEMENT_LINES} transactions). Credits are matched to open invoices by the RF ` +
      "reference (RmtInf/Strd/CdtrRefInf/Ref), then invoice numbers in the free text, then amount + payer name (or a payer IBAN seen before) when exactly one invoice fits; " +
      "each match is recorded as a bank_transfer payment with its events. A transaction already imported (same account and entry reference) is listed as a duplicate and recorded once.",
    middleware: [requireSecretKey("write")] as const,
    request: {
      query: StatementUploadQuery,
      body: {
        required: true,
        content: {
          "application/xml": file("An ISO 20022 camt.053 (001.02–001.13) or camt.054 document."),
          "application/x-ofx": file("An OFX 1.x (SGML) or 2.x (XML) statement."),
          "application/octet-stream": file("Either; the format is read from the content."),
        },
      },
    },
    responses: {
      201: jsonResponse(BankStatementSchema, "The statement, its counts and its first lines."),
      ...problemResponses,
      413: problemResponse(`The file is larger than ${MAX_STATEMENT_BYTES / 1024 / 1024} MB.`),
      415: problemResponse("Not a camt.053, camt.054 or OFX file (or a JSON, form or multipart body)."),
      422: problemResponse("The file cannot be read (`statement_malformed` says what is wrong) or holds too many transactions; nothing was recorded."),
    },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    checkContentType(c.req.header("content-type"));
    const bytes = await c.req.arrayBuffer();
    const parsed = parseStatement(decodeStatement(bytes));
    const id = await importStatement(c.env.DB, merchantId, parsed, bytes.byteLength, new Date(), (moved) => publish(c.executionCtx, c.env, moved));
    const row = await mustFindStatement(c.env.DB, merchantId, id);
    return c.json(await serializeStatement(c.env.DB, merchantId, row, c.req.valid("query").lines_limit), 201);
  },
);

bankStatements.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "List imported bank statements, newest first",
    middleware: [requireSecretKey("read")] as const,
    request: { query: StatementListQuery },
    responses: { 200: jsonResponse(listOf(BankStatementSummarySchema), "A page of statements with their counts."), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await listStatements(c.env.DB, c.get("caller").merchantId, query);
    const kept = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return c.json({ data: await summarize(c.env.DB, kept), has_more: hasMore, next: hasMore ? kept[kept.length - 1]!.id : null }, 200);
  },
);

bankStatements.openapi(
  createRoute({
    method: "get", path: "/{id}", tags: tag, security: secretKeySecurity, summary: "Retrieve a statement with its counts and first lines (payments, allocations, suggestions)",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam, query: StatementUploadQuery },
    responses: { 200: jsonResponse(BankStatementSchema, "The statement."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const row = await mustFindStatement(c.env.DB, merchantId, c.req.valid("param").id);
    return c.json(await serializeStatement(c.env.DB, merchantId, row, c.req.valid("query").lines_limit), 200);
  },
);

bankStatements.openapi(
  createRoute({
    method: "get", path: "/{id}/lines", tags: tag, security: secretKeySecurity, summary: "Page through a statement's lines (filter by status)",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam, query: StatementLinesQuery },
    responses: { 200: jsonResponse(z.object({ data: z.array(StatementLineSchema), has_more: z.boolean(), next: z.int().nullable() }), "A page of lines."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const row = await mustFindStatement(c.env.DB, merchantId, c.req.valid("param").id);
    return c.json(await linesPage(c.env.DB, merchantId, row.id, c.req.valid("query")), 200);
  },
);

bankStatements.openapi(
  createRoute({
    method: "post", path: "/{id}/lines/{line}/allocate", tags: tag, security: secretKeySecurity,
    summary: "Allocate an unmatched line by hand: confirm a suggestion ({invoice}) or split it ({allocations})",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: LineParams, body: jsonBody(LineAllocation) },
    responses: { 200: jsonResponse(StatementLineSchema, "The line, now matched, with its payment and allocations."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id, line } = c.req.valid("param");
    publish(c.executionCtx, c.env, await allocateLine(c.env.DB, merchantId, id, line, c.req.valid("json"), new Date()));
    const page = await linesPage(c.env.DB, merchantId, id, { limit: 1, starting_after: line - 1 });
    return c.json(page.data[0]!, 200);
  },
);

bankStatements.openapi(
  createRoute({
    method: "post", path: "/{id}/lines/{line}/ignore", tags: tag, security: secretKeySecurity,
    summary: "Set an unmatched line aside as ignored (not an invoice's payment): nothing is recorded, a re-import keeps it a duplicate",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: LineParams, body: jsonBody(LineIgnore) },
    responses: { 200: jsonResponse(StatementLineSchema, "The line, now ignored."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const { id, line } = c.req.valid("param");
    await ignoreLine(c.env.DB, merchantId, id, line, c.req.valid("json").reason);
    const page = await linesPage(c.env.DB, merchantId, id, { limit: 1, starting_after: line - 1 });
    return c.json(page.data[0]!, 200);
  },
);

export { bankStatements };
