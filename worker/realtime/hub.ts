/**
 * The hub: one Durable Object per merchant. The Worker tells it after every committed change
 * (`notify`); the hub alone reads the merchant's new events from D1, in seq order, and fans them
 * out to every connected SSE stream, wakes long-polls waiting on an invoice, and hands webhook
 * deliveries to the queue.
 *
 * Replay and live share one path: a stream is just a cursor (`sentSeq`). Opening a stream with
 * `Last-Event-ID` sets its cursor and pumps; the pump sends every event after each stream's
 * cursor, so the replayed part and the live part can have neither a gap nor a duplicate.
 */
import { DurableObject } from "cloudflare:workers";
import { enqueueWebhookDeliveries } from "../webhooks/fan-out";
import { sseComment, sseControl, sseMessage, sseOpening, SSE_HEADERS } from "./sse";
import { visibleTo, type StreamAudience } from "./audience";
import { endedSessions, eventsAfter, headSeq, invoiceChangedSince, revokedKeyIds } from "./queries";

const PAGE = 500;
const RETRY_MS = 3000;

interface Stream {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  sentSeq: number;
  audience: StreamAudience;
  /** Client sessions end at their expiry. */
  expiresAt: string | null;
  /** Client-session streams also end when the session row says so (expiry moved, revoked). */
  sessionHash: string | null;
  /** Secret-key streams end when their key is revoked. */
  keyId: string | null;
}

export interface OpenStreamOptions {
  merchantId: string;
  audience: StreamAudience;
  afterSeq: number | null;
  expiresAt: string | null;
  sessionHash: string | null;
  keyId: string | null;
}

export class MerchantHub extends DurableObject<Env> {
  private readonly streams = new Set<Stream>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private merchantId: string | null = null;
  /** The highest event seq the pump has read. */
  private liveSeq: number | null = null;
  private pumping: Promise<void> | null = null;
  private dirty = false;

  private keepAliveMs(): number {
    return Math.max(200, Number(this.env.SSE_KEEPALIVE_SECONDS || "15") * 1000);
  }

  private async currentSeq(merchantId: string): Promise<number> {
    this.merchantId = merchantId;
    if (this.liveSeq === null) {
      const head = await headSeq(this.env.DB, merchantId);
      this.liveSeq ??= head;
    }
    return this.liveSeq;
  }

  /** Opens an SSE stream: replays what follows `afterSeq` (or starts live), then stays live. */
  async openStream(options: OpenStreamOptions): Promise<Response> {
    const live = await this.currentSeq(options.merchantId);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream: Stream = {
      writer: writable.getWriter(),
      sentSeq: options.afterSeq ?? live,
      audience: options.audience,
      expiresAt: options.expiresAt,
      sessionHash: options.sessionHash,
      keyId: options.keyId,
    };
    this.streams.add(stream);
    this.write(stream, sseOpening(RETRY_MS));
    await this.ensureAlarm();
    if (stream.sentSeq < live) void this.pump();
    return new Response(readable, { headers: SSE_HEADERS });
  }

  /** Called by the Worker after a batch that appended events. */
  async notify(merchantId: string): Promise<void> {
    await this.currentSeq(merchantId);
    await this.pump();
  }

  /**
   * Resolves true as soon as an event for `invoiceId` with seq > `sinceSeq` is committed, or false
   * after `timeoutMs`. The waiter is registered before the check against D1, so no change can slip
   * between the two.
   */
  async waitForInvoice(merchantId: string, invoiceId: string, sinceSeq: number, timeoutMs: number): Promise<boolean> {
    await this.currentSeq(merchantId);
    return new Promise<boolean>((resolve) => {
      const waiters = this.waiters.get(invoiceId) ?? new Set<() => void>();
      this.waiters.set(invoiceId, waiters);
      let settled = false;
      const finish = (changed: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0) this.waiters.delete(invoiceId);
        resolve(changed);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      waiters.add(wake);
      void invoiceChangedSince(this.env.DB, invoiceId, sinceSeq)
        .then((changed) => changed && finish(true))
        .catch(() => undefined);
    });
  }

  /** Closes every stream opened with a key (after it was revoked). */
  async closeKeyStreams(keyId: string): Promise<number> {
    let closed = 0;
    for (const stream of this.streams) {
      if (stream.keyId === keyId) {
        this.close(stream, "key_revoked");
        closed += 1;
      }
    }
    return closed;
  }

  /** How many streams are open (for tests and the benchmark). */
  async streamCount(): Promise<number> {
    return this.streams.size;
  }

  override async alarm(): Promise<void> {
    const now = new Date().toISOString();
    const keyIds = [...new Set([...this.streams].map((stream) => stream.keyId).filter((id): id is string => id !== null))];
    const revoked = await revokedKeyIds(this.env.DB, keyIds);
    const hashes = [...new Set([...this.streams].map((stream) => stream.sessionHash).filter((hash): hash is string => hash !== null))];
    const ended = await endedSessions(this.env.DB, hashes, now);
    for (const stream of this.streams) {
      const sessionEnd = stream.sessionHash === null ? undefined : ended.get(stream.sessionHash);
      if (stream.expiresAt !== null && stream.expiresAt <= now) this.close(stream, "session_expired");
      else if (sessionEnd !== undefined) this.close(stream, sessionEnd);
      else if (stream.keyId !== null && revoked.has(stream.keyId)) this.close(stream, "key_revoked");
      else this.write(stream, sseComment("keep-alive"));
    }
    if (this.merchantId !== null) void this.pump(); // also catches a lost notify
    await this.ensureAlarm();
  }

  private async ensureAlarm(): Promise<void> {
    if (this.streams.size === 0) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.keepAliveMs());
  }

  private write(stream: Stream, bytes: Uint8Array): void {
    // Not awaited: one slow client must not hold the others. A failed write means the client left.
    stream.writer.write(bytes).catch(() => this.streams.delete(stream));
  }

  private close(stream: Stream, reason: string): void {
    this.streams.delete(stream);
    stream.writer
      .write(sseControl("close", { reason }))
      .then(() => stream.writer.close())
      .catch(() => undefined);
  }

  /** Reads new events in order and delivers them; concurrent calls coalesce into one more round. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.dirty = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.dirty = false;
          await this.pumpOnce();
        } while (this.dirty);
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  private async pumpOnce(): Promise<void> {
    const merchantId = this.merchantId;
    if (merchantId === null) return;
    const from = Math.min(this.liveSeq ?? 0, ...[...this.streams].map((stream) => stream.sentSeq));
    const results = await eventsAfter(this.env.DB, merchantId, from, PAGE);
    // A stream opened (resuming further back) while the query ran is not covered by these rows:
    // serving it now would skip its replay. It waits for the next round, which reads from its cursor.
    const behind = new Set([...this.streams].filter((stream) => stream.sentSeq < from));
    if (behind.size > 0) this.dirty = true;
    for (const row of results) {
      for (const stream of this.streams) {
        if (behind.has(stream) || row.seq <= stream.sentSeq) continue;
        stream.sentSeq = row.seq;
        if (visibleTo(stream.audience, row)) this.write(stream, sseMessage(row));
      }
      if (row.seq > (this.liveSeq ?? 0)) {
        this.liveSeq = row.seq;
        if (row.invoice_id !== null) for (const wake of [...(this.waiters.get(row.invoice_id) ?? [])]) wake();
      }
    }
    if (results.length === PAGE) this.dirty = true;
    await enqueueWebhookDeliveries(this.env, this.ctx.storage, merchantId);
  }
}
