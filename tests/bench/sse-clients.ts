/**
 * The SSE clients the real-time benchmarks open against the local server: a live reader that
 * records when each payment's `payment.succeeded` arrives, a reader that replays the log from a
 * cursor and checks the order of what it gets, and a slow reader on a raw socket that reads a
 * little now and then or nothing at all.
 */
import { connect, type Socket } from "node:net";

export interface LiveStream {
  /** payment id → arrival time (performance.now()). */
  arrivals: Map<string, number>;
  ready: Promise<void>;
  /** How the stream stands (for a diagnosis when a message does not come). */
  state(): string;
  close(): void;
}

/** A live stream of GET /v1/events/stream that records each payment's `payment.succeeded` arrival. */
export function openLiveStream(base: string, key: string): LiveStream {
  const controller = new AbortController();
  const arrivals = new Map<string, number>();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let state = "opening";
  let lastMessage = "";
  void (async () => {
    const response = await fetch(`${base}/v1/events/stream`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
    state = `open (HTTP ${response.status})`;
    if (!response.ok || !response.body) throw new Error(`stream: ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        const now = performance.now();
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          lastMessage = message.slice(0, 200);
          if (message.includes(": connected")) markReady();
          if (!message.includes("event: payment.succeeded")) continue;
          const data = message.split("\n").find((line) => line.startsWith("data: "));
          const payment = data ? (JSON.parse(data.slice(6)) as { payment: string }).payment : null;
          if (payment) arrivals.set(payment, now);
        }
      }
      state = "body ended";
    } catch (error) {
      state = `failed: ${String(error)}`;
    }
  })();
  return { arrivals, close: () => controller.abort(), ready, state: () => `${state}; last message ${JSON.stringify(lastMessage)}` };
}

export interface ReplayResult {
  /** Bytes received. */
  bytes: number;
  /** Event messages received (counted when `audit` is on). */
  events: number;
  /** Whether every event id came after the one before it (no duplicate, no reordering; checked when `audit` is on). */
  ordered: boolean;
  /** Whether the stream got as far as `untilId`. */
  caughtUp: boolean;
  /** How the stream ended: `event: close` with a reason, the body's end, or an error. */
  ended: string;
}

/**
 * Replays GET /v1/events/stream from `fromId` (Last-Event-ID), reading as fast as it can, until it
 * has received `untilId`; with `audit`, counts the events and checks that ids only grow (costs the
 * client CPU, which it shares with the server here). `result` fills in as the replay goes.
 */
export async function replayStream(base: string, key: string, fromId: string, untilId: string, signal: AbortSignal, audit: boolean, result = newReplayResult()): Promise<ReplayResult> {
  const response = await fetch(`${base}/v1/events/stream`, { headers: { authorization: `Bearer ${key}`, "last-event-id": fromId }, signal });
  if (!response.ok || !response.body) return done(result, `HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let tail = "";
  let last = fromId;
  try {
    for await (const chunk of response.body) {
      result.bytes += (chunk as Uint8Array).byteLength;
      const text = tail + decoder.decode(chunk as Uint8Array, { stream: true });
      const cut = text.lastIndexOf("\n\n") + 2;
      tail = text.slice(cut);
      const complete = text.slice(0, cut);
      if (complete.includes("event: close\n")) return done(result, `close ${/event: close\ndata: (.*)/.exec(complete)![1]}`);
      if (audit) {
        for (const [, id] of complete.matchAll(/^id: (evt_\w+)$/gm)) {
          result.events += 1;
          if (id! <= last) result.ordered = false;
          last = id!;
        }
      }
      if (complete.includes(`id: ${untilId}\n`)) return done(result, "caught up", true);
    }
  } catch (error) {
    return done(result, signal.aborted ? "aborted" : `error ${String(error)}`);
  }
  return result;
}

export function newReplayResult(): ReplayResult {
  return { bytes: 0, events: 0, ordered: true, caughtUp: false, ended: "body end" };
}

function done(result: ReplayResult, ended: string, caughtUp = false): ReplayResult {
  result.ended = ended;
  result.caughtUp = caughtUp;
  return result;
}

export interface SlowReader {
  /** Bytes the reader has taken so far. */
  readonly bytes: number;
  close(): void;
}

/**
 * A client on a raw socket that asks for `path` resuming from `fromId`, then reads `bytesPerTick`
 * bytes every `tickMs` (0: never reads at all). Its kernel buffers fill; the server must not buffer
 * on its behalf.
 */
export function openSlowReader(port: number, path: string, token: string, fromId: string, bytesPerTick: number, tickMs = 500): SlowReader {
  let bytes = 0;
  const socket: Socket = connect({ host: "127.0.0.1", port }, () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\nLast-Event-ID: ${fromId}\r\n\r\n`);
  });
  socket.pause();
  socket.on("error", () => undefined);
  const timer =
    bytesPerTick > 0
      ? setInterval(() => {
          // read(0) asks the socket to fill its buffer from the kernel without handing anything out.
          const size = Math.min(bytesPerTick, socket.readableLength);
          const chunk = size > 0 ? (socket.read(size) as Buffer | null) : socket.read(0);
          if (chunk) bytes += chunk.length;
        }, tickMs)
      : null;
  return {
    get bytes() {
      return bytes;
    },
    close() {
      if (timer) clearInterval(timer);
      socket.destroy();
    },
  };
}

/** Waits until `condition()` holds, polling every millisecond; throws after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for SSE messages");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
