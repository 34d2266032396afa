/**
 * What one client may ask of the hub: a resume at most 10,000 events behind the head (older ones
 * get 410 and are told to page GET /v1/events).
 */
import { describe, expect, it } from "vitest";
import { createCustomer, createMerchant } from "../helpers";
import { lastEventId, mintSession, mustOpenStream, openStream, problemOf, seedEvents, SseReader } from "./support";

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
