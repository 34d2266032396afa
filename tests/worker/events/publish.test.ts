/**
 * Every write path that appends an event publishes it at once: the hub is told (through
 * events/publish.ts, seen here by a spying HUB binding), a merchant stream receives the event, and
 * a long-poll on the invoice returns early — with no cron running. Each path runs through the
 * Worker's real entry points (fetch, queue, scheduled) against the migrated D1.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../worker/index";
import { trackingToken } from "../../../worker/reminders/tracking";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";
import { mustOpenStream, type SseReader } from "../realtime/support";

/** The real environment, but the HUB binding records who is told of new events. */
function spyingEnv(): { env: Env; notified: string[] } {
  const notified: string[] = [];
  const HUB = {
    getByName(name: string) {
      const stub = env.HUB.getByName(name);
      return {
        notify(merchantId: string) {
          notified.push(merchantId);
          return stub.notify(merchantId);
        },
      };
    },
  };
  return { env: { ...env, HUB } as unknown as Env, notified };
}

interface World {
  merchant: TestMerchant;
  customer: string;
  spy: ReturnType<typeof spyingEnv>;
  stream: SseReader;
}

async function world(): Promise<World> {
  const merchant = await createMerchant("Publication SARL");
  await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
  const customer = (await createCustomer(merchant.key)).id;
  const stream = await mustOpenStream(merchant.key);
  return { merchant, customer, spy: spyingEnv(), stream };
}

