/**
 * The reminders queue's consumer: claims one reminder (queued → sending: a redelivered message
 * finds it taken and sends nothing), re-checks that the invoice still deserves it, renders it in
 * the customer's language with the merchant's signature and tracked links, sends it, and records
 * `reminder.sent` with the invoice. A retryable transport failure goes back to the queue with
 * backoff (5 attempts); anything else fails the reminder.
 */
import { currencyExponent, type CurrencyCode } from "../../shared/currencies";
import type { ReminderPolicyValue } from "../../shared/schemas/reminders";
import { daysBetween, utcDay } from "../../shared/status";
import { afterAppend, appendInvoiceEvent } from "../db/events";
import type { InvoiceRow } from "../invoices/queries";
import { getSettings } from "../settings/queries";
import { EmailSendError } from "./email";
import { lateFeesToday } from "./late-fee-policy";
import { renderReminder } from "./render";
import { trackingUrls } from "./tracking";
import { senderAddress, transportFor } from "./transport";

export interface ReminderMessage {
  reminder: string;
}

const MAX_ATTEMPTS = 5;

interface ReminderRow {
  id: string;
  merchant_id: string;
  invoice_id: string;
  step: number;
  attempts: number;
}

/** The template for a step: its own, or (custom and manual steps) the policy step of the largest offset not after it. */
export function templateFor(policy: ReminderPolicyValue, offset: number, locale: "fr" | "en") {
  const steps = [...policy.steps].sort((a, b) => a.offset_days - b.offset_days);
  const step = steps.find((candidate) => candidate.offset_days === offset) ?? [...steps].reverse().find((candidate) => candidate.offset_days <= offset) ?? steps[0];
  return step?.templates[locale] ?? null;
}

