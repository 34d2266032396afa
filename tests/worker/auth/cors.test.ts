import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, type TestMerchant } from "../helpers";
import { allowOrigins, expectProblem, mintSession } from "../security/support";

const SHOP = "https://shop.example";
const OTHER_SHOP = "https://other-shop.example";
const EVIL = "https://evil.example";

let merchant: TestMerchant;
let other: TestMerchant;
let session: string;
let invoice: string;

function preflight(origin: string, path = "/v1/client/invoices", method = "GET") {
  return api(null, "OPTIONS", path, undefined, {
    origin,
    "access-control-request-method": method,
    "access-control-request-headers": "authorization",
  });
}

beforeAll(async () => {
  merchant = await createMerchant("Cors SARL");
  other = await createMerchant("Other Cors SARL");
  await allowOrigins(merchant.key, [SHOP]);
  await allowOrigins(other.key, [OTHER_SHOP]);
  const customer = (await createCustomer(merchant.key)).id;
  invoice = (await createInvoice(merchant.key, customer)).id;
  session = await mintSession(merchant.key, customer);
});

describe("CORS preflight on client endpoints", () => {
  it("should answer 204 with access-control-allow-origin when the origin is in the merchant's allowed_origins", async () => {
    const response = await preflight(SHOP);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(response.headers.get("access-control-allow-headers")).toMatch(/authorization/i);
    expect(response.headers.get("access-control-allow-methods")).toMatch(/GET/);
    expect(response.headers.get("vary")).toMatch(/Origin/i);
  });

  it("should answer 204 for the invoice route too when the origin is allowed", async () => {
    const response = await preflight(SHOP, `/v1/client/invoices/${invoice}`);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  it("should answer 403 origin_not_allowed with no access-control-allow-origin when no merchant allows the origin", async () => {
    const response = await preflight(EVIL);
    expectProblem(response, 403, "origin_not_allowed", "Origin");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should not treat an origin that merely starts like an allowed one as allowed when it differs", async () => {
    for (const origin of [`${SHOP}.evil.example`, `${SHOP}:8443`, "http://shop.example", "https://SHOP.example.evil"]) {
      const response = await preflight(origin);
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("should never answer a wildcard access-control-allow-origin when the origin is allowed", async () => {
    const response = await preflight(SHOP);
    expect(response.headers.get("access-control-allow-origin")).not.toBe("*");
  });

  it("should stop allowing an origin when the merchant removes it from its settings", async () => {
    const temporary = await createMerchant("Temporary Cors SARL");
    const origin = "https://temporary.example";
    await allowOrigins(temporary.key, [origin]);
    expect((await preflight(origin)).status).toBe(204);
    await allowOrigins(temporary.key, []);
    expect((await preflight(origin)).status).toBe(403);
  });
});

describe("CORS on real client requests", () => {
  it("should set access-control-allow-origin when a valid session calls from an allowed origin", async () => {
    const list = await api(session, "GET", "/v1/client/invoices", undefined, { origin: SHOP });
    expect(list.status).toBe(200);
    expect(list.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(list.headers.get("vary")).toMatch(/Origin/i);
    expect(list.body.data.map((item: { id: string }) => item.id)).toContain(invoice);
    const one = await api(session, "GET", `/v1/client/invoices/${invoice}`, undefined, { origin: SHOP });
    expect(one.status).toBe(200);
    expect(one.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  it("should answer 403 origin_not_allowed without access-control-allow-origin when the origin is allowed by another merchant only", async () => {
    const preflightResponse = await preflight(OTHER_SHOP);
    expect(preflightResponse.status).toBe(204); // the preflight cannot know the merchant yet
    const before = await databaseFingerprint();
    for (const path of ["/v1/client/invoices", `/v1/client/invoices/${invoice}`]) {
      const response = await api(session, "GET", path, undefined, { origin: OTHER_SHOP });
      expectProblem(response, 403, "origin_not_allowed", "Origin");
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.text).not.toContain(invoice.slice(4));
    }
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 403 origin_not_allowed without access-control-allow-origin when a valid session calls from an unknown origin", async () => {
    const response = await api(session, "GET", "/v1/client/invoices", undefined, { origin: EVIL });
    expectProblem(response, 403, "origin_not_allowed", "Origin");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should answer 200 without CORS headers when the request is same-origin", async () => {
    const response = await api(session, "GET", "/v1/client/invoices", undefined, { origin: "http://127.0.0.1:8787" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should answer 200 when the request carries no Origin header", async () => {
    const response = await api(session, "GET", `/v1/client/invoices/${invoice}`);
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(invoice);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should still require a session when the origin is allowed", async () => {
    const response = await api(null, "GET", "/v1/client/invoices", undefined, { origin: SHOP });
    expectProblem(response, 401, "api_key_missing");
  });

  it("should not add CORS headers to merchant endpoints when a browser origin calls them", async () => {
    const response = await api(merchant.key, "GET", "/v1/invoices", undefined, { origin: SHOP });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should refuse an invalid allowed origin in settings with 422 when it is not a bare origin", async () => {
    for (const origin of ["*", "https://shop.example/path", "shop.example", "javascript:alert(1)"]) {
      const response = await api(merchant.key, "PUT", "/v1/settings", { allowed_origins: [origin] });
      expect({ origin, status: response.status }).toEqual({ origin, status: 422 });
    }
    const settings = await api(merchant.key, "GET", "/v1/settings");
    expect(settings.body.allowed_origins).toEqual([SHOP]);
  });
});
