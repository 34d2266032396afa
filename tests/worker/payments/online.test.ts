/**
 * POST /v1/client/payments from a client session: the server decides the invoices, the amount and
 * the provider; the payment is written with planned allocations and the provider is called with the
 * payment id as idempotency key. Stripe is the local fake (tests/support/fake-stripe.ts): every
 * merchant here has its own Stripe account in it, so "the fake got no request" is checked per account.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import { startClientPayment } from "../../../worker/payments/online";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type ApiResponse } from "../helpers";
import {
  clientSession,
  fakeRequests,
  fakeStripeBase,
  invoiceOf,
  paymentEvents,
  providerRefOf,
  requestsOf,
  startPayment,
  stripeWorld,
  type StartedPayment,
  type StripeWorld,
} from "./stripe-support";

function expectProblem(response: ApiResponse, status: number, code: string, param?: string) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  expect(response.body.code).toBe(code);
  if (param !== undefined) expect(response.body.param).toBe(param);
}

/** Runs a request that must be refused: nothing written to D1 and nothing sent to the merchant's Stripe account. */
async function expectRefusedUntouched(world: StripeWorld, body: Record<string, unknown>, status: number, code: string, param?: string) {
  const before = await databaseFingerprint();
  const response = await api(world.session, "POST", "/v1/client/payments", body);
  expectProblem(response, status, code, param);
  expect(await databaseFingerprint()).toBe(before);
  expect(await requestsOf(world.secretKey)).toEqual([]);
  return response;
}

async function invoiceStatus(key: string, id: string) {
  return (await api(key, "GET", `/v1/invoices/${id}/status`)).body as { status: string; amount_paid: number; amount_due: number; processing: boolean };
}

