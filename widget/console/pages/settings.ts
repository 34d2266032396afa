/**
 * `qc-settings`: the merchant's settings, one section per form, each saved on its own (a partial
 * `PUT /v1/settings` with only that section's top-level fields): payment methods, terms and late
 * fees, numbering, bank account, allowed origins, seller identity; the provider accounts as the API
 * shows them (configured or not, never a secret); and the webhook endpoints (qc-settings-webhooks).
 * A field the server refuses shows the problem's detail under it (by its `param`).
 * @example
 * document.body.append(document.createElement("qc-settings"));
 */
import { css, html, LitElement, nothing, type TemplateResult } from "lit";
import type { Settings } from "../../../shared/schemas/settings";
import { currencyExponent, isCurrency } from "../../../shared/currencies";
import { decimalToMinor, minorToDecimal } from "../../../shared/minor-units";
import { api } from "../api";
import { register, t } from "../i18n";
import { announce } from "../live";
import { setTitle } from "../router";
import { canWrite } from "../session";
import { base, tokens } from "../styles";
import { area, field, fieldError, fieldId, otherErrors, problemErrors, typedDecimal, type FieldErrors } from "../components/settings-fields";
import "../components/settings-webhooks";

interface Providers {
  stripe: { webhook_url: string; source: "merchant" | "deployment" } | null;
  paypal: { environment: string; webhook_url: string; source: "merchant" | "deployment" } | null;
}
type Section = "methods" | "terms" | "numbering" | "bank" | "origins" | "seller";
type Update = Partial<Record<keyof Settings, unknown>>;

/** The online methods a merchant may offer (shared/schemas/common.ts ONLINE_METHODS, kept here to leave zod out of the console). */
const METHODS = ["card", "stripe_checkout", "paypal", "sandbox"] as const;

/** A field refused before sending (a decimal that is not one). */
class FieldProblem extends Error {
  constructor(readonly param: string, message: string) { super(message); }
}

