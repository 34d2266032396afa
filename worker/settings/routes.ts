import { createRoute } from "@hono/zod-openapi";
import { SettingsResponse, SettingsUpdate } from "../../shared/schemas/settings";
import { requireSecretKey } from "../auth/middleware";
import { getSettings } from "../db/settings";
import { publish } from "../events/publish";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { updateSettings } from "./update";

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
    const { settings: next, updatedAt, moved } = await updateSettings(c.env, c.get("caller").merchantId, c.req.valid("json"), new Date());
    publish(c.executionCtx, c.env, moved);
    return c.json({ object: "settings" as const, ...next, updated_at: updatedAt }, 200);
  },
);

export { settings };
