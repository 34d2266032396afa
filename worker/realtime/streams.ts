/**
 * The hub's open SSE streams: who holds them (for the caps), where each stands in the log, and the
 * live fan-out of a page of new events. A stream is a cursor in the log (`sentSeq`) and a channel
 * (its bytes, ./channel.ts); a stream leaves the registry the moment its channel ends, whoever ends
 * it (the hub, the client, the Worker seeing the client go).
 */
import type { EventRow } from "../events/log";
import { messageCache, visibleTo, type StreamAudience } from "./audience";
import { SseChannel } from "./channel";
import type { StreamLimits } from "./limits";
import { sseMessage } from "./sse";

export interface OpenStreamOptions {
  merchantId: string;
  audience: StreamAudience;
  afterSeq: number | null;
  expiresAt: string | null;
  sessionHash: string | null;
  keyId: string | null;
  /** A stream opened with a console session's cookie also ends with that session (sign-out, expiry). */
  consoleSessionId?: string | null;
}

export interface Stream {
  id: string;
  channel: SseChannel;
  /** The seq of the last event this stream has been given (sent, or passed as not visible to it). */
  sentSeq: number;
  /** In the live fan-out; false while the stream replays. */
  live: boolean;
  audience: StreamAudience;
  /** Client sessions end at their expiry. */
  expiresAt: string | null;
  /** Client-session streams also end when the session row says so (expiry moved, revoked). */
  sessionHash: string | null;
  /** Secret-key streams end when their key is revoked. */
  keyId: string | null;
  /** Console streams end when their console session does. */
  consoleSessionId: string | null;
}

/** An opened stream: its body, and the id the Worker hands back when its client leaves. */
export interface OpenedStream {
  streamId: string;
  body: ReadableStream<Uint8Array>;
}

/** Why the hub would not open a stream: the session or key already holds `limit` streams. */
export interface StreamRefusal {
  refused: "too_many_streams";
  holder: "session" | "key";
  limit: number;
}

/** What the hub holds for its streams (tests and the benchmark read it). */
export interface StreamStats {
  streams: number;
  replaying: number;
  queuedBytes: number;
  maxQueuedBytes: number;
}

export class StreamRegistry {
  private readonly streams = new Map<string, Stream>();

  /** `encode`: how an event becomes its SSE message (a parameter so tests can count the encodings). */
  constructor(
    private readonly limits: StreamLimits,
    private readonly encode: (row: EventRow) => Uint8Array = sseMessage,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  all(): Stream[] {
    return [...this.streams.values()];
  }

  get(id: string): Stream | undefined {
    return this.streams.get(id);
  }

  /** The cap a new stream would break (per client session, per secret key), or null. */
  refusal(options: Pick<OpenStreamOptions, "sessionHash" | "keyId">): StreamRefusal | null {
    const open = this.all();
    const { maxStreamsPerSession, maxStreamsPerKey } = this.limits;
    if (options.sessionHash !== null && open.filter((stream) => stream.sessionHash === options.sessionHash).length >= maxStreamsPerSession) {
      return { refused: "too_many_streams", holder: "session", limit: maxStreamsPerSession };
    }
    if (options.keyId !== null && open.filter((stream) => stream.keyId === options.keyId).length >= maxStreamsPerKey) {
      return { refused: "too_many_streams", holder: "key", limit: maxStreamsPerKey };
    }
    return null;
  }

  /** Registers a new stream whose cursor is `sentSeq`; it is not live until its replay says so. */
  add(options: OpenStreamOptions, sentSeq: number): Stream {
    const id = crypto.randomUUID();
    const channel = new SseChannel({ lowWaterBytes: this.limits.lowWaterBytes, graceMs: 2 * this.limits.keepAliveMs, onGone: () => this.streams.delete(id) });
    const stream: Stream = { id, channel, sentSeq, live: false, audience: options.audience, expiresAt: options.expiresAt, sessionHash: options.sessionHash, keyId: options.keyId, consoleSessionId: options.consoleSessionId ?? null };
    this.streams.set(id, stream);
    return stream;
  }

  /** Ends a stream with `event: close` and the reason; `dropBacklog` discards what its reader has not taken. */
  close(stream: Stream, reason: string, dropBacklog = false): void {
    this.streams.delete(stream.id);
    stream.channel.end(reason, dropBacklog);
  }

  stats(): StreamStats {
    const queued = this.all().map((stream) => stream.channel.queued);
    return {
      streams: this.streams.size,
      replaying: this.all().filter((stream) => !stream.live).length,
      queuedBytes: queued.reduce((sum, bytes) => sum + bytes, 0),
      maxQueuedBytes: Math.max(0, ...queued),
    };
  }

  /**
   * Gives a page of new events to every live stream in one turn, waiting for none. A stream still
   * holding more than the bound from earlier pages is closed first (`too_slow`): its reader is not
   * keeping up, and nothing more is queued for it. Each message is encoded once per audience (the
   * merchant's view, the customers' view) for all its streams, and handed to each stream's queue
   * without waiting for any reader.
   */
  fanOut(rows: readonly EventRow[]): void {
    const live = this.all().filter((stream) => stream.live);
    for (const stream of live) if (stream.channel.queued > this.limits.maxBacklogBytes) this.close(stream, "too_slow", true);
    for (const row of rows) {
      const message = messageCache(row, this.encode);
      for (const stream of live) {
        if (!stream.channel.open || row.seq <= stream.sentSeq) continue;
        stream.sentSeq = row.seq;
        if (visibleTo(stream.audience, row)) stream.channel.send(message(stream.audience));
      }
    }
  }
}
