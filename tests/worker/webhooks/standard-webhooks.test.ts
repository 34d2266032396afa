/**
 * Standard Webhooks (https://www.standardwebhooks.com): an off-the-shelf receiver (the npm
 * `standardwebhooks` package) verifies every delivery; `webhook-id` is the event id on every
 * attempt; deliveries reach an endpoint in log order; the older `Quittance-Signature` still
 * verifies; endpoints made before `whsec_<base64>` secrets keep verifying with the library, and once
 * rotated verify with the new secret only; and a delivery the hub never attempted is still sent by
 * its queued backstop, while one it sent is not sent twice.
 */
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { deliver, FAN_OUT_READ_FRESH_MS } from "../../../worker/webhooks/deliver";
import type { EventRow } from "../../../worker/events/log";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";
import { eventLog, lastEventId, poll, sleep } from "../realtime/support";
import { hookUrl, receivedAtLeast, signedWith, type Received } from "./support";

async function createEndpoint(key: string, body: Record<string, unknown>) {
  const response = await api(key, "POST", "/v1/webhook_endpoints", body);
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; secret: string };
}

/** What a merchant's receiver does with the library: throws unless the delivery is authentic and recent. */
function verifyWithLibrary(secret: string, delivery: Received): unknown {
  return new Webhook(secret).verify(delivery.body, delivery.headers);
}

async function payInvoices(merchant: TestMerchant, customer: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const invoice = await createInvoice(merchant.key, customer);
    const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
    expect(paid.status, paid.text).toBe(201);
  }
}