describe("POST /v1/client/payments: what the browser gets", () => {
  it("should create a PaymentIntent for the sum of the amounts due and answer its client secret and the publishable key when the method is card", async () => {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);

    const response = await api<StartedPayment>(world.session, "POST", "/v1/client/payments", { invoices: [a.id, b.id], method: "card" });

    expect(response.status, response.text).toBe(201);
    const payment = response.body;
    expect(payment).toMatchObject({ object: "client_payment", status: "processing", method: "card", amount: 12_550, currency: "eur", invoices: [a.id, b.id] });
    expect(payment.id).toMatch(/^pay_/);
    expect(payment.action).toEqual({ type: "card", client_secret: expect.stringMatching(/^pi_\w+_secret_\w+$/), publishable_key: world.publishableKey });
    const [request, ...others] = await fakeRequests({ idempotency_key: payment.id });
    expect(others).toEqual([]);
    expect(request).toMatchObject({ method: "POST", path: "/v1/payment_intents" });
    expect(request!.headers["authorization"]).toBe(`Bearer ${world.secretKey}`);
    expect(request!.params).toMatchObject({ amount: "12550", currency: "eur", metadata: { quittance_payment: payment.id, quittance_merchant: world.merchant.id } });
    expect(payment.action.client_secret!.startsWith(`${await providerRefOf(payment.id)}_secret_`)).toBe(true);
  });

  it("should record a processing payment with planned allocations and report both invoices processing when a card payment is in flight", async () => {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);

    const payment = await startPayment(world, [a.id, b.id]);

    const recorded = await api(world.merchant.key, "GET", `/v1/payments/${payment.id}`);
    expect(recorded.body).toMatchObject({ status: "processing", provider: "stripe", method: "card", amount: 12_550, amount_refunded: 0, amount_unallocated: 0 });
    expect(recorded.body.allocations).toEqual([
      { invoice: a.id, amount: 10_000, amount_refunded: 0, planned: true },
      { invoice: b.id, amount: 2_550, amount_refunded: 0, planned: true },
    ]);
    for (const invoice of [a, b]) expect(await invoiceStatus(world.merchant.key, invoice.id)).toMatchObject({ status: "open", amount_paid: 0, processing: true });
    const events = await paymentEvents(world.merchant.key, payment.id);
    expect(events.map((event) => `${event.type}:${event.invoice}`)).toEqual([`invoice.payment_processing:${a.id}`, `invoice.payment_processing:${b.id}`]);
  });

  it("should answer the Checkout Session URL and send the payer back to the return_url when the method is stripe_checkout and the origin is allowed", async () => {
    const world = await stripeWorld();
    expect((await api(world.merchant.key, "PUT", "/v1/settings", { allowed_origins: ["https://shop.example"] })).status).toBe(200);
    const invoice = await invoiceOf(world, 4_200);

    const response = await api<StartedPayment>(world.session, "POST", "/v1/client/payments", {
      invoices: [invoice.id],
      method: "stripe_checkout",
      return_url: "https://shop.example/merci?order=7",
    });

    expect(response.status, response.text).toBe(201);
    const session = await providerRefOf(response.body.id);
    expect(session).toMatch(/^cs_test_/);
    expect(response.body).toMatchObject({ status: "processing", amount: 4_200, action: { type: "redirect", url: `${fakeStripeBase}/c/pay/${session}` } });
    const [request] = await fakeRequests({ idempotency_key: response.body.id });
    expect(request).toMatchObject({ method: "POST", path: "/v1/checkout/sessions" });
    expect(request!.params).toMatchObject({
      mode: "payment",
      client_reference_id: response.body.id,
      success_url: "https://shop.example/merci?order=7",
      cancel_url: "https://shop.example/merci?order=7",
      line_items: { "0": { quantity: "1", price_data: { currency: "eur", unit_amount: "4200" } } },
    });
    expect((await fetch(response.body.action.url!)).status).toBe(200);
  });

  it("should send the payer back to the Worker's own origin when no return_url is given", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 4_200);

    const payment = await startPayment(world, [invoice.id], "stripe_checkout");

    const [request] = await fakeRequests({ idempotency_key: payment.id });
    expect(request!.params).toMatchObject({ success_url: "http://127.0.0.1:8787/", cancel_url: "http://127.0.0.1:8787/" });
  });

  it("should answer the sandbox form without calling Stripe and settle through it when the method is sandbox", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 3_000);

    const payment = await startPayment(world, [invoice.id], "sandbox");

    expect(payment).toMatchObject({ status: "processing", amount: 3_000, action: { type: "sandbox", token: expect.stringMatching(/^[0-9a-z]+$/) } });
    expect(payment.action.form_url).toBe(`http://127.0.0.1:8787/sandbox/pay/${payment.action.token}`);
    expect(await requestsOf(world.secretKey)).toEqual([]);
    expect(await invoiceStatus(world.merchant.key, invoice.id)).toMatchObject({ status: "open", processing: true });
    const paid = await api(null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4242 4242 4242 4242" });
    expect(paid.body).toEqual({ status: "succeeded", failure_message: null });
    expect(await invoiceStatus(world.merchant.key, invoice.id)).toMatchObject({ status: "paid", processing: false });
  });

  it("should charge only what is still due when an invoice was partly paid offline", async () => {
    const world = await stripeWorld();
    const partly = await invoiceOf(world, 12_000);
    const whole = await invoiceOf(world, 5_000);
    expect((await recordPayment(world.merchant.key, [{ invoice: partly.id, amount: 4_000 }])).status).toBe(201);

    const payment = await startPayment(world, [partly.id, whole.id]);

    expect(payment.amount).toBe(8_000 + 5_000);
    const [request] = await fakeRequests({ idempotency_key: payment.id });
    expect(request!.params["amount"]).toBe("13000");
    const recorded = await api(world.merchant.key, "GET", `/v1/payments/${payment.id}`);
    expect(recorded.body.allocations.map((allocation: { invoice: string; amount: number }) => [allocation.invoice, allocation.amount])).toEqual([
      [partly.id, 8_000],
      [whole.id, 5_000],
    ]);
  });

  it("should refuse a client-sent amount with 422 parameter_unknown and create nothing when the body carries amount", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);

    await expectRefusedUntouched(world, { invoices: [invoice.id], method: "card", amount: 1 }, 422, "parameter_unknown", "amount");
  });

  it("should answer 502 provider_error with a generic message, keep the provider's text for the log with the request id, and leave the invoice open and no longer processing when Stripe refuses the merchant's key", async () => {
    const world = await stripeWorld();
    // A live key passes our format check; the fake, like Stripe in test mode, refuses it.
    const saved = await api(world.merchant.key, "PUT", "/v1/settings/providers", {
      stripe: { secret_key: "sk_live_refusedbythefake", publishable_key: "pk_live_refusedbythefake", webhook_secret: "whsec_refusedbythefake" },
    });
    expect(saved.status).toBe(200);
    const invoice = await invoiceOf(world, 10_000);

    const response = await api(world.session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "card" });

    expectProblem(response, 502, "provider_error");
    expect(response.body.detail).toBe("The payment provider could not take this payment; try again later or choose another method.");
    expect(response.text).not.toMatch(/Invalid API Key|sk_live|refusedbythefake/);
    const { results } = await env.DB.prepare("SELECT id, status, failure_message FROM payments WHERE merchant_id = ?").bind(world.merchant.id).all<{ id: string; status: string; failure_message: string }>();
    expect(results).toEqual([{ id: expect.any(String), status: "failed", failure_message: response.body.detail }]);
    // What the customer's stream and the client's payment view show is generic too.
    const failed = (await paymentEvents(world.merchant.key, results[0]!.id)).find((event) => event.type === "payment.failed");
    expect(JSON.stringify(failed)).not.toMatch(/Invalid API Key|sk_live/);
    expect((await api(world.session, "GET", `/v1/client/payments/${results[0]!.id}`)).body.failure_message).toBe(response.body.detail);
    // The provider's words go to the log, with the request id (called here directly, so the log is this test's console).
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const caller = { merchantId: world.merchant.id, customerId: world.customer, invoiceId: null };
      const started = startClientPayment(env, caller, { invoices: [(await invoiceOf(world, 2_000)).id], method: "card" }, { origin: "http://127.0.0.1:8787", requestId: "req_provider_test" }, new Date());
      await expect(started).rejects.toMatchObject({ code: "provider_error", detail: response.body.detail });
      const line = logged.mock.calls.map((call) => String(call[0])).find((text) => text.includes("payment provider error"));
      expect(JSON.parse(line!)).toMatchObject({ request_id: "req_provider_test", merchant: world.merchant.id, provider: "stripe", error: expect.stringContaining("Invalid API Key") });
    } finally {
      logged.mockRestore();
    }
    expect(await invoiceStatus(world.merchant.key, invoice.id)).toMatchObject({ status: "open", processing: false });
  });
});

