/**
 * The events <quittance-invoices> fires, typed once. They bubble and are composed so the host page
 * can listen on the element or the document; they are fired on a user action or an async result only.
 */
export interface PaymentEventDetail {
  payment: string;
  invoices: string[];
  amount: number;
  currency: string;
}

declare global {
  interface QuittanceEventMap {
    "quittance-payment-succeeded": CustomEvent<PaymentEventDetail>;
    "quittance-payment-failed": CustomEvent<{ payment: string | null; message: string }>;
    "quittance-invoice-selected": CustomEvent<{ invoice: string; selected: boolean }>;
  }
}

/**
 * Fires one of our events from `target`.
 * @example emit(host, "quittance-invoice-selected", { invoice: "inv_…", selected: true })
 */
export function emit<K extends keyof QuittanceEventMap>(target: EventTarget, name: K, detail: QuittanceEventMap[K]["detail"]): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
