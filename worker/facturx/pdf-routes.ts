/**
 * The Factur-X PDFs over HTTP: `GET /v1/invoices/:id/pdf` and `GET /v1/credit_notes/:id/pdf` (a
 * read-only key is enough; a draft answers 409, another merchant's id 404). The pay page serves the
 * same file to the client behind its link (pay/routes.ts, through {@link documentPdfResponse}).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireSecretKey } from "../auth/middleware";
import { createRouter, problemResponses, secretKeySecurity } from "../lib/router";
import { loadCreditNoteDocument, loadInvoiceDocument } from "./load";
import { documentPdfResponse } from "./pdf-response";

const idParam = (example: string) => z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example }) });

const pdfResponse = (what: string) => ({
  description: `The ${what} as a Factur-X PDF/A-3b (EN 16931 profile): the printable document in its language, with \`factur-x.xml\` (the CII XML) embedded. \`Content-Disposition\` names the file after the number.`,
  content: { "application/pdf": { schema: z.string().meta({ format: "binary" }) } },
  headers: { "Content-Disposition": { description: "`attachment; filename=\"F-2026-0042.pdf\"`", schema: { type: "string" as const } } },
});


/** Mounted at /v1/invoices. */
export const invoicePdfRoutes = createRouter();

invoicePdfRoutes.openapi(
  createRoute({
    method: "get", path: "/{id}/pdf", tags: ["E-invoices"], security: secretKeySecurity,
    summary: "The issued invoice as a Factur-X PDF (PDF/A-3b with factur-x.xml embedded); a read-only key is enough",
    middleware: [requireSecretKey("read")] as const,
    request: { params: idParam("inv_01jf9v3k8m2q7w4x5y6z0a1b2c") },
    responses: { 200: pdfResponse("invoice"), ...problemResponses },
  }),
  async (c) => {
    const doc = await loadInvoiceDocument(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id);
    return documentPdfResponse(doc);
  },
);

/** Mounted at /v1/credit_notes. */
export const creditNotePdfRoutes = createRouter();

creditNotePdfRoutes.openapi(
  createRoute({
    method: "get", path: "/{id}/pdf", tags: ["E-invoices"], security: secretKeySecurity,
    summary: "The credit note (facture d'avoir) as a Factur-X PDF (type 381, referring to its invoice); a read-only key is enough",
    middleware: [requireSecretKey("read")] as const,
    request: { params: idParam("cn_01jf9v3k8m2q7w4x5y6z0a1b2c") },
    responses: { 200: pdfResponse("credit note"), ...problemResponses },
  }),
  async (c) => {
    const doc = await loadCreditNoteDocument(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id);
    return documentPdfResponse(doc);
  },
);
