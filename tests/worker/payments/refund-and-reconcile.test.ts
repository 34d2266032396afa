/**
 * After the money arrived: refunds through Stripe (POST /v1/payments/:id/refund, optionally for one
 * invoice), reconciliation by the cron when a webhook was lost, and the merchant's own Stripe
 * credentials (saved encrypted, shown masked). The cron is run as workerd runs it.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import worker from "../../../worker/index";
import { app } from "../../../worker/app";
import { ApiError } from "../../../worker/errors";
import { decryptSecret } from "../../../worker/lib/encryption";
import { providerFor } from "../../../worker/providers";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint } from "../helpers";
import {
  booksOf,
  clientSession,
  control,
  deliverOk,
  expectBalancedBooks,
  fakeEvents,
  invoiceOf,
  paidCard,
  paymentEvents,
  providerRefOf,
  requestsOf,
  startPayment,
  stripeDashboard,
  stripeWorld,
  succeededCard,
  type StripeWorld,
} from "./stripe-support";

const getPayment = async (world: StripeWorld, id: string) => (await api(world.merchant.key, "GET", `/v1/payments/${id}`)).body;
const getInvoice = async (world: StripeWorld, id: string) => (await api(world.merchant.key, "GET", `/v1/invoices/${id}`)).body;

async function refundRequests(world: StripeWorld) {
  return (await requestsOf(world.secretKey)).filter((request) => request.path === "/v1/refunds");
}

describe("POST /v1/payments/:id/refund through Stripe", () => {
  async function paidTwo() {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);
    const { payment, intent } = await paidCard(world, [a.id, b.id]);
    return { world, a, b, payment, intent };
  }

  it("should reopen only that invoice, leave the other paid and refund through Stripe under an idempotency key when one of two invoices is refunded", async () => {
    const { world, a, b, payment, intent } = await paidTwo();

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: a.id });

    expect(refund.status, refund.text).toBe(200);
    expect(refund.body).toMatchObject({
      status: "partially_refunded",
      amount_refunded: 10_000,
      amount_unallocated: 0,
      allocations: [
        { invoice: a.id, amount: 10_000, amount_refunded: 10_000, planned: false },
        { invoice: b.id, amount: 2_550, amount_refunded: 0, planned: false },
      ],
      refunds: [{ kind: "refund", amount: 10_000 }],
    });
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 10_000 });
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "paid", amount_paid: 2_550 });
    const [request, ...others] = await refundRequests(world);
    expect(others).toEqual([]);
    expect(request).toMatchObject({ method: "POST", params: { payment_intent: intent, amount: "10000" } });
    expect(request!.headers["idempotency-key"]).toBe(refund.body.refunds[0].id);
    const events = (await paymentEvents(world.merchant.key, payment.id)).map((event) => `${event.type}:${event.invoice ?? "-"}`);
    expect(events.slice(-2)).toEqual([`invoice.reopened:${a.id}`, "payment.refunded:-"]);
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should change nothing more when Stripe's charge.refunded for that refund arrives", async () => {
    const { world, a, payment, intent } = await paidTwo();
    expect((await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: a.id })).status).toBe(200);
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });
    const before = await booksOf(world.merchant.id);

    expect(await deliverOk(world, refunded!)).toBe("ignored");

    expect(await booksOf(world.merchant.id)).toEqual(before);
  });

  it("should refund part of one invoice and leave it partially paid when amount and invoice are given", async () => {
    const { world, a, b, payment } = await paidTwo();

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: b.id, amount: 1_000 });

    expect(refund.status, refund.text).toBe(200);
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "partially_paid", amount_paid: 1_550 });
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "paid", amount_paid: 10_000 });
    expect((await refundRequests(world)).map((request) => request.params["amount"])).toEqual(["1000"]);
  });

  it("should refund once at Stripe when the same request is retried with the same Idempotency-Key", async () => {
    const { world, a, payment } = await paidTwo();
    const headers = { "idempotency-key": `refund-${crypto.randomUUID()}` };

    const first = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: a.id }, headers);
    const second = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: a.id }, headers);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await refundRequests(world)).toHaveLength(1);
    expect(await getPayment(world, payment.id)).toMatchObject({ amount_refunded: 10_000 });
  });

  it("should answer 422 naming invoice without calling Stripe when the payment did not pay that invoice", async () => {
    const { world, payment } = await paidTwo();
    const unrelated = await invoiceOf(world, 5_000);
    const before = await databaseFingerprint();

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: unrelated.id });

    expect(refund.status).toBe(422);
    expect(refund.body).toMatchObject({ code: "parameter_invalid", param: "invoice" });
    expect(await databaseFingerprint()).toBe(before);
    expect(await refundRequests(world)).toEqual([]);
  });

  it("should answer 422 refund_exceeds_amount without calling Stripe when the amount is more than that invoice received", async () => {
    const { world, b, payment } = await paidTwo();
    const before = await databaseFingerprint();

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: b.id, amount: 2_551 });

    expect(refund.status).toBe(422);
    expect(refund.body).toMatchObject({ code: "refund_exceeds_amount", param: "amount" });
    expect(await databaseFingerprint()).toBe(before);
    expect(await refundRequests(world)).toEqual([]);
  });

  it("should answer 502 provider_error and change nothing when Stripe refuses the refund", async () => {
    const { world, a, payment, intent } = await paidTwo();
    // Refunded in full in the dashboard; its webhook has not arrived yet.
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent });
    const before = await databaseFingerprint();

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { invoice: a.id });

    expect(refund.status).toBe(502);
    expect(refund.body).toMatchObject({ code: "provider_error" });
    expect(refund.body.detail).toContain("already been refunded");
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 409 payment_not_refundable without calling Stripe when the payment is still in flight", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);

    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, {});

    expect(refund.status).toBe(409);
    expect(refund.body.code).toBe("payment_not_refundable");
    expect(await refundRequests(world)).toEqual([]);
  });
});

// --- reconciliation ------------------------------------------------------------------------------

async function runCron(at = new Date()): Promise<void> {
  const controller = createScheduledController({ cron: "* * * * *", scheduledTime: at.getTime() });
  const ctx = createExecutionContext();
  worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Moves the payment's last change `minutes` into the past, as if its webhook had been lost that long ago. */