function money(amount: number, currency: CurrencyCode, locale: string): string {
  const exponent = currencyExponent(currency);
  const text = String(amount).padStart(exponent + 1, "0");
  const decimal = exponent === 0 ? text : `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(decimal as Intl.StringNumericLiteral);
}

async function finish(db: D1Database, id: string, status: "skipped" | "failed" | "queued", reason: string | null): Promise<void> {
  await db
    .prepare("UPDATE reminders SET status = ?, skip_reason = CASE WHEN ? = 'skipped' THEN ? ELSE skip_reason END, last_error = CASE WHEN ? <> 'skipped' THEN ? ELSE last_error END, updated_at = ? WHERE id = ?")
    .bind(status, status, reason, status, reason, new Date().toISOString(), id)
    .run();
}

export async function sendReminder(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }, message: ReminderMessage, now = new Date()): Promise<"sent" | "skipped" | "retry" | "failed" | "ignored"> {
  const db = env.DB;
  const reminder = await db
    .prepare("UPDATE reminders SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'queued' RETURNING id, merchant_id, invoice_id, step, attempts")
    .bind(now.toISOString(), message.reminder)
    .first<ReminderRow>();
  if (reminder === null) return "ignored";
  const invoice = await db.prepare("SELECT * FROM invoices WHERE id = ?").bind(reminder.invoice_id).first<InvoiceRow>();
  const control = await db.prepare("SELECT paused FROM invoice_reminder_settings WHERE invoice_id = ?").bind(reminder.invoice_id).first<{ paused: number }>();
  const disputed = await db
    .prepare("SELECT 1 FROM refunds r JOIN allocations a ON a.payment_id = r.payment_id WHERE a.invoice_id = ? AND r.kind = 'dispute' LIMIT 1")
    .bind(reminder.invoice_id)
    .first();
  const reason =
    invoice === null ? "invoice missing"
    : invoice.status !== "open" && invoice.status !== "partially_paid" ? `invoice ${invoice.status}`
    : invoice.amount_paid >= invoice.total ? "invoice paid"
    : control?.paused ? "paused"
    : disputed ? "disputed"
    : null;
  if (reason !== null || invoice === null) {
    await finish(db, reminder.id, "skipped", reason);
    return "skipped";
  }
  const [customer, { settings }, merchant] = await Promise.all([
    db.prepare("SELECT name, email, locale FROM customers WHERE id = ?").bind(invoice.customer_id).first<{ name: string; email: string; locale: string | null }>(),
    getSettings(db, invoice.merchant_id),
    db.prepare("SELECT name FROM merchants WHERE id = ?").bind(invoice.merchant_id).first<{ name: string }>(),
  ]);
  const locale = customer?.locale?.startsWith("fr") ? "fr" : "en";
  const today = utcDay(now);
  const daysLate = Math.max(0, invoice.due_date ? daysBetween(invoice.due_date, today) : 0);
  // A manual reminder takes the template of where the invoice stands: before the due date too (negative).
  const signedDaysLate = invoice.due_date ? daysBetween(invoice.due_date, today) : 0;
  let offset = reminder.step >= 100000 ? signedDaysLate : reminder.step;
  // A before-or-on-the-due-date step that only goes out once the invoice is late (held by a promise,
  // collapsed, imported overdue) must not say "due today": it takes the first overdue step's words.
  const firstOverdue = settings.reminders.steps.filter((step) => step.offset_days > 0).sort((a, b) => a.offset_days - b.offset_days)[0];
  if (signedDaysLate > 0 && offset <= 0 && firstOverdue) offset = firstOverdue.offset_days;
  const template = templateFor(settings.reminders, offset, locale);
  if (template === null || customer === null) {
    await finish(db, reminder.id, "skipped", template === null ? "no template" : "customer missing");
    return "skipped";
  }
  const amountDue = invoice.total - invoice.amount_paid;
  const fees = lateFeesToday(invoice, settings, now);
  const base = (env.PUBLIC_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
  const email = renderReminder(
    template,
    {
      locale,
      customerName: customer.name,
      customerEmail: customer.email,
      invoiceNumber: invoice.number ?? "",
      amountDue: money(amountDue, invoice.currency, locale),
      dueDate: invoice.due_date ? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${invoice.due_date}T00:00:00Z`)) : "",
      daysLate,
      lateFees: fees ? `${money(fees.interest, invoice.currency, locale)}${fees.indemnity > 0 ? ` + ${money(fees.indemnity, invoice.currency, locale)}` : ""}` : money(0, invoice.currency, locale),
      merchantName: settings.seller.legal_name ?? merchant?.name ?? "",
      signature: settings.email_signature,
      links: await trackingUrls(env, base, reminder.id),
    },
    settings.reminders,
    senderAddress(env),
  );
  let sent: { messageId: string };
  try {
    sent = await transportFor(env, invoice.merchant_id, reminder.id).send(email);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof EmailSendError ? error.retryable : true;
    if (retryable && reminder.attempts < MAX_ATTEMPTS) {
      await finish(db, reminder.id, "queued", text);
      await env.REMINDERS.send({ reminder: reminder.id } satisfies ReminderMessage, { delaySeconds: Math.min(3600, Number(env.REMINDER_RETRY_BASE_SECONDS || "60") * 2 ** (reminder.attempts - 1)) });
      return "retry";
    }
    await finish(db, reminder.id, "failed", text);
    return "failed";
  }
  // The email is out: a failure to record it must not send it again (the row stays `sending`).
  const at = now.toISOString();
  await db.batch([
    db.prepare("UPDATE reminders SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL, updated_at = ? WHERE id = ?").bind(at, sent.messageId, at, reminder.id),
    appendInvoiceEvent(db, { type: "reminder.sent", invoiceId: invoice.id, now: new Date(at), extra: { reminder: reminder.id, step: reminder.step >= 100000 ? null : reminder.step, manual: reminder.step >= 100000, to: customer.email } }),
  ]);
  afterAppend(ctx, env, invoice.merchant_id);
  return "sent";
}
