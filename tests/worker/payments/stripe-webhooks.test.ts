/**
 * POST /webhooks/stripe/<merchant>: Stripe events made by the local fake (a payer paying, a bank
 * declining, a refund in the dashboard, a chargeback), signed with Stripe's own test header helper
 * and the merchant's webhook secret, delivered through the Worker. Each test has its own merchant
 * and Stripe account.
 */
import { env } from "cloudflare:workers";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { api, createMerchant, databaseFingerprint, recordPayment } from "../helpers";
import {
  booksOf,
  control,
  deliver,
  deliverOk,
  expectBalancedBooks,
  fakeEvents,
  invoiceOf,
  merchantFingerprint,
  paidCard,
  paymentEvents,
  providerRefOf,
  signStripe,
  startPayment,
  stripeDashboard,
  stripeWorld,
  succeededCard,
  targetOf,
  type StripeWorld,
} from "./stripe-support";

const getPayment = async (world: StripeWorld, id: string) => (await api(world.merchant.key, "GET", `/v1/payments/${id}`)).body;
const getInvoice = async (world: StripeWorld, id: string) => (await api(world.merchant.key, "GET", `/v1/invoices/${id}`)).body;

async function providerEventCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM provider_events").first<{ n: number }>())!.n;
}

/** The whole database (and every provider event seen) is the same before and after `run`. */
async function expectNothingChanges(run: () => Promise<void>): Promise<void> {
  const before = [await databaseFingerprint(), await providerEventCount()];
  await run();
  expect([await databaseFingerprint(), await providerEventCount()]).toEqual(before);
}

/** What a refund or dispute leaves in the books, for "only once" checks (provider_events excluded: a new event id is recorded as seen). */
async function ledgerState(world: StripeWorld) {
  const events = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ?").bind(world.merchant.id).first<{ n: number }>();
  return { books: await booksOf(world.merchant.id), events: events!.n };
}

async function twoInvoices(world: StripeWorld) {
  return [await invoiceOf(world, 10_000), await invoiceOf(world, 2_550)] as const;
}

describe("Stripe webhooks: a card payment confirmed", () => {
  it("should mark both invoices paid and the payment succeeded with its two allocations and events when a signed payment_intent.succeeded arrives", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, intent, event } = await succeededCard(world, [a.id, b.id]);

    const response = await deliver(targetOf(world), event);

    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ received: true, outcome: "applied" });
    for (const invoice of [a, b]) expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid", amount_due: 0, amount_paid: invoice.total, processing: false });
    expect(await getPayment(world, payment.id)).toMatchObject({
      status: "succeeded",
      amount: 12_550,
      amount_unallocated: 0,
      allocations: [
        { invoice: a.id, amount: 10_000, amount_refunded: 0, planned: false },
        { invoice: b.id, amount: 2_550, amount_refunded: 0, planned: false },
      ],
    });
    const events = await paymentEvents(world.merchant.key, payment.id);
    expect(events.map((item) => `${item.type}:${item.invoice ?? "-"}`)).toEqual([
      `invoice.payment_processing:${a.id}`,
      `invoice.payment_processing:${b.id}`,
      `invoice.paid:${a.id}`,
      `invoice.paid:${b.id}`,
      "payment.succeeded:-",
    ]);
    expect(events.at(-1)!.data).toMatchObject({ amount: 12_550, amount_unallocated: 0, provider: "stripe" });
    const seen = await env.DB.prepare("SELECT merchant_id, payment_id, kind FROM provider_events WHERE provider = 'stripe' AND event_id = ?").bind(event.id).first();
    expect(seen).toEqual({ merchant_id: world.merchant.id, payment_id: payment.id, kind: "payment_succeeded" });
    const row = await env.DB.prepare("SELECT charge_ref FROM payments WHERE id = ?").bind(payment.id).first<{ charge_ref: string }>();
    expect(row!.charge_ref).toBe(intent);
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should answer 200 duplicate and change nothing when the same event is delivered again", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { event } = await paidCard(world, [a.id, b.id]);

    await expectNothingChanges(async () => {
      const again = await deliver(targetOf(world), event);
      expect(again.status).toBe(200);
      expect(again.body.outcome).toBe("duplicate");
    });
  });

  it("should answer 200 ignored, record the event and leave the payment in flight when the event type is one we do not act on", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    const canceled = await control(`payment_intents/${await providerRefOf(payment.id)}/cancel`);

    expect(await deliverOk(world, canceled)).toBe("ignored");
    expect(await getPayment(world, payment.id)).toMatchObject({ status: "processing" });
    expect((await deliver(targetOf(world), canceled)).body.outcome).toBe("duplicate");
  });
});

