/**
 * The Stripe adapter inside workerd: the real `stripe` SDK (fetch HTTP client) against the local fake
 * of the Stripe API (tests/support/fake-stripe.ts), and webhooks signed with Stripe's own test header
 * helper. Every test uses its own payment ids, and this file its own secret key (a Stripe account of
 * its own in the fake), so it can run beside the other test files sharing the fake.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createStripeProvider } from "../../../worker/providers/stripe";
import { ProviderError } from "../../../worker/providers/types";
import { base, control, createCard, createCheckout, credentials, expectProviderError, fakeEvents, paymentInput, provider, receivedRequests } from "./stripe-support";
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
