/**
 * `qc-statement-allocate`: allocates an unmatched statement line by hand to one open invoice found
 * by number or customer name (`POST /v1/bank_statements/:id/lines/:line/allocate {allocations}`),
 * the amount prefilled with what the line can pay of it; fires `qc-allocated` with the new line.
 * @example html`<qc-statement-allocate .statement=${id} .line=${line} @qc-allocated=${…}></qc-statement-allocate>`
 */
import { css, html, LitElement, nothing } from "lit";
import type { StatementLine } from "../../../shared/schemas/bank-statements";
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { decimalToMinor, minorToDecimal } from "../../../shared/minor-units";
import { api } from "../api";
import { money, register, t } from "../i18n";
import { base, tokens } from "../styles";
import { field, fieldError, fieldId, otherErrors, problemErrors, typedDecimal, type FieldErrors } from "./settings-fields";

interface Candidate { id: string; number: string | null; customer: string; currency: string; amount_due: number; status: string }

register({
  fr: { "alloc.search": "Facture (numéro ou client)", "alloc.find": "Chercher", "alloc.invoice": "Facture à régler", "alloc.none": "Aucune facture ouverte en {currency} ne correspond.", "alloc.amount": "Montant affecté ({currency})", "alloc.submit": "Affecter le virement", "alloc.bad_amount": "Saisissez un montant (au plus {n} décimales).", "alloc.option": "{number} — reste dû {due}" },
  en: { "alloc.search": "Invoice (number or customer)", "alloc.find": "Search", "alloc.invoice": "Invoice to settle", "alloc.none": "No open invoice in {currency} matches.", "alloc.amount": "Amount allocated ({currency})", "alloc.submit": "Allocate the transfer", "alloc.bad_amount": "Type an amount (at most {n} decimals).", "alloc.option": "{number} — {due} due" },
});

export class QcStatementAllocate extends LitElement {
  static override properties = { statement: {}, line: { attribute: false } };
  static override styles = [tokens, base, css`
    form { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
    .field { min-width: 12rem; }
    .field input, select { width: 100%; box-sizing: border-box; }
    p { flex-basis: 100%; margin: .25rem 0; }
  `];
  statement = "";
  line: StatementLine | null = null;
  private candidates: Candidate[] | null = null;
  private chosen = "";
  private errors: FieldErrors = new Map();

  private get exponent(): number {
    const currency = this.line?.currency ?? "eur";
    return isCurrency(currency) ? currencyExponent(currency) : 2;
  }

  private async search(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get("q") ?? "").trim();
    this.errors = new Map();
    try {
      const found = await api<{ data: Candidate[] }>("/v1/invoices", { query: { q: q || undefined, limit: 50 } });
      this.candidates = found.data.filter((invoice) => (invoice.status === "open" || invoice.status === "partially_paid") && invoice.amount_due > 0 && invoice.currency === this.line?.currency);
      this.chosen = this.candidates[0]?.id ?? "";
    } catch (caught) {
      this.errors = problemErrors(caught, ["q"]);
    }
    this.requestUpdate();
  }

  private async allocate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const line = this.line;
    if (!line) return;
    const form = new FormData(event.target as HTMLFormElement);
    const amount = decimalToMinor(String(form.get("allocations[0].amount") ?? ""), this.exponent);
    this.errors = new Map();
    if (amount === null || amount <= 0) {
      this.errors.set("allocations[0].amount", t("alloc.bad_amount", { n: this.exponent }));
      this.requestUpdate();
      return;
    }
    try {
      const updated = await api<StatementLine>(`/v1/bank_statements/${encodeURIComponent(this.statement)}/lines/${line.line}/allocate`, {
        method: "POST", idempotent: true, body: { allocations: [{ invoice: String(form.get("allocations[0].invoice") ?? ""), amount }] },
      });
      this.dispatchEvent(new CustomEvent("qc-allocated", { detail: { line: updated }, bubbles: true, composed: true }));
    } catch (caught) {
      // Amount first: a refusal naming "allocations" (the sum is over the line) is about the amount typed.
      this.errors = problemErrors(caught, ["allocations[0].amount", "allocations[0].invoice"]);
    }
    this.requestUpdate();
  }

  override render(): unknown {
    const line = this.line;
    if (!line) return nothing;
    const currency = line.currency.toUpperCase();
    const chosen = this.candidates?.find((invoice) => invoice.id === this.chosen);
    const prefill = chosen ? typedDecimal(minorToDecimal(Math.min(line.amount, chosen.amount_due), this.exponent)) : "";
    return html`<form role="search" aria-label=${t("alloc.search")} @submit=${(e: SubmitEvent) => void this.search(e)}>
        <div class="field"><label for="q">${t("alloc.search")}</label><input id="q" name="q" type="search" maxlength="64" .value=${line.payer_name ?? ""} /></div>
        <button type="submit" class="secondary" data-write>${t("alloc.find")}</button>
        ${fieldError("q", this.errors)}
      </form>
      ${this.candidates?.length === 0 ? html`<p role="status">${t("alloc.none", { currency })}</p>` : nothing}
      ${this.candidates?.length ? html`<form novalidate @submit=${(e: SubmitEvent) => void this.allocate(e)}>
        <div class="field"><label for=${fieldId("allocations[0].invoice")}>${t("alloc.invoice")}</label>
          <select id=${fieldId("allocations[0].invoice")} name="allocations[0].invoice" aria-invalid=${this.errors.has("allocations[0].invoice") ? "true" : "false"} @change=${(e: Event) => { this.chosen = (e.target as HTMLSelectElement).value; this.requestUpdate(); }}>
            ${this.candidates.map((invoice) => html`<option value=${invoice.id} ?selected=${invoice.id === this.chosen}>${t("alloc.option", { number: invoice.number ?? invoice.id, due: money(invoice.amount_due, invoice.currency) })}</option>`)}
          </select>${fieldError("allocations[0].invoice", this.errors)}</div>
        ${field("allocations[0].amount", t("alloc.amount", { currency }), { value: prefill, errors: this.errors, readonly: false, inputmode: "decimal" })}
        <button type="submit" class="primary" data-write>${t("alloc.submit")}</button>
        ${otherErrors(this.errors, ["q", "allocations[0].invoice", "allocations[0].amount"]).map((message) => html`<p class="error" role="alert">${message}</p>`)}
      </form>` : nothing}`;
  }
}

if (!customElements.get("qc-statement-allocate")) customElements.define("qc-statement-allocate", QcStatementAllocate);

declare global {
  interface HTMLElementTagNameMap { "qc-statement-allocate": QcStatementAllocate }
}
