/**
 * Planning reminders: one row per invoice and step, dated `due date + offset`. Rows are written
 * when an invoice is issued and rewritten (only those not sent yet) when the merchant's policy or
 * the invoice's own schedule changes, so the cron only ever reads the rows due today.
 */
import type { ReminderPolicyValue } from "../../shared/schemas/reminders";
import { payableSql } from "../db/sql";

/**
 * Manual reminders ("remind now") are stored with step `MANUAL_STEP_BASE + n`, far above any
 * policy offset (days from the due date), so both live in one column and one unique key.
 */
export const MANUAL_STEP_BASE = 100_000;

/** Whether a reminder's step is a manual one rather than a policy offset. */
export function isManualStep(step: number): boolean {
  return step >= MANUAL_STEP_BASE;
}

/** The offsets an invoice's reminders follow: its own schedule, else the merchant's policy. */
export function offsetsOf(policy: ReminderPolicyValue, customSteps: readonly number[] | null): number[] {
  if (customSteps !== null) return [...customSteps];
  return policy.enabled ? policy.steps.map((step) => step.offset_days) : [];
}

const ID_SQL = "'rem_' || lower(hex(randomblob(16)))";
const dayShift = (offset: number) => `${offset >= 0 ? "+" : ""}${offset} days`;
/**
 * A rescheduled step comes after what already went out: a step moved earlier than (or onto) a step
 * the invoice already received is not recreated, so it never fires late, backwards, or twice.
 * Binds the step's offset; `invoice` is the SQL naming the invoice's id.
 */
const afterLastSent = (invoice: string) =>
  `? > coalesce((SELECT max(x.step) FROM reminders x WHERE x.invoice_id = ${invoice} AND x.step < ${MANUAL_STEP_BASE} AND x.status IN ('sent', 'queued', 'sending')), -1000000)`;

/** Rows for a newly issued invoice. */
export function scheduleInvoiceStatements(db: D1Database, merchantId: string, invoiceId: string, dueDate: string, offsets: readonly number[], now: Date): D1PreparedStatement[] {
  const at = now.toISOString();
  return offsets.map((offset) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
         VALUES (${ID_SQL}, ?, ?, ?, date(?, ?), 'scheduled', ?, ?)`,
      )
      .bind(merchantId, invoiceId, offset, dueDate, dayShift(offset), at, at),
  );
}

/**
 * After a policy change: the merchant's unsent steps are replaced by the new ones, for every
 * payable invoice that follows the policy (not those with their own schedule). Sent steps stay.
 */
export function reschedulePolicyStatements(db: D1Database, merchantId: string, offsets: readonly number[], now: Date): D1PreparedStatement[] {
  const at = now.toISOString();
  const followsPolicy = `invoice_id NOT IN (SELECT invoice_id FROM invoice_reminder_settings WHERE custom_steps IS NOT NULL)`;
  return [
    db.prepare(`DELETE FROM reminders WHERE merchant_id = ? AND status = 'scheduled' AND step < ${MANUAL_STEP_BASE} AND ${followsPolicy}`).bind(merchantId),
    ...offsets.map((offset) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
           SELECT ${ID_SQL}, merchant_id, id, ?, date(due_date, ?), 'scheduled', ?, ?
           FROM invoices i WHERE merchant_id = ? AND ${payableSql()} AND due_date IS NOT NULL
             AND i.id NOT IN (SELECT invoice_id FROM invoice_reminder_settings WHERE custom_steps IS NOT NULL)
             AND ${afterLastSent("i.id")}`,
        )
        .bind(offset, dayShift(offset), at, at, merchantId, offset),
    ),
    ...holdPromisesStatements(db, merchantId),
  ];
}

/** An invoice's unsent steps replaced by `offsets`. */
export function rescheduleInvoiceStatements(db: D1Database, invoiceId: string, offsets: readonly number[], now: Date): D1PreparedStatement[] {
  const at = now.toISOString();
  return [
    db.prepare(`DELETE FROM reminders WHERE invoice_id = ? AND status = 'scheduled' AND step < ${MANUAL_STEP_BASE}`).bind(invoiceId),
    ...offsets.map((offset) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
           SELECT ${ID_SQL}, merchant_id, id, ?, date(due_date, ?), 'scheduled', ?, ? FROM invoices i WHERE id = ? AND due_date IS NOT NULL
             AND ${afterLastSent("i.id")}`,
        )
        .bind(offset, dayShift(offset), at, at, invoiceId, offset),
    ),
  ];
}

/** A promise to pay holds every unsent step until the day after the promised date. */
export function holdPromisesStatements(db: D1Database, merchantId: string, invoiceId?: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE reminders SET send_on = (SELECT date(s.promise_until, '+1 day') FROM invoice_reminder_settings s WHERE s.invoice_id = reminders.invoice_id)
         WHERE merchant_id = ? AND status = 'scheduled' ${invoiceId ? "AND invoice_id = ?" : ""}
           AND send_on <= (SELECT s.promise_until FROM invoice_reminder_settings s WHERE s.invoice_id = reminders.invoice_id AND s.promise_until IS NOT NULL)`,
      )
      .bind(...(invoiceId ? [merchantId, invoiceId] : [merchantId])),
  ];
}
