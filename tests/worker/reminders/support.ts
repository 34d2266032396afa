/** Shared by the reminder tests: a simulated clock driving the cron and the queue consumer by hand. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { addDays, utcDay } from "../../../shared/status";
import { runReminders, type ReminderRunReport } from "../../../worker/reminders/run";
import { sendReminder, type ReminderMessage } from "../../../worker/reminders/send";

export const DAY_MS = 86_400_000;

/** The simulated instant of day `day` after `start` (YYYY-MM-DD), at 09:00 UTC. */
export function simulatedNow(start: string, day: number): Date {
  return new Date(Date.parse(`${addDays(start, day)}T09:00:00.000Z`));
}

/** Whole days from `start` to the UTC day of an ISO timestamp. */
export function dayIndex(start: string, iso: string): number {
  return Math.round((Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

export const today = (): string => utcDay(new Date());

/** Runs the cron at `now` with a collector instead of the real queue; answers the messages it queued. */
export async function runCronAt(now: Date): Promise<{ report: ReminderRunReport; messages: ReminderMessage[] }> {
  const messages: ReminderMessage[] = [];
  const report = await runReminders(env, now, async (batch) => {
    messages.push(...batch);
  });
  return { report, messages };
}

/** Hands one message to the consumer at `now`, as the queue would, and waits for its background work. */
export async function deliverAt(message: ReminderMessage, now: Date) {
  const ctx = createExecutionContext();
  const outcome = await sendReminder(env, ctx, message, now);
  await waitOnExecutionContext(ctx);
  return outcome;
}

/** Only the messages of this merchant's reminders (the cron sees every merchant's). */
export async function ofMerchant(merchantId: string, messages: readonly ReminderMessage[]): Promise<ReminderMessage[]> {
  const { results } = await env.DB.prepare("SELECT id FROM reminders WHERE merchant_id = ? AND id IN (SELECT value FROM json_each(?))")
    .bind(merchantId, JSON.stringify(messages.map((message) => message.reminder)))
    .all<{ id: string }>();
  const mine = new Set(results.map((row) => row.id));
  return messages.filter((message) => mine.has(message.reminder));
}

export type { ReminderRow } from "../../../worker/reminders/queries";
import type { ReminderRow } from "../../../worker/reminders/queries";

export async function remindersOf(invoiceId: string): Promise<ReminderRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM reminders WHERE invoice_id = ? ORDER BY step").bind(invoiceId).all<ReminderRow>();
  return results;
}

export interface OutboxRow {
  id: string;
  merchant_id: string;
  reminder_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  created_at: string;
}

export async function outboxOf(merchantId: string): Promise<OutboxRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM outbox_messages WHERE merchant_id = ? ORDER BY created_at, id").bind(merchantId).all<OutboxRow>();
  return results;
}

export async function eventsOf(invoiceId: string, type: string): Promise<{ type: string; data: string }[]> {
  const { results } = await env.DB.prepare("SELECT type, data FROM events WHERE invoice_id = ? AND type = ? ORDER BY seq").bind(invoiceId, type).all<{ type: string; data: string }>();
  return results;
}

/** Polls until `check` holds or the time is up; answers the last value read. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
