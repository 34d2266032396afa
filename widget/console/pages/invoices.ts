/**
 * `qc-invoices`: the invoice list with filters (overdue, status, customer, due dates, search) kept in
 * the address bar, cursor paging, and the bulk actions: remind the selected, and record one bank
 * transfer across them. Refreshes in place (debounced) on live events.
 * @example
 * document.body.append(document.createElement("qc-invoices"));
 */
import { css, html, LitElement, nothing } from "lit";
import type { z } from "zod";
import type { InvoiceSchema } from "../../../shared/schemas/invoices";
import { INVOICE_STATUSES } from "../../../shared/status";
import { api, ApiError } from "../api";
import { date, money, register, t } from "../i18n";
import { announce, LiveRefresh, type QuittanceEvent } from "../live";
import { link, navigate, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/qc-pager";
import "../components/qc-status-badge";
import "../components/qc-batch-transfer";

type Invoice = z.infer<typeof InvoiceSchema>;
interface List { data: Invoice[]; has_more: boolean; next: string | null }

register({
  fr: { "invoices.title": "Factures", "invoices.filters": "Filtres", "invoices.q": "Recherche (numéro ou client)", "invoices.status": "Statut", "invoices.any": "Tous", "invoices.overdue": "En retard seulement", "invoices.due_after": "Échéance après le", "invoices.due_before": "Échéance avant le", "invoices.apply": "Filtrer", "invoices.reset": "Effacer les filtres", "invoices.new": "Nouvelle facture", "invoices.select": "Choisir {number}", "invoices.select_all": "Tout choisir sur la page", "invoices.number": "Numéro", "invoices.customer": "Client", "invoices.due": "Échéance", "invoices.late": "{days} j de retard", "invoices.total": "Total", "invoices.amount_due": "Reste dû", "invoices.selected": "{n} choisie(s)", "invoices.remind": "Relancer la sélection", "invoices.transfer": "Enregistrer un virement", "invoices.reminded": "{number} : relance envoyée", "invoices.refused": "{number} : {reason}", "invoices.empty": "Aucune facture ne correspond.", "invoices.first": "Première page", "invoices.saved": "Virement enregistré sur {n} facture(s)", "invoices.updated": "Liste mise à jour", "invoices.draft": "brouillon" },
  en: { "invoices.title": "Invoices", "invoices.filters": "Filters", "invoices.q": "Search (number or customer)", "invoices.status": "Status", "invoices.any": "Any", "invoices.overdue": "Overdue only", "invoices.due_after": "Due after", "invoices.due_before": "Due before", "invoices.apply": "Filter", "invoices.reset": "Clear filters", "invoices.new": "New invoice", "invoices.select": "Select {number}", "invoices.select_all": "Select all on this page", "invoices.number": "Number", "invoices.customer": "Customer", "invoices.due": "Due", "invoices.late": "{days} d late", "invoices.total": "Total", "invoices.amount_due": "Amount due", "invoices.selected": "{n} selected", "invoices.remind": "Remind the selected", "invoices.transfer": "Record a bank transfer", "invoices.reminded": "{number}: reminder sent", "invoices.refused": "{number}: {reason}", "invoices.empty": "No invoice matches.", "invoices.first": "First page", "invoices.saved": "Transfer recorded on {n} invoice(s)", "invoices.updated": "List updated", "invoices.draft": "draft" },
});

const FILTERS = ["q", "status", "overdue", "customer", "due_after", "due_before"] as const;

export class QcInvoices extends LitElement {
  static override styles = [tokens, base, css`
    form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
    form.filters label { margin: 0; }
    .scroll { overflow-x: auto; }
    .bar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .75rem 0; }
    .check { display: flex; gap: .4rem; align-items: center; font-weight: 400; }
  `];
  query = new URLSearchParams();
  private list: List | null = null;
  private names = new Map<string, string>();
  private selected = new Map<string, Invoice>();
  private results: string[] = [];
  private transferOpen = false;
  // The event's figures go on its row at once; the reload that follows brings the rest.
  private readonly refresh = new LiveRefresh(this, (event) => /^(invoice|payment|credit_note|reminder)\./.test(event.type), () => this.load(true), (event) => this.patch(event));

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("invoices.title"));
    void this.load(false);
  }

  /** Shows an invoice event's snapshot on its row at once (the reload that follows brings the rest). */
  private patch(event: QuittanceEvent): void {
    const snapshot = event.data as Partial<Pick<Invoice, "status" | "amount_due" | "amount_paid" | "version">> | null;
    const row = this.list?.data.find((invoice) => invoice.id === event.invoice);
    if (!row || !snapshot || typeof snapshot.version !== "number" || snapshot.version <= row.version) return;
    Object.assign(row, { status: snapshot.status ?? row.status, amount_due: snapshot.amount_due ?? row.amount_due, amount_paid: snapshot.amount_paid ?? row.amount_paid, version: snapshot.version });
    if (row.status === "paid" || row.status === "void") Object.assign(row, { overdue: false });
    this.requestUpdate();
  }

  private async load(announceIt: boolean): Promise<void> {
    const query: Record<string, string> = { limit: "20" };
    for (const key of [...FILTERS, "starting_after"]) { const value = this.query.get(key); if (value) query[key] = value; }
    try {
      this.list = await api<List>("/v1/invoices", { query });
    } catch (caught) {
      this.results = [caught instanceof ApiError ? `${caught.problem.title}${caught.problem.param ? ` (${caught.problem.param})` : ""}` : String(caught)];
      this.list = { data: [], has_more: false, next: null };
    }
    // Fresh figures for what stays selected (amounts due change as clients pay).
    for (const invoice of this.list.data) if (this.selected.has(invoice.id)) this.selected.set(invoice.id, invoice);
    const missing = [...new Set(this.list.data.map((invoice) => invoice.customer))].filter((id) => !this.names.has(id));
    await Promise.all(missing.map(async (id) => {
      try { this.names.set(id, (await api<{ name: string }>(`/v1/customers/${encodeURIComponent(id)}`)).name); } catch { this.names.set(id, id); }
    }));
    this.requestUpdate();
    if (announceIt) announce(t("invoices.updated"));
  }

  private applyFilters(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const next = new URLSearchParams();
    for (const key of FILTERS) { const value = String(form.get(key) ?? "").trim(); if (value) next.set(key, value); }
    this.go(next);
  }

  private go(next: URLSearchParams): void {
    this.query = next;
    const search = next.toString();
    navigate(`/console/invoices${search ? `?${search}` : ""}`, { replace: true });
  }

  private toggle(invoice: Invoice, on: boolean): void {
    if (on) this.selected.set(invoice.id, invoice);
    else this.selected.delete(invoice.id);
    this.requestUpdate();
  }

  private async remindSelected(): Promise<void> {
    const chosen = [...this.selected.values()];
    this.results = [];
    for (const invoice of chosen) {
      const number = invoice.number ?? invoice.id;
      try {
        await api(`/v1/invoices/${encodeURIComponent(invoice.id)}/remind`, { method: "POST", idempotent: true, body: {} });
        this.results.push(t("invoices.reminded", { number }));
      } catch (caught) {
        this.results.push(t("invoices.refused", { number, reason: caught instanceof ApiError ? (caught.problem.detail ?? caught.problem.title) : String(caught) }));
      }
      this.requestUpdate();
    }
    announce(this.results.join(". "));
  }

  private transferSaved(): void {
    const n = this.selected.size;
    this.selected.clear();
    this.transferOpen = false;
    this.results = [t("invoices.saved", { n })];
    announce(this.results[0]!);
    void this.load(false);
  }

  private filtersForm(): unknown {
    const q = this.query;
    return html`<form class="filters" role="search" aria-label=${t("invoices.filters")} @submit=${(e: SubmitEvent) => this.applyFilters(e)}>
      <div><label for="q">${t("invoices.q")}</label><input id="q" name="q" type="search" maxlength="64" .value=${q.get("q") ?? ""} /></div>
      <div><label for="status">${t("invoices.status")}</label><select id="status" name="status">
        <option value="">${t("invoices.any")}</option>
        ${INVOICE_STATUSES.map((s) => html`<option value=${s} ?selected=${q.get("status") === s}>${t(`status.${s}`)}</option>`)}
      </select></div>
      <div><label for="due_after">${t("invoices.due_after")}</label><input id="due_after" name="due_after" type="date" .value=${q.get("due_after") ?? ""} /></div>
      <div><label for="due_before">${t("invoices.due_before")}</label><input id="due_before" name="due_before" type="date" .value=${q.get("due_before") ?? ""} /></div>
      ${q.get("customer") ? html`<input type="hidden" name="customer" .value=${q.get("customer") ?? ""} />` : nothing}
      <label class="check"><input type="checkbox" name="overdue" value="true" ?checked=${q.get("overdue") === "true"} />${t("invoices.overdue")}</label>
      <button type="submit" class="primary">${t("invoices.apply")}</button>
      <button type="button" @click=${() => this.go(new URLSearchParams())}>${t("invoices.reset")}</button>
    </form>`;
  }

  private row(invoice: Invoice): unknown {
    const number = invoice.number ?? `${t("invoices.draft")} ${invoice.id.slice(-6)}`;
    return html`<tr data-invoice=${invoice.id}>
      ${canWrite() ? html`<td><input type="checkbox" data-write aria-label=${t("invoices.select", { number })} .checked=${this.selected.has(invoice.id)} @change=${(e: Event) => this.toggle(invoice, (e.target as HTMLInputElement).checked)} /></td>` : nothing}
      <th scope="row"><a href=${link(`/console/invoices/${invoice.id}`)}>${number}</a></th>
      <td>${this.names.get(invoice.customer) ?? ""}</td>
      <td><qc-status-badge status=${invoice.overdue ? "overdue" : invoice.status}></qc-status-badge></td>
      <td>${invoice.due_date ? date(invoice.due_date) : "—"}${invoice.overdue ? html`<br /><span class="muted">${t("invoices.late", { days: invoice.days_overdue })}</span>` : nothing}</td>
      <td class="num">${money(invoice.total, invoice.currency)}</td>
      <td class="num" data-amount-due>${money(invoice.amount_due, invoice.currency)}</td>
    </tr>`;
  }

  override render(): unknown {
    const rows = this.list?.data ?? [];
    const write = canWrite();
    const payable = [...this.selected.values()].filter((invoice) => invoice.amount_due > 0);
    const q = this.query;
    return html`<h1 tabindex="-1">${t("invoices.title")}</h1>
      ${write ? html`<p><a class="button primary" data-write href=${link(`/console/invoices/new${q.get("customer") ? `?customer=${encodeURIComponent(q.get("customer")!)}` : ""}`)}>${t("invoices.new")}</a></p>` : nothing}
      ${this.filtersForm()}
      ${write ? html`<div class="bar" role="group" aria-label=${t("invoices.selected", { n: this.selected.size })}>
        <span>${t("invoices.selected", { n: this.selected.size })}</span>
        ${this.selected.size > 0 ? html`<button class="secondary" data-write data-bulk="remind" @click=${() => void this.remindSelected()}>${t("invoices.remind")}</button>` : nothing}
        ${payable.length > 0 ? html`<button class="secondary" data-write data-bulk="transfer" @click=${() => { this.transferOpen = true; this.requestUpdate(); }}>${t("invoices.transfer")}</button>` : nothing}
      </div>` : nothing}
      <div role="status" data-results>${this.results.length ? html`<ul>${this.results.map((line) => html`<li>${line}</li>`)}</ul>` : nothing}</div>
      <div class="scroll" tabindex="0" role="region" aria-label=${t("invoices.title")}>
        <table class="table">
          <thead><tr>
            ${write ? html`<td><input type="checkbox" data-write aria-label=${t("invoices.select_all")} @change=${(e: Event) => { const on = (e.target as HTMLInputElement).checked; for (const invoice of rows) this.toggle(invoice, on); }} /></td>` : nothing}
            <th scope="col">${t("invoices.number")}</th><th scope="col">${t("invoices.customer")}</th><th scope="col">${t("invoices.status")}</th><th scope="col">${t("invoices.due")}</th><th scope="col" class="num">${t("invoices.total")}</th><th scope="col" class="num">${t("invoices.amount_due")}</th>
          </tr></thead>
          <tbody>${rows.map((invoice) => this.row(invoice))}</tbody>
        </table>
      </div>
      ${this.list && rows.length === 0 ? html`<p>${t("invoices.empty")}</p>` : nothing}
      ${this.query.get("starting_after") ? html`<button class="secondary" @click=${() => { const next = new URLSearchParams(this.query); next.delete("starting_after"); this.go(next); }}>${t("invoices.first")}</button>` : nothing}
      <qc-pager .next=${this.list?.next ?? ""} ?hasMore=${this.list?.has_more ?? false} @qc-page=${(e: CustomEvent<{ cursor: string }>) => { const next = new URLSearchParams(this.query); next.set("starting_after", e.detail.cursor); this.go(next); }}></qc-pager>
      ${write ? html`<qc-batch-transfer .invoices=${payable} ?open=${this.transferOpen} @qc-close=${() => (this.transferOpen = false)} @qc-saved=${() => this.transferSaved()}></qc-batch-transfer>` : nothing}`;
  }
}

if (!customElements.get("qc-invoices")) customElements.define("qc-invoices", QcInvoices);
