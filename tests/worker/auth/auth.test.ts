import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../../worker/app";
import { api, authCacheLifetimeSince, createMerchant, databaseFingerprint } from "../helpers";
import { createWorld, expectProblem, mintSession, sha256Hex, type World } from "../security/support";

let world: World;
let session: string;

/** The merchant routes (secret key) the app declares with these methods, paths without a trailing slash. */
function merchantRoutes(methods: string[]): { method: string; path: string }[] {
  const routes = new Map<string, { method: string; path: string }>();
  for (const route of app.routes) {
    // Client routes take a client session; the console's sign-in routes a key in the body or the cookie (tests/worker/console); the reminder preview writes nothing, so the read-only key may call it (tests/worker/reminders/preview.test.ts).
    if (!methods.includes(route.method) || !route.path.startsWith("/v1/") || route.path.startsWith("/v1/client/") || route.path.startsWith("/v1/console/") || route.path === "/v1/reminders/preview") continue;
    const path = route.path.replace(/\/$/, "");
    routes.set(`${route.method} ${path}`, { method: route.method, path });
  }
  return [...routes.values()];
}

/** A route path with each `:param` replaced by an id no merchant has. */
function withPlaceholders(path: string): string {
  return path.replace(/:[^/]+/g, "zz_00000000000000000000000000");
}

/** Calls the Worker and reads only the status (the body is cancelled, so a stream cannot hang the test). */
async function rawFetch(key: string, method: string, path: string): Promise<{ status: number }> {
  const response: Response = await (exports as any).default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, { method, headers: { authorization: `Bearer ${key}` } }),
  );
  await response.body?.cancel();
  return { status: response.status };
}

beforeAll(async () => {
  world = await createWorld("Auth SARL");
  session = await mintSession(world.merchant.key, world.customer);
});

