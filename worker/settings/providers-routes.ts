/** `GET/PUT /v1/settings/providers`: a merchant's own Stripe and PayPal accounts, saved encrypted, shown masked. */
import { createRoute } from "@hono/zod-openapi";
import { ProvidersResponse, ProvidersUpdate } from "../../shared/schemas/providers";
import { requireSecretKey } from "../auth/middleware";
import { createRouter, jsonBody, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";
import { publicUrl } from "../lib/environment";
import { loadCredentials, maskedCredentials, saveCredentialsStatement } from "../providers/credentials";

async function view(env: Env, merchantId: string, origin: string) {
  const [stripe, paypal] = await Promise.all([loadCredentials(env, merchantId, "stripe"), loadCredentials(env, merchantId, "paypal")]);
  return {
    object: "provider_settings" as const,
    stripe: stripe && {
      ...(maskedCredentials("stripe", stripe.credentials) as { secret_key: string; publishable_key: string; webhook_secret: string }),
      webhook_url: `${origin}/webhooks/stripe/${merchantId}`,
      source: stripe.source,
    },
    paypal: paypal && {
      ...(maskedCredentials("paypal", paypal.credentials) as { client_id: string; client_secret: string; webhook_id: string; environment: string }),
      webhook_url: `${origin}/webhooks/paypal/${merchantId}`,
      source: paypal.source,
    },
  };
}

export const providerSettings = createRouter();

providerSettings.openapi(
  createRoute({
    method: "get", path: "/", tags: ["Settings"], security: secretKeySecurity, summary: "Your provider accounts (masked) and the webhook URLs to register with each provider",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(ProvidersResponse, "Masked credentials."), ...problemResponses },
  }),
  async (c) => c.json(await view(c.env, c.get("caller").merchantId, publicUrl(c.env, c.req.url)), 200),
);

providerSettings.openapi(
  createRoute({
    method: "put", path: "/", tags: ["Settings"], security: secretKeySecurity, summary: "Save (or with null remove) your Stripe and PayPal credentials",
    middleware: [requireSecretKey("write")] as const,
    request: { body: jsonBody(ProvidersUpdate) },
    responses: { 200: jsonResponse(ProvidersResponse, "Masked credentials."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const input = c.req.valid("json");
    const now = new Date();
    const statements: D1PreparedStatement[] = [];
    if (input.stripe !== undefined) statements.push(await saveCredentialsStatement(c.env, merchantId, "stripe", input.stripe, now));
    if (input.paypal !== undefined) statements.push(await saveCredentialsStatement(c.env, merchantId, "paypal", input.paypal, now));
    if (statements.length > 0) await c.env.DB.batch(statements);
    return c.json(await view(c.env, merchantId, publicUrl(c.env, c.req.url)), 200);
  },
);
