/**
 * CORS on every route the widget calls from a merchant's page (widget/src/api.ts, flow-api.ts and stream.ts):
 * the client endpoints and the sandbox's card submission.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, type TestMerchant } from "../helpers";
import { allowOrigins, expectProblem, mintSession } from "./support";

const SHOP = "https://shop.example";
const OTHER_SHOP = "https://other-shop.example";
const EVIL = "https://evil.example";

let merchant: TestMerchant;
let customer: string;

function preflight(origin: string, path: string, method: string, headers: string) {
  return api(null, "OPTIONS", path, undefined, { origin, "access-control-request-method": method, "access-control-request-headers": headers });
}

/** A sandbox payment of one fresh invoice, as the widget starts it: its id and the card form's token. */
async function sandboxPayment(): Promise<{ id: string; token: string; invoice: string }> {
  const invoice = (await createInvoice(merchant.key, customer)).id;
  const started = await api(await mintSession(merchant.key, customer), "POST", "/v1/client/payments", { invoices: [invoice], method: "sandbox" }, { origin: SHOP });
  if (started.status !== 201) throw new Error(`payment: ${started.text}`);
  return { id: started.body.id, token: started.body.action.token, invoice };
}

beforeAll(async () => {
  merchant = await createMerchant("Widget Cors SARL");
  await allowOrigins(merchant.key, [SHOP]);
  await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
  const other = await createMerchant("Other Widget Cors SARL");
  await allowOrigins(other.key, [OTHER_SHOP]);
  customer = (await createCustomer(merchant.key)).id;
});

describe("CORS preflight on every route the widget calls", () => {
  const routes: [string, string, string][] = [
    ["/v1/client/config", "GET", "authorization"],
    ["/v1/client/invoices?limit=100", "GET", "authorization"],
    ["/v1/client/invoices/inv_00000000000000000000000000", "GET", "authorization"],
    ["/v1/client/invoices/inv_00000000000000000000000000/transfer_qr.svg", "GET", "authorization"],
    ["/v1/client/payments", "POST", "authorization, content-type, idempotency-key"],
    ["/v1/client/payments/pay_00000000000000000000000000", "GET", "authorization"],
    ["/v1/client/payments/pay_00000000000000000000000000/capture", "POST", "authorization, content-type, idempotency-key"],
    ["/v1/client/stream", "GET", "authorization, last-event-id"],
  ];
  for (const [path, method, headers] of routes) {
    it(`should allow ${method} ${path} with the widget's headers when the origin is allowed`, async () => {
      const response = await preflight(SHOP, path, method, headers);
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
      expect(response.headers.get("access-control-allow-methods")).toContain(method);
      for (const header of headers.split(", ")) expect(response.headers.get("access-control-allow-headers")).toContain(header);
    });
  }
});

describe("CORS on the sandbox's card submission", () => {
  it("should answer the preflight with access-control-allow-origin when the payment's merchant allows the origin", async () => {
    const { token } = await sandboxPayment();
    const response = await preflight(SHOP, `/sandbox/pay/${token}`, "POST", "content-type");
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("content-type");
    expect(response.headers.get("vary")).toMatch(/Origin/i);
  });

  it("should settle the payment and let the page read the outcome when an allowed origin posts the card", async () => {
    const { id, token, invoice } = await sandboxPayment();
    const response = await api(null, "POST", `/sandbox/pay/${token}`, { card_number: "4242 4242 4242 4242" }, { origin: SHOP });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "succeeded", failure_message: null });
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(response.headers.get("vary")).toMatch(/Origin/i);
    expect((await api(merchant.key, "GET", `/v1/payments/${id}`)).body.status).toBe("succeeded");
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice}/status`)).body.status).toBe("paid");
  });

  it("should let the page read a decline when an allowed origin posts a declined card", async () => {
    const { token } = await sandboxPayment();
    const response = await api(null, "POST", `/sandbox/pay/${token}`, { card_number: "4000 0000 0000 0002" }, { origin: SHOP });
    expect(response.body).toEqual({ status: "failed", failure_message: "Your card was declined." });
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  it("should refuse the preflight and the card with 403 and leave the payment waiting when the origin is allowed by another merchant only", async () => {
    const { id, token } = await sandboxPayment();
    const refusedPreflight = await preflight(OTHER_SHOP, `/sandbox/pay/${token}`, "POST", "content-type");
    expectProblem(refusedPreflight, 403, "origin_not_allowed", "Origin");
    expect(refusedPreflight.headers.get("access-control-allow-origin")).toBeNull();
    const refused = await api(null, "POST", `/sandbox/pay/${token}`, { card_number: "4242 4242 4242 4242" }, { origin: OTHER_SHOP });
    expectProblem(refused, 403, "origin_not_allowed", "Origin");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect((await api(merchant.key, "GET", `/v1/payments/${id}`)).body.status).toBe("processing");
  });

  it("should refuse the card with 403 when no merchant allows the origin", async () => {
    const { token } = await sandboxPayment();
    const refused = await api(null, "POST", `/sandbox/pay/${token}`, { card_number: "4242 4242 4242 4242" }, { origin: EVIL });
    expectProblem(refused, 403, "origin_not_allowed", "Origin");
  });

  it("should answer the unknown link's 404 readably when an allowed origin posts to a token nobody issued", async () => {
    const response = await api(null, "POST", `/sandbox/pay/${"z".repeat(32)}`, { card_number: "4242 4242 4242 4242" }, { origin: SHOP });
    expectProblem(response, 404, "resource_missing", "token");
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  it("should still accept the card form's own same-origin post when there is no Origin header", async () => {
    const { token } = await sandboxPayment();
    const response = await api(null, "POST", `/sandbox/pay/${token}`, "card_number=4242+4242+4242+4242", { "content-type": "application/x-www-form-urlencoded" });
    expect(response.status).toBe(200);
    expect(response.text).toContain("Payment succeeded");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
