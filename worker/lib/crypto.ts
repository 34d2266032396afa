/** Random ids, secrets and hashes. Uses Web Crypto only, so it runs in workerd and in Node 22. */

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's alphabet, lower-case

/** `bytes` random bytes written in Crockford base32 (5 bits a character). */
export function randomBase32(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * A new object id: the type prefix and 26 base32 characters carrying 128 random bits.
 * @example newId("inv") // "inv_3k9…"
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomBase32(16)}`;
}

/** A new secret (API key, session token): prefix plus 160 random bits. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBase32(20)}`;
}

/** Lower-case hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
