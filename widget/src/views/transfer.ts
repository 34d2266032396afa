/**
 * Paying by bank transfer: the beneficiary, IBAN and BIC once, then for each invoice its exact
 * reference, its amount and (euros) its EPC QR code. One transfer per invoice: a transfer carries a
 * single structured reference, and that reference is how the merchant's bank statement finds the
 * invoice again. Each value has a copy button; the pay flow says what happened in the live region.
 */
import { html, nothing, type TemplateResult } from "lit";
import { minorToDecimal } from "../../../shared/minor-units";
import type { Invoice } from "../api";
import { flowStrings } from "../flow-strings";
import type { Ui } from "../view";

/** What the transfer step reads from the pay flow. */
export interface TransferModel {
  readonly transfers: Invoice[];
  readonly qr: Record<string, string>;
  copy(text: string, label: string, shown: Element): void;
  /** Bound, so a view can hand it to a listener as is. */
  readonly close: () => void;
}

export function transferView(ui: Ui, flow: TransferModel): TemplateResult {
  const t = flowStrings(ui);
  const account = flow.transfers[0]?.bank_transfer;
  // Instructions withdrawn meanwhile (the merchant removed its bank account): nothing to show but the way back.
  if (!account) return html`<button @click=${flow.close}>${t.back}</button>`;
  /** A term, its value as shown, and a button copying `value` (the value as a bank wants it). */
  const row = (label: string, shown: string, value = shown, name = label) =>
    html`<dt>${label}</dt><dd><code>${shown}</code> <button part="copy-button" aria-label=${`${t.copy} ${name}`} @click=${(event: Event) => flow.copy(value, name, (event.target as Element).previousElementSibling!)}>${t.copy}</button></dd>`;
  return html`<div class="panel" part="transfer">
    <h2 tabindex="-1" data-autofocus>${t.methods["bank_transfer"]}</h2>
    <p>${t.transferNote}</p>
    <dl class="tr">
      ${row(t.beneficiary, account.account_name)}
      ${row("IBAN", account.iban.replace(/(.{4})(?=.)/g, "$1 "), account.iban)}
      ${account.bic ? row("BIC", account.bic) : nothing}
    </dl>
    ${flow.transfers.map(({ number, currency_exponent, bank_transfer }) => {
      const { reference, amount, currency, qr_url } = bank_transfer!;
      const src = flow.qr[`${qr_url}#${amount}`];
      const money = ui.money(amount, currency);
      const decimal = minorToDecimal(amount, currency_exponent);
      return html`<section part="transfer-invoice">
        <h3>${t.invoice} ${number}</h3>
        <dl class="tr">
          ${row(t.reference, reference, reference, `${t.reference} ${number}`)}
          ${row(t.amountDue, money, ui.locale === "fr" ? decimal.replace(".", ",") : decimal, `${t.amountDue} ${number}`)}
        </dl>
        ${src ? html`<img part="qr" src=${src} width="164" height="164" alt=${`QR ${reference} ${money}`} />` : nothing}
      </section>`;
    })}
    <button @click=${flow.close}>${t.back}</button>
  </div>`;
}
