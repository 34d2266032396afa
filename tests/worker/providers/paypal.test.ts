/**
 * The PayPal adapter inside workerd, against the local fake of the PayPal REST API
 * (tests/support/fake-paypal.ts). Webhooks are signed by the fake with its own RSA key and served
 * certificate, so verification runs the production code path (certificate download, X.509 walk,
 * WebCrypto). Every test uses its own PayPal client id (an account of its own in the fake) and its
 * own payment ids, so this file can run beside others sharing the fake.
 */
import { describe, expect, inject, it } from "vitest";
import type { CurrencyCode } from "../../../shared/currencies";
import { crc32 } from "../../../worker/providers/crc32";
import { createPayPalProvider } from "../../../worker/providers/paypal";
import {
  ProviderError,
  WebhookSignatureError,
  type CreatePaymentInput,
  type PaymentProvider,
  type PayPalCredentials,
} from "../../../worker/providers/types";
import { CertificateFormatError, readCertificate } from "../../../worker/providers/x509";
import type { LoggedRequest, SignedWebhook } from "../../support/fake-paypal";

const base = `http://127.0.0.1:${inject("fakePayPalPort")}`;
const WEBHOOK_ID = "WH-QUITTANCE-ADAPTER-TESTS";

function newCredentials(overrides: Partial<PayPalCredentials> = {}): PayPalCredentials {
  return {
    client_id: `client-${crypto.randomUUID()}`,
    client_secret: "secret-for-tests",
    webhook_id: WEBHOOK_ID,
    environment: "sandbox",
    ...overrides,
  };
}

function newProvider(credentials: PayPalCredentials = newCredentials()): PaymentProvider {
  return createPayPalProvider(credentials, { apiBase: base });
}

