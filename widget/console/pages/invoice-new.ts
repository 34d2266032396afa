/**
 * `qc-invoice-new`: writes a new invoice — customer (searched as you type; `?customer=cus_…`
 * pre-selects one), currency, payment terms, notes and lines — as a draft on the server as soon as
 * it is complete, kept up to date as it changes (debounced, POST /v1/invoices/:id replaces the
 * lines), so the subtotal, VAT and total shown are the server's own. Then saved as a draft or
 * issued, and on to the invoice's page. The accountant's read-only session gets a notice, no form.
 * @example
 * Object.assign(document.createElement("qc-invoice-new"), { query: new URLSearchParams("customer=cus_1") });
 */
import { css, html, LitElement, nothing } from "lit";
import { repeat } from "lit/directives/repeat.js";
import type { Invoice } from "../../../shared/schemas/invoices";
import { CURRENCIES, currencyExponent, isCurrency } from "../../../shared/currencies";
import { decimalToMinor } from "../../../shared/minor-units";
import { api, ApiError } from "../api";
import { lang, money, register, t } from "../i18n";
import { announce } from "../live";
import { link, navigate, setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import "../components/qc-customer-picker";
import type { PickedCustomer } from "../components/qc-customer-picker";

register({
  fr: { "new.title": "Nouvelle facture", "new.readonly": "Lecture seule : créer une facture demande la clé complète du marchand.", "new.back": "Retour aux factures", "new.customer": "Client", "new.currency": "Devise", "new.terms": "Conditions de paiement", "new.terms_default": "Celles des réglages ({days} j)", "new.terms_days": "{days} jours après l'émission", "new.terms_now": "À réception", "new.terms_date": "Date d'échéance précise", "new.due_date": "Date d'échéance", "new.issue_date": "La date d'émission est celle du jour où la facture est émise.", "new.memo": "Notes (imprimées sur la facture)", "new.lines": "Lignes", "new.line": "Ligne {n}", "new.description": "Désignation", "new.quantity": "Quantité", "new.unit": "Prix unitaire HT", "new.vat": "TVA", "new.line_total": "Total TTC de la ligne (serveur) : {amount}", "new.add": "Ajouter une ligne", "new.remove": "Supprimer la ligne {n}", "new.totals": "Totaux calculés par le serveur", "new.subtotal": "Total HT", "new.tax": "TVA", "new.tax_rate": "TVA {rate} % sur {base}", "new.total": "Total TTC", "new.incomplete": "Choisissez un client et remplissez chaque ligne : le brouillon s'enregistre et les totaux s'affichent.", "new.pending": "Calcul en cours…", "new.saved": "Brouillon enregistré, totaux à jour : {total} TTC.", "new.failed": "Le brouillon n'a pas pu être enregistré : corrigez le champ signalé.", "new.save": "Enregistrer le brouillon", "new.issue": "Émettre la facture", "new.required": "Obligatoire.", "new.bad_amount": "Montant invalide : un nombre avec au plus {n} décimale(s).", "new.bad_quantity": "Quantité invalide : un nombre positif, par exemple 2 ou 1,5.", "new.issued": "Facture émise", "new.draft_saved": "Brouillon enregistré" },
  en: { "new.title": "New invoice", "new.readonly": "Read-only: creating an invoice needs the merchant's full key.", "new.back": "Back to invoices", "new.customer": "Customer", "new.currency": "Currency", "new.terms": "Payment terms", "new.terms_default": "From the settings ({days} d)", "new.terms_days": "{days} days after issue", "new.terms_now": "On receipt", "new.terms_date": "A specific due date", "new.due_date": "Due date", "new.issue_date": "The issue date is the day the invoice is issued.", "new.memo": "Notes (printed on the invoice)", "new.lines": "Lines", "new.line": "Line {n}", "new.description": "Description", "new.quantity": "Quantity", "new.unit": "Unit price excl. VAT", "new.vat": "VAT", "new.line_total": "Line total incl. VAT (server): {amount}", "new.add": "Add a line", "new.remove": "Remove line {n}", "new.totals": "Totals computed by the server", "new.subtotal": "Subtotal", "new.tax": "VAT", "new.tax_rate": "VAT {rate} % on {base}", "new.total": "Total incl. VAT", "new.incomplete": "Pick a customer and fill in every line: the draft saves itself and the totals appear.", "new.pending": "Computing…", "new.saved": "Draft saved, totals up to date: {total} incl. VAT.", "new.failed": "The draft could not be saved: fix the field flagged.", "new.save": "Save as draft", "new.issue": "Issue the invoice", "new.required": "Required.", "new.bad_amount": "Invalid amount: a number with at most {n} decimal(s).", "new.bad_quantity": "Invalid quantity: a positive number, e.g. 2 or 1.5.", "new.issued": "Invoice issued", "new.draft_saved": "Draft saved" },
});

/** The French VAT rates a line offers, in basis points as the API takes them (2000 = 20 %). */
const VAT_RATES = [2000, 1000, 550, 210, 0] as const;
const NET_DAYS = [0, 15, 30, 45, 60] as const;
const SAVE_DELAY_MS = 500;

interface LineDraft { key: number; description: string; quantity: string; unit: string; taxRate: number }
type LineField = "description" | "quantity" | "unit_amount" | "tax_rate";
type State = "incomplete" | "pending" | "saving" | "saved" | "failed";
/** What the form makes of itself: the request body when every field reads, and the fields that do not. */
interface Built { body: Record<string, unknown> | null; errors: Record<string, string> }

const rate = (bp: number): string => (bp / 100).toLocaleString(lang() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 2 });

