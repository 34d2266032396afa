/**
 * A PayPal payment end to end through the real Worker, against the local fake of PayPal's REST
 * API (tests/support/fake-paypal.ts), reached by the Worker through the PAYPAL_API_BASE binding:
 * a client session pays invoices → the Worker creates the order → the buyer approves on the fake →
 * our capture endpoint (or PayPal's webhook alone) settles → the invoices are paid. Webhooks are
 * signed by the fake with its own key and certificate, so verification runs the production path.
 *
 * Every test has its own merchant and its own PayPal client id (an account of its own in the fake),
 * so this file can run beside others sharing the fake; "nothing changes" is checked on this
 * merchant's rows only.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { LoggedRequest, SignedWebhook } from "../../support/fake-paypal";
import { api, createCustomer, createInvoice, createMerchant, type ApiResponse, type TestMerchant } from "../helpers";

const base = `http://127.0.0.1:${inject("fakePayPalPort")}`;
const WEBHOOK_ID = "WH-QUITTANCE-FLOW-TESTS";
const CLIENT_SECRET = "secret-for-flow-tests";

interface Shop {
  merchant: TestMerchant;
  clientId: string;
  customer: string;
  session: string;
}

/** A merchant with its own PayPal account (on the fake) that accepts paypal, one customer and a client session. */
async function paypalShop(): Promise<Shop> {
  const merchant = await createMerchant("PayPal Flow SARL");
  const clientId = `client-${crypto.randomUUID()}`;
  const providers = await api(merchant.key, "PUT", "/v1/settings/providers", {
    paypal: { client_id: clientId, client_secret: CLIENT_SECRET, webhook_id: WEBHOOK_ID, environment: "sandbox" },
  });
  expect(providers.status, providers.text).toBe(200);
  const settings = await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["paypal"] });
  expect(settings.status, settings.text).toBe(200);
  const customer = (await createCustomer(merchant.key)).id;
  const session = await api(merchant.key, "POST", "/v1/client_sessions", { customer });
  expect(session.status, session.text).toBe(201);
  return { merchant, clientId, customer, session: session.body.token as string };
}

/** Two issued EUR invoices: 120.00 and 60.00 (20 % tax included). */
async function twoInvoices(shop: Shop) {
  const first = await createInvoice(shop.merchant.key, shop.customer);
  const second = await createInvoice(shop.merchant.key, shop.customer, { lines: [{ description: "Support", quantity: 1, unit_amount: 5_000, tax_rate: 2000 }] });
  expect([first.total, second.total]).toEqual([12_000, 6_000]);
  return [first, second] as const;
}

