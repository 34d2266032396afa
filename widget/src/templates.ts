/** What each view of <quittance-invoices> looks like. Pure rendering: the element holds the state. */
import { html, nothing, type TemplateResult } from "lit";
import type { Invoice } from "./api";
import { formatDate, formatQuantity, formatRate } from "./format";
import type { QuittanceInvoices } from "./quittance-invoices.component";

type W = QuittanceInvoices;

function invoiceRow(w: W, invoice: Invoice, selectable: boolean): TemplateResult {
  const t = w.t;
  const id = `select-${invoice.id}`;
  const number = invoice.number ?? "";
  const dueText = [
    invoice.status === "paid" ? t.paidOn : invoice.overdue ? t.daysLate(invoice.days_overdue) : invoice.due_date ? t.due(formatDate(invoice.due_date, w.locale)) : "",
    invoice.status === "partially_paid" ? t.partlyPaid(w.money(invoice.amount_paid, invoice.currency)) : "",
  ].filter(Boolean).join(" · ");
  return html`<li part="invoice">
    ${selectable
      ? html`<input type="checkbox" id=${id} part="checkbox" .checked=${w.selected.has(invoice.id)} aria-describedby=${`${id}-meta`}
          @change=${(event: Event) => w.toggle(invoice, (event.target as HTMLInputElement).checked)} />`
      : nothing}
    <label for=${selectable ? id : nothing}>
      <span class="number">${selectable ? html`<span class="visually-hidden">${t.select(number)} — </span>` : nothing}${number}</span>
      <span id=${`${id}-meta`} class=${invoice.overdue ? "meta late" : "meta"}>${dueText}</span>
    </label>
    <span class="amount">${w.money(invoice.status === "paid" ? invoice.total : invoice.amount_due, invoice.currency)}</span>
    <button class="link" part="details-button" @click=${() => w.openDetail(invoice.id)} aria-label=${`${t.details} ${number}`}>${t.details}</button>
  </li>`;
}

function group(w: W, title: string, invoices: Invoice[], selectable: boolean): TemplateResult | typeof nothing {
  if (invoices.length === 0) return nothing;
  const headingId = `group-${title.replace(/\W+/g, "-")}`;
  return html`<section part="group" aria-labelledby=${headingId}>
    <h3 id=${headingId}>${title}</h3>
    <ul role="list" part="list">${invoices.map((invoice) => invoiceRow(w, invoice, selectable))}</ul>
  </section>`;
}

function listView(w: W): TemplateResult {
  const t = w.t;
  const payable = w.invoices.filter((invoice) => w.payable(invoice));
  const overdue = payable.filter((invoice) => invoice.overdue);
  const toPay = payable.filter((invoice) => !invoice.overdue);
  const paid = w.invoices.filter((invoice) => invoice.status === "paid");
  if (payable.length === 0 && paid.length === 0) return html`<p part="empty">${t.empty}</p>`;
  const total = w.selectionTotal;
  const count = w.selection.length;
  return html`<h2 class="visually-hidden">${t.invoicesList}</h2>
    ${group(w, t.overdue, overdue, true)} ${group(w, t.toPay, toPay, true)} ${group(w, t.paid, paid, false)}
    ${payable.length > 0
      ? html`<div class="bar" part="bar">
          <span part="total" aria-live="polite">${total ? t.selected(count, w.money(total.amount, total.currency)) : ""}</span>
          <button class="primary" part="pay-button" ?disabled=${count === 0} @click=${() => w.chooseMethod()}>
            ${total ? t.pay(count, w.money(total.amount, total.currency)) : t.chooseInvoices}
          </button>
        </div>`
      : nothing}`;
}

function detailView(w: W, invoiceId: string): TemplateResult {
  const t = w.t;
  const invoice = w.invoices.find((candidate) => candidate.id === invoiceId);
  if (!invoice) return listView(w);
  const money = (amount: number) => w.money(amount, invoice.currency);
  const onKey = (event: KeyboardEvent) => event.key === "Escape" && w.backToList();
  return html`<div class="panel dialog" part="dialog" role="dialog" aria-modal="true" aria-labelledby="detail-title" @keydown=${onKey}>
    <h2 id="detail-title" tabindex="-1" data-autofocus>${t.invoice} ${invoice.number}</h2>
    <p class="meta">
      ${invoice.issued_at ? html`${t.issued} ${formatDate(invoice.issued_at.slice(0, 10), w.locale)} · ` : nothing}
      ${invoice.due_date ? html`${t.dueDate} ${formatDate(invoice.due_date, w.locale)}` : nothing}
      ${invoice.overdue ? html` · <span class="late">${t.daysLate(invoice.days_overdue)}</span>` : nothing}
    </p>
    <table part="lines">
      <thead><tr><th scope="col">${t.description}</th><th scope="col" class="num">${t.quantity}</th><th scope="col" class="num">${t.unitPrice}</th><th scope="col" class="num">${t.vat}</th><th scope="col" class="num">${t.totalExcl}</th></tr></thead>
      <tbody>${invoice.lines.map(
        (line) => html`<tr><td>${line.description}</td><td class="num">${formatQuantity(line.quantity, w.locale)}</td><td class="num">${money(line.unit_amount)}</td><td class="num">${formatRate(line.tax_rate, w.locale)}</td><td class="num">${money(line.amount_subtotal)}</td></tr>`,
      )}</tbody>
    </table>
    <dl part="totals">
      <dt>${t.totalExcl}</dt><dd>${money(invoice.subtotal)}</dd>
      ${invoice.tax_breakdown.map((row) => html`<dt>${t.vat} ${formatRate(row.tax_rate, w.locale)}</dt><dd>${money(row.tax_amount)}</dd>`)}
      <dt>${t.totalIncl}</dt><dd>${money(invoice.total)}</dd>
      <dt>${t.amountPaid}</dt><dd>${money(invoice.amount_paid)}</dd>
      <dt><strong>${t.amountDue}</strong></dt><dd><strong>${money(invoice.amount_due)}</strong></dd>
      ${invoice.late_fees ? html`<dt>${t.lateFees}</dt><dd>${money(invoice.late_fees.total)}</dd>` : nothing}
    </dl>
    <h3>${t.terms}</h3>
    <p class="meta">${invoice.terms.late_fee_policy ?? ""} ${invoice.terms.early_payment_discount ?? ""}</p>
    ${invoice.payments.length > 0
      ? html`<h3>${t.history}</h3><ul role="list">${invoice.payments.map(
          (payment) => html`<li><span>${formatDate(payment.created.slice(0, 10), w.locale)}</span><span class="amount">${money(payment.amount - payment.amount_refunded)}</span><span class="meta">${payment.status}</span></li>`,
        )}</ul>`
      : nothing}
    <div class="actions spaced">
      ${invoice.hosted_url ? html`<a href=${`${invoice.hosted_url}/print`} target="_blank" rel="noopener" part="print-link">${t.print}</a>` : nothing}
      <button @click=${() => w.backToList()}>${t.close}</button>
    </div>
  </div>`;
}

