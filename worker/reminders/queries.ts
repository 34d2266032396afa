/**
 * The reminders feature's SQL: the timeline, the invoice's own reminder settings, "remind now",
 * the queue consumer's claim and record, and what the client did (opened, clicked, viewed).
 * Invoices are read here with the columns reminders need, so this feature never imports invoices/.
 */
import type { CurrencyCode } from "../../shared/currencies";
import type { ReminderSchema } from "../../shared/schemas/reminders";
import type { InvoiceStatusValue } from "../../shared/schemas/invoices";
import type { z } from "zod";
import { MANUAL_STEP_BASE } from "./schedule";

export interface ReminderRow {
  id: string;
  merchant_id: string;
  invoice_id: string;
  step: number;
  send_on: string;
  status: z.infer<typeof ReminderSchema>["status"];
  skip_reason: string | null;
  attempts: number;
  sent_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  viewed_at: string | null;
}

/** An invoice as reminders see it. */
export interface RemindedInvoice {
  id: string;
  merchant_id: string;
  customer_id: string;
  number: string | null;
  status: InvoiceStatusValue;
  currency: CurrencyCode;
  total: number;
  amount_paid: number;
  amount_credited: number;
  due_date: string | null;
  terms: string;
  paid_at: string | null;
}

export interface InvoiceReminderControl {
  paused: number;
  promise_until: string | null;
  custom_steps: string | null;
}

const INVOICE_COLUMNS = "id, merchant_id, customer_id, number, status, currency, total, amount_paid, amount_credited, due_date, terms, paid_at";

/** One invoice of a merchant, or null. */
export function findRemindedInvoice(db: D1Database, merchantId: string, invoiceId: string): Promise<RemindedInvoice | null> {
  return db.prepare(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = ? AND merchant_id = ?`).bind(invoiceId, merchantId).first<RemindedInvoice>();
}

/** An invoice by id alone (the queue consumer trusts the reminder row it claimed). */
export function invoiceOfReminder(db: D1Database, invoiceId: string): Promise<RemindedInvoice | null> {
  return db.prepare(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = ?`).bind(invoiceId).first<RemindedInvoice>();
}

export async function listReminders(db: D1Database, invoiceId: string): Promise<ReminderRow[]> {
  return (await db.prepare("SELECT * FROM reminders WHERE invoice_id = ? ORDER BY send_on, step").bind(invoiceId).all<ReminderRow>()).results;
}

export function findReminder(db: D1Database, reminderId: string): Promise<ReminderRow | null> {
  return db.prepare("SELECT * FROM reminders WHERE id = ?").bind(reminderId).first<ReminderRow>();
}

export function invoiceReminderControl(db: D1Database, invoiceId: string): Promise<InvoiceReminderControl | null> {
  return db.prepare("SELECT paused, promise_until, custom_steps FROM invoice_reminder_settings WHERE invoice_id = ?").bind(invoiceId).first<InvoiceReminderControl>();
}