describe("Stripe webhooks: refused deliveries", () => {
  async function pending() {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, event } = await succeededCard(world, [invoice.id]);
    return { world, invoice, payment, event };
  }

  async function expectStillInFlight(world: StripeWorld, payment: string, invoice: string) {
    expect(await getPayment(world, payment)).toMatchObject({ status: "processing" });
    expect(await getInvoice(world, invoice)).toMatchObject({ status: "open", processing: true });
  }

  it("should answer 400 and change nothing when the event was signed with another secret", async () => {
    const { world, invoice, payment, event } = await pending();

    await expectNothingChanges(async () => {
      const response = await deliver(targetOf(world), event, { secret: "whsec_not_this_merchants_secret" });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("webhook_signature_invalid");
    });
    await expectStillInFlight(world, payment.id, invoice.id);
    // The refused delivery did not burn the event id: the genuine one still applies.
    expect(await deliverOk(world, event)).toBe("applied");
  });

  it("should answer 400 and change nothing when the Stripe-Signature header is missing", async () => {
    const { world, invoice, payment, event } = await pending();

    await expectNothingChanges(async () => {
      const response = await deliver(targetOf(world), event, { headers: {} });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("webhook_signature_invalid");
    });
    await expectStillInFlight(world, payment.id, invoice.id);
  });

  it("should answer 400 and change nothing when the body was altered after signing", async () => {
    const { world, invoice, payment, event } = await pending();
    const payload = JSON.stringify(event);
    const signature = await signStripe(payload, world.webhookSecret);
    const altered = payload.replace('"amount_received":10000', '"amount_received":99999');
    expect(altered).not.toBe(payload);

    await expectNothingChanges(async () => {
      const response = await api(null, "POST", `/webhooks/stripe/${world.merchant.id}`, altered, { "stripe-signature": signature });
      expect(response.status).toBe(400);
    });
    await expectStillInFlight(world, payment.id, invoice.id);
  });

  it("should answer 400 and change nothing when the signature is ten minutes old", async () => {
    const { world, invoice, payment, event } = await pending();
    const payload = JSON.stringify(event);
    const stale = await signStripe(payload, world.webhookSecret, Math.floor(Date.now() / 1000) - 600);

    await expectNothingChanges(async () => {
      const response = await api(null, "POST", `/webhooks/stripe/${world.merchant.id}`, payload, { "stripe-signature": stale });
      expect(response.status).toBe(400);
    });
    await expectStillInFlight(world, payment.id, invoice.id);
  });

  it("should answer 400 and change nothing when the event is posted to another merchant's URL", async () => {
    const { world, invoice, payment, event } = await pending();
    const other = await stripeWorld({ name: "Other SARL" });

    await expectNothingChanges(async () => {
      const response = await deliver({ merchantId: other.merchant.id, webhookSecret: world.webhookSecret }, event);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe("webhook_signature_invalid");
    });
    await expectStillInFlight(world, payment.id, invoice.id);
  });

  it("should leave our payment untouched when another merchant signs an event naming it with its own secret", async () => {
    const { world, invoice, payment, event } = await pending();
    const other = await stripeWorld({ name: "Forger SARL" });
    const forged = { ...event, id: `evt_forged${crypto.randomUUID().replaceAll("-", "")}` };

    const response = await deliver(targetOf(other), forged);

    expect(response.status).toBe(200);
    await expectStillInFlight(world, payment.id, invoice.id);
  });

  it("should answer 404 when the merchant in the URL does not exist", async () => {
    const { world, event } = await pending();

    await expectNothingChanges(async () => {
      const response = await deliver({ merchantId: "mer_00000000000000000000000000", webhookSecret: world.webhookSecret }, event);
      expect(response.status).toBe(404);
    });
  });

  it("should answer 422 provider_not_configured and change nothing when the merchant in the URL has no Stripe account", async () => {
    const { world, event } = await pending();
    const bare = await createMerchant("Bare SARL");

    await expectNothingChanges(async () => {
      const response = await deliver({ merchantId: bare.id, webhookSecret: world.webhookSecret }, event);
      expect(response.status).toBe(422);
      expect(response.body.code).toBe("provider_not_configured");
    });
  });
});

