/**
 * Dev-only routes for the demo (404 when ENVIRONMENT=production): a client session for the demo
 * customer, minted server-side as a merchant's own site would, and the demo merchant's live event
 * stream for the merchant page.
 */
import { Hono } from "hono";
import { sha256Hex, newSecret } from "../lib/crypto";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { runReminders } from "../reminders/run";

/** The demo merchant has a fixed id so `npm start` seeds it once. */
export const DEMO_MERCHANT_ID = `mer_${"0".repeat(22)}demo`;
export const DEMO_CUSTOMER_EXTERNAL_ID = "demo-martin";

export const devRoutes = new Hono<AppEnv>();

devRoutes.use("*", async (c, next) => {
  if (c.env.ENVIRONMENT === "production") throw new ApiError("route_not_found", "Not available in production.");
  await next();
});

devRoutes.post("/session", async (c) => {
  const customer = await c.env.DB.prepare("SELECT id FROM customers WHERE merchant_id = ? AND external_id = ?")
    .bind(DEMO_MERCHANT_ID, DEMO_CUSTOMER_EXTERNAL_ID)
    .first<{ id: string }>();
  if (customer === null) throw new ApiError("resource_missing", "The demo is not seeded: run npm start.");
  const token = newSecret("cs_");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 3600_000).toISOString();
  await c.env.DB.prepare("INSERT INTO client_sessions (token_hash, merchant_id, customer_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(await sha256Hex(token), DEMO_MERCHANT_ID, customer.id, expiresAt, now.toISOString())
    .run();
  return c.json({ token, expires_at: expiresAt });
});

devRoutes.get("/events/stream", async (c) => {
  const hub = c.env.HUB.getByName(DEMO_MERCHANT_ID);
  return hub.openStream({ merchantId: DEMO_MERCHANT_ID, audience: { kind: "merchant" }, afterSeq: null, expiresAt: null, keyId: null, sessionHash: null }) as unknown as Response;
});

interface OutboxRow {
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: string;
}

/** The local outbox: reminders sent without an SMTP relay, newest first. */
devRoutes.get("/outbox", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT to_address, subject, text_body, html_body, created_at FROM outbox_messages ORDER BY created_at DESC LIMIT 50").all<OutboxRow>();
  if (c.req.header("accept")?.includes("application/json")) return c.json({ data: results });
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const items = results
    .map((row) => `<article><h2>${escape(row.subject)}</h2><p class="meta">To ${escape(row.to_address)} · ${escape(row.created_at)}</p><pre>${escape(row.text_body)}</pre></article>`)
    .join("");
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outbox (dev)</title><link rel="stylesheet" href="/demo.css"><style>pre{white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body><main><h1>Outbox</h1><p class="hint">Reminders sent without an SMTP relay (local runs only).</p>${items || "<p>Nothing sent yet.</p>"}</main></body></html>`);
});

/** Runs the reminders cron once now and reports what it did and how long it took (benchmarks). */
devRoutes.post("/run-reminders", async (c) => {
  const started = Date.now();
  const report = await runReminders(c.env, new Date(), async () => undefined);
  return c.json({ ...report, ms: Date.now() - started });
});
