/**
 * One bank transfer recorded across several invoices (a batch payment): one amount, allocations
 * filled in from the oldest due date, editable, checked to balance before POST /v1/payments.
 * Emits `qc-saved` (detail: the payment) and `qc-close`.
 * @example html`<qc-batch-transfer .invoices=${selected} open></qc-batch-transfer>`
 */
import { html, LitElement, nothing } from "lit";
import type { InvoiceSchema } from "../../../shared/schemas/invoices";
import type { z } from "zod";
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { decimalToMinor, minorToDecimal } from "../../../shared/minor-units";
import { api, ApiError } from "../api";
import { money, register, t } from "../i18n";
import { base, tokens } from "../styles";
import "./qc-dialog";

type Invoice = z.infer<typeof InvoiceSchema>;

register({
  fr: { "batch.title": "Enregistrer un virement", "batch.amount": "Montant reçu", "batch.reference": "Référence bancaire", "batch.received": "Reçu le", "batch.allocations": "Répartition", "batch.invoice": "Facture", "batch.due": "Reste dû", "batch.allocate": "Affecté à {number}", "batch.left": "Reste à répartir : {amount}", "batch.over": "Répartition supérieure au montant de {amount}", "batch.balanced": "Équilibré", "batch.save": "Enregistrer le virement", "batch.cancel": "Annuler", "batch.currency": "Les factures choisies doivent être dans une même devise.", "batch.bad_amount": "Montant invalide pour {currency}", "batch.unbalanced": "La répartition doit égaler le montant reçu." },
  en: { "batch.title": "Record a bank transfer", "batch.amount": "Amount received", "batch.reference": "Bank reference", "batch.received": "Received on", "batch.allocations": "Allocation", "batch.invoice": "Invoice", "batch.due": "Amount due", "batch.allocate": "Allocated to {number}", "batch.left": "Left to allocate: {amount}", "batch.over": "Allocated {amount} more than received", "batch.balanced": "Balanced", "batch.save": "Save the transfer", "batch.cancel": "Cancel", "batch.currency": "The chosen invoices must share one currency.", "batch.bad_amount": "Not an amount in {currency}", "batch.unbalanced": "The allocation must equal the amount received." },
});

export class QcBatchTransfer extends LitElement {
  static override properties = { invoices: { attribute: false }, open: { type: Boolean } };
  static override styles = [tokens, base];
  invoices: Invoice[] = [];
  open = false;
  private amount = "";
  private reference = "";
  private received = new Date().toISOString().slice(0, 10);
  private parts = new Map<string, string>();
  private error = "";
  private saving = false;

