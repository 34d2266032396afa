/**
 * `qc-customer-detail`: one customer — details (changed by the owner through `qc-customer-form`),
 * what they owe and how much is overdue per currency (the ageing report), their credit available,
 * their latest invoices and credit notes. Live: refetched (debounced) on events about this customer.
 * @example
 * Object.assign(document.createElement("qc-customer-detail"), { params: { id: "cus_1" } });
 */
import { css, html, LitElement, nothing } from "lit";
import type { z } from "zod";
import type { Customer } from "../../../shared/schemas/customers";
import type { CreditNote } from "../../../shared/schemas/credit-notes";
import type { InvoiceSchema } from "../../../shared/schemas/invoices";
import { api, ApiError } from "../api";
import { date, money, register, t } from "../i18n";
import { announce, LiveRefresh, type QuittanceEvent } from "../live";
import { link, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import { balancesOf, type Balance } from "../components/customers-balances";
import { focusForm } from "../components/qc-customer-form";
import "../components/qc-status-badge";

type Invoice = z.infer<typeof InvoiceSchema>;
interface Page<T> { data: T[]; has_more: boolean }

register({
  fr: { "customer.title": "Client", "customer.details": "Coordonnées", "customer.email": "E-mail", "customer.locale": "Langue", "customer.address": "Adresse", "customer.siren": "SIREN", "customer.siret": "SIRET", "customer.vat_number": "N° TVA", "customer.external_id": "Votre référence", "customer.edit": "Modifier le client", "customer.saved": "Client enregistré", "customer.balances": "Soldes", "customer.currency": "Devise", "customer.outstanding": "Encours", "customer.overdue": "Dont en retard", "customer.credit": "Avoir disponible", "customer.nothing_owed": "Rien à payer.", "customer.invoices": "Factures", "customer.all_invoices": "Toutes ses factures", "customer.number": "Numéro", "customer.status": "Statut", "customer.due": "Échéance", "customer.total": "Total", "customer.amount_due": "Reste dû", "customer.draft": "brouillon", "customer.no_invoice": "Aucune facture.", "customer.credit_notes": "Avoirs", "customer.invoice": "Facture", "customer.issued": "Émis le", "customer.no_credit_note": "Aucun avoir.", "customer.updated": "Fiche client mise à jour", "customer.latest": "Les {n} plus récentes.", "customer.lang_fr": "Français", "customer.lang_en": "Anglais" },
  en: { "customer.title": "Customer", "customer.details": "Details", "customer.email": "Email", "customer.locale": "Language", "customer.address": "Address", "customer.siren": "SIREN", "customer.siret": "SIRET", "customer.vat_number": "VAT number", "customer.external_id": "Your reference", "customer.edit": "Edit the customer", "customer.saved": "Customer saved", "customer.balances": "Balances", "customer.currency": "Currency", "customer.outstanding": "Outstanding", "customer.overdue": "Of which overdue", "customer.credit": "Credit available", "customer.nothing_owed": "Nothing owed.", "customer.invoices": "Invoices", "customer.all_invoices": "All their invoices", "customer.number": "Number", "customer.status": "Status", "customer.due": "Due", "customer.total": "Total", "customer.amount_due": "Amount due", "customer.draft": "draft", "customer.no_invoice": "No invoice.", "customer.credit_notes": "Credit notes", "customer.invoice": "Invoice", "customer.issued": "Issued on", "customer.no_credit_note": "No credit note.", "customer.updated": "Customer page updated", "customer.latest": "The {n} most recent.", "customer.lang_fr": "French", "customer.lang_en": "English" },
});

export class QcCustomerDetail extends LitElement {
  static override styles = [tokens, base, css`
    .scroll { overflow-x: auto; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
    dt { font-weight: 600; color: var(--_m); }
    dd { margin: 0; }
  `];
  params: Record<string, string> = {};
  private customer: Customer | null = null;
  private balances: Balance[] = [];
  private invoices: Page<Invoice> | null = null;
  private creditNotes: Page<CreditNote> | null = null;
  private editing = false;
  private message = "";
  private error = "";
  private readonly refresh = new LiveRefresh(this, (event: QuittanceEvent & { customer?: string | null }) => {
    const mine = event.customer === this.params.id || ((event.customer ?? null) === null && /^(invoice|payment|credit_note)\./.test(event.type));
    return mine && /^(customer|invoice|payment|credit_note)\./.test(event.type);
  }, () => this.load(true));

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("customer.title"));
    void this.load(false);
  }

  private get customerId(): string { return this.params.id ?? ""; }

  private async load(announceIt: boolean): Promise<void> {
    const id = this.customerId;
    try {
      const [customer, invoices, creditNotes] = await Promise.all([
        api<Customer>(`/v1/customers/${encodeURIComponent(id)}`),
        api<Page<Invoice>>("/v1/invoices", { query: { customer: id, limit: 20 } }),
        api<Page<CreditNote>>("/v1/credit_notes", { query: { customer: id, limit: 20 } }),
      ]);
      Object.assign(this, { customer, invoices, creditNotes, error: "" });
      setTitle(`${customer.name} — ${t("customer.title")}`);
      this.balances = (await balancesOf([id])).get(id) ?? [];
    } catch (caught) {
      this.error = caught instanceof ApiError ? (caught.problem.detail ?? caught.problem.title) : String(caught);
    }
    this.requestUpdate();
    if (announceIt) announce(t("customer.updated"));
  }

  private async saved(customer: Customer): Promise<void> {
    this.editing = false;
    this.customer = { ...customer, credit_balances: this.customer?.credit_balances ?? [] };
    this.message = t("customer.saved");
    announce(this.message);
    await this.load(false);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[data-action=edit]")?.focus();
  }

  private details(c: Customer): unknown {
    const address = c.address ? [c.address.line1, c.address.line2, `${c.address.postal_code} ${c.address.city}`, c.address.country].filter(Boolean) : [];
    const rows: [string, unknown][] = [
      ["customer.email", html`<a href=${`mailto:${c.email}`}>${c.email}</a>`],
      ["customer.locale", c.locale === "fr" || c.locale === "en" ? t(`customer.lang_${c.locale}`) : (c.locale ?? "—")],
      ["customer.address", address.length ? address.map((part, i) => html`${i ? html`<br />` : nothing}${part}`) : "—"],
      ["customer.siren", c.siren ?? "—"],
      ["customer.siret", c.siret ?? "—"],
      ["customer.vat_number", c.vat_number ?? "—"],
      ...(c.external_id ? [["customer.external_id", c.external_id] as [string, unknown]] : []),
    ];
    return html`<dl data-details>${rows.map(([key, value]) => html`<dt>${t(key)}</dt><dd data-field=${key.slice(9)}>${value}</dd>`)}</dl>`;
  }

  private balanceTable(): unknown {
    const credit = this.customer?.credit_balances ?? [];
    const currencies = [...new Set([...this.balances.map((b) => b.currency), ...credit.map((c) => c.currency)])].sort();
    if (currencies.length === 0) return html`<p data-balances="none">${t("customer.nothing_owed")}</p>`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${t("customer.balances")}><table class="table" data-balances>
      <thead><tr><th scope="col">${t("customer.currency")}</th><th scope="col" class="num">${t("customer.outstanding")}</th><th scope="col" class="num">${t("customer.overdue")}</th><th scope="col" class="num">${t("customer.credit")}</th></tr></thead>
      <tbody>${currencies.map((currency) => {
        const b = this.balances.find((x) => x.currency === currency);
        const available = credit.find((x) => x.currency === currency)?.amount ?? 0;
        return html`<tr data-currency=${currency}><th scope="row">${currency.toUpperCase()}</th>
          <td class="num" data-outstanding>${money(b?.total ?? 0, currency)}</td><td class="num" data-overdue>${money(b?.overdue ?? 0, currency)}</td><td class="num" data-credit>${money(available, currency)}</td></tr>`;
      })}</tbody></table></div>`;
  }

  private invoiceTable(): unknown {
    const rows = this.invoices?.data ?? [];
    if (rows.length === 0) return html`<p>${t("customer.no_invoice")}</p>`;
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${t("customer.invoices")}><table class="table">
      <thead><tr><th scope="col">${t("customer.number")}</th><th scope="col">${t("customer.status")}</th><th scope="col">${t("customer.due")}</th><th scope="col" class="num">${t("customer.total")}</th><th scope="col" class="num">${t("customer.amount_due")}</th></tr></thead>
      <tbody>${rows.map((invoice) => html`<tr data-invoice=${invoice.id}>
        <th scope="row"><a href=${link(`/console/invoices/${invoice.id}`)}>${invoice.number ?? `${t("customer.draft")} ${invoice.id.slice(-6)}`}</a></th>
        <td><qc-status-badge status=${invoice.overdue ? "overdue" : invoice.status}></qc-status-badge></td>
        <td>${invoice.due_date ? date(invoice.due_date) : "—"}</td>
        <td class="num">${money(invoice.total, invoice.currency)}</td>
        <td class="num" data-amount-due>${money(invoice.amount_due, invoice.currency)}</td>
      </tr>`)}</tbody></table></div>
      ${this.invoices?.has_more ? html`<p class="muted">${t("customer.latest", { n: rows.length })}</p>` : nothing}
      <p><a href=${link(`/console/invoices?customer=${encodeURIComponent(this.customerId)}`)}>${t("customer.all_invoices")}</a></p>`;
  }

  private creditNoteList(): unknown {
    const rows = this.creditNotes?.data ?? [];
    if (rows.length === 0) return html`<p>${t("customer.no_credit_note")}</p>`;
    return html`<ul data-credit-notes>${rows.map((note) => html`<li data-credit-note=${note.id}>${note.number} · ${t("customer.issued")} ${date(note.issued_on)} · ${money(note.total, note.currency)} ·
      ${t("customer.invoice")} <a href=${link(`/console/invoices/${note.invoice}`)}>${note.invoice_number}</a> · <a href=${`/v1/credit_notes/${encodeURIComponent(note.id)}/pdf`} download>PDF<span class="sr-only"> ${note.number}</span></a></li>`)}</ul>`;
  }

  override render(): unknown {
    const c = this.customer;
    if (!c) return html`<h1 tabindex="-1">${t("customer.title")}</h1>${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}`;
    return html`<h1 tabindex="-1">${c.name}</h1>
      <div role="status">${this.message}</div>${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <h2>${t("customer.balances")}</h2>
      ${this.balanceTable()}
      <h2>${t("customer.details")}</h2>
      ${this.editing && canWrite()
        ? html`<qc-customer-form .customer=${c} @qc-saved=${(e: CustomEvent<Customer>) => void this.saved(e.detail)} @qc-cancel=${() => { this.editing = false; this.requestUpdate(); }}></qc-customer-form>`
        : html`${this.details(c)}${canWrite() ? html`<p><button class="secondary" data-write data-action="edit" @click=${async () => { this.editing = true; this.message = ""; this.requestUpdate(); await this.updateComplete; await focusForm(this.renderRoot); }}>${t("customer.edit")}</button></p>` : nothing}`}
      <h2>${t("customer.invoices")}</h2>
      ${this.invoiceTable()}
      <h2>${t("customer.credit_notes")}</h2>
      ${this.creditNoteList()}`;
  }
}

if (!customElements.get("qc-customer-detail")) customElements.define("qc-customer-detail", QcCustomerDetail);
