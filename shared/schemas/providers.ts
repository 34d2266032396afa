import { z } from "zod";

export const StripeCredentialsInput = z.strictObject({
  secret_key: z.string().regex(/^(sk|rk)_(test|live)_[0-9A-Za-z_]{8,}$/, "must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)"),
  publishable_key: z.string().regex(/^pk_(test|live)_[0-9A-Za-z_]{8,}$/, "must be a Stripe publishable key (pk_test_… or pk_live_…)"),
  webhook_secret: z.string().regex(/^whsec_[0-9A-Za-z_]{8,}$/, "must be the endpoint's signing secret (whsec_…)"),
});

export const PayPalCredentialsInput = z.strictObject({
  client_id: z.string().trim().min(8).max(200),
  client_secret: z.string().trim().min(8).max(200),
  webhook_id: z.string().trim().min(4).max(100).meta({ description: "The id PayPal gave the webhook registered for your Quittance URL." }),
  environment: z.enum(["sandbox", "live"]),
});

export const ProvidersUpdate = z
  .strictObject({
    stripe: StripeCredentialsInput.nullable().optional().meta({ description: "null removes the saved Stripe account." }),
    paypal: PayPalCredentialsInput.nullable().optional().meta({ description: "null removes the saved PayPal account." }),
  })
  .meta({ id: "ProvidersUpdate" });

export const ProvidersResponse = z
  .object({
    object: z.literal("provider_settings"),
    stripe: z
      .object({ secret_key: z.string(), publishable_key: z.string(), webhook_secret: z.string(), webhook_url: z.string(), source: z.enum(["merchant", "deployment"]) })
      .nullable(),
    paypal: z
      .object({ client_id: z.string(), client_secret: z.string(), webhook_id: z.string(), environment: z.string(), webhook_url: z.string(), source: z.enum(["merchant", "deployment"]) })
      .nullable(),
  })
  .meta({ id: "ProviderSettings", description: "Saved provider accounts, masked: secrets are never readable back." });