export function saveInvoiceReminderControl(db: D1Database, invoiceId: string, control: { paused: boolean; promiseUntil: string | null; steps: number[] | null }, now: Date): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO invoice_reminder_settings (invoice_id, paused, promise_until, custom_steps, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (invoice_id) DO UPDATE SET paused = excluded.paused, promise_until = excluded.promise_until, custom_steps = excluded.custom_steps, updated_at = excluded.updated_at`,
    )
    .bind(invoiceId, control.paused ? 1 : 0, control.promiseUntil, control.steps === null ? null : JSON.stringify(control.steps), now.toISOString());
}

/** When the latest reminder went out; one still on its way (queued, sending: no sent_at yet) counts from when it was queued. */
export async function lastReminderAt(db: D1Database, invoiceId: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT max(coalesce(sent_at, updated_at)) AS at FROM reminders WHERE invoice_id = ? AND status IN ('sent', 'queued', 'sending')")
    .bind(invoiceId)
    .first<{ at: string | null }>();
  return row?.at ?? null;
}

/**
 * What counts against the daily limits: sent since `since` (the day's start), or on its way
 * (queued, sending) since then. The cron's cap and "remind now" count the same way.
 */
const SENT_SINCE = "(sent_at >= ? OR (status IN ('queued', 'sending') AND updated_at >= ?))";

/** Reminders of a merchant, or of one invoice, sent or on their way since `since`. */
export async function countSentSince(db: D1Database, scope: { merchantId: string } | { invoiceId: string }, since: string): Promise<number> {
  const [column, value] = "merchantId" in scope ? ["merchant_id", scope.merchantId] : ["invoice_id", scope.invoiceId];
  const row = await db.prepare(`SELECT count(*) AS n FROM reminders WHERE ${column} = ? AND ${SENT_SINCE}`).bind(value, since, since).first<{ n: number }>();
  return row?.n ?? 0;
}

/** The limits a manual reminder must stay under, checked inside the write so simultaneous requests cannot pass them together. */
export interface DailyLimits {
  since: string;
  merchantCap: number;
  invoiceLimit: number;
}

const UNDER_LIMITS = `(SELECT count(*) FROM reminders WHERE merchant_id = ? AND ${SENT_SINCE}) < ? AND (SELECT count(*) FROM reminders WHERE invoice_id = ? AND ${SENT_SINCE}) < ?`;
const limitParams = (merchantId: string, invoiceId: string, limits: DailyLimits) => [merchantId, limits.since, limits.since, limits.merchantCap, invoiceId, limits.since, limits.since, limits.invoiceLimit];

/**
 * Queues the invoice's next planned step for today, or (none left) a new manual reminder; returns
 * its id, or null when the daily limits were reached meanwhile (or another request took the step).
 */
export async function queueNextReminder(db: D1Database, merchantId: string, invoiceId: string, today: string, now: Date, limits: DailyLimits): Promise<string | null> {
  const at = now.toISOString();
  const next = await db.prepare("SELECT id FROM reminders WHERE invoice_id = ? AND status = 'scheduled' ORDER BY send_on, step LIMIT 1").bind(invoiceId).first<{ id: string }>();
  if (next !== null) {
    const updated = await db
      .prepare(`UPDATE reminders SET status = 'queued', send_on = ?, updated_at = ? WHERE id = ? AND status = 'scheduled' AND ${UNDER_LIMITS}`)
      .bind(today, at, next.id, ...limitParams(merchantId, invoiceId, limits))
      .run();
    return updated.meta.changes > 0 ? next.id : null;
  }
  const created = await db
    .prepare(
      `INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
       SELECT 'rem_' || lower(hex(randomblob(16))), ?, ?, ${MANUAL_STEP_BASE} + (SELECT count(*) FROM reminders WHERE invoice_id = ? AND step >= ${MANUAL_STEP_BASE}), ?, 'queued', ?, ?
       WHERE ${UNDER_LIMITS} RETURNING id`,
    )
    .bind(merchantId, invoiceId, invoiceId, today, at, at, ...limitParams(merchantId, invoiceId, limits))
    .first<{ id: string }>();
  return created?.id ?? null;
}

/** The queue consumer's claim: queued → sending, once (a redelivered message finds it taken). */
export function claimReminder(db: D1Database, reminderId: string, now: Date): Promise<ReminderRow | null> {
  return db
    .prepare("UPDATE reminders SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'queued' RETURNING *")
    .bind(now.toISOString(), reminderId)
    .first<ReminderRow>();
}

/** Whether any payment of the invoice is disputed. */
export async function isDisputed(db: D1Database, invoiceId: string): Promise<boolean> {
  const row = await db
    .prepare("SELECT 1 FROM refunds r JOIN allocations a ON a.payment_id = r.payment_id WHERE a.invoice_id = ? AND r.kind = 'dispute' LIMIT 1")
    .bind(invoiceId)
    .first();
  return row !== null;
}

export function reminderRecipient(db: D1Database, customerId: string) {
  return db.prepare("SELECT name, email, locale FROM customers WHERE id = ?").bind(customerId).first<{ name: string; email: string; locale: string | null }>();
}

export function merchantName(db: D1Database, merchantId: string) {
  return db.prepare("SELECT name FROM merchants WHERE id = ?").bind(merchantId).first<{ name: string }>();
}

/** Ends a claimed reminder: skipped (with the reason), failed or back to queued (with the error). */
export async function finishReminder(db: D1Database, id: string, status: "skipped" | "failed" | "queued", reason: string | null): Promise<void> {
  await db
    .prepare("UPDATE reminders SET status = ?, skip_reason = CASE WHEN ? = 'skipped' THEN ? ELSE skip_reason END, last_error = CASE WHEN ? <> 'skipped' THEN ? ELSE last_error END, updated_at = ? WHERE id = ?")
    .bind(status, status, reason, status, reason, new Date().toISOString(), id)
    .run();
}

export function markSent(db: D1Database, id: string, messageId: string, at: string): D1PreparedStatement {
  return db.prepare("UPDATE reminders SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL, updated_at = ? WHERE id = ?").bind(at, messageId, at, id);
}

/** Sets a sent reminder's first opened/clicked time; the invoice and merchant when this was the first. */
export function markFirst(db: D1Database, reminderId: string, column: "opened_at" | "clicked_at", now: Date) {
  return db
    .prepare(`UPDATE reminders SET ${column} = ? WHERE id = ? AND status = 'sent' AND ${column} IS NULL RETURNING invoice_id, merchant_id`)
    .bind(now.toISOString(), reminderId)
    .first<{ invoice_id: string; merchant_id: string }>();
}

export function latestSentReminder(db: D1Database, invoiceId: string) {
  return db.prepare("SELECT id FROM reminders WHERE invoice_id = ? AND status = 'sent' ORDER BY sent_at DESC LIMIT 1").bind(invoiceId).first<{ id: string }>();
}

/** Marks a reminder viewed; whether it was the first view. */
export async function markViewed(db: D1Database, reminderId: string, now: Date): Promise<boolean> {
  return (await db.prepare("UPDATE reminders SET viewed_at = ? WHERE id = ? AND viewed_at IS NULL").bind(now.toISOString(), reminderId).run()).meta.changes > 0;
}

export async function wasEverViewed(db: D1Database, invoiceId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 FROM events WHERE invoice_id = ? AND type = 'invoice.viewed' LIMIT 1").bind(invoiceId).first()) !== null;
}

export function merchantOfInvoice(db: D1Database, invoiceId: string) {
  return db.prepare("SELECT merchant_id FROM invoices WHERE id = ?").bind(invoiceId).first<{ merchant_id: string }>();
}

/** The pay-page token of a reminder's own invoice (where a click link may lead, and nowhere else). */
export async function hostedTokenOfReminder(db: D1Database, reminderId: string): Promise<string | null> {
  const row = await db.prepare("SELECT i.hosted_token FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.id = ?").bind(reminderId).first<{ hosted_token: string }>();
  return row?.hosted_token ?? null;
}

/** Pauses the reminders of a reminder's invoice (one-click unsubscribe). */
export async function pauseInvoiceOfReminder(db: D1Database, reminderId: string, now: Date): Promise<void> {
  await db
    .prepare(
      `INSERT INTO invoice_reminder_settings (invoice_id, paused, updated_at) SELECT invoice_id, 1, ? FROM reminders WHERE id = ?
       ON CONFLICT (invoice_id) DO UPDATE SET paused = 1, updated_at = excluded.updated_at`,
    )
    .bind(now.toISOString(), reminderId)
    .run();
}
