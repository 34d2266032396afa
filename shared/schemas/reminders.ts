import { z } from "zod";
import { withDefault } from "./common";

import { TEMPLATE_VARIABLES } from "../reminder-variables";

export { TEMPLATE_VARIABLES };

const VARIABLE = /\{([^{}]*)\}/g;

/** A template text whose variables must all be known: 422 naming the unknown one. */
const TemplateText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((text, ctx) => {
      for (const match of text.matchAll(VARIABLE)) {
        if (!(TEMPLATE_VARIABLES as readonly string[]).includes(match[1]!)) {
          ctx.addIssue({ code: "custom", message: `unknown variable {${match[1]}}; use ${TEMPLATE_VARIABLES.map((name) => `{${name}}`).join(", ")}` });
          return;
        }
      }
    });

export const ReminderTemplate = z.strictObject({ subject: TemplateText(200), body: TemplateText(5000) });

export const ReminderStep = z.strictObject({
  offset_days: z.int().min(-60).max(365).meta({ description: "Days from the due date: -3 is three days before, 7 a week after." }),
  tone: z.enum(["friendly", "neutral", "firm", "final"]),
  templates: z.strictObject({ fr: ReminderTemplate, en: ReminderTemplate }),
});

const DEFAULT_INVOICE_DAILY_LIMIT = 3;

export const ReminderPolicy = z
  .strictObject({
    enabled: z.boolean(),
    steps: z
      .array(ReminderStep)
      .max(10)
      .refine((steps) => new Set(steps.map((step) => step.offset_days)).size === steps.length, "two steps cannot share an offset"),
    sender_name: z.string().trim().max(100).optional(),
    reply_to: z.email().max(254).optional(),
    daily_cap: z.int().min(1).max(100_000).meta({ description: "At most this many reminders a day for the merchant: a runaway brake." }),
    min_interval_days: z.int().min(0).max(60).meta({ description: "POST /v1/invoices/:id/remind refuses to send sooner than this after the last reminder, unless forced." }),
    invoice_daily_limit: withDefault(z.int().min(1).max(20), () => DEFAULT_INVOICE_DAILY_LIMIT).meta({
      description: "POST /v1/invoices/:id/remind refuses once one invoice got this many reminders today, forced or not (default 3).",
    }),
  })
  .meta({ id: "ReminderPolicy" });

export type ReminderPolicyValue = z.infer<typeof ReminderPolicy>;

