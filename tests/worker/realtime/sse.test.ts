/**
 * GET /v1/events/stream: framing (retry, id/event/data, keep-alive), live delivery after a write,
 * and resume from Last-Event-ID or ?after= with neither gap nor duplicate against GET /v1/events.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appendEvent, seqOfEventId } from "../../../worker/events/log";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { eventLog, lastEventId, mintSession, mustOpenStream, openStream, problemOf, settleHub, sleep, SseReader } from "./support";

type Reader = SseReader;

/** 50 events exactly: 25 invoices issued at creation (invoice.created + invoice.issued each). */
async function fiftyEvents(key: string, customer: string): Promise<void> {
  for (let index = 0; index < 25; index += 1) await createInvoice(key, customer, { lines: [{ description: `Line ${index}`, quantity: 1, unit_amount: 1000 + index }] });
}

function expectWellFormed(stream: Reader): void {
  for (const message of stream.events) {
    expect(message.id).toMatch(/^evt_\d{12}[0-9a-z]{26}$/);
    expect(message.event).toBeTruthy();
    expect(message.json, message.data ?? "").toMatchObject({ id: message.id, type: message.event, object: "event" });
  }
}

async function expectResume(header: (after: string) => { path: string; headers: Record<string, string> }): Promise<void> {
  const merchant = await createMerchant();
  const customer = (await createCustomer(merchant.key)).id;
  const before = await lastEventId(merchant.key);
  expect(before).toBeDefined();
  await fiftyEvents(merchant.key, customer);
  const missed = await eventLog(merchant.key, before);
  expect(missed).toHaveLength(50);

  const { path, headers } = header(before!);
  const stream = await mustOpenStream(merchant.key, path, headers);
  try {
    expect(await stream.untilEvents(50)).toBe(true);
    expect(stream.events.slice(0, 50).map((message) => message.id)).toEqual(missed.map((event) => event.id));

    const invoice = await createInvoice(merchant.key, customer);
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const all = await eventLog(merchant.key, before);
    expect(all).toHaveLength(54); // + invoice.created, invoice.issued, invoice.paid, payment.succeeded
    await stream.untilEvents(all.length);
    await stream.drain(1500); // a keep-alive later: nothing more (no late duplicate)
    const ids = stream.events.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(all.map((event) => event.id));
    expect(stream.events.map((message) => message.json)).toEqual(all);
    expectWellFormed(stream);
  } finally {
    await stream.close();
  }
}

describe("GET /v1/events/stream framing", () => {
  it("should start with retry: advice before anything else when a stream opens", async () => {
    const merchant = await createMerchant();
    const stream = await mustOpenStream(merchant.key);
    try {
      expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(stream.response.headers.get("cache-control")).toMatch(/no-cache/);
      expect(stream.raw).toMatch(/^retry: \d+\n/);
      expect(stream.blocks[0]).toMatchObject({ kind: "retry" });
      expect((stream.blocks[0] as { ms: number }).ms).toBeGreaterThan(0);
    } finally {
      await stream.close();
    }
  });

  it("should deliver the payment's events with id, event and data (the event JSON) when an offline payment is recorded", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    await settleHub(merchant.id);
    const stream = await mustOpenStream(merchant.key);
    try {
      const started = Date.now();
      const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
      expect(paid.status).toBe(201);
      expect(await stream.untilEvents(2, 3000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
      const log = (await eventLog(merchant.key)).slice(-2);
      expect(log.map((event) => event.type)).toEqual(["invoice.paid", "payment.succeeded"]);
      expect(stream.events.map((message) => message.id)).toEqual(log.map((event) => event.id));
      expect(stream.events.map((message) => message.event)).toEqual(["invoice.paid", "payment.succeeded"]);
      expect(stream.events.map((message) => message.json)).toEqual(log);
      expect(stream.events[1]!.json).toMatchObject({ payment: paid.body.id, data: { amount: invoice.total, currency: "eur" } });
      expectWellFormed(stream);
      // Each message is exactly one `id:`, one `event:` and one `data:` line.
      for (const block of stream.blocks.filter((candidate) => candidate.kind === "message")) {
        expect(block.lines.map((line) => line.split(":")[0])).toEqual(["id", "event", "data"]);
      }
    } finally {
      await stream.close();
    }
  });

  it("should send a keep-alive comment when the stream stays idle for a keep-alive period", async () => {
    const merchant = await createMerchant();
    const stream = await mustOpenStream(merchant.key);
    try {
      const opening = stream.comments.length;
      const started = Date.now();
      expect(await stream.until(() => stream.comments.length > opening, 4000)).toBe(true);
      expect(stream.comments.at(-1)).toBe("keep-alive");
      expect(Date.now() - started).toBeLessThan(3500); // SSE_KEEPALIVE_SECONDS is 1 in tests
      expect(stream.events).toHaveLength(0);
      expect(stream.ended).toBe(false);
    } finally {
      await stream.close();
    }
  });

  it("should start live (no replay of the past) when no Last-Event-ID is sent", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await createInvoice(merchant.key, customer);
    await settleHub(merchant.id);
    const stream = await mustOpenStream(merchant.key);
    try {
      await stream.drain(1200);
      expect(stream.events).toHaveLength(0);
      await createCustomer(merchant.key);
      expect(await stream.untilEvents(1)).toBe(true);
      expect(stream.events.map((message) => message.event)).toEqual(["customer.created"]);
    } finally {
      await stream.close();
    }
  });
});

