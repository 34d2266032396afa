/**
 * The printable invoice or credit note (`/pay/<token>/print`, `/pay/<token>/credit_notes/<id>`),
 * rendered from the same InvoiceDocument as the Factur-X XML and PDF, with the same labels
 * (facturx/labels.ts), in the document's language, and a link to download the PDF.
 */
import { html, raw } from "hono/html";
import type { InvoiceDocument } from "../facturx/document";
import { documentFormat, groupBy4, mentions, partyLines, shownNotes, totalRows, type DocumentFormat } from "../facturx/labels";
import { qrSvg } from "../lib/qr";

export const PRINT_STYLE = html`<style>
  body { font-family: Inter, system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; font-size: .95rem; }
  header { display: flex; justify-content: space-between; gap: 2rem; border-bottom: 1px solid #ccc; padding-bottom: 1rem; }
  h1 { margin: 0; font-size: 1.6rem; } h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; } dl { display: grid; grid-template-columns: auto auto; gap: .1rem 1rem; margin: .5rem 0 0; } dt { color: #555; } dd { margin: 0; font-weight: 600; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; } th, td { border-bottom: 1px solid #ccc; padding: .35rem; text-align: left; } th { background: #f3f3f4; font-size: .8rem; color: #444; }
  td.n, th.n { text-align: right; } .parties { display: flex; justify-content: space-between; gap: 2rem; margin-top: 1rem; } .small { font-size: .85rem; color: #333; }
  .sums { display: flex; justify-content: space-between; gap: 2rem; } .sums table { width: auto; min-width: 45%; } .strong td { font-weight: 700; background: #f3f3f4; }
  .transfer { display: flex; justify-content: space-between; gap: 1rem; border: 1px solid #ccc; background: #f7f7f8; padding: .8rem 1rem; } .transfer svg { width: 8rem; height: 8rem; background: #fff; }
  .void { color: #b71a1a; text-transform: uppercase; margin: .3rem 0 0; } .download { margin: 1rem 0; } @media print { body { margin: 0; } .download { display: none; } }
</style>`;

export type PrintLinks = { pdf: string | null; creditNotes: Map<string, string> };

export function documentPage(doc: InvoiceDocument, links: PrintLinks) {
  const f = documentFormat(doc);
  const title = `${f.title} ${doc.number}`;
  return html`<!doctype html>
<html lang="${doc.language}">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${title} — ${doc.seller.name}</title>
${PRINT_STYLE}</head>
<body>
  <header>
    <div><h1>${title}</h1>${doc.status === "void" ? html`<p class="void"><strong>${f.void}</strong></p>` : ""}${doc.kind === "credit_note" && doc.language === "fr" ? html` <span class="small" lang="en">(Credit note)</span>` : ""}</div>
    <dl><dt>${f.number}</dt><dd>${doc.number}</dd><dt>${f.issue_date}</dt><dd>${f.day(doc.issue_date)}</dd>${doc.due_date ? html`<dt>${f.due_date}</dt><dd>${f.day(doc.due_date)}</dd>` : ""}</dl>
  </header>
  ${links.pdf ? html`<p class="download"><a href="${links.pdf}" download>${doc.kind === "credit_note" ? f.download_credit : f.download}</a></p>` : ""}
  <div class="parties">
    ${[[f.seller, doc.seller], [f.buyer, doc.buyer]].map(([label, party]) => html`<section><h2>${label as string}</h2><p>${partyLines(party as InvoiceDocument["seller"], f).map((line, i) => html`${i > 0 ? raw("<br>") : ""}${line.bold ? html`<strong>${line.text}</strong>` : line.text}`)}</p></section>`)}
  </div>
  ${doc.preceding_invoice ? html`<p><strong>${f.corrects(doc.preceding_invoice.number, f.day(doc.preceding_invoice.issue_date))}</strong></p>` : ""}
  ${doc.reason ? html`<p>${f.colon(f.reason, doc.reason)}</p>` : ""}
  <table>
    <thead><tr><th>${f.description}</th><th class="n">${f.qty}</th><th class="n">${f.unit_price}</th><th class="n">${f.vat}</th><th class="n">${f.line_total}</th></tr></thead>
    <tbody>${doc.lines.map((line) => html`<tr><td>${line.description}</td><td class="n">${f.quantity(line.quantity_milli)}</td><td class="n">${f.money(line.unit_amount)}</td><td class="n">${f.rate(line.tax_rate_bp)}</td><td class="n">${f.money(line.amount_subtotal)}</td></tr>`)}</tbody>
  </table>
  <div class="sums">
    <table>
      <thead><tr><th>${f.vat_rate}</th><th class="n">${f.taxable}</th><th class="n">${f.vat_amount}</th></tr></thead>
      <tbody>${doc.tax_breakdown.map((row) => html`<tr><td>${f.rate(row.tax_rate_bp)}</td><td class="n">${f.money(row.taxable_amount)}</td><td class="n">${f.money(row.tax_amount)}</td></tr>`)}</tbody>
    </table>
    <table><tbody>${totalRows(doc, f).map((row) => html`<tr class="${row.strong ? "strong" : ""}"><td>${row.label}</td><td class="n">${row.value}</td></tr>`)}</tbody></table>
  </div>
  ${doc.credit_notes.length > 0
    ? html`<h2>${f.credit_notes}</h2><ul>${doc.credit_notes.map((note) => {
      const text = f.credit_note_line(note.number, f.day(note.issue_date), f.money(note.total));
      const href = links.creditNotes.get(note.number);
      return html`<li>${href ? html`<a href="${href}">${text}</a>` : text}</li>`;
    })}</ul>`
    : ""}
  ${transferBlock(doc, f)}
  ${doc.payment_terms || doc.notes.length > 0 ? html`<h2>${f.terms}</h2>${doc.payment_terms ? html`<p class="small">${doc.payment_terms}</p>` : ""}${shownNotes(doc).map((note) => html`<p class="small">${note.text}</p>`)}` : ""}
  <h2>${f.mentions}</h2>
  ${mentions(doc, f).map((text) => html`<p class="small">${text}</p>`)}
  ${doc.memo ? html`<h2>${f.memo}</h2><p>${doc.memo}</p>` : ""}
</body></html>`;
}

function transferBlock(doc: InvoiceDocument, f: DocumentFormat) {
  const payment = doc.payment;
  if (payment === null || doc.kind !== "invoice" || doc.status === "void" || doc.totals.due <= 0) return "";
  return html`<section class="transfer"><div><h2>${f.transfer}</h2><dl>
    <dt>${f.holder}</dt><dd>${payment.account_name}</dd><dt>IBAN</dt><dd>${groupBy4(payment.iban)}</dd>
    ${payment.bic ? html`<dt>BIC</dt><dd>${payment.bic}</dd>` : ""}<dt>${f.reference}</dt><dd>${payment.remittance}</dd><dt>${f.due}</dt><dd>${f.money(doc.totals.due)}</dd></dl></div>
    ${payment.epc_payload ? html`<figure>${raw(qrSvg(payment.epc_payload))}<figcaption class="small">${f.scan}</figcaption></figure>` : ""}</section>`;
}
