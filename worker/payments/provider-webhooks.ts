/**
 * `POST /webhooks/{stripe|paypal|sandbox}/:merchant`: a provider's event, verified and applied
 * (provider-events.ts), then published. The body arrives already read and capped at 1 MiB
 * (`bodyLimit` in app.ts), so nothing unbounded is read before the signature is checked.
 */
import { Hono } from "hono";
import { publish } from "../events/publish";
import { ApiError } from "../errors";
import { publicUrl } from "../lib/environment";
import type { AppEnv } from "../lib/types";
import type { ProviderName } from "../providers/types";
import { PROVIDERS, receiveProviderWebhook } from "./provider-events";
import { merchantExists } from "./queries";

export const providerWebhooks = new Hono<AppEnv>();

providerWebhooks.post("/:provider/:merchant", async (c) => {
  const name = c.req.param("provider") as ProviderName;
  const merchantId = c.req.param("merchant");
  if (!PROVIDERS.has(name) || !/^mer_[0-9a-z]{26}$/.test(merchantId) || !(await merchantExists(c.env.DB, merchantId))) {
    throw new ApiError("route_not_found", "No such webhook URL.");
  }
  const raw = await c.req.text(); // the exact bytes the provider signed: never re-serialised before verification
  const outcome = await receiveProviderWebhook(c.env, merchantId, name, raw, c.req.raw.headers, publicUrl(c.env, c.req.url), new Date());
  if (outcome === "applied") publish(c.executionCtx, c.env, { merchantId });
  return c.json({ received: true, outcome }, 200);
});
