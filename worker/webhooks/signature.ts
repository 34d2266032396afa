/**
 * How deliveries are signed. Two schemes, both HMAC-SHA256, on every delivery:
 *
 * - Standard Webhooks (https://www.standardwebhooks.com): `webhook-id` (the event id, the same on
 *   every retry), `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 HMAC of
 *   "id.timestamp.body">`, keyed with the base64 decoding of the secret after `whsec_`, so the
 *   off-the-shelf `standardwebhooks` libraries verify it as is. Secrets issued before this scheme
 *   (`whsec_` + 32 Crockford base32 characters) are valid base64 too: they decode to a 24-byte key,
 *   so those endpoints verify with the same libraries without a rotation.
 * - `Quittance-Signature: t=<unix seconds>,v1=<hex HMAC(secret, t + "." + body)>`, the scheme Stripe
 *   uses, keyed with the secret's text as is; kept for one release beside the standard headers.
 */
const encoder = new TextEncoder();
const SECRET_PREFIX = "whsec_";

async function hmac(key: Uint8Array, text: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey("raw", new Uint8Array(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(text)));
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** A new signing secret: `whsec_` and the base64 of 32 random bytes (Standard Webhooks asks for 24 to 64). */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * The Standard Webhooks key of a secret: the base64 decoding of what follows `whsec_`. Every secret
 * we ever issued decodes; should a stored one not (written by hand), its text's bytes are the key
 * (what `new Webhook(secret, { format: "raw" })` takes), so a delivery is never left unsigned.
 */
export function standardSigningKey(secret: string): Uint8Array {
  const text = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  try {
    const key = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
    if (key.length > 0) return key;
  } catch {
    // not base64: below
  }
  return encoder.encode(secret);
}

/** The `Quittance-Signature` value for a body sent at `timestamp` (seconds). */
export async function signatureHeader(secret: string, body: string, timestamp: number): Promise<string> {
  return `t=${timestamp},v1=${hex(await hmac(encoder.encode(secret), `${timestamp}.${body}`))}`;
}

/** The three Standard Webhooks headers for a delivery of event `id` sent at `timestamp` (seconds). */
export async function standardWebhookHeaders(secret: string, id: string, body: string, timestamp: number): Promise<Record<string, string>> {
  const signature = base64(await hmac(standardSigningKey(secret), `${id}.${timestamp}.${body}`));
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` };
}

/** Every signature header of one delivery: the Standard Webhooks three and `Quittance-Signature`. */
export async function deliveryHeaders(secret: string, id: string, body: string, timestamp: number): Promise<Record<string, string>> {
  const [standard, legacy] = await Promise.all([standardWebhookHeaders(secret, id, body, timestamp), signatureHeader(secret, body, timestamp)]);
  return { ...standard, "quittance-signature": legacy };
}

/** Checks a `Quittance-Signature` against a body, refusing timestamps further than `toleranceSeconds` from now. */
export async function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): Promise<boolean> {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds || !parts.v1) return false;
  const expected = hex(await hmac(encoder.encode(secret), `${timestamp}.${body}`));
  if (expected.length !== parts.v1.length) return false;
  let difference = 0;
  for (let index = 0; index < expected.length; index += 1) difference |= expected.charCodeAt(index) ^ parts.v1.charCodeAt(index);
  return difference === 0;
}
