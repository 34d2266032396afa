/**
 * Bodies are capped while they stream: a chunked upload (no Content-Length) is refused with 413 as
 * soon as it passes the cap, without being read to its end, on the API and on provider webhooks;
 * what fits is handed on whole to validators, the idempotency middleware and signature checks.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { databaseFingerprint, createMerchant, type ApiResponse } from "../helpers";
import { expectProblem } from "../security/support";

const CHUNK_BYTES = 64 * 1024;

/** A body of `totalBytes` produced on demand, counting how many chunks the reader pulled. */
function producer(totalBytes: number, fill = " ") {
  const chunk = new TextEncoder().encode(fill.repeat(CHUNK_BYTES));
  const chunks = Math.ceil(totalBytes / CHUNK_BYTES);
  const state = { pulled: 0, chunks, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled >= chunks) return controller.close();
        state.pulled += 1;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

async function send(path: string, body: BodyInit, headers: Record<string, string>): Promise<ApiResponse> {
  const request = new Request(`http://127.0.0.1:8787${path}`, { method: "POST", body, headers, duplex: "half" } as RequestInit);
  const response: Response = await (exports as any).default.fetch(request);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

const FIFTY_MB = 50 * 1024 * 1024;

describe("the body cap", () => {
  it("should answer 413 without reading to the end when a 50 MB chunked body is POSTed to /v1/customers", async () => {
    const merchant = await createMerchant();
    const before = await databaseFingerprint();
    const { stream, state } = producer(FIFTY_MB);
    const response = await send("/v1/customers", stream, { authorization: `Bearer ${merchant.key}`, "content-type": "application/json" });
    expectProblem(response, 413, "payload_too_large");
    expect(response.body.detail).toContain(String(256 * 1024));
    // 256 KiB is 4 chunks: a few more may sit in transit buffers, nowhere near the 800 of the whole body.
    expect(state.pulled).toBeLessThan(state.chunks / 10);
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 413 before verifying the signature when a 50 MB chunked body is POSTed to /webhooks/stripe", async () => {
    const merchant = await createMerchant();
    const { stream, state } = producer(FIFTY_MB);
    const response = await send(`/webhooks/stripe/${merchant.id}`, stream, { "content-type": "application/json", "stripe-signature": "t=1,v1=00" });
    expectProblem(response, 413, "payload_too_large");
    expect(response.body.detail).toContain(String(1024 * 1024));
    expect(state.pulled).toBeLessThan(state.chunks / 10);
  });

  it("should answer 413 unread when a provider webhook declares a Content-Length over 1 MiB", async () => {
    const merchant = await createMerchant();
    const body = " ".repeat(1024 * 1024 + 1);
    const response = await send(`/webhooks/paypal/${merchant.id}`, body, { "content-type": "application/json" });
    expectProblem(response, 413, "payload_too_large");
  });

  it("should pass a webhook body over the API's 256 KiB but under 1 MiB on to signature verification when it is streamed", async () => {
    const merchant = await createMerchant();
    const { stream } = producer(512 * 1024);
    const response = await send(`/webhooks/stripe/${merchant.id}`, stream, { "content-type": "application/json", "stripe-signature": "t=1,v1=00" });
    expect(response.status, response.text).toBeGreaterThanOrEqual(400);
    expect(response.status, response.text).toBeLessThan(500);
    expect(response.body.code).not.toBe("payload_too_large");
  });

  it("should hand a streamed body under the cap to the validator and the idempotency middleware when it is chunked", async () => {
    const merchant = await createMerchant();
    const json = JSON.stringify({ name: "Chunked SARL", email: "chunked@example.com" });
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const bytes = new TextEncoder().encode(json);
          controller.enqueue(bytes.slice(0, 10));
          controller.enqueue(bytes.slice(10));
          controller.close();
        },
      });
    const headers = { authorization: `Bearer ${merchant.key}`, "content-type": "application/json", "idempotency-key": crypto.randomUUID() };
    const first = await send("/v1/customers", chunked(), headers);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ name: "Chunked SARL", email: "chunked@example.com" });
    const replay = await send("/v1/customers", chunked(), headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(first.body.id);
  });
});