describe("GET /v1/events/stream resume", () => {
  it("should replay exactly the 50 missed events in order then live ones, with no gap and no duplicate, when Last-Event-ID is sent", async () => {
    await expectResume((after) => ({ path: "/v1/events/stream", headers: { "last-event-id": after } }));
  });

  it("should replay exactly the 50 missed events in order then live ones, with no gap and no duplicate, when ?after= is sent", async () => {
    await expectResume((after) => ({ path: `/v1/events/stream?after=${after}`, headers: {} }));
  });

  it("should prefer Last-Event-ID over ?after= when both are sent", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const first = await lastEventId(merchant.key);
    await createInvoice(merchant.key, customer);
    const log = await eventLog(merchant.key, first);
    expect(log).toHaveLength(2);
    const stream = await mustOpenStream(merchant.key, `/v1/events/stream?after=${first}`, { "last-event-id": log[0].id });
    try {
      expect(await stream.untilEvents(1)).toBe(true);
      await stream.drain(300);
      expect(stream.events.map((message) => message.id)).toEqual([log[1].id]);
    } finally {
      await stream.close();
    }
  });

  it("should have neither gap nor duplicate when streams resume while payments are being recorded concurrently", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoices = [];
    for (let index = 0; index < 6; index += 1) invoices.push(await createInvoice(merchant.key, customer));
    const before = await lastEventId(merchant.key);
    await fiftyEvents(merchant.key, customer);
    // Resumes open while writes land (and notify the hub) at the same time.
    const writes = (async () => {
      for (const invoice of invoices) await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
    })();
    const streams: Reader[] = [];
    for (let index = 0; index < 4; index += 1) {
      streams.push(await mustOpenStream(merchant.key, "/v1/events/stream", { "last-event-id": before! }));
    }
    await writes;
    const all = await eventLog(merchant.key, before);
    expect(all).toHaveLength(50 + 6 * 2);
    try {
      for (const stream of streams) {
        await stream.untilEvents(all.length);
        await stream.drain(300);
        expect(stream.events.map((message) => message.id)).toEqual(all.map((event) => event.id));
      }
    } finally {
      for (const stream of streams) await stream.close();
    }
  });

  it("should replay the missed events when a stream resumes while the hub is reading newer events", async () => {
    // Deterministic interleaving: events land in D1 without telling the hub, then the hub is told
    // (its pump starts reading them) and, while that read is in flight, a stream resumes from further back.
    for (let round = 0; round < 3; round += 1) {
      const merchant = await createMerchant();
      const customer = (await createCustomer(merchant.key)).id;
      const before = await lastEventId(merchant.key);
      for (let index = 0; index < 5; index += 1) await createInvoice(merchant.key, customer);
      await sleep(100); // the hub has pumped those writes
      await env.DB.batch([0, 1, 2].map(() => appendEvent(env.DB, { merchantId: merchant.id, type: "customer.created", customerId: customer, data: {}, now: new Date() })));
      const hub = env.HUB.getByName(merchant.id);
      const notified = hub.notify(merchant.id);
      const response = (await hub.openStream({ merchantId: merchant.id, audience: { kind: "merchant" }, afterSeq: seqOfEventId(before!), expiresAt: null, sessionHash: null, keyId: null })) as unknown as Response;
      await notified;
      const stream = new SseReader(response, response.body!.getReader());
      try {
        const all = await eventLog(merchant.key, before);
        expect(all).toHaveLength(13);
        await stream.untilEvents(all.length, 3000);
        await stream.drain(200);
        expect(stream.events.map((message) => message.id)).toEqual(all.map((event) => event.id));
      } finally {
        await stream.close();
      }
    }
  });

  it("should answer 422 parameter_invalid naming Last-Event-ID when the Last-Event-ID is not an event id", async () => {
    const merchant = await createMerchant();
    for (const bad of ["42", "evt_123", "inv_00000000000000000000000000", `evt_${"0".repeat(12)}${"A".repeat(26)}`]) {
      const response = await openStream(merchant.key, "/v1/events/stream", { "last-event-id": bad });
      expect(response).not.toBeInstanceOf(SseReader);
      expect(await problemOf(response as Response)).toEqual({ status: 422, code: "parameter_invalid", param: "Last-Event-ID", type: expect.stringMatching(/^application\/problem\+json/) });
    }
  });

  it("should answer 422 parameter_invalid naming after when ?after= is not an event id", async () => {
    const merchant = await createMerchant();
    const response = await openStream(merchant.key, "/v1/events/stream?after=nope");
    expect(response).not.toBeInstanceOf(SseReader);
    expect(await problemOf(response as Response)).toEqual({ status: 422, code: "parameter_invalid", param: "after", type: expect.stringMatching(/^application\/problem\+json/) });
  });
});

