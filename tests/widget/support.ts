/**
 * Shared helpers for the widget's component tests: invoices shaped like the API's, a stand-in for
 * the client API behind a stubbed `window.fetch` (with a live SSE stream the test can push into),
 * and a way to mount <quittance-invoices> and wait for one of its views.
 */
import { expect, vi } from "vitest";
import { currencyExponent, type CurrencyCode } from "../../shared/currencies";
import type { ClientInvoice as Invoice } from "../../shared/schemas/invoices";
import type { ClientPayment } from "../../widget/src/api";
import "../../widget/src/quittance-invoices";
import type { QuittanceInvoices } from "../../widget/src/quittance-invoices";
import type { View } from "../../widget/src/quittance-invoices.component";

export const API_BASE = "https://api.quittance.test";
export const SESSION = "cs_test_session";

let serial = 0;

/** An issued invoice as GET /v1/client/invoices returns it; `total` is TTC with 20 % VAT. */
export function makeInvoice(overrides: Partial<Invoice> & { total?: number } = {}): Invoice {
  serial += 1;
  const total = overrides.total ?? 12_000;
  const currency = overrides.currency ?? "eur";
  const subtotal = Math.round(total / 1.2);
  const tax = total - subtotal;
  const amountCredited = overrides.amount_credited ?? 0;
  const amountPaid = overrides.amount_paid ?? (overrides.status === "paid" ? total - amountCredited : 0);
  const base: Invoice = {
    id: `inv_${String(serial).padStart(26, "0")}`,
    object: "invoice",
    number: `F2026-${String(serial).padStart(6, "0")}`,
    customer: "cus_00000000000000000000000001",
    late_fees: null,
    status: "open",
    processing: false,
    currency,
    currency_exponent: currencyExponent(currency as CurrencyCode),
    bank_transfer: null,
    einvoice: null,
    lines: [{ description: "Consulting", quantity: 1, unit_amount: subtotal, tax_rate: 2000, amount_subtotal: subtotal, amount_tax: tax, amount_total: total }],
    subtotal,
    tax,
    total,
    tax_breakdown: [{ tax_rate: 2000, taxable_amount: subtotal, tax_amount: tax }],
    amount_paid: amountPaid,
    amount_credited: amountCredited,
    amount_due: total - amountPaid - amountCredited,
    credit_notes: [],
    due_date: "2026-03-05",
    net_days: 30,
    overdue: false,
    days_overdue: 0,
    terms: { late_fee_policy: "Late fees: ECB rate + 10 points; 40 € recovery fee.", early_payment_discount: "No discount for early payment." },
    payment_methods: null,
    memo: null,
    payments: [],
    hosted_url: null,
    version: 1,
    issued_at: "2026-02-03T09:00:00.000Z",
    voided_at: null,
    paid_at: overrides.status === "paid" ? "2026-02-10T09:00:00.000Z" : null,
    created: "2026-02-03T09:00:00.000Z",
    updated_at: "2026-02-03T09:00:00.000Z",
  };
  return { ...base, ...overrides };
}

