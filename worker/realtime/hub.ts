/**
 * The hub: one Durable Object per merchant. The Worker tells it after every committed change
 * (`notify`); the hub alone reads the merchant's new events from D1, in seq order, and fans them
 * out to every connected SSE stream, wakes long-polls waiting on an invoice, and makes each webhook
 * delivery's first attempt at once (../webhooks/lanes.ts; the queue does the retries).
 *
 * A stream is a cursor in the log (`sentSeq`) and a channel (its bytes, ./channel.ts). Live streams
 * get each new event from the one live pump, which never waits for any of them: a live stream whose
 * unread backlog passes the bound is closed `too_slow`. A stream that resumes from further back
 * replays on its own (./replay.ts), a page of the log at a time, sending more only as its reader
 * takes it and within the hub's replay budget, and joins the live streams when its cursor reaches
 * the pump's. Both paths skip what a stream's cursor has passed, so replay and live can have neither
 * a gap nor a duplicate.
 */
import { DurableObject } from "cloudflare:workers";
import { sealChain, type ChainCheckpoint } from "../events/chain";
import type { EventRow, LogMoved } from "../events/log";
import { enqueueWebhookDeliveries } from "../webhooks/fan-out";
import { DeliveryLanes } from "../webhooks/lanes";
import { LOG_PAGE, REPLAY_PAGE, streamLimits } from "./limits";
import { Replayer } from "./replay";
import { endedConsoleSessions, endedSessions, eventsAfter, headSeq, invoiceChangedSince, revokedKeyIds } from "./queries";
import { sseComment, sseOpening } from "./sse";
import { StreamRegistry, type OpenedStream, type OpenStreamOptions, type Stream, type StreamRefusal, type StreamStats } from "./streams";

export type { OpenedStream, OpenStreamOptions, StreamRefusal, StreamStats } from "./streams";

const RETRY_MS = 3000;

export class MerchantHub extends DurableObject<Env> {
  private readonly limits = streamLimits(this.env);
  private readonly streams = new StreamRegistry(this.limits);
  private readonly replayer = new Replayer(this.env.DB, { pageSize: REPLAY_PAGE, lowWaterBytes: this.limits.lowWaterBytes, eventsPerSecond: this.limits.replayEventsPerSecond });
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly lanes = new DeliveryLanes(this.env, (moved) => this.moved(moved));
  private merchantId: string | null = null;
  /** The highest event seq the live pump has fanned out. */
  private liveSeq: number | null = null;
  private pumping: Promise<void> | null = null;
  private dirty = false;

  private async currentSeq(merchantId: string): Promise<number> {
    this.merchantId = merchantId;
    if (this.liveSeq === null) {
      const head = await headSeq(this.env.DB, merchantId);
      this.liveSeq ??= head;
    }
    return this.liveSeq;
  }

  /** Opens an SSE stream: replays what follows `afterSeq` (or starts live), then stays live; or refuses past the caps. */
  async openStream(options: OpenStreamOptions): Promise<OpenedStream | StreamRefusal> {
    const live = await this.currentSeq(options.merchantId);
    const refusal = this.streams.refusal(options);
    if (refusal !== null) return refusal;
    const stream = this.streams.add(options, options.afterSeq ?? live);
    stream.channel.send(sseOpening(RETRY_MS));
    await this.ensureAlarm();
    void this.replay(options.merchantId, stream); // joins the live streams at once when there is nothing to replay
    return { streamId: stream.id, body: stream.channel.readable };
  }

  /**
   * The Worker saw the stream's client leave. Across the RPC hop an idle body's cancel would reach
   * the hub only at its next write (a keep-alive), so the Worker says so at once.
   */
  async forgetStream(streamId: string): Promise<void> {
    this.streams.get(streamId)?.channel.abandon();
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
    for (const stream of this.streams.all()) {
      if (stream.keyId === keyId) {
        this.streams.close(stream, "key_revoked");
        closed += 1;
      }
    }
    return closed;
  }

  /** How many streams are open (for tests and the benchmark). */
  async streamCount(): Promise<number> {
    return this.streams.size;
  }

