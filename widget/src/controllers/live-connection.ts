/**
 * The live connection: listens to the client stream for as long as a session lives and asks for
 * one refresh per burst of invoice or payment events (debounced, so three events make one reload).
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ClientApi } from "../api";
import { openClientStream } from "../stream";

export class LiveConnectionController implements ReactiveController {
  #changed: () => void;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, changed: () => void) {
    this.#changed = changed;
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#refreshTimer);
  }

  /** Opens the stream; it closes (and stops reconnecting) when `signal` aborts. */
  listen(api: ClientApi, signal: AbortSignal): void {
    openClientStream(
      api,
      ({ event }) => {
        if (!event.startsWith("invoice.") && !event.startsWith("payment.")) return;
        clearTimeout(this.#refreshTimer);
        this.#refreshTimer = setTimeout(this.#changed, 150);
      },
      signal,
    );
  }
}
