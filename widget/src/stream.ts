/**
 * Server-Sent Events over fetch (EventSource cannot send an Authorization header). Reconnects by
 * itself with `Last-Event-ID`, so no event is missed across a drop, backing off up to 30 s. A stream
 * closed `too_slow` just reconnects; one whose resume is too old (410) reconnects live and reports
 * `invoice.resync`, so the list is read again instead.
 */
import type { ClientApi } from "./api";

export interface StreamMessage {
  id: string | null;
  event: string;
  data: string;
}

export function openClientStream(api: ClientApi, onMessage: (message: StreamMessage) => void, signal: AbortSignal): void {
  let lastEventId: string | null = null;
  let delay = 1000;
  const run = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        const response = await fetch(`${api.base}/v1/client/stream`, {
          headers: { authorization: `Bearer ${api.token}`, accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
          signal,
        });
        if (response.status === 401 && !(await api.renew())) return;
        if (response.status === 410) {
          lastEventId = null;
          onMessage({ id: null, event: "invoice.resync", data: "{}" });
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`stream ${response.status}`);
        delay = 1000;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message: StreamMessage = { id: null, event: "message", data: "" };
            for (const line of block.split("\n")) {
              if (line.startsWith("id: ")) message.id = line.slice(4);
              else if (line.startsWith("event: ")) message.event = line.slice(7);
              else if (line.startsWith("data: ")) message.data += line.slice(6);
            }
            if (message.id) lastEventId = message.id;
            if (message.event === "close") {
              // An expired or revoked session ends the stream: renew it (session-url) and carry on from the last event.
              if (message.data.includes("session_") && !(await api.renew())) return;
              await reader.cancel();
              break;
            }
            if (message.data) onMessage(message);
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
}
