/**
 * Per-invoice reminder endpoints: the timeline, the one-click "remind now", and the invoice's own
 * settings (pause, promise to pay, custom schedule).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { isCalendarDate } from "../../shared/late-fees";
import { listOf } from "../../shared/schemas/common";
import { InvoiceReminderSettings, ReminderSchema, RemindRequest } from "../../shared/schemas/reminders";
import { addDays, utcDay } from "../../shared/status";
import { requireSecretKey } from "../auth/middleware";
import { idempotency } from "../db/idempotency";
import { ApiError, notFound } from "../errors";
import { findInvoice } from "../invoices/queries";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { getSettings } from "../settings/queries";
import { holdPromisesStatements, offsetsOf, rescheduleInvoiceStatements } from "./schedule";
import type { ReminderMessage } from "./send";

interface ReminderRow {
  id: string;
  step: number;
  send_on: string;
  status: z.infer<typeof ReminderSchema>["status"];
  skip_reason: string | null;
  sent_at: string | null;
  opened_at: string | null;
  clicked_at: string | null;
  viewed_at: string | null;
}

const serialize = (row: ReminderRow): z.infer<typeof ReminderSchema> => ({
  id: row.id,
  object: "reminder",
  step: row.step >= 100000 ? null : row.step,
  manual: row.step >= 100000,
  send_on: row.send_on,
  status: row.status,
  skip_reason: row.skip_reason,
  sent_at: row.sent_at,
  opened_at: row.opened_at,
  clicked_at: row.clicked_at,
  viewed_at: row.viewed_at,
});

const IdParam = z.object({ id: z.string().max(64).meta({ param: { name: "id", in: "path" } }) });
const tag = ["Reminders"];
export const reminderRoutes = createRouter();

async function requirePayable(db: D1Database, merchantId: string, id: string) {
  const invoice = await findInvoice(db, merchantId, id);
  if (invoice === null) throw notFound("invoice", id);
  return invoice;
}

reminderRoutes.openapi(
  createRoute({
    method: "get", path: "/{id}/reminders", tags: tag, security: secretKeySecurity,
    summary: "The reminder timeline: scheduled → sent → opened → clicked → viewed (and the invoice's paid_at)",
    middleware: [requireSecretKey("read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(listOf(ReminderSchema).extend({ paid_at: z.string().nullable() }), "The reminders, by day."), ...problemResponses },
  }),
  async (c) => {
    const invoice = await requirePayable(c.env.DB, c.get("caller").merchantId, c.req.valid("param").id);
    const { results } = await c.env.DB.prepare("SELECT * FROM reminders WHERE invoice_id = ? ORDER BY send_on, step").bind(invoice.id).all<ReminderRow>();
    return c.json({ data: results.map(serialize), has_more: false, next: null, paid_at: invoice.paid_at }, 200);
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
  async (c) => {
    const { merchantId } = c.get("caller");
    const db = c.env.DB;
    const invoice = await requirePayable(db, merchantId, c.req.valid("param").id);
    if ((invoice.status !== "open" && invoice.status !== "partially_paid") || invoice.amount_paid >= invoice.total) {
      throw new ApiError("invoice_not_payable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: there is nothing to remind.`);
    }
    const paused = await db.prepare("SELECT paused FROM invoice_reminder_settings WHERE invoice_id = ?").bind(invoice.id).first<{ paused: number }>();
    if (paused?.paused) throw new ApiError("reminders_paused", "This invoice's reminders are paused: resume them (PUT …/reminder_settings {\"paused\": false}) first.");
    const { settings } = await getSettings(db, merchantId);
    const now = new Date();
    // A reminder still on its way (queued, sending: no sent_at yet) counts from when it was queued.
    const last = await db.prepare("SELECT max(coalesce(sent_at, updated_at)) AS at FROM reminders WHERE invoice_id = ? AND status IN ('sent', 'queued', 'sending')").bind(invoice.id).first<{ at: string | null }>();
    const earliest = last?.at ? new Date(Date.parse(last.at) + settings.reminders.min_interval_days * 86_400_000) : null;
    if (!c.req.valid("json").force && earliest !== null && earliest > now) {
      throw new ApiError("reminder_too_soon", `The last reminder went out on ${last!.at!.slice(0, 10)}; the next one can go from ${earliest.toISOString().slice(0, 10)} (or send with {"force": true}).`);
    }
    const at = now.toISOString();
    const next = await db.prepare("SELECT id FROM reminders WHERE invoice_id = ? AND status = 'scheduled' ORDER BY send_on, step LIMIT 1").bind(invoice.id).first<{ id: string }>();
    let id: string;
    if (next !== null) {
      id = next.id;
      await db.prepare("UPDATE reminders SET status = 'queued', send_on = ?, updated_at = ? WHERE id = ? AND status = 'scheduled'").bind(utcDay(now), at, id).run();
    } else {
      const created = await db
        .prepare(
          `INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
           VALUES ('rem_' || lower(hex(randomblob(16))), ?, ?, 100000 + (SELECT count(*) FROM reminders WHERE invoice_id = ? AND step >= 100000), ?, 'queued', ?, ?) RETURNING id`,
        )
        .bind(merchantId, invoice.id, invoice.id, utcDay(now), at, at)
        .first<{ id: string }>();
      id = created!.id;
    }
    await c.env.REMINDERS.send({ reminder: id } satisfies ReminderMessage);
    const row = await db.prepare("SELECT * FROM reminders WHERE id = ?").bind(id).first<ReminderRow>();
    return c.json(serialize(row!), 202);
  },
);

const ReminderSettingsResponse = z.object({ paused: z.boolean(), promise_until: z.string().nullable(), steps: z.array(z.int()).nullable() });

reminderRoutes.openapi(
  createRoute({
    method: "put", path: "/{id}/reminder_settings", tags: tag, security: secretKeySecurity,
    summary: "Pause or resume this invoice's reminders, record a promise to pay, or give it its own schedule",
    middleware: [requireSecretKey("write")] as const,
    request: { params: IdParam, body: jsonBody(InvoiceReminderSettings) },
    responses: { 200: jsonResponse(ReminderSettingsResponse, "The invoice's reminder settings."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const db = c.env.DB;
    const invoice = await requirePayable(db, merchantId, c.req.valid("param").id);
    if (invoice.status === "draft") throw new ApiError("invoice_not_open", "A draft has no reminders; issue it first.");
    const input = c.req.valid("json");
    const payable = (invoice.status === "open" || invoice.status === "partially_paid") && invoice.amount_paid < invoice.total;
    if (!payable && (input.steps !== undefined || input.promise_until !== undefined)) {
      throw new ApiError("invoice_not_payable", `Invoice ${invoice.number} is ${invoice.status}: it gets no more reminders.`);
    }
    const current = await db.prepare("SELECT * FROM invoice_reminder_settings WHERE invoice_id = ?").bind(invoice.id).first<{ paused: number; promise_until: string | null; custom_steps: string | null }>();
    const paused = input.paused ?? Boolean(current?.paused);
    const promiseUntil = input.promise_until === undefined ? (current?.promise_until ?? null) : input.promise_until;
    if (promiseUntil !== null && (promiseUntil < "2000-01-01" || !isCalendarDate(promiseUntil) || promiseUntil > addDays(utcDay(new Date()), 366))) {
      throw new ApiError("parameter_invalid", "promise_until must be a real date within a year.", "promise_until");
    }
    const steps = input.steps === undefined ? (current?.custom_steps ? (JSON.parse(current.custom_steps) as number[]) : null) : input.steps;
    const now = new Date();
    const { settings } = await getSettings(db, merchantId);
    await db.batch([
      db
        .prepare(
          `INSERT INTO invoice_reminder_settings (invoice_id, paused, promise_until, custom_steps, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (invoice_id) DO UPDATE SET paused = excluded.paused, promise_until = excluded.promise_until, custom_steps = excluded.custom_steps, updated_at = excluded.updated_at`,
        )
        .bind(invoice.id, paused ? 1 : 0, promiseUntil, steps === null ? null : JSON.stringify(steps), now.toISOString()),
      // A new schedule, or a promise changed (withdrawn, shortened): unsent steps go back to their own days, then the promise holds them again.
      ...(input.steps !== undefined || input.promise_until !== undefined ? rescheduleInvoiceStatements(db, invoice.id, offsetsOf(settings.reminders, steps), now) : []),
      ...holdPromisesStatements(db, merchantId, invoice.id),
    ]);
    return c.json({ paused, promise_until: promiseUntil, steps }, 200);
  },
);
