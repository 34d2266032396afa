/** Picks the provider for a payment method and builds it with the merchant's own credentials. */
import { ApiError } from "../errors";
import { isDevelopment } from "../lib/environment";
import { loadCredentials } from "./credentials";
import { createPayPalProvider } from "./paypal";
import { createSandboxProvider } from "./sandbox";
import { createStripeProvider } from "./stripe";
import type { OnlinePaymentMethod, PaymentProvider, ProviderName } from "./types";

export function providerOfMethod(method: OnlinePaymentMethod): ProviderName {
  return method === "card" || method === "stripe_checkout" ? "stripe" : method === "paypal" ? "paypal" : "sandbox";
}

/** The sandbox settles payments with no money moving: development only. */
export function sandboxAllowed(env: Env): boolean {
  return isDevelopment(env);
}

/**
 * The provider for a merchant, or a 422 naming `param` when the merchant cannot use it (no
 * credentials saved, or the sandbox in production).
 */
export async function providerFor(env: Env, merchantId: string, name: ProviderName, origin: string, param = "method"): Promise<PaymentProvider> {
  if (name === "sandbox") {
    if (!sandboxAllowed(env)) throw new ApiError("provider_not_configured", "The sandbox is not available in production.", param);
    return createSandboxProvider(env, merchantId, origin);
  }
  const saved = await loadCredentials(env, merchantId, name);
  if (saved === null) {
    throw new ApiError("provider_not_configured", `This merchant has no ${name === "stripe" ? "Stripe" : "PayPal"} account configured (PUT /v1/settings/providers).`, param);
  }
  return name === "stripe"
    ? createStripeProvider(saved.credentials as Parameters<typeof createStripeProvider>[0], { apiBase: env.STRIPE_API_BASE || undefined })
    : createPayPalProvider(saved.credentials as Parameters<typeof createPayPalProvider>[0], { apiBase: env.PAYPAL_API_BASE || undefined });
}
