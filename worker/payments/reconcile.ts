/**
 * Reconciliation (cron): a payment left in flight for more than 15 minutes is re-read from its
 * provider, so a lost webhook never leaves an invoice wrong for long. A payment that never reached
 * its provider, or that the payer abandoned for a day, is marked failed (a later success still
 * applies: state only moves forward).
 */
import type { LogMoved } from "../events/log";
import { providerFor } from "../providers";
import { reconcileWithProvider } from "./provider-events";
import { findPayment, stalePayments, touchInFlight } from "./queries";
import { settleFailed } from "./settle";

const STALE_MS = 15 * 60_000;
const ABANDONED_MS = 24 * 3_600_000;
const PER_RUN = 50;

/** Re-reads the payments left in flight; answers the merchants whose logs may have moved, for the cron to publish. */
export async function reconcilePayments(env: Env, now: Date, origin: string): Promise<LogMoved[]> {
  const results = await stalePayments(env.DB, new Date(now.getTime() - STALE_MS), PER_RUN);
  const moved = new Set<string>();
  for (const payment of results) {
    try {
      if (payment.provider === null) continue;
      if (payment.provider_ref === null) {
        await settleFailed(env.DB, payment.merchant_id, payment.id, "the payment never reached its provider", undefined, now);
      } else {
        const provider = await providerFor(env, payment.merchant_id, payment.provider, origin);
        await reconcileWithProvider(env.DB, payment.merchant_id, payment, provider, now);
        const after = await findPayment(env.DB, payment.merchant_id, payment.id);
        if (after?.status === "processing" && now.getTime() - Date.parse(payment.created_at) > ABANDONED_MS) {
          await settleFailed(env.DB, payment.merchant_id, payment.id, "abandoned by the payer", undefined, now);
        } else if (after?.status === "processing") {
          await touchInFlight(env.DB, payment.id, now, ["processing"]);
        }
      }
      moved.add(payment.merchant_id);
    } catch (error) {
      console.error("reconciliation failed", payment.id, error);
      // Not at the head of the next run's window again: one unreachable provider must not stall the others.
      if (now.getTime() - Date.parse(payment.created_at) > ABANDONED_MS) {
        await settleFailed(env.DB, payment.merchant_id, payment.id, "its provider could not be asked for a day", undefined, now).catch(() => undefined);
        moved.add(payment.merchant_id);
      } else {
        await touchInFlight(env.DB, payment.id, now, ["pending", "processing"]).catch(() => undefined);
      }
    }
  }
  return [...moved].map((merchantId) => ({ merchantId }));
}