/** One request through the Worker's fetch with the spying environment; background work awaited. */
async function call(w: World, token: string | null, method: string, path: string, body?: unknown) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await worker.fetch(
    new Request(`http://127.0.0.1:8787${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    w.spy.env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

/** Starts a long-poll on the invoice (up to 10 s) and answers how long it took to return, and with which version. */
function longPoll(w: World, invoiceId: string, version: number) {
  const started = Date.now();
  return (exports as any).default
    .fetch(new Request(`http://127.0.0.1:8787/v1/invoices/${invoiceId}/status?wait=10&version=${version}`, { headers: { authorization: `Bearer ${w.merchant.key}` } }))
    .then(async (response: Response) => ({ ms: Date.now() - started, version: ((await response.json()) as { version: number }).version }));
}

async function expectPublished(w: World, type: string, poll?: Promise<{ ms: number; version: number }>, knownVersion?: number) {
  expect(w.spy.notified).toContain(w.merchant.id);
  expect(await w.stream.until(() => w.stream.events.some((event) => event.event === type), 5000), `${type} on the stream`).toBe(true);
  if (poll !== undefined) {
    const answered = await poll;
    expect(answered.version).toBeGreaterThan(knownVersion!);
    expect(answered.ms).toBeLessThan(5000);
  }
  await w.stream.close();
}

async function version(key: string, invoiceId: string): Promise<number> {
  return (await api(key, "GET", `/v1/invoices/${invoiceId}/status`)).body.version;
}

/** A reminder queued straight in D1 (not on the queue), for the consumer to be called by hand. */
async function queuedReminder(merchantId: string, invoiceId: string): Promise<string> {
  const id = `rem_${crypto.randomUUID().replaceAll("-", "")}`;
  const at = new Date().toISOString();
  await env.DB.prepare("INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at) VALUES (?, ?, ?, 100000, ?, 'queued', ?, ?)")
    .bind(id, merchantId, invoiceId, at.slice(0, 10), at, at)
    .run();
  return id;
}

async function runQueue(w: World, queue: string, body: unknown) {
  const batch = createMessageBatch(queue, [{ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<any>, w.spy.env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("publishing on every write path, without a cron", () => {
  it("should publish customer.created when a customer is created", async () => {
    const w = await world();
    expect((await call(w, w.merchant.key, "POST", "/v1/customers", { name: "Neuf", email: "neuf@example.com" })).status).toBe(201);
    await expectPublished(w, "customer.created");
  });

  it("should publish and wake a long-poll when a draft is created, updated, issued and an invoice voided", async () => {
    const w = await world();
    const created = await call(w, w.merchant.key, "POST", "/v1/invoices", { customer: w.customer, currency: "eur", lines: [{ description: "Pose", quantity: 1, unit_amount: 5000 }] });
    expect(created.status).toBe(201);
    await expectPublished(w, "invoice.created");
    for (const [path, body, type] of [
      [`/v1/invoices/${created.body.id}`, { memo: "Merci" }, "invoice.updated"],
      [`/v1/invoices/${created.body.id}/issue`, undefined, "invoice.issued"],
      [`/v1/invoices/${created.body.id}/void`, undefined, "invoice.voided"],
    ] as const) {
      const step = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
      const known = await version(w.merchant.key, created.body.id);
      const poll = longPoll(step, created.body.id, known);
      expect((await call(step, w.merchant.key, "POST", path, body)).status).toBe(200);
      await expectPublished(step, type, poll, known);
    }
  });

  it("should publish and wake a long-poll when an offline payment is recorded, refunded and credit allocated", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer);
    const known = await version(w.merchant.key, invoice.id);
    const poll = longPoll(w, invoice.id, known);
    const paid = await call(w, w.merchant.key, "POST", "/v1/payments", { method: "bank_transfer", amount: invoice.total, currency: "eur", allocations: [{ invoice: invoice.id, amount: invoice.total }] });
    expect(paid.status).toBe(201);
    await expectPublished(w, "invoice.paid", poll, known);

    const refund = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
    const refundPoll = longPoll(refund, invoice.id, await version(w.merchant.key, invoice.id));
    expect((await call(refund, w.merchant.key, "POST", `/v1/payments/${paid.body.id}/refund`, { amount: 1000 })).status).toBe(200);
    await expectPublished(refund, "payment.refunded", refundPoll, known);
  });

  it("should publish when a client pays online in the sandbox and when the merchant allocates the credit left", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer);
    const session = (await api(w.merchant.key, "POST", "/v1/client_sessions", { customer: w.customer })).body.token as string;
    const known = await version(w.merchant.key, invoice.id);
    const poll = longPoll(w, invoice.id, known);
    const started = await call(w, session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    expect(started.status).toBe(201);
    await expectPublished(w, "invoice.payment_processing", poll, known);

    // Settled elsewhere meanwhile: the sandbox payment becomes credit, which the merchant then allocates.
    expect((await recordPayment(w.merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const card = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
    expect((await call(card, null, "POST", `/sandbox/pay/${started.body.action.token}`, { card_number: "4242424242424242" })).body.status).toBe("succeeded");
    await expectPublished(card, "payment.succeeded");

    const next = await createInvoice(w.merchant.key, w.customer);
    const allocate = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
    const nextKnown = await version(w.merchant.key, next.id);
    const nextPoll = longPoll(allocate, next.id, nextKnown);
    expect((await call(allocate, w.merchant.key, "POST", `/v1/payments/${started.body.id}/allocate`, { allocations: [{ invoice: next.id, amount: 1000 }] })).status).toBe(200);
    await expectPublished(allocate, "invoice.partially_paid", nextPoll, nextKnown);
  });

  it("should publish settings.updated when the settings change", async () => {
    const w = await world();
    expect((await call(w, w.merchant.key, "PUT", "/v1/settings", { email_signature: "L'équipe" })).status).toBe(200);
    await expectPublished(w, "settings.updated");
  });

  it("should publish invoice.viewed when the client opens the pay page and when the widget shows the invoice", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer);
    const hosted = (await api(w.merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url as string;
    const pageCtx = createExecutionContext();
    const page = await worker.fetch(new Request(`http://127.0.0.1:8787${new URL(hosted).pathname}`), w.spy.env, pageCtx);
    expect(page.status).toBe(200);
    await waitOnExecutionContext(pageCtx); // the view is recorded and published in the background
    await expectPublished(w, "invoice.viewed");

    const second = await createInvoice(w.merchant.key, w.customer);
    const widget = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
    const session = (await api(w.merchant.key, "POST", "/v1/client_sessions", { customer: w.customer })).body.token as string;
    expect((await call(widget, session, "GET", `/v1/client/invoices/${second.id}`)).status).toBe(200);
    await expectPublished(widget, "invoice.viewed");
  });

  it("should publish reminder.sent from the queue consumer, then reminder.opened and reminder.clicked from the tracking links", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer);
    const reminder = await queuedReminder(w.merchant.id, invoice.id);
    // Reminder events leave the invoice's version as it is: a long-poll keeps waiting, by design, so only the stream is checked.
    await runQueue(w, "quittance-reminders", { reminder });
    await expectPublished(w, "reminder.sent");

    for (const [purpose, path, type] of [
      ["open", (token: string) => `/t/o/${token}.gif`, "reminder.opened"],
      ["click", (token: string) => `/t/c/${token}`, "reminder.clicked"],
    ] as const) {
      const step = { ...w, spy: spyingEnv(), stream: await mustOpenStream(w.merchant.key) };
      const trackingContext = createExecutionContext();
      const response = await worker.fetch(new Request(`http://127.0.0.1:8787${path(await trackingToken(env, purpose, reminder))}`, { redirect: "manual" }), step.spy.env, trackingContext);
      await waitOnExecutionContext(trackingContext);
      expect(response.status).toBeLessThan(400);
      await expectPublished(step, type);
    }
  });

  it("should publish webhook_endpoint.disabled from the delivery consumer when an endpoint fails once too often", async () => {
    const w = await world();
    await createInvoice(w.merchant.key, w.customer);
    const event = await env.DB.prepare("SELECT max(seq) AS seq FROM events WHERE merchant_id = ?").bind(w.merchant.id).first<{ seq: number }>();
    const at = new Date().toISOString();
    const endpoint = `we_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
    const delivery = `whd_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
    // Two failures already (the test deployment disables after 3), to a port nothing listens on.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, consecutive_failures, start_seq, created_at) VALUES (?, ?, 'http://127.0.0.1:9/hook', NULL, 'whsec_test', 'active', 2, ?, ?)")
        .bind(endpoint, w.merchant.id, event!.seq, at),
      env.DB.prepare("INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)")
        .bind(delivery, endpoint, w.merchant.id, event!.seq, at, at),
    ]);
    await runQueue(w, "quittance-webhooks", { delivery });
    await expectPublished(w, "webhook_endpoint.disabled");
  });

  it("should publish from the cron when a payment abandoned for a day is marked failed", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer);
    const session = (await api(w.merchant.key, "POST", "/v1/client_sessions", { customer: w.customer })).body.token as string;
    const started = await api(session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    expect(started.status).toBe(201);
    const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE payments SET created_at = ?, updated_at = ? WHERE id = ?").bind(longAgo, longAgo, started.body.id).run();
    const known = await version(w.merchant.key, invoice.id);
    const poll = longPoll(w, invoice.id, known);
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), w.spy.env, ctx);
    await waitOnExecutionContext(ctx);
    await expectPublished(w, "payment.failed", poll, known);
  });
});
