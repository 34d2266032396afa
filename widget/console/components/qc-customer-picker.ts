/**
 * `qc-customer-picker`: a labelled text input that searches the merchant's customers as you type
 * (GET /v1/customers?q=) and offers them in a listbox, following the ARIA 1.2 combobox pattern
 * (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): ↓/↑ move through the options, Enter picks,
 * Escape closes (then clears). Fires `qc-customer-change` (bubbling, composed) with the customer
 * picked, or null when the text no longer names one. The label and the error live inside, so the
 * input keeps its name and description across the shadow boundary.
 * @example
 * html`<qc-customer-picker label="Client" .value=${customer} error="" @qc-customer-change=${(e) => …}></qc-customer-picker>`
 */
import { css, html, LitElement, nothing } from "lit";
import { api } from "../api";
import { register, t } from "../i18n";
import { base, tokens } from "../styles";

export interface PickedCustomer { id: string; name: string; email: string }

register({
  fr: { "picker.results": "{n} client(s) trouvé(s)", "picker.none": "Aucun client ne correspond.", "picker.help": "Tapez un nom ou un e-mail, puis ↓ et Entrée." },
  en: { "picker.results": "{n} customer(s) found", "picker.none": "No customer matches.", "picker.help": "Type a name or an email, then ↓ and Enter." },
});

export class QcCustomerPicker extends LitElement {
  static override properties = { label: {}, error: {}, value: { attribute: false } };
  static override styles = [tokens, base, css`
    .box { position: relative; max-width: 28rem; }
    input { width: 100%; box-sizing: border-box; }
    ul[role="listbox"] { position: absolute; z-index: 2; left: 0; right: 0; margin: .25rem 0 0; padding: .25rem 0; list-style: none; background: var(--_b); border: 1px solid var(--_l); border-radius: var(--_r); max-height: 16rem; overflow-y: auto; }
    li[role="option"] { padding: .35rem .6rem; cursor: pointer; }
    li[role="option"][aria-selected="true"] { background: var(--_a); color: var(--_at); }
    li[role="option"] small { display: block; }
    li[role="option"][aria-selected="true"] small { color: var(--_at); }
    .hint { margin: .25rem 0 0; font-size: .9rem; }
  `];
  label = "";
  error = "";
  value: PickedCustomer | null = null;
  private text = "";
  private options: PickedCustomer[] = [];
  private open = false;
  private active = -1;
  private said = "";
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("value") && this.value && this.value.name !== this.text) this.text = this.value.name;
  }

  override disconnectedCallback(): void {
    clearTimeout(this.timer);
    this.controller?.abort();
    super.disconnectedCallback();
  }

  /** Focuses the input (the page sends focus here when the customer is at fault). */
  override focus(): void {
    this.renderRoot.querySelector("input")?.focus();
  }

  private search(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetchOptions(), 200);
  }

  private async fetchOptions(): Promise<void> {
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    const q = this.text.trim().slice(0, 64);
    try {
      const list = await api<{ data: PickedCustomer[] }>("/v1/customers", { query: { limit: 8, q }, signal: controller.signal });
      if (controller.signal.aborted) return;
      this.options = list.data.map(({ id, name, email }) => ({ id, name, email }));
      this.open = true;
      this.active = -1;
      this.said = this.options.length ? t("picker.results", { n: this.options.length }) : t("picker.none");
      this.requestUpdate();
    } catch { /* aborted by a newer keystroke, or offline: the list stays as it was */ }
  }

  private pick(customer: PickedCustomer): void {
    this.value = customer;
    this.text = customer.name;
    this.open = false;
    this.active = -1;
    this.said = "";
    this.requestUpdate();
    this.dispatchEvent(new CustomEvent<PickedCustomer | null>("qc-customer-change", { detail: customer, bubbles: true, composed: true }));
  }

  private onInput(event: Event): void {
    this.text = (event.target as HTMLInputElement).value;
    if (this.value && this.value.name !== this.text) {
      this.value = null;
      this.dispatchEvent(new CustomEvent<PickedCustomer | null>("qc-customer-change", { detail: null, bubbles: true, composed: true }));
    }
    this.search();
    this.requestUpdate();
  }

  private onKeydown(event: KeyboardEvent): void {
    const count = this.options.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.open) { void this.fetchOptions(); return; }
      if (count === 0) return;
      this.active = event.key === "ArrowDown" ? (this.active + 1) % count : (this.active - 1 + count) % count;
      this.requestUpdate();
      void this.updateComplete.then(() => this.renderRoot.querySelector(`#customer-option-${this.active}`)?.scrollIntoView({ block: "nearest" }));
    } else if (event.key === "Enter" && this.open && this.active >= 0) {
      event.preventDefault();
      this.pick(this.options[this.active]!);
    } else if (event.key === "Escape") {
      if (this.open) { this.open = false; this.active = -1; } else if (!this.value) this.text = "";
      this.requestUpdate();
    }
  }

  override render(): unknown {
    const expanded = this.open && this.options.length > 0;
    const described = ["customer-help", this.error ? "customer-error" : ""].filter(Boolean).join(" ");
    return html`<div class="box">
      <label for="customer">${this.label}</label>
      <input id="customer" type="text" role="combobox" autocomplete="off" spellcheck="false" data-write
        aria-autocomplete="list" aria-controls="customer-listbox" aria-expanded=${expanded ? "true" : "false"}
        aria-activedescendant=${expanded && this.active >= 0 ? `customer-option-${this.active}` : nothing}
        aria-invalid=${this.error ? "true" : nothing} aria-describedby=${described}
        .value=${this.text} @input=${(e: Event) => this.onInput(e)} @keydown=${(e: KeyboardEvent) => this.onKeydown(e)}
        @blur=${() => { this.open = false; this.active = -1; this.requestUpdate(); }} />
      <ul id="customer-listbox" role="listbox" aria-label=${this.label} ?hidden=${!expanded}>
        ${this.options.map((customer, index) => html`<li id="customer-option-${index}" role="option" aria-selected=${index === this.active ? "true" : "false"} data-customer=${customer.id}
          @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.pick(customer)}>${customer.name}<small class=${index === this.active ? "" : "muted"}>${customer.email}</small></li>`)}
      </ul>
      <p id="customer-help" class="hint muted">${this.value ? this.value.email : t("picker.help")}</p>
      ${this.error ? html`<p id="customer-error" class="error" role="alert">${this.error}</p>` : nothing}
      <div class="sr-only" role="status">${this.said}</div>
    </div>`;
  }
}

if (!customElements.get("qc-customer-picker")) customElements.define("qc-customer-picker", QcCustomerPicker);

declare global {
  interface HTMLElementTagNameMap { "qc-customer-picker": QcCustomerPicker }
  interface HTMLElementEventMap { "qc-customer-change": CustomEvent<PickedCustomer | null> }
}