describe("keys only in Authorization", () => {
  it("should answer 401 api_key_missing with a Bearer challenge when no Authorization header is sent", async () => {
    const response = await api(null, "GET", "/v1/customers");
    expectProblem(response, 401, "api_key_missing", "Authorization");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("should answer 401 api_key_missing when the Authorization header is blank", async () => {
    expectProblem(await api(null, "GET", "/v1/customers", undefined, { authorization: "   " }), 401, "api_key_missing");
  });

  it.each([
    ["a Basic scheme", () => `Basic ${btoa(`${world.merchant.key}:`)}`],
    ["the bare key without a scheme", () => world.merchant.key],
    ["Bearer with no token", () => "Bearer"],
    ["Bearer with two tokens", () => `Bearer ${world.merchant.key} extra`],
    ["a token longer than 200 characters", () => `Bearer sk_test_${"a".repeat(300)}`],
  ])("should answer 401 api_key_invalid when the header is malformed: %s", async (_, header) => {
    expectProblem(await api(null, "GET", "/v1/customers", undefined, { authorization: header() }), 401, "api_key_invalid", "Authorization");
  });

  it.each([
    ["an unknown secret key", "sk_test_0123456789abcdefghjkmnpqrstv"],
    ["an unknown live key", "sk_live_0123456789abcdefghjkmnpqrstv"],
    ["a token of no known kind", "xx_0123456789abcdefghjkmnpqrstv"],
  ])("should answer 401 api_key_invalid when the key is %s", async (_, key) => {
    expectProblem(await api(key, "GET", "/v1/customers"), 401, "api_key_invalid", "Authorization");
  });

  it("should answer 401 when the secret key was revoked, while the merchant's other keys still work", async () => {
    const merchant = await createMerchant("Revoked SARL");
    expect((await api(merchant.key, "GET", "/v1/customers")).status).toBe(200);
    const revoked = await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_hash = ?")
      .bind(new Date().toISOString(), await sha256Hex(merchant.key))
      .run();
    expect(revoked.meta.changes).toBe(1);
    // Revoked straight in D1 (as another isolate or the merchant command would): refused within a second.
    await authCacheLifetimeSince(Date.now());
    expectProblem(await api(merchant.key, "GET", "/v1/customers"), 401, "api_key_invalid");
    expectProblem(await api(merchant.key, "POST", "/v1/customers", { name: "X", email: "x@example.com" }), 401, "api_key_invalid");
    expect((await api(merchant.readOnlyKey, "GET", "/v1/customers")).status).toBe(200);
  });

  it.each(["key", "api_key", "access_token", "token"])("should not accept a key passed in the query string as ?%s=", async (name) => {
    const response = await api(null, "GET", `/v1/customers?${name}=${encodeURIComponent(world.merchant.key)}`);
    expectProblem(response, 401, "api_key_missing");
    expect(response.text).not.toContain(world.merchant.id);
  });

  it("should not accept a key passed in the query string of a client route when no header is sent", async () => {
    expectProblem(await api(null, "GET", `/v1/client/invoices?key=${encodeURIComponent(session)}`), 401, "api_key_missing");
  });

  it("should not accept a key sent in another header when Authorization is absent", async () => {
    expectProblem(await api(null, "GET", "/v1/customers", undefined, { "x-api-key": world.merchant.key }), 401, "api_key_missing");
  });
});

describe("key types", () => {
  const merchantRoutes = (w: World): [string, string, unknown?][] => [
    ["GET", "/v1/customers"],
    ["GET", `/v1/customers/${w.customer}`],
    ["GET", "/v1/invoices"],
    ["GET", `/v1/invoices/${w.open}`],
    ["GET", `/v1/invoices/${w.open}/status`],
    ["GET", `/v1/payments/${w.payment}`],
    ["GET", "/v1/events"],
    ["GET", "/v1/settings"],
    ["POST", "/v1/customers", { name: "Intrus", email: "intrus@example.com" }],
    ["POST", `/v1/invoices/${w.open}/void`],
    ["POST", "/v1/client_sessions", { customer: w.customer }],
    ["PUT", "/v1/settings", { email_signature: "hijacked" }],
  ];

  it("should answer 403 wrong_key_type on every merchant route when a client session is used", async () => {
    const before = await databaseFingerprint();
    for (const [method, path, body] of merchantRoutes(world)) {
      const response = await api(session, method, path, body);
      expectProblem(response, 403, "wrong_key_type", "Authorization");
    }
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 403 wrong_key_type on every merchant route when the publishable key is used", async () => {
    const before = await databaseFingerprint();
    for (const [method, path, body] of merchantRoutes(world)) {
      const response = await api(world.merchant.publishableKey, method, path, body);
      expectProblem(response, 403, "wrong_key_type", "Authorization");
    }
    expect(await databaseFingerprint()).toBe(before);
  });

  it.each([
    ["the full secret key", () => world.merchant.key],
    ["the read-only key", () => world.merchant.readOnlyKey],
    ["the publishable key", () => world.merchant.publishableKey],
  ])("should answer 403 wrong_key_type on client routes when %s is used", async (_, key) => {
    expectProblem(await api(key(), "GET", "/v1/client/invoices"), 403, "wrong_key_type", "Authorization");
    expectProblem(await api(key(), "GET", `/v1/client/invoices/${world.open}`), 403, "wrong_key_type", "Authorization");
  });

  it("should let a client session list its invoices when it is live", async () => {
    const response = await api(session, "GET", "/v1/client/invoices");
    expect(response.status).toBe(200);
    expect(response.body.data.length).toBeGreaterThan(0);
  });

  it("should answer 401 api_key_invalid when the client session is unknown", async () => {
    expectProblem(await api("cs_0123456789abcdefghjkmnpqrstv", "GET", "/v1/client/invoices"), 401, "api_key_invalid");
  });

  it("should answer 401 session_expired when the client session has expired", async () => {
    const token = await mintSession(world.merchant.key, world.customer, 60);
    expect((await api(token, "GET", "/v1/client/invoices")).status).toBe(200);
    await env.DB.prepare("UPDATE client_sessions SET expires_at = ? WHERE token_hash = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), await sha256Hex(token))
      .run();
    await authCacheLifetimeSince(Date.now());
    expectProblem(await api(token, "GET", "/v1/client/invoices"), 401, "session_expired", "Authorization");
    expectProblem(await api(token, "GET", `/v1/client/invoices/${world.open}`), 401, "session_expired");
  });

  it("should answer 401 when the client session was revoked", async () => {
    const token = await mintSession(world.merchant.key, world.customer);
    await env.DB.prepare("UPDATE client_sessions SET revoked_at = ? WHERE token_hash = ?").bind(new Date().toISOString(), await sha256Hex(token)).run();
    expectProblem(await api(token, "GET", "/v1/client/invoices"), 401, "api_key_invalid");
  });

  it("should give a minted session an expiry one hour ahead when no expires_in is sent", async () => {
    const response = await api(world.merchant.key, "POST", "/v1/client_sessions", { customer: world.customer });
    expect(response.status).toBe(201);
    const lifetime = Date.parse(response.body.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
  });
});

describe("read_only scope", () => {
  it("should let the read-only key read every merchant GET route when it is used", async () => {
    const paths = [
      "/v1/customers",
      `/v1/customers/${world.customer}`,
      "/v1/invoices",
      `/v1/invoices/${world.draft}`,
      `/v1/invoices/${world.open}/status`,
      "/v1/payments",
      `/v1/payments/${world.payment}`,
      "/v1/events",
      "/v1/settings",
      "/v1/audit/chain",
    ];
    for (const path of paths) {
      const response = await api(world.merchant.readOnlyKey, "GET", path);
      expect({ path, status: response.status }, response.text).toEqual({ path, status: 200 });
    }
  });

  it("should let the read-only key through on every other GET route the app declares when it is used", async () => {
    const listed = ["/v1/customers", "/v1/customers/:id", "/v1/invoices", "/v1/invoices/:id", "/v1/invoices/:id/status", "/v1/payments", "/v1/payments/:id", "/v1/events", "/v1/settings", "/v1/audit/chain"];
    const reads = merchantRoutes(["GET"]);
    expect(reads.length).toBeGreaterThanOrEqual(listed.length);
    for (const path of reads.map((route) => route.path).filter((path) => !listed.includes(path))) {
      // Unknown ids: the answer may be 404 or 422, but never a refusal of the key.
      const response = await rawFetch(world.merchant.readOnlyKey, "GET", withPlaceholders(path));
      expect([401, 403], `GET ${path}`).not.toContain(response.status);
      expect(response.status, `GET ${path}`).toBeLessThan(500);
    }
  });

  it("should refuse every write with 403 insufficient_scope and change nothing when the key is read-only", async () => {
    const { merchant, customer, draft, open, payment } = world;
    const writes: [string, string, unknown?][] = [
      ["POST", "/v1/customers", { name: "Nouveau", email: "nouveau@example.com" }],
      ["POST", "/v1/invoices", { customer, currency: "eur", lines: [{ description: "X", quantity: 1, unit_amount: 100 }], issue: true }],
      ["POST", `/v1/invoices/${draft}`, { memo: "changed" }],
      ["POST", `/v1/invoices/${draft}/issue`],
      ["POST", `/v1/invoices/${open}/void`],
      ["POST", "/v1/payments", { method: "bank_transfer", amount: 100, currency: "eur", allocations: [{ invoice: open, amount: 100 }] }],
      ["POST", `/v1/payments/${payment}/refund`, {}],
      ["POST", "/v1/client_sessions", { customer }],
      ["PUT", "/v1/settings", { email_signature: "changed", allowed_origins: ["https://evil.example"] }],
    ];
    // Every other write route the app declares (outside client routes) is refused too, with placeholder ids.
    const listed = new Set(writes.map(([method, path]) => `${method} ${path.replace(/(cus|inv|pay)_[0-9a-z]{26}/, ":id")}`));
    const declared = merchantRoutes(["POST", "PUT", "PATCH", "DELETE"]);
    expect(declared.length).toBeGreaterThanOrEqual(writes.length);
    for (const route of declared) {
      if (!listed.has(`${route.method} ${route.path}`)) writes.push([route.method, withPlaceholders(route.path), {}]);
    }

    const before = await databaseFingerprint();
    for (const [method, path, body] of writes) {
      const response = await api(merchant.readOnlyKey, method, path, body, { "idempotency-key": `ro-${method}-${path}` });
      expectProblem(response, 403, "insufficient_scope", "Authorization");
    }
    expect(await databaseFingerprint()).toBe(before);
    const settings = await api(merchant.key, "GET", "/v1/settings");
    expect(settings.body.allowed_origins).toEqual([]);
  });

  it("should let the full key perform a write the read-only key was refused when the same request is sent", async () => {
    const body = { name: "Nouveau", email: "nouveau@example.com" };
    expectProblem(await api(world.merchant.readOnlyKey, "POST", "/v1/customers", body, { "idempotency-key": "shared-ro-full" }), 403, "insufficient_scope");
    const response = await api(world.merchant.key, "POST", "/v1/customers", body, { "idempotency-key": "shared-ro-full" });
    expect(response.status).toBe(201);
    expect(response.headers.get("idempotent-replayed")).toBeNull();
  });
});