describe("Stripe webhooks: Checkout", () => {
  it("should settle the payment and keep the Checkout PaymentIntent as its charge when checkout.session.completed arrives", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const payment = await startPayment(world, [a.id, b.id], "stripe_checkout");
    const completed = await control(`checkout/sessions/${await providerRefOf(payment.id)}/complete`);
    const intent = (completed.data.object as Stripe.Checkout.Session).payment_intent as string;

    expect(await deliverOk(world, completed)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "succeeded", amount: 12_550, amount_unallocated: 0 });
    for (const invoice of [a, b]) expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid", processing: false });
    const row = await env.DB.prepare("SELECT charge_ref FROM payments WHERE id = ?").bind(payment.id).first<{ charge_ref: string }>();
    expect(row!.charge_ref).toBe(intent);
    // Stripe also sends the PaymentIntent's own success: it finds the payment settled and changes nothing.
    const [intentSucceeded] = await fakeEvents({ type: "payment_intent.succeeded", object: intent });
    const before = await ledgerState(world);
    expect(await deliverOk(world, intentSucceeded!)).toBe("ignored");
    expect(await ledgerState(world)).toEqual(before);
  });
});

describe("Stripe webhooks: failures", () => {
  it("should mark the payment failed with the decline message and the invoice no longer processing when payment_intent.payment_failed arrives", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    const failed = await control(`payment_intents/${await providerRefOf(payment.id)}/fail`, { decline_code: "insufficient_funds" });

    expect(await deliverOk(world, failed)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "failed", failure_message: "Your card has insufficient funds.", amount_unallocated: 0 });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "open", amount_paid: 0, processing: false });
    const events = await paymentEvents(world.merchant.key, payment.id);
    expect(events.map((event) => event.type)).toEqual(["invoice.payment_processing", "invoice.payment_failed", "payment.failed"]);
    expect(events[1]).toMatchObject({ invoice: invoice.id, data: { reason: "Your card has insufficient funds.", version: expect.any(Number) } });
    expect(events[2]!.data).toMatchObject({ reason: "Your card has insufficient funds.", invoices: [invoice.id] });
  });

  it("should settle the payment when the payer succeeds after a failed attempt", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    const intent = await providerRefOf(payment.id);
    const failed = await control(`payment_intents/${intent}/fail`);
    const succeeded = await control(`payment_intents/${intent}/succeed`);

    expect(await deliverOk(world, failed)).toBe("applied");
    expect(await deliverOk(world, succeeded)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "succeeded", failure_message: null });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid" });
  });

  it("should keep the payment succeeded when the failed attempt's event arrives after the success", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id]);
    const intent = await providerRefOf(payment.id);
    const failed = await control(`payment_intents/${intent}/fail`);
    const succeeded = await control(`payment_intents/${intent}/succeed`);
    expect(await deliverOk(world, succeeded)).toBe("applied");
    const before = await ledgerState(world);

    expect(await deliverOk(world, failed)).toBe("ignored");

    expect(await ledgerState(world)).toEqual(before);
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid" });
  });
});

