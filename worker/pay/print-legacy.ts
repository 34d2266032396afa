/**
 * The printable invoice and credit note of a merchant or customer whose details are not complete
 * enough for an e-invoice (facturx/load.ts refuses them: no SIREN, no address…): French only, from
 * the stored rows. Every complete document renders from its InvoiceDocument instead (print-format.ts).
 */
import { html, raw } from "hono/html";
import { breakdownByTaxRate, toDecimalString } from "../../shared/money";
import { amountDue } from "../../shared/status";
import type { CreditNoteRow } from "../credit-notes/queries";
import type { InvoiceRow, LineRow } from "../invoices/queries";
import type { Settings } from "../../shared/schemas/settings";
import type { CurrencyCode } from "../../shared/currencies";
import type { CustomerRow } from "../customers/queries";

/** `2026-11-24` or an ISO timestamp → `24/11/2026`, the way French invoices write dates. */
export function formatDay(value: string | null): string {
  if (!value) return "—";
  const [year, month, day] = value.slice(0, 10).split("-");
  return `${day}/${month}/${year}`;
}

/** Minor units → `1234,56 EUR`. */
export const moneyIn = (currency: CurrencyCode) => (amount: number) => `${toDecimalString(amount, currency).replace(".", ",")} ${currency.toUpperCase()}`;

/** Basis points → `5,5 %`. */
export const rateText = (bp: number) => `${(bp / 100).toString().replace(".", ",")} %`;

/** The page's style, shared by the invoice and the credit note. */
export const PRINT_STYLE = html`<style>
  body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; } th, td { border-bottom: 1px solid #ccc; padding: .35rem; text-align: left; }
  td.n, th.n { text-align: right; } .parties { display: flex; justify-content: space-between; gap: 2rem; } .small { font-size: .85rem; color: #333; }
  @media print { body { margin: 0; } }
</style>`;

function addressOf(value: string | null | undefined): string {
  if (!value) return "";
  const parsed = JSON.parse(value) as { line1: string; line2?: string; postal_code: string; city: string; country: string };
  return [parsed.line1, parsed.line2, `${parsed.postal_code} ${parsed.city}`, parsed.country].filter(Boolean).join(", ");
}

/** Seller and buyer with the mentions French law asks for (INVOICE-FR.md). */
export function partiesBlock(seller: Settings["seller"], customer: CustomerRow | null) {
  return html`<div class="parties">
    <section><h2>Vendeur</h2>
      <p><strong>${seller.legal_name ?? ""}</strong>${seller.legal_form ? `, ${seller.legal_form}` : ""}${seller.share_capital ? ` au capital de ${seller.share_capital}` : ""}<br>
      ${seller.address ? `${seller.address.line1}, ${seller.address.postal_code} ${seller.address.city}, ${seller.address.country}` : ""}<br>
      ${seller.siren ? `SIREN ${seller.siren}` : ""}${seller.siret ? ` · SIRET ${seller.siret}` : ""}${seller.rcs ? ` · ${seller.rcs}` : ""}<br>
      ${seller.vat_number ? `N° TVA intracommunautaire : ${seller.vat_number}` : ""}</p></section>
    <section><h2>Client</h2>
      <p><strong>${customer?.name ?? ""}</strong><br>${addressOf(customer?.address)}<br>
      ${customer?.siren ? `SIREN ${customer.siren}` : ""}${customer?.vat_number ? ` · N° TVA ${customer.vat_number}` : ""}</p></section>
  </div>`;
}

/** The legacy printable invoice (see the file's comment). */
export function legacyInvoicePage(input: {
  invoice: InvoiceRow; customer: CustomerRow | null; lines: readonly LineRow[]; seller: Settings["seller"]; notes: readonly CreditNoteRow[]; token: string;
}) {
  const { invoice, customer, lines, seller, notes, token } = input;
  const money = moneyIn(invoice.currency);
  const terms = JSON.parse(invoice.terms) as { late_fee_policy?: string; early_payment_discount?: string; customer_type?: string };
  const breakdown = breakdownByTaxRate(lines.map((line) => ({ taxRateBp: line.tax_rate, subtotal: line.amount_subtotal, tax: line.amount_tax })));
  return html`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Facture ${invoice.number}</title>
${PRINT_STYLE}</head>
<body>
  <h1>Facture ${invoice.number}</h1>
  <p>Date d'émission : ${formatDay(invoice.issued_at)} · Date d'échéance : ${formatDay(invoice.due_date)}</p>
  ${partiesBlock(seller, customer)}
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
</body></html>`;
}
