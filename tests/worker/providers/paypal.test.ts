/**
 * The PayPal adapter inside workerd, against the local fake of the PayPal REST API
 * (tests/support/fake-paypal.ts). Webhooks are signed by the fake with its own RSA key and served
 * certificate, so verification runs the production code path (certificate download, X.509 walk,
 * WebCrypto). Every test uses its own PayPal client id (an account of its own in the fake) and its
 * own payment ids, so this file can run beside others sharing the fake.
 */
import { describe, expect, it } from "vitest";
import type { CurrencyCode } from "../../../shared/currencies";
import { ProviderError } from "../../../worker/providers/types";
import { base, capturedOrder, caught, control, newCredentials, newProvider, paymentInput, requestsTo } from "./paypal-support";
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