describe("Standard Webhooks signatures", () => {
  it("should let the standardwebhooks library verify every delivery, with webhook-id the event id, and still carry a valid Quittance-Signature", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const { url, name } = hookUrl("standard");
    const before = await lastEventId(merchant.key);
    const endpoint = await createEndpoint(merchant.key, { url });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(endpoint.secret.slice("whsec_".length))).toHaveLength(32);
    await payInvoices(merchant, customer, 2);
    const log = await eventLog(merchant.key, before);
    expect(log).toHaveLength(8);

    // At least once: a slow attempt may be retried, so the receiver dedupes by webhook-id, as the
    // Standard Webhooks spec tells receivers to; every copy must verify all the same.
    const distinct = (list: { headers: Record<string, string> }[]) => new Set(list.map((delivery) => delivery.headers["webhook-id"])).size;
    let got = await receivedAtLeast(name, log.length);
    for (const end = Date.now() + 15_000; distinct(got) < log.length && Date.now() < end;) got = await receivedAtLeast(name, got.length + 1, 1_000);
    expect(distinct(got)).toBe(log.length);
    for (const delivery of got) {
      const event = verifyWithLibrary(endpoint.secret, delivery) as { id: string };
      expect(delivery.headers["webhook-id"]).toBe(event.id);
      expect(Math.abs(Date.now() / 1000 - Number(delivery.headers["webhook-timestamp"]))).toBeLessThan(60);
      expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(await signedWith(endpoint.secret, delivery)).toBe(true);
      // The check can fail: another secret, a changed body, another id or an old timestamp are refused.
      expect(() => verifyWithLibrary(`whsec_${btoa("another secret of enough bytes")}`, delivery)).toThrow();
      expect(() => verifyWithLibrary(endpoint.secret, { ...delivery, body: delivery.body.replace('"type"', '"type" ') })).toThrow();
      expect(() => verifyWithLibrary(endpoint.secret, { ...delivery, headers: { ...delivery.headers, "webhook-id": log[0]!.id === event.id ? log[1]!.id : log[0]!.id } })).toThrow();
      const old = String(Number(delivery.headers["webhook-timestamp"]) - 600);
      expect(() => verifyWithLibrary(endpoint.secret, { ...delivery, headers: { ...delivery.headers, "webhook-timestamp": old } })).toThrow();
    }
    expect([...new Set(got.map((delivery) => delivery.headers["webhook-id"]))].sort()).toEqual(log.map((event) => event.id).sort());
  });

  it("should send the same webhook-id on every attempt of one event when the receiver fails first, each attempt verifying", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const { url, name } = hookUrl("retried");
    const endpoint = await createEndpoint(merchant.key, { url: `${url}?fail=2&status=500`, events: ["invoice.paid"] });
    await payInvoices(merchant, customer, 1);

    const got = await receivedAtLeast(name, 3);
    expect(got.map((delivery) => delivery.answered)).toEqual([500, 500, 200]);
    const [paid] = (await api(merchant.key, "GET", "/v1/events?type=invoice.paid")).body.data;
    expect(got.map((delivery) => delivery.headers["webhook-id"])).toEqual([paid.id, paid.id, paid.id]);
    for (const delivery of got) {
      expect(verifyWithLibrary(endpoint.secret, delivery)).toMatchObject({ id: paid.id, type: "invoice.paid" });
      expect(await signedWith(endpoint.secret, delivery)).toBe(true);
    }
    // Retries are signed when they are sent, not when the event happened.
    expect(Number(got[2]!.headers["webhook-timestamp"])).toBeGreaterThan(Number(got[0]!.headers["webhook-timestamp"]));
  });

  it("should let an endpoint created before whsec_<base64> secrets verify with the library, using its secret as it was issued", async () => {
    const merchant = await createMerchant();
    const { url, name } = hookUrl("legacy-secret");
    const endpoint = await createEndpoint(merchant.key, { url });
    // The old format: whsec_ and 32 Crockford base32 characters (160 random bits).
    const legacy = "whsec_3k9qz0m7d2x5c8v1b4n6p0r2t4w6y8az";
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?").bind(legacy, endpoint.id).run();
    await createCustomer(merchant.key);
    const [delivery] = await receivedAtLeast(name, 1);
    expect(verifyWithLibrary(legacy, delivery!)).toMatchObject({ type: "customer.created" });
    expect(await signedWith(legacy, delivery!)).toBe(true);
    expect(await signedWith(endpoint.secret, delivery!)).toBe(false);
  });

  it("should sign with the new secret only, for the library and Quittance-Signature alike, when an endpoint holding an old-format secret is rotated", async () => {
    const merchant = await createMerchant();
    const { url, name } = hookUrl("rotated-legacy");
    const endpoint = await createEndpoint(merchant.key, { url });
    const legacy = "whsec_7h2m9q4x0c3v6b8n1p5r7t9w2y4za0kd";
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?").bind(legacy, endpoint.id).run();
    const rotated = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/rotate_secret`);
    expect(rotated.status, rotated.text).toBe(200);
    const secret = rotated.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    await createCustomer(merchant.key);
    const [delivery] = await receivedAtLeast(name, 1);
    expect(verifyWithLibrary(secret, delivery!)).toMatchObject({ type: "customer.created" });
    expect(await signedWith(secret, delivery!)).toBe(true);
    for (const old of [legacy, endpoint.secret]) {
      expect(() => verifyWithLibrary(old, delivery!)).toThrow();
      expect(await signedWith(old, delivery!)).toBe(false);
    }
  });
});

describe("delivery order and first attempts", () => {
  it("should deliver an endpoint's events in the order of the log when many are written back to back", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const { url, name } = hookUrl("ordered");
    const before = await lastEventId(merchant.key);
    await createEndpoint(merchant.key, { url });
    // Writes in parallel as well as one after another: fan-outs coalesce, pages of several events.
    await Promise.all([payInvoices(merchant, customer, 4), payInvoices(merchant, customer, 4)]);
    const log = await eventLog(merchant.key, before);
    expect(log).toHaveLength(32);
    const got = await receivedAtLeast(name, log.length);
    expect(got.map((delivery) => JSON.parse(delivery.body).id)).toEqual(log.map((event) => event.id));
  });

  it("should not send a delivery again when its queued backstop comes after the hub's first attempt", async () => {
    const merchant = await createMerchant();
    const { url, name } = hookUrl("backstop-done");
    const endpoint = await createEndpoint(merchant.key, { url });
    await createCustomer(merchant.key);
    await receivedAtLeast(name, 1);
    const [entry] = await poll(
      async () => (await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}/deliveries`)).body.data as any[],
      (list) => list[0]?.status === "succeeded",
    );
    expect(await deliver(env, { delivery: entry.id, first: true })).toEqual({ outcome: "done", moved: null });
    await sleep(300);
    expect(await receivedAtLeast(name, 2, 0)).toHaveLength(1);
    const [after] = (await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}/deliveries`)).body.data;
    expect(after.attempts).toBe(1);
  });

  it("should send a delivery the hub never attempted when its backstop arrives, once", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key); // an event from before the endpoint: no hub sends it there
    const seq = (await env.DB.prepare("SELECT max(seq) AS seq FROM events WHERE merchant_id = ?").bind(merchant.id).first<{ seq: number }>())!.seq;
    const { url, name } = hookUrl("backstop-lost");
    const endpoint = await createEndpoint(merchant.key, { url });
    const at = new Date().toISOString();
    const id = `whd_lost${merchant.id.slice(4, 22)}`;
    await env.DB.prepare("INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)")
      .bind(id, endpoint.id, merchant.id, seq, at, at)
      .run();
    expect(await deliver(env, { delivery: id, first: true })).toEqual({ outcome: "done", moved: null });
    expect(await deliver(env, { delivery: id, first: true })).toEqual({ outcome: "done", moved: null });
    const got = await receivedAtLeast(name, 1);
    expect(got).toHaveLength(1);
    expect(verifyWithLibrary(endpoint.secret, got[0]!)).toMatchObject({ type: "customer.created" });
  });

  it("should use what the fan-out read only while it is fresh, and read the endpoint again after FAN_OUT_READ_FRESH_MS", async () => {
    const merchant = await createMerchant();
    // Two events from before the endpoint: no hub sends them there.
    await createCustomer(merchant.key);
    await createCustomer(merchant.key);
    const { results: events } = await env.DB.prepare("SELECT * FROM events WHERE merchant_id = ? ORDER BY seq DESC LIMIT 2").bind(merchant.id).all<EventRow>();
    const stored = hookUrl("fresh-read-stored");
    const elsewhere = hookUrl("fresh-read-elsewhere");
    const endpoint = await createEndpoint(merchant.key, { url: stored.url });
    const at = new Date().toISOString();
    const pending = async (label: string, event: EventRow) => {
      const id = `whd_${label}${merchant.id.slice(4, 22)}`;
      await env.DB.prepare("INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)")
        .bind(id, endpoint.id, merchant.id, event.seq, at, at)
        .run();
      return id;
    };
    const read = (event: EventRow, readAt: number) => ({ endpointId: endpoint.id, url: elsewhere.url, secret: endpoint.secret, event, readAt });

    await deliver(env, { delivery: await pending("stale", events[0]!), first: true }, { fanOutRead: read(events[0]!, Date.now() - FAN_OUT_READ_FRESH_MS - 1) });
    const [fromStorage] = await receivedAtLeast(stored.name, 1);
    expect(verifyWithLibrary(endpoint.secret, fromStorage!)).toMatchObject({ type: "customer.created" });

    await deliver(env, { delivery: await pending("fresh", events[1]!), first: true }, { fanOutRead: read(events[1]!, Date.now()) });
    const [fromRead] = await receivedAtLeast(elsewhere.name, 1);
    expect(verifyWithLibrary(endpoint.secret, fromRead!)).toMatchObject({ type: "customer.created" });
    expect(await receivedAtLeast(stored.name, 2, 0)).toHaveLength(1);
  });
});
