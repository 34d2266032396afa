/**
 * <quittance-invoices session="cs_…"> — a client's invoices on the merchant's own page: see them,
 * pay one or several, watch them turn paid. Rendering lives in templates.ts; this class holds the
 * state and the flows. It defines nothing by itself (see quittance-invoices.ts).
 */
import { LitElement, type PropertyValues } from "lit";
import { ApiProblem, ClientApi, type ClientConfig, type ClientPayment, type Invoice } from "./api";
import { formatMoney } from "./format";
import { pickLocale, strings, type Locale, type Strings } from "./i18n";
import { mountCard, STRIPE_JS, type MountedCard } from "./providers/stripe";
import { PAYPAL_SDK, renderPayPal } from "./providers/paypal";
import { openClientStream } from "./stream";
import { styles } from "./quittance-invoices.styles";
import { renderWidget } from "./templates";

export type View =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "list" }
  | { kind: "detail"; invoiceId: string }
  | { kind: "method" }
  | { kind: "paying"; payment: ClientPayment; busy: boolean; message: string | null }
  | { kind: "paid"; payment: ClientPayment }
  | { kind: "failed"; message: string; payment: ClientPayment | null };

export interface PaymentEventDetail {
  payment: string;
  invoices: string[];
  amount: number;
  currency: string;
}

/** The script's own origin: the default API base. */
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

export class QuittanceInvoices extends LitElement {
  static override styles = styles;
  static override properties = {
    session: { type: String },
    sessionUrl: { type: String, attribute: "session-url" },
    apiBase: { type: String, attribute: "api-base" },
    lang: { type: String },
    invoice: { type: String },
    stripeJsUrl: { type: String, attribute: "stripe-js-url" },
    paypalSdkUrl: { type: String, attribute: "paypal-sdk-url" },
    view: { state: true },
    invoices: { state: true },
    selected: { state: true },
    method: { state: true },
    starting: { state: true },
    announcement: { state: true },
  };

  declare session: string;
  declare sessionUrl: string | null;
  declare apiBase: string | null;
  declare invoice: string | null;
  declare stripeJsUrl: string;
  declare paypalSdkUrl: string;
  declare view: View;
  declare invoices: Invoice[];
  declare selected: ReadonlySet<string>;
  declare method: string | null;
  /** A payment is being created: Continue is disabled so a double click makes one payment. */
  declare starting: boolean;
  declare announcement: string;

