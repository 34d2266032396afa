/**
 * Shared by the payment tests that go through Stripe: a merchant with its own Stripe account in the
 * local fake (tests/support/fake-stripe.ts), a customer with a client session, the fake's control
 * routes, webhooks signed with Stripe's own test header helper and posted to the merchant's URL, and
 * D1 reads of the books (invoices, payments, allocations, refunds) to check that every cent is
 * accounted for.
 */
import { env } from "cloudflare:workers";
import Stripe from "stripe";
import { expect, inject } from "vitest";
import type { RecordedRequest } from "../../support/fake-stripe";
import { collectEvents } from "../paging";
import { api, createCustomer, createInvoice, createMerchant, type ApiResponse, type TestMerchant } from "../helpers";

export const fakeStripeBase = `http://127.0.0.1:${inject("fakeStripePort")}`;

const randomWord = () => crypto.randomUUID().replaceAll("-", "");

export interface StripeWorld {
  merchant: TestMerchant;
  customer: string;
  /** A client session (`cs_…`) of that customer. */
  session: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
}

/** A merchant with its own Stripe account in the fake, accepting card, Checkout and the sandbox. */
export async function stripeWorld(options: { name?: string; methods?: string[] } = {}): Promise<StripeWorld> {
  const merchant = await createMerchant(options.name ?? "Stripe SARL");
  const secretKey = `sk_test_${randomWord()}`;
  const publishableKey = `pk_test_${randomWord()}`;
  const webhookSecret = `whsec_${randomWord()}`;
  const saved = await api(merchant.key, "PUT", "/v1/settings/providers", { stripe: { secret_key: secretKey, publishable_key: publishableKey, webhook_secret: webhookSecret } });
  if (saved.status !== 200) throw new Error(`providers: ${saved.text}`);
  const settings = await api(merchant.key, "PUT", "/v1/settings", { payment_methods: options.methods ?? ["card", "stripe_checkout", "sandbox"] });
  if (settings.status !== 200) throw new Error(`settings: ${settings.text}`);
  const customer = (await createCustomer(merchant.key)).id;
  const session = await clientSession(merchant.key, customer);
  return { merchant, customer, session, secretKey, publishableKey, webhookSecret };
}

export async function clientSession(key: string, customer: string): Promise<string> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer });
  if (response.status !== 201) throw new Error(`client session: ${response.text}`);
  return response.body.token as string;
}

/** An issued eur invoice of `amount` (no tax). */
export async function invoiceOf(world: Pick<StripeWorld, "merchant" | "customer">, amount: number, overrides: Record<string, unknown> = {}) {
  return createInvoice(world.merchant.key, world.customer, { lines: [{ description: "Prestation", quantity: 1, unit_amount: amount, tax_rate: 0 }], ...overrides });
}

export interface StartedPayment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  invoices: string[];
  action: { type: string; client_secret?: string; publishable_key?: string; url?: string; form_url?: string; token?: string };
}

/** POST /v1/client/payments, insisting on 201. */
export async function startPayment(world: Pick<StripeWorld, "session">, invoices: string[], method = "card"): Promise<StartedPayment> {
  const response = await api<StartedPayment>(world.session, "POST", "/v1/client/payments", { invoices, method });
  if (response.status !== 201) throw new Error(`client payment: ${response.status} ${response.text}`);
  return response.body;
}

/** The PaymentIntent or Checkout Session id our payment was created as. */
export async function providerRefOf(paymentId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT provider_ref FROM payments WHERE id = ?").bind(paymentId).first<{ provider_ref: string | null }>();
  if (!row?.provider_ref) throw new Error(`payment ${paymentId} has no provider reference`);
  return row.provider_ref;
}

// --- the fake's control routes -------------------------------------------------------------------

