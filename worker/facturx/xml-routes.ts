/**
 * The Factur-X CII XML over HTTP: `GET /v1/invoices/:id/facturx.xml` and
 * `GET /v1/credit_notes/:id/facturx.xml` (secret or read-only key). A draft answers 409
 * `invoice_not_issued`; data the French rules need and the merchant has not given answers 409
 * `einvoice_data_incomplete` naming the setting or field — never an invalid file.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireSecretKey } from "../auth/middleware";
import { createRouter, problemResponses, secretKeySecurity } from "../lib/router";
import { ciiXml } from "./cii";
import type { InvoiceDocument } from "./document";
import { loadCreditNoteDocument, loadInvoiceDocument } from "./load";

const idParam = (example: string) => z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example }) });

const xmlResponse = (doc: InvoiceDocument) =>
  new Response(ciiXml(doc), {
    status: 200,
    headers: {
      "content-type": "application/xml; charset=utf-8",
      "content-disposition": `inline; filename="${doc.number.replace(/[^A-Za-z0-9+_-]/g, "_")}-factur-x.xml"`,
      "cache-control": "no-store",
    },
  });

const xmlContent = (what: string) => ({
  description: `The ${what} as a Factur-X 1.09 CII XML, EN 16931 profile, with the French reform's data (BR-FR).`,
  content: { "application/xml": { schema: z.string() } },
});

const invoiceFacturx = createRouter();
invoiceFacturx.openapi(
  createRoute({
    method: "get", path: "/{id}/facturx.xml", tags: ["E-invoices"], security: secretKeySecurity,
    summary: "The invoice's Factur-X CII XML (EN 16931); a read-only key is enough",
    middleware: [requireSecretKey("read")] as const,
    request: { params: idParam("inv_01jf9v3k8m2q7w4x5y6z0a1b2c") },
    responses: { 200: xmlContent("invoice"), ...problemResponses },
  }),
  async (c) => xmlResponse(await loadInvoiceDocument(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id)),
);

const creditNoteFacturx = createRouter();
creditNoteFacturx.openapi(
  createRoute({
    method: "get", path: "/{id}/facturx.xml", tags: ["E-invoices"], security: secretKeySecurity,
    summary: "The credit note's Factur-X CII XML (type 381, with its invoice as BT-25/BT-26); a read-only key is enough",
    middleware: [requireSecretKey("read")] as const,
    request: { params: idParam("cn_01jf9v3k8m2q7w4x5y6z0a1b2c") },
    responses: { 200: xmlContent("credit note"), ...problemResponses },
  }),
  async (c) => xmlResponse(await loadCreditNoteDocument(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id)),
);

export { creditNoteFacturx, invoiceFacturx };
