/**
 * The pay flow, from the method picker to the receipt or the failure: creates the payment on our
 * server, hands over to the method's own step (sandbox form, Stripe's element, PayPal's buttons, a
 * redirect), follows the payment to its outcome and fires the payment events. Provider UIs cannot
 * live in a shadow root: they go into a light-DOM child of the host, slotted in.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ClientPayment, Invoice } from "../api";
import { emit } from "../events";
import { capturePayment, createPayment, getPayment, payWithSandboxCard, transferQr } from "../flow-api";
import { flowStrings } from "../flow-strings";
import { renderPayPal } from "../providers/paypal";
import { mountCard, type MountedCard } from "../providers/stripe";
import type { FlowView, Session, Ui } from "../view";
import type { PayFlowModel } from "../views/pay-flow";
import type { SelectionController } from "./selection";

export interface PayFlowHost extends ReactiveControllerHost, HTMLElement, Ui {
  readonly stripeJsUrl: string;
  readonly paypalSdkUrl: string;
  /** Says `text` in the element's live region. */
  announce(text: string): void;
}

/**
 * The element keeps this controller in a private field, so its public methods are reachable only
 * from the element and its views: they are the client's intents (choose, pick, start, submit,
 * close). The steps of a payment (settle, fail, provider mounting) are private.
 */
export class PayFlowController implements ReactiveController, PayFlowModel {
  // No initialisers: undefined reads as "none yet" (and costs no bytes).
  /** The step shown, or undefined when the flow is closed. */
  view: FlowView | undefined;
  /** The merchant's methods, from the session (read once the picker is open). */
  declare methods: string[];
  method: string | undefined;
  /** A payment is being created: Continue is disabled so a double click makes one payment. */
  starting: boolean | undefined;
  /** QR codes fetched so far, as data: URLs, by address and amount (a partial payment changes the code). */
  qr: Record<string, string> = {};
  #host: PayFlowHost;
  #list: SelectionController;
  #session: Session | undefined;
  #card: MountedCard | undefined;
  #providerHost: HTMLElement | undefined;

  constructor(host: PayFlowHost, list: SelectionController) {
    this.#host = host;
    this.#list = list;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#teardownProvider();
  }