describe("POST /v1/client/payments: what is refused before any provider call", () => {
  it("should answer 404 naming invoices[1] when the second invoice belongs to another customer of the merchant", async () => {
    const world = await stripeWorld();
    const mine = await invoiceOf(world, 10_000);
    const other = (await createCustomer(world.merchant.key, { name: "Autre SAS", email: "autre@example.com" })).id;
    const theirs = await createInvoice(world.merchant.key, other);

    await expectRefusedUntouched(world, { invoices: [mine.id, theirs.id], method: "card" }, 404, "resource_missing", "invoices[1]");
  });

  it("should answer 404 when the invoice belongs to another merchant", async () => {
    const world = await stripeWorld();
    const stranger = await createMerchant("Stranger SARL");
    const strangersInvoice = await createInvoice(stranger.key, (await createCustomer(stranger.key)).id);

    await expectRefusedUntouched(world, { invoices: [strangersInvoice.id], method: "card" }, 404, "resource_missing", "invoices[0]");
  });

  it("should answer 404 (a client never sees drafts) when the invoice is a draft", async () => {
    const world = await stripeWorld();
    const draft = await invoiceOf(world, 10_000, { issue: false });
    expect(draft.status).toBe("draft");

    await expectRefusedUntouched(world, { invoices: [draft.id], method: "card" }, 404, "resource_missing", "invoices[0]");
  });

  it("should answer 422 invoice_not_payable naming the invoice when it is already paid", async () => {
    const world = await stripeWorld();
    const open = await invoiceOf(world, 5_000);
    const paid = await invoiceOf(world, 10_000);
    expect((await recordPayment(world.merchant.key, [{ invoice: paid.id, amount: 10_000 }])).status).toBe(201);

    await expectRefusedUntouched(world, { invoices: [open.id, paid.id], method: "card" }, 422, "invoice_not_payable", "invoices[1]");
  });

  it("should answer 422 invoice_not_payable when the invoice is void", async () => {
    const world = await stripeWorld();
    const voided = await invoiceOf(world, 10_000);
    expect((await api(world.merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status).toBe(200);

    await expectRefusedUntouched(world, { invoices: [voided.id], method: "card" }, 422, "invoice_not_payable", "invoices[0]");
  });

  it("should answer 422 currency_mismatch naming the second invoice when the invoices are in two currencies", async () => {
    const world = await stripeWorld();
    const euros = await invoiceOf(world, 10_000);
    const dollars = await invoiceOf(world, 10_000, { currency: "usd" });

    await expectRefusedUntouched(world, { invoices: [euros.id, dollars.id], method: "card" }, 422, "currency_mismatch", "invoices[1]");
  });

  it("should answer 422 payment_method_not_accepted naming method when the merchant does not accept it", async () => {
    const world = await stripeWorld({ methods: ["card"] });
    const invoice = await invoiceOf(world, 10_000);

    await expectRefusedUntouched(world, { invoices: [invoice.id], method: "stripe_checkout" }, 422, "payment_method_not_accepted", "method");
  });

  it("should answer 422 payment_method_not_accepted naming the invoice when that invoice restricts its methods", async () => {
    const world = await stripeWorld();
    const bankOnly = await invoiceOf(world, 10_000, { payment_methods: ["sandbox"] });

    await expectRefusedUntouched(world, { invoices: [bankOnly.id], method: "card" }, 422, "payment_method_not_accepted", "invoices[0]");
  });

  it("should answer 422 provider_not_configured naming method when the merchant saved no Stripe account", async () => {
    const merchant = await createMerchant("No Stripe SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const session = await clientSession(merchant.key, customer);
    const before = await databaseFingerprint();

    const response = await api(session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "card" });

    expectProblem(response, 422, "provider_not_configured", "method");
    expect(response.body.detail).toContain("Stripe");
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 422 amount_below_minimum when the amount due is under Stripe's 0.50 EUR minimum", async () => {
    const world = await stripeWorld();
    const small = await invoiceOf(world, 49);

    const response = await expectRefusedUntouched(world, { invoices: [small.id], method: "card" }, 422, "amount_below_minimum", "invoices");
    expect(response.body.detail).toContain("0.50 EUR");
  });

  it("should accept exactly Stripe's minimum when the amount due is 0.50 EUR", async () => {
    const world = await stripeWorld();
    const fifty = await invoiceOf(world, 50);

    expect((await startPayment(world, [fifty.id])).amount).toBe(50);
  });

  it("should answer 422 currency_not_supported_by_provider without calling PayPal when the invoices are in KWD", async () => {
    const world = await stripeWorld({ methods: ["paypal"] });
    const clientId = `client-${crypto.randomUUID()}`;
    const saved = await api(world.merchant.key, "PUT", "/v1/settings/providers", {
      paypal: { client_id: clientId, client_secret: "secret-for-tests", webhook_id: "WH-ONLINE-TESTS", environment: "sandbox" },
    });
    expect(saved.status).toBe(200);
    const dinars = await invoiceOf(world, 12_340, { currency: "kwd", lines: [{ description: "Service", quantity: 1, unit_amount: 12_340, tax_rate: 0 }] });
    const before = await databaseFingerprint();

    const response = await api(world.session, "POST", "/v1/client/payments", { invoices: [dinars.id], method: "paypal" });

    expectProblem(response, 422, "currency_not_supported_by_provider", "invoices");
    expect(await databaseFingerprint()).toBe(before);
    // Any PayPal call starts with an OAuth token under this merchant's own client id (basic auth).
    const logged = (await (await fetch(`http://127.0.0.1:${inject("fakePayPalPort")}/__test/requests`)).json()) as { requests: { headers: Record<string, string> }[] };
    const basic = `Basic ${btoa(`${clientId}:secret-for-tests`)}`;
    expect(logged.requests.filter((request) => request.headers["authorization"] === basic)).toEqual([]);
  });

  it("should answer 422 naming return_url and create nothing when the return_url is on a foreign origin", async () => {
    const world = await stripeWorld();
    expect((await api(world.merchant.key, "PUT", "/v1/settings", { allowed_origins: ["https://shop.example"] })).status).toBe(200);
    const invoice = await invoiceOf(world, 4_200);

    await expectRefusedUntouched(world, { invoices: [invoice.id], method: "stripe_checkout", return_url: "https://evil.example/phish" }, 422, "parameter_invalid", "return_url");
  });

  it("should answer 422 naming return_url when it is not an http(s) URL", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 4_200);

    await expectRefusedUntouched(world, { invoices: [invoice.id], method: "stripe_checkout", return_url: "javascript:alert(1)" }, 422, "parameter_invalid", "return_url");
  });

  it("should answer 422 when the same invoice is listed twice", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 4_200);

    await expectRefusedUntouched(world, { invoices: [invoice.id, invoice.id], method: "card" }, 422, "parameter_invalid", "invoices");
  });
});

