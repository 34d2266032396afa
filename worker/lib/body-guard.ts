/**
 * Request bodies, before anything else reads them. `bodyLimit` streams every body and stops at its
 * cap (chunked uploads included: nothing past the cap is read, the sender's stream is cancelled),
 * then leaves the bytes where Hono's `c.req.text()`/`json()` find them, so validators, the
 * idempotency middleware and webhook verification read the same capped copy. `bodyGuard` then
 * checks /v1 bodies: JSON when present, well-formed, and Unicode text throughout (no lone
 * surrogate escapes). Each failure is a clear 4xx instead of a confusing validation message.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import { concatBytes } from "./bytes";
import type { AppEnv } from "./types";
import { paramPath } from "./validation";

/** The cap of API bodies (/v1 and every other route). */
export const MAX_BODY_BYTES = 256 * 1024;
/** The cap of provider webhooks (Stripe, PayPal): larger than API bodies, still bounded before the signature is checked. */
export const MAX_PROVIDER_WEBHOOK_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) => new ApiError("payload_too_large", `The body must be at most ${maxBytes} bytes.`);

/** Reads a stream to its end, or throws 413 as soon as it passes `maxBytes` (and cancels the rest). */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined); // the sender stops; nothing more is buffered
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

/**
 * Caps the body of every request that has one at `maxBytes`, whatever its framing: a declared
 * Content-Length over the cap is refused unread, a chunked body is counted while it streams. The
 * first mounted limit that matches reads the body; later ones find it read and pass.
 * @example app.use("/webhooks/*", bodyLimit(MAX_PROVIDER_WEBHOOK_BYTES))
 */
export function bodyLimit(maxBytes: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await readBodyCapped(c, maxBytes);
    await next();
  });
}

async function readBodyCapped(c: Context<AppEnv>, maxBytes: number): Promise<void> {
  const request = c.req.raw;
  if (request.body === null || request.bodyUsed) return;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    request.body.cancel().catch(() => undefined);
    throw tooLarge(maxBytes);
  }
  cacheBody(c, await readAtMost(request.body, maxBytes));
}

/** Hands the bytes read to Hono's body cache: `c.req.text()`, `json()`, `arrayBuffer()` and `parseBody()` read them from there. */
function cacheBody(c: Context<AppEnv>, bytes: Uint8Array): void {
  const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
  cache["arrayBuffer"] = Promise.resolve(bytes.buffer);
  cache["text"] = Promise.resolve(new TextDecoder().decode(bytes)); // as Request.text(): UTF-8, BOM dropped, invalid bytes replaced
}

export const bodyGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "POST" && c.req.method !== "PUT" && c.req.method !== "PATCH") return next();
  await readBodyCapped(c, MAX_BODY_BYTES); // a no-op when bodyLimit read it first
  const text = await c.req.text();
  if (text.trim() === "") return next();
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!/^application\/([\w.-]+\+)?json$/.test(mediaType)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.", "Content-Type");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError("malformed_json", `The body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`);
  }
  const broken = illFormedStringAt(parsed);
  if (broken !== null) {
    const param = paramPath(broken);
    const what = param === "" ? "The body" : `Parameter '${param}'`;
    throw new ApiError("parameter_invalid", `${what} holds a lone UTF-16 surrogate (a \\uD800–\\uDFFF escape), which is not Unicode text.`, param || undefined);
  }
  await next();
});

/** A lone surrogate: one half of a UTF-16 pair without the other (a `u` regex matches only unpaired ones). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The path of the first key or string value holding a lone surrogate (`"\ud800"` is valid JSON but
 * not text: stored, it would come back mangled), or null. Iterative with parent links, so deep
 * nesting neither overflows the stack nor copies paths.
 */
function illFormedStringAt(root: unknown): (string | number)[] | null {
  interface Node { value: unknown; key: string | number | null; parent: Node | null }
  const pathOf = (node: Node | null, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = node; at !== null && at.key !== null; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return pathOf(node);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index], key: index, parent: node });
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index]!;
        if (LONE_SURROGATE.test(key)) return pathOf(node, key);
        stack.push({ value: child, key, parent: node });
      }
    }
  }
  return null;
}
