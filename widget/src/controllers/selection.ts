/**
 * The list and its selection: the invoices shown (only the one named by `invoice` when set), which
 * are checked, their total. One payment has one currency, so checking another currency starts over.
 */
import type { ReactiveControllerHost } from "lit";
import { isPayable } from "../../../shared/status";
import type { Invoice } from "../api";
import { emit } from "../events";

export interface SelectionHost extends ReactiveControllerHost, HTMLElement {
  /** Shows only this invoice when set. */
  readonly invoice: string | null;
}

/** Open with something left to pay. */
export function payable(invoice: Invoice | undefined): invoice is Invoice {
  return invoice !== undefined && isPayable(invoice.status) && invoice.amount_due > 0;
}

/** State with a host to re-render; it needs no lifecycle hook, so it is not registered with addController. */
export class SelectionController {
  /** The invoices shown. */
  invoices: Invoice[] = [];
  /** The ids of the checked invoices. */
  selected: ReadonlySet<string> = new Set();
  /** Each currency's exponent, as the API sent it with the invoices seen so far (a payment's currency is one of them). */
  exponents: Record<string, number> = {};
  #host: SelectionHost;
  #preselected?: ReadonlySet<string>;
  #reload: () => void;

  /** `reload` reads the invoices again (the element's: its code travels in the live connection's chunk, live-connection.ts). */
  constructor(host: SelectionHost, reload: () => void) {
    this.#host = host;
    this.#reload = reload;
  }

  /**
   * Shows `invoices` (only the one named by the host's `invoice` when set). A page about one
   * invoice (the hosted pay page) has it checked from the start, once: the client can still uncheck it.
   */
  show(invoices: Invoice[]): void {
    const only = this.#host.invoice;
    for (const invoice of invoices) this.exponents[invoice.currency] = invoice.currency_exponent;
    this.invoices = only ? invoices.filter((invoice) => invoice.id === only) : invoices;
    if (only && payable(this.invoices[0])) this.#preselected ??= this.selected = new Set([only]);
    this.#host.requestUpdate();
  }

  select(ids: ReadonlySet<string>): void {
    this.selected = ids;
    this.#host.requestUpdate();
  }

  get selection(): Invoice[] {
    return this.invoices.filter((invoice) => this.selected.has(invoice.id));
  }

  get total(): { amount: number; currency: string } | null {
    const chosen = this.selection;
    if (chosen.length === 0) return null;
    return { amount: chosen.reduce((sum, invoice) => sum + invoice.amount_due, 0), currency: chosen[0]!.currency };
  }

  /** The client (un)checked an invoice. */
  toggle(invoice: Invoice, checked: boolean): void {
    const next = new Set(checked && this.selection.some((chosen) => chosen.currency !== invoice.currency) ? [] : this.selected);
    if (checked) next.add(invoice.id);
    else next.delete(invoice.id);
    this.select(next);
    emit(this.#host, "quittance-invoice-selected", { invoice: invoice.id, selected: checked });
  }

  /**
   * Reloads the invoices (once a session is loaded), keeps only what is still payable in the
   * selection and announces what turned paid meanwhile (refreshList in live-connection.ts).
   */
  refresh(): void {
    this.#reload();
  }
}
