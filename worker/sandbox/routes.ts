/**
 * The sandbox's own pages (dev only): `GET /sandbox/pay/:token` shows a test card form, and
 * `POST /sandbox/pay/:token` {card_number} decides the outcome and hands the signed webhook it
 * makes to the same verification and settlement as a provider's webhook (payments/provider-events).
 * The widget posts the card as JSON from the merchant's own page, hence CORS here too.
 */
import { Hono } from "hono";
import { merchantCors } from "../auth/cors";
import { publish } from "../events/publish";
import { ApiError } from "../errors";
import { publicUrl } from "../lib/environment";
import type { AppEnv } from "../lib/types";
import { receiveProviderWebhook } from "../payments/provider-events";
import { sandboxAllowed } from "../providers";
import { SANDBOX_SIGNATURE_HEADER, sandboxMerchantOf, submitSandboxCard } from "../providers/sandbox";

const FORM = (token: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quittance sandbox — test card</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;width:100%;font:inherit}input,button{padding:.6rem;margin:.4rem 0 1rem;box-sizing:border-box}</style>
</head><body><main>
<h1>Sandbox payment</h1>
<p>No money moves. 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds.</p>
<form method="post" action="/sandbox/pay/${token}">
<label for="card">Card number</label><input id="card" name="card_number" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" required>
<button type="submit">Pay</button>
</form></main></body></html>`;

export const sandboxRoutes = new Hono<AppEnv>();

sandboxRoutes.use("*", async (c, next) => {
  if (!sandboxAllowed(c.env)) throw new ApiError("route_not_found", "The sandbox is not available in production.");
  await next();
});

sandboxRoutes.use("/pay/:token", merchantCors((c) => sandboxMerchantOf(c.env.DB, c.req.param("token") ?? "")));

sandboxRoutes.get("/pay/:token", (c) => c.html(FORM(c.req.param("token").replace(/[^0-9a-z]/g, ""))));

sandboxRoutes.post("/pay/:token", async (c) => {
  const type = c.req.header("content-type") ?? "";
  const cardNumber = type.includes("application/json")
    ? String(((await c.req.json().catch(() => ({}))) as { card_number?: unknown }).card_number ?? "")
    : String((await c.req.parseBody().catch(() => ({} as Record<string, unknown>)))["card_number"] ?? "");
  const submitted = await submitSandboxCard(c.env, c.req.param("token"), cardNumber);
  if (submitted === null) throw new ApiError("resource_missing", "No payment waits for this sandbox link (unknown, or already paid).", "token");
  if ("invalidCard" in submitted) throw new ApiError("parameter_invalid", "Enter a card number that passes the Luhn check (e.g. 4242 4242 4242 4242).", "card_number");
  const headers = new Headers({ "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: submitted.signature });
  const outcome = await receiveProviderWebhook(c.env, submitted.merchantId, "sandbox", submitted.body, headers, publicUrl(c.env, c.req.url), new Date());
  if (outcome === "applied") publish(c.executionCtx, c.env, { merchantId: submitted.merchantId });
  const result = { status: submitted.outcome.ok ? "succeeded" : "failed", failure_message: submitted.outcome.message };
  if (!type.includes("application/json")) {
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox payment</title></head><body><main><h1>${submitted.outcome.ok ? "Payment succeeded" : "Payment failed"}</h1><p>${submitted.outcome.message ?? "You can close this page."}</p></main></body></html>`);
  }
  return c.json(result, 200);
});
