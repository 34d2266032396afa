/**
 * <quittance-invoices session="cs_…"> — a client's invoices on the merchant's own page: see them,
 * pay one or several, watch them turn paid. The element holds its attributes and wires its parts:
 * a loader (the session, with an AbortSignal), the list and its selection, the pay flow, the live
 * connection; the views are render modules fed with explicit state and callbacks. The pay flow and
 * the invoice detail are a chunk of their own (flow.ts), fetched when the client reaches for a pay
 * or detail control. It defines nothing by itself (see quittance-invoices.ts).
 */
import { html, LitElement, type PropertyValues, type TemplateResult } from "lit";
import { ClientApi } from "./api";
import { LoaderController } from "./controllers/loader";
import { SelectionController } from "./controllers/selection";
import type { PaymentEventDetail } from "./events";
import type { PayFlowController } from "./flow";
import { loadFlow, type FlowChunk } from "./flow-loader";
import { formatMinorUnits } from "./format";
import { pickLocale, STRINGS, type Locale, type Strings } from "./i18n";
import { styles } from "./quittance-invoices.styles";
import type { Session, View } from "./view";
import { listView } from "./views/list";

export type { PaymentEventDetail, View };

/** The script's own origin: the default API base (a module's import.meta.url is always an absolute URL). */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

const LOADING: View = { kind: "loading" };
const LIST: View = { kind: "list" };

export class QuittanceInvoices extends LitElement {
  static override styles = styles;
  // Every property is a string attribute: Lit's default type (String) needs no mention.
  static override properties = {
    session: {},
    sessionUrl: { attribute: "session-url" },
    apiBase: { attribute: "api-base" },
    lang: {},
    invoice: {},
    stripeJsUrl: { attribute: "stripe-js-url" },
    paypalSdkUrl: { attribute: "paypal-sdk-url" },
  };

  declare session: string;
  declare sessionUrl: string | null;
  declare apiBase: string | null;
  declare invoice: string | null;
  declare stripeJsUrl: string;
  declare paypalSdkUrl: string;

  #list = new SelectionController(this, () => this.#refresh());
  /** The pay flow and detail chunk, and this element's pay flow, once the client has acted. */
  #chunk: FlowChunk | undefined;
  #flow: PayFlowController | undefined;
  #loader = new LoaderController(this, (signal) => this.#load(signal));
  /** The list, or one invoice's detail, when the pay flow is closed. */
  #page: View = LIST;
  #announcement: string | undefined;
  /** The session whose live connection was started. */
  #live: Session | undefined;

  constructor() {
    super();
    this.session = "";
    this.sessionUrl = null;
    this.apiBase = null;
    this.invoice = null;
    // The providers' own URLs; attributes point them elsewhere (tests, a proxy).
    this.stripeJsUrl = "https://js.stripe.com/v3/";
    this.paypalSdkUrl = "https://www.paypal.com/sdk/js";
  }

  /** What the widget shows now. */
  get view(): View {
    const { value, failure } = this.#loader;
    if (failure) return { kind: "error", message: failure.error instanceof Error ? failure.error.message : String(failure.error) };
    return value ? (this.#flow?.view ?? this.#page) : LOADING;
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
    return STRINGS[this.locale];
  }

  /**
   * An amount in minor units of one of the listed invoices' currencies, with the exponent the API
   * sent with them (a payment's currency is always its invoices'): no currency table, no fallback.
   */
  money(amount: number, currency: string): string {
    return formatMinorUnits(amount, this.#list.exponents[currency]!, currency, this.locale);
  }

  /** Says `text` in the live region (emptied first, so the same words are announced again). */
  announce(text: string): void {
    this.#say("");
    requestAnimationFrame(() => this.#say(text));
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has("session") && changed.get("session") !== undefined && this.isConnected) void this.#loader.run();
    this.#listenLive();
  }

  /**
   * Once a session's list is on screen, listens live until the next load or removal (the session's
   * signal). The stream's code is a chunk of its own: the list does not wait for it.
   */
  #listenLive(): void {
    const session = this.#loader.value;
    if (!session || session === this.#live) return;
    this.#live = session;
    import("./live-connection").then(
      ({ listenLive }) => listenLive(session.api, session.signal, () => this.#refresh()),
      () => undefined, // no live updates this time; the next load tries again
    );
  }

  #say(text: string): void {
    this.#announcement = text;
    this.requestUpdate();
  }

  #open(page: View): void {
    this.#flow?.close();
    this.#page = page;
    this.requestUpdate();
  }

  /** Starts fetching the pay flow and detail chunk (pointer over or focus on a pay or detail control). */
  #preload = (): void => void loadFlow().catch(() => undefined);

  /** Runs `then` once the chunk is here (a microtask later when it already is); a chunk that cannot load shows as an error. */
  #withFlow(then: (flow: PayFlowController) => void): void {
    loadFlow().then(
      (chunk) => {
        this.#chunk = chunk;
        then((this.#flow ??= chunk.attachFlow(this, this.#list)));
      },
      (error: unknown) => this.#open({ kind: "error", message: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** Loads the configuration and invoices. */
  async #load(signal: AbortSignal): Promise<Session> {
    this.#open(LIST);
    if (!this.session && !this.sessionUrl) throw new Error("missing session");
    const api = new ClientApi((this.apiBase ?? SCRIPT_ORIGIN).replace(/\/$/, ""), this.session, this.sessionUrl);
    if (!this.session && !(await api.renew())) throw new Error(this.t.error);
    const [config, invoices] = await Promise.all([api.config(signal), api.invoices(signal)]);
    this.#list.show(invoices);
    return { api, config, signal };
  }

  /** Reloads the list (a live change, a payment): refreshList travels in the live connection's chunk, here once the list is shown. */
  #refresh(): void {
    import("./live-connection").then(
      ({ refreshList }) => refreshList(this, this.#list, this.#loader.value, () => this.#flow?.close()),
      () => undefined, // the list stays as it was; the next change tries again
    );
  }

  #body(view: View): TemplateResult {
    const t = this.t;
    if (view.kind === "loading") {
      return html`<div class="skeleton" part="loading" aria-busy="true"><span class="sr">${t.loading}</span><div></div><div></div><div></div></div>`;
    }
    if (view.kind === "error") {
      return html`<div class="panel" part="error" role="alert"><p>${t.error}</p><p class="meta">${view.message}</p><button @click=${() => void this.#loader.run()}>${t.retry}</button></div>`;
    }
    // The detail and the flow's steps are shown only once the chunk is here (#withFlow).
    const chunk = this.#chunk!;
    const flow = this.#flow!;
    const invoice = view.kind === "detail" && this.#list.invoices.find((candidate) => candidate.id === view.invoiceId);
    if (invoice) return chunk.detailView(this, invoice, () => this.#open(LIST));
    if (view.kind === "list" || view.kind === "detail") {
      return listView(this, this.#list, {
        preload: this.#preload,
        openDetail: (invoiceId) => this.#withFlow(() => this.#open({ kind: "detail", invoiceId })),
        // The session is read when the chunk is here: a reload meanwhile leaves nothing to pay with yet.
        pay: () => this.#withFlow((flow) => this.#loader.value && flow.choose(this.#loader.value)),
      });
    }
    if (view.kind === "method") return chunk.methodView(this, flow, this.#list);
    return view.kind === "paying" ? chunk.payingView(this, view, flow) : chunk.outcomeView(this, view, flow);
  }

  override render() {
    return html`<div part="base" lang=${this.locale}>${this.#body(this.view)}<div class="sr" role="status" aria-live="polite">${this.#announcement}</div></div>`;
  }
}
