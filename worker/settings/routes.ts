import { createRoute } from "@hono/zod-openapi";
import { SettingsResponse, SettingsUpdate } from "../../shared/schemas/settings";
import { requireSecretKey } from "../auth/middleware";
import { afterAppend, appendEvent } from "../db/events";
import { ApiError } from "../errors";
import { sandboxAllowed } from "../providers";
import { offsetsOf, reschedulePolicyStatements } from "../reminders/schedule";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { getSettings, mergeSettings, saveSettingsStatements } from "./queries";

const tag = ["Settings"];
const settings = createRouter();

settings.openapi(
  createRoute({
    method: "get", path: "/", tags: tag, security: secretKeySecurity, summary: "Your settings",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(SettingsResponse, "The settings."), ...problemResponses },
  }),
  async (c) => {
    const { settings: current, updatedAt } = await getSettings(c.env.DB, c.get("caller").merchantId);
    return c.json({ object: "settings" as const, ...current, updated_at: updatedAt }, 200);
  },
);

settings.openapi(
  createRoute({
    method: "put", path: "/", tags: tag, security: secretKeySecurity,
    summary: "Change settings: each top-level field given replaces the stored one",
    middleware: [requireSecretKey("write")] as const,
    request: { body: jsonBody(SettingsUpdate) },
    responses: { 200: jsonResponse(SettingsResponse, "The settings after the change."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const update = c.req.valid("json");
    const db = c.env.DB;
    const now = new Date();
    const sandboxAt = update.payment_methods?.indexOf("sandbox") ?? -1;
    if (sandboxAt >= 0 && !sandboxAllowed(c.env)) {
      throw new ApiError("parameter_invalid", "The sandbox cannot be accepted in production.", `payment_methods[${sandboxAt}]`);
    }
    const current = await getSettings(db, merchantId);
    if (Object.values(update).every((value) => value === undefined)) {
      return c.json({ object: "settings" as const, ...current.settings, updated_at: current.updatedAt }, 200); // nothing to change, nothing to record
    }
    const next = mergeSettings(current.settings, update);
    await db.batch([
      ...saveSettingsStatements(db, merchantId, next, now),
      // A new policy applies to the steps not sent yet; sent ones stay as they were.
      ...(update.reminders ? reschedulePolicyStatements(db, merchantId, offsetsOf(next.reminders, null), now) : []),
      appendEvent(db, { merchantId, type: "settings.updated", data: { fields: Object.keys(update) }, now }),
    ]);
    afterAppend(c.executionCtx, c.env, merchantId);
    return c.json({ object: "settings" as const, ...next, updated_at: now.toISOString() }, 200);
  },
);

export { settings };