  private get currency(): string { return this.invoices[0]?.currency ?? "eur"; }
  private get exponent(): number { const c = this.currency.toLowerCase(); return isCurrency(c) ? currencyExponent(c) : 2; }
  private get sorted(): Invoice[] { return [...this.invoices].sort((a, b) => (a.due_date ?? "9999").localeCompare(b.due_date ?? "9999") || a.id.localeCompare(b.id)); }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("invoices") || (changed.has("open") && this.open)) {
      const total = this.invoices.reduce((sum, invoice) => sum + invoice.amount_due, 0);
      this.amount = minorToDecimal(total, this.exponent);
      this.fill();
      this.error = "";
    }
  }

  /** Allocations from the oldest due date until the amount runs out. */
  private fill(): void {
    let left = decimalToMinor(this.amount, this.exponent) ?? 0;
    this.parts = new Map(this.sorted.map((invoice) => {
      const part = Math.min(left, invoice.amount_due);
      left -= part;
      return [invoice.id, minorToDecimal(part, this.exponent)];
    }));
  }

  private balance(): { amount: number | null; allocated: number | null } {
    const amount = decimalToMinor(this.amount, this.exponent);
    let allocated: number | null = 0;
    for (const text of this.parts.values()) {
      const part = decimalToMinor(text, this.exponent);
      allocated = part === null || allocated === null ? null : allocated + part;
    }
    return { amount, allocated };
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { amount, allocated } = this.balance();
    if (amount === null || amount === 0) { this.error = t("batch.bad_amount", { currency: this.currency.toUpperCase() }); this.requestUpdate(); return; }
    if (allocated !== amount) { this.error = t("batch.unbalanced"); this.requestUpdate(); return; }
    const allocations = this.sorted.map((invoice) => ({ invoice: invoice.id, amount: decimalToMinor(this.parts.get(invoice.id) ?? "0", this.exponent) ?? 0 })).filter((a) => a.amount > 0);
    this.saving = true;
    this.requestUpdate();
    try {
      const payment = await api("/v1/payments", { method: "POST", idempotent: true, body: { method: "bank_transfer", amount, currency: this.currency, reference: this.reference.trim() || undefined, received_on: this.received || undefined, allocations } });
      this.open = false;
      this.dispatchEvent(new CustomEvent("qc-saved", { detail: payment, bubbles: true, composed: true }));
    } catch (caught) {
      this.error = caught instanceof ApiError ? `${caught.problem.title}${caught.problem.detail ? ` — ${caught.problem.detail}` : ""}` : String(caught);
    } finally {
      this.saving = false;
      this.requestUpdate();
    }
  }

  override render(): unknown {
    const mixed = new Set(this.invoices.map((invoice) => invoice.currency)).size > 1;
    const { amount, allocated } = this.balance();
    const diff = amount !== null && allocated !== null ? amount - allocated : null;
    const status = diff === null ? "" : diff === 0 ? t("batch.balanced") : diff > 0 ? t("batch.left", { amount: money(diff, this.currency) }) : t("batch.over", { amount: money(-diff, this.currency) });
    return html`<qc-dialog label=${t("batch.title")} ?open=${this.open} @qc-close=${() => { this.open = false; this.dispatchEvent(new CustomEvent("qc-close")); }}>
      <h2>${t("batch.title")}</h2>
      ${mixed ? html`<p role="alert" class="error">${t("batch.currency")}</p><button @click=${() => { this.open = false; }}>${t("batch.cancel")}</button>` : html`
      <form @submit=${(e: SubmitEvent) => void this.save(e)} novalidate>
        <label for="amount">${t("batch.amount")} (${this.currency.toUpperCase()})</label>
        <input id="amount" name="amount" inputmode="decimal" autocomplete="off" .value=${this.amount} @input=${(e: Event) => { this.amount = (e.target as HTMLInputElement).value; this.fill(); this.requestUpdate(); }} />
        <label for="reference">${t("batch.reference")}</label>
        <input id="reference" name="reference" maxlength="200" .value=${this.reference} @input=${(e: Event) => (this.reference = (e.target as HTMLInputElement).value)} />
        <label for="received">${t("batch.received")}</label>
        <input id="received" name="received" type="date" .value=${this.received} @input=${(e: Event) => (this.received = (e.target as HTMLInputElement).value)} />
        <table class="table"><caption>${t("batch.allocations")}</caption>
          <thead><tr><th scope="col">${t("batch.invoice")}</th><th scope="col" class="num">${t("batch.due")}</th><th scope="col" class="num">${t("batch.allocations")}</th></tr></thead>
          <tbody>${this.sorted.map((invoice) => html`<tr>
            <th scope="row">${invoice.number ?? invoice.id}</th>
            <td class="num">${money(invoice.amount_due, invoice.currency)}</td>
            <td class="num"><input data-allocation=${invoice.id} aria-label=${t("batch.allocate", { number: invoice.number ?? invoice.id })} inputmode="decimal" size="10" .value=${this.parts.get(invoice.id) ?? ""} @input=${(e: Event) => { this.parts.set(invoice.id, (e.target as HTMLInputElement).value); this.requestUpdate(); }} /></td>
          </tr>`)}</tbody>
        </table>
        <p role="status" data-balance>${status}</p>
        ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
        <button type="submit" class="primary" data-write ?disabled=${this.saving}>${t("batch.save")}</button>
        <button type="button" @click=${() => { this.open = false; this.dispatchEvent(new CustomEvent("qc-close")); }}>${t("batch.cancel")}</button>
      </form>`}
    </qc-dialog>`;
  }
}
if (!customElements.get("qc-batch-transfer")) customElements.define("qc-batch-transfer", QcBatchTransfer);
