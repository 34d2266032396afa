/**
 * The printable credit note ("facture d'avoir" / credit note): a document of its own, with its own
 * number, that refers to the original invoice's number and date, and carries the mentions an
 * invoice does (INVOICE-FR.md): both parties, the lines, HT and TVA per rate, TTC, and the reason.
 */
import { html } from "hono/html";
import type { Settings } from "../../shared/schemas/settings";
import type { CreditNoteLineRow, CreditNoteRow } from "../credit-notes/queries";
import type { CustomerRow } from "../customers/queries";
import { formatDay, moneyIn, partiesBlock, PRINT_STYLE, rateText } from "./print-legacy";

export function creditNotePage(note: CreditNoteRow, lines: readonly CreditNoteLineRow[], seller: Settings["seller"], customer: CustomerRow | null) {
  const money = moneyIn(note.currency);
  const byRate = new Map<number, { subtotal: number; tax: number }>();
  for (const line of lines) {
    const row = byRate.get(line.tax_rate) ?? { subtotal: 0, tax: 0 };
    byRate.set(line.tax_rate, { subtotal: row.subtotal + line.amount_subtotal, tax: row.tax + line.amount_tax });
  }
  const rates = [...byRate].sort(([a], [b]) => a - b);
  return html`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Facture d'avoir ${note.number}</title>
${PRINT_STYLE}</head>
<body>
  <h1>Facture d'avoir ${note.number} <span class="small" lang="en">(Credit note)</span></h1>
  <p>Date d'émission : ${formatDay(note.issued_on)}</p>
  <p><strong>Avoir sur la facture n° ${note.invoice_number} du ${formatDay(note.invoice_issued_on)}</strong>
    <span class="small" lang="en">(credit note for invoice ${note.invoice_number} of ${note.invoice_issued_on})</span></p>
  ${partiesBlock(seller, customer)}
  <table>
    <thead><tr><th>Désignation</th><th class="n">Quantité</th><th class="n">Prix unitaire HT</th><th class="n">TVA</th><th class="n">Total HT</th></tr></thead>
    <tbody>${lines.map((line) => html`<tr><td>${line.description}</td><td class="n">${(line.quantity_milli / 1000).toString().replace(".", ",")}</td><td class="n">${money(line.unit_amount)}</td><td class="n">${rateText(line.tax_rate)}</td><td class="n">${money(line.amount_subtotal)}</td></tr>`)}</tbody>
  </table>
  <table>
    <thead><tr><th>Taux de TVA</th><th class="n">Base HT</th><th class="n">Montant TVA</th></tr></thead>
    <tbody>${rates.map(([rate, row]) => html`<tr><td>${rateText(rate)}</td><td class="n">${money(row.subtotal)}</td><td class="n">${money(row.tax)}</td></tr>`)}</tbody>
  </table>
  <p class="n">Total HT : ${money(note.subtotal)} · Total TVA : ${money(note.tax)} · <strong>Total TTC de l'avoir : ${money(note.total)}</strong></p>
  <p>Motif : ${note.reason}</p>
  <p class="small">${note.to_credit === 0
    ? `Montant déduit du reste à payer de la facture ${note.invoice_number}.`
    : note.refund_requested ? `Dont ${money(note.to_credit)} remboursés sur le paiement d'origine.` : `Dont ${money(note.to_credit)} portés au crédit du client.`}</p>
  ${rates.every(([rate]) => rate === 0) ? html`<p class="small">TVA non applicable, art. 293 B du CGI.</p>` : ""}
</body></html>`;
}
