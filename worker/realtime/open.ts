/**
 * How the rest of the Worker reaches the merchant's hub to listen: open an SSE stream, or wait for
 * an invoice's next event (long-poll). Telling the hub that events were committed is not here: that
 * is `publish` (events/publish.ts), the only notifier.
 */
import type { OpenStreamOptions } from "./hub";
import { SSE_HEADERS } from "./sse";

/** Opens an SSE stream on the merchant's hub (replay from `afterSeq`, then live). */
export async function openEventStream(env: Env, options: OpenStreamOptions): Promise<Response> {
  const opened = await env.HUB.getByName(options.merchantId).openStream(options);
  return new Response(opened.body, { headers: SSE_HEADERS });
}

/** Resolves true as soon as an event of the invoice after `sinceSeq` is committed, false after `timeoutMs`. */
export function waitForInvoiceEvent(env: Env, merchantId: string, invoiceId: string, sinceSeq: number, timeoutMs: number): Promise<boolean> {
  return env.HUB.getByName(merchantId).waitForInvoice(merchantId, invoiceId, sinceSeq, timeoutMs);
}
