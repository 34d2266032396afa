/**
 * The merchant's per-invoice reminder actions: the timeline, "remind now" (one click), and the
 * invoice's own settings (pause, promise to pay, custom schedule).
 */
import { isCalendarDate } from "../../shared/late-fees";
import type { InvoiceReminderSettings, ReminderSchema } from "../../shared/schemas/reminders";
import { addDays, canBePaid, utcDay } from "../../shared/status";
import type { z } from "zod";
import { getSettings } from "../db/settings";
import { ApiError, notFound } from "../errors";
import { countSentSince, findRemindedInvoice, findReminder, invoiceReminderControl, lastReminderAt, listReminders, queueNextReminder, saveInvoiceReminderControl, type DailyLimits, type RemindedInvoice, type ReminderRow } from "./queries";
import { holdPromisesStatements, isManualStep, offsetsOf, rescheduleInvoiceStatements } from "./schedule";
import type { ReminderMessage } from "./send";

export function serializeReminder(row: ReminderRow): z.infer<typeof ReminderSchema> {
  return {
    id: row.id,
    object: "reminder",
    step: isManualStep(row.step) ? null : row.step,
    manual: isManualStep(row.step),
    send_on: row.send_on,
    status: row.status,
    skip_reason: row.skip_reason,
    sent_at: row.sent_at,
    opened_at: row.opened_at,
    clicked_at: row.clicked_at,
    viewed_at: row.viewed_at,
  };
}


async function requireInvoice(db: D1Database, merchantId: string, invoiceId: string): Promise<RemindedInvoice> {
  const invoice = await findRemindedInvoice(db, merchantId, invoiceId);
  if (invoice === null) throw notFound("invoice", invoiceId);
  return invoice;
}

/** The reminder timeline of an invoice, and when it was paid. */
export async function reminderTimeline(db: D1Database, merchantId: string, invoiceId: string) {
  const invoice = await requireInvoice(db, merchantId, invoiceId);
  const [rows, control] = await Promise.all([listReminders(db, invoice.id), invoiceReminderControl(db, invoice.id)]);
  return {
    reminders: rows.map(serializeReminder),
    paidAt: invoice.paid_at,
    settings: { paused: Boolean(control?.paused), promise_until: control?.promise_until ?? null, steps: control?.custom_steps ? (JSON.parse(control.custom_steps) as number[]) : null },
  };
}

/** Seconds until the next UTC midnight, when the daily limits start again. */
const secondsToTomorrow = (now: Date) => Math.max(1, Math.ceil((Date.parse(`${addDays(utcDay(now), 1)}T00:00:00Z`) - now.getTime()) / 1000));

/**
 * Queues the next reminder now. `force` skips the policy's minimum interval, and only that: a
 * manual reminder counts against the merchant's daily cap (as the cron's do) and against the
 * invoice's own daily limit, both checked again inside the write so simultaneous calls cannot pass together.
 */
export async function remindNow(env: Env, merchantId: string, invoiceId: string, force: boolean, now: Date) {
  const db = env.DB;
  const invoice = await requireInvoice(db, merchantId, invoiceId);
  if (!canBePaid(invoice)) {
    throw new ApiError("invoice_not_payable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: there is nothing to remind.`);
  }
  if ((await invoiceReminderControl(db, invoice.id))?.paused) {
    throw new ApiError("reminders_paused", "This invoice's reminders are paused: resume them (PUT …/reminder_settings {\"paused\": false}) first.");
  }
  const { settings } = await getSettings(db, merchantId);
  const last = await lastReminderAt(db, invoice.id);
  const earliest = last ? new Date(Date.parse(last) + settings.reminders.min_interval_days * 86_400_000) : null;
  if (!force && earliest !== null && earliest > now) {
    throw new ApiError("reminder_too_soon", `The last reminder went out on ${last!.slice(0, 10)}; the next one can go from ${earliest.toISOString().slice(0, 10)} (or send with {"force": true}).`);
  }
  const limits = { since: `${utcDay(now)}T00:00:00.000Z`, merchantCap: settings.reminders.daily_cap, invoiceLimit: settings.reminders.invoice_daily_limit };
  const id = await queueNextReminder(db, merchantId, invoice.id, utcDay(now), now, limits);
  if (id === null) throw await limitReached(db, merchantId, invoice.id, limits, now);
  await env.REMINDERS.send({ reminder: id } satisfies ReminderMessage);
  return serializeReminder((await findReminder(db, id))!);
}

/** Why a manual reminder was not queued: a daily limit (429 until midnight UTC), or another request took the step. */
async function limitReached(db: D1Database, merchantId: string, invoiceId: string, limits: DailyLimits, now: Date): Promise<ApiError> {
  const retry = { "retry-after": String(secondsToTomorrow(now)) };
  const [sentByMerchant, sentForInvoice] = await Promise.all([countSentSince(db, { merchantId }, limits.since), countSentSince(db, { invoiceId }, limits.since)]);
  if (sentByMerchant >= limits.merchantCap) {
    return new ApiError("reminder_daily_cap_reached", `${sentByMerchant} reminders went out today, the daily cap (settings.reminders.daily_cap = ${limits.merchantCap}); more can go from midnight UTC.`, undefined, retry);
  }
  if (sentForInvoice >= limits.invoiceLimit) {
    return new ApiError("invoice_reminder_limit_reached", `This invoice got ${sentForInvoice} reminders today, its daily limit (settings.reminders.invoice_daily_limit = ${limits.invoiceLimit}); more can go from midnight UTC.`, undefined, retry);
  }
  return new ApiError("concurrent_update", "Another reminder of this invoice was being queued at the same time; retry.");
}

/** Pauses or resumes an invoice's reminders, records a promise to pay, or gives it its own schedule. */
export async function updateInvoiceReminders(db: D1Database, merchantId: string, invoiceId: string, input: z.infer<typeof InvoiceReminderSettings>, now: Date) {
  const invoice = await requireInvoice(db, merchantId, invoiceId);
  if (invoice.status === "draft") throw new ApiError("invoice_not_open", "A draft has no reminders; issue it first.");
  if (!canBePaid(invoice) && (input.steps !== undefined || input.promise_until !== undefined)) {
    throw new ApiError("invoice_not_payable", `Invoice ${invoice.number} is ${invoice.status}: it gets no more reminders.`);
  }
  const current = await invoiceReminderControl(db, invoice.id);
  const paused = input.paused ?? Boolean(current?.paused);
  const promiseUntil = input.promise_until === undefined ? (current?.promise_until ?? null) : input.promise_until;
  if (promiseUntil !== null && (promiseUntil < "2000-01-01" || !isCalendarDate(promiseUntil) || promiseUntil > addDays(utcDay(now), 366))) {
    throw new ApiError("parameter_invalid", "promise_until must be a real date within a year.", "promise_until");
  }
  const steps = input.steps === undefined ? (current?.custom_steps ? (JSON.parse(current.custom_steps) as number[]) : null) : input.steps;
  const { settings } = await getSettings(db, merchantId);
  await db.batch([
    saveInvoiceReminderControl(db, invoice.id, { paused, promiseUntil, steps }, now),
    // A new schedule, or a promise changed (withdrawn, shortened): unsent steps go back to their own days, then the promise holds them again.
    ...(input.steps !== undefined || input.promise_until !== undefined ? rescheduleInvoiceStatements(db, invoice.id, offsetsOf(settings.reminders, steps), now) : []),
    ...holdPromisesStatements(db, merchantId, invoice.id),
  ]);
  return { paused, promise_until: promiseUntil, steps };
}
