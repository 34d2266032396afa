/**
 * The reminders cron: finds the steps due today through the `reminders_due` index (the cost grows
 * with the reminders due, not with the invoices held), keeps the latest due step per invoice (an
 * invoice whose older steps were missed gets one reminder, not a burst), skips what no longer
 * deserves one, respects each merchant's daily cap, and hands the rest to the queue. Claiming is
 * `scheduled → queued` with a conditional UPDATE, so two cron runs at once queue nothing twice.
 */
import type { InvoiceStatusValue } from "../../shared/schemas/invoices";
import { isPayable, utcDay } from "../../shared/status";
import { getSettings } from "../db/settings";
import { countSentSince } from "./queries";
import type { ReminderMessage } from "./send";

const BATCH = 1000;

interface DueRow {
  id: string;
  merchant_id: string;
  invoice_id: string;
  step: number;
  send_on: string;
  invoice_status: InvoiceStatusValue;
  paused: number | null;
}

export interface ReminderRunReport {
  due: number;
  queued: number;
  skipped: number;
  deferred: number;
  /** Rows D1 read for the whole run (what the index keeps small). */
  rowsRead: number;
}

/** Hands claimed reminders to the queue; tests with a simulated clock pass their own. */
export type Enqueue = (messages: ReminderMessage[]) => Promise<void>;

const queueTo = (env: Env): Enqueue => async (messages) => {
  for (let index = 0; index < messages.length; index += 100) {
    await env.REMINDERS.sendBatch(messages.slice(index, index + 100).map((body) => ({ body })));
  }
};

export async function runReminders(env: Env, now: Date, enqueue: Enqueue = queueTo(env)): Promise<ReminderRunReport> {
  const db = env.DB;
  const today = utcDay(now);
  let rowsRead = 0;
  const { results: due, meta } = await db
    .prepare(
      `SELECT r.id, r.merchant_id, r.invoice_id, r.step, r.send_on, i.status AS invoice_status, s.paused
       FROM reminders r JOIN invoices i ON i.id = r.invoice_id LEFT JOIN invoice_reminder_settings s ON s.invoice_id = r.invoice_id
       WHERE r.status = 'scheduled' AND r.send_on <= ? ORDER BY r.send_on LIMIT ?`,
    )
    .bind(today, BATCH)
    .all<DueRow>();
  rowsRead += meta.rows_read ?? 0;
  const latest = new Map<string, DueRow>();
  const skip: { id: string; reason: string }[] = [];
  for (const row of due) {
    const held = latest.get(row.invoice_id);
    if (held === undefined || row.send_on > held.send_on || (row.send_on === held.send_on && row.step > held.step)) {
      if (held) skip.push({ id: held.id, reason: "superseded by a later step" });
      latest.set(row.invoice_id, row);
    } else {
      skip.push({ id: row.id, reason: "superseded by a later step" });
    }
  }
  const candidates: DueRow[] = [];
  for (const row of latest.values()) {
    if (!isPayable(row.invoice_status)) skip.push({ id: row.id, reason: `invoice ${row.invoice_status}` });
    else if (row.paused) skip.push({ id: row.id, reason: "paused" });
    else candidates.push(row);
  }

  // The daily cap, per merchant: what was sent or queued today counts, manual reminders included.
  const byMerchant = new Map<string, DueRow[]>();
  for (const row of candidates) byMerchant.set(row.merchant_id, [...(byMerchant.get(row.merchant_id) ?? []), row]);
  const toQueue: string[] = [];
  // Over the cap: tomorrow. Left due today, they would fill every run's window and hold back other merchants.
  const toDefer: string[] = [];
  for (const [merchantId, rows] of byMerchant) {
    const [{ settings }, counted] = await Promise.all([getSettings(db, merchantId), countSentSince(db, { merchantId }, `${today}T00:00:00.000Z`)]);
    rowsRead += 1;
    const room = Math.max(0, settings.reminders.daily_cap - counted);
    toQueue.push(...rows.slice(0, room).map((row) => row.id));
    toDefer.push(...rows.slice(room).map((row) => row.id));
  }

  const at = now.toISOString();
  const statements: D1PreparedStatement[] = skip.map(({ id, reason }) =>
    db.prepare("UPDATE reminders SET status = 'skipped', skip_reason = ?, updated_at = ? WHERE id = ? AND status = 'scheduled'").bind(reason, at, id),
  );
  if (toDefer.length > 0) {
    statements.push(
      db
        .prepare("UPDATE reminders SET send_on = date(?, '+1 day'), updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'scheduled'")
        .bind(today, at, JSON.stringify(toDefer)),
    );
  }
  statements.push(
    db
      .prepare("UPDATE reminders SET status = 'queued', updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'scheduled' RETURNING id")
      .bind(at, JSON.stringify(toQueue)),
  );
  const results = await db.batch<{ id: string }>(statements);
  rowsRead += results.reduce((sum, result) => sum + (result.meta.rows_read ?? 0), 0);
  const claimed = results[results.length - 1]!.results.map((row) => row.id);
  await enqueue(claimed.map((id) => ({ reminder: id })));
  return { due: due.length, queued: claimed.length, skipped: skip.length, deferred: toDefer.length, rowsRead };
}
