/** One invoice in full, as a dialog: dates, lines, taxes, totals, terms, payments and credit notes. Pure rendering. */
import { html, nothing, type TemplateResult } from "lit";
import type { Invoice } from "../api";
import { flowStrings } from "../flow-strings";
import { formatDate } from "../format";
import { formatQuantity, formatRate } from "../format-figures";
import type { Ui } from "../view";

export function detailView(ui: Ui, invoice: Invoice, close: () => void): TemplateResult {
  const t = flowStrings(ui);
  const locale = ui.locale;
  const money = (amount: number) => ui.money(amount, invoice.currency);
  const onKey = (event: KeyboardEvent) => event.key === "Escape" && close();
  const credited = locale === "fr" ? "Avoirs" : "Credit notes";
  return html`<div class="panel dialog" part="dialog" role="dialog" aria-modal="true" aria-labelledby="detail-title" @keydown=${onKey}>
    <h2 id="detail-title" tabindex="-1" data-autofocus>${t.invoice} ${invoice.number}</h2>
    <p class="meta">
      ${invoice.issued_at ? html`${t.issued} ${formatDate(invoice.issued_at.slice(0, 10), locale)} · ` : nothing}
      ${invoice.due_date ? html`${t.dueDate} ${formatDate(invoice.due_date, locale)}` : nothing}
      ${invoice.overdue ? html` · <span class="late">${t.daysLate(invoice.days_overdue)}</span>` : nothing}
    </p>
    <table part="lines">
      <thead><tr><th scope="col">${t.description}</th><th scope="col" class="num">${t.quantity}</th><th scope="col" class="num">${t.unitPrice}</th><th scope="col" class="num">${t.vat}</th><th scope="col" class="num">${t.totalExcl}</th></tr></thead>
      <tbody>${invoice.lines.map(
        (line) => html`<tr><td>${line.description}</td><td class="num">${formatQuantity(line.quantity, locale)}</td><td class="num">${money(line.unit_amount)}</td><td class="num">${formatRate(line.tax_rate, locale)}</td><td class="num">${money(line.amount_subtotal)}</td></tr>`,
      )}</tbody>
    </table>
    <dl part="totals">
      <dt>${t.totalExcl}</dt><dd>${money(invoice.subtotal)}</dd>
      ${invoice.tax_breakdown.map((row) => html`<dt>${t.vat} ${formatRate(row.tax_rate, locale)}</dt><dd>${money(row.tax_amount)}</dd>`)}
      <dt>${t.totalIncl}</dt><dd>${money(invoice.total)}</dd>
      <dt>${t.amountPaid}</dt><dd>${money(invoice.amount_paid)}</dd>
      ${invoice.amount_credited > 0 ? html`<dt>${credited}</dt><dd>${money(invoice.amount_credited)}</dd>` : nothing}
      <dt><strong>${t.amountDue}</strong></dt><dd><strong>${money(invoice.amount_due)}</strong></dd>
      ${invoice.late_fees ? html`<dt>${t.lateFees}</dt><dd>${money(invoice.late_fees.total)}</dd>` : nothing}
    </dl>
    ${invoice.bank_transfer ? html`<p part="reference">${t.methods["bank_transfer"]} · ${t.reference} <code>${invoice.bank_transfer.reference}</code></p>` : nothing}
    <h3>${t.terms}</h3>
    <p class="meta">${invoice.terms.late_fee_policy ?? ""} ${invoice.terms.early_payment_discount ?? ""}</p>
    ${invoice.payments.length > 0
      ? html`<h3>${t.history}</h3><ul role="list">${invoice.payments.map(
          (payment) => html`<li><span>${formatDate(payment.created.slice(0, 10), locale)}</span><span class="amount">${money(payment.amount - payment.amount_refunded)}</span><span class="meta">${payment.status}</span></li>`,
        )}</ul>`
      : nothing}
    ${invoice.credit_notes.length > 0
      ? html`<h3>${credited}</h3><ul role="list" part="credit-notes">${invoice.credit_notes.map(
          (note) => html`<li><span>${note.number}</span><span>${formatDate(note.issued_on, locale)}</span><span class="amount">${money(note.total)}</span></li>`,
        )}</ul>`
      : nothing}
    <div class="actions spaced">
      ${invoice.hosted_url ? html`<a href=${`${invoice.hosted_url}/print`} target="_blank" rel="noopener" part="print-link">${t.print}</a>` : nothing}
      <button @click=${close}>${t.close}</button>
    </div>
  </div>`;
}
