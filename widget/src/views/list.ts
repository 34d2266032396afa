/** The invoice list: overdue, to pay and paid groups, checkboxes and the pay bar. Explicit state in, callbacks out. */
import { html, nothing, type TemplateResult } from "lit";
import type { Invoice } from "../api";
import { payable } from "../controllers/selection";
import { formatDate } from "../format";
import type { Ui } from "../view";

export interface ListState {
  invoices: Invoice[];
  selected: ReadonlySet<string>;
  selection: Invoice[];
  total: { amount: number; currency: string } | null;
  toggle(invoice: Invoice, checked: boolean): void;
}

export interface ListHandlers {
  /** The client points at or focuses a detail or pay control: what they open next can start loading. */
  preload(): void;
  openDetail(invoiceId: string): void;
  pay(): void;
}

function invoiceRow(ui: Ui, state: ListState, on: ListHandlers, invoice: Invoice, selectable: boolean): TemplateResult {
  const t = ui.t;
  const id = `select-${invoice.id}`;
  const number = invoice.number ?? "";
  const dueText = [
    invoice.status === "paid" ? t.paidOn : invoice.overdue ? t.daysLate(invoice.days_overdue) : invoice.due_date ? t.due(formatDate(invoice.due_date, ui.locale)) : "",
    invoice.status === "partially_paid" ? t.partlyPaid(ui.money(invoice.amount_paid, invoice.currency)) : "",
  ].filter(Boolean).join(" · ");
  return html`<li part="invoice">
    ${selectable
      ? html`<input type="checkbox" id=${id} part="checkbox" .checked=${state.selected.has(invoice.id)} aria-describedby=${`${id}-meta`}
          @change=${(event: Event) => state.toggle(invoice, (event.target as HTMLInputElement).checked)} />`
      : nothing}
    <label for=${selectable ? id : nothing}>
      <span class="number">${selectable ? html`<span class="sr">${t.select(number)} — </span>` : nothing}${number}</span>
      <span id=${`${id}-meta`} class=${invoice.overdue ? "meta late" : "meta"}>${dueText}</span>
    </label>
    <span class="amount">${ui.money(invoice.status === "paid" ? invoice.total : invoice.amount_due, invoice.currency)}</span>
    <button class="link" part="details-button" @pointerenter=${on.preload} @focus=${on.preload} @click=${() => on.openDetail(invoice.id)} aria-label=${`${t.details} ${number}`}>${t.details}</button>
  </li>`;
}

function group(ui: Ui, state: ListState, on: ListHandlers, title: string, invoices: Invoice[], selectable: boolean): TemplateResult | typeof nothing {
  if (invoices.length === 0) return nothing;
  const headingId = `group-${title.replace(/\W+/g, "-")}`;
  return html`<section part="group" aria-labelledby=${headingId}>
    <h3 id=${headingId}>${title}</h3>
    <ul role="list" part="list">${invoices.map((invoice) => invoiceRow(ui, state, on, invoice, selectable))}</ul>
  </section>`;
}

export function listView(ui: Ui, state: ListState, on: ListHandlers): TemplateResult {
  const t = ui.t;
  const payables = state.invoices.filter(payable);
  const overdue = payables.filter((invoice) => invoice.overdue);
  const toPay = payables.filter((invoice) => !invoice.overdue);
  const paid = state.invoices.filter((invoice) => invoice.status === "paid");
  if (payables.length === 0 && paid.length === 0) return html`<p part="empty">${t.empty}</p>`;
  const total = state.total;
  const count = state.selection.length;
  return html`<h2 class="sr">${t.invoicesList}</h2>
    ${group(ui, state, on, t.overdue, overdue, true)} ${group(ui, state, on, t.toPay, toPay, true)} ${group(ui, state, on, t.paid, paid, false)}
    ${payables.length > 0
      ? html`<div class="bar" part="bar">
          <span part="total" aria-live="polite">${total ? t.selected(count, ui.money(total.amount, total.currency)) : ""}</span>
          <button class="primary" part="pay-button" ?disabled=${count === 0} @pointerenter=${on.preload} @focus=${on.preload} @click=${on.pay}>
            ${total ? t.pay(count, ui.money(total.amount, total.currency)) : t.chooseInvoices}
          </button>
        </div>`
      : nothing}`;
}
