/**
 * Publishing: the one place that tells a merchant's hub that events were committed. The hub then
 * reads the log in order and feeds SSE streams, long-poll waiters and the webhook outbox; the chain
 * is sealed alongside. Only route handlers, queue consumers and cron entry points publish, once per
 * committed batch, with what the write returned.
 */
import type { LogMoved } from "./log";
import { sealChain } from "./chain";

interface BackgroundContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** Tells the merchant's hub now and waits: the cron's catch-up for a notify that was lost. */
export async function publishNow(env: Env, merchantId: string): Promise<void> {
  await env.HUB.getByName(merchantId).notify(merchantId);
}

/**
 * After a committed batch that appended events: tell the merchant's hub and seal the chain, in the
 * background. Nothing moved (null) publishes nothing. Either step may fail harmlessly: the hub
 * catches up at its next notify or keep-alive, and the next seal (or the cron) seals everything
 * still open, in order.
 * @example publish(c.executionCtx, c.env, await issueInvoice(db, merchantId, id, now))
 */
export function publish(ctx: BackgroundContext, env: Env, moved: LogMoved | null | undefined): void {
  if (!moved) return;
  const { merchantId } = moved;
  ctx.waitUntil(
    env.HUB.getByName(merchantId)
      .notify(merchantId)
      .catch((error: unknown) => console.error("hub notify failed", merchantId, error)),
  );
  ctx.waitUntil(sealChain(env.DB, merchantId).catch((error: unknown) => console.error("seal failed", merchantId, error)));
}
