/**
 * `POST /v1/reminders/preview`: the exact email an invoice's next reminder would be, rendered by the
 * send's own composer (composeReminder), from the saved policy or from an unsaved template and
 * signature. Writes nothing; its tracked links point at no reminder and record nothing.
 */
import { createRoute } from "@hono/zod-openapi";
import { ReminderPreviewRequest, ReminderPreviewSchema } from "../../shared/schemas/reminders";
import { requireSecretKey } from "../auth/middleware";
import { ApiError, notFound } from "../errors";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { findRemindedInvoice } from "./queries";
import { MANUAL_STEP_BASE } from "./schedule";
import { composeReminder } from "./send";

/** The placeholder reminder id of a preview's tracked links (no reminder has it: opening them records nothing). */
const PREVIEW_REMINDER = "rem_preview";

export const reminderPreviewRoutes = createRouter();

reminderPreviewRoutes.openapi(
  createRoute({
    method: "post", path: "/preview", tags: ["Reminders"], security: secretKeySecurity,
    summary: "Render the email an invoice's reminder would be now (saved policy, or an unsaved template and signature); writes nothing",
    middleware: [requireSecretKey("read")] as const,
    request: { body: jsonBody(ReminderPreviewRequest) },
    responses: { 200: jsonResponse(ReminderPreviewSchema, "The rendered email."), ...problemResponses },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const invoice = await findRemindedInvoice(c.env.DB, c.get("caller").merchantId, input.invoice);
    if (invoice === null) throw notFound("invoice", input.invoice, "invoice");
    const composed = await composeReminder(c.env, invoice, { step: MANUAL_STEP_BASE, reminderId: PREVIEW_REMINDER, now: new Date(), overrides: { locale: input.locale, template: input.template, signature: input.signature } });
    if (composed.skip !== undefined) throw new ApiError("parameter_invalid", `No reminder can be rendered: ${composed.skip}.`, "invoice");
    const { email, locale } = composed;
    return c.json({ object: "reminder_preview" as const, invoice: invoice.id, locale, to: email.to.address, from: email.from.address, subject: email.subject, text: email.text, html: email.html }, 200);
  },
);
