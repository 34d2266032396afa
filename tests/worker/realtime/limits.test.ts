/**
 * What one client may ask of the hub: a resume at most 10,000 events behind the head (older ones
 * get 410 and are told to page GET /v1/events), at most 5 open streams per client session and 20
 * per secret key (429 with Retry-After).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createCustomer, createMerchant } from "../helpers";
import { lastEventId, mintSession, mustOpenStream, openStream, poll, problemOf, seedEvents, SseReader } from "./support";

async function problemBody(response: Response): Promise<any> {
  expect(response).not.toBeInstanceOf(SseReader);
  return JSON.parse(await response.clone().text());
}

describe("resume cap", () => {
  it("should answer 410 stream_resume_too_old naming Last-Event-ID and pointing to GET /v1/events?after= when Last-Event-ID is more than 10,000 events behind", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key);
    const start = (await lastEventId(merchant.key))!;
    await seedEvents(merchant.id, 10_001);
    const response = (await openStream(merchant.key, "/v1/events/stream", { "last-event-id": start })) as Response;
    const body = await problemBody(response);
    expect(await problemOf(response)).toEqual({ status: 410, code: "stream_resume_too_old", param: "Last-Event-ID", type: expect.stringMatching(/^application\/problem\+json/) });
    expect(body.detail).toContain(`/v1/events?after=${start}`);
  });

  it("should answer 410 stream_resume_too_old naming after when ?after= is more than 10,000 events behind", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const start = (await lastEventId(merchant.key))!;
    await seedEvents(merchant.id, 10_001, { customerId: customer });
    const session = await mintSession(merchant.key, customer);
    const response = await openStream(session, `/v1/client/stream?after=${start}`);
    expect(await problemOf(response as Response)).toMatchObject({ status: 410, code: "stream_resume_too_old", param: "after" });
  });

  it("should open and replay when Last-Event-ID is exactly 10,000 events behind", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key);
    const start = (await lastEventId(merchant.key))!;
    await seedEvents(merchant.id, 10_000);
    const stream = await mustOpenStream(merchant.key, "/v1/events/stream", { "last-event-id": start });
    try {
      expect(await stream.untilEvents(100)).toBe(true);
      expect(stream.events[0]!.json).toMatchObject({ type: "customer.created", data: { seeded: 1 } });
    } finally {
      await stream.close();
    }
  });
});

describe("concurrent stream caps", () => {
  it("should answer 429 too_many_streams with Retry-After when a client session opens a sixth stream, and accept one again once a stream closes", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer);
    const streams: SseReader[] = [];
    try {
      for (let index = 0; index < 5; index += 1) streams.push(await mustOpenStream(session, "/v1/client/stream"));
      const refused = (await openStream(session, "/v1/client/stream")) as Response;
      await problemBody(refused);
      expect(await problemOf(refused)).toMatchObject({ status: 429, code: "too_many_streams" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

      // Another session of the same customer has its own allowance.
      streams.push(await mustOpenStream(await mintSession(merchant.key, customer), "/v1/client/stream"));
      // A closed stream frees its slot at once.
      await streams.shift()!.close();
      expect(await poll(() => env.HUB.getByName(merchant.id).streamCount(), (count) => count === 5, 1000, 10)).toBe(5);
      streams.push(await mustOpenStream(session, "/v1/client/stream"));
    } finally {
      for (const stream of streams) await stream.close();
    }
  });

  it("should answer 429 too_many_streams when a secret key opens a 21st stream, while another key of the merchant still opens one", async () => {
    const merchant = await createMerchant();
    const streams: SseReader[] = [];
    try {
      for (let index = 0; index < 20; index += 1) streams.push(await mustOpenStream(merchant.key));
      const refused = (await openStream(merchant.key)) as Response;
      await problemBody(refused);
      expect(await problemOf(refused)).toMatchObject({ status: 429, code: "too_many_streams" });
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      streams.push(await mustOpenStream(merchant.readOnlyKey));
    } finally {
      for (const stream of streams) await stream.close();
    }
  });
});
