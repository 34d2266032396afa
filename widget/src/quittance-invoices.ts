/** Registers <quittance-invoices>; loading the script twice is harmless. */
import { QuittanceInvoices, type PaymentEventDetail } from "./quittance-invoices.component";

export { QuittanceInvoices };
export type { PaymentEventDetail };

if (!customElements.get("quittance-invoices")) customElements.define("quittance-invoices", QuittanceInvoices);

declare global {
  interface HTMLElementTagNameMap {
    "quittance-invoices": QuittanceInvoices;
  }
  // QuittanceEventMap is declared with the events (events.ts). They bubble and are composed: typed on
  // the element and wherever a host page listens.
  interface HTMLElementEventMap extends QuittanceEventMap {}
  interface DocumentEventMap extends QuittanceEventMap {}
}
