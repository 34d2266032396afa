/**
 * How the rest of the Worker reaches the merchant's hub to listen: open an SSE stream, or wait for
 * an invoice's next event (long-poll). Telling the hub that events were committed is not here: that
 * is `publish` (events/publish.ts), the only notifier.
 */
import { ApiError } from "../errors";
import type { OpenStreamOptions } from "./hub";
import { streamLimits, STREAMS_RETRY_AFTER_SECONDS } from "./limits";
import { hasMoreEventsAfter } from "./queries";
import { SSE_HEADERS } from "./sse";

/** The resume cursor as the client sent it, to name it in a refusal. */
export interface ResumeCursor {
  eventId: string;
  param: "Last-Event-ID" | "after";
}

export interface OpenStreamContext {
  resume?: ResumeCursor | undefined;
  /** Keeps the "client left" message to the hub alive after the response was cancelled. */
  background?: { waitUntil(promise: Promise<unknown>): void } | undefined;
}

/**
 * Opens an SSE stream on the merchant's hub (replay from `afterSeq`, then live). Refuses a resume
 * too far behind the head of the log (410: the feed pages it far better than a stream replays it)
 * and a session or key that already holds its most streams (429).
 */
export async function openEventStream(env: Env, options: OpenStreamOptions, context: OpenStreamContext = {}): Promise<Response> {
  const { resume, background } = context;
  const { resumeMaxEvents } = streamLimits(env);
  if (options.afterSeq !== null && (await hasMoreEventsAfter(env.DB, options.merchantId, options.afterSeq, resumeMaxEvents))) {
    const cursor = resume?.eventId ?? "<your last event id>";
    throw new ApiError(
      "stream_resume_too_old",
      `${cursor} is more than ${resumeMaxEvents} events behind the latest event, too far back for a stream to resume. ` +
        `Read the missed events with GET /v1/events?after=${cursor} (then ?after= each page's \`next\` while has_more is true), ` +
        "then reconnect with Last-Event-ID set to the last event id you read.",
      resume?.param ?? "Last-Event-ID",
    );
  }
  const hub = env.HUB.getByName(options.merchantId);
  const opened = await hub.openStream(options);
  if ("refused" in opened) {
    const holder = opened.holder === "session" ? "client session" : "key";
    throw new ApiError("too_many_streams", `This ${holder} already holds ${opened.limit} open streams, as many as it may: close one before opening another.`, undefined, {
      "retry-after": String(STREAMS_RETRY_AFTER_SECONDS),
    });
  }
  const body = forwardUntilCancelled(opened.body, () => {
    const forgetting = hub.forgetStream(opened.streamId).catch(() => undefined);
    background?.waitUntil(forgetting);
  });
  return new Response(body, { headers: SSE_HEADERS });
}

/**
 * The hub's body, piped through a transform stream by the runtime (none of our JavaScript runs per
 * chunk, which matters when one event goes to hundreds of streams), calling `onCancel` the moment
 * the client goes away: the transformer's `cancel` runs when the client's side is cancelled, even
 * while nothing is being written (the pipe itself would notice only at its next write, as would
 * the hub across the RPC hop: a keep-alive away).
 */
function forwardUntilCancelled(body: ReadableStream<Uint8Array>, onCancel: () => void): ReadableStream<Uint8Array> {
  let told = false;
  const tell = () => {
    if (told) return;
    told = true;
    onCancel();
  };
  // No transform(): chunks pass as they are. cancel() runs when the client's side is cancelled.
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({ cancel: tell }, { highWaterMark: 0 }, { highWaterMark: 0 });
  body.pipeTo(writable).catch(tell);
  return readable;
}

/** Resolves true as soon as an event of the invoice after `sinceSeq` is committed, false after `timeoutMs`. */
export function waitForInvoiceEvent(env: Env, merchantId: string, invoiceId: string, sinceSeq: number, timeoutMs: number): Promise<boolean> {
  return env.HUB.getByName(merchantId).waitForInvoice(merchantId, invoiceId, sinceSeq, timeoutMs);
}
