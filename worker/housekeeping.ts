/** The cron's chores: drop expired idempotency records and sessions, seal any event left unsealed. */
import { sealChain } from "./db/chain";
import { IDEMPOTENCY_RETENTION_HOURS } from "./db/idempotency";

export async function runHousekeeping(env: Env, now: Date): Promise<void> {
  const idempotencyCutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_HOURS * 3_600_000).toISOString();
  const sessionCutoff = new Date(now.getTime() - 86_400_000).toISOString();
  await env.DB.batch([
    env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(idempotencyCutoff),
    env.DB.prepare("DELETE FROM client_sessions WHERE expires_at < ?").bind(sessionCutoff),
  ]);
  const { results } = await env.DB.prepare("SELECT DISTINCT merchant_id FROM events WHERE hash IS NULL").all<{ merchant_id: string }>();
  for (const { merchant_id } of results) await sealChain(env.DB, merchant_id);
}