/** A payment as POST /v1/client/payments and GET /v1/client/payments/:id return it. */
export function makePayment(overrides: Partial<ClientPayment> = {}): ClientPayment {
  return {
    id: "pay_00000000000000000000000001",
    object: "client_payment",
    created: "2026-02-10T12:00:00.000Z",
    status: "pending",
    method: "sandbox",
    amount: 0,
    currency: "eur",
    invoices: [],
    failure_message: null,
    action: null,
    ...overrides,
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function problem(status: number, code: string, detail: string): Response {
  return new Response(JSON.stringify({ type: "about:blank", status, code, detail }), { status, headers: { "content-type": "application/problem+json" } });
}

export interface Recorded {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | null;
}

/** One open connection to /v1/client/stream: the test pushes SSE text into it. */
export interface LiveStream {
  headers: Headers;
  push(text: string): void;
  close(): void;
}

type Handler = (request: Recorded) => Response | Promise<Response>;

/**
 * The client API, in memory. Routes are "METHOD /path" (query included); `routes` can be replaced
 * per test. Unknown URLs answer 404 so a stray request shows up as a failure, not a hang.
 */
export class FakeApi {
  config = { payment_methods: ["sandbox"], merchant: { name: "Atelier Demo" } };
  invoices: Invoice[] = [];
  payments = new Map<string, ClientPayment>();
  requests: Recorded[] = [];
  streams: LiveStream[] = [];
  sandboxOutcome: { status: string; failure_message: string | null } = { status: "succeeded", failure_message: null };
  routes = new Map<string, Handler>();
  private spy: ReturnType<typeof vi.spyOn> | null = null;

  constructor() {
    this.routes.set("GET /v1/client/config", () => json(this.config));
    this.routes.set("GET /v1/client/invoices?limit=100", () => json({ object: "list", data: this.invoices, has_more: false }));
    this.routes.set("GET /v1/client/stream", (request) => this.openStream(request));
    this.routes.set("POST /v1/client/payments", (request) => json(this.createPayment(request.body as { invoices: string[]; method: string })));
  }

  install(): void {
    const original = window.fetch.bind(window);
    this.spy = vi.spyOn(window, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input), location.href);
      if (url.origin === location.origin) return original(input, init);
      const text = typeof init?.body === "string" ? init.body : "";
      const recorded: Recorded = { method: init?.method ?? "GET", url, headers: new Headers(init?.headers), body: text ? JSON.parse(text) : undefined, signal: init?.signal ?? null };
      this.requests.push(recorded);
      const key = `${recorded.method} ${url.pathname}${url.search}`;
      const handler = this.routes.get(key) ?? this.dynamicRoute(recorded);
      if (!handler) return problem(404, "not_found", `no stand-in for ${key}`);
      return handler(recorded);
    });
  }

  uninstall(): void {
    this.spy?.mockRestore();
    this.spy = null;
  }

  /** The requests made to a path (query included), e.g. "GET /v1/client/invoices?limit=100". */
  calls(key: string): Recorded[] {
    return this.requests.filter((request) => `${request.method} ${request.url.pathname}${request.url.search}` === key);
  }

  /** The most recent live connection, once the widget has opened it. */
  async stream(count = 1): Promise<LiveStream> {
    await vi.waitFor(() => expect(this.streams.length).toBeGreaterThanOrEqual(count), { timeout: 5_000 });
    return this.streams[count - 1]!;
  }

  private createPayment(body: { invoices: string[]; method: string }): ClientPayment {
    const chosen = this.invoices.filter((invoice) => body.invoices.includes(invoice.id));
    const id = `pay_${String(this.payments.size + 1).padStart(26, "0")}`;
    const payment = makePayment({
      id,
      method: body.method,
      amount: chosen.reduce((sum, invoice) => sum + invoice.amount_due, 0),
      currency: chosen[0]?.currency ?? "eur",
      invoices: body.invoices,
      action: this.actionFor(body.method, id),
    });
    this.payments.set(id, payment);
    return payment;
  }

  private actionFor(method: string, id: string): ClientPayment["action"] {
    if (method === "card") return { type: "card", client_secret: `${id}_secret_test`, publishable_key: "pk_test_standin" };
    if (method === "paypal") return { type: "paypal", order_id: "ORDER-STANDIN-1", client_id: "paypal-client-standin", approve_url: null };
    if (method === "stripe_checkout") return { type: "redirect", url: "https://checkout.stripe.test/c/pay" };
    return { type: "sandbox", form_url: `${API_BASE}/sandbox/pay/${id}`, token: "sbx_token" };
  }

  /** GET /v1/client/payments/:id, POST …/capture and the sandbox form: settle as `sandboxOutcome` says. */
  private dynamicRoute(request: Recorded): Handler | undefined {
    const path = request.url.pathname;
    const sandbox = /^\/sandbox\/pay\/(pay_\w+)$/.exec(path);
    if (request.method === "POST" && sandbox) {
      return () => {
        this.settle(sandbox[1]!);
        return json(this.sandboxOutcome);
      };
    }
    const payment = /^\/v1\/client\/payments\/(pay_\w+)(\/capture)?$/.exec(path);
    if (!payment || !this.payments.has(payment[1]!)) return undefined;
    if (request.method === "POST" && payment[2]) return () => json(this.settle(payment[1]!));
    if (request.method === "GET" && !payment[2]) return () => json(this.payments.get(payment[1]!));
    return undefined;
  }

  /** Applies `sandboxOutcome` to the payment (as the provider's webhook would) and, on success, to its invoices. */
  settle(id: string): ClientPayment {
    const payment = this.payments.get(id)!;
    const succeeded = this.sandboxOutcome.status === "succeeded";
    const settled: ClientPayment = { ...payment, status: succeeded ? "succeeded" : "failed", failure_message: this.sandboxOutcome.failure_message };
    this.payments.set(id, settled);
    if (succeeded) this.markPaid(...payment.invoices);
    return settled;
  }

  markPaid(...ids: string[]): void {
    this.invoices = this.invoices.map((invoice) =>
      ids.includes(invoice.id) ? { ...invoice, status: "paid", amount_paid: invoice.total, amount_due: 0, overdue: false, days_overdue: 0, paid_at: "2026-02-20T10:00:00.000Z" } : invoice,
    );
  }

  private openStream(request: Recorded): Response {
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    let open = true;
    const stream: LiveStream = {
      headers: request.headers,
      push: (text) => open && controller.enqueue(encoder.encode(text)),
      close: () => {
        if (open) controller.close();
        open = false;
      },
    };
    this.streams.push(stream);
    // A real fetch body errors when its request is aborted; this one does the same.
    request.signal?.addEventListener("abort", () => {
      if (open) controller.error(request.signal!.reason);
      open = false;
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  }
}

/** Mounts <quittance-invoices> in the page with the stand-in API; `lang` defaults to English. */
export async function mountWidget(attributes: Record<string, string> = {}): Promise<QuittanceInvoices> {
  const element = document.createElement("quittance-invoices");
  const all: Record<string, string> = { session: SESSION, "api-base": API_BASE, lang: "en", ...attributes };
  for (const [name, value] of Object.entries(all)) element.setAttribute(name, value);
  document.body.append(element);
  await element.updateComplete;
  return element;
}

/** Waits until the widget shows `kind` and has rendered it. */
export async function waitForView(element: QuittanceInvoices, kind: View["kind"]): Promise<void> {
  await vi.waitFor(() => expect(element.view.kind).toBe(kind), { timeout: 5_000 });
  await element.updateComplete;
}

export function shadow(element: QuittanceInvoices): ShadowRoot {
  return element.shadowRoot!;
}

export function part(element: QuittanceInvoices, name: string): HTMLElement | null {
  return shadow(element).querySelector<HTMLElement>(`[part~="${name}"]`);
}

export function parts(element: QuittanceInvoices, name: string): HTMLElement[] {
  return [...shadow(element).querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

/** Visible text with whitespace collapsed (narrow and plain no-break spaces are kept as they are). */
export function text(node: Element | null | undefined): string {
  return (node?.textContent ?? "").replace(/[ \t\n\r]+/g, " ").trim();
}

/** The button whose text is `label` in the widget's shadow tree. */
export function button(element: QuittanceInvoices, label: string): HTMLButtonElement {
  const found = [...shadow(element).querySelectorAll("button")].find((candidate) => text(candidate) === label);
  if (!found) throw new Error(`no button "${label}" in ${shadow(element).innerHTML}`);
  return found;
}

/** The checkbox of an invoice in the list. */
export function checkbox(element: QuittanceInvoices, invoice: Invoice): HTMLInputElement {
  const found = shadow(element).querySelector<HTMLInputElement>(`#select-${invoice.id}`);
  if (!found) throw new Error(`no checkbox for ${invoice.id}`);
  return found;
}

/** The live region that announces changes to screen readers. */
export function liveRegion(element: QuittanceInvoices): HTMLElement {
  return shadow(element).querySelector<HTMLElement>('[part="base"] > [role="status"][aria-live="polite"]')!;
}

/** Removes every widget from the page (which aborts their streams). */
export function removeWidgets(): void {
  for (const element of document.querySelectorAll("quittance-invoices")) element.remove();
}

/** Selects the invoices, opens the method picker, picks `method` and continues. */
export async function payWith(element: QuittanceInvoices, invoices: Invoice[], method: string): Promise<void> {
  for (const invoice of invoices) checkbox(element, invoice).click();
  await element.updateComplete;
  part(element, "pay-button")!.click();
  await waitForView(element, "method");
  const radio = [...shadow(element).querySelectorAll<HTMLInputElement>('input[type="radio"]')].find((candidate) => candidate.value === method);
  if (!radio) throw new Error(`method ${method} not offered`);
  radio.click();
  await element.updateComplete;
  part(element, "continue-button")!.click();
}
