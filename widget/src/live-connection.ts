/**
 * The live connection: listens to the client stream for as long as a session lives (until `signal`
 * aborts) and calls `changed` once per burst of invoice or payment events (debounced 150 ms, so
 * three events make one reload).
 */
import type { ClientApi } from "./api";
import { openClientStream } from "./stream";

export function listenLive(api: ClientApi, signal: AbortSignal, changed: () => void): void {
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  openClientStream(
    api,
    ({ event }) => {
      if (!event.startsWith("invoice.") && !event.startsWith("payment.")) return;
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(changed, 150);
    },
    signal,
  );
}
