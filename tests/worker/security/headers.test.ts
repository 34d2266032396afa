/**
 * Security headers: nosniff and HSTS on every response the Worker makes, and the hosted pay page
 * and printable invoice kept out of other sites' frames, caches and referrers.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, type TestMerchant } from "../helpers";

let merchant: TestMerchant;
let payPath: string;

/** Calls the Worker at an https URL, as it is reached once deployed. */
async function overHttps(path: string, init: RequestInit = {}): Promise<Response> {
  const response: Response = await (exports as any).default.fetch(new Request(`https://quittance.example.com${path}`, init));
  await response.body?.cancel();
  return response;
}

beforeAll(async () => {
  merchant = await createMerchant("Headers SARL");
  await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
  const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
  payPath = new URL((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url).pathname;
});

describe("headers on every response", () => {
  it("should send X-Content-Type-Options: nosniff when the response is JSON, a problem, HTML or a preflight", async () => {
    const responses = {
      json: await api(merchant.key, "GET", "/v1/invoices"),
      problem: await api(null, "GET", "/v1/invoices"),
      notFound: await api(merchant.key, "GET", "/v1/nothing-here"),
      html: await api(null, "GET", payPath),
      preflight: await api(null, "OPTIONS", "/v1/client/invoices", undefined, { origin: "https://evil.example", "access-control-request-method": "GET" }),
      health: await api(null, "GET", "/health"),
    };
    for (const [kind, response] of Object.entries(responses)) expect({ kind, nosniff: response.headers.get("x-content-type-options") }).toEqual({ kind, nosniff: "nosniff" });
  });

  it("should send Strict-Transport-Security when the request arrives over https", async () => {
    for (const path of ["/health", "/v1/invoices", payPath, `${payPath}/print`]) {
      const response = await overHttps(path);
      expect({ path, hsts: response.headers.get("strict-transport-security") }).toEqual({ path, hsts: "max-age=31536000; includeSubDomains" });
    }
  });

  it("should not send Strict-Transport-Security when the request arrives over plain http", async () => {
    const response = await api(null, "GET", "/health");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("the hosted pay page", () => {
  it("should forbid framing by any site with frame-ancestors 'none' and X-Frame-Options DENY when the pay page is opened", async () => {
    const response = await api(null, "GET", payPath);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("should keep its no-store and no-referrer when the pay page is opened", async () => {
    const response = await api(null, "GET", payPath);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  });
});

describe("the printable invoice", () => {
  it("should be no-store, send no referrer and forbid framing when the printable invoice is opened", async () => {
    const response = await api(null, "GET", `${payPath}/print`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("content-security-policy")).toMatch(/(^|;\s*)frame-ancestors 'none'(;|$)/);
    expect(response.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });
});