async function age(paymentId: string, minutes: number, createdHoursAgo?: number): Promise<void> {
  const updated = new Date(Date.now() - minutes * 60_000).toISOString();
  const created = createdHoursAgo === undefined ? null : new Date(Date.now() - createdHoursAgo * 3_600_000).toISOString();
  await env.DB.prepare("UPDATE payments SET updated_at = ?, created_at = coalesce(?, created_at) WHERE id = ?").bind(updated, created, paymentId).run();
}

async function retrievals(world: StripeWorld, ref: string) {
  return (await requestsOf(world.secretKey)).filter((request) => request.method === "GET" && request.path.startsWith(`/v1/${ref.startsWith("cs_") ? "checkout/sessions" : "payment_intents"}/${ref}`));
}

describe("reconciliation by the cron", () => {
  it("should settle a payment whose webhook was lost when it has been in flight for 16 minutes", async () => {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);
    const { payment, intent, event } = await succeededCard(world, [a.id, b.id]);
    await age(payment.id, 16);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "succeeded", amount_unallocated: 0, allocations: [{ planned: false }, { planned: false }] });
    for (const invoice of [a, b]) expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid", processing: false });
    expect((await paymentEvents(world.merchant.key, payment.id)).map((item) => item.type).slice(-3)).toEqual(["invoice.paid", "invoice.paid", "payment.succeeded"]);
    expect(await retrievals(world, intent)).toHaveLength(1);
    // The webhook, arriving late after all, changes nothing.
    const before = await booksOf(world.merchant.id);
    expect(await deliverOk(world, event)).toBe("ignored");
    expect(await booksOf(world.merchant.id)).toEqual(before);
  });

  it("should not ask Stripe about a payment in flight for only 14 minutes", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, intent } = await succeededCard(world, [invoice.id]);
    await age(payment.id, 14);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "processing" });
    expect(await retrievals(world, intent)).toEqual([]);
  });

  it("should settle and apply the refunds made meanwhile when both webhooks were lost", async () => {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);
    const { payment, intent } = await succeededCard(world, [a.id, b.id]);
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent, amount: 2_000 });
    await age(payment.id, 16);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 2_000 });
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "paid" });
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "partially_paid", amount_paid: 550 });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should settle a Checkout payment whose checkout.session.completed was lost", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id], "stripe_checkout");
    const completed = await control(`checkout/sessions/${await providerRefOf(payment.id)}/complete`);
    await age(payment.id, 20);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "succeeded" });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid" });
    const row = await env.DB.prepare("SELECT charge_ref FROM payments WHERE id = ?").bind(payment.id).first<{ charge_ref: string }>();
    expect(row!.charge_ref).toBe((completed.data.object as Stripe.Checkout.Session).payment_intent);
  });

  it("should mark the payment failed with Stripe's message and free the invoice when the attempt failed and its webhook was lost", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    await control(`payment_intents/${await providerRefOf(payment.id)}/fail`, { decline_code: "insufficient_funds" });
    await age(payment.id, 16);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "failed", failure_message: "Your card has insufficient funds." });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "open", processing: false });
  });

  it("should keep a payment the payer has not finished in flight and not ask again at the next run", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    const intent = await providerRefOf(payment.id);
    await age(payment.id, 16);

    await runCron();
    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "processing" });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ processing: true });
    expect(await retrievals(world, intent)).toHaveLength(1);
  });

  it("should mark failed a payment the payer abandoned for more than a day", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    await age(payment.id, 16, 25);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "failed", failure_message: "abandoned by the payer" });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "open", processing: false });
  });

  it("should mark failed a payment that never reached Stripe", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    // As if the Worker had stopped between writing the payment and calling Stripe.
    await env.DB.prepare("UPDATE payments SET status = 'pending', provider_ref = NULL, client_action = NULL WHERE id = ?").bind(payment.id).run();
    await age(payment.id, 16);

    await runCron();

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "failed", failure_message: "the payment never reached its provider" });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "open", processing: false });
  });
});

