/**
 * Per-invoice reminder endpoints: the timeline, the one-click "remind now", and the invoice's own
 * settings (pause, promise to pay, custom schedule).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { listOf } from "../../shared/schemas/common";
import { InvoiceReminderSettings, ReminderSchema, RemindRequest } from "../../shared/schemas/reminders";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { reminderTimeline, remindNow, updateInvoiceReminders } from "./remind";

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });
const tag = ["Reminders"];
const ReminderSettingsResponse = z.object({ paused: z.boolean(), promise_until: z.string().nullable(), steps: z.array(z.int()).nullable() });
export const reminderRoutes = createRouter();

reminderRoutes.openapi(
  createRoute({
    method: "get", path: "/{id}/reminders", tags: tag, security: secretKeySecurity,
    summary: "The reminder timeline: scheduled → sent → opened → clicked → viewed (and the invoice's paid_at)",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(listOf(ReminderSchema).extend({ paid_at: z.string().nullable(), settings: ReminderSettingsResponse.meta({ description: "The invoice's own reminder settings: paused, a promise to pay (reminders held until that day has passed), a custom schedule." }) }), "The reminders, by day."), ...problemResponses },
  }),
  async (c) => {
    const { reminders, paidAt, settings } = await reminderTimeline(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id);
    return c.json({ data: reminders, has_more: false, next: null, paid_at: paidAt, settings }, 200);
  },
);

reminderRoutes.openapi(
  createRoute({
    method: "post", path: "/{id}/remind", tags: tag, security: secretKeySecurity,
    summary: "Send the next reminder now (refused within the policy's minimum interval unless force)",
    middleware: [requireSecretKey("write"), idempotency] as const,
    request: { params: IdParam, body: jsonBody(RemindRequest, false) },
    responses: { 202: jsonResponse(ReminderSchema, "The reminder, queued."), ...problemResponses },
  }),
  async (c) => c.json(await remindNow(c.env, c.get("caller").merchantId, c.req.valid("param").id, Boolean(c.req.valid("json").force), new Date()), 202),
);


reminderRoutes.openapi(
  createRoute({
    method: "put", path: "/{id}/reminder_settings", tags: tag, security: secretKeySecurity,
    summary: "Pause or resume this invoice's reminders, record a promise to pay, or give it its own schedule",
    middleware: [requireSecretKey("write")] as const,
    request: { params: IdParam, body: jsonBody(InvoiceReminderSettings) },
    responses: { 200: jsonResponse(ReminderSettingsResponse, "The invoice's reminder settings."), ...problemResponses },
  }),
  async (c) => c.json(await updateInvoiceReminders(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id, c.req.valid("json"), new Date()), 200),
);
