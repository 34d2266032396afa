/**
 * GET /v1/client/stream: a client session sees its own customer's invoice and payment events only
 * (never another customer's, never drafts or merchant bookkeeping), nothing of another merchant,
 * and the CORS rules of client endpoints apply.
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { allowOrigins, eventLog, lastEventId, mintSession, mustOpenStream, openStream, problemOf, settleHub, SseReader } from "./support";

const CLIENT_TYPES = new Set(["invoice.issued", "invoice.partially_paid", "invoice.paid", "payment.succeeded", "invoice.voided", "invoice.reopened", "payment.refunded"]);
const SHOP = "https://shop.example";

/** What a customer's stream should show: that customer's events, minus drafts and merchant bookkeeping. */
function expectedFor(log: any[], customer: string): string[] {
  return log.filter((event) => event.customer === customer && CLIENT_TYPES.has(event.type)).map((event) => event.id);
}

describe("GET /v1/client/stream", () => {
  it("should give each customer's stream only its own invoice and payment events when payments on two customers interleave", async () => {
    const merchant = await createMerchant();
    const alice = (await createCustomer(merchant.key, { name: "Alice SAS", email: "alice@example.com" })).id;
    const bob = (await createCustomer(merchant.key, { name: "Bob SARL", email: "bob@example.com" })).id;
    const before = await lastEventId(merchant.key);
    await settleHub(merchant.id);
    const aliceStream = await mustOpenStream(await mintSession(merchant.key, alice), "/v1/client/stream");
    const bobStream = await mustOpenStream(await mintSession(merchant.key, bob), "/v1/client/stream");
    const merchantStream = await mustOpenStream(merchant.key);
    try {
      // Drafts for both (invoice.created only, never shown to clients), then issued invoices, then interleaved payments.
      const aliceDraft = await createInvoice(merchant.key, alice, { issue: false });
      const bobDraft = await createInvoice(merchant.key, bob, { issue: false });
      const aliceInvoice = await createInvoice(merchant.key, alice);
      const bobInvoice = await createInvoice(merchant.key, bob);
      const aliceSecond = await createInvoice(merchant.key, alice, { lines: [{ description: "Audit", quantity: 2, unit_amount: 5000 }] });
      const payments: [string, { id: string; total: number }, number][] = [
        [alice, aliceInvoice, 3000],
        [bob, bobInvoice, 4000],
        [alice, aliceInvoice, aliceInvoice.total - 3000],
        [bob, bobInvoice, bobInvoice.total - 4000],
        [alice, aliceSecond, aliceSecond.total],
      ];
      for (const [, invoice, amount] of payments) {
        const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount }]);
        expect(paid.status, paid.text).toBe(201);
      }
      await api(merchant.key, "PUT", "/v1/settings", { allowed_origins: [SHOP] }); // settings.updated: merchant-only

      const log = await eventLog(merchant.key, before);
      const forAlice = expectedFor(log, alice);
      const forBob = expectedFor(log, bob);
      // 3 issued + 5 payments × 2 events, split between them.
      expect(forAlice).toHaveLength(2 + 3 * 2);
      expect(forBob).toHaveLength(1 + 2 * 2);
      expect(await merchantStream.untilEvents(log.length)).toBe(true);
      await aliceStream.untilEvents(forAlice.length);
      await bobStream.untilEvents(forBob.length);
      await aliceStream.drain(1200); // a keep-alive later, nothing more has come
      await bobStream.drain(300);

      expect(aliceStream.events.map((message) => message.id)).toEqual(forAlice);
      expect(bobStream.events.map((message) => message.id)).toEqual(forBob);
      for (const [stream, customer, invoices] of [
        [aliceStream, alice, [aliceInvoice.id, aliceSecond.id]],
        [bobStream, bob, [bobInvoice.id]],
      ] as const) {
        for (const message of stream.events) {
          expect(message.json.customer).toBe(customer);
          expect(message.event).not.toBe("invoice.created");
          if (message.json.invoice !== null) expect(invoices).toContain(message.json.invoice);
          expect(message.json).toEqual(log.find((event) => event.id === message.id));
        }
        expect(stream.raw).not.toContain(customer === alice ? bob : alice);
        expect(stream.raw).not.toContain(customer === alice ? bobInvoice.id : aliceInvoice.id);
        expect(stream.raw).not.toContain(bobDraft.id);
        expect(stream.raw).not.toContain(aliceDraft.id);
        expect(stream.raw).not.toContain("settings.updated");
        expect(stream.raw).not.toContain("customer.created");
      }
      // The merchant's stream has everything, drafts included.
      expect(merchantStream.events.map((message) => message.id)).toEqual(log.map((event) => event.id));
      expect(merchantStream.events.filter((message) => message.event === "invoice.created")).toHaveLength(5);
    } finally {
      await aliceStream.close();
      await bobStream.close();
      await merchantStream.close();
    }
  });

  it("should replay only its own customer's events when a client stream resumes with Last-Event-ID", async () => {
    const merchant = await createMerchant();
    const alice = (await createCustomer(merchant.key)).id;
    const bob = (await createCustomer(merchant.key)).id;
    const before = await lastEventId(merchant.key);
    for (const customer of [alice, bob, alice, bob]) {
      const invoice = await createInvoice(merchant.key, customer);
      await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 1000 }]);
    }
    await createInvoice(merchant.key, alice, { issue: false });
    const log = await eventLog(merchant.key, before);
    const stream = await mustOpenStream(await mintSession(merchant.key, alice), "/v1/client/stream", { "last-event-id": before! });
    try {
      const expected = expectedFor(log, alice);
      expect(expected).toHaveLength(2 * 3); // issued, partially_paid, payment.succeeded, twice
      await stream.untilEvents(expected.length);
      await stream.drain(300);
      expect(stream.events.map((message) => message.id)).toEqual(expected);
    } finally {
      await stream.close();
    }
  });

  it("should show nothing of this merchant on another merchant's client or merchant stream when this merchant's customers pay", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant("Other SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const otherCustomer = (await createCustomer(other.key)).id;
    await settleHub(other.id);
    const otherClient = await mustOpenStream(await mintSession(other.key, otherCustomer), "/v1/client/stream");
    const otherMerchant = await mustOpenStream(other.key);
    const ownClient = await mustOpenStream(await mintSession(merchant.key, customer), "/v1/client/stream");
    try {
      const invoice = await createInvoice(merchant.key, customer);
      await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
      expect(await ownClient.untilEvents(3)).toBe(true); // issued, paid, payment.succeeded: the stream works
      await otherClient.drain(1200);
      await otherMerchant.drain(100);
      expect(otherClient.events).toHaveLength(0);
      expect(otherMerchant.events).toHaveLength(0);
      expect(otherClient.comments).toContain("keep-alive");
    } finally {
      await otherClient.close();
      await otherMerchant.close();
      await ownClient.close();
    }
  });

  it("should keep the refund's reason off the customer's stream and on the merchant's when the merchant refunds with an internal note", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
    expect(paid.status, paid.text).toBe(201);
    await settleHub(merchant.id);
    const client = await mustOpenStream(await mintSession(merchant.key, customer), "/v1/client/stream");
    const merchantStream = await mustOpenStream(merchant.key);
    try {
      const note = "goodwill: customer threatened a chargeback, see ticket 4411";
      const refunded = await api(merchant.key, "POST", `/v1/payments/${paid.body.id}/refund`, { amount: 500, reason: note });
      expect(refunded.status, refunded.text).toBe(200);
      const isRefund = (reader: SseReader) => reader.events.some((message) => message.event === "payment.refunded");
      expect(await client.until(() => isRefund(client))).toBe(true);
      expect(await merchantStream.until(() => isRefund(merchantStream))).toBe(true);

      const seen = client.events.find((message) => message.event === "payment.refunded")!;
      expect(seen.json.data).toMatchObject({ amount: 500, currency: "eur" });
      expect(seen.json.data).not.toHaveProperty("reason");
      expect(client.raw).not.toContain("ticket 4411");
      expect(merchantStream.events.find((message) => message.event === "payment.refunded")!.json.data.reason).toBe(note);
      expect((await eventLog(merchant.key)).find((event) => event.type === "payment.refunded").data.reason).toBe(note);
    } finally {
      await client.close();
      await merchantStream.close();
    }
  });

  it("should answer 403 wrong_key_type when a secret key asks for the client stream", async () => {
    const merchant = await createMerchant();
    const response = await openStream(merchant.key, "/v1/client/stream");
    expect(response).not.toBeInstanceOf(SseReader);
    expect(await problemOf(response as Response)).toMatchObject({ status: 403, code: "wrong_key_type" });
  });

  it("should answer 422 when a client stream's Last-Event-ID is not an event id", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const response = await openStream(await mintSession(merchant.key, customer), "/v1/client/stream", { "last-event-id": "evt_nope" });
    expect(response).not.toBeInstanceOf(SseReader);
    expect(await problemOf(response as Response)).toMatchObject({ status: 422, code: "parameter_invalid", param: "Last-Event-ID" });
  });
});

