/**
 * `qc-customers`: the customer list — name, email, what each owes and how much of it is overdue,
 * per currency (the ageing report over the page's customers), their unapplied credit — with search
 * (`?q=` in the address bar), cursor paging, and for the owner a "new customer" form.
 * Refreshes in place (debounced) on live events.
 * @example
 * document.body.append(document.createElement("qc-customers"));
 */
import { css, html, LitElement, nothing } from "lit";
import type { Customer } from "../../../shared/schemas/customers";
import { api, ApiError } from "../api";
import { register, t } from "../i18n";
import { announce, LiveRefresh } from "../live";
import { link, navigate, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/qc-pager";
import { focusForm } from "../components/qc-customer-form";
import { amounts, balancesOf, type Balance } from "../components/customers-balances";

interface List { data: Customer[]; has_more: boolean; next: string | null }

register({
  fr: { "customers.title": "Clients", "customers.search": "Rechercher un client", "customers.q": "Nom ou e-mail contient", "customers.apply": "Rechercher", "customers.reset": "Tout afficher", "customers.new": "Nouveau client", "customers.new_title": "Nouveau client", "customers.name": "Client", "customers.email": "E-mail", "customers.outstanding": "Encours", "customers.overdue": "Dont en retard", "customers.credit": "Avoir disponible", "customers.empty": "Aucun client ne correspond.", "customers.first": "Première page", "customers.created": "Client {name} créé.", "customers.open": "Voir sa fiche", "customers.updated": "Liste mise à jour", "customers.no_balance": "Les soldes ne sont pas disponibles pour l'instant : {reason}" },
  en: { "customers.title": "Customers", "customers.search": "Search customers", "customers.q": "Name or email contains", "customers.apply": "Search", "customers.reset": "Show all", "customers.new": "New customer", "customers.new_title": "New customer", "customers.name": "Customer", "customers.email": "Email", "customers.outstanding": "Outstanding", "customers.overdue": "Of which overdue", "customers.credit": "Credit available", "customers.empty": "No customer matches.", "customers.first": "First page", "customers.created": "Customer {name} created.", "customers.open": "Open their page", "customers.updated": "List updated", "customers.no_balance": "Balances are not available right now: {reason}" },
});

export class QcCustomers extends LitElement {
  static override styles = [tokens, base, css`
    form.search { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
    form.search label { margin: 0 0 .25rem; }
    .scroll { overflow-x: auto; }
    .new { margin: 1rem 0; }
  `];
  query = new URLSearchParams();
  private list: List | null = null;
  private balances = new Map<string, Balance[]>();
  private error = "";
  private created: Customer | null = null;
  private formOpen = false;
  private readonly refresh = new LiveRefresh(this, (event) => /^(customer|invoice|payment|credit_note)\./.test(event.type), () => this.load(true));

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("customers.title"));
    void this.load(false);
  }

  private async load(announceIt: boolean): Promise<void> {
    const query: Record<string, string> = { limit: "20" };
    for (const key of ["q", "starting_after"]) { const value = this.query.get(key); if (value) query[key] = value; }
    this.error = "";
    try {
      this.list = await api<List>("/v1/customers", { query });
    } catch (caught) {
      this.error = caught instanceof ApiError ? `${caught.problem.detail ?? caught.problem.title}${caught.problem.param ? ` (${caught.problem.param})` : ""}` : String(caught);
      this.list = { data: [], has_more: false, next: null };
    }
    try {
      this.balances = await balancesOf(this.list.data.map((c) => c.id));
    } catch (caught) {
      this.error = t("customers.no_balance", { reason: caught instanceof ApiError ? (caught.problem.detail ?? caught.problem.title) : String(caught) });
    }
    this.requestUpdate();
    if (announceIt) announce(t("customers.updated"));
  }

  private go(next: URLSearchParams): void {
    this.query = next;
    const search = next.toString();
    navigate(`/console/customers${search ? `?${search}` : ""}`, { replace: true });
  }

  private search(event: SubmitEvent): void {
    event.preventDefault();
    const q = String(new FormData(event.target as HTMLFormElement).get("q") ?? "").trim();
    this.go(new URLSearchParams(q ? { q } : {}));
  }

  private async saved(customer: Customer): Promise<void> {
    this.formOpen = false;
    this.created = customer;
    announce(t("customers.created", { name: customer.name }));
    await this.load(false);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("[data-created] a")?.focus();
  }

  private row(customer: Customer): unknown {
    const balances = this.balances.get(customer.id);
    return html`<tr data-customer=${customer.id}>
      <th scope="row"><a href=${link(`/console/customers/${customer.id}`)}>${customer.name}</a></th>
      <td>${customer.email}</td>
      <td class="num" data-outstanding>${amounts(balances, (b) => b.total)}</td>
      <td class="num" data-overdue>${amounts(balances, (b) => b.overdue)}</td>
      <td class="num" data-credit>${amounts(balances, (b) => b.credit)}</td>
    </tr>`;
  }

  override render(): unknown {
    const rows = this.list?.data ?? [];
    const write = canWrite();
    return html`<h1 tabindex="-1">${t("customers.title")}</h1>
      ${write && !this.formOpen ? html`<p><button class="primary" data-write data-action="new" @click=${async () => { this.formOpen = true; this.created = null; this.requestUpdate(); await this.updateComplete; await focusForm(this.renderRoot); }}>${t("customers.new")}</button></p>` : nothing}
      ${write && this.formOpen ? html`<section class="new card" aria-labelledby="new-title"><h2 id="new-title">${t("customers.new_title")}</h2>
        <qc-customer-form @qc-saved=${(e: CustomEvent<Customer>) => void this.saved(e.detail)} @qc-cancel=${() => { this.formOpen = false; this.requestUpdate(); }}></qc-customer-form></section>` : nothing}
      <div role="status">${this.created ? html`<p data-created=${this.created.id}>${t("customers.created", { name: this.created.name })} <a href=${link(`/console/customers/${this.created.id}`)}>${t("customers.open")}</a></p>` : nothing}</div>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      <form class="search" role="search" aria-label=${t("customers.search")} @submit=${(e: SubmitEvent) => this.search(e)}>
        <div><label for="q">${t("customers.q")}</label><input id="q" name="q" type="search" maxlength="64" .value=${this.query.get("q") ?? ""} /></div>
        <button type="submit" class="secondary">${t("customers.apply")}</button>
        ${this.query.get("q") ? html`<button type="button" @click=${() => this.go(new URLSearchParams())}>${t("customers.reset")}</button>` : nothing}
      </form>
      <div class="scroll" tabindex="0" role="region" aria-label=${t("customers.title")}>
        <table class="table">
          <thead><tr><th scope="col">${t("customers.name")}</th><th scope="col">${t("customers.email")}</th><th scope="col" class="num">${t("customers.outstanding")}</th><th scope="col" class="num">${t("customers.overdue")}</th><th scope="col" class="num">${t("customers.credit")}</th></tr></thead>
          <tbody>${rows.map((customer) => this.row(customer))}</tbody>
        </table>
      </div>
      ${this.list && rows.length === 0 ? html`<p>${t("customers.empty")}</p>` : nothing}
      ${this.query.get("starting_after") ? html`<button class="secondary" @click=${() => { const next = new URLSearchParams(this.query); next.delete("starting_after"); this.go(next); }}>${t("customers.first")}</button>` : nothing}
      <qc-pager .next=${this.list?.next ?? ""} ?hasMore=${this.list?.has_more ?? false} @qc-page=${(e: CustomEvent<{ cursor: string }>) => { const next = new URLSearchParams(this.query); next.set("starting_after", e.detail.cursor); this.go(next); }}></qc-pager>`;
  }
}

if (!customElements.get("qc-customers")) customElements.define("qc-customers", QcCustomers);
