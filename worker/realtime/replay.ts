/**
 * Replay: bringing a stream that resumed from further back up to the live pump's cursor, a page of
 * the log at a time, at its reader's pace, then handing it to the live fan-out.
 *
 * Replays share the hub's one thread (and D1) with live delivery, so they are kept from crowding
 * it: all the hub's replays together get through at most a budget of events per second (read and
 * sent, or read and passed over by a client's stream); one replay read at most is in flight, of a
 * small page (the merchant's writes and the live pump's read never queue behind a crowd of them); and
 * streams replaying the same stretch of the log (clients reconnecting from the same point after an
 * outage, say) share one read and one encoding of each message. Only full pages are kept: events
 * commit in seq order, so a full page after a cursor can never change.
 */
import type { EventRow } from "../events/log";
import { messageCache, visibleTo, type StreamAudience } from "./audience";
import { eventsAfter } from "./queries";
import { sseMessage } from "./sse";
import type { Stream } from "./streams";

const READS_IN_FLIGHT = 1;
const KEPT_PAGES = 4;
/** Replay takes from the budget in steps of this many events. */
const BUDGET_STEP = 50;

/** One event of a page, with its SSE message encoded on first use (once per view). */
interface PageEntry {
  row: EventRow;
  message(audience: StreamAudience): Uint8Array;
}

export interface ReplayOptions {
  pageSize: number;
  /** Replay sends more to a stream only while its unread backlog is below this. */
  lowWaterBytes: number;
  /** Events per second all the hub's replays may get through together. */
  eventsPerSecond: number;
}

export class Replayer {
  private readonly kept = new Map<number, Promise<PageEntry[]>>();
  private reading = 0;
  private readonly readQueue: (() => void)[] = [];
  /** When the byte budget has room again (ms, Date.now() clock). */
  private budgetFreeAt = 0;

  constructor(
    private readonly db: D1Database,
    private readonly options: ReplayOptions,
  ) {}

  /**
   * Sends the stream every event after its cursor until the cursor reaches `liveSeq()`, then sets
   * `stream.live`. The join is decided in the same turn as the check (the pump fans out a page in
   * one turn too), so the pump resumes exactly after the stream's cursor: no gap, no duplicate. A
   * page cannot come back empty while the stream is behind: every event up to the pump's cursor was
   * committed before the page was asked for. Resolves once live, or when the stream ends.
   */
  async run(merchantId: string, stream: Stream, liveSeq: () => number): Promise<void> {
    const { channel } = stream;
    let unpaid = 0;
    while (channel.open) {
      if (stream.sentSeq >= liveSeq()) {
        stream.live = true;
        return;
      }
      for (const { row, message } of await this.page(merchantId, stream.sentSeq)) {
        if (!channel.open) return;
        stream.sentSeq = row.seq;
        if (visibleTo(stream.audience, row)) channel.send(message(stream.audience));
        if (++unpaid >= BUDGET_STEP) {
          await this.spend(unpaid);
          unpaid = 0;
        }
        if (channel.queued >= this.options.lowWaterBytes && !(await channel.drained())) return;
      }
    }
  }

  /** Waits until the hub's replays may get through `events` more. */
  private async spend(events: number): Promise<void> {
    const now = Date.now();
    const start = Math.max(now, this.budgetFreeAt);
    this.budgetFreeAt = start + (events * 1000) / this.options.eventsPerSecond;
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
  }

  /** The page of the merchant's events after `afterSeq`, oldest first (shared while kept). */
  private page(merchantId: string, afterSeq: number): Promise<PageEntry[]> {
    const kept = this.kept.get(afterSeq);
    if (kept !== undefined) {
      this.kept.delete(afterSeq); // most recently used last
      this.kept.set(afterSeq, kept);
      return kept;
    }
    const page = this.read(merchantId, afterSeq);
    this.kept.set(afterSeq, page);
    while (this.kept.size > KEPT_PAGES) this.kept.delete(this.kept.keys().next().value!);
    const forget = () => this.kept.get(afterSeq) === page && this.kept.delete(afterSeq);
    // A short page ends at the head, which moves on: read it again next time.
    void page.then((entries) => entries.length < this.options.pageSize && forget(), forget);
    return page;
  }

  private async read(merchantId: string, afterSeq: number): Promise<PageEntry[]> {
    if (this.reading < READS_IN_FLIGHT) this.reading += 1;
    else await new Promise<void>((resolve) => this.readQueue.push(resolve)); // handed a slot by the read before
    try {
      const rows = await eventsAfter(this.db, merchantId, afterSeq, this.options.pageSize);
      return rows.map((row) => ({ row, message: messageCache(row, sseMessage) }));
    } finally {
      const next = this.readQueue.shift();
      if (next) next();
      else this.reading -= 1;
    }
  }
}
