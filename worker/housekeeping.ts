/**
 * The cron's chores (every minute): drop expired idempotency records, client and console sessions
 * and sign-in links, seal any event
 * left unsealed, sign a checkpoint of every chain head that moved (events/checkpoint.ts), and nudge
 * the hubs of merchants with webhook endpoints so an event whose notify was lost is still delivered
 * within a minute; re-read from their provider the payments left in flight for more than 15
 * minutes; announce the invoices newly overdue; queue the reminders due; project the ledgers
 * behind their log ahead of any report (bounded per run: ledger/current.ts `projectLedgers`).
 */
import { IDEMPOTENCY_RETENTION_HOURS } from "./db/idempotency";
import { sealChain } from "./events/chain";
import { signChainCheckpoint } from "./events/checkpoint";
import { merchantsBehindCheckpoint } from "./events/queries";
import { publish, publishNow } from "./events/publish";
import { announceOverdue } from "./invoices/overdue";
import { projectLedgers } from "./ledger/current";
import { reconcilePayments } from "./payments/reconcile";
import { runReminders } from "./reminders/run";

export async function runHousekeeping(env: Env, now: Date, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<void> {
  const idempotencyCutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3_600_000).toISOString();
  const sessionCutoff = new Date(now.getTime() - 86_400_000).toISOString();
  const [, , , , unsealed, withEndpoints] = await env.DB.batch<{ merchant_id: string }>([
    env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(idempotencyCutoff),
    env.DB.prepare("DELETE FROM client_sessions WHERE expires_at < ?").bind(sessionCutoff),
    env.DB.prepare("DELETE FROM console_sessions WHERE expires_at < ?").bind(sessionCutoff),
    env.DB.prepare("DELETE FROM console_sign_in_links WHERE expires_at < ?").bind(sessionCutoff),
    env.DB.prepare("SELECT DISTINCT merchant_id FROM events WHERE hash IS NULL"),
    env.DB.prepare("SELECT DISTINCT merchant_id FROM webhook_endpoints WHERE status = 'active'"),
  ]);
  for (const { merchant_id } of unsealed!.results) await sealChain(env.DB, merchant_id);
  for (const merchantId of await merchantsBehindCheckpoint(env.DB)) {
    await signChainCheckpoint(env, merchantId, now).catch((error: unknown) => console.error("chain checkpoint failed", merchantId, error));
  }
  await Promise.all(withEndpoints!.results.map(({ merchant_id }) => publishNow(env, merchant_id)));
  for (const moved of await reconcilePayments(env, now, "")) publish(ctx, env, moved);
  for (const moved of await announceOverdue(env.DB, now)) publish(ctx, env, moved);
  await runReminders(env, now);
  await projectLedgers(env).catch((error: unknown) => console.error("ledger projection failed", error));
}

