/**
 * Each merchant's own provider accounts. Saved encrypted; read back only masked. A deployment for a
 * single business may instead set defaults as Worker secrets (STRIPE_SECRET_KEY…, PAYPAL_CLIENT_ID…),
 * used for any merchant that saved none.
 */
import { decryptSecret, encryptSecret } from "../lib/encryption";
import type { PayPalCredentials, StripeCredentials } from "./types";

export type CredentialedProvider = "stripe" | "paypal";
type CredentialsOf<P extends CredentialedProvider> = P extends "stripe" ? StripeCredentials : PayPalCredentials;

/** `sk_test_…wxyz`: enough to recognise a key, never enough to use it. */
export function mask(secret: string): string {
  const prefix = /^[a-z]+_(test_|live_)?/.exec(secret)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}

export function maskedCredentials<P extends CredentialedProvider>(provider: P, credentials: CredentialsOf<P>): Record<string, string> {
  if (provider === "stripe") {
    const stripe = credentials as StripeCredentials;
    return { secret_key: mask(stripe.secret_key), publishable_key: stripe.publishable_key, webhook_secret: mask(stripe.webhook_secret) };
  }
  const paypal = credentials as PayPalCredentials;
  return { client_id: paypal.client_id, client_secret: mask(paypal.client_secret), webhook_id: paypal.webhook_id, environment: paypal.environment };
}

function deploymentDefaults<P extends CredentialedProvider>(env: Env, provider: P): CredentialsOf<P> | null {
  if (provider === "stripe") {
    if (!env.STRIPE_SECRET_KEY || !env.STRIPE_PUBLISHABLE_KEY || !env.STRIPE_WEBHOOK_SECRET) return null;
    return { secret_key: env.STRIPE_SECRET_KEY, publishable_key: env.STRIPE_PUBLISHABLE_KEY, webhook_secret: env.STRIPE_WEBHOOK_SECRET } as CredentialsOf<P>;
  }
  if (!env.PAYPAL_CLIENT_ID || !env.PAYPAL_CLIENT_SECRET || !env.PAYPAL_WEBHOOK_ID) return null;
  return {
    client_id: env.PAYPAL_CLIENT_ID,
    client_secret: env.PAYPAL_CLIENT_SECRET,
    webhook_id: env.PAYPAL_WEBHOOK_ID,
    environment: env.PAYPAL_ENVIRONMENT === "live" ? "live" : "sandbox",
  } as CredentialsOf<P>;
}

/** A merchant's credentials for a provider (its own, else the deployment's), with where they came from. */
export async function loadCredentials<P extends CredentialedProvider>(
  env: Env,
  merchantId: string,
  provider: P,
): Promise<{ credentials: CredentialsOf<P>; source: "merchant" | "deployment" } | null> {
  const row = await env.DB.prepare("SELECT ciphertext FROM provider_credentials WHERE merchant_id = ? AND provider = ?")
    .bind(merchantId, provider)
    .first<{ ciphertext: string }>();
  if (row !== null) return { credentials: JSON.parse(await decryptSecret(env, row.ciphertext)) as CredentialsOf<P>, source: "merchant" };
  const defaults = deploymentDefaults(env, provider);
  return defaults === null ? null : { credentials: defaults, source: "deployment" };
}

/** The statement that saves (or, with null, removes) a merchant's credentials. */
export async function saveCredentialsStatement<P extends CredentialedProvider>(
  env: Env,
  merchantId: string,
  provider: P,
  credentials: CredentialsOf<P> | null,
  now: Date,
): Promise<D1PreparedStatement> {
  if (credentials === null) {
    return env.DB.prepare("DELETE FROM provider_credentials WHERE merchant_id = ? AND provider = ?").bind(merchantId, provider);
  }
  return env.DB.prepare(
    `INSERT INTO provider_credentials (merchant_id, provider, ciphertext, masked, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (merchant_id, provider) DO UPDATE SET ciphertext = excluded.ciphertext, masked = excluded.masked, updated_at = excluded.updated_at`,
  ).bind(merchantId, provider, await encryptSecret(env, JSON.stringify(credentials)), JSON.stringify(maskedCredentials(provider, credentials)), now.toISOString());
}
