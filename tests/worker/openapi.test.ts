/**
 * The OpenAPI document says what typed clients need: a problem+json body on every error, an
 * operationId on every operation, the headers the API reads and sends. And `/docs` runs under a
 * strict Content-Security-Policy.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createMerchant } from "./helpers";

type Json = any;
const METHODS = ["get", "put", "post", "delete", "patch"];
let doc: Json;

function operations(): { method: string; path: string; operation: Json }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method] })),
  );
}

const headerParameters = (operation: Json): string[] =>
  (operation.parameters ?? []).map((parameter: Json) => {
    const resolved = parameter.$ref ? doc.components.parameters[parameter.$ref.split("/").pop()] : parameter;
    return resolved.in === "header" ? resolved.name : null;
  }).filter(Boolean);

beforeAll(async () => {
  const response = await api(null, "GET", "/openapi.json");
  expect(response.status).toBe(200);
  doc = response.body;
});

describe("the OpenAPI document", () => {
  it("should give every operation a unique operationId", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.length).toBeGreaterThan(30);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/v1/invoices/{id}/status"].get.operationId).toBe("getInvoicesByIdStatus");
  });

  it("should declare a problem+json body on every error response", () => {
    expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(["type", "title", "status", "code", "detail"]));
    let errors = 0;
    for (const { method, path, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        errors += 1;
        expect(response.content?.["application/problem+json"]?.schema, `${method} ${path} ${status}`).toEqual({ $ref: "#/components/schemas/Problem" });
      }
      expect(operation.responses["429"].headers["Retry-After"].schema.type, `${method} ${path}`).toBe("integer");
    }
    expect(errors).toBeGreaterThan(200);
    // A route's own bare error (the provider's 502) gets the problem body too.
    expect(doc.paths["/v1/client/payments"].post.responses["502"].content["application/problem+json"]).toBeDefined();
  });

  it("should declare 413 and 415 on every operation that takes a body", () => {
    for (const { method, path, operation } of operations()) {
      if (!["post", "put", "patch"].includes(method) || !path.startsWith("/v1/")) continue;
      expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["413", "415"]));
    }
    expect(doc.paths["/v1/invoices"].get.responses["415"]).toBeUndefined();
  });

  it("should declare Idempotency-Key on the POSTs that honour it, and only there", () => {
    for (const path of ["/v1/customers", "/v1/invoices", "/v1/payments", "/v1/invoices/{id}/issue", "/v1/client/payments"]) {
      expect(headerParameters(doc.paths[path].post), path).toContain("Idempotency-Key");
      const [, success] = Object.entries(doc.paths[path].post.responses as Record<string, Json>).find(([status]) => status.startsWith("2"))!;
      expect(success.headers["Idempotent-Replayed"], path).toEqual({ $ref: "#/components/headers/IdempotentReplayed" });
    }
    for (const { method, path, operation } of operations()) {
      if (method !== "post") expect(headerParameters(operation), `${method} ${path}`).not.toContain("Idempotency-Key");
    }
  });

  it("should declare If-None-Match and ETag on the light status, and Last-Event-ID on both streams", () => {
    const status = doc.paths["/v1/invoices/{id}/status"].get;
    expect(headerParameters(status)).toContain("If-None-Match");
    expect(status.responses["200"].headers.ETag).toEqual({ $ref: "#/components/headers/ETag" });
    expect(status.responses["304"].headers.ETag).toEqual({ $ref: "#/components/headers/ETag" });
    for (const path of ["/v1/events/stream", "/v1/client/stream"]) expect(headerParameters(doc.paths[path].get), path).toContain("Last-Event-ID");
    expect(headerParameters(doc.paths["/v1/events"].get)).not.toContain("Last-Event-ID");
  });

  it("should leave lines[].tax_rate optional and without a default keyword, while the API still applies 0", async () => {
    const line = doc.components.schemas.InvoiceCreate.properties.lines.items;
    expect(line.required).not.toContain("tax_rate");
    expect(line.properties.tax_rate).not.toHaveProperty("default");
    expect(line.properties.tax_rate).toMatchObject({ type: "integer", minimum: 0 });

    const merchant = await createMerchant();
    const customer = await api(merchant.key, "POST", "/v1/customers", { name: "Sans TVA", email: "sans-tva@example.com" });
    const invoice = await api(merchant.key, "POST", "/v1/invoices", { customer: customer.body.id, currency: "eur", lines: [{ description: "Conseil", quantity: 1, unit_amount: 1000 }] });
    expect(invoice.status).toBe(201);
    expect(invoice.body.lines[0].tax_rate).toBe(0);
    const refused = await api(merchant.key, "POST", "/v1/invoices", { customer: customer.body.id, currency: "eur", lines: [{ description: "Conseil", quantity: 1, unit_amount: 1000, tax_rate: -1 }] });
    expect(refused.status).toBe(422);
    expect(refused.body.param).toBe("lines[0].tax_rate");
  });
});

describe("/docs", () => {
  it("should be served under a strict Content-Security-Policy, with no inline script or style", async () => {
    const response = await api(null, "GET", "/docs");
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(csp.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["style-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    expect(response.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    expect(response.text).toContain('src="/docs-assets/docs-init.js"');
  });
});
