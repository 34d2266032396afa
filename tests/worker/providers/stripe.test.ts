/**
 * The Stripe adapter inside workerd: the real `stripe` SDK (fetch HTTP client) against the local fake
 * of the Stripe API (tests/support/fake-stripe.ts), and webhooks signed with Stripe's own test header
 * helper. Every test uses its own payment ids, and this file its own secret key (a Stripe account of
 * its own in the fake), so it can run beside the other test files sharing the fake.
 */
import Stripe from "stripe";
import { describe, expect, inject, it } from "vitest";
import { createStripeProvider } from "../../../worker/providers/stripe";
import {
  ProviderError,
  WebhookSignatureError,
  type CreatePaymentInput,
  type StripeCredentials,
} from "../../../worker/providers/types";
import type { RecordedRequest } from "../../support/fake-stripe";

const base = `http://127.0.0.1:${inject("fakeStripePort")}`;
const credentials: StripeCredentials = {
  secret_key: `sk_test_${crypto.randomUUID().replaceAll("-", "")}`,
  publishable_key: "pk_test_quittance_adapter",
  webhook_secret: "whsec_quittance_adapter_tests",
};
const provider = createStripeProvider(credentials, { apiBase: base });

const newPaymentId = () => `pay_${crypto.randomUUID().replaceAll("-", "")}`;

function paymentInput(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  const paymentId = newPaymentId();
  return {
    paymentId,
    merchantId: "mer_adapter",
    amount: 12_345,
    currency: "eur",
    method: "card",
    description: "Invoices F2026-000001, F2026-000002",
    customerEmail: "client@example.com",
    returnUrl: "https://shop.example/paid",
    cancelUrl: "https://shop.example/cart",
    idempotencyKey: `${paymentId}:create`,
    ...overrides,
  };
}

