/**
 * The hosted pay page: `GET /pay/<token>` (an unguessable link per invoice, for emails) shows the
 * widget for that invoice's customer, with a session minted here once per browser (session.ts),
 * or, when nothing is left to pay, the invoice alone (summary.ts); `GET /pay/<token>/print` is the
 * printable invoice with every mention French law requires (INVOICE-FR.md), in the invoice's
 * language, `GET /pay/<token>/credit_notes/<id>` each of its credit notes (facture d'avoir), and
 * `…/pdf` beside each the Factur-X PDF (the same file the merchant's API serves).
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { canBePaid } from "../../shared/status";
import { creditNoteLines } from "../credit-notes/queries";
import type { InvoiceDocument } from "../facturx/document";
import { loadCreditNoteDocument, loadInvoiceDocument } from "../facturx/load";
import { documentPdfResponse } from "../facturx/pdf-response";
import { creditNotePage } from "./credit-note-print";
import { documentPage } from "./print-format";
import { legacyInvoicePage } from "./print-legacy";
import { enforceRateLimit } from "../auth/middleware";
import { getSettings } from "../db/settings";
import { publish } from "../events/publish";
import { ApiError } from "../errors";
import type { InvoiceRow } from "../invoices/queries";
import type { AppEnv } from "../lib/types";
import { recordInvoiceViewed } from "../reminders/activity";
import { findCustomer } from "../customers/queries";
import { creditNoteOf, creditNotesOf, findByHostedToken, linesOf } from "./queries";
import { payPageSession } from "./session";
import { invoiceSummary } from "./summary";

// Neither page may be framed by another site (clickjacking a pay button), cached, or leak its
// token-bearing URL in a Referer.
const PAGE_CSP = "default-src 'self'; script-src 'self' https://js.stripe.com https://www.paypal.com; frame-src https://js.stripe.com https://hooks.stripe.com https://www.paypal.com https://www.sandbox.paypal.com; connect-src 'self' https://api.stripe.com https://www.paypal.com https://www.sandbox.paypal.com; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

function privatePage(c: Context<AppEnv>, csp: string): void {
  c.header("content-security-policy", csp);
  c.header("x-frame-options", "DENY"); // for browsers that ignore frame-ancestors
  c.header("referrer-policy", "no-referrer");
  c.header("cache-control", "no-store");
}

async function findByToken(db: D1Database, token: string): Promise<InvoiceRow> {
  const invoice = await findByHostedToken(db, token);
  if (invoice === null) throw new ApiError("resource_missing", "This payment link is not valid.", "token");
  return invoice;
}

export const payRoutes = new Hono<AppEnv>();

// Strangers reach these pages with nothing but a link: each address has a request budget.
payRoutes.use("*", async (c, next) => {
  await enforceRateLimit(c.env, `pay:${c.req.header("cf-connecting-ip") ?? "local"}`, "address");
  await next();
});

payRoutes.get("/:token", async (c) => {
  const invoice = await findByToken(c.env.DB, c.req.param("token"));
  const customer = await findCustomer(c.env.DB, invoice.merchant_id, invoice.customer_id);
  const { settings } = await getSettings(c.env.DB, invoice.merchant_id);
  // The session reaches this one invoice only (a forwarded or scanned link opens nothing else); an
  // invoice with nothing to pay is shown without the widget, so it needs none.
  const payable = canBePaid(invoice);
  const token = payable ? await payPageSession(c, invoice) : null;
  c.executionCtx.waitUntil(recordInvoiceViewed(c.env.DB, invoice.id).then((moved) => publish(c.executionCtx, c.env, moved), () => undefined));
  const lang = customer?.["locale"]?.startsWith("fr") ? "fr" : "en";
  privatePage(c, PAGE_CSP);
  return c.html(html`<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${lang === "fr" ? "Facture" : "Invoice"} ${invoice.number} — ${settings.seller.legal_name ?? ""}</title>
  <link rel="stylesheet" href="/pay.css">
</head>
<body>
  <main>
    <header><h1>${settings.seller.legal_name ?? ""}</h1><p>${customer?.["name"] ?? ""}</p></header>
    ${token === null ? invoiceSummary(invoice, c.req.param("token"), lang, settings) : html`<quittance-invoices session="${token}" invoice="${invoice.id}" lang="${lang}"></quittance-invoices>`}
  </main>
  ${token === null ? "" : html`<script type="module" src="/widget.js"></script>`}
</body>
</html>`);
});

/**
 * The document behind a pay link, or null when the merchant's or customer's details are too
 * incomplete for an e-invoice (the printable page then falls back to print-legacy.ts and offers no PDF).
 */
