/**
 * `qc-customer-form`: a customer's fields (name, email, language, postal address, SIREN, SIRET, VAT
 * number) to create one (`POST /v1/customers`) or change one (`POST /v1/customers/:id`, an emptied
 * optional field sent as null). The API's problem is shown beside the field its `param` names.
 * Fires `qc-saved` (detail: the customer) and `qc-cancel`, bubbling and composed.
 * @example html`<qc-customer-form .customer=${customer} @qc-saved=${(e) => …}></qc-customer-form>`
 */
import { css, html, LitElement, nothing } from "lit";
import type { Customer } from "../../../shared/schemas/customers";
import { api, ApiError } from "../api";
import { register, t } from "../i18n";
import { base, tokens } from "../styles";

register({
  fr: { "cform.name": "Nom ou raison sociale", "cform.email": "E-mail", "cform.locale": "Langue des e-mails", "cform.fr": "Français", "cform.en": "Anglais", "cform.external_id": "Votre référence (facultatif)", "cform.address": "Adresse postale (facultative ; si remplie : ligne 1, code postal, ville et pays)", "cform.line1": "Adresse", "cform.line2": "Complément", "cform.postal_code": "Code postal", "cform.city": "Ville", "cform.country": "Pays (code ISO, ex. FR)", "cform.ids": "Identifiants (entreprises françaises, facultatifs)", "cform.siren": "SIREN (9 chiffres)", "cform.siret": "SIRET (14 chiffres)", "cform.vat_number": "N° de TVA intracommunautaire", "cform.create": "Créer le client", "cform.save": "Enregistrer", "cform.cancel": "Annuler", "cform.required": "Champ obligatoire" },
  en: { "cform.name": "Name or company name", "cform.email": "Email", "cform.locale": "Language of emails", "cform.fr": "French", "cform.en": "English", "cform.external_id": "Your reference (optional)", "cform.address": "Postal address (optional; if filled: line 1, postal code, city and country)", "cform.line1": "Address", "cform.line2": "Address line 2", "cform.postal_code": "Postal code", "cform.city": "City", "cform.country": "Country (ISO code, e.g. FR)", "cform.ids": "Identifiers (French businesses, optional)", "cform.siren": "SIREN (9 digits)", "cform.siret": "SIRET (14 digits)", "cform.vat_number": "EU VAT number", "cform.create": "Create the customer", "cform.save": "Save", "cform.cancel": "Cancel", "cform.required": "Required field" },
});

const ADDRESS = ["line1", "line2", "postal_code", "city", "country"] as const;
const IDS = ["siren", "siret", "vat_number"] as const;

export class QcCustomerForm extends LitElement {
  static override properties = { customer: { attribute: false }, busy: { state: true }, problem: { state: true } };
  static override styles = [tokens, base, css`
    form { display: grid; gap: .25rem 1rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); align-items: start; }
    fieldset { grid-column: 1 / -1; border: 1px solid var(--_l); border-radius: var(--_r); display: grid; gap: .25rem 1rem; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); margin: .5rem 0; }
    legend { font-weight: 600; padding: 0 .25rem; }
    input, select { width: 100%; box-sizing: border-box; }
    .field-error { margin: .25rem 0 0; font-size: .9rem; }
    .buttons { grid-column: 1 / -1; display: flex; gap: .5rem; margin-top: .75rem; }
  `];
  /** The customer to change; none to create one. */
  customer: Customer | null = null;
  busy = false;
  problem: { param: string; detail: string } | null = null;

  private field(name: string, label: string, value: string, options: { type?: string; required?: boolean; max?: number; autocomplete?: string } = {}): unknown {
    const id = `cf-${name.replace(".", "-")}`;
    const error = this.problem?.param === name ? this.problem.detail : "";
    return html`<div>
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${options.type ?? "text"} .value=${value} ?required=${options.required ?? false} maxlength=${options.max ?? 200}
        autocomplete=${options.autocomplete ?? "off"} data-write aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? `${id}-error` : nothing} />
      ${error ? html`<p id=${`${id}-error`} class="error field-error" role="alert" data-field-error=${name}>${error}</p>` : nothing}
    </div>`;
  }