describe("Stripe webhooks: refunds", () => {
  it("should reopen the last invoice once when the charge.refunded of a refund made in the Stripe dashboard arrives twice", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, intent } = await paidCard(world, [a.id, b.id]);
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent, amount: 2_550 });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });

    expect(await deliverOk(world, refunded!)).toBe("applied");
    const once = await ledgerState(world);
    expect(await deliverOk(world, refunded!)).toBe("duplicate");

    expect(await ledgerState(world)).toEqual(once);
    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 2_550, amount_unallocated: 0 });
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "paid", amount_paid: 10_000 });
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 2_550 });
    const events = (await paymentEvents(world.merchant.key, payment.id)).map((event) => `${event.type}:${event.invoice ?? "-"}`);
    expect(events.slice(5)).toEqual([`invoice.reopened:${b.id}`, "payment.refunded:-"]);
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should change nothing when the charge.refunded of a refund made through POST /v1/payments/:id/refund arrives", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, intent } = await paidCard(world, [a.id, b.id]);
    const refund = await api(world.merchant.key, "POST", `/v1/payments/${payment.id}/refund`, { amount: 1_000 });
    expect(refund.status, refund.text).toBe(200);
    expect(refund.body).toMatchObject({ status: "partially_refunded", amount_refunded: 1_000 });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });
    expect((refunded!.data.object as Stripe.Charge).amount_refunded).toBe(1_000);
    const before = await ledgerState(world);

    expect(await deliverOk(world, refunded!)).toBe("ignored");

    expect(await ledgerState(world)).toEqual(before);
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "partially_paid", amount_paid: 1_550 });
  });

  it("should count the cumulative total once when two refunds made at Stripe arrive in reverse order", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, intent } = await paidCard(world, [invoice.id]);
    const dashboard = stripeDashboard(world.secretKey);
    await dashboard.refunds.create({ payment_intent: intent, amount: 1_000 });
    await dashboard.refunds.create({ payment_intent: intent, amount: 500 });
    const [first, second] = await fakeEvents({ type: "charge.refunded", object: intent });

    expect(await deliverOk(world, second!)).toBe("applied");
    expect(await deliverOk(world, first!)).toBe("ignored");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 1_500 });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 8_500 });
  });

  it("should settle from Stripe first and then refund when the refund arrives before the success", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, intent, event: succeeded } = await succeededCard(world, [a.id, b.id]);
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent, amount: 2_000 });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });

    expect(await deliverOk(world, refunded!)).toBe("applied");
    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount: 12_550, amount_refunded: 2_000 });
    const settled = await ledgerState(world);
    expect(await deliverOk(world, succeeded)).toBe("ignored");

    expect(await ledgerState(world)).toEqual(settled);
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "paid" });
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "partially_paid", amount_paid: 550 });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });
});

describe("Stripe webhooks: disputes", () => {
  it("should reopen the invoice, record the dispute and emit payment.disputed when charge.dispute.created arrives", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, intent } = await paidCard(world, [invoice.id]);
    const disputed = await control(`payment_intents/${intent}/dispute`);

    expect(await deliverOk(world, disputed)).toBe("applied");
    expect(await deliverOk(world, disputed)).toBe("duplicate");

    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 10_000 });
    const after = await getPayment(world, payment.id);
    expect(after).toMatchObject({ amount_refunded: 10_000, refunds: [{ kind: "dispute", amount: 10_000 }] });
    const events = await paymentEvents(world.merchant.key, payment.id);
    expect(events.map((event) => event.type).slice(-2)).toEqual(["invoice.reopened", "payment.disputed"]);
    expect(events.at(-1)!.data).toMatchObject({ amount: 10_000, invoices: [{ invoice: invoice.id, amount: 10_000 }] });
  });

  it("should take back both the refund and the dispute when a partial dispute that followed a partial refund arrives first", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const { payment, intent } = await paidCard(world, [invoice.id]);
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent, amount: 1_000 });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });
    const disputed = await control(`payment_intents/${intent}/dispute`, { amount: 3_000 });

    expect(await deliverOk(world, disputed)).toBe("applied");
    expect(await deliverOk(world, refunded!)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 4_000 });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 6_000 });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should settle a Checkout payment and take the dispute back when the dispute arrives before checkout.session.completed", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 10_000);
    const payment = await startPayment(world, [invoice.id], "stripe_checkout");
    const completed = await control(`checkout/sessions/${await providerRefOf(payment.id)}/complete`);
    const intent = (completed.data.object as Stripe.Checkout.Session).payment_intent as string;
    const disputed = await control(`payment_intents/${intent}/dispute`, { amount: 4_000 });

    expect(await deliverOk(world, disputed)).toBe("applied");
    expect(await deliverOk(world, completed)).toBe("ignored");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount: 10_000, amount_refunded: 4_000, refunds: [{ kind: "dispute", amount: 4_000 }] });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 6_000 });
  });
});

