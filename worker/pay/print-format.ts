/** Pieces the printable invoice and credit note share: French dates, amounts and rates, and the two parties. */
import { html } from "hono/html";
import { toDecimalString } from "../../shared/money";
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
