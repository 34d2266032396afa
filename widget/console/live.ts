/** One EventSource on the merchant's stream for the whole app. */
import type { ReactiveController, ReactiveControllerHost } from "lit";
export interface QuittanceEvent { id: string; type: string; created_at: string; invoice?: string | null; payment?: string | null; data: unknown }

/** `event` (CustomEvent<QuittanceEvent>) and `status` (CustomEvent<"open" | "reconnecting">). Pages listen through LiveRefresh. */
export const live: EventTarget = new EventTarget();
const TYPES = ["customer.created","customer.updated","invoice.created","invoice.updated","invoice.issued","invoice.viewed","invoice.payment_processing","invoice.payment_failed","invoice.partially_paid","invoice.paid","invoice.reopened","invoice.overdue","invoice.voided","invoice.marked_uncollectible","credit_note.issued","payment.succeeded","payment.failed","payment.refunded","payment.disputed","reminder.sent","reminder.opened","reminder.clicked","settings.updated","webhook_endpoint.disabled"];
let source: EventSource | undefined;
let lastId: string | undefined;
let status: "open" | "reconnecting" = "reconnecting";
let retry: ReturnType<typeof setTimeout> | undefined;

/** @example liveStatus() === "open" */
export function liveStatus(): "open" | "reconnecting" {
  return status;
}

function setStatus(s: "open" | "reconnecting"): void {
  status = s;
  live.dispatchEvent(new CustomEvent("status", { detail: s }));
}

function onMessage(message: MessageEvent<string>): void {
  if (message.lastEventId) lastId = message.lastEventId;
  try {
    const event = JSON.parse(message.data) as QuittanceEvent;
    if (event && typeof event === "object" && "type" in event) live.dispatchEvent(new CustomEvent("event", { detail: event }));
  } catch { /* keep-alive or not JSON */ }
}

/** Shell only: opens the stream (again after a drop, resuming after the last event seen). @example startLive() */
export function startLive(): void {
  stopLive();
  const url = lastId ? `/v1/events/stream?after=${encodeURIComponent(lastId)}` : "/v1/events/stream";
  source = new EventSource(url, { withCredentials: true });
  source.onopen = () => setStatus("open");
  source.onmessage = onMessage;
  source.onerror = () => {
    setStatus("reconnecting");
    if (source?.readyState === EventSource.CLOSED) retry = setTimeout(startLive, 2000);
  };
  // The API names each SSE message by its event type.
  for (const type of TYPES) source.addEventListener(type, onMessage as EventListener);
}

/** Shell only. @example stopLive() */
export function stopLive(): void {
  clearTimeout(retry);
  source?.close();
  source = undefined;
}

/** Says something politely to screen readers (the shell's live region). @example announce("F2026-000003 payée") */
export function announce(message: string): void {
  window.dispatchEvent(new CustomEvent("qc-announce", { detail: message }));
}

/**
 * A page's live refresh, as a Lit controller: while the page is on screen, each stream event that
 * `concerns` it (given to `seen` first, for a page that shows it at once) runs `load` at once when
 * idle, and once more after it when events came in meanwhile: the page is fresh one round trip after
 * an event, a burst costs two loads, and loads never overlap.
 * @example private readonly refresh = new LiveRefresh(this, (event) => /^invoice\./.test(event.type), () => this.load(true));
 */
export class LiveRefresh implements ReactiveController {
  #running = false;
  #again = false;
  readonly #onEvent = (e: Event): void => {
    const event = (e as CustomEvent<QuittanceEvent>).detail;
    if (!this.concerns(event)) return;
    this.seen?.(event);
    void this.run().catch(() => undefined);
  };

  constructor(host: ReactiveControllerHost, private readonly concerns: (event: QuittanceEvent) => boolean, private readonly load: () => Promise<void>, private readonly seen?: (event: QuittanceEvent) => void) {
    host.addController(this);
  }

  hostConnected(): void {
    live.addEventListener("event", this.#onEvent);
  }

  hostDisconnected(): void {
    live.removeEventListener("event", this.#onEvent);
  }

  private async run(): Promise<void> {
    if (this.#running) { this.#again = true; return; }
    this.#running = true;
    try {
      do { this.#again = false; await this.load(); } while (this.#again);
    } finally { this.#running = false; }
  }
}