  /** The request body: on create only what is filled; on change every field, emptied optional ones as null. */
  private body(form: FormData): Record<string, unknown> {
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const editing = this.customer !== null;
    const body: Record<string, unknown> = { name: text("name"), email: text("email") };
    const locale = text("locale");
    if (locale) body.locale = locale;
    else if (editing) body.locale = null;
    if (!editing && text("external_id")) body.external_id = text("external_id");
    if (ADDRESS.some((part) => text(`address.${part}`))) {
      const address: Record<string, string> = {};
      for (const part of ADDRESS) if (text(`address.${part}`)) address[part] = part === "country" ? text(`address.${part}`).toUpperCase() : text(`address.${part}`);
      body.address = address;
    } else if (editing) body.address = null;
    for (const id of IDS) {
      const value = text(id).replace(/\s+/g, "");
      if (value) body[id] = id === "vat_number" ? value.toUpperCase() : value;
      else if (editing) body[id] = null;
    }
    return body;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // The button stays enabled (a disabled one would drop the keyboard focus): a second press while saving does nothing.
    if (this.busy) return;
    const body = this.body(new FormData(event.target as HTMLFormElement));
    this.busy = true;
    this.problem = null;
    try {
      const path = this.customer ? `/v1/customers/${encodeURIComponent(this.customer.id)}` : "/v1/customers";
      const saved = await api<Customer>(path, { method: "POST", idempotent: true, body });
      this.dispatchEvent(new CustomEvent<Customer>("qc-saved", { detail: saved, bubbles: true, composed: true }));
    } catch (caught) {
      const problem = caught instanceof ApiError ? caught.problem : undefined;
      this.problem = { param: problem?.param ?? "", detail: problem ? (problem.detail ?? problem.title) : String(caught) };
      await this.updateComplete;
      // Focus the field at fault so a keyboard user lands on it.
      this.renderRoot.querySelector<HTMLElement>(`[aria-invalid="true"]`)?.focus();
    } finally {
      this.busy = false;
    }
  }

  override render(): unknown {
    const c = this.customer;
    const known = new Set(["name", "email", "locale", "external_id", ...ADDRESS.map((p) => `address.${p}`), ...IDS]);
    const general = this.problem && !known.has(this.problem.param) ? this.problem : null;
    const locale = c?.locale ?? (c ? "" : "fr");
    const localeError = this.problem?.param === "locale" ? this.problem.detail : "";
    return html`<form novalidate @submit=${(e: SubmitEvent) => void this.submit(e)}>
      ${general ? html`<p class="error" role="alert" style="grid-column: 1 / -1" data-field-error=${general.param}>${general.detail}${general.param ? ` (${general.param})` : ""}</p>` : nothing}
      ${this.field("name", t("cform.name"), c?.name ?? "", { required: true, autocomplete: "organization" })}
      ${this.field("email", t("cform.email"), c?.email ?? "", { type: "email", required: true, max: 254, autocomplete: "email" })}
      <div>
        <label for="cf-locale">${t("cform.locale")}</label>
        <select id="cf-locale" name="locale" data-write aria-invalid=${localeError ? "true" : "false"}>
          ${c ? html`<option value="" ?selected=${locale === ""}>—</option>` : nothing}
          <option value="fr" ?selected=${locale === "fr"}>${t("cform.fr")}</option>
          <option value="en" ?selected=${locale === "en"}>${t("cform.en")}</option>
          ${locale && locale !== "fr" && locale !== "en" ? html`<option value=${locale} selected>${locale}</option>` : nothing}
        </select>
        ${localeError ? html`<p class="error field-error" role="alert" data-field-error="locale">${localeError}</p>` : nothing}
      </div>
      ${c ? nothing : this.field("external_id", t("cform.external_id"), "", { max: 100 })}
      <fieldset><legend>${t("cform.address")}</legend>
        ${this.field("address.line1", t("cform.line1"), c?.address?.line1 ?? "", { autocomplete: "address-line1" })}
        ${this.field("address.line2", t("cform.line2"), c?.address?.line2 ?? "", { autocomplete: "address-line2" })}
        ${this.field("address.postal_code", t("cform.postal_code"), c?.address?.postal_code ?? "", { max: 20, autocomplete: "postal-code" })}
        ${this.field("address.city", t("cform.city"), c?.address?.city ?? "", { max: 100, autocomplete: "address-level2" })}
        ${this.field("address.country", t("cform.country"), c?.address?.country ?? "", { max: 2, autocomplete: "country" })}
      </fieldset>
      <fieldset><legend>${t("cform.ids")}</legend>
        ${this.field("siren", t("cform.siren"), c?.siren ?? "", { max: 11 })}
        ${this.field("siret", t("cform.siret"), c?.siret ?? "", { max: 17 })}
        ${this.field("vat_number", t("cform.vat_number"), c?.vat_number ?? "", { max: 20 })}
      </fieldset>
      <div class="buttons">
        <button type="submit" class="primary" data-write>${c ? t("cform.save") : t("cform.create")}</button>
        <button type="button" data-write @click=${() => this.dispatchEvent(new CustomEvent("qc-cancel", { bubbles: true, composed: true }))}>${t("cform.cancel")}</button>
      </div>
    </form>`;
  }
}

/** Puts the focus on the first field of the form inside `root`, once it has rendered. @example await focusForm(this.renderRoot) */
export async function focusForm(root: ParentNode): Promise<void> {
  const form = root.querySelector("qc-customer-form");
  await form?.updateComplete;
  form?.shadowRoot?.querySelector<HTMLElement>("#cf-name")?.focus();
}

if (!customElements.get("qc-customer-form")) customElements.define("qc-customer-form", QcCustomerForm);

declare global {
  interface HTMLElementTagNameMap { "qc-customer-form": QcCustomerForm }
}