function methodView(w: W): TemplateResult {
  const t = w.t;
  const total = w.selectionTotal!;
  if (w.config.payment_methods.length === 0) {
    return html`<div class="panel" part="dialog"><p data-autofocus tabindex="-1">${t.noMethod}</p><button @click=${() => w.backToList()}>${t.back}</button></div>`;
  }
  return html`<form class="panel" part="method-form" aria-busy=${w.starting ? "true" : "false"} @submit=${(event: Event) => (event.preventDefault(), void w.startPayment())}>
    <h2 tabindex="-1" data-autofocus>${t.pay(w.selection.length, w.money(total.amount, total.currency))}</h2>
    <fieldset>
      <legend>${t.chooseMethod}</legend>
      ${w.config.payment_methods.map(
        (method) => html`<label class="choice" part="method">
          <input type="radio" name="method" .value=${method} .checked=${w.method === method} @change=${() => (w.method = method)} required />
          ${t.methods[method] ?? method}
        </label>`,
      )}
    </fieldset>
    <div class="actions">
      <button type="submit" class="primary" part="continue-button" ?disabled=${!w.method || w.starting}>${t.continue}</button>
      <button type="button" @click=${() => w.backToList()}>${t.back}</button>
    </div>
  </form>`;
}

function payingView(w: W, view: Extract<QuittanceInvoices["view"], { kind: "paying" }>): TemplateResult {
  const t = w.t;
  const amount = w.money(view.payment.amount, view.payment.currency);
  const action = view.payment.action;
  const submit = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    void w.submitPayment(String(data.get("card_number") ?? ""));
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
          <button type="button" ?disabled=${view.busy} @click=${() => w.backToList()}>${t.back}</button>
        </div>`
      : html`<button type="button" @click=${() => w.backToList()}>${t.back}</button>`}
  </form>`;
}

function outcomeView(w: W): TemplateResult {
  const t = w.t;
  const view = w.view;
  if (view.kind === "paid") {
    return html`<div class="panel" part="receipt">
      <h2 class="success" tabindex="-1" data-autofocus>${t.succeeded}</h2>
      <p>${t.receipt(w.money(view.payment.amount, view.payment.currency), view.payment.invoices.length)}</p>
      <button class="primary" @click=${() => w.backToList()}>${t.done}</button>
    </div>`;
  }
  if (view.kind !== "failed") return html``;
  return html`<div class="panel" part="failure" role="alert">
    <h2 class="danger" tabindex="-1" data-autofocus>${t.failed}</h2>
    <p>${view.message}</p>
    <p class="meta">${t.failedNext}</p>
    <div class="actions">
      <button class="primary" @click=${() => w.chooseMethod()}>${t.tryAgain}</button>
      <button @click=${() => w.backToList()}>${t.back}</button>
    </div>
  </div>`;
}

export function renderWidget(w: W): TemplateResult {
  const t = w.t;
  const view = w.view;
  let body: TemplateResult;
  switch (view.kind) {
    case "loading":
      body = html`<div class="skeleton" part="loading" aria-busy="true"><span class="visually-hidden">${t.loading}</span><div></div><div></div><div></div></div>`;
      break;
    case "error":
      body = html`<div class="panel" part="error" role="alert"><p>${t.error}</p><p class="meta">${view.message}</p><button @click=${() => void w.start()}>${t.retry}</button></div>`;
      break;
    case "list":
      body = listView(w);
      break;
    case "detail":
      body = detailView(w, view.invoiceId);
      break;
    case "method":
      body = methodView(w);
      break;
    case "paying":
      body = payingView(w, view);
      break;
    default:
      body = outcomeView(w);
  }
  return html`<div part="base" lang=${w.locale}>${body}<div class="visually-hidden" role="status" aria-live="polite">${w.announcement}</div></div>`;
}
