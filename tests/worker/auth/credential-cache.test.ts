/**
 * The one-second credential cache (worker/auth/cache.ts): revocations made by this Worker take effect
 * on the next request, changes written straight to D1 (another isolate, the merchant command) within
 * a second, and the cache stays bounded whatever is thrown at it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AUTH_CACHE_TTL_MS, cachedRead, ExpiringLru } from "../../../worker/auth/cache";
import { prepareRotation, toStatements } from "../../../worker/auth/keys";
import { api, authCacheLifetimeSince, createCustomer, createMerchant } from "../helpers";
import { expectProblem, sha256Hex } from "../security/support";

async function mint(key: string, customer: string): Promise<{ id: string; token: string }> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

describe("revocation through the credential cache", () => {
  it("should answer 401 within a second when a secret key is revoked in D1 after it was cached", async () => {
    const merchant = await createMerchant("Cache revoke SARL");
    expect((await api(merchant.key, "GET", "/v1/customers")).status).toBe(200); // cached now
    const revokedAt = Date.now();
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_hash = ?").bind(new Date().toISOString(), await sha256Hex(merchant.key)).run();
    await authCacheLifetimeSince(revokedAt);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(AUTH_CACHE_TTL_MS + 200);
    expectProblem(await api(merchant.key, "GET", "/v1/invoices/inv_any/status"), 401, "api_key_invalid");
    expectProblem(await api(merchant.key, "GET", "/v1/customers"), 401, "api_key_invalid");
    expect((await api(merchant.readOnlyKey, "GET", "/v1/customers")).status).toBe(200);
  });

  it("should refuse the old keys and sessions within a second and accept the new keys when the keys are rotated", async () => {
    const merchant = await createMerchant("Cache rotate SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mint(merchant.key, customer);
    expect((await api(merchant.key, "GET", "/v1/customers")).status).toBe(200);
    expect((await api(merchant.readOnlyKey, "GET", "/v1/customers")).status).toBe(200);
    expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(200);

    const rotation = await prepareRotation({ merchantId: merchant.id, livemode: false, now: new Date(), disableWebhooks: false });
    const rotatedAt = Date.now();
    await env.DB.batch(toStatements(env.DB, rotation.writes));
    expect((await api(rotation.secretKey, "GET", "/v1/customers")).status).toBe(200); // a new key needs no wait
    await authCacheLifetimeSince(rotatedAt);

    expectProblem(await api(merchant.key, "GET", "/v1/customers"), 401, "api_key_invalid");
    expectProblem(await api(merchant.readOnlyKey, "GET", "/v1/customers"), 401, "api_key_invalid");
    expectProblem(await api(session.token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
    expect((await api(rotation.readOnlyKey, "GET", "/v1/customers")).status).toBe(200);
  });

  it("should answer 401 on the very next request when the merchant revokes a cached client session", async () => {
    const merchant = await createMerchant("Cache session SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mint(merchant.key, customer);
    const sibling = await mint(merchant.key, customer);
    expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(200);
    expect((await api(sibling.token, "GET", "/v1/client/invoices")).status).toBe(200);

    expect((await api(merchant.key, "DELETE", `/v1/client_sessions/${session.id}`)).status).toBe(200);
    expectProblem(await api(session.token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
    expect((await api(sibling.token, "GET", "/v1/client/invoices")).status).toBe(200);
  });

  it("should answer 401 on the very next request for every cached session of a customer revoked at once", async () => {
    const merchant = await createMerchant("Cache customer SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const other = (await createCustomer(merchant.key, { email: "other@example.com" })).id;
    const first = await mint(merchant.key, customer);
    const second = await mint(merchant.key, customer);
    const untouched = await mint(merchant.key, other);
    for (const token of [first.token, second.token, untouched.token]) expect((await api(token, "GET", "/v1/client/invoices")).status).toBe(200);

    const revoked = await api(merchant.key, "DELETE", `/v1/client_sessions?customer=${customer}`);
    expect(revoked.body).toMatchObject({ revoked: 2 });
    expectProblem(await api(first.token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
    expectProblem(await api(second.token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
    expect((await api(untouched.token, "GET", "/v1/client/invoices")).status).toBe(200);
  });

  it("should answer 401 within a second when a cached client session is revoked in D1 by another isolate", async () => {
    const merchant = await createMerchant("Cache session D1 SARL");
    const session = await mint(merchant.key, (await createCustomer(merchant.key)).id);
    expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(200);
    const revokedAt = Date.now();
    await env.DB.prepare("UPDATE client_sessions SET revoked_at = ? WHERE id = ?").bind(new Date().toISOString(), session.id).run();
    await authCacheLifetimeSince(revokedAt);
    expectProblem(await api(session.token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
  });

  it("should still answer 401 to a key never issued after many random keys were tried", async () => {
    const merchant = await createMerchant("Cache flood SARL");
    const responses = await Promise.all(Array.from({ length: 30 }, (_, index) => api(`sk_test_${"x".repeat(20)}${index}`, "GET", "/v1/customers")));
    for (const response of responses) expectProblem(response, 401, "api_key_invalid");
    expect((await api(merchant.key, "GET", "/v1/customers")).status).toBe(200);
  });
});

describe("ExpiringLru", () => {
  it("should hold at most its cap and drop the least recently used entry first when more keys arrive", () => {
    const cache = new ExpiringLru<number>(1000, 3);
    for (const [index, key] of ["a", "b", "c"].entries()) cache.setIfCurrent(key, index, 0, cache.generation);
    expect(cache.get("a", 10)).toBe(0); // a is now the most recent
    cache.setIfCurrent("d", 3, 0, cache.generation);
    expect(cache.size).toBe(3);
    expect(cache.get("b", 10)).toBeUndefined();
    expect([cache.get("a", 10), cache.get("c", 10), cache.get("d", 10)]).toEqual([0, 2, 3]);
    for (let index = 0; index < 10_000; index += 1) cache.setIfCurrent(`flood${index}`, index, 0, cache.generation);
    expect(cache.size).toBe(3);
  });

  it("should expire an entry its lifetime after the read that filled it started, not after it ended", () => {
    const cache = new ExpiringLru<string>(1000, 10);
    cache.setIfCurrent("key", "row", 5000, cache.generation);
    expect(cache.get("key", 5999)).toBe("row");
    expect(cache.get("key", 6000)).toBeUndefined();
  });

  it("should not store what a read begun before a revocation found when the revocation lands while it runs", async () => {
    const cache = new ExpiringLru<string>(1000, 10);
    let finish: (value: string) => void = () => undefined;
    const reading = cachedRead(cache, "hash", () => new Promise<string>((resolve) => (finish = resolve)));
    cache.forgetWhere(() => true); // the revocation, committed while the read is in flight
    finish("row as it was before the revocation");
    expect(await reading).toBe("row as it was before the revocation");
    expect(cache.size).toBe(0);
  });

  it("should not store anything when the read finds nothing", async () => {
    const cache = new ExpiringLru<string>(1000, 10);
    expect(await cachedRead(cache, "unknown", async () => null)).toBeNull();
    expect(cache.size).toBe(0);
  });
});
