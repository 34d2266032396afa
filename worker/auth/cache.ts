/**
 * What authentication reads on every request, remembered in this isolate for at most a second: a
 * secret key's SHA-256 → its merchant and scope, a client session token's SHA-256 → its session.
 * Only plain rows are kept (never a binding, a client or a promise), only for credentials that were
 * found (a flood of random keys never enters), and at most `MAX_ENTRIES` of them, least recently
 * used dropped first.
 *
 * Freshness: an entry lives `AUTH_CACHE_TTL_MS` from the moment its database read *started*, so
 * what it says is never more than a second older than the database: a key rotated or a session
 * revoked by another isolate (or by the `merchant` command, straight in D1) answers 401 everywhere
 * within a second. A revocation made in this isolate forgets the entries at once, and bumps a
 * generation so that a read begun before it cannot put the revoked row back.
 *
 * Lookups are by digest, as the database's were: the token itself is never compared, and the
 * timing of a Map lookup can tell at most something about a SHA-256 digest, not about a key.
 */
import { findClientSession, findSecretKey, type ClientSessionRow, type SecretKeyRow } from "./queries";

/** How long a remembered credential is trusted without reading the database again. */
export const AUTH_CACHE_TTL_MS = 1000;
/** Entries per cache; each is a few hundred bytes, so a full cache stays around a megabyte. */
export const AUTH_CACHE_MAX_ENTRIES = 4096;

interface Entry<V> {
  value: V;
  until: number;
}

/**
 * A map with a lifetime per entry and a size cap (least recently used first out).
 * @example const cache = new ExpiringLru<string>(1000, 100); cache.set("a", "b", Date.now())
 */
export class ExpiringLru<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #generation = 0;

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  /** The value, if present and not expired at `now`; refreshes its place in the LRU order (not its lifetime). */
  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.until <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** A token for `setIfCurrent`: take it before reading what will be stored. */
  get generation(): number {
    return this.#generation;
  }

  /** Stores a value read from `readStartedAt` on, unless something was forgotten since `generation` was taken. */
  setIfCurrent(key: string, value: V, readStartedAt: number, generation: number): void {
    if (generation !== this.#generation) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: readStartedAt + this.ttlMs });
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Forgets every entry whose value matches; reads in flight will not store theirs. */
  forgetWhere(matches: (value: V) => boolean): void {
    this.#generation += 1;
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The cached answer for `key`, or `read()`'s (stored when it found something).
 * @example const row = await cachedRead(secretKeys, hash, () => findSecretKey(db, hash))
 */
export async function cachedRead<V>(cache: ExpiringLru<V>, key: string, read: () => Promise<V | null>): Promise<V | null> {
  const startedAt = Date.now();
  const hit = cache.get(key, startedAt);
  if (hit !== undefined) return hit;
  const generation = cache.generation;
  const value = await read();
  if (value !== null) cache.setIfCurrent(key, value, startedAt, generation);
  return value;
}

const secretKeys = new ExpiringLru<SecretKeyRow>(AUTH_CACHE_TTL_MS, AUTH_CACHE_MAX_ENTRIES);
const clientSessions = new ExpiringLru<ClientSessionRow>(AUTH_CACHE_TTL_MS, AUTH_CACHE_MAX_ENTRIES);

/** A live secret key by its hash: from this isolate's cache (at most a second old) or D1. */
export function secretKeyByHash(db: D1Database, keyHash: string): Promise<SecretKeyRow | null> {
  return cachedRead(secretKeys, keyHash, () => findSecretKey(db, keyHash));
}

/** A client session not revoked, by its token's hash: from this isolate's cache (at most a second old) or D1. */
export function clientSessionByHash(db: D1Database, tokenHash: string): Promise<ClientSessionRow | null> {
  return cachedRead(clientSessions, tokenHash, () => findClientSession(db, tokenHash));
}

/** Forgets, in this isolate, the cached sessions a revocation just ended (other isolates within a second). */
export function forgetClientSessions(matches: (session: ClientSessionRow) => boolean): void {
  clientSessions.forgetWhere(matches);
}

/** Forgets, in this isolate, a merchant's cached keys and sessions (a rotation). */
export function forgetMerchantCredentials(merchantId: string): void {
  secretKeys.forgetWhere((key) => key.merchant_id === merchantId);
  clientSessions.forgetWhere((session) => session.merchant_id === merchantId);
}

/** How many credentials this isolate holds (for tests of the cap). */
export function cachedCredentialCount(): { secretKeys: number; clientSessions: number } {
  return { secretKeys: secretKeys.size, clientSessions: clientSessions.size };
}