register({
  fr: { "set.title": "Réglages", "set.save": "Enregistrer", "set.saved": "{section} : enregistré", "set.methods": "Moyens de paiement proposés", "set.m.card": "Carte bancaire", "set.m.stripe_checkout": "Stripe Checkout", "set.m.paypal": "PayPal", "set.m.sandbox": "Bac à sable (tests)", "set.terms": "Conditions et pénalités de retard", "set.net_days": "Délai de paiement (jours)", "set.customer_type": "Clientèle", "set.business": "Professionnels (B2B)", "set.consumer": "Particuliers (B2C)", "set.late_fee_policy": "Mention des pénalités de retard", "set.discount": "Escompte pour paiement anticipé", "set.fee_kind": "Intérêts de retard", "set.kind.fr_b2b_statutory": "Taux légal B2B (BCE + marge)", "set.kind.fixed_rate": "Taux fixe", "set.kind.none": "Aucun", "set.margin": "Marge sur le taux BCE (points de %)", "set.fixed_rate": "Taux fixe annuel (%)", "set.indemnity": "Indemnité forfaitaire de recouvrement ({currency})", "set.consumers": "Appliquer aussi aux particuliers", "set.not_decimal": "Saisissez un nombre (au plus {n} décimales).", "set.numbering": "Numérotation", "set.format": "Format des factures", "set.cn_format": "Format des avoirs", "set.format_hint": "Jetons : {YYYY} {YY} {MM} et une fois {SEQ} ou {SEQ:n}.", "set.bank": "Compte bancaire (virements)", "set.iban": "IBAN", "set.bic": "BIC", "set.account_name": "Titulaire du compte", "set.iban_hint": "Laissez l'IBAN vide pour retirer le compte.", "set.origins": "Origines autorisées", "set.origins_label": "Origines (une par ligne)", "set.origins_hint": "Les sites dont les pages peuvent afficher le widget, par ex. https://boutique.example.com", "set.seller": "Identité du vendeur", "set.legal_name": "Raison sociale", "set.siren": "SIREN", "set.siret": "SIRET", "set.vat": "N° de TVA intracommunautaire", "set.address": "Adresse", "set.line1": "Adresse (ligne 1)", "set.line2": "Adresse (ligne 2)", "set.postal_code": "Code postal", "set.city": "Ville", "set.country": "Pays (code ISO, ex. FR)", "set.providers": "Comptes des prestataires de paiement", "set.configured": "configuré", "set.not_configured": "non configuré", "set.source.merchant": "votre compte", "set.source.deployment": "compte du déploiement", "set.webhook_url": "URL de webhook à déclarer : {url}", "set.environment": "environnement {env}", "set.secrets_note": "Les clés secrètes ne sont jamais affichées ; elles se changent par l'API (PUT /v1/settings/providers)." },
  en: { "set.title": "Settings", "set.save": "Save", "set.saved": "{section}: saved", "set.methods": "Payment methods offered", "set.m.card": "Card", "set.m.stripe_checkout": "Stripe Checkout", "set.m.paypal": "PayPal", "set.m.sandbox": "Sandbox (testing)", "set.terms": "Terms and late fees", "set.net_days": "Payment term (days)", "set.customer_type": "Customers", "set.business": "Businesses (B2B)", "set.consumer": "Consumers (B2C)", "set.late_fee_policy": "Late-payment clause", "set.discount": "Early-payment discount", "set.fee_kind": "Late interest", "set.kind.fr_b2b_statutory": "French B2B statutory (ECB + margin)", "set.kind.fixed_rate": "Fixed rate", "set.kind.none": "None", "set.margin": "Margin over the ECB rate (% points)", "set.fixed_rate": "Fixed annual rate (%)", "set.indemnity": "Fixed recovery indemnity ({currency})", "set.consumers": "Apply to consumers too", "set.not_decimal": "Type a number (at most {n} decimals).", "set.numbering": "Numbering", "set.format": "Invoice format", "set.cn_format": "Credit note format", "set.format_hint": "Tokens: {YYYY} {YY} {MM} and once {SEQ} or {SEQ:n}.", "set.bank": "Bank account (transfers)", "set.iban": "IBAN", "set.bic": "BIC", "set.account_name": "Account holder", "set.iban_hint": "Leave the IBAN empty to remove the account.", "set.origins": "Allowed origins", "set.origins_label": "Origins (one per line)", "set.origins_hint": "Sites whose pages may show the widget, e.g. https://shop.example.com", "set.seller": "Seller identity", "set.legal_name": "Legal name", "set.siren": "SIREN", "set.siret": "SIRET", "set.vat": "VAT number", "set.address": "Address", "set.line1": "Address line 1", "set.line2": "Address line 2", "set.postal_code": "Postal code", "set.city": "City", "set.country": "Country (ISO code, e.g. FR)", "set.providers": "Payment provider accounts", "set.configured": "configured", "set.not_configured": "not configured", "set.source.merchant": "your account", "set.source.deployment": "the deployment's account", "set.webhook_url": "Webhook URL to register: {url}", "set.environment": "{env} environment", "set.secrets_note": "Secret keys are never shown; change them through the API (PUT /v1/settings/providers)." },
});

const text = (form: FormData, name: string): string => String(form.get(name) ?? "").trim();
/** Sets `key` on `target` when `value` is not empty, removes it otherwise (optional string fields). */
function optional<T extends object>(target: T, key: keyof T & string, value: string): void {
  if (value) (target as Record<string, unknown>)[key] = value;
  else delete (target as Record<string, unknown>)[key];
}
/** A typed percentage ("10", "12,5") → basis points. */
function basisPoints(value: string, param: string): number {
  const bp = decimalToMinor(value, 2);
  if (bp === null) throw new FieldProblem(param, t("set.not_decimal", { n: 2 }));
  return bp;
}
const percent = (bp: number | undefined): string => (bp === undefined ? "" : typedDecimal(minorToDecimal(bp, 2).replace(/\.?0+$/, "")));

