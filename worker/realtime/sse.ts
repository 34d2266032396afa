/** Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
import { eventId, serializeEvent, type EventRow } from "../events/log";

const encoder = new TextEncoder();

/** One event as an SSE message: `id:` (the resume cursor), `event:` (its type), `data:` (JSON, one line). */
export function sseMessage(row: EventRow): Uint8Array {
  return encoder.encode(`id: ${eventId(row)}\nevent: ${row.type}\ndata: ${JSON.stringify(serializeEvent(row))}\n\n`);
}

/** A comment line: ignored by clients, keeps proxies from closing an idle stream. */
export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}

/** The first bytes of a stream: reconnection advice, and a comment so headers flush at once. */
export function sseOpening(retryMs: number): Uint8Array {
  return encoder.encode(`retry: ${retryMs}\n: connected\n\n`);
}

/** A named control message without an id (it is not an event of the log). */
export function sseControl(name: string, data: Record<string, unknown>): Uint8Array {
  return encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;
