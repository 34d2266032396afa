/**
 * The byte side of one SSE stream: the response body, and how much of what the hub sent is still
 * waiting for the client. The hub never awaits a client to send: `send` queues and returns at once,
 * and the runtime takes the queue only as fast as the client reads (it asks through `pull`). So
 * `queued` is the client's backlog, which lets the hub bound it: live fan-out drops a stream whose
 * backlog passes a bound, replay waits for `drained()` before sending more.
 *
 * The queue is ours, not the stream's, so a stream closed for being too slow can forget its backlog
 * at once (the client resumes with Last-Event-ID from the last message it did read). A client that
 * goes away cancels the body: `onGone` runs then, with no write needed to notice.
 */
import { sseControl } from "./sse";
import { concatBytes } from "../lib/bytes";

export interface ChannelOptions {
  /** Replay sends more only when the backlog is below this many bytes. */
  lowWaterBytes: number;
  /** After `end`, how long the client has to read the rest before the body is cut off. */
  graceMs: number;
  /** Runs once, when the channel ends for any reason (closed by the hub, cancelled by the client). */
  onGone: () => void;
}

export class SseChannel {
  readonly readable: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  /** open: the hub may send; ending: the close message is queued, the body ends once it is taken; closed. */
  private state: "open" | "ending" | "closed" = "open";
  private chunks: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Every byte the runtime has taken so far (read by the client or on its way). */
  private takenBytes = 0;
  /** The runtime asked for bytes and none were queued: the next `send` hands them over at once. */
  private wanted: (() => void) | null = null;
  private drainWaiters: ((open: boolean) => void)[] = [];
  private lastCheck = { taken: 0, waiting: false };

  constructor(private readonly options: ChannelOptions) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () => this.pull(),
        cancel: () => this.abandon(),
      },
      { highWaterMark: 0 },
    );
  }

  /** Open means the hub may still send (not ended, not left). */
  get open(): boolean {
    return this.state === "open";
  }

  /** Bytes sent by the hub that the runtime has not taken yet. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** Queues bytes for the client; never waits. Ignored once the channel is no longer open. */
  send(bytes: Uint8Array): void {
    if (this.state !== "open") return;
    this.chunks.push(bytes);
    this.queuedBytes += bytes.byteLength;
    const wanted = this.wanted;
    if (wanted !== null) {
      this.wanted = null;
      this.handOver();
      wanted();
    }
  }

  /** Resolves true once the backlog is below the low-water mark, false if the channel ends first. */
  drained(): Promise<boolean> {
    if (this.state !== "open") return Promise.resolve(false);
    if (this.queuedBytes < this.options.lowWaterBytes) return Promise.resolve(true);
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Whether at least the low-water mark has been waiting since the previous check with nothing taken
   * in between: the client stopped reading for a whole period. Call it once per keep-alive period.
   */
  stalled(): boolean {
    const waiting = this.queuedBytes >= this.options.lowWaterBytes;
    const stalled = waiting && this.lastCheck.waiting && this.takenBytes === this.lastCheck.taken;
    this.lastCheck = { taken: this.takenBytes, waiting };
    return stalled;
  }

  /**
   * Ends the stream with `event: close` and `{reason}` after what is queued (or instead of it, with
   * `dropBacklog`), then ends the body. A client that does not take it within the grace period is
   * cut off, so an ended stream holds no memory for long.
   */
  end(reason: string, dropBacklog = false): void {
    if (this.state !== "open") return;
    if (dropBacklog) this.dropQueue();
    this.send(sseControl("close", { reason }));
    this.state = "ending";
    this.settleDrainWaiters(false);
    this.options.onGone();
    if (this.chunks.length === 0) this.closeBody();
    else setTimeout(() => this.closeBody(), this.options.graceMs);
  }

  /** The client left (its body was cancelled, or the Worker saw it go): forget everything now. */
  abandon(): void {
    const wasOpen = this.state === "open";
    this.closeBody();
    if (wasOpen) this.options.onGone();
  }

  /** The runtime wants bytes: hand over all that is queued, or wait for the next `send`. */
  private pull(): Promise<void> | undefined {
    if (this.chunks.length > 0) {
      this.handOver();
      return undefined;
    }
    if (this.state === "closed") return undefined;
    return new Promise<void>((resolve) => (this.wanted = resolve));
  }

  private handOver(): void {
    // Always a copy: one encoded message is shared by every stream it goes to.
    const chunk = concatBytes(this.chunks, this.queuedBytes);
    this.takenBytes += this.queuedBytes;
    this.dropQueue();
    try {
      this.controller.enqueue(chunk);
    } catch {
      // The body is gone without our cancel having run: never let one stream break a fan-out.
      this.abandon();
      return;
    }
    this.settleDrainWaiters(true);
    if (this.state === "ending") this.closeBody();
  }

  private closeBody(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.dropQueue();
    this.wanted?.();
    this.wanted = null;
    this.settleDrainWaiters(false);
    try {
      this.controller.close();
    } catch {
      // the client cancelled the body already
    }
  }

  private dropQueue(): void {
    this.chunks = [];
    this.queuedBytes = 0;
  }

  private settleDrainWaiters(open: boolean): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve(open);
  }
}