/** The fields each section renders (their params), to put each refusal under its field. */
const FIELDS: Record<Section, string[]> = {
  methods: ["payment_methods"],
  terms: ["default_terms.net_days", "default_terms.customer_type", "default_terms.late_fee_policy", "default_terms.early_payment_discount", "late_fees.kind", "late_fees.margin_bp", "late_fees.fixed_rate_bp", "late_fees.recovery_indemnity", "late_fees.applies_to_consumers"],
  numbering: ["numbering.format", "numbering.credit_note_format"],
  bank: ["bank_account.iban", "bank_account.bic", "bank_account.account_name"],
  origins: ["allowed_origins"],
  seller: ["seller.legal_name", "seller.siren", "seller.siret", "seller.vat_number", "seller.address.line1", "seller.address.line2", "seller.address.postal_code", "seller.address.city", "seller.address.country"],
};

export class QcSettings extends LitElement {
  static override styles = [tokens, base, css`
    .sections { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; align-items: start; }
    section.card h2 { margin-top: 0; }
    .field input:not([type=checkbox]), .field textarea, .field select { width: 100%; box-sizing: border-box; }
    textarea { min-height: 5rem; }
    .hint { display: block; font-size: .9rem; margin-bottom: .25rem; }
    .check { font-weight: 400; display: flex; gap: .4rem; align-items: center; }
    fieldset { border: 1px solid var(--_l); border-radius: var(--_r); padding: .5rem .75rem; margin: .5rem 0; }
    .foot { display: flex; gap: 1rem; align-items: center; margin-top: .75rem; flex-wrap: wrap; }
    .wide { grid-column: 1 / -1; }
    dl { margin: 0; } dt { font-weight: 600; margin-top: .5rem; } dd { margin: 0; overflow-wrap: anywhere; }
  `];
  private settings: Settings | null = null;
  private providers: Providers | null = null;
  private errors = new Map<Section, FieldErrors>();
  private saved = new Map<Section, string>();
  private loadError = "";

