/**
 * The reminders queue's consumer: claims one reminder (queued → sending: a redelivered message
 * finds it taken and sends nothing), re-checks that the invoice still deserves it, renders it in
 * the customer's language with the merchant's signature and tracked links, sends it, and records
 * `reminder.sent` with the invoice. A retryable transport failure goes back to the queue with
 * backoff (5 attempts); anything else fails the reminder.
 */
import { formatMoney } from "../../shared/money";
import type { ReminderPolicyValue } from "../../shared/schemas/reminders";
import { amountDue as amountDueOf, canBePaid, daysBetween, isPayable, utcDay } from "../../shared/status";
import { getSettings } from "../db/settings";
import { appendInvoiceEvent, type LogMoved } from "../events/log";
import { publish } from "../events/publish";
import { publicUrl } from "../lib/environment";
import { EmailSendError } from "./email";
import { lateFeesToday } from "./late-fee-policy";
import { renderReminder } from "./render";
import { trackingUrls } from "./tracking";
import { senderAddress, transportFor } from "./transport";
import { claimReminder, finishReminder as finish, invoiceOfReminder, invoiceReminderControl, isDisputed, markSent, merchantName, reminderRecipient, type RemindedInvoice } from "./queries";
import { isManualStep } from "./schedule";

export interface ReminderMessage {
  reminder: string;
}

const MAX_ATTEMPTS = 5;

/** The template for a step: its own, or (custom and manual steps) the policy step of the largest offset not after it. */
export function templateFor(policy: ReminderPolicyValue, offset: number, locale: "fr" | "en") {
  const steps = [...policy.steps].sort((a, b) => a.offset_days - b.offset_days);
  const step = steps.find((candidate) => candidate.offset_days === offset) ?? [...steps].reverse().find((candidate) => candidate.offset_days <= offset) ?? steps[0];
  return step?.templates[locale] ?? null;
}

/** What a reminder can be composed from instead of the saved policy (the console's preview of an unsaved template). */
export interface ComposeOverrides { locale?: "fr" | "en"; template?: { subject: string; body: string }; signature?: string }

/**
 * The email one reminder of this invoice gets, rendered exactly as it is sent: the customer's
 * language, the template of where the invoice stands (a manual reminder takes the step of its days
 * late; a before-the-due-date step sent late takes the first overdue step's words), late fees to
 * date, the merchant's signature and tracked links. The one home of that rule, for the send and the preview.
 * @example const composed = await composeReminder(env, invoice, { step: 7, reminderId: "rem_1", now: new Date() })
 */
