/** What <quittance-invoices> can show, and what its render modules need from it. Types only. */
import type { ClientApi, ClientConfig, ClientPayment } from "./api";
import type { Locale, Strings } from "./i18n";

export type View =
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "list" }
  | { kind: "detail"; invoiceId: string }
  | { kind: "method" }
  | { kind: "paying"; payment: ClientPayment; busy: boolean; message: string | null }
  | { kind: "paid"; payment: ClientPayment }
  | { kind: "failed"; message: string; payment: ClientPayment | null }
  | { kind: "transfer" };

/** The steps the pay flow owns. */
export type FlowView = Extract<View, { kind: "method" | "paying" | "paid" | "failed" | "transfer" }>;

/** One loaded session: its client, the merchant's configuration, and its lifetime (aborted on reload or removal). */
export interface Session {
  api: ClientApi;
  config: ClientConfig;
  signal: AbortSignal;
}

/** The words and formats of the element's language: all a render module needs besides its state. */
export interface Ui {
  readonly locale: Locale;
  readonly t: Strings;
  money(amount: number, currency: string): string;
}