const signature = "\n\n{merchant_name}";
export const DEFAULT_REMINDER_POLICY: ReminderPolicyValue = {
  enabled: true,
  daily_cap: 500,
  min_interval_days: 3,
  invoice_daily_limit: DEFAULT_INVOICE_DAILY_LIMIT,
  steps: [
    {
      offset_days: -3,
      tone: "friendly",
      templates: {
        fr: { subject: "Facture {invoice_number} : échéance le {due_date}", body: `Bonjour {customer_name},\n\nPetit rappel : la facture {invoice_number} de {amount_due} arrive à échéance le {due_date}. Vous pouvez la régler en ligne ici : {pay_link}\n\nSi c'est déjà fait, merci et ne tenez pas compte de ce message.${signature}` },
        en: { subject: "Invoice {invoice_number}: due on {due_date}", body: `Hello {customer_name},\n\nA friendly reminder: invoice {invoice_number} for {amount_due} is due on {due_date}. You can pay it online here: {pay_link}\n\nIf you already have, thank you, and please ignore this message.${signature}` },
      },
    },
    {
      offset_days: 0,
      tone: "neutral",
      templates: {
        fr: { subject: "Facture {invoice_number} à régler aujourd'hui", body: `Bonjour {customer_name},\n\nLa facture {invoice_number} de {amount_due} est à régler aujourd'hui, {due_date}. Paiement en ligne : {pay_link}${signature}` },
        en: { subject: "Invoice {invoice_number} is due today", body: `Hello {customer_name},\n\nInvoice {invoice_number} for {amount_due} is due today, {due_date}. Pay online: {pay_link}${signature}` },
      },
    },
    {
      offset_days: 7,
      tone: "firm",
      templates: {
        fr: { subject: "Retard de paiement : facture {invoice_number}", body: `Bonjour {customer_name},\n\nSauf erreur de notre part, la facture {invoice_number} de {amount_due}, échue le {due_date}, n'est pas réglée ({days_late} jours de retard). Des pénalités de retard courent depuis l'échéance : {late_fees} à ce jour. Merci de la régler dès maintenant : {pay_link}${signature}` },
        en: { subject: "Overdue: invoice {invoice_number}", body: `Hello {customer_name},\n\nUnless we are mistaken, invoice {invoice_number} for {amount_due}, due on {due_date}, is unpaid ({days_late} days late). Late-payment fees accrue from the due date: {late_fees} so far. Please pay it now: {pay_link}${signature}` },
      },
    },
    {
      offset_days: 15,
      tone: "firm",
      templates: {
        fr: { subject: "Deuxième relance : facture {invoice_number}", body: `Bonjour {customer_name},\n\nMalgré notre précédent rappel, la facture {invoice_number} ({amount_due}) reste impayée depuis {days_late} jours. Pénalités et indemnité forfaitaire à ce jour : {late_fees}. Réglez-la ici : {pay_link}${signature}` },
        en: { subject: "Second reminder: invoice {invoice_number}", body: `Hello {customer_name},\n\nDespite our previous reminder, invoice {invoice_number} ({amount_due}) has been unpaid for {days_late} days. Fees and the fixed indemnity so far: {late_fees}. Pay it here: {pay_link}${signature}` },
      },
    },
    {
      offset_days: 30,
      tone: "final",
      templates: {
        fr: { subject: "Dernière relance avant recouvrement : facture {invoice_number}", body: `Bonjour {customer_name},\n\nLa facture {invoice_number} ({amount_due}) est impayée depuis {days_late} jours. Sans règlement sous huit jours, nous engagerons une procédure de recouvrement. Montant des pénalités à ce jour : {late_fees}. Paiement : {pay_link}${signature}` },
        en: { subject: "Final reminder before collection: invoice {invoice_number}", body: `Hello {customer_name},\n\nInvoice {invoice_number} ({amount_due}) has been unpaid for {days_late} days. Without payment within eight days we will start collection proceedings. Fees so far: {late_fees}. Pay: {pay_link}${signature}` },
      },
    },
  ],
};

export const InvoiceReminderSettings = z
  .strictObject({
    paused: z.boolean().optional(),
    promise_until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD").nullable().optional().meta({ description: "A promise to pay: reminders are held until this day has passed." }),
    steps: z.array(z.int().min(-60).max(365)).max(10).nullable().optional().meta({ description: "A custom schedule (offsets in days) for this invoice; null returns to the merchant's policy." }),
  })
  .meta({ id: "InvoiceReminderSettings" });

export const RemindRequest = z.strictObject({ force: z.boolean().optional() }).meta({ id: "RemindRequest" });

export const ReminderSchema = z
  .object({
    id: z.string(),
    object: z.literal("reminder"),
    step: z.int().nullable(),
    manual: z.boolean(),
    send_on: z.string(),
    status: z.enum(["scheduled", "queued", "sending", "sent", "skipped", "failed"]),
    skip_reason: z.string().nullable(),
    sent_at: z.string().nullable(),
    opened_at: z.string().nullable(),
    clicked_at: z.string().nullable(),
    viewed_at: z.string().nullable(),
  })
  .meta({ id: "Reminder" });

export const ReminderPreviewRequest = z
  .strictObject({
    invoice: z.string().min(1).max(64).meta({ description: "The invoice whose reminder to render." }),
    locale: z.enum(["fr", "en"]).optional().meta({ description: "Default: the customer's language, as the real send." }),
    template: ReminderTemplate.optional().meta({ description: "An unsaved template to render instead of the one the saved policy would pick." }),
    signature: z.string().max(2000).optional().meta({ description: "An unsaved email signature." }),
  })
  .meta({ id: "ReminderPreviewRequest" });

export const ReminderPreviewSchema = z
  .object({
    object: z.literal("reminder_preview"),
    invoice: z.string(),
    locale: z.enum(["fr", "en"]),
    to: z.string(),
    from: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
  })
  .meta({ id: "ReminderPreview" });