describe("Stripe webhooks: money for invoices settled meanwhile", () => {
  it("should keep the whole share of an invoice paid offline meanwhile as the customer's credit", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, event } = await succeededCard(world, [a.id, b.id]);
    expect((await recordPayment(world.merchant.key, [{ invoice: a.id, amount: 10_000 }])).status).toBe(201);

    expect(await deliverOk(world, event)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({
      status: "succeeded",
      amount: 12_550,
      amount_unallocated: 10_000,
      allocations: [{ invoice: b.id, amount: 2_550, amount_refunded: 0, planned: false }],
    });
    expect(await getInvoice(world, a.id)).toMatchObject({ status: "paid", amount_paid: 10_000 });
    expect(await getInvoice(world, b.id)).toMatchObject({ status: "paid", amount_paid: 2_550 });
    expect((await api(world.merchant.key, "GET", `/v1/customers/${world.customer}`)).body.credit_balances).toEqual([{ currency: "eur", amount: 10_000 }]);
    const succeeded = (await paymentEvents(world.merchant.key, payment.id)).find((item) => item.type === "payment.succeeded");
    expect(succeeded!.data).toMatchObject({ amount_unallocated: 10_000, allocations: [{ invoice: b.id, amount: 2_550 }] });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should apply only what is still due and keep the rest as credit when an invoice was partly paid offline meanwhile", async () => {
    const world = await stripeWorld();
    const invoice = await invoiceOf(world, 12_000);
    const { payment, event } = await succeededCard(world, [invoice.id]);
    expect((await recordPayment(world.merchant.key, [{ invoice: invoice.id, amount: 4_000 }])).status).toBe(201);

    expect(await deliverOk(world, event)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ amount: 12_000, amount_unallocated: 4_000, allocations: [{ invoice: invoice.id, amount: 8_000 }] });
    expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid", amount_paid: 12_000 });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });

  it("should take a refund out of the credit first and leave the invoices paid", async () => {
    const world = await stripeWorld();
    const [a, b] = await twoInvoices(world);
    const { payment, intent, event } = await succeededCard(world, [a.id, b.id]);
    expect((await recordPayment(world.merchant.key, [{ invoice: a.id, amount: 10_000 }])).status).toBe(201);
    expect(await deliverOk(world, event)).toBe("applied");
    await stripeDashboard(world.secretKey).refunds.create({ payment_intent: intent, amount: 6_000 });
    const [refunded] = await fakeEvents({ type: "charge.refunded", object: intent });

    expect(await deliverOk(world, refunded!)).toBe("applied");

    expect(await getPayment(world, payment.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 6_000, amount_unallocated: 4_000 });
    for (const invoice of [a, b]) expect(await getInvoice(world, invoice.id)).toMatchObject({ status: "paid" });
    expectBalancedBooks(await booksOf(world.merchant.id));
  });
});

describe("Stripe webhooks: isolation between merchants", () => {
  it("should change nothing for merchant A when merchant B's own events are delivered to B", async () => {
    const a = await stripeWorld({ name: "A SARL" });
    const b = await stripeWorld({ name: "B SARL" });
    const invoiceA = await invoiceOf(a, 10_000);
    await startPayment(a, [invoiceA.id]);
    const invoiceB = await invoiceOf(b, 10_000);
    const { event } = await succeededCard(b, [invoiceB.id]);
    const before = await merchantFingerprint(a.merchant.id);

    expect(await deliverOk(b, event)).toBe("applied");

    expect(await merchantFingerprint(a.merchant.id)).toBe(before);
  });
});
