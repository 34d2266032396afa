/** The pay flow's steps: method picker, payment form, receipt, failure. The flow's state in, the client's intents out. */
import { html, nothing, type TemplateResult } from "lit";
import type { Invoice } from "../api";
import { flowStrings } from "../flow-strings";
import type { FlowView, Ui } from "../view";
import { transferView, type TransferModel } from "./transfer";

/** What the steps read from the pay flow, and the client's intents they hand back to it. */
export interface PayFlowModel extends TransferModel {
  readonly methods: string[];
  readonly method: string | undefined;
  readonly starting: boolean | undefined;
  /** "Try again": back to the method picker for what is still selected. */
  choose(): void;
  pick(method: string): void;
  start(): void;
  submit(cardNumber: string): void;
}

/** The selection being paid. */
export interface Paying {
  readonly selection: Invoice[];
  readonly total: { amount: number; currency: string } | null;
}

export function methodView(ui: Ui, flow: PayFlowModel, paying: Paying): TemplateResult {
  const t = flowStrings(ui);
  if (flow.methods.length === 0) {
    return html`<div class="panel" part="dialog"><p data-autofocus tabindex="-1">${t.noMethod}</p><button @click=${flow.close}>${t.back}</button></div>`;
  }
  const total = paying.total!;
  return html`<form class="panel" part="method-form" aria-busy=${flow.starting ? "true" : "false"} @submit=${(event: Event) => (event.preventDefault(), flow.start())}>
    <h2 tabindex="-1" data-autofocus>${t.pay(paying.selection.length, ui.money(total.amount, total.currency))}</h2>
    <fieldset>
      <legend>${t.chooseMethod}</legend>
      ${flow.methods.map(
        (method) => html`<label class="choice" part="method">
          <input type="radio" name="method" .value=${method} .checked=${flow.method === method} @change=${() => flow.pick(method)} required />
          ${t.methods[method] ?? method}
        </label>`,
      )}
    </fieldset>
    <div class="actions">
      <button type="submit" class="primary" part="continue-button" ?disabled=${!flow.method || flow.starting}>${t.continue}</button>
      <button type="button" @click=${flow.close}>${t.back}</button>
    </div>
  </form>`;
}

export function payingView(ui: Ui, view: Extract<FlowView, { kind: "paying" }>, flow: PayFlowModel): TemplateResult {
  const t = flowStrings(ui);
  const amount = ui.money(view.payment.amount, view.payment.currency);
  const action = view.payment.action;
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    flow.submit(String(data.get("card_number") ?? ""));
  };
  return html`<form class="panel" part="payment-form" @submit=${submit} aria-busy=${view.busy ? "true" : "false"}>
    <h2 tabindex="-1" data-autofocus>${t.payNow(amount)}</h2>
    ${action?.type === "sandbox"
      ? html`<div class="field"><label for="card-number">${t.cardNumber}</label>
          <input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242" required ?disabled=${view.busy} /></div>`
      : nothing}
    <div class="provider" part="provider"><slot name="provider"></slot></div>
    ${view.message ? html`<p role="status">${view.message}</p>` : nothing}
    ${action?.type === "sandbox" || action?.type === "card"
      ? html`<div class="actions">
          <button type="submit" class="primary" part="confirm-button" ?disabled=${view.busy}>${t.payNow(amount)}</button>
          <button type="button" ?disabled=${view.busy} @click=${flow.close}>${t.back}</button>
        </div>`
      : html`<button type="button" @click=${flow.close}>${t.back}</button>`}
  </form>`;
}

/** The receipt, the failure, or (no outcome to wait for) the bank-transfer instructions. */
export function outcomeView(ui: Ui, view: Extract<FlowView, { kind: "paid" | "failed" | "transfer" }>, flow: PayFlowModel): TemplateResult {
  if (view.kind === "transfer") return transferView(ui, flow);
  const t = flowStrings(ui);
  if (view.kind === "paid") {
    return html`<div class="panel" part="receipt">
      <h2 class="success" tabindex="-1" data-autofocus>${t.succeeded}</h2>
      <p>${t.receipt(ui.money(view.payment.amount, view.payment.currency), view.payment.invoices.length)}</p>
      <button class="primary" @click=${flow.close}>${t.done}</button>
    </div>`;
  }
  return html`<div class="panel" part="failure" role="alert">
    <h2 class="danger" tabindex="-1" data-autofocus>${t.failed}</h2>
    <p>${view.message}</p>
    <p class="meta">${t.failedNext}</p>
    <div class="actions">
      <button class="primary" @click=${() => flow.choose()}>${t.retry}</button>
      <button @click=${flow.close}>${t.back}</button>
    </div>
  </div>`;
}