  config: ClientConfig = { payment_methods: [], merchant: { name: "" } };
  private api: ClientApi | null = null;
  private lifetime: AbortController | null = null;
  private card: MountedCard | null = null;
  private providerHost: HTMLElement | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.session = "";
    this.sessionUrl = null;
    this.apiBase = null;
    this.invoice = null;
    this.stripeJsUrl = STRIPE_JS;
    this.paypalSdkUrl = PAYPAL_SDK;
    this.view = { kind: "loading" };
    this.invoices = [];
    this.selected = new Set();
    this.method = null;
    this.starting = false;
    this.announcement = "";
  }

  get locale(): Locale {
    return pickLocale(this.getAttribute("lang"), this.closest("[lang]")?.getAttribute("lang"), document.documentElement.lang, navigator.language);
  }

  get t(): Strings {
    return strings(this.locale);
  }

  money(amount: number, currency: string): string {
    return formatMoney(amount, currency, this.locale);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.lifetime?.abort();
    this.teardownProvider();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("session") && changed.get("session") !== undefined && this.isConnected) void this.start();
    if (changed.has("view")) this.focusView();
  }

  /** Loads everything and opens the live stream; called again when the session changes. */
  async start(): Promise<void> {
    this.lifetime?.abort();
    this.lifetime = new AbortController();
    if (!this.session && !this.sessionUrl) {
      this.view = { kind: "error", message: "missing session" };
      return;
    }
    this.api = new ClientApi((this.apiBase ?? SCRIPT_ORIGIN).replace(/\/$/, ""), this.session, this.sessionUrl);
    if (!this.session && !(await this.api.renew())) {
      this.view = { kind: "error", message: this.t.error };
      return;
    }
    this.view = { kind: "loading" };
    try {
      const signal = this.lifetime.signal;
      const [config, invoices] = await Promise.all([this.api.config(signal), this.api.invoices(signal)]);
      this.config = config;
      this.invoices = this.scoped(invoices);
      this.view = { kind: "list" };
      openClientStream(this.api, (message) => this.onLive(message.event), signal);
    } catch (error) {
      if (this.lifetime.signal.aborted) return;
      this.view = { kind: "error", message: error instanceof Error ? error.message : String(error) };
    }
  }

  private scoped(invoices: Invoice[]): Invoice[] {
    return this.invoice ? invoices.filter((invoice) => invoice.id === this.invoice) : invoices;
  }

  /** A change was pushed: reload the invoices (debounced) and announce what got paid. */
  private onLive(event: string): void {
    if (!event.startsWith("invoice.") && !event.startsWith("payment.")) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 150);
  }

  async refresh(): Promise<void> {
    if (!this.api) return;
    const before = new Map(this.invoices.map((invoice) => [invoice.id, invoice.status]));
    try {
      this.invoices = this.scoped(await this.api.invoices(this.lifetime?.signal));
    } catch {
      return;
    }
    const nowPaid = this.invoices.filter((invoice) => invoice.status === "paid" && before.get(invoice.id) !== "paid" && before.has(invoice.id));
    if (nowPaid.length > 0) this.announce(nowPaid.map((invoice) => this.t.nowPaid(invoice.number ?? "")).join(" "));
    this.selected = new Set([...this.selected].filter((id) => this.payable(this.invoices.find((invoice) => invoice.id === id))));
    // Everything chosen was paid elsewhere while the method picker was open: there is nothing left to pay.
    if (this.view.kind === "method" && this.selected.size === 0) this.view = { kind: "list" };
  }

  announce(text: string): void {
    this.announcement = "";
    requestAnimationFrame(() => (this.announcement = text));
  }

  payable(invoice: Invoice | undefined): invoice is Invoice {
    return invoice !== undefined && (invoice.status === "open" || invoice.status === "partially_paid") && invoice.amount_due > 0;
  }

  get selection(): Invoice[] {
    return this.invoices.filter((invoice) => this.selected.has(invoice.id));
  }

  get selectionTotal(): { amount: number; currency: string } | null {
    const chosen = this.selection;
    if (chosen.length === 0) return null;
    return { amount: chosen.reduce((sum, invoice) => sum + invoice.amount_due, 0), currency: chosen[0]!.currency };
  }

  /** Checking an invoice of another currency starts a new selection: one payment, one currency. */
  toggle(invoice: Invoice, checked: boolean): void {
    const next = new Set(checked && this.selection.some((chosen) => chosen.currency !== invoice.currency) ? [] : this.selected);
    if (checked) next.add(invoice.id);
    else next.delete(invoice.id);
    this.selected = next;
    this.emit("quittance-invoice-selected", { invoice: invoice.id, selected: checked });
  }

  openDetail(invoiceId: string): void {
    this.view = { kind: "detail", invoiceId };
  }

  backToList(): void {
    this.teardownProvider();
    this.view = { kind: "list" };
  }

  chooseMethod(): void {
    // "Try again" after the invoices were paid elsewhere meanwhile: nothing left to pay, back to the list.
    if (this.selection.length === 0) return this.backToList();
    this.method = this.config.payment_methods.length === 1 ? this.config.payment_methods[0]! : this.method;
    this.view = { kind: "method" };
  }

  /** Creates the payment on our server, then hands over to the method's own step. */
  async startPayment(): Promise<void> {
    if (!this.api || !this.method || this.starting) return;
    const method = this.method;
    let payment: ClientPayment | null = null;
    // The client may go back while we wait on the network: this flow must then neither show nor mount anything.
    const left = () => (payment ? !(this.view.kind === "paying" && this.view.payment.id === payment.id) : this.view.kind !== "method");
    this.starting = true;
    try {
      const created = await this.api.pay(this.selection.map((invoice) => invoice.id), method, location.href).finally(() => (this.starting = false));
      if (left()) return;
      payment = created;
      this.view = { kind: "paying", payment: created, busy: false, message: null };
      const action = created.action;
      if (action?.type === "redirect") {
        this.view = { kind: "paying", payment: created, busy: true, message: this.t.redirecting };
        location.assign(action.url);
      } else if (action?.type === "card") {
        await this.updateComplete;
        const card = await mountCard(this.stripeJsUrl, action.publishable_key, action.client_secret, this.ensureProviderHost());
        if (left()) return card.destroy();
        this.card = card;
      } else if (action?.type === "paypal") {
        await this.updateComplete;
        const buttons = await renderPayPal(this.paypalSdkUrl, action.client_id, created.currency, action.order_id, this.ensureProviderHost(), {
          onApprove: async () => this.settle(await this.api!.capture(created.id)),
          onError: (message) => this.fail(message, created),
          onCancel: () => this.backToList(),
        });
        if (left()) void buttons.close();
      }
    } catch (error) {
      if (!left()) this.fail(error instanceof ApiProblem || error instanceof Error ? error.message : String(error), payment);
    }
  }

  /** The sandbox card form or Stripe's element was submitted. */
  async submitPayment(cardNumber: string): Promise<void> {
    if (this.view.kind !== "paying" || !this.api) return;
    const payment = this.view.payment;
    this.view = { kind: "paying", payment, busy: true, message: this.t.paying };
    try {
      if (payment.action?.type === "sandbox") {
        const outcome = await this.api.sandboxCard(payment.action.form_url, cardNumber);
        if (outcome.status !== "succeeded") return this.fail(outcome.failure_message ?? this.t.failed, payment);
      } else if (this.card) {
        const confirmed = await this.card.confirm(location.href);
        if (!confirmed.ok) return this.fail(confirmed.message, payment);
      }
      this.settle(await this.waitForOutcome(payment.id));
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error), payment);
    }
  }

  /** Follows the payment until our server knows its outcome (the provider's webhook may lag a little). */
  private async waitForOutcome(id: string): Promise<ClientPayment> {
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const payment = await this.api!.payment(id);
      if (payment.status !== "pending" && payment.status !== "processing") return payment;
      await new Promise((resolve) => setTimeout(resolve, 500 + attempt * 100));
    }
    return this.api!.payment(id);
  }

  private settle(payment: ClientPayment): void {
    this.teardownProvider();
    if (payment.status === "failed") return this.fail(payment.failure_message ?? this.t.failed, payment);
    this.view = { kind: "paid", payment };
    this.selected = new Set();
    this.announce(this.t.succeeded);
    this.emit("quittance-payment-succeeded", { payment: payment.id, invoices: payment.invoices, amount: payment.amount, currency: payment.currency });
    void this.refresh();
  }

  private fail(message: string, payment: ClientPayment | null): void {
    this.teardownProvider();
    this.view = { kind: "failed", message, payment };
    this.announce(`${this.t.failed} ${message}`);
    this.emit("quittance-payment-failed", { payment: payment?.id ?? null, message });
  }

  /** Provider UIs cannot live in a shadow root: a light-DOM child of the host, slotted in. */
  private ensureProviderHost(): HTMLElement {
    if (!this.providerHost) {
      this.providerHost = document.createElement("div");
      this.providerHost.slot = "provider";
      this.append(this.providerHost);
    }
    return this.providerHost;
  }

  private teardownProvider(): void {
    this.card?.destroy();
    this.card = null;
    this.providerHost?.remove();
    this.providerHost = null;
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** Moves focus to the new view's heading so keyboard and screen-reader users follow along. */
  private focusView(): void {
    if (this.view.kind === "loading" || this.view.kind === "list") return;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-autofocus]")?.focus());
  }

  override render() {
    return renderWidget(this);
  }
}
