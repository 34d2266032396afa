/**
 * Shared by the real-time tests: an SSE reader over `exports.default.fetch` that parses the stream
 * as it arrives (messages, comments, retry advice, end of body), and small polling helpers.
 */
import { env, exports } from "cloudflare:workers";
import { api } from "../helpers";
import { sha256Hex } from "../../../worker/lib/crypto";

export interface SseMessage {
  id: string | null;
  event: string | null;
  data: string | null;
  /** `data:` parsed as JSON (null when absent or not JSON). */
  json: any;
}

/** One block of the stream (between blank lines), in arrival order. */
export type SseBlock =
  | { kind: "message"; message: SseMessage; lines: string[] }
  | { kind: "comment"; text: string; lines: string[] }
  | { kind: "retry"; ms: number; lines: string[] };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SseReader {
  readonly blocks: SseBlock[] = [];
  raw = "";
  ended = false;
  private buffer = "";
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  private readonly decoder = new TextDecoder();

  constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
  ) {}

  /** Every message with an `event:` or `data:` (keep-alives and retry advice left out). */
  get messages(): SseMessage[] {
    return this.blocks.flatMap((block) => (block.kind === "message" ? [block.message] : []));
  }

  /** The messages that are events of the log (they carry an id). */
  get events(): SseMessage[] {
    return this.messages.filter((message) => message.id !== null);
  }

  get comments(): string[] {
    return this.blocks.flatMap((block) => (block.kind === "comment" ? [block.text] : []));
  }

  private feed(chunk: Uint8Array | undefined): void {
    const text = this.decoder.decode(chunk, { stream: true });
    this.raw += text;
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end < 0) return;
      const lines = this.buffer.slice(0, end).split("\n");
      this.buffer = this.buffer.slice(end + 2);
      this.parse(lines);
    }
  }

  private parse(lines: string[]): void {
    const message: SseMessage = { id: null, event: null, data: null, json: null };
    let isMessage = false;
    for (const line of lines) {
      if (line.startsWith(":")) {
        this.blocks.push({ kind: "comment", text: line.slice(1).trim(), lines });
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "retry") this.blocks.push({ kind: "retry", ms: Number(value), lines });
      else if (field === "id") (message.id = value), (isMessage = true);
      else if (field === "event") (message.event = value), (isMessage = true);
      else if (field === "data") (message.data = message.data === null ? value : `${message.data}\n${value}`), (isMessage = true);
    }
    if (!isMessage) return;
    try {
      message.json = message.data === null ? null : JSON.parse(message.data);
    } catch {
      message.json = null;
    }
    this.blocks.push({ kind: "message", message, lines });
  }

  /** Reads until `done()` holds, the body ends, or `timeoutMs` passes; returns `done()`. */
  async until(done: () => boolean, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      this.pending ??= this.reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([this.pending, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))]);
      clearTimeout(timer);
      if (result === null) break;
      this.pending = null;
      if (result.done) this.ended = true;
      else this.feed(result.value);
    }
    return done();
  }

  /** Reads for `ms` whatever comes (to prove nothing more arrives). */
  async drain(ms: number): Promise<void> {
    await this.until(() => false, ms);
  }

  /** Reads until `count` events (messages with an id) have arrived. */
  async untilEvents(count: number, timeoutMs = 5000): Promise<boolean> {
    return this.until(() => this.events.length >= count, timeoutMs);
  }

  async close(): Promise<void> {
    this.ended = true;
    await this.reader.cancel().catch(() => undefined);
  }
}

/** Opens an SSE stream through the Worker. A non-200 answer is returned as a response with no reader. */
export async function openStream(
  token: string,
  path = "/v1/events/stream",
  headers: Record<string, string> = {},
): Promise<SseReader | Response> {
  const response: Response = await (exports as any).default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } }),
  );
  if (response.status !== 200 || response.body === null) return response;
  const reader = new SseReader(response, response.body.getReader());
  // The opening (retry advice and a comment) is written at once: wait for it, so the stream is registered in the hub.
  await reader.until(() => reader.blocks.length >= 2, 3000);
  return reader;
}

/** Like `openStream`, but fails the test unless the stream opened. */
export async function mustOpenStream(token: string, path = "/v1/events/stream", headers: Record<string, string> = {}): Promise<SseReader> {
  const opened = await openStream(token, path, headers);
  if (!(opened instanceof SseReader)) throw new Error(`stream did not open: ${opened.status} ${await opened.text()}`);
  return opened;
}

/**
 * Lets the merchant's hub catch up with every committed event (the Worker notifies it in the
 * background after a write). Call it before opening a live stream right after writes, so that the
 * stream's "now" is after those writes and the test can expect an exact list of events.
 */
export async function settleHub(merchantId: string): Promise<void> {
  await env.HUB.getByName(merchantId).notify(merchantId);
}

/** Every event of the merchant's log after `after` (all pages), as GET /v1/events shows them. */
export async function eventLog(key: string, after?: string): Promise<any[]> {
  const all: any[] = [];
  let cursor = after;
  for (;;) {
    const response = await api(key, "GET", `/v1/events?limit=100${cursor ? `&after=${cursor}` : ""}`);
    if (response.status !== 200) throw new Error(`events: ${response.text}`);
    all.push(...response.body.data);
    if (!response.body.has_more) return all;
    cursor = response.body.next;
  }
}

/** The id of the merchant's latest event (undefined when the log is empty). */
export async function lastEventId(key: string): Promise<string | undefined> {
  return (await eventLog(key)).at(-1)?.id;
}

/** Mints a client session (`cs_…`). */
export async function mintSession(key: string, customer: string, expiresIn?: number): Promise<string> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer, ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) });
  if (response.status !== 201) throw new Error(`client session: ${response.text}`);
  return response.body.token as string;
}

/** Sets a merchant's allowed origins. */
export async function allowOrigins(key: string, origins: string[]): Promise<void> {
  const response = await api(key, "PUT", "/v1/settings", { allowed_origins: origins });
  if (response.status !== 200) throw new Error(`settings: ${response.text}`);
}

/** Revokes a secret key straight in D1, as `npm run merchant -- rotate` does. */
export async function revokeKey(key: string): Promise<void> {
  const result = await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_hash = ?").bind(new Date().toISOString(), await sha256Hex(key)).run();
  if (result.meta.changes !== 1) throw new Error("no such key");
}

/** Polls `probe` until `done` holds or `timeoutMs` passes; returns the last value. */
export async function poll<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await sleep(everyMs);
    value = await probe();
  }
  return value;
}

/** A status + code view of a problem answer, for one readable assertion. */
export async function problemOf(response: Response): Promise<{ status: number; code: unknown; param: unknown; type: string | null }> {
  const text = await response.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, code: body?.code, param: body?.param, type: response.headers.get("content-type") };
}

/**
 * Appends `count` events to the merchant's log straight in D1, in one statement, without telling
 * the hub (call `settleHub` for that). Each carries `dataBytes` of filler, to make a log heavy.
 */
export async function seedEvents(merchantId: string, count: number, options: { dataBytes?: number; customerId?: string | null } = {}): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO events (id_suffix, merchant_id, type, customer_id, data, created_at)
     SELECT lower(hex(randomblob(13))), ?, 'customer.created', ?, json_object('seeded', i, 'filler', substr(replace(hex(zeroblob(?)), '0', 'x'), 1, ?)),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     FROM n`,
  )
    .bind(count, merchantId, options.customerId ?? null, options.dataBytes ?? 0, options.dataBytes ?? 0)
    .run();
}
