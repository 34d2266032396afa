/**
 * Streams close cleanly: a revoked key's stream and an expired (or revoked) client session's stream
 * get `event: close` with the reason, then the end of the body. The hub checks at each keep-alive
 * (1 s in tests). Other streams stay open, and the hub forgets streams whose reader left.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../worker/lib/crypto";
import { createCustomer, createInvoice, createMerchant } from "../helpers";
import { mintSession, mustOpenStream, openStream, poll, revokeKey, sleep, SseReader } from "./support";

function expectClosedWith(stream: SseReader, reason: string): void {
  expect(stream.ended).toBe(true);
  const last = stream.messages.at(-1);
  expect(last, stream.raw).toMatchObject({ id: null, event: "close", json: { reason } });
  // Nothing after the close message.
  expect(stream.raw.endsWith(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`)).toBe(true);
}

async function moveSession(token: string, column: "expires_at" | "revoked_at", at: Date): Promise<void> {
  const result = await env.DB.prepare(`UPDATE client_sessions SET ${column} = ? WHERE token_hash = ?`).bind(at.toISOString(), await sha256Hex(token)).run();
  expect(result.meta.changes).toBe(1);
}

describe("stream close on a revoked key", () => {
  it("should send event: close with reason key_revoked then end the body when the stream's key is revoked", async () => {
    const merchant = await createMerchant();
    const stream = await mustOpenStream(merchant.key);
    try {
      await stream.drain(200);
      expect(stream.ended).toBe(false);
      await revokeKey(merchant.key);
      const revokedAt = Date.now();
      expect(await stream.until(() => stream.ended, 5000)).toBe(true);
      expect(Date.now() - revokedAt).toBeLessThan(3500); // at the next keep-alive (1 s in tests)
      expectClosedWith(stream, "key_revoked");
    } finally {
      await stream.close();
    }
  });

  it("should close only the revoked key's stream and keep the other key's stream live when one of two keys is revoked", async () => {
    const merchant = await createMerchant();
    const readOnly = await mustOpenStream(merchant.readOnlyKey);
    const full = await mustOpenStream(merchant.key);
    try {
      await revokeKey(merchant.readOnlyKey);
      expect(await readOnly.until(() => readOnly.ended, 5000)).toBe(true);
      expectClosedWith(readOnly, "key_revoked");
      const keepAlives = full.comments.filter((comment) => comment === "keep-alive").length;
      await createCustomer(merchant.key);
      expect(await full.untilEvents(1)).toBe(true);
      expect(await full.until(() => full.comments.filter((comment) => comment === "keep-alive").length > keepAlives, 3000)).toBe(true);
      expect(full.ended).toBe(false);
      expect(full.messages.some((message) => message.event === "close")).toBe(false);
    } finally {
      await readOnly.close();
      await full.close();
    }
  });

  it("should refuse to reopen the stream with 401 when the key was revoked", async () => {
    const merchant = await createMerchant();
    await revokeKey(merchant.key);
    const response = await openStream(merchant.key);
    expect(response).not.toBeInstanceOf(SseReader);
    expect((response as Response).status).toBe(401);
    await (response as Response).body?.cancel();
  });
});

describe("client stream close on session end", () => {
  it("should send event: close with reason session_expired then end the body when the session's expiry passes", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer, 60);
    const stream = await mustOpenStream(session, "/v1/client/stream");
    try {
      await createInvoice(merchant.key, customer);
      expect(await stream.untilEvents(1)).toBe(true); // live before the expiry
      await moveSession(session, "expires_at", new Date(Date.now() - 1000));
      const expiredAt = Date.now();
      expect(await stream.until(() => stream.ended, 5000)).toBe(true);
      expect(Date.now() - expiredAt).toBeLessThan(3500);
      expectClosedWith(stream, "session_expired");
    } finally {
      await stream.close();
    }
  });

  it("should send event: close with reason session_revoked then end the body when the session is revoked", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer, 600);
    const stream = await mustOpenStream(session, "/v1/client/stream");
    try {
      await moveSession(session, "revoked_at", new Date());
      expect(await stream.until(() => stream.ended, 5000)).toBe(true);
      expectClosedWith(stream, "session_revoked");
    } finally {
      await stream.close();
    }
  });

  it("should keep another customer's session stream open when one session expires", async () => {
    const merchant = await createMerchant();
    const alice = (await createCustomer(merchant.key)).id;
    const bob = (await createCustomer(merchant.key)).id;
    const aliceSession = await mintSession(merchant.key, alice, 60);
    const aliceStream = await mustOpenStream(aliceSession, "/v1/client/stream");
    const bobStream = await mustOpenStream(await mintSession(merchant.key, bob, 60), "/v1/client/stream");
    try {
      await moveSession(aliceSession, "expires_at", new Date(Date.now() - 1000));
      expect(await aliceStream.until(() => aliceStream.ended, 5000)).toBe(true);
      await createInvoice(merchant.key, bob);
      expect(await bobStream.untilEvents(1)).toBe(true);
      expect(bobStream.ended).toBe(false);
    } finally {
      await aliceStream.close();
      await bobStream.close();
    }
  });
});

describe("hub bookkeeping", () => {
  it("should forget a stream in the hub when its reader goes away", async () => {
    const merchant = await createMerchant();
    const hub = env.HUB.getByName(merchant.id);
    const first = await mustOpenStream(merchant.key);
    const second = await mustOpenStream(merchant.key);
    expect(await hub.streamCount()).toBe(2);
    await first.close();
    // A reader that goes away is forgotten at once (the Worker tells the hub; see backpressure.test.ts).
    expect(await poll(() => hub.streamCount(), (count) => count === 1, 5000)).toBe(1);
    await second.close();
    expect(await poll(() => hub.streamCount(), (count) => count === 0, 5000)).toBe(0);
  });

  it("should forget a closed stream in the hub when its key is revoked", async () => {
    const merchant = await createMerchant();
    const hub = env.HUB.getByName(merchant.id);
    const stream = await mustOpenStream(merchant.key);
    expect(await hub.streamCount()).toBe(1);
    await revokeKey(merchant.key);
    expect(await stream.until(() => stream.ended, 5000)).toBe(true);
    await sleep(50);
    expect(await hub.streamCount()).toBe(0);
  });
});
