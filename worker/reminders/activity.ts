/**
 * What the client did with a reminder, recorded once each: opened (the pixel), clicked (a tracked
 * link), viewed (the invoice shown on the hosted page or in the widget), unsubscribed. Each
 * recording returns the merchant whose log moved, for its caller to publish.
 */
import { appendInvoiceEvent, type LogMoved } from "../events/log";
import { latestSentReminder, markFirst, markViewed, merchantOfInvoice, pauseInvoiceOfReminder, wasEverViewed } from "./queries";
import { verifyTrackingToken } from "./tracking";

/** Records a reminder's first open or click, with its event; null when it was already recorded. */
export async function recordReminderActivity(db: D1Database, reminderId: string, kind: "opened" | "clicked", now = new Date()): Promise<LogMoved | null> {
  const row = await markFirst(db, reminderId, kind === "opened" ? "opened_at" : "clicked_at", now);
  if (row === null) return null;
  await db.batch([appendInvoiceEvent(db, { type: kind === "opened" ? "reminder.opened" : "reminder.clicked", invoiceId: row.invoice_id, now, extra: { reminder: reminderId } })]);
  return { merchantId: row.merchant_id };
}

/**
 * The client looked at an invoice (hosted page or widget): `invoice.viewed`, once per reminder
 * sent (the latest one gets viewed_at), or once at all when no reminder was sent. Null when this
 * view was not the first.
 */
export async function recordInvoiceViewed(db: D1Database, invoiceId: string, now = new Date()): Promise<LogMoved | null> {
  const latest = await latestSentReminder(db, invoiceId);
  const first = latest !== null ? await markViewed(db, latest.id, now) : !(await wasEverViewed(db, invoiceId));
  if (!first) return null;
  const merchant = await merchantOfInvoice(db, invoiceId);
  if (merchant === null) return null;
  await db.batch([appendInvoiceEvent(db, { type: "invoice.viewed", invoiceId, now, extra: { reminder: latest?.id ?? null } })]);
  return { merchantId: merchant.merchant_id };
}

/** One-click unsubscribe: the reminder's invoice gets no more reminders. False when the token does not verify. */
export async function unsubscribe(env: Env, token: string, now = new Date()): Promise<boolean> {
  const reminderId = await verifyTrackingToken(env, "unsubscribe", token);
  if (reminderId === null) return false;
  await pauseInvoiceOfReminder(env.DB, reminderId, now);
  return true;
}
