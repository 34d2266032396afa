/**
 * Reconciliation (cron): a payment left in flight for more than 15 minutes is re-read from its
 * provider, so a lost webhook never leaves an invoice wrong for long. A payment that never reached
 * its provider, or that the payer abandoned for a day, is marked failed (a later success still
 * applies: state only moves forward).
 */
import { afterAppend } from "../db/events";
import { providerFor } from "../providers";
import { reconcileWithProvider } from "./provider-webhooks";
import { settleFailed } from "./settle";
import type { PaymentRow } from "./queries";

const STALE_MS = 15 * 60_000;
const ABANDONED_MS = 24 * 3_600_000;
const PER_RUN = 50;

export async function reconcilePayments(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }, now: Date, origin: string): Promise<number> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM payments WHERE status IN ('pending', 'processing') AND updated_at < ? ORDER BY updated_at LIMIT ?",
  )
    .bind(new Date(now.getTime() - STALE_MS).toISOString(), PER_RUN)
    .all<PaymentRow>();
  for (const payment of results) {
    try {
      if (payment.provider === null) continue;
      if (payment.provider_ref === null) {
        await settleFailed(env.DB, payment.merchant_id, payment.id, "the payment never reached its provider", undefined, now);
      } else {
        const provider = await providerFor(env, payment.merchant_id, payment.provider, origin);
        await reconcileWithProvider(env.DB, payment.merchant_id, payment, provider, now);
        const after = await env.DB.prepare("SELECT status FROM payments WHERE id = ?").bind(payment.id).first<{ status: string }>();
        if (after?.status === "processing" && now.getTime() - Date.parse(payment.created_at) > ABANDONED_MS) {
          await settleFailed(env.DB, payment.merchant_id, payment.id, "abandoned by the payer", undefined, now);
        } else if (after?.status === "processing") {
          await env.DB.prepare("UPDATE payments SET updated_at = ? WHERE id = ? AND status = 'processing'").bind(now.toISOString(), payment.id).run();
        }
      }
      afterAppend(ctx, env, payment.merchant_id);
    } catch (error) {
      console.error("reconciliation failed", payment.id, error);
      // Not at the head of the next run's window again: one unreachable provider must not stall the others.
      if (now.getTime() - Date.parse(payment.created_at) > ABANDONED_MS) {
        await settleFailed(env.DB, payment.merchant_id, payment.id, "its provider could not be asked for a day", undefined, now).catch(() => undefined);
      } else {
        await env.DB.prepare("UPDATE payments SET updated_at = ? WHERE id = ? AND status IN ('pending', 'processing')").bind(now.toISOString(), payment.id).run().catch(() => undefined);
      }
    }
  }
  return results.length;
}
