/**
 * Dev-only routes for the demo (404 unless ENVIRONMENT is exactly "development"): a client session for the demo
 * customer, minted server-side as a merchant's own site would, and the demo merchant's live event
 * stream for the merchant page.
 */
import { Hono } from "hono";
import { DEFAULT_SESSION_TTL_SECONDS, mintClientSession } from "../auth/sessions";
import { findCustomerByExternalId } from "../customers/queries";
import { ApiError } from "../errors";
import { isDevelopment } from "../lib/environment";
import type { AppEnv } from "../lib/types";
import { openEventStream } from "../realtime/open";
import { listOutbox } from "../reminders/outbox";
import { runReminders } from "../reminders/run";

/** The demo merchant has a fixed id so `npm start` seeds it once. */
export const DEMO_MERCHANT_ID = `mer_${"0".repeat(22)}demo`;
export const DEMO_CUSTOMER_EXTERNAL_ID = "demo-martin";

export const devRoutes = new Hono<AppEnv>();

devRoutes.use("*", async (c, next) => {
  if (!isDevelopment(c.env)) throw new ApiError("route_not_found", "Not available in production.");
  await next();
});

devRoutes.post("/session", async (c) => {
  const customer = await findCustomerByExternalId(c.env.DB, DEMO_MERCHANT_ID, DEMO_CUSTOMER_EXTERNAL_ID);
  if (customer === null) throw new ApiError("resource_missing", "The demo is not seeded: run npm start.");
  const { token, expiresAt } = await mintClientSession(c.env.DB, { merchantId: DEMO_MERCHANT_ID, customerId: customer.id, ttlSeconds: DEFAULT_SESSION_TTL_SECONDS, now: new Date() });
  return c.json({ token, expires_at: expiresAt });
});

devRoutes.get("/events/stream", (c) =>
  openEventStream(c.env, { merchantId: DEMO_MERCHANT_ID, audience: { kind: "merchant" }, afterSeq: null, expiresAt: null, keyId: null, sessionHash: null }),
);

/** The local outbox: reminders sent without an SMTP relay, newest first. */
devRoutes.get("/outbox", async (c) => {
  const results = await listOutbox(c.env.DB, 50);
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