  override connectedCallback(): void {
    super.connectedCallback();
    setTitle(t("set.title"));
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [settings, providers] = await Promise.all([api<Settings>("/v1/settings"), api<Providers>("/v1/settings/providers")]);
      this.settings = settings;
      this.providers = providers;
    } catch (caught) {
      this.loadError = problemErrors(caught, []).get("") ?? "";
    }
    this.requestUpdate();
  }

  /** Saves one section: only its top-level fields are sent, so the others stay as they are. */
  private async save(event: SubmitEvent, section: Section, title: string, build: (form: FormData, current: Settings) => Update): Promise<void> {
    event.preventDefault();
    const current = this.settings;
    if (!current) return;
    this.errors.delete(section);
    this.saved.delete(section);
    try {
      const body = build(new FormData(event.target as HTMLFormElement), structuredClone(current));
      this.settings = await api<Settings>("/v1/settings", { method: "PUT", body });
      this.saved.set(section, t("set.saved", { section: title }));
      announce(t("set.saved", { section: title }));
    } catch (caught) {
      this.errors.set(section, caught instanceof FieldProblem ? new Map([[caught.param, caught.message]]) : problemErrors(caught, FIELDS[section]));
    }
    this.requestUpdate();
    await this.updateComplete;
    // Focus the first refused field, so a keyboard user lands where to fix it.
    this.renderRoot.querySelector<HTMLElement>(`section[data-section=${section}] [aria-invalid=true]`)?.focus();
  }

  private section(section: Section, title: string, body: TemplateResult, build: (form: FormData, current: Settings) => Update, wide = false): TemplateResult {
    const write = canWrite();
    const errors = this.errors.get(section) ?? new Map();
    return html`<section class="card ${wide ? "wide" : ""}" data-section=${section} aria-labelledby="h-${section}">
      <h2 id="h-${section}">${title}</h2>
      <form novalidate @submit=${(e: SubmitEvent) => void this.save(e, section, title, build)}>
        ${body}
        ${otherErrors(errors, FIELDS[section]).map((message) => html`<p class="error" role="alert">${message}</p>`)}
        <div class="foot">
          ${write ? html`<button type="submit" class="primary" data-write>${t("set.save")}</button>` : nothing}
          <span role="status" data-saved>${this.saved.get(section) ?? ""}</span>
        </div>
      </form>
    </section>`;
  }

  private methods(s: Settings, errors: FieldErrors, readonly: boolean): TemplateResult {
    return html`<fieldset><legend class="sr-only">${t("set.methods")}</legend>
      ${METHODS.map((method) => html`<label class="check"><input type="checkbox" name="payment_methods" value=${method} ?disabled=${readonly} .checked=${s.payment_methods.includes(method)} />${t(`set.m.${method}`)}</label>`)}
      ${fieldError("payment_methods", errors)}
    </fieldset>`;
  }

  private terms(s: Settings, errors: FieldErrors, readonly: boolean): TemplateResult {
    const fees = s.late_fees;
    const currency = fees.recovery_indemnity_currency;
    const exponent = isCurrency(currency) ? currencyExponent(currency) : 2;
    const select = (name: string, label: string, value: string, options: [string, string][]) => html`<div class="field">
      <label for=${fieldId(name)}>${label}</label>
      <select id=${fieldId(name)} name=${name} ?disabled=${readonly} aria-invalid=${errors.has(name) ? "true" : "false"} aria-describedby=${errors.has(name) ? `${fieldId(name)}-error` : nothing}>${options.map(([v, l]) => html`<option value=${v} ?selected=${v === value}>${l}</option>`)}</select>
      ${fieldError(name, errors)}</div>`;
    return html`
      ${field("default_terms.net_days", t("set.net_days"), { value: String(s.default_terms.net_days), errors, readonly, type: "number", inputmode: "numeric" })}
      ${select("default_terms.customer_type", t("set.customer_type"), s.default_terms.customer_type ?? "business", [["business", t("set.business")], ["consumer", t("set.consumer")]])}
      ${area("default_terms.late_fee_policy", t("set.late_fee_policy"), { value: s.default_terms.late_fee_policy ?? "", errors, readonly, maxlength: 1000 })}
      ${area("default_terms.early_payment_discount", t("set.discount"), { value: s.default_terms.early_payment_discount ?? "", errors, readonly, maxlength: 500 })}
      ${select("late_fees.kind", t("set.fee_kind"), fees.kind, (["fr_b2b_statutory", "fixed_rate", "none"] as const).map((kind) => [kind, t(`set.kind.${kind}`)]))}
      ${field("late_fees.margin_bp", t("set.margin"), { value: percent(fees.margin_bp), errors, readonly, inputmode: "decimal" })}
      ${field("late_fees.fixed_rate_bp", t("set.fixed_rate"), { value: percent(fees.fixed_rate_bp), errors, readonly, inputmode: "decimal" })}
      ${field("late_fees.recovery_indemnity", t("set.indemnity", { currency: currency.toUpperCase() }), { value: typedDecimal(minorToDecimal(fees.recovery_indemnity, exponent)), errors, readonly, inputmode: "decimal" })}
      <label class="check"><input type="checkbox" name="late_fees.applies_to_consumers" ?disabled=${readonly} .checked=${fees.applies_to_consumers} />${t("set.consumers")}</label>
      ${fieldError("late_fees.applies_to_consumers", errors)}`;
  }

  private buildTerms(form: FormData, s: Settings): Update {
    const netDays = text(form, "default_terms.net_days");
    if (!/^\d{1,3}$/.test(netDays)) throw new FieldProblem("default_terms.net_days", t("set.not_decimal", { n: 0 }));
    const terms = { ...s.default_terms, net_days: Number(netDays), customer_type: text(form, "default_terms.customer_type") as "business" | "consumer" };
    optional(terms, "late_fee_policy", text(form, "default_terms.late_fee_policy"));
    optional(terms, "early_payment_discount", text(form, "default_terms.early_payment_discount"));
    const fees = { ...s.late_fees, kind: text(form, "late_fees.kind") as Settings["late_fees"]["kind"], applies_to_consumers: form.has("late_fees.applies_to_consumers") };
    fees.margin_bp = basisPoints(text(form, "late_fees.margin_bp"), "late_fees.margin_bp");
    const fixed = text(form, "late_fees.fixed_rate_bp");
    if (fixed) fees.fixed_rate_bp = basisPoints(fixed, "late_fees.fixed_rate_bp");
    else delete fees.fixed_rate_bp;
    const currency = fees.recovery_indemnity_currency;
    const exponent = isCurrency(currency) ? currencyExponent(currency) : 2;
    const indemnity = decimalToMinor(text(form, "late_fees.recovery_indemnity"), exponent);
    if (indemnity === null) throw new FieldProblem("late_fees.recovery_indemnity", t("set.not_decimal", { n: exponent }));
    fees.recovery_indemnity = indemnity;
    return { default_terms: terms, late_fees: fees };
  }

  private buildBank(form: FormData): Update {
    const iban = text(form, "bank_account.iban");
    if (!iban) return { bank_account: null };
    const account: Record<string, string> = { iban };
    optional(account, "bic", text(form, "bank_account.bic"));
    optional(account, "account_name", text(form, "bank_account.account_name"));
    return { bank_account: account };
  }

  private buildSeller(form: FormData, s: Settings): Update {
    const seller: Record<string, unknown> = { ...s.seller };
    optional(seller, "legal_name", text(form, "seller.legal_name"));
    optional(seller, "siren", text(form, "seller.siren").replace(/\s+/g, ""));
    optional(seller, "siret", text(form, "seller.siret").replace(/\s+/g, ""));
    optional(seller, "vat_number", text(form, "seller.vat_number").replace(/\s+/g, "").toUpperCase());
    const address: Record<string, string> = {};
    for (const part of ["line1", "line2", "postal_code", "city", "country"]) optional(address, part, text(form, `seller.address.${part}`));
    if (address.country) address.country = address.country.toUpperCase();
    if (Object.keys(address).length) seller.address = address;
    else delete seller.address;
    return { seller };
  }

  private providersCard(): TemplateResult {
    const p = this.providers;
    const row = (name: string, account: { webhook_url: string; source: string; environment?: string } | null) => html`<dt>${name}</dt>
      <dd data-provider=${name.toLowerCase()}>${account ? html`<span class="badge paid">${t("set.configured")}</span> ${t(`set.source.${account.source}`)}${account.environment ? html`, ${t("set.environment", { env: account.environment })}` : nothing}
        <br /><span class="muted">${t("set.webhook_url", { url: account.webhook_url })}</span>` : html`<span class="badge draft">${t("set.not_configured")}</span>`}</dd>`;
    return html`<section class="card" data-section="providers" aria-labelledby="h-providers">
      <h2 id="h-providers">${t("set.providers")}</h2>
      ${p ? html`<dl>${row("Stripe", p.stripe)}${row("PayPal", p.paypal)}</dl>` : nothing}
      <p class="muted">${t("set.secrets_note")}</p>
    </section>`;
  }

  override render(): unknown {
    const s = this.settings;
    const readonly = !canWrite();
    const e = (section: Section): FieldErrors => this.errors.get(section) ?? new Map();
    if (!s) return html`<h1 tabindex="-1">${t("set.title")}</h1>${this.loadError ? html`<p role="alert" class="error">${this.loadError}</p>` : nothing}`;
    const bank = s.bank_account;
    const address = s.seller.address;
    return html`<h1 tabindex="-1">${t("set.title")}</h1>
      <div class="sections">
        ${this.section("methods", t("set.methods"), this.methods(s, e("methods"), readonly), (form) => ({ payment_methods: form.getAll("payment_methods").map(String) }))}
        ${this.section("numbering", t("set.numbering"), html`
          ${field("numbering.format", t("set.format"), { value: s.numbering.format, errors: e("numbering"), readonly, maxlength: 40, hint: t("set.format_hint") })}
          ${field("numbering.credit_note_format", t("set.cn_format"), { value: s.numbering.credit_note_format ?? "", errors: e("numbering"), readonly, maxlength: 40 })}`,
          (form) => { const numbering: Record<string, string> = { format: text(form, "numbering.format") }; optional(numbering, "credit_note_format", text(form, "numbering.credit_note_format")); return { numbering }; })}
        ${this.section("terms", t("set.terms"), this.terms(s, e("terms"), readonly), (form, current) => this.buildTerms(form, current))}
        ${this.section("seller", t("set.seller"), html`
          ${field("seller.legal_name", t("set.legal_name"), { value: s.seller.legal_name ?? "", errors: e("seller"), readonly, maxlength: 200, autocomplete: "organization" })}
          ${field("seller.siren", t("set.siren"), { value: s.seller.siren ?? "", errors: e("seller"), readonly, inputmode: "numeric", maxlength: 11 })}
          ${field("seller.siret", t("set.siret"), { value: s.seller.siret ?? "", errors: e("seller"), readonly, inputmode: "numeric", maxlength: 17 })}
          ${field("seller.vat_number", t("set.vat"), { value: s.seller.vat_number ?? "", errors: e("seller"), readonly, maxlength: 20 })}
          <fieldset><legend>${t("set.address")}</legend>
            ${field("seller.address.line1", t("set.line1"), { value: address?.line1 ?? "", errors: e("seller"), readonly, maxlength: 200, autocomplete: "address-line1" })}
            ${field("seller.address.line2", t("set.line2"), { value: address?.line2 ?? "", errors: e("seller"), readonly, maxlength: 200, autocomplete: "address-line2" })}
            ${field("seller.address.postal_code", t("set.postal_code"), { value: address?.postal_code ?? "", errors: e("seller"), readonly, maxlength: 20, autocomplete: "postal-code" })}
            ${field("seller.address.city", t("set.city"), { value: address?.city ?? "", errors: e("seller"), readonly, maxlength: 100, autocomplete: "address-level2" })}
            ${field("seller.address.country", t("set.country"), { value: address?.country ?? "", errors: e("seller"), readonly, maxlength: 2, autocomplete: "country" })}
          </fieldset>`, (form, current) => this.buildSeller(form, current))}
        ${this.section("bank", t("set.bank"), html`
          ${field("bank_account.iban", t("set.iban"), { value: bank?.iban ?? "", errors: e("bank"), readonly, maxlength: 50, hint: t("set.iban_hint") })}
          ${field("bank_account.bic", t("set.bic"), { value: bank?.bic ?? "", errors: e("bank"), readonly, maxlength: 20 })}
          ${field("bank_account.account_name", t("set.account_name"), { value: bank?.account_name ?? "", errors: e("bank"), readonly, maxlength: 70 })}`,
          (form) => this.buildBank(form))}
        ${this.section("origins", t("set.origins"), area("allowed_origins", t("set.origins_label"), { value: s.allowed_origins.join("\n"), errors: e("origins"), readonly, hint: t("set.origins_hint") }),
          (form) => ({ allowed_origins: text(form, "allowed_origins").split(/\s+/).filter(Boolean) }))}
        ${this.providersCard()}
        <div class="card wide"><qc-settings-webhooks></qc-settings-webhooks></div>
      </div>`;
  }
}

if (!customElements.get("qc-settings")) customElements.define("qc-settings", QcSettings);