export async function composeReminder(env: Env, invoice: RemindedInvoice, options: { step: number; reminderId: string; now: Date; overrides?: ComposeOverrides }) {
  const db = env.DB;
  const { now, overrides = {} } = options;
  const [customer, { settings }, merchant] = await Promise.all([reminderRecipient(db, invoice.customer_id), getSettings(db, invoice.merchant_id), merchantName(db, invoice.merchant_id)]);
  const locale = overrides.locale ?? (customer?.locale?.startsWith("fr") ? "fr" : "en");
  const today = utcDay(now);
  const daysLate = Math.max(0, invoice.due_date ? daysBetween(invoice.due_date, today) : 0);
  // A manual reminder takes the template of where the invoice stands: before the due date too (negative).
  const signedDaysLate = invoice.due_date ? daysBetween(invoice.due_date, today) : 0;
  let offset = isManualStep(options.step) ? signedDaysLate : options.step;
  // A before-or-on-the-due-date step that only goes out once the invoice is late (held by a promise,
  // collapsed, imported overdue) must not say "due today": it takes the first overdue step's words.
  const firstOverdue = settings.reminders.steps.filter((step) => step.offset_days > 0).sort((a, b) => a.offset_days - b.offset_days)[0];
  if (signedDaysLate > 0 && offset <= 0 && firstOverdue) offset = firstOverdue.offset_days;
  const template = overrides.template ?? templateFor(settings.reminders, offset, locale);
  if (template === null || customer === null) return { skip: template === null ? "no template" : "customer missing" } as const;
  const amountDue = amountDueOf(invoice);
  const fees = lateFeesToday(invoice, settings, now);
  const base = publicUrl(env);
  const email = renderReminder(
    template,
    {
      locale,
      customerName: customer.name,
      customerEmail: customer.email,
      invoiceNumber: invoice.number ?? "",
      amountDue: formatMoney(amountDue, invoice.currency, locale),
      dueDate: invoice.due_date ? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${invoice.due_date}T00:00:00Z`)) : "",
      daysLate,
      lateFees: fees ? `${formatMoney(fees.interest, invoice.currency, locale)}${fees.indemnity > 0 ? ` + ${formatMoney(fees.indemnity, invoice.currency, locale)}` : ""}` : formatMoney(0, invoice.currency, locale),
      merchantName: settings.seller.legal_name ?? merchant?.name ?? "",
      signature: overrides.signature ?? settings.email_signature,
      links: await trackingUrls(env, base, options.reminderId),
    },
    settings.reminders,
    senderAddress(env),
  );
  return { email, customer, locale, offset };
}

type SendOutcome = "sent" | "skipped" | "retry" | "failed" | "ignored";

/** The queue consumer for one message: sends the reminder, then publishes what it recorded. */
export async function sendReminder(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }, message: ReminderMessage, now = new Date()): Promise<SendOutcome> {
  const { outcome, moved } = await deliverReminder(env, message, now);
  publish(ctx, env, moved);
  return outcome;
}

/** Sends one claimed reminder; answers the outcome and, when `reminder.sent` was recorded, the log it moved. */
async function deliverReminder(env: Env, message: ReminderMessage, now: Date): Promise<{ outcome: SendOutcome; moved: LogMoved | null }> {
  const db = env.DB;
  const done = (outcome: SendOutcome) => ({ outcome, moved: null });
  const reminder = await claimReminder(db, message.reminder, now);
  if (reminder === null) return done("ignored");
  const [invoice, control, disputed] = await Promise.all([invoiceOfReminder(db, reminder.invoice_id), invoiceReminderControl(db, reminder.invoice_id), isDisputed(db, reminder.invoice_id)]);
  const reason =
    invoice === null ? "invoice missing"
    : !isPayable(invoice.status) ? `invoice ${invoice.status}`
    : !canBePaid(invoice) ? "invoice paid"
    : control?.paused ? "paused"
    : disputed ? "disputed"
    : null;
  if (reason !== null || invoice === null) {
    await finish(db, reminder.id, "skipped", reason);
    return done("skipped");
  }
  const composed = await composeReminder(env, invoice, { step: reminder.step, reminderId: reminder.id, now });
  if (composed.skip !== undefined) {
    await finish(db, reminder.id, "skipped", composed.skip);
    return done("skipped");
  }
  const { email, customer } = composed;
  let sent: { messageId: string };
  try {
    sent = await transportFor(env, invoice.merchant_id, reminder.id).send(email);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const retryable = error instanceof EmailSendError ? error.retryable : true;
    if (retryable && reminder.attempts < MAX_ATTEMPTS) {
      await finish(db, reminder.id, "queued", text);
      await env.REMINDERS.send({ reminder: reminder.id } satisfies ReminderMessage, { delaySeconds: Math.min(3600, Number(env.REMINDER_RETRY_BASE_SECONDS || "60") * 2 ** (reminder.attempts - 1)) });
      return done("retry");
    }
    await finish(db, reminder.id, "failed", text);
    return done("failed");
  }
  // The email is out: a failure to record it must not send it again (the row stays `sending`).
  const at = now.toISOString();
  const manual = isManualStep(reminder.step);
  await db.batch([
    markSent(db, reminder.id, sent.messageId, at),
    appendInvoiceEvent(db, { type: "reminder.sent", invoiceId: invoice.id, now: new Date(at), extra: { reminder: reminder.id, step: manual ? null : reminder.step, manual, to: customer.email } }),
  ]);
  return { outcome: "sent", moved: { merchantId: invoice.merchant_id } };
}