function paymentInput(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  const paymentId = `pay_${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    paymentId,
    merchantId: "mer_paypal_adapter",
    amount: 1234,
    currency: "eur",
    method: "paypal",
    description: "Invoices F2026-000001, F2026-000002",
    customerEmail: "client@example.com",
    returnUrl: "https://shop.example/paid",
    cancelUrl: "https://shop.example/cart",
    idempotencyKey: `${paymentId}:create`,
    ...overrides,
  };
}

/** Calls a test-only control route of the fake and answers its JSON. */
async function control<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${base}/__test/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

async function requestsTo(pathPrefix: string): Promise<LoggedRequest[]> {
  const response = await fetch(`${base}/__test/requests?${new URLSearchParams({ path_prefix: pathPrefix })}`);
  return ((await response.json()) as { requests: LoggedRequest[] }).requests;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** Creates an order, has the buyer approve it and captures it. */
async function capturedOrder(provider: PaymentProvider, input: CreatePaymentInput, captureStatus: "COMPLETED" | "DECLINED" | "PENDING" = "COMPLETED") {
  const created = await provider.createPayment(input);
  await control(`orders/${created.providerRef}/approve`, { capture_status: captureStatus });
  const facts = await provider.capture!(created.providerRef, `${input.paymentId}:capture`);
  return { orderId: created.providerRef, facts };
}

async function buildEvent(eventType: string, orderId: string): Promise<Record<string, unknown>> {
  return (await control<{ event: Record<string, unknown> }>("webhooks/event", { event_type: eventType, order_id: orderId })).event;
}

async function sign(options: Record<string, unknown>): Promise<SignedWebhook> {
  return control<SignedWebhook>("webhooks/sign", { webhook_id: WEBHOOK_ID, ...options });
}

function verify(provider: PaymentProvider, signed: SignedWebhook, now = new Date()) {
  return provider.verifyWebhook(signed.body, new Headers(signed.headers), now);
}

/** A signed event the adapter ignores (its content does not matter), for the signature checks. */
function signedNoise(options: Record<string, unknown> = {}): Promise<SignedWebhook> {
  const event = { id: `WH-${crypto.randomUUID()}`, event_type: "CHECKOUT.ORDER.APPROVED", create_time: new Date().toISOString(), resource: {} };
  return sign({ event, ...options });
}

describe("PayPal createPayment", () => {
  it("should create a CAPTURE order carrying custom_id and the PayPal-Request-Id when a paypal payment starts", async () => {
    const credentials = newCredentials();
    const input = paymentInput();
    const created = await newProvider(credentials).createPayment(input);

    expect(created.providerRef).toMatch(/^[A-Z0-9]{17}$/);
    expect(created.action).toEqual({
      type: "paypal",
      order_id: created.providerRef,
      client_id: credentials.client_id,
      approve_url: `${base}/checkoutnow?token=${created.providerRef}`,
    });
    const [request] = (await requestsTo("/v2/checkout/orders")).filter((logged) => logged.headers["paypal-request-id"] === input.idempotencyKey);
    expect(request?.method).toBe("POST");
    expect(JSON.parse(request!.body)).toEqual({
      intent: "CAPTURE",
      purchase_units: [{ custom_id: input.paymentId, description: input.description, amount: { currency_code: "EUR", value: "12.34" } }],
      payment_source: {
        paypal: {
          experience_context: { return_url: input.returnUrl, cancel_url: input.cancelUrl, shipping_preference: "NO_SHIPPING", user_action: "PAY_NOW" },
        },
      },
    });
  });

  it.each([
    { currency: "eur", amount: 1234, value: "12.34" },
    { currency: "jpy", amount: 1234, value: "1234" },
    { currency: "kwd", amount: 1234, value: "1.234" },
    { currency: "huf", amount: 123_400, value: "1234" },
    { currency: "twd", amount: 5000, value: "50" },
    { currency: "usd", amount: 5, value: "0.05" },
  ] as { currency: CurrencyCode; amount: number; value: string }[])(
    "should send $value when the amount is $amount minor units of $currency",
    async ({ currency, amount, value }) => {
      const input = paymentInput({ currency, amount });
      await newProvider().createPayment(input);
      const [request] = (await requestsTo("/v2/checkout/orders")).filter((logged) => logged.headers["paypal-request-id"] === input.idempotencyKey);
      expect(JSON.parse(request!.body).purchase_units[0].amount).toEqual({ currency_code: currency.toUpperCase(), value });
    },
  );

  it("should refuse without calling PayPal when a HUF amount has decimals", async () => {
    const input = paymentInput({ currency: "huf", amount: 123_456 });
    const error = await caught(newProvider().createPayment(input));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/HUF without decimals/);
    expect((await requestsTo("/v2/checkout/orders")).filter((logged) => logged.headers["paypal-request-id"] === input.idempotencyKey)).toEqual([]);
  });

  it("should answer the same order when a create is retried with the same PayPal-Request-Id", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const first = await provider.createPayment(input);
    const retried = await provider.createPayment(input);
    const other = await provider.createPayment({ ...input, idempotencyKey: `${input.paymentId}:other` });
    expect(retried.providerRef).toBe(first.providerRef);
    expect(other.providerRef).not.toBe(first.providerRef);
  });

  it("should throw a ProviderError with PayPal's status when the client credentials are refused", async () => {
    const error = await caught(newProvider(newCredentials({ client_secret: "invalid" })).createPayment(paymentInput()));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(401);
    expect((error as Error).message).toMatch(/invalid_client/);
  });

  it("should request one token per provider instance when an instance makes several calls", async () => {
    const credentials = newCredentials();
    const basic = `Basic ${btoa(`${credentials.client_id}:${credentials.client_secret}`)}`;
    const first = newProvider(credentials);
    const { providerRef } = await first.createPayment(paymentInput());
    await Promise.all([first.retrievePayment(providerRef), first.retrievePayment(providerRef)]);
    const tokenRequests = async () => (await requestsTo("/v1/oauth2/token")).filter((logged) => logged.headers.authorization === basic);
    expect(await tokenRequests()).toHaveLength(1);

    // No token is shared through a module global: another instance (another request) asks for its own.
    await newProvider(credentials).retrievePayment(providerRef);
    expect(await tokenRequests()).toHaveLength(2);
  });
});

describe("PayPal capture and retrievePayment", () => {
  it("should report processing with our payment id when the order waits for the buyer", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { providerRef } = await provider.createPayment(input);
    expect(await provider.retrievePayment(providerRef)).toEqual({
      providerRef,
      state: "processing",
      amountReceived: 0,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: null,
      failureMessage: null,
    });
  });

  it("should capture with the PayPal-Request-Id and report succeeded with the capture id when the buyer approved", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);

    expect(facts).toEqual({
      providerRef: orderId,
      state: "succeeded",
      amountReceived: 1234,
      amountRefunded: 0,
      paymentId: input.paymentId,
      chargeRef: expect.stringMatching(/^[A-Z0-9]{17}$/),
      failureMessage: null,
    });
    const captures = await requestsTo(`/v2/checkout/orders/${orderId}/capture`);
    expect(captures.map((logged) => logged.headers["paypal-request-id"])).toEqual([`${input.paymentId}:capture`]);
    expect(await provider.retrievePayment(orderId)).toEqual(facts);
  });

  it("should answer the first capture when the capture is retried, with the same key or another", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    expect(await provider.capture!(orderId, `${input.paymentId}:capture`)).toEqual(facts);
    // Another key reaches PayPal's ORDER_ALREADY_CAPTURED: the adapter answers the order's state instead.
    expect(await provider.capture!(orderId, `${input.paymentId}:capture-again`)).toEqual(facts);
  });

  it("should throw a ProviderError naming the issue when the order is captured before approval", async () => {
    const provider = newProvider();
    const { providerRef } = await provider.createPayment(paymentInput());
    const error = await caught(provider.capture!(providerRef, "capture-too-early"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(422);
    expect((error as Error).message).toMatch(/ORDER_NOT_APPROVED/);
  });

  it("should report failed with a message when the capture is declined", async () => {
    const { facts } = await capturedOrder(newProvider(), paymentInput(), "DECLINED");
    expect(facts).toMatchObject({ state: "failed", amountReceived: 0, failureMessage: "PayPal capture declined" });
    expect(facts.chargeRef).not.toBeNull();
  });

  it("should report processing then succeeded when a pending capture clears", async () => {
    const provider = newProvider();
    const { orderId, facts } = await capturedOrder(provider, paymentInput(), "PENDING");
    expect(facts).toMatchObject({ state: "processing", amountReceived: 0 });
    await control(`captures/${facts.chargeRef}/complete`);
    expect(await provider.retrievePayment(orderId)).toMatchObject({ state: "succeeded", amountReceived: 1234, chargeRef: facts.chargeRef });
  });

  it("should report canceled when the order is voided", async () => {
    const provider = newProvider();
    const { providerRef } = await provider.createPayment(paymentInput());
    await control(`orders/${providerRef}/void`);
    expect(await provider.retrievePayment(providerRef)).toMatchObject({ state: "canceled", amountReceived: 0, chargeRef: null });
  });

  it("should read PayPal's whole-forint amount back as minor units when a HUF order is captured", async () => {
    const { facts } = await capturedOrder(newProvider(), paymentInput({ currency: "huf", amount: 123_400 }));
    expect(facts).toMatchObject({ state: "succeeded", amountReceived: 123_400 });
  });

  it("should throw a ProviderError when the order belongs to another PayPal account", async () => {
    const { providerRef } = await newProvider().createPayment(paymentInput());
    const error = await caught(newProvider().retrievePayment(providerRef));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).status).toBe(404);
  });
});

describe("PayPal refund", () => {
  it("should refund part of a capture with the PayPal-Request-Id and count every refund when the order is read again", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    const captureId = facts.chargeRef!;

    const first = await provider.refund(captureId, 234, "eur", `${input.paymentId}:refund-1`);
    expect(first.refundRef).toMatch(/^[A-Z0-9]{17}$/);
    const [request] = await requestsTo(`/v2/payments/captures/${captureId}/refund`);
    expect(request?.headers["paypal-request-id"]).toBe(`${input.paymentId}:refund-1`);
    expect(JSON.parse(request!.body)).toEqual({ amount: { currency_code: "EUR", value: "2.34" } });
    expect(await provider.retrievePayment(orderId)).toMatchObject({ state: "succeeded", amountReceived: 1234, amountRefunded: 234 });

    // A retried refund (same key) refunds nothing more.
    expect(await provider.refund(captureId, 234, "eur", `${input.paymentId}:refund-1`)).toEqual(first);
    await provider.refund(captureId, 1000, "eur", `${input.paymentId}:refund-2`);
    expect(await provider.retrievePayment(orderId)).toMatchObject({ state: "succeeded", amountReceived: 1234, amountRefunded: 1234 });
  });

  it("should throw a ProviderError when a refund exceeds what is left of the capture", async () => {
    const provider = newProvider();
    const { facts } = await capturedOrder(provider, paymentInput());
    await provider.refund(facts.chargeRef!, 1000, "eur", "refund-most");
    const error = await caught(provider.refund(facts.chargeRef!, 235, "eur", "refund-too-much"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/REFUND_AMOUNT_EXCEEDED/);
  });
});

describe("PayPal verifyWebhook", () => {
  it("should map PAYMENT.CAPTURE.COMPLETED to payment_succeeded when the signature verifies", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    const event = await buildEvent("PAYMENT.CAPTURE.COMPLETED", orderId);
    // Non-ASCII text: the signed CRC-32 is over the UTF-8 bytes, not the UTF-16 string.
    const signed = await sign({ event: { ...event, summary: "Paiement reçu — 12,34 €" } });

    expect(await verify(provider, signed)).toEqual({
      id: event.id,
      occurredAt: event.create_time,
      kind: "payment_succeeded",
      providerRef: orderId,
      chargeRef: facts.chargeRef,
      paymentId: input.paymentId,
      amount: 1234,
      currency: "eur",
    });
  });

  it("should map PAYMENT.CAPTURE.DENIED to payment_failed when the capture was declined", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId } = await capturedOrder(provider, input, "DECLINED");
    const event = await buildEvent("PAYMENT.CAPTURE.DENIED", orderId);
    expect(await verify(provider, await sign({ event }))).toMatchObject({
      id: event.id,
      kind: "payment_failed",
      providerRef: orderId,
      paymentId: input.paymentId,
      reason: "PayPal capture denied",
    });
  });

  it("should map PAYMENT.CAPTURE.REFUNDED to the cumulative amount refunded when a second partial refund happens", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    await provider.refund(facts.chargeRef!, 200, "eur", `${input.paymentId}:refund-1`);
    await provider.refund(facts.chargeRef!, 300, "eur", `${input.paymentId}:refund-2`);
    const event = await buildEvent("PAYMENT.CAPTURE.REFUNDED", orderId);
    expect(await verify(provider, await sign({ event }))).toEqual({
      id: event.id,
      occurredAt: event.create_time,
      kind: "refunded",
      chargeRef: facts.chargeRef,
      // PayPal's refund carries no custom_id unless the refund request set one: the capture id is the link.
      paymentId: null,
      amountRefunded: 500,
    });
  });

  it("should map CUSTOMER.DISPUTE.CREATED to disputed when the buyer opens a dispute", async () => {
    const provider = newProvider();
    const input = paymentInput();
    const { orderId, facts } = await capturedOrder(provider, input);
    const event = await buildEvent("CUSTOMER.DISPUTE.CREATED", orderId);
    expect(await verify(provider, await sign({ event }))).toMatchObject({
      id: event.id,
      kind: "disputed",
      chargeRef: facts.chargeRef,
      paymentId: input.paymentId,
      amount: 1234,
    });
  });

  it("should answer ignored with the event type when Quittance does not act on the event", async () => {
    const signed = await signedNoise();
    const event = JSON.parse(signed.body);
    expect(await verify(newProvider(), signed)).toEqual({ id: event.id, occurredAt: event.create_time, kind: "ignored", type: "CHECKOUT.ORDER.APPROVED" });
  });

  it("should refuse when the body was altered after signing", async () => {
    const signed = await signedNoise();
    // Verifies unaltered, so the refusal below is the alteration's doing.
    await verify(newProvider(), signed);
    const altered = { ...signed, body: signed.body.replace("CHECKOUT.ORDER.APPROVED", "CHECKOUT.ORDER.APPROVEE") };
    await expect(verify(newProvider(), altered)).rejects.toThrow(WebhookSignatureError);
  });

  it("should refuse when the event was signed for another webhook id", async () => {
    const signed = await signedNoise({ webhook_id: "WH-ANOTHER-MERCHANT" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(WebhookSignatureError);
    await expect(verify(newProvider(newCredentials({ webhook_id: "WH-ANOTHER-MERCHANT" })), signed)).resolves.toMatchObject({ kind: "ignored" });
  });

  it("should not fetch the certificate when its URL is not on an allow-listed host", async () => {
    const certPath = `/v1/notifications/certs/CERT-unlisted-${crypto.randomUUID()}`;
    const signed = await signedNoise({ cert_url: `${base}${certPath}` });
    // This provider's API is elsewhere, so the fake's origin is not allowed for it.
    const elsewhere = createPayPalProvider(newCredentials(), { apiBase: "http://127.0.0.1:9" });
    await expect(verify(elsewhere, signed)).rejects.toThrow(/not an allowed certificate URL/);
    expect(await requestsTo(certPath)).toEqual([]);

    // The same event and certificate do verify where that origin is allowed: only the host check refused it.
    await expect(verify(newProvider(), signed)).resolves.toMatchObject({ kind: "ignored" });
    expect(await requestsTo(certPath)).toHaveLength(1);
  });

  it.each([
    "https://evil.example/v1/notifications/certs/CERT-1",
    "http://api.paypal.com/v1/notifications/certs/CERT-1",
    "https://api.paypal.com.evil.example/v1/notifications/certs/CERT-1",
    "https://api.paypal.com:8443/v1/notifications/certs/CERT-1",
    "https://user:pass@api.paypal.com/v1/notifications/certs/CERT-1",
    "not a url",
  ])("should refuse before any fetch when the cert URL is %s", async (certUrl) => {
    const signed = await signedNoise({ cert_url: certUrl });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/paypal-cert-url is not/);
  });

  it("should refuse when paypal-auth-algo is not SHA256withRSA", async () => {
    const signed = await signedNoise({ auth_algo: "SHA1withRSA" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/unsupported paypal-auth-algo/);
  });

  it("should refuse when the transmission time is more than five minutes from now", async () => {
    const sentAt = new Date();
    const signed = await signedNoise({ transmission_time: sentAt.toISOString() });
    const minutes = (count: number) => new Date(sentAt.getTime() + count * 60_000);
    await expect(verify(newProvider(), signed, minutes(4))).resolves.toMatchObject({ kind: "ignored" });
    await expect(verify(newProvider(), signed, minutes(-4))).resolves.toMatchObject({ kind: "ignored" });
    await expect(verify(newProvider(), signed, minutes(6))).rejects.toThrow(/too far from now/);
    await expect(verify(newProvider(), signed, minutes(-6))).rejects.toThrow(/too far from now/);
  });

  it("should refuse when a transmission header is missing", async () => {
    const signed = await signedNoise();
    for (const name of ["paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig", "paypal-cert-url", "paypal-auth-algo"]) {
      const headers = { ...signed.headers };
      delete headers[name];
      await expect(verify(newProvider(), { ...signed, headers }), name).rejects.toThrow(WebhookSignatureError);
    }
  });

  it("should refuse when the signing certificate has expired", async () => {
    const signed = await signedNoise({ certificate: "expired" });
    await expect(verify(newProvider(), signed)).rejects.toThrow(/not valid now/);
  });

  it("should download a certificate once when two events name the same certificate URL", async () => {
    const certPath = `/v1/notifications/certs/CERT-shared-${crypto.randomUUID()}`;
    const first = await signedNoise({ cert_url: `${base}${certPath}` });
    const second = await signedNoise({ cert_url: `${base}${certPath}` });
    // Two provider instances, as two webhook requests would build: the cache outlives an instance.
    await verify(newProvider(), first);
    await verify(newProvider(), second);
    expect(await requestsTo(certPath)).toHaveLength(1);
  });
});

describe("CRC-32 and X.509 helpers", () => {
  it("should give the standard check value when the input is 123456789", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(3421780262);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it("should throw CertificateFormatError when the DER is truncated or not a certificate", () => {
    expect(() => readCertificate(new Uint8Array([0x30, 0x82, 0x01]))).toThrow(CertificateFormatError);
    expect(() => readCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(CertificateFormatError);
  });
});
