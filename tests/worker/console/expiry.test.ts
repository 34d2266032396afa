import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createMerchant } from "../helpers";
import { app } from "../../../worker/app";
import { mintSignInLink, SIGN_IN_ATTEMPTS_PER_MINUTE } from "../../../worker/auth/console-sessions";

const ORIGIN = "http://127.0.0.1:8787";
const WRITE = { origin: ORIGIN, "quittance-console": "1" };
let address = 0;
const freshAddress = () => `10.2.${Math.floor(address / 250)}.${(address += 1) % 250}`;

async function signIn(key: string) {
  const response = await api(null, "POST", "/v1/console/session", { key }, { origin: ORIGIN, "cf-connecting-ip": freshAddress() });
  return { response, cookie: (response.headers.get("set-cookie") ?? "").split(";")[0]! };
}

/** Moves a session's clocks into the past, as if time had passed (the isolate's cache is bypassed by a new token read after 1 s). */
async function age(merchantId: string, columns: { last_seen_at?: string; expires_at?: string }) {
  for (const [column, value] of Object.entries(columns)) {
    await env.DB.prepare(`UPDATE console_sessions SET ${column} = ? WHERE merchant_id = ?`).bind(value, merchantId).run();
  }
  await new Promise((done) => setTimeout(done, 1100));
}

describe("console session expiry", () => {
  it("should end a session left idle for two hours, and keep one used within them", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    await age(merchant.id, { last_seen_at: new Date(Date.now() - 119 * 60_000).toISOString() });
    expect((await api(null, "GET", "/v1/console/session", undefined, { cookie })).status).toBe(200);
    // That read moved the idle clock: it is now two hours from now again.
    const after = await api(null, "GET", "/v1/console/session", undefined, { cookie });
    expect(Date.parse(after.body.idle_expires_at) - Date.now()).toBeGreaterThan(119 * 60_000);
    await age(merchant.id, { last_seen_at: new Date(Date.now() - 121 * 60_000).toISOString() });
    const idle = await api(null, "GET", "/v1/customers", undefined, { cookie });
    expect(idle.body).toMatchObject({ status: 401, code: "console_session_expired", param: "Cookie" });
  });

  it("should end a session twelve hours after sign-in even when it is used all along", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    await age(merchant.id, { expires_at: new Date(Date.now() - 1000).toISOString() });
    const expired = await api(null, "GET", "/v1/console/session", undefined, { cookie });
    expect(expired.body).toMatchObject({ status: 401, code: "console_session_expired" });
    expect((await api(null, "POST", "/v1/customers", { name: "Late", email: "late@example.com" }, { cookie, ...WRITE })).status).toBe(401);
  });

  it("should refuse a sign-in link after its fifteen minutes", async () => {
    const merchant = await createMerchant();
    const keyId = (await env.DB.prepare("SELECT id FROM api_keys WHERE merchant_id = ? AND scope = 'full'").bind(merchant.id).first<{ id: string }>())!.id;
    const link = await mintSignInLink(env.DB, { merchantId: merchant.id, keyId, scope: "full" }, new Date(Date.now() - 16 * 60_000));
    const refused = await api(null, "POST", "/v1/console/session", { link }, { origin: ORIGIN, "cf-connecting-ip": freshAddress() });
    expect(refused.body).toMatchObject({ status: 401, param: "link" });
    expect(refused.headers.get("set-cookie")).toBeNull();
  });
});

describe("console sign-in attempts", () => {
  it("should not count sign-ins that succeed: many people behind one address sign in one after the other", async () => {
    const merchant = await createMerchant();
    const headers = { origin: ORIGIN, "cf-connecting-ip": "10.3.0.9" };
    for (let attempt = 0; attempt < SIGN_IN_ATTEMPTS_PER_MINUTE * 3; attempt += 1) {
      expect((await api(null, "POST", "/v1/console/session", { key: merchant.key }, headers)).status).toBe(201);
    }
    // Failures still count among them: the limit is reached after exactly that many.
    for (let attempt = 0; attempt < SIGN_IN_ATTEMPTS_PER_MINUTE; attempt += 1) {
      expect((await api(null, "POST", "/v1/console/session", { key: `sk_test_guess${attempt}` }, headers)).status).toBe(401);
    }
    expect((await api(null, "POST", "/v1/console/session", { key: merchant.key }, headers)).status).toBe(429);
  });

  it("should count a burst of parallel guesses before checking any, so the burst cannot outrun the limit", async () => {
    const headers = { origin: ORIGIN, "cf-connecting-ip": "10.3.0.10" };
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, attempt) => api(null, "POST", "/v1/console/session", { key: `sk_test_burst${attempt}` }, headers).then((response) => response.status)));
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(SIGN_IN_ATTEMPTS_PER_MINUTE);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(40 - SIGN_IN_ATTEMPTS_PER_MINUTE);
  });

  it("should answer 429 with Retry-After past the failed attempts an address may make in a minute, good key or not", async () => {
    const merchant = await createMerchant();
    const headers = { origin: ORIGIN, "cf-connecting-ip": "10.3.0.1" };
    for (let attempt = 0; attempt < SIGN_IN_ATTEMPTS_PER_MINUTE; attempt += 1) {
      expect((await api(null, "POST", "/v1/console/session", { key: `sk_test_guess${attempt}` }, headers)).status).toBe(401);
    }
    const limited = await api(null, "POST", "/v1/console/session", { key: merchant.key }, headers);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: "rate_limited" });
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("set-cookie")).toBeNull();
    // Another address is not held back.
    expect((await api(null, "POST", "/v1/console/session", { key: merchant.key }, { origin: ORIGIN, "cf-connecting-ip": "10.3.0.2" })).status).toBe(201);
  });
});

describe("console sessions in production", () => {
  const production = () => ({ ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://quittance.example" }) as Env;
  const call = async (path: string, init: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(`https://quittance.example${path}`, init), production(), ctx);
    await waitOnExecutionContext(ctx);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };

  it("should accept sign-in and writes only from PUBLIC_URL's origin", async () => {
    const merchant = await createMerchant();
    const json = { "content-type": "application/json", "cf-connecting-ip": freshAddress() };
    const foreign = await call("/v1/console/session", { method: "POST", headers: { ...json, origin: "http://127.0.0.1:8787" }, body: JSON.stringify({ key: merchant.key }) });
    expect(foreign.body).toMatchObject({ status: 403, code: "origin_not_allowed", param: "Origin" });
    const signedIn = await call("/v1/console/session", { method: "POST", headers: { ...json, origin: "https://quittance.example" }, body: JSON.stringify({ key: merchant.key }) });
    expect(signedIn.status).toBe(201);
    const setCookie = signedIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toContain("Secure");
    const cookie = setCookie.split(";")[0]!;
    const body = JSON.stringify({ name: "Prod SARL", email: "prod@example.com" });
    const wrongOrigin = await call("/v1/customers", { method: "POST", headers: { ...json, cookie, "quittance-console": "1", origin: "https://evil.example" }, body });
    expect(wrongOrigin.body).toMatchObject({ status: 403, code: "origin_not_allowed" });
    const created = await call("/v1/customers", { method: "POST", headers: { ...json, cookie, "quittance-console": "1", origin: "https://quittance.example" }, body });
    expect(created.status).toBe(201);
  });
});
