/**
 * The hosted pay page: `GET /pay/<token>` (an unguessable link per invoice, for emails) shows the
 * widget for that invoice's customer, with a session minted here once per browser (session.ts),
 * or, when nothing is left to pay, the invoice alone (summary.ts); `GET /pay/<token>/print` is the
 * printable invoice with every mention French law requires (INVOICE-FR.md), and
 * `GET /pay/<token>/credit_notes/<id>` each of its credit notes (facture d'avoir).
 */
import { Hono, type Context } from "hono";
import { html, raw } from "hono/html";
import { breakdownByTaxRate } from "../../shared/money";
import { amountDue, canBePaid } from "../../shared/status";
import { creditNoteLines } from "../credit-notes/queries";
import { creditNotePage } from "./credit-note-print";
import { formatDay, moneyIn, partiesBlock, PRINT_STYLE, rateText } from "./print-format";
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

payRoutes.get("/:token/print", async (c) => {
  const token = c.req.param("token");
  const invoice = await findByToken(c.env.DB, token);
  const [customer, lines, { settings }, notes] = await Promise.all([
    findCustomer(c.env.DB, invoice.merchant_id, invoice.customer_id), linesOf(c.env.DB, invoice.id), getSettings(c.env.DB, invoice.merchant_id), creditNotesOf(c.env.DB, invoice.id),
  ]);
  const money = moneyIn(invoice.currency);
  const terms = JSON.parse(invoice.terms) as { late_fee_policy?: string; early_payment_discount?: string; customer_type?: string };
  const breakdown = breakdownByTaxRate(lines.map((line) => ({ taxRateBp: line.tax_rate, subtotal: line.amount_subtotal, tax: line.amount_tax })));
  privatePage(c, PRINT_CSP);
  return c.html(html`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Facture ${invoice.number}</title>
${PRINT_STYLE}</head>
<body>
  <h1>Facture ${invoice.number}</h1>
  <p>Date d'émission : ${formatDay(invoice.issued_at)} · Date d'échéance : ${formatDay(invoice.due_date)}</p>
  ${partiesBlock(settings.seller, customer)}
  <table>
    <thead><tr><th>Désignation</th><th class="n">Quantité</th><th class="n">Prix unitaire HT</th><th class="n">TVA</th><th class="n">Total HT</th></tr></thead>
    <tbody>${lines.map((line) => html`<tr><td>${line.description}</td><td class="n">${(line.quantity_milli / 1000).toString().replace(".", ",")}</td><td class="n">${money(line.unit_amount)}</td><td class="n">${rateText(line.tax_rate)}</td><td class="n">${money(line.amount_subtotal)}</td></tr>`)}</tbody>
  </table>
  <table>
    <thead><tr><th>Taux de TVA</th><th class="n">Base HT</th><th class="n">Montant TVA</th></tr></thead>
    <tbody>${breakdown.map((row) => html`<tr><td>${rateText(row.tax_rate)}</td><td class="n">${money(row.taxable_amount)}</td><td class="n">${money(row.tax_amount)}</td></tr>`)}</tbody>
  </table>
  <p class="n">Total HT : ${money(invoice.subtotal)} · Total TVA : ${money(invoice.tax)} · <strong>Total TTC : ${money(invoice.total)}</strong></p>
  ${notes.length > 0
    ? html`<h2>Avoirs</h2><ul>${notes.map((note) => html`<li><a href="/pay/${token}/credit_notes/${note.id}">Facture d'avoir ${note.number}</a> du ${formatDay(note.issued_on)} : ${money(note.total)} TTC</li>`)}</ul>`
    : ""}
  <p>Déjà réglé : ${money(invoice.amount_paid)}${invoice.amount_credited > 0 ? ` · Avoirs : ${money(invoice.amount_credited)}` : ""} · <strong>Reste à payer : ${money(amountDue(invoice))}</strong></p>
  ${invoice.memo ? html`<p>${invoice.memo}</p>` : ""}
  <h2>Conditions de paiement</h2>
  <p class="small">${terms.early_payment_discount ?? "Pas d'escompte pour paiement anticipé."}</p>
  <p class="small">${terms.late_fee_policy ?? ""}</p>
  ${terms.customer_type === "consumer" ? "" : raw(`<p class="small">Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € (C. com. art. L441-10 et D441-5).</p>`)}
  ${breakdown.every((row) => row.tax_rate === 0) ? raw(`<p class="small">TVA non applicable, art. 293 B du CGI.</p>`) : ""}
</body></html>`);
});

payRoutes.get("/:token/credit_notes/:id", async (c) => {
  const invoice = await findByToken(c.env.DB, c.req.param("token"));
  const note = await creditNoteOf(c.env.DB, invoice.id, c.req.param("id"));
  if (note === null) throw new ApiError("resource_missing", "This invoice has no such credit note.", "id");
  const [customer, lines, { settings }] = await Promise.all([findCustomer(c.env.DB, invoice.merchant_id, invoice.customer_id), creditNoteLines(c.env.DB, note.id), getSettings(c.env.DB, invoice.merchant_id)]);
  privatePage(c, PRINT_CSP);
  return c.html(creditNotePage(note, lines, settings.seller, customer));
});