// --- credentials ---------------------------------------------------------------------------------

describe("PUT/GET /v1/settings/providers", () => {
  const word = () => crypto.randomUUID().replaceAll("-", "");
  const secrets = () => ({ secret_key: `sk_test_${word()}`, publishable_key: `pk_test_${word()}`, webhook_secret: `whsec_${word()}` });

  it("should answer masked secrets, the publishable key and the webhook URL when Stripe credentials are saved", async () => {
    const merchant = await createMerchant();
    const stripe = secrets();

    const saved = await api(merchant.key, "PUT", "/v1/settings/providers", { stripe });

    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toEqual({
      object: "provider_settings",
      stripe: {
        secret_key: `sk_test_…${stripe.secret_key.slice(-4)}`,
        publishable_key: stripe.publishable_key,
        webhook_secret: `whsec_…${stripe.webhook_secret.slice(-4)}`,
        webhook_url: `http://127.0.0.1:8787/webhooks/stripe/${merchant.id}`,
        source: "merchant",
      },
      paypal: null,
    });
    expect(saved.text).not.toContain(stripe.secret_key);
    expect(saved.text).not.toContain(stripe.webhook_secret);
  });

  it("should never show a secret when the credentials are read back, even with the full key", async () => {
    const merchant = await createMerchant();
    const stripe = secrets();
    const paypal = { client_id: `client-${crypto.randomUUID()}`, client_secret: `paypal-secret-${crypto.randomUUID()}`, webhook_id: "WH-CREDENTIALS", environment: "sandbox" };
    expect((await api(merchant.key, "PUT", "/v1/settings/providers", { stripe, paypal })).status).toBe(200);

    for (const key of [merchant.key, merchant.readOnlyKey]) {
      const shown = await api(key, "GET", "/v1/settings/providers");
      expect(shown.status).toBe(200);
      expect(shown.body.stripe).toMatchObject({ secret_key: `sk_test_…${stripe.secret_key.slice(-4)}`, webhook_secret: `whsec_…${stripe.webhook_secret.slice(-4)}` });
      expect(shown.body.paypal).toMatchObject({ client_id: paypal.client_id, client_secret: `…${paypal.client_secret.slice(-4)}`, webhook_id: "WH-CREDENTIALS", environment: "sandbox" });
      for (const secret of [stripe.secret_key, stripe.webhook_secret, paypal.client_secret]) expect(shown.text).not.toContain(secret);
    }
  });

  it("should keep only ciphertext in D1, readable with the master key, when credentials are saved", async () => {
    const merchant = await createMerchant();
    const stripe = secrets();
    expect((await api(merchant.key, "PUT", "/v1/settings/providers", { stripe })).status).toBe(200);
    const first = await env.DB.prepare("SELECT * FROM provider_credentials WHERE merchant_id = ?").bind(merchant.id).first<{ ciphertext: string; masked: string }>();
    expect((await api(merchant.key, "PUT", "/v1/settings/providers", { stripe })).status).toBe(200);
    const second = await env.DB.prepare("SELECT ciphertext FROM provider_credentials WHERE merchant_id = ?").bind(merchant.id).first<{ ciphertext: string }>();

    const stored = JSON.stringify(first);
    for (const secret of [stripe.secret_key, stripe.webhook_secret, stripe.secret_key.slice(8), stripe.webhook_secret.slice(6)]) expect(stored).not.toContain(secret);
    expect(first!.ciphertext).toMatch(/^[0-9a-f]{8}\.[A-Za-z0-9+/]+=*$/);
    expect(second!.ciphertext).not.toBe(first!.ciphertext);
    expect(JSON.parse(await decryptSecret(env, first!.ciphertext))).toEqual(stripe);
  });

  it("should refuse with 403 when the read-only key tries to save credentials", async () => {
    const merchant = await createMerchant();

    const refused = await api(merchant.readOnlyKey, "PUT", "/v1/settings/providers", { stripe: secrets() });

    expect(refused.status).toBe(403);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM provider_credentials WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>())!.n).toBe(0);
  });

  it("should answer 422 naming the field when the secret key is not a Stripe key", async () => {
    const merchant = await createMerchant();

    const refused = await api(merchant.key, "PUT", "/v1/settings/providers", { stripe: { ...secrets(), secret_key: "pk_test_notasecretkey" } });

    expect(refused.status).toBe(422);
    expect(refused.body.param).toBe("stripe.secret_key");
  });

  it("should stop taking card payments with 422 provider_not_configured when the Stripe account is removed", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);

    const removed = await api(world.merchant.key, "PUT", "/v1/settings/providers", { stripe: null });

    expect(removed.body.stripe).toBeNull();
    const refused = await api(world.session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "card" });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "provider_not_configured", param: "method" });
  });
});