  /**
   * The merchant's latest signed chain checkpoint, kept in this object's storage, out of a database
   * writer's reach (events/checkpoint.ts signs and checks it). Given one, keeps it if it is newer.
   */
  async chainCheckpoint(offered?: ChainCheckpoint): Promise<ChainCheckpoint | null> {
    const kept = (await this.ctx.storage.get<ChainCheckpoint>("chainCheckpoint")) ?? null;
    if (offered === undefined || (kept !== null && kept.seq >= offered.seq)) return kept;
    await this.ctx.storage.put("chainCheckpoint", offered);
    return offered;
  }

  /** How many streams are open, how many still replay, and the bytes waiting for their readers. */
  async streamStats(): Promise<StreamStats> {
    return this.streams.stats();
  }

  override async alarm(): Promise<void> {
    const now = new Date().toISOString();
    const keyIds = [...new Set(this.streams.all().map((stream) => stream.keyId).filter((id): id is string => id !== null))];
    const revoked = await revokedKeyIds(this.env.DB, keyIds);
    const hashes = [...new Set(this.streams.all().map((stream) => stream.sessionHash).filter((hash): hash is string => hash !== null))];
    const ended = await endedSessions(this.env.DB, hashes, now);
    const consoleIds = [...new Set(this.streams.all().map((stream) => stream.consoleSessionId).filter((id): id is string => id !== null))];
    const consoleEnded = await endedConsoleSessions(this.env.DB, consoleIds, now);
    for (const stream of this.streams.all()) {
      const sessionEnd = stream.sessionHash === null ? undefined : ended.get(stream.sessionHash);
      if (stream.expiresAt !== null && stream.expiresAt <= now) this.streams.close(stream, "session_expired");
      else if (sessionEnd !== undefined) this.streams.close(stream, sessionEnd);
      else if (stream.keyId !== null && revoked.has(stream.keyId)) this.streams.close(stream, "key_revoked");
      else if (stream.consoleSessionId !== null && consoleEnded.has(stream.consoleSessionId)) this.streams.close(stream, "session_revoked");
      // A reader that took nothing for a whole period while bytes waited (a stalled replay, say).
      else if (stream.channel.stalled()) this.streams.close(stream, "too_slow", true);
      else stream.channel.send(sseComment("keep-alive"));
    }
    if (this.merchantId !== null) void this.pump(); // also catches a lost notify
    await this.ensureAlarm();
  }

  private async ensureAlarm(): Promise<void> {
    if (this.streams.size === 0) return;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.limits.keepAliveMs);
  }

  /** Replays the stream up to the live pump's cursor, then it is live (./replay.ts). */
  private async replay(merchantId: string, stream: Stream): Promise<void> {
    try {
      await this.replayer.run(merchantId, stream, () => this.liveSeq ?? 0);
    } catch (error) {
      console.error("stream replay failed", merchantId, error);
      this.streams.close(stream, "replay_failed"); // the client reconnects with its Last-Event-ID
    }
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
    const rows = await eventsAfter(this.env.DB, merchantId, this.liveSeq ?? 0, LOG_PAGE);
    this.fanOut(rows);
    if (rows.length === LOG_PAGE) this.dirty = true;
    await enqueueWebhookDeliveries(this.env, this.ctx.storage, merchantId, (deliveries) => this.lanes.push(deliveries));
  }

  /** A first attempt disabled its endpoint, appending an event: seal it and fan it out like any other. */
  private moved({ merchantId }: LogMoved): void {
    this.ctx.waitUntil(sealChain(this.env.DB, merchantId).catch((error: unknown) => console.error("seal failed", merchantId, error)));
    void this.pump().catch((error: unknown) => console.error("hub pump failed", merchantId, error));
  }

  /** Hands a page of new events to the live streams, then moves the pump's cursor and wakes long-polls. */
  private fanOut(rows: readonly EventRow[]): void {
    this.streams.fanOut(rows);
    for (const row of rows) {
      if (row.seq <= (this.liveSeq ?? 0)) continue;
      this.liveSeq = row.seq;
      if (row.invoice_id !== null) for (const wake of [...(this.waiters.get(row.invoice_id) ?? [])]) wake();
    }
  }
}
