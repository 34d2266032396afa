/**
 * What the client did with a reminder: `GET /t/o/<token>.gif` (opened: the pixel), `GET /t/c/<token>`
 * (clicked: then redirected to the invoice's own pay page, never anywhere else), `GET|POST
 * /t/u/<token>` (one-click unsubscribe: this invoice's reminders pause). Each is recorded once;
 * a forged or altered token records nothing (the pixel is still served, the link answers 404).
 */
import { Hono } from "hono";
import { afterAppend, appendInvoiceEvent } from "../db/events";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { verifyTrackingToken } from "./tracking";

const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (char) => char.charCodeAt(0));

/** Sets a reminder's first `column` time and appends the event, once; returns the invoice id. */
async function recordOnce(env: Env, ctx: ExecutionContext, reminderId: string, column: "opened_at" | "clicked_at", type: "reminder.opened" | "reminder.clicked"): Promise<{ invoiceId: string; merchantId: string } | null> {
  const now = new Date();
  const row = await env.DB.prepare(`UPDATE reminders SET ${column} = ? WHERE id = ? AND status = 'sent' AND ${column} IS NULL RETURNING invoice_id, merchant_id`)
    .bind(now.toISOString(), reminderId)
    .first<{ invoice_id: string; merchant_id: string }>();
  if (row === null) return null;
  await env.DB.batch([appendInvoiceEvent(env.DB, { type, invoiceId: row.invoice_id, now, extra: { reminder: reminderId } })]);
  afterAppend(ctx, env, row.merchant_id);
  return { invoiceId: row.invoice_id, merchantId: row.merchant_id };
}

/**
 * The client looked at an invoice (hosted page or widget): `invoice.viewed`, once per reminder
 * sent (the latest one gets viewed_at), or once at all when no reminder was sent.
 */
export async function recordInvoiceViewed(env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }, invoiceId: string, now = new Date()): Promise<boolean> {
  const latest = await env.DB.prepare("SELECT id FROM reminders WHERE invoice_id = ? AND status = 'sent' ORDER BY sent_at DESC LIMIT 1").bind(invoiceId).first<{ id: string }>();
  let first: boolean;
  if (latest !== null) {
    const marked = await env.DB.prepare("UPDATE reminders SET viewed_at = ? WHERE id = ? AND viewed_at IS NULL").bind(now.toISOString(), latest.id).run();
    first = marked.meta.changes > 0;
  } else {
    first = (await env.DB.prepare("SELECT 1 FROM events WHERE invoice_id = ? AND type = 'invoice.viewed' LIMIT 1").bind(invoiceId).first()) === null;
  }
  if (!first) return false;
  const merchant = await env.DB.prepare("SELECT merchant_id FROM invoices WHERE id = ?").bind(invoiceId).first<{ merchant_id: string }>();
  await env.DB.batch([appendInvoiceEvent(env.DB, { type: "invoice.viewed", invoiceId, now, extra: { reminder: latest?.id ?? null } })]);
  if (merchant) afterAppend(ctx, env, merchant.merchant_id);
  return true;
}

export const trackingRoutes = new Hono<AppEnv>();

trackingRoutes.get("/o/:file", async (c) => {
  const token = c.req.param("file").replace(/\.gif$/, "");
  const reminderId = await verifyTrackingToken(c.env, "open", token);
  if (reminderId !== null) await recordOnce(c.env, c.executionCtx as ExecutionContext, reminderId, "opened_at", "reminder.opened");
  return c.body(PIXEL, 200, { "content-type": "image/gif", "cache-control": "no-store, private" });
});

trackingRoutes.get("/c/:token", async (c) => {
  const reminderId = await verifyTrackingToken(c.env, "click", c.req.param("token"));
  if (reminderId === null) throw new ApiError("resource_missing", "This link is not valid.", "token");
  await recordOnce(c.env, c.executionCtx as ExecutionContext, reminderId, "clicked_at", "reminder.clicked");
  const target = await c.env.DB.prepare("SELECT i.hosted_token FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.id = ?")
    .bind(reminderId)
    .first<{ hosted_token: string }>();
  if (target === null) throw new ApiError("resource_missing", "This link is not valid.", "token");
  return c.redirect(`/pay/${target.hosted_token}`, 302);
});

async function unsubscribe(env: Env, token: string): Promise<boolean> {
  const reminderId = await verifyTrackingToken(env, "unsubscribe", token);
  if (reminderId === null) return false;
  await env.DB.prepare(
    `INSERT INTO invoice_reminder_settings (invoice_id, paused, updated_at) SELECT invoice_id, 1, ? FROM reminders WHERE id = ?
     ON CONFLICT (invoice_id) DO UPDATE SET paused = 1, updated_at = excluded.updated_at`,
  )
    .bind(new Date().toISOString(), reminderId)
    .run();
  return true;
}

const PAGE = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Reminders</title></head><body><main>${body}</main></body></html>`;

/** One-click unsubscribe (RFC 8058: a POST from the mail client), or the confirmation form below. */
trackingRoutes.post("/u/:token", async (c) => {
  if (!(await unsubscribe(c.env, c.req.param("token")))) throw new ApiError("resource_missing", "This link is not valid.", "token");
  if (c.req.header("accept")?.includes("text/html")) return c.html(PAGE("<h1>No more reminders for this invoice.</h1><p>Plus de relances pour cette facture.</p>"));
  return c.body(null, 204);
});

/** A GET only asks: link scanners follow links, and must not stop a merchant's reminders. */
trackingRoutes.get("/u/:token", async (c) => {
  const token = c.req.param("token");
  if ((await verifyTrackingToken(c.env, "unsubscribe", token)) === null) throw new ApiError("resource_missing", "This link is not valid.", "token");
  return c.html(
    PAGE(`<h1>Stop the reminders for this invoice? / Arrêter les relances de cette facture ?</h1><form method="post" action="/t/u/${token}"><button type="submit">Stop the reminders / Arrêter les relances</button></form>`),
  );
});
