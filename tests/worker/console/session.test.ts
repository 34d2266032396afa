import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createMerchant } from "../helpers";
import { sha256Hex } from "../../../worker/lib/crypto";

const ORIGIN = "http://127.0.0.1:8787";
const WRITE = { origin: ORIGIN, "quittance-console": "1" };

async function signIn(key: string) {
  const response = await api(null, "POST", "/v1/console/session", { key }, { origin: ORIGIN, "cf-connecting-ip": `10.0.0.${Math.floor(Math.random() * 250)}` });
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { response, setCookie, cookie: setCookie.split(";")[0]! };
}

describe("console sessions", () => {
  it("should set a __Host- cookie that is HttpOnly, Secure, SameSite=Strict, Path=/ with a Max-Age and no Domain", async () => {
    const merchant = await createMerchant();
    const { response, setCookie } = await signIn(merchant.key);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ object: "console_session", merchant: { id: merchant.id }, scope: "full" });
    expect(setCookie).toMatch(/^__Host-quittance_console=qcs_[a-z0-9]+; /);
    for (const attribute of ["Path=/", "HttpOnly", "Secure", "SameSite=Strict", "Max-Age=43200"]) expect(setCookie).toContain(attribute);
    expect(setCookie.toLowerCase()).not.toContain("domain");
  });

  it("should store the token's SHA-256 only", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    const token = cookie.split("=")[1]!;
    const rows = await env.DB.prepare("SELECT token_hash FROM console_sessions WHERE merchant_id = ?").bind(merchant.id).all<{ token_hash: string }>();
    expect(rows.results.map((row) => row.token_hash)).toEqual([await sha256Hex(token)]);
  });

  it("should authenticate merchant routes with the cookie and refuse writes without the CSRF header or from another origin", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    expect((await api(null, "GET", "/v1/customers", undefined, { cookie })).status).toBe(200);
    const body = { name: "Csrf SARL", email: "csrf@example.com" };
    const noHeader = await api(null, "POST", "/v1/customers", body, { cookie, origin: ORIGIN });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body).toMatchObject({ code: "csrf_header_missing", param: "Quittance-Console" });
    const foreign = await api(null, "POST", "/v1/customers", body, { cookie, "quittance-console": "1", origin: "https://evil.example" });
    expect(foreign.body).toMatchObject({ code: "origin_not_allowed", param: "Origin" });
    const absent = await api(null, "POST", "/v1/customers", body, { cookie, "quittance-console": "1" });
    expect(absent.body).toMatchObject({ code: "origin_not_allowed" });
    expect((await api(null, "GET", "/v1/customers", undefined, { cookie })).body.data).toEqual([]);
    expect((await api(null, "POST", "/v1/customers", body, { cookie, ...WRITE })).status).toBe(201);
  });

  it("should refuse writes of a read-only session with 403 insufficient_scope", async () => {
    const merchant = await createMerchant();
    const { response, cookie } = await signIn(merchant.readOnlyKey);
    expect(response.body.scope).toBe("read_only");
    const write = await api(null, "POST", "/v1/customers", { name: "X", email: "x@example.com" }, { cookie, ...WRITE });
    expect(write.body).toMatchObject({ status: 403, code: "insufficient_scope" });
  });

  it("should end the session at sign-out", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    expect((await api(null, "GET", "/v1/console/session", undefined, { cookie })).status).toBe(200);
    const out = await api(null, "DELETE", "/v1/console/session", undefined, { cookie, ...WRITE });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await api(null, "GET", "/v1/console/session", undefined, { cookie })).body).toMatchObject({ status: 401, code: "console_session_missing" });
    expect((await api(null, "GET", "/v1/customers", undefined, { cookie })).status).toBe(401);
  });

  it("should never accept the cookie on /v1/client routes", async () => {
    const merchant = await createMerchant();
    const { cookie } = await signIn(merchant.key);
    const response = await api(null, "GET", "/v1/client/invoices", undefined, { cookie, origin: ORIGIN });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("should refuse a sign-in from another origin and a body naming no credential", async () => {
    const merchant = await createMerchant();
    const foreign = await api(null, "POST", "/v1/console/session", { key: merchant.key }, { origin: "https://evil.example" });
    expect(foreign.body).toMatchObject({ code: "origin_not_allowed", param: "Origin" });
    const bad = await api(null, "POST", "/v1/console/session", { key: 5 }, { origin: ORIGIN });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    const wrong = await api(null, "POST", "/v1/console/session", { key: "sk_test_nope" }, { origin: ORIGIN });
    expect(wrong.body).toMatchObject({ status: 401, param: "key" });
  });
});