describe("GET /v1/events/stream access", () => {
  it("should stream to a read-only key when the accountant connects", async () => {
    const merchant = await createMerchant();
    const stream = await mustOpenStream(merchant.readOnlyKey);
    try {
      await createCustomer(merchant.key);
      expect(await stream.untilEvents(1)).toBe(true);
      expect(stream.events[0]!.event).toBe("customer.created");
    } finally {
      await stream.close();
    }
  });

  it("should answer 403 wrong_key_type when a client session asks for the merchant stream", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer);
    const response = await openStream(session);
    expect(response).not.toBeInstanceOf(SseReader);
    expect(await problemOf(response as Response)).toMatchObject({ status: 403, code: "wrong_key_type" });
  });

  it("should answer 401 when no key or an unknown key is sent", async () => {
    const missing = await api(null, "GET", "/v1/events/stream");
    expect(missing.status).toBe(401);
    const unknown = await openStream("sk_test_" + "x".repeat(40));
    expect(unknown).not.toBeInstanceOf(SseReader);
    expect((unknown as Response).status).toBe(401);
    await (unknown as Response).body?.cancel();
  });

  it("should not receive another merchant's events when both merchants have streams open", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant("Other SARL");
    const stream = await mustOpenStream(merchant.key);
    const otherStream = await mustOpenStream(other.key);
    try {
      const customer = (await createCustomer(other.key)).id;
      const invoice = await createInvoice(other.key, customer);
      await recordPayment(other.key, [{ invoice: invoice.id, amount: invoice.total }]);
      expect(await otherStream.untilEvents(5)).toBe(true);
      await stream.drain(1200);
      expect(stream.events).toHaveLength(0);
      expect(stream.comments).toContain("keep-alive"); // it is alive, just silent
    } finally {
      await stream.close();
      await otherStream.close();
    }
  });
});
