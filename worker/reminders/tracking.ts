/**
 * Signed tracking links. A token is `<reminder id>.<HMAC-SHA256(key, purpose:id), 128 bits>`: a
 * forged or altered link does not verify and records nothing, and a click link only ever
 * redirects to the pay page of the reminder's own invoice (the target is never in the URL, so
 * there is no open redirect).
 */
import { isDevelopment } from "../lib/environment";

export type TrackingPurpose = "open" | "click" | "unsubscribe";

async function key(env: Env): Promise<CryptoKey> {
  // The local fallback is public: a deployment must have its own secret or links could be forged.
  if (!env.QUITTANCE_ENCRYPTION_KEY && !isDevelopment(env)) throw new Error("QUITTANCE_ENCRYPTION_KEY is required to sign tracking links");
  const material = new TextEncoder().encode(`${env.QUITTANCE_ENCRYPTION_KEY ?? "quittance-local-tracking"}|tracking`);
  return crypto.subtle.importKey("raw", await crypto.subtle.digest("SHA-256", material), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function trackingToken(env: Env, purpose: TrackingPurpose, reminderId: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await key(env), new TextEncoder().encode(`${purpose}:${reminderId}`));
  return `${reminderId}.${hex(signature).slice(0, 32)}`;
}

/** The reminder id a token names, or null when it does not verify. */
export async function verifyTrackingToken(env: Env, purpose: TrackingPurpose, token: string): Promise<string | null> {
  const match = /^(rem_[0-9a-z]{1,40})\.([0-9a-f]{32})$/.exec(token);
  if (!match) return null;
  const expected = await trackingToken(env, purpose, match[1]!);
  let difference = 0;
  for (let index = 0; index < expected.length; index += 1) difference |= expected.charCodeAt(index) ^ token.charCodeAt(index);
  return difference === 0 && expected.length === token.length ? match[1]! : null;
}

export async function trackingUrls(env: Env, base: string, reminderId: string) {
  return {
    open: `${base}/t/o/${await trackingToken(env, "open", reminderId)}.gif`,
    click: `${base}/t/c/${await trackingToken(env, "click", reminderId)}`,
    unsubscribe: `${base}/t/u/${await trackingToken(env, "unsubscribe", reminderId)}`,
  };
}
