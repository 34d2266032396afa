/**
 * What the client did with a reminder: `GET /t/o/<token>.gif` (opened: the pixel), `GET /t/c/<token>`
 * (clicked: then redirected to the invoice's own pay page, never anywhere else), `GET|POST
 * /t/u/<token>` (one-click unsubscribe: this invoice's reminders pause). Each is recorded once;
 * a forged or altered token records nothing (the pixel is still served, the link answers 404).
 */
import { Hono } from "hono";
import { publish } from "../events/publish";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { recordReminderActivity, unsubscribe } from "./activity";
import { hostedTokenOfReminder } from "./queries";
import { verifyTrackingToken } from "./tracking";

const PIXEL = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (char) => char.charCodeAt(0));
const invalidLink = () => new ApiError("resource_missing", "This link is not valid.", "token");

export const trackingRoutes = new Hono<AppEnv>();

trackingRoutes.get("/o/:file", async (c) => {
  const reminderId = await verifyTrackingToken(c.env, "open", c.req.param("file").replace(/\.gif$/, ""));
  if (reminderId !== null) publish(c.executionCtx, c.env, await recordReminderActivity(c.env.DB, reminderId, "opened"));
  return c.body(PIXEL, 200, { "content-type": "image/gif", "cache-control": "no-store, private" });
});

trackingRoutes.get("/c/:token", async (c) => {
  const reminderId = await verifyTrackingToken(c.env, "click", c.req.param("token"));
  if (reminderId === null) throw invalidLink();
  publish(c.executionCtx, c.env, await recordReminderActivity(c.env.DB, reminderId, "clicked"));
  const hostedToken = await hostedTokenOfReminder(c.env.DB, reminderId);
  if (hostedToken === null) throw invalidLink();
  return c.redirect(`/pay/${hostedToken}`, 302);
});

const PAGE = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Reminders</title></head><body><main>${body}</main></body></html>`;

/** One-click unsubscribe (RFC 8058: a POST from the mail client), or the confirmation form below. */
trackingRoutes.post("/u/:token", async (c) => {
  if (!(await unsubscribe(c.env, c.req.param("token")))) throw invalidLink();
  if (c.req.header("accept")?.includes("text/html")) return c.html(PAGE("<h1>No more reminders for this invoice.</h1><p>Plus de relances pour cette facture.</p>"));
  return c.body(null, 204);
});

/** A GET only asks: link scanners follow links, and must not stop a merchant's reminders. */
trackingRoutes.get("/u/:token", async (c) => {
  const token = c.req.param("token");
  if ((await verifyTrackingToken(c.env, "unsubscribe", token)) === null) throw invalidLink();
  return c.html(
    PAGE(`<h1>Stop the reminders for this invoice? / Arrêter les relances de cette facture ?</h1><form method="post" action="/t/u/${token}"><button type="submit">Stop the reminders / Arrêter les relances</button></form>`),
  );
});
