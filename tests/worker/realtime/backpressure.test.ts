/**
 * One client cannot hold the merchant's real time: a reader that stops reading is closed with
 * `too_slow` and its backlog bounded, a long replay is paged at the reader's pace while live events
 * keep flowing to the other streams, and a client that goes away leaves the hub at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { eventLog, lastEventId, mustOpenStream, poll, seedEvents, settleHub, sleep } from "./support";

/** The hub's default bounds (worker/realtime/limits.ts): 1 MiB of backlog for a live stream, replay paced at 64 KiB. */
const MAX_BACKLOG = 1024 * 1024;
const LOW_WATER = 64 * 1024;

describe("slow readers", () => {
  it("should close a stream with event: close too_slow, keeping its backlog bounded, while a normal stream still gets live events promptly when its reader stops reading", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    await settleHub(merchant.id);
    const hub = env.HUB.getByName(merchant.id);
    const slow = await mustOpenStream(merchant.key); // reads its opening, then nothing
    const normal = await mustOpenStream(merchant.key);
    const start = (await eventLog(merchant.key)).at(-1).id as string;
    try {
      // ~1.3 MB per round of 1,000 heavy events; the normal reader keeps up, the slow one never reads.
      let peak = 0;
      for (let round = 1; round <= 4; round += 1) {
        await seedEvents(merchant.id, 1000, { dataBytes: 1000 });
        const reading = normal.untilEvents(1000 * round, 20_000);
        await settleHub(merchant.id);
        expect(await reading).toBe(true);
        peak = Math.max(peak, (await hub.streamStats()).maxQueuedBytes);
      }
      expect(await poll(() => hub.streamCount(), (count) => count === 1, 5000, 50)).toBe(1);
      expect(peak).toBeLessThan(MAX_BACKLOG + 1024 * 1024); // the bound plus one page of the log

      // The slow client gets what was already on its way, then the close: a clean prefix of the log.
      expect(await slow.until(() => slow.ended, 10_000)).toBe(true);
      expect(slow.messages.at(-1)).toMatchObject({ id: null, event: "close", json: { reason: "too_slow" } });
      const log = await eventLog(merchant.key, start);
      expect(slow.events.map((message) => message.id)).toEqual(log.slice(0, slow.events.length).map((event) => event.id));
      expect(slow.events.length).toBeLessThan(4000);

      const paidAt = Date.now();
      expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
      expect(await normal.until(() => normal.events.some((message) => message.event === "payment.succeeded"), 3000)).toBe(true);
      expect(Date.now() - paidAt).toBeLessThan(1500);
      expect(normal.ended).toBe(false);
      expect(normal.messages.some((message) => message.event === "close")).toBe(false);
      expect(normal.events.map((message) => message.id)).toEqual((await eventLog(merchant.key, start)).map((event) => event.id));
    } finally {
      await slow.close();
      await normal.close();
    }
  });
});

describe("long replays", () => {
  it("should replay 2,000 events in order with no gap, paced by the reader, while live events keep flowing to another stream when a stream resumes from the start of a long log", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const start = await lastEventId(merchant.key);
    await seedEvents(merchant.id, 2000, { dataBytes: 500 });
    await settleHub(merchant.id);
    const hub = env.HUB.getByName(merchant.id);
    const live = await mustOpenStream(merchant.key);
    const replay = await mustOpenStream(merchant.key, "/v1/events/stream", { "last-event-id": start! });
    try {
      // The replaying reader pauses: the hub waits for it instead of buffering the log.
      await sleep(300);
      const paused = await hub.streamStats();
      expect(paused).toMatchObject({ streams: 2, replaying: 1 });
      expect(paused.maxQueuedBytes).toBeLessThanOrEqual(LOW_WATER + 2048);
      expect(replay.events.length).toBeLessThan(2000);

      const paidAt = Date.now();
      expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
      expect(await live.untilEvents(2, 3000)).toBe(true);
      expect(Date.now() - paidAt).toBeLessThan(1500);

      const all = await eventLog(merchant.key, start);
      expect(all).toHaveLength(2002);
      expect(await replay.untilEvents(all.length, 20_000)).toBe(true);
      await replay.drain(300);
      const ids = replay.events.map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(all.map((event) => event.id));
      expect((await hub.streamStats()).replaying).toBe(0);
      expect(live.events.map((message) => message.id)).toEqual(all.slice(-2).map((event) => event.id));
    } finally {
      await live.close();
      await replay.close();
    }
  });

  it("should give every stream the same events in order, with no gap, when several streams replay the same stretch of a long log at once", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key);
    const start = await lastEventId(merchant.key);
    await seedEvents(merchant.id, 1500, { dataBytes: 200 });
    await settleHub(merchant.id);
    const all = await eventLog(merchant.key, start);
    const streams = await Promise.all([0, 1, 2, 3].map(() => mustOpenStream(merchant.key, "/v1/events/stream", { "last-event-id": start! })));
    try {
      for (const stream of streams) {
        expect(await stream.untilEvents(all.length, 20_000)).toBe(true);
        await stream.drain(100);
        expect(stream.events.map((message) => message.id)).toEqual(all.map((event) => event.id));
      }
    } finally {
      for (const stream of streams) await stream.close();
    }
  });
});

describe("clients that go away", () => {
  it("should forget streams in the hub at once, before any keep-alive write, when their clients disconnect", async () => {
    const merchant = await createMerchant();
    const hub = env.HUB.getByName(merchant.id);
    const witness = await mustOpenStream(merchant.key);
    const leaving = [];
    for (let index = 0; index < 5; index += 1) leaving.push(await mustOpenStream(merchant.key));
    try {
      expect(await hub.streamCount()).toBe(6);
      // Just after a keep-alive tick, so the next write to anyone is a full period (1 s in tests) away.
      const ticks = witness.comments.filter((comment) => comment === "keep-alive").length;
      expect(await witness.until(() => witness.comments.filter((comment) => comment === "keep-alive").length > ticks, 3000)).toBe(true);
      const leftAt = Date.now();
      for (const stream of leaving) await stream.close();
      expect(await poll(() => hub.streamCount(), (count) => count === 1, 3000, 20)).toBe(1);
      expect(Date.now() - leftAt).toBeLessThan(500);
      expect(witness.ended).toBe(false);
    } finally {
      await witness.close();
    }
    expect(await poll(() => hub.streamCount(), (count) => count === 0, 1000, 20)).toBe(0);
  });
});
