/** The console follows the merchant's event stream with its cookie; the stream ends with the console session. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant } from "../helpers";
import { SseReader } from "../realtime/support";

const ORIGIN = "http://127.0.0.1:8787";

async function openWithCookie(cookie: string): Promise<SseReader> {
  const response: Response = await (exports as any).default.fetch(new Request(`${ORIGIN}/v1/events/stream`, { headers: { cookie } }));
  expect(response.status).toBe(200);
  const reader = new SseReader(response, response.body!.getReader());
  await reader.until(() => reader.blocks.length >= 2, 3000);
  return reader;
}

describe("the console's event stream", () => {
  it("should stream the merchant's events to the cookie and close with session_revoked at the keep-alive after sign-out", async () => {
    const merchant = await createMerchant();
    const signIn = await api(null, "POST", "/v1/console/session", { key: merchant.key }, { origin: ORIGIN, "cf-connecting-ip": "10.4.0.1" });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const stream = await openWithCookie(cookie);
    try {
      await createCustomer(merchant.key);
      expect(await stream.untilEvents(1)).toBe(true);
      expect(stream.messages.at(-1)).toMatchObject({ event: "customer.created" });
      expect((await api(null, "DELETE", "/v1/console/session", undefined, { cookie, origin: ORIGIN, "quittance-console": "1" })).status).toBe(204);
      const signedOutAt = Date.now();
      expect(await stream.until(() => stream.ended, 5000)).toBe(true);
      expect(Date.now() - signedOutAt).toBeLessThan(3500); // the next keep-alive (1 s in tests)
      expect(stream.messages.at(-1)).toMatchObject({ event: "close", json: { reason: "session_revoked" } });
    } finally {
      await stream.close();
    }
  });
});