describe("GET /v1/client/stream CORS", () => {
  it("should answer 403 origin_not_allowed when the request comes from an origin not in allowed_origins", async () => {
    const merchant = await createMerchant();
    await allowOrigins(merchant.key, [SHOP]);
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer);
    const response = await openStream(session, "/v1/client/stream", { origin: "https://evil.example" });
    expect(response).not.toBeInstanceOf(SseReader);
    expect((response as Response).headers.get("access-control-allow-origin")).toBeNull();
    expect(await problemOf(response as Response)).toMatchObject({ status: 403, code: "origin_not_allowed", param: "Origin" });
  });

  it("should answer 403 when the origin is allowed by another merchant but not by the session's merchant", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant("Other SARL");
    await allowOrigins(other.key, ["https://other-shop.example"]);
    const customer = (await createCustomer(merchant.key)).id;
    const response = await openStream(await mintSession(merchant.key, customer), "/v1/client/stream", { origin: "https://other-shop.example" });
    expect(response).not.toBeInstanceOf(SseReader);
    expect(await problemOf(response as Response)).toMatchObject({ status: 403, code: "origin_not_allowed" });
  });

  it("should stream with access-control-allow-origin when the request comes from an allowed origin", async () => {
    const merchant = await createMerchant();
    await allowOrigins(merchant.key, [SHOP]);
    const customer = (await createCustomer(merchant.key)).id;
    const stream = await mustOpenStream(await mintSession(merchant.key, customer), "/v1/client/stream", { origin: SHOP });
    try {
      expect(stream.response.headers.get("access-control-allow-origin")).toBe(SHOP);
      expect(stream.response.headers.get("vary")).toMatch(/Origin/i);
      const invoice = await createInvoice(merchant.key, customer);
      expect(await stream.untilEvents(1)).toBe(true);
      expect(stream.events[0]).toMatchObject({ event: "invoice.issued", json: { invoice: invoice.id } });
    } finally {
      await stream.close();
    }
  });

  it("should answer the preflight with Last-Event-ID among the allowed headers when the origin is allowed", async () => {
    const merchant = await createMerchant();
    await allowOrigins(merchant.key, [SHOP]);
    const response = await api(null, "OPTIONS", "/v1/client/stream", undefined, {
      origin: SHOP,
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization, last-event-id",
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(response.headers.get("access-control-allow-headers")).toMatch(/last-event-id/i);
  });
});