async function documentOrNull(load: () => Promise<InvoiceDocument>): Promise<InvoiceDocument | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && (error.code === "einvoice_data_incomplete" || error.code === "einvoice_not_expressible")) return null;
    throw error;
  }
}

payRoutes.get("/:token/print", async (c) => {
  const token = c.req.param("token");
  const invoice = await findByToken(c.env.DB, token);
  const [doc, notes] = await Promise.all([documentOrNull(() => loadInvoiceDocument(c.env.DB, invoice.merchant_id, invoice.id)), creditNotesOf(c.env.DB, invoice.id)]);
  privatePage(c, PRINT_CSP);
  if (doc === null) {
    const [customer, lines, { settings }] = await Promise.all([findCustomer(c.env.DB, invoice.merchant_id, invoice.customer_id), linesOf(c.env.DB, invoice.id), getSettings(c.env.DB, invoice.merchant_id)]);
    return c.html(legacyInvoicePage({ invoice, customer, lines, seller: settings.seller, notes, token }));
  }
  const creditNotes = new Map(notes.map((note) => [note.number, `/pay/${token}/credit_notes/${note.id}`]));
  return c.html(documentPage(doc, { pdf: `/pay/${token}/pdf`, creditNotes }));
});

/** The invoice's Factur-X PDF, for the client behind the link (the same file as GET /v1/invoices/:id/pdf). */
payRoutes.get("/:token/pdf", async (c) => {
  const invoice = await findByToken(c.env.DB, c.req.param("token"));
  const response = await documentPdfResponse(await loadInvoiceDocument(c.env.DB, invoice.merchant_id, invoice.id));
  privatePage(c, PRINT_CSP);
  return withHeaders(response, c.res.headers);
});

async function creditNoteByToken(db: D1Database, token: string, id: string) {
  const invoice = await findByToken(db, token);
  const note = await creditNoteOf(db, invoice.id, id);
  if (note === null) throw new ApiError("resource_missing", "This invoice has no such credit note.", "id");
  return { invoice, note };
}

payRoutes.get("/:token/credit_notes/:id", async (c) => {
  const token = c.req.param("token");
  const { invoice, note } = await creditNoteByToken(c.env.DB, token, c.req.param("id"));
  const doc = await documentOrNull(() => loadCreditNoteDocument(c.env.DB, invoice.merchant_id, note.id));
  privatePage(c, PRINT_CSP);
  if (doc !== null) return c.html(documentPage(doc, { pdf: `/pay/${token}/credit_notes/${note.id}/pdf`, creditNotes: new Map() }));
  const [customer, lines, { settings }] = await Promise.all([findCustomer(c.env.DB, invoice.merchant_id, invoice.customer_id), creditNoteLines(c.env.DB, note.id), getSettings(c.env.DB, invoice.merchant_id)]);
  return c.html(creditNotePage(note, lines, settings.seller, customer));
});

/** A credit note's Factur-X PDF, for the client behind its invoice's link. */
payRoutes.get("/:token/credit_notes/:id/pdf", async (c) => {
  const { invoice, note } = await creditNoteByToken(c.env.DB, c.req.param("token"), c.req.param("id"));
  const response = await documentPdfResponse(await loadCreditNoteDocument(c.env.DB, invoice.merchant_id, note.id));
  privatePage(c, PRINT_CSP);
  return withHeaders(response, c.res.headers);
});

/** The PDF response with the private-page headers set on the context (no framing, no Referer, no caching). */
function withHeaders(response: Response, headers: Headers): Response {
  for (const name of ["content-security-policy", "x-frame-options", "referrer-policy"]) {
    const value = headers.get(name);
    if (value !== null) response.headers.set(name, value);
  }
  return response;
}
