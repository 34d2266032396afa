/**
 * Secrets at rest (merchants' provider credentials): AES-GCM under the master key held as the
 * Worker secret QUITTANCE_ENCRYPTION_KEY (32 random bytes, base64). Each ciphertext starts with the
 * fingerprint of the key it was made with, so a rotation is: put the new key in
 * QUITTANCE_ENCRYPTION_KEY and the old one in QUITTANCE_ENCRYPTION_KEY_PREVIOUS; every record still
 * reads, and is re-encrypted under the new key when next saved.
 */
import { ApiError } from "../errors";

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

interface MasterKey {
  id: string;
  key: CryptoKey;
}

async function importKey(base64: string | undefined): Promise<MasterKey | null> {
  if (!base64) return null;
  const raw = fromBase64(base64);
  if (raw.length !== 32) throw new Error("QUITTANCE_ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  const id = [...digest.slice(0, 4)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return { id, key: await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]) };
}

/** Encrypts under the current master key. */
export async function encryptSecret(env: Env, plaintext: string): Promise<string> {
  const master = await importKey(env.QUITTANCE_ENCRYPTION_KEY);
  if (master === null) {
    throw new ApiError("provider_not_configured", "This deployment has no QUITTANCE_ENCRYPTION_KEY secret: provider credentials cannot be stored.");
  }
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, master.key, encoder.encode(plaintext)));
  const bytes = new Uint8Array(12 + ciphertext.length);
  bytes.set(iv);
  bytes.set(ciphertext, 12);
  return `${master.id}.${toBase64(bytes)}`;
}

/** Decrypts with whichever master key (current or previous) the ciphertext names. */
export async function decryptSecret(env: Env, stored: string): Promise<string> {
  const [keyId, body] = stored.split(".", 2);
  const candidates = await Promise.all([importKey(env.QUITTANCE_ENCRYPTION_KEY), importKey(env.QUITTANCE_ENCRYPTION_KEY_PREVIOUS)]);
  const master = candidates.find((candidate) => candidate?.id === keyId);
  if (!master || body === undefined) throw new Error(`no master key ${keyId} to read this secret (rotated without QUITTANCE_ENCRYPTION_KEY_PREVIOUS?)`);
  const bytes = fromBase64(body);
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, master.key, bytes.slice(12)));
}