/** The client pays both invoices with PayPal; answers the payment and the PayPal order id. */
async function startPayPalPayment(shop: Shop, invoiceIds: string[]): Promise<{ payment: ApiResponse; paymentId: string; orderId: string }> {
  const payment = await api(shop.session, "POST", "/v1/client/payments", { invoices: invoiceIds, method: "paypal" });
  expect(payment.status, payment.text).toBe(201);
  return { payment, paymentId: payment.body.id as string, orderId: payment.body.action?.order_id as string };
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

/** The event PayPal would send now about the order, signed for our webhook id. */
async function signedEvent(eventType: string, orderId: string, webhookId = WEBHOOK_ID): Promise<SignedWebhook> {
  const { event } = await control<{ event: Record<string, unknown> }>("webhooks/event", { event_type: eventType, order_id: orderId });
  return control<SignedWebhook>("webhooks/sign", { event, webhook_id: webhookId });
}

function postWebhook(shop: Shop, signed: SignedWebhook): Promise<ApiResponse> {
  return api(null, "POST", `/webhooks/paypal/${shop.merchant.id}`, signed.body, signed.headers);
}

/**
 * Everything a webhook could change for this merchant: its payments, allocations, refunds,
 * invoices (with versions) and events. Provider event ids are left out on purpose: recording a
 * delivery is not a state change.
 */
async function merchantState(merchantId: string): Promise<string> {
  const results = await env.DB.batch([
    env.DB.prepare("SELECT * FROM payments WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT a.* FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.merchant_id = ? ORDER BY a.payment_id, a.position").bind(merchantId),
    env.DB.prepare("SELECT r.* FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.merchant_id = ? ORDER BY r.id").bind(merchantId),
    env.DB.prepare("SELECT * FROM invoices WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT seq, type, invoice_id, payment_id FROM events WHERE merchant_id = ? ORDER BY seq").bind(merchantId),
  ]);
  return JSON.stringify(results.map((result) => result.results));
}

async function providerEventCount(merchantId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM provider_events WHERE merchant_id = ? AND provider = 'paypal'").bind(merchantId).first<{ n: number }>();
  return row!.n;
}

async function chargeRefOf(paymentId: string): Promise<string | null> {
  const row = await env.DB.prepare("SELECT charge_ref FROM payments WHERE id = ?").bind(paymentId).first<{ charge_ref: string | null }>();
  return row!.charge_ref;
}

async function invoice(shop: Shop, id: string) {
  return (await api(shop.merchant.key, "GET", `/v1/invoices/${id}`)).body;
}

/** A shop whose client paid two invoices through PayPal and our capture endpoint. */
async function capturedFlow() {
  const shop = await paypalShop();
  const invoices = await twoInvoices(shop);
  const { paymentId, orderId } = await startPayPalPayment(shop, invoices.map((row) => row.id));
  await control(`orders/${orderId}/approve`);
  const captured = await api(shop.session, "POST", `/v1/client/payments/${paymentId}/capture`);
  expect(captured.status, captured.text).toBe(200);
  return { shop, invoices, paymentId, orderId, captured };
}

describe("PayPal flow: create order → capture → webhook → paid", () => {
  it("should create a PayPal order for the sum due and mark both invoices processing when a client pays two EUR invoices with paypal", async () => {
    const shop = await paypalShop();
    const [first, second] = await twoInvoices(shop);
    const { payment, paymentId, orderId } = await startPayPalPayment(shop, [first.id, second.id]);

    expect(payment.body).toMatchObject({ object: "client_payment", status: "processing", method: "paypal", amount: 18_000, currency: "eur", invoices: [first.id, second.id] });
    expect(payment.body.action).toEqual({
      type: "paypal",
      order_id: expect.stringMatching(/^[A-Z0-9]{17}$/),
      client_id: shop.clientId,
      approve_url: `${base}/checkoutnow?token=${orderId}`,
    });

    // The fake received one order carrying our payment id, with an idempotency key.
    const created = (await requestsTo("/v2/checkout/orders")).filter(
      (logged) => logged.method === "POST" && logged.path === "/v2/checkout/orders" && JSON.parse(logged.body).purchase_units?.[0]?.custom_id === paymentId,
    );
    expect(created).toHaveLength(1);
    expect(created[0]!.headers["paypal-request-id"]).toBeTruthy();
    expect(created[0]!.headers["paypal-request-id"]).toContain(paymentId);
    expect(JSON.parse(created[0]!.body)).toMatchObject({ intent: "CAPTURE", purchase_units: [{ custom_id: paymentId, amount: { currency_code: "EUR", value: "180.00" } }] });

    for (const id of [first.id, second.id]) {
      expect(await invoice(shop, id)).toMatchObject({ status: "open", processing: true, amount_paid: 0 });
    }
  });

  it("should settle one payment with two allocations and mark both invoices paid when the buyer approves and the client captures", async () => {
    const { shop, invoices, paymentId, orderId, captured } = await capturedFlow();

    expect(captured.body).toMatchObject({ id: paymentId, status: "succeeded", amount: 18_000, failure_message: null, action: null });
    const captures = await requestsTo(`/v2/checkout/orders/${orderId}/capture`);
    expect(captures).toHaveLength(1);
    expect(captures[0]!.headers["paypal-request-id"]).toContain(paymentId);

    for (const row of invoices) {
      const shown = await invoice(shop, row.id);
      expect(shown).toMatchObject({ status: "paid", processing: false, amount_paid: row.total, amount_due: 0 });
      expect(shown.payments).toEqual([expect.objectContaining({ payment: paymentId, amount: row.total, method: "paypal", status: "succeeded" })]);
    }
    const payment = await api(shop.merchant.key, "GET", `/v1/payments/${paymentId}`);
    expect(payment.body).toMatchObject({
      status: "succeeded",
      provider: "paypal",
      amount: 18_000,
      amount_unallocated: 0,
      allocations: [
        { invoice: invoices[0].id, amount: 12_000, amount_refunded: 0, planned: false },
        { invoice: invoices[1].id, amount: 6_000, amount_refunded: 0, planned: false },
      ],
    });
    expect(await chargeRefOf(paymentId)).toMatch(/^[A-Z0-9]{17}$/);
  });

  it("should answer 200 and change nothing when PAYMENT.CAPTURE.COMPLETED arrives for a payment already captured, and again when it is replayed", async () => {
    const { shop, invoices, orderId } = await capturedFlow();
    const before = await merchantState(shop.merchant.id);
    const eventsBefore = await providerEventCount(shop.merchant.id);
    const signed = await signedEvent("PAYMENT.CAPTURE.COMPLETED", orderId);

    const first = await postWebhook(shop, signed);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ received: true });
    expect(first.body.outcome).not.toBe("applied");
    expect(await merchantState(shop.merchant.id)).toBe(before);
    // The delivery was verified and recorded, so the replay below is known as one.
    expect(await providerEventCount(shop.merchant.id)).toBe(eventsBefore + 1);

    const replay = await postWebhook(shop, signed);
    expect(replay.status, replay.text).toBe(200);
    expect(replay.body).toMatchObject({ received: true, outcome: "duplicate" });
    expect(await merchantState(shop.merchant.id)).toBe(before);
    expect(await providerEventCount(shop.merchant.id)).toBe(eventsBefore + 1);
    for (const row of invoices) expect(await invoice(shop, row.id)).toMatchObject({ status: "paid", amount_paid: row.total });
  });

  it("should answer 400 webhook_signature_invalid and change nothing when the signed body was tampered with", async () => {
    const { shop, orderId } = await capturedFlow();
    const before = await merchantState(shop.merchant.id);
    const eventsBefore = await providerEventCount(shop.merchant.id);
    const signed = await signedEvent("PAYMENT.CAPTURE.COMPLETED", orderId);
    expect(signed.body).toContain('"value":"180.00"');

    const tampered = await postWebhook(shop, { ...signed, body: signed.body.replace('"value":"180.00"', '"value":"999.00"') });
    expect(tampered.status, tampered.text).toBe(400);
    expect(tampered.body).toMatchObject({ code: "webhook_signature_invalid" });
    // Signed for another PayPal webhook (another merchant's): refused as well.
    const elsewhere = await postWebhook(shop, await signedEvent("PAYMENT.CAPTURE.COMPLETED", orderId, "WH-SOMEONE-ELSE"));
    expect(elsewhere.status, elsewhere.text).toBe(400);
    expect(elsewhere.body).toMatchObject({ code: "webhook_signature_invalid" });

    expect(await merchantState(shop.merchant.id)).toBe(before);
    expect(await providerEventCount(shop.merchant.id)).toBe(eventsBefore);
    // The untouched body does verify: the refusal above was the tampering's doing.
    expect((await postWebhook(shop, signed)).status).toBe(200);
  });

  it("should mark the invoice paid when PAYMENT.CAPTURE.COMPLETED arrives for an order captured without our capture endpoint", async () => {
    const shop = await paypalShop();
    const [only] = await twoInvoices(shop);
    const { paymentId, orderId } = await startPayPalPayment(shop, [only.id]);
    await control(`orders/${orderId}/approve`);

    // The order is captured at PayPal (as the JS SDK's actions.order.capture() does), not through Quittance.
    const token = await fetch(`${base}/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${shop.clientId}:${CLIENT_SECRET}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const capture = await fetch(`${base}/v2/checkout/orders/${orderId}/capture`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", "paypal-request-id": `browser-${orderId}` },
    });
    expect(capture.status, await capture.clone().text()).toBe(201);
    // Quittance does not know yet.
    expect((await api(shop.merchant.key, "GET", `/v1/payments/${paymentId}`)).body.status).toBe("processing");
    expect(await invoice(shop, only.id)).toMatchObject({ status: "open", processing: true });

    const delivered = await postWebhook(shop, await signedEvent("PAYMENT.CAPTURE.COMPLETED", orderId));
    expect(delivered.status, delivered.text).toBe(200);
    expect(delivered.body).toMatchObject({ received: true, outcome: "applied" });

    expect(await invoice(shop, only.id)).toMatchObject({ status: "paid", processing: false, amount_paid: only.total, amount_due: 0 });
    expect((await api(shop.merchant.key, "GET", `/v1/payments/${paymentId}`)).body).toMatchObject({
      status: "succeeded",
      amount: only.total,
      allocations: [{ invoice: only.id, amount: only.total, planned: false }],
    });
    expect(await chargeRefOf(paymentId)).toMatch(/^[A-Z0-9]{17}$/);
    // Only the buyer's side captured: Quittance never called capture for this order.
    expect((await requestsTo(`/v2/checkout/orders/${orderId}/capture`)).map((logged) => logged.headers["paypal-request-id"])).toEqual([`browser-${orderId}`]);
  });

  it("should fail the payment with a message and take the invoices out of processing when the capture is declined", async () => {
    const shop = await paypalShop();
    const invoices = await twoInvoices(shop);
    const { paymentId, orderId } = await startPayPalPayment(shop, invoices.map((row) => row.id));
    await control(`orders/${orderId}/approve`, { capture_status: "DECLINED" });

    const captured = await api(shop.session, "POST", `/v1/client/payments/${paymentId}/capture`);
    expect(captured.status, captured.text).toBe(200);
    expect(captured.body).toMatchObject({ id: paymentId, status: "failed", action: null });
    expect(captured.body.failure_message).toMatch(/declined/i);

    for (const row of invoices) {
      const shown = await invoice(shop, row.id);
      expect(shown).toMatchObject({ status: "open", processing: false, amount_paid: 0, amount_due: row.total });
      // The attempt stays visible on the invoice, as failed and for nothing paid.
      expect(shown.payments).toEqual([expect.objectContaining({ payment: paymentId, status: "failed" })]);
    }
    const payment = await api(shop.merchant.key, "GET", `/v1/payments/${paymentId}`);
    expect(payment.body).toMatchObject({ status: "failed", failure_message: expect.stringMatching(/declined/i) });

    // PayPal's PAYMENT.CAPTURE.DENIED for the same capture then changes nothing.
    const before = await merchantState(shop.merchant.id);
    const denied = await postWebhook(shop, await signedEvent("PAYMENT.CAPTURE.DENIED", orderId));
    expect(denied.status, denied.text).toBe(200);
    expect(await merchantState(shop.merchant.id)).toBe(before);
  });

  it("should refund through PayPal's captures/:id/refund with a PayPal-Request-Id and change nothing more when PAYMENT.CAPTURE.REFUNDED arrives", async () => {
    const { shop, invoices, paymentId, orderId } = await capturedFlow();
    const captureId = await chargeRefOf(paymentId);
    expect(captureId).toMatch(/^[A-Z0-9]{17}$/);

    const refunded = await api(shop.merchant.key, "POST", `/v1/payments/${paymentId}/refund`, { amount: 6_000, reason: "Support cancelled" });
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body).toMatchObject({ status: "partially_refunded", amount_refunded: 6_000 });
    expect(refunded.body.refunds).toHaveLength(1);
    const refundId = refunded.body.refunds[0].id as string;

    const calls = await requestsTo(`/v2/payments/captures/${captureId}/refund`);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe("POST");
    expect(calls[0]!.headers["paypal-request-id"]).toBe(refundId);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ amount: { currency_code: "EUR", value: "60.00" } });
    // The last invoice allocated reopens first; the other stays paid.
    expect(await invoice(shop, invoices[1].id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 6_000 });
    expect(await invoice(shop, invoices[0].id)).toMatchObject({ status: "paid", amount_paid: 12_000 });

    const before = await merchantState(shop.merchant.id);
    const eventsBefore = await providerEventCount(shop.merchant.id);
    const signed = await signedEvent("PAYMENT.CAPTURE.REFUNDED", orderId);
    const delivered = await postWebhook(shop, signed);
    expect(delivered.status, delivered.text).toBe(200);
    expect(delivered.body.outcome).not.toBe("applied");
    expect(await merchantState(shop.merchant.id)).toBe(before);
    // Found and recorded against our payment (through the capture id: PayPal's refund has no custom_id).
    expect(await providerEventCount(shop.merchant.id)).toBe(eventsBefore + 1);
    const recorded = await env.DB.prepare("SELECT payment_id FROM provider_events WHERE merchant_id = ? AND event_id = ?")
      .bind(shop.merchant.id, JSON.parse(signed.body).id)
      .first<{ payment_id: string | null }>();
    expect(recorded?.payment_id).toBe(paymentId);
    expect((await postWebhook(shop, signed)).body).toMatchObject({ outcome: "duplicate" });
    expect(await merchantState(shop.merchant.id)).toBe(before);
  });

  it("should answer 422 currency_not_supported_by_provider before any PayPal call when the invoices are in KWD or in HUF with decimals", async () => {
    const shop = await paypalShop();
    const kwd = await createInvoice(shop.merchant.key, shop.customer, { currency: "kwd", lines: [{ description: "Consulting", quantity: 1, unit_amount: 10_000, tax_rate: 0 }] });
    const huf = await createInvoice(shop.merchant.key, shop.customer, { currency: "huf", lines: [{ description: "Consulting", quantity: 1, unit_amount: 10_050, tax_rate: 0 }] });
    const before = await merchantState(shop.merchant.id);

    for (const { id, currency } of [{ id: kwd.id, currency: "KWD" }, { id: huf.id, currency: "HUF" }]) {
      const refused = await api(shop.session, "POST", "/v1/client/payments", { invoices: [id], method: "paypal" });
      expect(refused.status, refused.text).toBe(422);
      expect(refused.body).toMatchObject({ code: "currency_not_supported_by_provider" });
      expect(refused.body.detail).toContain(currency);
    }
    expect(await merchantState(shop.merchant.id)).toBe(before);
    // Not even a token was asked for with this merchant's PayPal account.
    const basic = `Basic ${btoa(`${shop.clientId}:${CLIENT_SECRET}`)}`;
    expect((await requestsTo("/v1/oauth2/token")).filter((logged) => logged.headers.authorization === basic)).toEqual([]);

    // Whole forints do go to PayPal: the refusal above was about the decimals.
    const whole = await createInvoice(shop.merchant.key, shop.customer, { currency: "huf", lines: [{ description: "Consulting", quantity: 1, unit_amount: 10_000, tax_rate: 0 }] });
    const accepted = await api(shop.session, "POST", "/v1/client/payments", { invoices: [whole.id], method: "paypal" });
    expect(accepted.status, accepted.text).toBe(201);
    expect((await requestsTo("/v1/oauth2/token")).filter((logged) => logged.headers.authorization === basic)).toHaveLength(1);
  });
});