/** Moves an object in the fake the way a payer or a bank would; answers the resulting (unsigned) event. */
export async function control(path: string, body: Record<string, unknown> = {}): Promise<Stripe.Event> {
  const response = await fetch(`${fakeStripeBase}/__test/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`fake ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Stripe.Event;
}

export async function fakeEvents(filter: { type?: string; object?: string } = {}): Promise<Stripe.Event[]> {
  return (await fetch(`${fakeStripeBase}/__test/events?${new URLSearchParams(filter)}`)).json();
}

export async function fakeRequests(filter: { path?: string; idempotency_key?: string } = {}): Promise<RecordedRequest[]> {
  return (await fetch(`${fakeStripeBase}/__test/requests?${new URLSearchParams(filter)}`)).json();
}

/** Every API request the fake received from one Stripe account (by its secret key). */
export async function requestsOf(secretKey: string): Promise<RecordedRequest[]> {
  return (await fakeRequests()).filter((request) => request.headers["authorization"] === `Bearer ${secretKey}`);
}

/** The merchant's own Stripe account, as its dashboard would act on it (a refund made there, say). */
export function stripeDashboard(secretKey: string): Stripe {
  const url = new URL(fakeStripeBase);
  return new Stripe(secretKey, { httpClient: Stripe.createFetchHttpClient(), host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 0 });
}

// --- webhooks ----------------------------------------------------------------------------------------

export async function signStripe(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider: Stripe.createSubtleCryptoProvider() });
}