describe("the sandbox in production", () => {
  const production = () => ({ ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://quittance.example" }) as Env;

  it("should refuse the sandbox provider when ENVIRONMENT is production", async () => {
    const merchant = await createMerchant();

    const refused = await providerFor(production(), merchant.id, "sandbox", "https://quittance.example").then(
      () => null,
      (error: unknown) => error,
    );

    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: "provider_not_configured", param: "method" });
  });

  it("should answer 422 provider_not_configured to a sandbox payment and 404 to the sandbox pages when ENVIRONMENT is production", async () => {
    const merchant = await createMerchant();
    expect((await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] })).status).toBe(200);
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const session = await clientSession(merchant.key, customer);
    const call = async (request: Request) => {
      const ctx = createExecutionContext();
      const response = await app.fetch(request, production(), ctx);
      await waitOnExecutionContext(ctx);
      return { status: response.status, body: (await response.json()) as { code: string; param?: string } };
    };

    const payment = await call(
      new Request("http://127.0.0.1:8787/v1/client/payments", {
        method: "POST",
        headers: { authorization: `Bearer ${session}`, "content-type": "application/json" },
        body: JSON.stringify({ invoices: [invoice.id], method: "sandbox" }),
      }),
    );
    const page = await call(new Request("http://127.0.0.1:8787/sandbox/pay/anything"));

    expect(payment).toEqual({ status: 422, body: expect.objectContaining({ code: "provider_not_configured", param: "method" }) });
    expect(page.status).toBe(404);
    const written = await env.DB.prepare("SELECT count(*) AS n FROM payments WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>();
    expect(written!.n).toBe(0);
  });
});

describe("a refund racing its own webhook", () => {
  it("should count the refund once when Stripe's charge.refunded arrives before POST /v1/payments/:id/refund has recorded it", async () => {
    const world = await stripeWorld();
    const a = await invoiceOf(world, 10_000);
    const b = await invoiceOf(world, 2_550);
    const { payment, intent } = await paidCard(world, [a.id, b.id]);
    // Stripe sends charge.refunded as soon as the refund exists: deliver it while the Worker still waits for Stripe's answer.
    const original = globalThis.fetch;
    let delivered: string | null = null;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await original(input, init);
      if (String(input instanceof Request ? input.url : input).endsWith("/v1/refunds") && delivered === null) {
        const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });
        delivered = await deliverOk(world, refunded!);
      }
      return response;
    };
    let refund;
    try {
      refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { amount: 1_000 });
    } finally {
      globalThis.fetch = original;
    }

    expect(delivered).toBe("applied");
    expect(refund.status, refund.text).toBe(200);
    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 1_000 });
    expect((await getInvoice(world, a.id)).amount_paid + (await getInvoice(world, b.id)).amount_paid).toBe(12_550 - 1_000);
    expectBalancedBooks(await booksOf(world.merchant.id));
  });
});