  /** Opens the method picker for the selection: "Pay" (with the session), or "Try again" after a failure. */
  choose(session = this.#session!): void {
    // "Try again" after the invoices were paid elsewhere meanwhile: nothing left to pay, back to the list.
    if (this.#list.selection.length === 0) return this.close();
    // A bank transfer needs no provider: offered when every selected invoice carries its instructions.
    const methods = (this.methods = [...session.config.payment_methods, ...(this.#list.selection.every((invoice) => invoice.bank_transfer) ? ["bank_transfer"] : [])]);
    this.#session = session;
    this.method = methods.length === 1 ? methods[0]! : this.method;
    this.#show({ kind: "method" });
  }

  /** Closes the flow (back to the list), unmounting any provider UI. Bound: views pass it as a listener. */
  close = (): void => {
    this.#teardownProvider();
    this.#show(undefined);
  };

  pick(method: string): void {
    this.method = method;
    this.#host.requestUpdate();
  }

  #show(view: FlowView | undefined): void {
    this.view = view;
    this.#host.requestUpdate();
  }

  /** Creates the payment on our server, then hands over to the method's own step. */
  async start(): Promise<void> {
    const host = this.#host;
    const { api } = this.#session!;
    const method = this.method;
    if (!method || this.starting) return;
    if (method === "bank_transfer") return this.#transfer(api);
    let payment: ClientPayment | null = null;
    // The client may go back while we wait on the network: this flow must then neither show nor mount anything.
    const left = () => (payment ? !(this.view?.kind === "paying" && this.view.payment.id === payment.id) : this.view?.kind !== "method");
    this.starting = true;
    host.requestUpdate();
    try {
      const created = await createPayment(api, this.#list.selection.map((invoice) => invoice.id), method, location.href).finally(() => ((this.starting = false), host.requestUpdate()));
      if (left()) return;
      payment = created;
      this.#show({ kind: "paying", payment: created, busy: false, message: null });
      const action = created.action;
      if (action?.type === "redirect") {
        this.#show({ kind: "paying", payment: created, busy: true, message: flowStrings(host).redirecting });
        location.assign(action.url);
      } else if (action?.type === "card") {
        await host.updateComplete;
        const card = await mountCard(host.stripeJsUrl, action.publishable_key, action.client_secret, this.#ensureProviderHost());
        if (left()) return card.destroy();
        this.#card = card;
      } else if (action?.type === "paypal") {
        await host.updateComplete;
        const buttons = await renderPayPal(host.paypalSdkUrl, action.client_id, created.currency, action.order_id, this.#ensureProviderHost(), {
          onApprove: async () => this.#settle(await capturePayment(api, created.id)),
          onError: (message) => this.#fail(message, created),
          onCancel: this.close,
        });
        if (left()) void buttons.close();
      }
    } catch (error) {
      if (!left()) this.#fail(error instanceof Error ? error.message : String(error), payment);
    }
  }

  /** Shows the selection's transfer instructions (nothing is created on our server) and fetches their QR codes. */
  #transfer(api: Session["api"]): void {
    for (const { bank_transfer: transfer } of this.transfers) {
      const key = `${transfer?.qr_url}#${transfer?.amount}`;
      if (transfer?.qr_url && !this.qr[key]) {
        transferQr(api, transfer.qr_url).then((src) => ((this.qr[key] = src), this.#host.requestUpdate()), () => undefined);
      }
    }
    this.#show({ kind: "transfer" });
  }

  /** The invoices whose transfer instructions are shown (one transfer each): the selection, so one paid meanwhile leaves it. */
  get transfers(): Invoice[] {
    return this.#list.selection.filter((invoice) => invoice.bank_transfer);
  }

  /** Copies `text` to the clipboard and says so; when the browser refuses, selects `shown` for Ctrl+C and says that. */
  copy(text: string, label: string, shown: Element): void {
    const t = flowStrings(this.#host);
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(text))
      .then(
        () => this.#host.announce(`${label} ${t.copied}`),
        () => (getSelection()?.selectAllChildren(shown), this.#host.announce(t.copyFailed)),
      );
  }

  /** The sandbox card form or Stripe's element was submitted. */
  async submit(cardNumber: string): Promise<void> {
    if (this.view?.kind !== "paying") return;
    const { api } = this.#session!;
    const t = flowStrings(this.#host);
    const payment = this.view.payment;
    this.#show({ kind: "paying", payment, busy: true, message: t.paying });
    try {
      if (payment.action?.type === "sandbox") {
        const outcome = await payWithSandboxCard(payment.action.form_url, cardNumber);
        if (outcome.status !== "succeeded") return this.#fail(outcome.failure_message ?? t.failed, payment);
      } else if (this.#card) {
        const confirmed = await this.#card.confirm(location.href);
        if (!confirmed.ok) return this.#fail(confirmed.message, payment);
      }
      this.#settle(await this.#waitForOutcome(payment.id));
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error), payment);
    }
  }

  /** Follows the payment until our server knows its outcome (the provider's webhook may lag a little). */
  async #waitForOutcome(id: string): Promise<ClientPayment> {
    const { api } = this.#session!;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const payment = await getPayment(api, id);
      if (payment.status !== "pending" && payment.status !== "processing") return payment;
      await new Promise((resolve) => setTimeout(resolve, 500 + attempt * 100));
    }
    return getPayment(api, id);
  }

  /** The outcome is known. On success the host hears quittance-payment-succeeded as the page does. */
  #settle(payment: ClientPayment): void {
    const t = flowStrings(this.#host);
    this.#teardownProvider();
    if (payment.status === "failed") return this.#fail(payment.failure_message ?? t.failed, payment);
    this.#show({ kind: "paid", payment });
    this.#host.announce(t.succeeded);
    emit(this.#host, "quittance-payment-succeeded", { payment: payment.id, invoices: payment.invoices, amount: payment.amount, currency: payment.currency });
  }

  #fail(message: string, payment: ClientPayment | null): void {
    this.#teardownProvider();
    this.#show({ kind: "failed", message, payment });
    this.#host.announce(`${flowStrings(this.#host).failed} ${message}`);
    emit(this.#host, "quittance-payment-failed", { payment: payment?.id ?? null, message });
  }

  #ensureProviderHost(): HTMLElement {
    if (!this.#providerHost) {
      this.#providerHost = document.createElement("div");
      this.#providerHost.slot = "provider";
      this.#host.append(this.#providerHost);
    }
    return this.#providerHost;
  }

  #teardownProvider(): void {
    this.#card?.destroy();
    this.#card = undefined;
    this.#providerHost?.remove();
    this.#providerHost = undefined;
  }
}