/** Signs `event` with the merchant's webhook secret (or `secret`) and posts it to `/webhooks/stripe/<merchant>`. */
export async function deliver(
  target: { merchantId: string; webhookSecret: string },
  event: Stripe.Event | string,
  options: { secret?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<{ received?: boolean; outcome?: string; code?: string }>> {
  const payload = typeof event === "string" ? event : JSON.stringify(event);
  const signature = await signStripe(payload, options.secret ?? target.webhookSecret);
  return api(null, "POST", `/webhooks/stripe/${target.merchantId}`, payload, options.headers ?? { "stripe-signature": signature });
}

export const targetOf = (world: StripeWorld) => ({ merchantId: world.merchant.id, webhookSecret: world.webhookSecret });

/** Delivers and insists on 200; answers the outcome the Worker reported. */
export async function deliverOk(world: StripeWorld, event: Stripe.Event): Promise<string> {
  const response = await deliver(targetOf(world), event);
  expect(response.status, response.text).toBe(200);
  return response.body.outcome!;
}

/** A card payment over `invoices` whose PaymentIntent succeeded at the fake (the event is not delivered). */
export async function succeededCard(world: StripeWorld, invoices: string[]) {
  const payment = await startPayment(world, invoices, "card");
  const intent = await providerRefOf(payment.id);
  const event = await control(`payment_intents/${intent}/succeed`);
  return { payment, intent, event };
}

/** A card payment over `invoices`, paid and its webhook delivered. */
export async function paidCard(world: StripeWorld, invoices: string[]) {
  const started = await succeededCard(world, invoices);
  expect(await deliverOk(world, started.event)).toBe("applied");
  return started;
}

// --- the books in D1 ---------------------------------------------------------------------------------

export interface InvoiceBook {
  id: string;
  total: number;
  amount_paid: number;
  status: string;
  processing: number;
}
export interface PaymentBook {
  id: string;
  status: string;
  amount: number;
  amount_refunded: number;
  customer_id: string;
  currency: string;
}
export interface AllocationBook {
  payment_id: string;
  invoice_id: string;
  position: number;
  amount: number;
  amount_refunded: number;
  applied: number;
}

export interface Books {
  invoices: InvoiceBook[];
  payments: PaymentBook[];
  allocations: AllocationBook[];
  refunds: { payment_id: string; amount: number; kind: string }[];
}

export async function booksOf(merchantId: string): Promise<Books> {
  const [invoices, payments, allocations, refunds] = await env.DB.batch([
    env.DB.prepare("SELECT id, total, amount_paid, status, processing FROM invoices WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT id, status, amount, amount_refunded, customer_id, currency FROM payments WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare(
      "SELECT a.payment_id, a.invoice_id, a.position, a.amount, a.amount_refunded, a.applied FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.merchant_id = ? ORDER BY a.payment_id, a.position",
    ).bind(merchantId),
    env.DB.prepare("SELECT r.payment_id, r.amount, r.kind FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.merchant_id = ? ORDER BY r.payment_id, r.created_at").bind(merchantId),
  ]);
  return {
    invoices: invoices!.results as unknown as InvoiceBook[],
    payments: payments!.results as unknown as PaymentBook[],
    allocations: allocations!.results as unknown as AllocationBook[],
    refunds: refunds!.results as unknown as Books["refunds"],
  };
}

const SETTLED = new Set(["succeeded", "partially_refunded", "refunded"]);

/** What a payment holds that no invoice received: its customer's credit (computed here from the rows, not by the Worker). */
export function creditOf(books: Books, payment: PaymentBook): number {
  if (!SETTLED.has(payment.status)) return 0;
  const applied = books.allocations
    .filter((allocation) => allocation.payment_id === payment.id && allocation.applied === 1)
    .reduce((sum, allocation) => sum + allocation.amount - allocation.amount_refunded, 0);
  return payment.amount - payment.amount_refunded - applied;
}

/**
 * Every cent accounted for: no invoice paid past its total or below zero, each invoice's amount paid
 * is exactly what applied allocations gave it, a payment not (yet) settled applied nothing, a settled
 * payment's money is either on invoices or credit (never negative credit), and refunds add up.
 */
export function expectBalancedBooks(books: Books): void {
  for (const invoice of books.invoices) {
    expect(invoice.amount_paid, `invoice ${invoice.id} paid below zero`).toBeGreaterThanOrEqual(0);
    expect(invoice.amount_paid, `invoice ${invoice.id} paid past its total`).toBeLessThanOrEqual(invoice.total);
    const applied = books.allocations
      .filter((allocation) => allocation.invoice_id === invoice.id && allocation.applied === 1)
      .reduce((sum, allocation) => sum + allocation.amount - allocation.amount_refunded, 0);
    expect(invoice.amount_paid, `invoice ${invoice.id}: amount_paid against its applied allocations`).toBe(applied);
  }
  for (const payment of books.payments) {
    const allocations = books.allocations.filter((allocation) => allocation.payment_id === payment.id);
    if (!SETTLED.has(payment.status)) {
      expect(allocations.filter((allocation) => allocation.applied === 1), `payment ${payment.id} is ${payment.status} yet applied money`).toEqual([]);
      expect(payment.amount_refunded).toBe(0);
      continue;
    }
    for (const allocation of allocations) {
      expect(allocation.applied, `payment ${payment.id} settled with a planned allocation left`).toBe(1);
      expect(allocation.amount_refunded).toBeLessThanOrEqual(allocation.amount);
    }
    expect(creditOf(books, payment), `payment ${payment.id}: negative credit`).toBeGreaterThanOrEqual(0);
    const refunded = books.refunds.filter((refund) => refund.payment_id === payment.id).reduce((sum, refund) => sum + refund.amount, 0);
    expect(payment.amount_refunded, `payment ${payment.id}: amount_refunded against its refunds`).toBe(refunded);
  }
}

/** Only the rows a provider event can change, for "nothing changed" checks limited to one merchant. */
export async function merchantFingerprint(merchantId: string): Promise<string> {
  const [books, events, seen] = await Promise.all([
    booksOf(merchantId),
    env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ?").bind(merchantId).first<{ n: number }>(),
    env.DB.prepare("SELECT count(*) AS n FROM provider_events WHERE merchant_id = ?").bind(merchantId).first<{ n: number }>(),
  ]);
  const versions = await env.DB.batch([
    env.DB.prepare("SELECT id, version FROM invoices WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT id, version, charge_ref, failure_message FROM payments WHERE merchant_id = ? ORDER BY id").bind(merchantId),
  ]);
  return JSON.stringify({ books, events: events!.n, seen: seen!.n, versions: versions.map((result) => result.results) });
}

export interface ApiEvent {
  id: string;
  type: string;
  invoice: string | null;
  payment: string | null;
  data: Record<string, any>;
}

/** The merchant's events that name `payment`, in order. */
export async function paymentEvents(key: string, payment: string): Promise<ApiEvent[]> {
  const { items } = await collectEvents<ApiEvent>(key, 100);
  return items.filter((event) => event.payment === payment);
}