export class QcInvoiceNew extends LitElement {
  static override styles = [tokens, base, css`
    form { display: grid; gap: 1rem; max-width: 56rem; }
    fieldset { border: 1px solid var(--_l); border-radius: var(--_r); padding: .5rem 1rem 1rem; margin: 0; }
    legend { font-weight: 600; padding: 0 .25rem; }
    .row { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: start; }
    /* Each field spans three shared rows (label, control, error): the controls line up however the labels wrap. */
    .line { display: grid; grid-template-columns: minmax(12rem, 3fr) minmax(5rem, 1fr) minmax(8rem, 1.4fr) minmax(6rem, 1fr) auto; column-gap: .75rem; align-items: start; }
    .line > div { grid-row: 1 / span 3; display: grid; grid-template-rows: subgrid; }
    .line > div > label { align-self: end; }
    .line input, .line select { width: 100%; box-sizing: border-box; }
    .line .remove { grid-row: 2; }
    .line .server { grid-row: 4; grid-column: 1 / -1; margin: .5rem 0 0; }
    @media (max-width: 40rem) {
      .line { grid-template-columns: 1fr 1fr; row-gap: .25rem; }
      .line > div { grid-row: auto; display: block; }
      .line .description { grid-column: 1 / -1; }
      .line .remove, .line .server { grid-row: auto; }
    }
    textarea { width: 100%; box-sizing: border-box; min-height: 4rem; }
    .field-error { margin: .25rem 0 0; }
    dl.totals { display: grid; grid-template-columns: max-content max-content; gap: .25rem 1.5rem; margin: .5rem 0 0; }
    dl.totals dt { font-weight: 600; }
    dl.totals dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
    dl.totals .grand { font-size: 1.15rem; }
    .actions { display: flex; flex-wrap: wrap; gap: .75rem; }
    .card h2 { margin-top: 0; }
  `];
  query = new URLSearchParams();
  private customer: PickedCustomer | null = null;
  private currency = "eur";
  private terms = "";
  private dueDate = "";
  private memo = "";
  private lines: LineDraft[] = [];
  private nextKey = 0;
  private defaultNetDays: number | null = null;
  private draft: Invoice | null = null;
  /** The form of the last successful save (as an update body): a save of the same form again is skipped. */
  private savedJson = "";
  private state: State = "incomplete";
  /** Blank required fields are flagged only once a save or an issue was asked for. */
  private submitted = false;
  private localErrors: Record<string, string> = {};
  private serverErrors: Record<string, string> = {};
  private generalError = "";
  private busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<boolean> = Promise.resolve(true);

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("new.title"));
    if (this.lines.length === 0) this.lines = [this.newLine()];
    if (canWrite()) void this.preload();
  }
  override disconnectedCallback(): void {
    clearTimeout(this.timer);
    super.disconnectedCallback();
  }

  private newLine(): LineDraft {
    return { key: this.nextKey++, description: "", quantity: "1", unit: "", taxRate: 2000 };
  }

  private async preload(): Promise<void> {
    const id = this.query.get("customer");
    const [settings, customer] = await Promise.all([
      api<{ default_terms: { net_days: number } }>("/v1/settings").catch(() => null),
      id ? api<PickedCustomer>(`/v1/customers/${encodeURIComponent(id)}`).catch(() => null) : Promise.resolve(null),
    ]);
    this.defaultNetDays = settings?.default_terms.net_days ?? null;
    if (customer && !this.customer) this.customer = { id: customer.id, name: customer.name, email: customer.email };
    this.requestUpdate();
  }

  private exponent(): number {
    return isCurrency(this.currency) ? currencyExponent(this.currency) : 2;
  }

  /** The form as a request body (create, or update with nulls for what was cleared), or the fields that do not read. */
  private build(forUpdate: boolean): Built {
    const errors: Record<string, string> = {};
    const required = (param: string) => { if (this.submitted) errors[param] = t("new.required"); };
    if (!this.customer) required("customer");
    const lines = this.lines.map((line, index) => {
      const at = `lines[${index}]`;
      if (!line.description.trim()) required(`${at}.description`);
      const quantityText = line.quantity.trim().replace(",", ".");
      let quantity: number | null = null;
      if (!quantityText) required(`${at}.quantity`);
      else if (/^\d+(\.\d+)?$/.test(quantityText)) quantity = Number(quantityText);
      else errors[`${at}.quantity`] = t("new.bad_quantity");
      // A leading minus makes a discount line; decimalToMinor reads the digits without floats.
      const unitText = line.unit.trim();
      const negative = unitText.startsWith("-");
      const minor = unitText ? decimalToMinor(negative ? unitText.slice(1) : unitText, this.exponent()) : null;
      if (!unitText) required(`${at}.unit_amount`);
      else if (minor === null) errors[`${at}.unit_amount`] = t("new.bad_amount", { n: this.exponent() });
      return { description: line.description.trim(), quantity, unit_amount: minor === null ? null : negative ? -minor : minor, tax_rate: line.taxRate };
    });
    const dueDateMissing = this.terms === "date" && !this.dueDate;
    if (dueDateMissing) required("due_date");
    const complete = this.customer !== null && !dueDateMissing && lines.every((line) => line.description && line.quantity !== null && line.unit_amount !== null);
    if (!complete || Object.keys(errors).length > 0) return { body: null, errors };
    const terms = this.terms === "date" || this.terms === "" ? {} : { net_days: Number(this.terms) };
    const body: Record<string, unknown> = { customer: this.customer!.id, currency: this.currency, lines, ...terms };
    if (this.terms === "date" && this.dueDate) body.due_date = this.dueDate;
    if (this.memo.trim()) body.memo = this.memo.trim();
    if (forUpdate) {
      body.due_date ??= null;
      body.net_days ??= null;
      body.memo ??= null;
    }
    return { body, errors };
  }

  /** Something changed: save it after a pause in typing. */
  private changed(param?: string): void {
    if (param) delete this.serverErrors[param];
    const built = this.build(false);
    this.localErrors = built.errors;
    this.state = built.body ? "pending" : "incomplete";
    this.requestUpdate();
    clearTimeout(this.timer);
    if (this.state === "pending") this.timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  /** Saves now, after any save in flight (one at a time, so one draft only); true when the server has the form as it is. */
  private flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.chain = this.chain.then(() => this.save(), () => this.save());
    return this.chain;
  }

  private async save(): Promise<boolean> {
    const built = this.build(this.draft !== null);
    this.localErrors = built.errors;
    if (!built.body) { this.state = "incomplete"; this.requestUpdate(); return false; }
    // Compared as update bodies, so the update right after the create is skipped too.
    const json = JSON.stringify(this.build(true).body);
    if (this.draft && json === this.savedJson) { this.state = "saved"; this.requestUpdate(); return true; }
    this.state = "saving";
    this.requestUpdate();
    try {
      this.draft = this.draft
        ? await api<Invoice>(`/v1/invoices/${encodeURIComponent(this.draft.id)}`, { method: "POST", idempotent: true, body: built.body })
        : await api<Invoice>("/v1/invoices", { method: "POST", idempotent: true, body: built.body });
      this.savedJson = json;
      this.serverErrors = {};
      this.generalError = "";
      // Edits made while the request ran are saved by the next pass.
      this.state = JSON.stringify(this.build(true).body) === json ? "saved" : "pending";
      if (this.state === "pending") this.timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
      this.requestUpdate();
      return this.state === "saved";
    } catch (caught) {
      this.fail(caught);
      this.state = "failed";
      this.requestUpdate();
      return false;
    }
  }

  /** Puts a refused request's problem next to the field its `param` names, else at the top. */
  private fail(caught: unknown): void {
    if (!(caught instanceof ApiError)) { this.generalError = String(caught); return; }
    const { param, detail, title } = caught.problem;
    const text = detail ?? title;
    const known = param && (param === "customer" || param === "currency" || param === "net_days" || param === "due_date" || param === "memo" || /^lines\[\d+\]\.(description|quantity|unit_amount|tax_rate)$/.test(param));
    if (known) { this.serverErrors = { [param]: text }; this.generalError = ""; } else this.generalError = param ? `${text} (${param})` : text;
  }

  private error(param: string): string {
    return this.serverErrors[param] ?? this.localErrors[param] ?? "";
  }

  /** Sends focus to the first field at fault (or the general message). */
  private async focusFirstError(): Promise<void> {
    await this.updateComplete;
    const target = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"], qc-customer-picker[error]:not([error=""])');
    if (target) target.focus();
    else this.renderRoot.querySelector<HTMLElement>("[data-general-error]")?.focus();
  }

  private async finish(issue: boolean): Promise<void> {
    if (this.busy) return;
    this.submitted = true;
    this.busy = true;
    this.requestUpdate();
    try {
      let saved = await this.flush();
      // Typing while the request ran leaves the form ahead of the server: save again before going on.
      for (let attempt = 0; !saved && this.state === "pending" && attempt < 3; attempt += 1) saved = await this.flush();
      if (!saved || !this.draft) { await this.focusFirstError(); return; }
      const id = this.draft.id;
      if (issue) {
        try {
          await api<Invoice>(`/v1/invoices/${encodeURIComponent(id)}/issue`, { method: "POST", idempotent: true, body: {} });
        } catch (caught) {
          this.fail(caught);
          this.requestUpdate();
          await this.focusFirstError();
          return;
        }
      }
      announce(t(issue ? "new.issued" : "new.draft_saved"));
      navigate(`/console/invoices/${id}`);
    } finally {
      this.busy = false;
      this.requestUpdate();
    }
  }

  private setLine(index: number, field: keyof Omit<LineDraft, "key">, value: string, param: LineField): void {
    const line = this.lines[index]!;
    if (field === "taxRate") line.taxRate = Number(value);
    else line[field] = value;
    this.changed(`lines[${index}].${param}`);
  }

  private async addLine(): Promise<void> {
    const line = this.newLine();
    this.lines = [...this.lines, line];
    this.changed();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#l${line.key}-description`)?.focus();
  }

  private async removeLine(index: number): Promise<void> {
    this.lines = this.lines.filter((_, i) => i !== index);
    // Index-named server errors no longer point at the same lines.
    this.serverErrors = {};
    this.changed();
    await this.updateComplete;
    const focus = this.lines[Math.max(0, index - 1)];
    this.renderRoot.querySelector<HTMLInputElement>(focus ? `#l${focus.key}-description` : "[data-add-line]")?.focus();
  }

  /** One labelled control with its error (role=alert) described by it. */
  private fieldError(id: string, param: string): unknown {
    const text = this.error(param);
    return text ? html`<p id="${id}-error" class="error field-error" role="alert" data-error-for=${param}>${text}</p>` : nothing;
  }

  private invalid(param: string): "true" | typeof nothing {
    return this.error(param) ? "true" : nothing;
  }

  private described(id: string, param: string): string | typeof nothing {
    return this.error(param) ? `${id}-error` : nothing;
  }

  private lineRow(line: LineDraft, index: number): unknown {
    const id = `l${line.key}`;
    const at = `lines[${index}]`;
    const server = this.state === "saved" ? this.draft?.lines[index] : undefined;
    const input = (field: "description" | "quantity" | "unit", param: LineField, attrs: { inputmode?: string; maxlength?: number }) => html`<input id="${id}-${field}" data-write
      inputmode=${attrs.inputmode ?? nothing} maxlength=${attrs.maxlength ?? nothing} autocomplete="off"
      aria-invalid=${this.invalid(`${at}.${param}`)} aria-describedby=${this.described(`${id}-${field}`, `${at}.${param}`)}
      .value=${line[field]} @input=${(e: Event) => this.setLine(index, field, (e.target as HTMLInputElement).value, param)} />`;
    return html`<fieldset class="line" data-line=${index}>
      <legend>${t("new.line", { n: index + 1 })}</legend>
      <div class="description"><label for="${id}-description">${t("new.description")}</label>${input("description", "description", { maxlength: 500 })}${this.fieldError(`${id}-description`, `${at}.description`)}</div>
      <div><label for="${id}-quantity">${t("new.quantity")}</label>${input("quantity", "quantity", { inputmode: "decimal" })}${this.fieldError(`${id}-quantity`, `${at}.quantity`)}</div>
      <div><label for="${id}-unit">${t("new.unit")} (${this.currency.toUpperCase()})</label>${input("unit", "unit_amount", { inputmode: "decimal" })}${this.fieldError(`${id}-unit`, `${at}.unit_amount`)}</div>
      <div><label for="${id}-vat">${t("new.vat")}</label>
        <select id="${id}-vat" data-write aria-invalid=${this.invalid(`${at}.tax_rate`)} aria-describedby=${this.described(`${id}-vat`, `${at}.tax_rate`)}
          @change=${(e: Event) => this.setLine(index, "taxRate", (e.target as HTMLSelectElement).value, "tax_rate")}>
          ${VAT_RATES.map((bp) => html`<option value=${bp} ?selected=${bp === line.taxRate}>${rate(bp)} %</option>`)}
        </select>${this.fieldError(`${id}-vat`, `${at}.tax_rate`)}</div>
      ${this.lines.length > 1 ? html`<button type="button" class="remove danger" data-write aria-label=${t("new.remove", { n: index + 1 })} @click=${() => void this.removeLine(index)}>✕</button>` : nothing}
      ${server ? html`<p class="server muted" data-line-total>${t("new.line_total", { amount: money(server.amount_total, this.draft!.currency) })}</p>` : nothing}
    </fieldset>`;
  }

  private totals(): unknown {
    const draft = this.draft;
    const fresh = this.state === "saved" && draft;
    const status = { incomplete: t("new.incomplete"), pending: t("new.pending"), saving: t("new.pending"), saved: draft ? t("new.saved", { total: money(draft.total, draft.currency) }) : "", failed: t("new.failed") }[this.state];
    return html`<section aria-labelledby="totals-title" class="card" data-state=${this.state}>
      <h2 id="totals-title">${t("new.totals")}</h2>
      <p role="status" data-totals-status>${status}</p>
      ${draft ? html`<dl class="totals ${fresh ? "" : "muted"}">
        <dt>${t("new.subtotal")}</dt><dd data-subtotal>${money(draft.subtotal, draft.currency)}</dd>
        ${draft.tax_breakdown.map((row) => html`<dt class="muted">${t("new.tax_rate", { rate: rate(row.tax_rate), base: money(row.taxable_amount, draft.currency) })}</dt><dd class="muted">${money(row.tax_amount, draft.currency)}</dd>`)}
        <dt>${t("new.tax")}</dt><dd data-tax>${money(draft.tax, draft.currency)}</dd>
        <dt class="grand">${t("new.total")}</dt><dd class="grand" data-total>${money(draft.total, draft.currency)}</dd>
      </dl>` : nothing}
    </section>`;
  }

  private form(): unknown {
    const days = this.defaultNetDays;
    // No submit button: Enter in a field must not leave the page half-written.
    return html`<form novalidate @submit=${(e: SubmitEvent) => e.preventDefault()}>
      ${this.generalError ? html`<p class="error" role="alert" tabindex="-1" data-general-error>${this.generalError}</p>` : nothing}
      <qc-customer-picker label=${t("new.customer")} .value=${this.customer} error=${this.error("customer")}
        @qc-customer-change=${(e: CustomEvent<PickedCustomer | null>) => { this.customer = e.detail; this.changed("customer"); }}></qc-customer-picker>
      <div class="row">
        <div><label for="currency">${t("new.currency")}</label>
          <select id="currency" data-write aria-invalid=${this.invalid("currency")} aria-describedby=${this.described("currency", "currency")}
            @change=${(e: Event) => { this.currency = (e.target as HTMLSelectElement).value; this.changed("currency"); }}>
            ${CURRENCIES.map((code) => html`<option value=${code} ?selected=${code === this.currency}>${code.toUpperCase()}</option>`)}
          </select>${this.fieldError("currency", "currency")}</div>
        <div><label for="terms">${t("new.terms")}</label>
          <select id="terms" data-write aria-invalid=${this.invalid("net_days")} aria-describedby=${this.described("terms", "net_days")}
            @change=${(e: Event) => { this.terms = (e.target as HTMLSelectElement).value; this.changed("net_days"); }}>
            <option value="" ?selected=${this.terms === ""}>${t("new.terms_default", { days: days ?? "—" })}</option>
            ${NET_DAYS.map((n) => html`<option value=${n} ?selected=${this.terms === String(n)}>${n === 0 ? t("new.terms_now") : t("new.terms_days", { days: n })}</option>`)}
            <option value="date" ?selected=${this.terms === "date"}>${t("new.terms_date")}</option>
          </select>${this.fieldError("terms", "net_days")}</div>
        ${this.terms === "date" ? html`<div><label for="due_date">${t("new.due_date")}</label>
          <input id="due_date" type="date" data-write aria-invalid=${this.invalid("due_date")} aria-describedby=${this.described("due_date", "due_date")}
            .value=${this.dueDate} @change=${(e: Event) => { this.dueDate = (e.target as HTMLInputElement).value; this.changed("due_date"); }} />${this.fieldError("due_date", "due_date")}</div>` : nothing}
      </div>
      <p class="muted">${t("new.issue_date")}</p>
      <h2>${t("new.lines")}</h2>
      ${repeat(this.lines, (line) => line.key, (line, index) => this.lineRow(line, index))}
      <p><button type="button" class="secondary" data-write data-add-line @click=${() => void this.addLine()}>${t("new.add")}</button></p>
      <div><label for="memo">${t("new.memo")}</label>
        <textarea id="memo" data-write maxlength="2000" aria-invalid=${this.invalid("memo")} aria-describedby=${this.described("memo", "memo")}
          .value=${this.memo} @input=${(e: Event) => { this.memo = (e.target as HTMLTextAreaElement).value; this.changed("memo"); }}></textarea>${this.fieldError("memo", "memo")}</div>
      ${this.totals()}
      <div class="actions">
        <button type="button" class="secondary" data-write ?disabled=${this.busy} @click=${() => void this.finish(false)}>${t("new.save")}</button>
        <button type="button" class="primary" data-write ?disabled=${this.busy} @click=${() => void this.finish(true)}>${t("new.issue")}</button>
      </div>
    </form>`;
  }

  override render(): unknown {
    return html`<h1 tabindex="-1">${t("new.title")}</h1>
      ${canWrite() ? this.form() : html`<p data-readonly>${t("new.readonly")}</p>`}
      <p><a href=${link("/console/invoices")}>${t("new.back")}</a></p>`;
  }
}

if (!customElements.get("qc-invoice-new")) customElements.define("qc-invoice-new", QcInvoiceNew);
