/**
 * The Stripe adapter's webhooks inside workerd: events signed with Stripe's own test header helper, verified on the raw body and translated (worker/providers/stripe-webhooks.ts).
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { WebhookSignatureError } from "../../../worker/providers/types";
import { control, createCard, createCheckout, credentials, fakeEvents, provider } from "./stripe-support";
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