/** Moves an object in the fake the way a payer or a bank would; answers the resulting event. */
async function control(path: string, body: Record<string, unknown> = {}): Promise<Stripe.Event> {
  const response = await fetch(`${base}/__test/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

async function receivedRequests(filter: { path?: string; idempotency_key?: string }): Promise<RecordedRequest[]> {
  const response = await fetch(`${base}/__test/requests?${new URLSearchParams(filter)}`);
  return response.json();
}

async function fakeEvents(filter: { type?: string; object?: string }): Promise<Stripe.Event[]> {
  const response = await fetch(`${base}/__test/events?${new URLSearchParams(filter)}`);
  return response.json();
}

async function createCard(overrides: Partial<CreatePaymentInput> = {}) {
  const input = paymentInput(overrides);
  return { input, created: await provider.createPayment(input) };
}

async function createCheckout(overrides: Partial<CreatePaymentInput> = {}) {
  const input = paymentInput({ method: "stripe_checkout", ...overrides });
  return { input, created: await provider.createPayment(input) };
}

async function expectProviderError(promise: Promise<unknown>, status: number | null): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).status).toBe(status);
  return error as ProviderError;
}

describe("Stripe adapter: creating payments", () => {
  it("should create a PaymentIntent with our metadata and idempotency key and answer its client secret when the method is card", async () => {
    const { input, created } = await createCard();

    expect(created.providerRef).toMatch(/^pi_/);
    expect(created.action).toEqual({
      type: "card",
      client_secret: expect.stringMatching(new RegExp(`^${created.providerRef}_secret_`)),
      publishable_key: "pk_test_quittance_adapter",
    });
    const [request, ...others] = await receivedRequests({ idempotency_key: input.idempotencyKey });
    expect(others).toEqual([]);
    expect(request).toMatchObject({ method: "POST", path: "/v1/payment_intents" });
    expect(request?.headers["authorization"]).toBe(`Bearer ${credentials.secret_key}`);
    expect(request?.params).toEqual({
      amount: "12345",
      currency: "eur",
      automatic_payment_methods: { enabled: "true" },
      description: input.description,
      receipt_email: "client@example.com",
      metadata: { quittance_payment: input.paymentId, quittance_merchant: "mer_adapter" },
    });
  });

  it("should return the same PaymentIntent when the same idempotency key is sent twice", async () => {
    const input = paymentInput();
    const first = await provider.createPayment(input);
    const second = await provider.createPayment(input);

    expect(second).toEqual(first);
    const lookup = await (await fetch(`${base}/__test/lookup?quittance_payment=${input.paymentId}`)).json<{ payment_intents: Stripe.PaymentIntent[] }>();
    expect(lookup.payment_intents.map((intent) => intent.id)).toEqual([first.providerRef]);
    expect(await receivedRequests({ idempotency_key: input.idempotencyKey })).toHaveLength(2);
  });

  it("should not send a receipt email when the customer has no email", async () => {
    const { input } = await createCard({ customerEmail: null });

    const [request] = await receivedRequests({ idempotency_key: input.idempotencyKey });
    expect(request?.params).not.toHaveProperty("receipt_email");
  });

  it("should create a Checkout Session with one line item, the return URLs and our ids when the method is stripe_checkout", async () => {
    const { input, created } = await createCheckout({ amount: 5000, currency: "jpy" });

    expect(created.providerRef).toMatch(/^cs_test_/);
    expect(created.action).toEqual({ type: "redirect", url: `${base}/c/pay/${created.providerRef}` });
    const [request, ...others] = await receivedRequests({ idempotency_key: input.idempotencyKey });
    expect(others).toEqual([]);
    expect(request).toMatchObject({ method: "POST", path: "/v1/checkout/sessions" });
    const metadata = { quittance_payment: input.paymentId, quittance_merchant: "mer_adapter" };
    expect(request?.params).toEqual({
      mode: "payment",
      line_items: { "0": { quantity: "1", price_data: { currency: "jpy", unit_amount: "5000", product_data: { name: input.description } } } },
      success_url: "https://shop.example/paid",
      cancel_url: "https://shop.example/cart",
      client_reference_id: input.paymentId,
      metadata,
      payment_intent_data: { metadata, description: input.description },
      customer_email: "client@example.com",
    });
  });

  it("should answer a ProviderError with status 401 when the merchant's secret key is unknown to Stripe", async () => {
    const stranger = createStripeProvider({ ...credentials, secret_key: "sk_live_not_a_test_key" }, { apiBase: base });

    const error = await expectProviderError(stranger.createPayment(paymentInput()), 401);
    expect(error.message).toContain("Invalid API Key");
  });

  it("should answer a ProviderError with status 400 when an idempotency key is reused with another amount", async () => {
    const input = paymentInput();
    await provider.createPayment(input);

    const error = await expectProviderError(provider.createPayment({ ...input, amount: input.amount + 1 }), 400);
    expect(error.message).toContain("same parameters");
  });

  it("should answer a ProviderError without status when Stripe cannot be reached", async () => {
    // Nothing listens on port 9 (discard). workerd logs the refused connection to stderr; that noise is expected.
    const offline = createStripeProvider(credentials, { apiBase: "http://127.0.0.1:9" });

    await expectProviderError(offline.createPayment(paymentInput()), null);
  });

  it("should refuse without calling Stripe when the method belongs to another provider", async () => {
    const input = paymentInput({ method: "paypal" });

    await expect(provider.createPayment(input)).rejects.toThrow(/cannot take method "paypal"/);
    expect(await receivedRequests({ idempotency_key: input.idempotencyKey })).toEqual([]);
  });
});

describe("Stripe adapter: retrieving payments", () => {
  it("should report processing when the PaymentIntent still waits for the payer", async () => {
    const { input, created } = await createCard();

    expect(await provider.retrievePayment(created.providerRef)).toEqual({
      providerRef: created.providerRef,
      state: "processing",
      amountReceived: 0,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: created.providerRef,
      failureMessage: null,
    });
  });

  it("should report succeeded with the amount received when the PaymentIntent succeeded", async () => {
    const { input, created } = await createCard();
    await control(`payment_intents/${created.providerRef}/succeed`);

    expect(await provider.retrievePayment(created.providerRef)).toEqual({
      providerRef: created.providerRef,
      state: "succeeded",
      amountReceived: 12_345,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: created.providerRef,
      failureMessage: null,
    });
  });

  it("should report failed with the decline message when the last attempt failed", async () => {
    const { created } = await createCard();
    await control(`payment_intents/${created.providerRef}/fail`, { decline_code: "insufficient_funds" });

    expect(await provider.retrievePayment(created.providerRef)).toMatchObject({
      state: "failed",
      amountReceived: 0,
      failureMessage: "Your card has insufficient funds.",
    });
  });

  it("should report canceled when the PaymentIntent was canceled", async () => {
    const { created } = await createCard();
    await control(`payment_intents/${created.providerRef}/cancel`);

    expect(await provider.retrievePayment(created.providerRef)).toMatchObject({ state: "canceled", amountReceived: 0, failureMessage: null });
  });

  it("should count every refund made so far when the payment was refunded twice", async () => {
    const { input, created } = await createCard();
    await control(`payment_intents/${created.providerRef}/succeed`);
    await provider.refund(created.providerRef, 1000, "eur", `${input.paymentId}:refund:1`);
    await provider.refund(created.providerRef, 500, "eur", `${input.paymentId}:refund:2`);

    expect(await provider.retrievePayment(created.providerRef)).toMatchObject({ state: "succeeded", amountReceived: 12_345, amountRefunded: 1500 });
  });

  it("should report an open Checkout Session as processing with no charge yet", async () => {
    const { input, created } = await createCheckout();

    expect(await provider.retrievePayment(created.providerRef)).toEqual({
      providerRef: created.providerRef,
      state: "processing",
      amountReceived: 0,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: null,
      failureMessage: null,
    });
  });

  it("should report a completed Checkout Session as succeeded with its PaymentIntent as the charge reference", async () => {
    const { input, created } = await createCheckout();
    const completed = await control(`checkout/sessions/${created.providerRef}/complete`);
    const session = completed.data.object as Stripe.Checkout.Session;

    expect(await provider.retrievePayment(created.providerRef)).toEqual({
      providerRef: created.providerRef,
      state: "succeeded",
      amountReceived: 12_345,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: session.payment_intent,
      failureMessage: null,
    });
    expect(session.payment_intent).toMatch(/^pi_/);
  });

  it("should report an expired Checkout Session as canceled", async () => {
    const { created } = await createCheckout();
    await control(`checkout/sessions/${created.providerRef}/expire`);

    expect(await provider.retrievePayment(created.providerRef)).toMatchObject({ state: "canceled", amountReceived: 0, chargeRef: null });
  });

  it("should answer a ProviderError with status 404 when the PaymentIntent belongs to another Stripe account", async () => {
    const { created } = await createCard();
    const otherAccount = createStripeProvider({ ...credentials, secret_key: "sk_test_another_merchant_account" }, { apiBase: base });

    await expectProviderError(otherAccount.retrievePayment(created.providerRef), 404);
  });

  it("should answer a ProviderError when the reference is not a PaymentIntent or a Checkout Session", async () => {
    await expectProviderError(provider.retrievePayment("ch_123"), null);
  });
});

describe("Stripe adapter: refunds", () => {
  it("should refund part of the PaymentIntent under our idempotency key when asked", async () => {
    const { input, created } = await createCard();
    await control(`payment_intents/${created.providerRef}/succeed`);
    const key = `${input.paymentId}:refund:1`;

    const { refundRef } = await provider.refund(created.providerRef, 2345, "eur", key);

    expect(refundRef).toMatch(/^re_/);
    const [request] = await receivedRequests({ idempotency_key: key });
    expect(request).toMatchObject({ method: "POST", path: "/v1/refunds", params: { payment_intent: created.providerRef, amount: "2345" } });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: created.providerRef });
    expect((refunded?.data.object as Stripe.Charge).amount_refunded).toBe(2345);
  });

  it("should refund once when the same refund is retried with the same key", async () => {
    const { input, created } = await createCard();
    await control(`payment_intents/${created.providerRef}/succeed`);
    const key = `${input.paymentId}:refund:1`;

    const first = await provider.refund(created.providerRef, 2000, "eur", key);
    const second = await provider.refund(created.providerRef, 2000, "eur", key);

    expect(second).toEqual(first);
    expect(await provider.retrievePayment(created.providerRef)).toMatchObject({ amountRefunded: 2000 });
  });

  it("should answer a ProviderError with status 400 when the refund is larger than what is left", async () => {
    const { input, created } = await createCard();
    await control(`payment_intents/${created.providerRef}/succeed`);
    await provider.refund(created.providerRef, 12_000, "eur", `${input.paymentId}:refund:1`);

    const error = await expectProviderError(provider.refund(created.providerRef, 1000, "eur", `${input.paymentId}:refund:2`), 400);
    expect(error.message).toContain("greater than unrefunded amount");
  });
});

describe("Stripe adapter: webhooks", () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  async function signed(event: Stripe.Event, options: { secret?: string; timestamp?: number } = {}) {
    const payload = JSON.stringify(event);
    const header = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: options.secret ?? credentials.webhook_secret,
      timestamp: options.timestamp ?? nowSeconds(),
      cryptoProvider: Stripe.createSubtleCryptoProvider(),
    });
    return { payload, headers: new Headers({ "stripe-signature": header, "content-type": "application/json" }) };
  }

  async function verify(event: Stripe.Event, options: { secret?: string; timestamp?: number } = {}) {
    const { payload, headers } = await signed(event, options);
    return provider.verifyWebhook(payload, headers, new Date());
  }

  const occurredAt = (event: Stripe.Event) => new Date(event.created * 1000).toISOString();

  async function succeededIntent() {
    const { input, created } = await createCard();
    const event = await control(`payment_intents/${created.providerRef}/succeed`);
    return { input, created, event };
  }

  it("should map payment_intent.succeeded to payment_succeeded when the signature is valid", async () => {
    const { input, created, event } = await succeededIntent();

    expect(await verify(event)).toEqual({
      id: event.id,
      occurredAt: occurredAt(event),
      kind: "payment_succeeded",
      providerRef: created.providerRef,
      chargeRef: created.providerRef,
      paymentId: input.paymentId,
      amount: 12_345,
      currency: "eur",
    });
    expect(event.id).toMatch(/^evt_/);
  });

  it("should map payment_intent.payment_failed to payment_failed with the decline message when the signature is valid", async () => {
    const { input, created } = await createCard();
    const event = await control(`payment_intents/${created.providerRef}/fail`, { decline_code: "generic_decline" });

    expect(await verify(event)).toEqual({
      id: event.id,
      occurredAt: occurredAt(event),
      kind: "payment_failed",
      providerRef: created.providerRef,
      paymentId: input.paymentId,
      reason: "Your card was declined.",
    });
  });

  it("should map a paid checkout.session.completed to payment_succeeded on the session when the signature is valid", async () => {
    const { input, created } = await createCheckout({ amount: 9900 });
    const event = await control(`checkout/sessions/${created.providerRef}/complete`);
    const session = event.data.object as Stripe.Checkout.Session;

    expect(await verify(event)).toEqual({
      id: event.id,
      occurredAt: occurredAt(event),
      kind: "payment_succeeded",
      providerRef: created.providerRef,
      chargeRef: session.payment_intent,
      paymentId: input.paymentId,
      amount: 9900,
      currency: "eur",
    });
  });

  it("should ignore checkout.session.completed when the session is not paid yet", async () => {
    const { created } = await createCheckout();
    const event = await control(`checkout/sessions/${created.providerRef}/complete`);
    (event.data.object as Stripe.Checkout.Session).payment_status = "unpaid";

    expect(await verify(event)).toEqual({ id: event.id, occurredAt: occurredAt(event), kind: "ignored", type: "checkout.session.completed" });
  });

  it("should map checkout.session.async_payment_succeeded to payment_succeeded when a delayed payment settles", async () => {
    const { input, created } = await createCheckout();
    const completed = await control(`checkout/sessions/${created.providerRef}/complete`);
    const event = { ...completed, type: "checkout.session.async_payment_succeeded" } as Stripe.Event;

    expect(await verify(event)).toMatchObject({ kind: "payment_succeeded", providerRef: created.providerRef, paymentId: input.paymentId, amount: 12_345 });
  });

  it("should map checkout.session.async_payment_failed to payment_failed when a delayed payment bounces", async () => {
    const { input, created } = await createCheckout();
    const completed = await control(`checkout/sessions/${created.providerRef}/complete`);
    const event = { ...completed, type: "checkout.session.async_payment_failed" } as Stripe.Event;

    expect(await verify(event)).toMatchObject({ kind: "payment_failed", providerRef: created.providerRef, paymentId: input.paymentId });
  });

  it("should map charge.refunded to refunded with the cumulative amount when the signature is valid", async () => {
    const { input, created } = await succeededIntent();
    await provider.refund(created.providerRef, 1000, "eur", `${input.paymentId}:refund:1`);
    await provider.refund(created.providerRef, 345, "eur", `${input.paymentId}:refund:2`);
    const refundedEvents = await fakeEvents({ type: "charge.refunded", object: created.providerRef });
    expect(refundedEvents).toHaveLength(2);
    const latest = refundedEvents[1]!;

    expect(await verify(latest)).toEqual({
      id: latest.id,
      occurredAt: occurredAt(latest),
      kind: "refunded",
      chargeRef: created.providerRef,
      paymentId: input.paymentId,
      amountRefunded: 1345,
    });
  });

  it("should map charge.dispute.created to disputed on the PaymentIntent when the signature is valid", async () => {
    const { created } = await succeededIntent();
    const event = await control(`payment_intents/${created.providerRef}/dispute`, { amount: 12_000 });

    expect(await verify(event)).toEqual({
      id: event.id,
      occurredAt: occurredAt(event),
      kind: "disputed",
      chargeRef: created.providerRef,
      paymentId: null,
      amount: 12_000,
    });
  });

  it("should answer ignored with the event type when the event is one we do not act on", async () => {
    const { created } = await createCard();
    const event = await control(`payment_intents/${created.providerRef}/cancel`);

    expect(await verify(event)).toEqual({ id: event.id, occurredAt: occurredAt(event), kind: "ignored", type: "payment_intent.canceled" });
  });

  it("should accept the signature when its timestamp is four minutes off either way", async () => {
    const { event } = await succeededIntent();

    await expect(verify(event, { timestamp: nowSeconds() - 240 })).resolves.toMatchObject({ kind: "payment_succeeded" });
    await expect(verify(event, { timestamp: nowSeconds() + 240 })).resolves.toMatchObject({ kind: "payment_succeeded" });
  });

  it("should judge the timestamp against the clock it is given when a time is passed", async () => {
    const { event } = await succeededIntent();
    const signedAt = nowSeconds() - 3600;
    const { payload, headers } = await signed(event, { timestamp: signedAt });

    await expect(provider.verifyWebhook(payload, headers, new Date((signedAt + 60) * 1000))).resolves.toMatchObject({ kind: "payment_succeeded" });
    await expect(provider.verifyWebhook(payload, headers, new Date())).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when the event was signed with another secret", async () => {
    const { event } = await succeededIntent();

    await expect(verify(event, { secret: "whsec_someone_else" })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when the body was altered after signing", async () => {
    const { event } = await succeededIntent();
    const { payload, headers } = await signed(event);
    const altered = payload.replace('"amount_received":12345', '"amount_received":99999');
    expect(altered).not.toBe(payload);

    await expect(provider.verifyWebhook(altered, headers, new Date())).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when the Stripe-Signature header is missing", async () => {
    const { event } = await succeededIntent();

    await expect(provider.verifyWebhook(JSON.stringify(event), new Headers(), new Date())).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when the signature is ten minutes old", async () => {
    const { event } = await succeededIntent();

    await expect(verify(event, { timestamp: nowSeconds() - 600 })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when the signature is ten minutes in the future", async () => {
    const { event } = await succeededIntent();

    await expect(verify(event, { timestamp: nowSeconds() + 600 })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it("should throw WebhookSignatureError when a second timestamp in the future is slipped into the header", async () => {
    const { event } = await succeededIntent();
    const { payload, headers } = await signed(event);
    headers.set("stripe-signature", `t=${nowSeconds() + 3600},${headers.get("stripe-signature")}`);

    await expect(provider.verifyWebhook(payload, headers, new Date())).rejects.toBeInstanceOf(WebhookSignatureError);
  });
});
