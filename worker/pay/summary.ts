/**
 * What the pay page shows for an invoice that needs no payment (paid, void, uncollectible): the
 * invoice itself, with no widget and so no client session, and, unless it was voided, the
 * reference a bank transfer for it carries (so a client can match it to their bank statement).
 */
import { html } from "hono/html";
import { toDecimalString } from "../../shared/money";
import type { Settings } from "../../shared/schemas/settings";
import { transferInstructions } from "../facturx/payment";
import type { InvoiceRow } from "../invoices/queries";

const STATUS_LABEL: Record<string, { fr: string; en: string }> = {
  paid: { fr: "Payée", en: "Paid" },
  void: { fr: "Annulée", en: "Void" },
  uncollectible: { fr: "Irrécouvrable", en: "Uncollectible" },
};

/** The transfer reference shown for an invoice (its RF reference, else its number), or null: void, unnumbered, or no bank account. */
export function summaryReference(invoice: InvoiceRow, settings: Pick<Settings, "bank_account" | "seller">): string | null {
  if (invoice.status === "void" || invoice.number === null) return null;
  return transferInstructions({ number: invoice.number, currency: invoice.currency, amountDue: 0, settings })?.remittance ?? null;
}

/** The invoice's number, status and amounts, its transfer reference, and a link to its printable version. */
export function invoiceSummary(invoice: InvoiceRow, token: string, lang: "fr" | "en", settings: Pick<Settings, "bank_account" | "seller">) {
  const reference = summaryReference(invoice, settings);
  const money = (amount: number) => {
    const decimal = toDecimalString(amount, invoice.currency);
    return `${lang === "fr" ? decimal.replace(".", ",") : decimal} ${invoice.currency.toUpperCase()}`;
  };
  const label = STATUS_LABEL[invoice.status]?.[lang] ?? invoice.status;
  const fr = lang === "fr";
  return html`<section class="invoice-summary" aria-label="${fr ? "Facture" : "Invoice"} ${invoice.number}">
      <h2>${fr ? "Facture" : "Invoice"} ${invoice.number}</h2>
      <p><strong>${label}</strong></p>
      <p>${fr ? `Total : ${money(invoice.total)} · Réglé : ${money(invoice.amount_paid)}` : `Total: ${money(invoice.total)} · Paid: ${money(invoice.amount_paid)}`}${invoice.amount_credited > 0 ? (fr ? ` · Avoirs : ${money(invoice.amount_credited)}` : ` · Credited: ${money(invoice.amount_credited)}`) : ""}</p>
      ${reference === null ? "" : html`<p>${fr ? "Référence de virement : " : "Bank transfer reference: "}<code>${reference}</code></p>`}
      <p><a href="/pay/${token}/print">${fr ? "Voir la facture imprimable" : "View the printable invoice"}</a></p>
    </section>`;
}
