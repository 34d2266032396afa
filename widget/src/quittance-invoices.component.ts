/**
 * <quittance-invoices session="cs_…"> — a client's invoices on the merchant's own page: see them,
 * pay one or several, watch them turn paid. The element holds its attributes and wires its parts:
 * a loader (the session, with an AbortSignal), the list and its selection, the pay flow, the live
 * connection; the views are render modules fed with explicit state and callbacks. It defines
 * nothing by itself (see quittance-invoices.ts).
 */
import { html, LitElement, type PropertyValues, type TemplateResult } from "lit";
import { ClientApi, type Invoice } from "./api";
import { LoaderController } from "./controllers/loader";
import { PayFlowController } from "./controllers/pay-flow";
import { SelectionController } from "./controllers/selection";
import type { PaymentEventDetail } from "./events";
import { formatMoney } from "./format";
import { pickLocale, strings, type Locale, type Strings } from "./i18n";
import { listenLive } from "./live-connection";
import { PAYPAL_SDK } from "./providers/paypal";
import { STRIPE_JS } from "./providers/stripe";
import { styles } from "./quittance-invoices.styles";
import type { Session, View } from "./view";
import { detailView } from "./views/detail";
import { listView } from "./views/list";
import { methodView, outcomeView, payingView } from "./views/pay-flow";

export type { PaymentEventDetail, View };

/** The script's own origin: the default API base. */
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

const LOADING: View = { kind: "loading" };
const LIST: View = { kind: "list" };

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
  };

  declare session: string;
  declare sessionUrl: string | null;
  declare apiBase: string | null;
  declare invoice: string | null;
  declare stripeJsUrl: string;
  declare paypalSdkUrl: string;

  #list = new SelectionController(this, (nowPaid) => this.#refreshed(nowPaid));
  #flow = new PayFlowController(this, this.#list);
  #loader = new LoaderController(this, (signal) => this.#load(signal));
  /** The list, or one invoice's detail, when the pay flow is closed. */
  #page: View = LIST;
  #announcement: string | undefined;
  /** The view last rendered: focus follows when it changes. */
  #shown: View | undefined;

  constructor() {
    super();
    this.session = "";
    this.sessionUrl = null;
    this.apiBase = null;
    this.invoice = null;
    this.stripeJsUrl = STRIPE_JS;
    this.paypalSdkUrl = PAYPAL_SDK;
    // The pay flow tells of a success with the public event; the list hears it as the page does.
    this.addEventListener("quittance-payment-succeeded", () => {
      this.#list.select(new Set());
      void this.#list.refresh(this.#loader.value);
    });
  }

  /** What the widget shows now. */
  get view(): View {
    const { value, failure } = this.#loader;
    if (failure) return { kind: "error", message: failure.error instanceof Error ? failure.error.message : String(failure.error) };
    return value ? (this.#flow.view ?? this.#page) : LOADING;
  }

  /** The ids of the checked invoices. */
  get selected(): ReadonlySet<string> {
    return this.#list.selected;
  }

  set selected(ids: ReadonlySet<string>) {
    this.#list.select(ids);
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

  /** Says `text` in the live region (emptied first, so the same words are announced again). */
  announce(text: string): void {
    this.#say("");
    requestAnimationFrame(() => this.#say(text));
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("session") && changed.get("session") !== undefined && this.isConnected) void this.#loader.run();
    this.#focusView();
  }

  #say(text: string): void {
    this.#announcement = text;
    this.requestUpdate();
  }

  #open(page: View): void {
    this.#flow.close();
    this.#page = page;
    this.requestUpdate();
  }

  /** Loads the configuration and invoices, then listens live until the next load or removal. */
  async #load(signal: AbortSignal): Promise<Session> {
    this.#open(LIST);
    if (!this.session && !this.sessionUrl) throw new Error("missing session");
    const api = new ClientApi((this.apiBase ?? SCRIPT_ORIGIN).replace(/\/$/, ""), this.session, this.sessionUrl);
    if (!this.session && !(await api.renew())) throw new Error(this.t.error);
    const [config, invoices] = await Promise.all([api.config(signal), api.invoices(signal)]);
    this.#list.show(invoices);
    listenLive(api, signal, () => void this.#list.refresh(this.#loader.value));
    return { api, config, signal };
  }

  /** Announces what got paid; closes the method picker when nothing chosen is left to pay. */
  #refreshed(nowPaid: Invoice[]): void {
    if (nowPaid.length > 0) this.announce(nowPaid.map((invoice) => this.t.nowPaid(invoice.number ?? "")).join(" "));
    // Everything chosen was paid elsewhere while the method picker was open: there is nothing left to pay.
    if (this.view.kind === "method" && this.#list.selected.size === 0) this.#flow.close();
  }

  /** Moves focus to a new view's heading so keyboard and screen-reader users follow along. */
  #focusView(): void {
    const view = this.view;
    if (view === this.#shown) return;
    this.#shown = view;
    // The list, loading and error views have no such heading: nothing moves there.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("[data-autofocus]")?.focus());
  }

  #body(view: View): TemplateResult {
    const t = this.t;
    if (view.kind === "loading") {
      return html`<div class="skeleton" part="loading" aria-busy="true"><span class="visually-hidden">${t.loading}</span><div></div><div></div><div></div></div>`;
    }
    if (view.kind === "error") {
      return html`<div class="panel" part="error" role="alert"><p>${t.error}</p><p class="meta">${view.message}</p><button @click=${() => void this.#loader.run()}>${t.retry}</button></div>`;
    }
    const invoice = view.kind === "detail" && this.#list.invoices.find((candidate) => candidate.id === view.invoiceId);
    if (invoice) return detailView(this, invoice, () => this.#open(LIST));
    if (view.kind === "list" || view.kind === "detail") {
      return listView(this, this.#list, {
        openDetail: (invoiceId) => this.#open({ kind: "detail", invoiceId }),
        pay: () => this.#flow.choose(this.#loader.value!),
      });
    }
    if (view.kind === "method") return methodView(this, this.#flow, this.#list);
    return view.kind === "paying" ? payingView(this, view, this.#flow) : outcomeView(this, view, this.#flow);
  }

  override render() {
    return html`<div part="base" lang=${this.locale}>${this.#body(this.view)}<div class="visually-hidden" role="status" aria-live="polite">${this.#announcement}</div></div>`;
  }
}
