/**
 * Every validation rule of the write endpoints (and the query rules of the lists): the status, the
 * problem+json media type, the `code` and the exact `param` a client needs to fix its request. Every
 * request here is refused, so the last test proves the database did not move.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type ApiResponse, type TestMerchant } from "./helpers";

interface Fixtures {
  /** The merchant whose key sends the write requests. */
  merchant: TestMerchant;
  /** A second key of the same kind for the GET query rules (spreads the rate limit). */
  reader: TestMerchant;
  other: TestMerchant;
  customerA: string;
  customerB: string;
  otherCustomer: string;
  /** open, eur, total 12 000, nothing paid */
  openA: string;
  openA2: string;
  openB: string;
  openUsd: string;
  draft: string;
  draftVersion: number;
  voided: string;
  paid: string;
  otherInvoice: string;
  otherDraft: string;
  /** 5 000 paid on an invoice of 12 000: 5 000 refundable */
  refundable: string;
  refunded: string;
  otherPayment: string;
  readerInvoice: string;
  readerEvent: string;
}

const f = {} as Fixtures;
let fingerprint: string;
let settingsBefore: unknown;

const MAX_AMOUNT = 999_999_999_999;
const LINE = { description: "Audit", quantity: 1, unit_amount: 10_000, tax_rate: 2000 };

async function ok<T>(response: Promise<ApiResponse<T>>, status = 200): Promise<T> {
  const answered = await response;
  if (answered.status !== status) throw new Error(`setup: ${answered.status} ${answered.text}`);
  return answered.body;
}

beforeAll(async () => {
  [f.merchant, f.reader, f.other] = await Promise.all([createMerchant("Validation SARL"), createMerchant("Reader SARL"), createMerchant("Other SARL")]);
  const key = f.merchant.key;
  f.customerA = (await createCustomer(key, { external_id: "taken-ref" })).id;
  f.customerB = (await createCustomer(key, { name: "Autre Client" })).id;
  f.otherCustomer = (await createCustomer(f.other.key)).id;
  f.openA = (await createInvoice(key, f.customerA)).id;
  f.openA2 = (await createInvoice(key, f.customerA)).id;
  f.openB = (await createInvoice(key, f.customerB)).id;
  f.openUsd = (await createInvoice(key, f.customerA, { currency: "usd" })).id;
  const draft = await createInvoice(key, f.customerA, { issue: false });
  f.draft = draft.id;
  f.draftVersion = draft.version;
  f.voided = (await createInvoice(key, f.customerA)).id;
  await ok(api(key, "POST", `/v1/invoices/${f.voided}/void`));
  f.paid = (await createInvoice(key, f.customerA)).id;
  await ok(recordPayment(key, [{ invoice: f.paid, amount: 12_000 }]), 201);
  const partly = (await createInvoice(key, f.customerA)).id;
  f.refundable = (await ok(recordPayment(key, [{ invoice: partly, amount: 5000 }]), 201)).id;
  const refundedInvoice = (await createInvoice(key, f.customerA)).id;
  f.refunded = (await ok(recordPayment(key, [{ invoice: refundedInvoice, amount: 1000 }]), 201)).id;
  await ok(api(key, "POST", `/v1/payments/${f.refunded}/refund`, {}));
  f.otherInvoice = (await createInvoice(f.other.key, f.otherCustomer)).id;
  f.otherDraft = (await createInvoice(f.other.key, f.otherCustomer, { issue: false })).id;
  f.otherPayment = (await ok(recordPayment(f.other.key, [{ invoice: f.otherInvoice, amount: 100 }]), 201)).id;
  const readerCustomer = (await createCustomer(f.reader.key)).id;
  f.readerInvoice = (await createInvoice(f.reader.key, readerCustomer)).id;
  const events = await ok(api(f.reader.key, "GET", "/v1/events"));
  f.readerEvent = events.data[0].id;
  settingsBefore = await ok(api(key, "GET", "/v1/settings"));
  fingerprint = await databaseFingerprint();
});

/** Asserts an RFC 9457 problem with this status, code and param (`null`: no param at all). */
function expectProblem(response: ApiResponse, status: number, code: string, param: string | null) {
  const context = `${response.status} ${response.text}`;
  expect(response.status, context).toBe(status);
  expect(response.headers.get("content-type"), context).toBe("application/problem+json");
  expect(response.body, context).toMatchObject({ type: `https://quittance.dev/errors/${code}`, status, code });
  expect(typeof response.body.title, context).toBe("string");
  expect(response.body.detail, context).toEqual(expect.any(String));
  if (param === null) expect(response.body, context).not.toHaveProperty("param");
  else expect(response.body.param, context).toBe(param);
}

/** A request sent through the Worker with full control of the body and headers (no default content type). */
async function raw(method: string, path: string, body: BodyInit | null, headers: Record<string, string>): Promise<ApiResponse> {
  const response: Response = await (exports as any).default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, { method, body, headers: { authorization: `Bearer ${f.merchant.key}`, ...headers } }),
  );
  const text = await response.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

interface Endpoint {
  name: string;
  method: "POST" | "PUT";
  path: () => string;
  /** A body that passes the schema (rules beyond the schema may still refuse it). */
  valid: () => Record<string, unknown>;
  /** The same body with a lone surrogate in one string, and the param that names it. */
  surrogate: () => [Record<string, unknown>, string];
  /** The param a missing body (read as `{}`) is blamed on; null when every field is optional. */
  firstRequired: string | null;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: "POST /v1/customers", method: "POST", path: () => "/v1/customers",
    valid: () => ({ name: "Client", email: "c@example.com" }),
    surrogate: () => [{ name: "Cl\ud800ient", email: "c@example.com" }, "name"],
    firstRequired: "name",
  },
  {
    name: "POST /v1/invoices", method: "POST", path: () => "/v1/invoices",
    valid: () => ({ customer: f.customerA, currency: "eur", lines: [LINE] }),
    surrogate: () => [{ customer: f.customerA, currency: "eur", lines: [LINE, { ...LINE, description: "\udc00 broken" }] }, "lines[1].description"],
    firstRequired: "customer",
  },
  {
    name: "POST /v1/invoices/:id", method: "POST", path: () => `/v1/invoices/${f.draft}`,
    valid: () => ({ memo: "Merci" }),
    surrogate: () => [{ terms: { late_fee_policy: "x\ud83d" } }, "terms.late_fee_policy"],
    firstRequired: null,
  },
  {
    name: "POST /v1/payments", method: "POST", path: () => "/v1/payments",
    valid: () => ({ method: "bank_transfer", amount: 100, currency: "eur", allocations: [{ invoice: f.openA, amount: 100 }] }),
    surrogate: () => [{ method: "cheque", amount: 100, currency: "eur", reference: "\ude00", allocations: [{ invoice: f.openA, amount: 100 }] }, "reference"],
    firstRequired: "method",
  },
  {
    name: "POST /v1/payments/:id/refund", method: "POST", path: () => `/v1/payments/${f.refundable}/refund`,
    valid: () => ({ amount: 1 }),
    surrogate: () => [{ amount: 1, reason: "erreur \ud800" }, "reason"],
    firstRequired: null,
  },
  {
    name: "POST /v1/client_sessions", method: "POST", path: () => "/v1/client_sessions",
    valid: () => ({ customer: f.customerA }),
    surrogate: () => [{ customer: "cus_\udfff" }, "customer"],
    firstRequired: "customer",
  },
  {
    name: "PUT /v1/settings", method: "PUT", path: () => "/v1/settings",
    valid: () => ({ email_signature: "L'équipe" }),
    surrogate: () => [{ seller: { legal_name: "ACME \ud800" } }, "seller.legal_name"],
    firstRequired: null,
  },
];

describe.each(ENDPOINTS)("$name: the body itself", (endpoint) => {
  const send = (body: unknown, headers: Record<string, string> = {}) => api(f.merchant.key, endpoint.method, endpoint.path(), body, headers);

  it("should answer 400 malformed_json when the JSON text is cut short", async () => {
    const text = JSON.stringify(endpoint.valid()).slice(0, -1);
    expectProblem(await send(text), 400, "malformed_json", null);
  });

  it("should answer 400 malformed_json when the JSON has a trailing comma", async () => {
    expectProblem(await send(JSON.stringify(endpoint.valid()).replace(/}$/, ",}")), 400, "malformed_json", null);
  });

  it("should answer 415 unsupported_media_type at Content-Type when valid JSON is sent as text/plain", async () => {
    expectProblem(await send(JSON.stringify(endpoint.valid()), { "content-type": "text/plain" }), 415, "unsupported_media_type", "Content-Type");
  });

  it("should answer 415 unsupported_media_type at Content-Type when the body is form-encoded", async () => {
    expectProblem(await send("name=Client", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type", "Content-Type");
  });

  it("should answer 415 unsupported_media_type (not 500) when an empty body is declared text/plain", async () => {
    expectProblem(await raw(endpoint.method, endpoint.path(), "", { "content-type": "text/plain" }), 415, "unsupported_media_type", "Content-Type");
  });

  it("should answer 415 unsupported_media_type (not 500) when the JSON media type carries a malformed parameter", async () => {
    const response = await raw(endpoint.method, endpoint.path(), JSON.stringify(endpoint.valid()), { "content-type": "application/json;charset" });
    expectProblem(response, 415, "unsupported_media_type", "Content-Type");
  });

  it("should answer 413 payload_too_large when the body is over 256 KiB", async () => {
    const body = JSON.stringify({ ...endpoint.valid(), padding: "x".repeat(257 * 1024) });
    expectProblem(await send(body), 413, "payload_too_large", null);
  });

  it("should answer 413 payload_too_large when an oversized body is streamed without a length", async () => {
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    expectProblem(await raw(endpoint.method, endpoint.path(), stream, { "content-type": "application/json" }), 413, "payload_too_large", null);
  });

  it.each([
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"hello"'],
    ["a number", "42"],
    ["true", "true"],
  ])("should answer 422 parameter_invalid without param when the body is %s", async (_label, text) => {
    expectProblem(await send(text), 422, "parameter_invalid", null);
  });

  it("should answer 422 parameter_unknown at the key when the body has an unknown top-level field", async () => {
    expectProblem(await send({ ...endpoint.valid(), livemode: true }), 422, "parameter_unknown", "livemode");
  });

  it("should answer 422 parameter_unknown at __proto__ when the body smuggles a __proto__ key", async () => {
    const text = JSON.stringify(endpoint.valid()).replace(/^{/, '{"__proto__":{"admin":true},');
    expectProblem(await send(text), 422, "parameter_unknown", "__proto__");
  });

  it("should answer 422 parameter_invalid at the field when a string holds a lone surrogate", async () => {
    const [body, param] = endpoint.surrogate();
    expectProblem(await send(body), 422, "parameter_invalid", param);
  });

  if (endpoint.firstRequired !== null) {
    const firstRequired = endpoint.firstRequired;
    it(`should answer 400 malformed_json when the body is empty but declared JSON`, async () => {
      expectProblem(await send(""), 400, "malformed_json", null);
    });

    it(`should answer 422 parameter_missing at ${firstRequired} when there is no body at all`, async () => {
      expectProblem(await raw(endpoint.method, endpoint.path(), null, {}), 422, "parameter_missing", firstRequired);
    });

    it(`should read the body as JSON (and blame ${firstRequired}) when the media type is Application/JSON; charset=utf-8`, async () => {
      expectProblem(await send("{}", { "content-type": "Application/JSON; charset=utf-8" }), 422, "parameter_missing", firstRequired);
    });
  }
});

interface Rule {
  when: string;
  body: () => unknown;
  status?: number;
  code: string;
  param: string | null;
}

const lines = (...overrides: Record<string, unknown>[]) => overrides.map((override) => ({ ...LINE, ...override }));
const invoice = (extra: Record<string, unknown>) => ({ customer: f.customerA, currency: "eur", lines: [LINE], ...extra });
const without = (body: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== key));

describe("POST /v1/customers rules", () => {
  const base = { name: "Client SAS", email: "client@example.com" };
  const rules: Rule[] = [
    { when: "name is missing", body: () => without(base, "name"), code: "parameter_missing", param: "name" },
    { when: "email is missing", body: () => without(base, "email"), code: "parameter_missing", param: "email" },
    { when: "name is only spaces", body: () => ({ ...base, name: "   " }), code: "parameter_invalid", param: "name" },
    { when: "name is a number", body: () => ({ ...base, name: 42 }), code: "parameter_invalid", param: "name" },
    { when: "name is null", body: () => ({ ...base, name: null }), code: "parameter_invalid", param: "name" },
    { when: "name has 201 characters", body: () => ({ ...base, name: "n".repeat(201) }), code: "parameter_invalid", param: "name" },
    { when: "email has no domain", body: () => ({ ...base, email: "client@" }), code: "parameter_invalid", param: "email" },
    { when: "locale is FR_fr", body: () => ({ ...base, locale: "FR_fr" }), code: "parameter_invalid", param: "locale" },
    { when: "external_id is empty", body: () => ({ ...base, external_id: "" }), code: "parameter_invalid", param: "external_id" },
    { when: "address lacks a postal code", body: () => ({ ...base, address: { line1: "1 rue X", city: "Paris", country: "FR" } }), code: "parameter_missing", param: "address.postal_code" },
    { when: "address.country is lower-case", body: () => ({ ...base, address: { line1: "1 rue X", postal_code: "75001", city: "Paris", country: "fr" } }), code: "parameter_invalid", param: "address.country" },
    { when: "address has an unknown field", body: () => ({ ...base, address: { line1: "1 rue X", postal_code: "75001", city: "Paris", country: "FR", zip: "75001" } }), code: "parameter_unknown", param: "address.zip" },
    { when: "siren has 8 digits", body: () => ({ ...base, siren: "12345678" }), code: "parameter_invalid", param: "siren" },
    { when: "vat_number is lower-case", body: () => ({ ...base, vat_number: "fr12345678901" }), code: "parameter_invalid", param: "vat_number" },
    { when: "external_id is already used by another customer", body: () => ({ ...base, external_id: "taken-ref" }), status: 409, code: "external_id_taken", param: "external_id" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    expectProblem(await api(f.merchant.key, "POST", "/v1/customers", rule.body()), rule.status ?? 422, rule.code, rule.param);
  });
});

describe("POST /v1/invoices rules", () => {
  const rules: Rule[] = [
    { when: "customer is missing", body: () => without(invoice({}), "customer"), code: "parameter_missing", param: "customer" },
    { when: "customer is not a cus_ id", body: () => invoice({ customer: "cus_123" }), code: "parameter_invalid", param: "customer" },
    { when: "customer does not exist", body: () => invoice({ customer: "cus_00000000000000000000000000" }), status: 404, code: "resource_missing", param: "customer" },
    { when: "customer belongs to another merchant", body: () => invoice({ customer: f.otherCustomer }), status: 404, code: "resource_missing", param: "customer" },
    { when: "currency is missing", body: () => without(invoice({}), "currency"), code: "parameter_missing", param: "currency" },
    { when: "currency is not ISO 4217", body: () => invoice({ currency: "xyz" }), code: "parameter_invalid", param: "currency" },
    { when: "currency is the numeric code 978", body: () => invoice({ currency: 978 }), code: "parameter_invalid", param: "currency" },
    { when: "lines is missing", body: () => without(invoice({}), "lines"), code: "parameter_missing", param: "lines" },
    { when: "lines is empty", body: () => invoice({ lines: [] }), code: "parameter_invalid", param: "lines" },
    { when: "lines has 101 lines", body: () => invoice({ lines: Array.from({ length: 101 }, () => LINE) }), code: "parameter_invalid", param: "lines" },
    { when: "lines is an object", body: () => invoice({ lines: LINE }), code: "parameter_invalid", param: "lines" },
    { when: "a line is null", body: () => invoice({ lines: [LINE, null] }), code: "parameter_invalid", param: "lines[1]" },
    { when: "a line has no description", body: () => invoice({ lines: [without(LINE, "description")] }), code: "parameter_missing", param: "lines[0].description" },
    { when: "the second line has no quantity", body: () => invoice({ lines: [LINE, without(LINE, "quantity")] }), code: "parameter_missing", param: "lines[1].quantity" },
    { when: "a line has no unit_amount", body: () => invoice({ lines: [without(LINE, "unit_amount")] }), code: "parameter_missing", param: "lines[0].unit_amount" },
    { when: "a description is blank", body: () => invoice({ lines: lines({ description: " " }) }), code: "parameter_invalid", param: "lines[0].description" },
    { when: "a description has 501 characters", body: () => invoice({ lines: lines({ description: "d".repeat(501) }) }), code: "parameter_invalid", param: "lines[0].description" },
    { when: "a quantity is 0", body: () => invoice({ lines: lines({ quantity: 0 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a quantity is negative", body: () => invoice({ lines: lines({ quantity: -2 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a quantity has 4 decimals", body: () => invoice({ lines: lines({}, { quantity: 1.2345 }) }), code: "parameter_invalid", param: "lines[1].quantity" },
    { when: "a quantity is 0.0001", body: () => invoice({ lines: lines({ quantity: 0.0001 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a quantity is 1e300", body: () => invoice({ lines: lines({ quantity: 1e300 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a quantity is above 1 000 000", body: () => invoice({ lines: lines({ quantity: 1_000_001 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a quantity is a string", body: () => invoice({ lines: lines({ quantity: "2" }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "a unit_amount has decimals", body: () => invoice({ lines: lines({ unit_amount: 19.99 }) }), code: "parameter_invalid", param: "lines[0].unit_amount" },
    { when: "a unit_amount is 10^12", body: () => invoice({ lines: lines({ unit_amount: MAX_AMOUNT + 1 }) }), code: "parameter_invalid", param: "lines[0].unit_amount" },
    { when: "a unit_amount is below -(10^12 - 1)", body: () => invoice({ lines: lines({}, { unit_amount: -MAX_AMOUNT - 1 }) }), code: "parameter_invalid", param: "lines[1].unit_amount" },
    { when: "a unit_amount is 2^53", body: () => invoice({ lines: lines({ unit_amount: 2 ** 53 }) }), code: "parameter_invalid", param: "lines[0].unit_amount" },
    { when: "a unit_amount is 1e400 (Infinity once parsed)", body: () => JSON.stringify(invoice({ lines: lines({ unit_amount: 7 }) })).replace('"unit_amount":7', '"unit_amount":1e400'), code: "parameter_invalid", param: "lines[0].unit_amount" },
    { when: "a tax_rate is 10 001 basis points", body: () => invoice({ lines: lines({ tax_rate: 10_001 }) }), code: "parameter_invalid", param: "lines[0].tax_rate" },
    { when: "a tax_rate is 5.5 (percent instead of basis points)", body: () => invoice({ lines: lines({ tax_rate: 5.5 }) }), code: "parameter_invalid", param: "lines[0].tax_rate" },
    { when: "a tax_rate is negative", body: () => invoice({ lines: lines({ tax_rate: -1 }) }), code: "parameter_invalid", param: "lines[0].tax_rate" },
    { when: "a line has an unknown field", body: () => invoice({ lines: lines({ discount: 10 }) }), code: "parameter_unknown", param: "lines[0].discount" },
    { when: "a line's quantity times unit_amount exceeds 10^12 - 1", body: () => invoice({ lines: lines({}, { quantity: 1000, unit_amount: MAX_AMOUNT }) }), code: "amount_too_large", param: "lines[1]" },
    { when: "a line's tax pushes its total past 10^12 - 1", body: () => invoice({ lines: lines({ unit_amount: MAX_AMOUNT, tax_rate: 2000 }) }), code: "amount_too_large", param: "lines[0]" },
    { when: "the lines add up past 10^12 - 1", body: () => invoice({ lines: lines({ unit_amount: MAX_AMOUNT, tax_rate: 0 }, { unit_amount: 1, tax_rate: 0 }) }), code: "amount_too_large", param: "lines" },
    { when: "a discount line brings the total to 0", body: () => invoice({ lines: lines({}, { description: "Remise", unit_amount: -10_000 }) }), code: "invoice_total_not_positive", param: "lines" },
    { when: "the only line is a discount", body: () => invoice({ lines: lines({ unit_amount: -500 }) }), code: "invoice_total_not_positive", param: "lines" },
    { when: "the total rounds to 0", body: () => invoice({ lines: lines({ quantity: 0.001, unit_amount: 1, tax_rate: 0 }) }), code: "invoice_total_not_positive", param: "lines" },
    { when: "both due_date and net_days are given", body: () => invoice({ due_date: "2026-12-31", net_days: 30 }), code: "parameter_invalid", param: "net_days" },
    { when: "due_date is February 30th", body: () => invoice({ due_date: "2026-02-30" }), code: "parameter_invalid", param: "due_date" },
    { when: "due_date is written DD/MM/YYYY", body: () => invoice({ due_date: "31/12/2026" }), code: "parameter_invalid", param: "due_date" },
    { when: "due_date is past 2099", body: () => invoice({ due_date: "2100-01-01" }), code: "parameter_invalid", param: "due_date" },
    { when: "net_days is 366", body: () => invoice({ net_days: 366 }), code: "parameter_invalid", param: "net_days" },
    { when: "net_days is negative", body: () => invoice({ net_days: -1 }), code: "parameter_invalid", param: "net_days" },
    { when: "terms.customer_type is unknown", body: () => invoice({ terms: { customer_type: "robot" } }), code: "parameter_invalid", param: "terms.customer_type" },
    { when: "terms has an unknown field", body: () => invoice({ terms: { penalty_rate: 10 } }), code: "parameter_unknown", param: "terms.penalty_rate" },
    { when: "payment_methods names an unknown method", body: () => invoice({ payment_methods: ["card", "bitcoin"] }), code: "parameter_invalid", param: "payment_methods[1]" },
    { when: "payment_methods is empty", body: () => invoice({ payment_methods: [] }), code: "parameter_invalid", param: "payment_methods" },
    { when: "payment_methods names a method the merchant does not accept", body: () => invoice({ payment_methods: ["card", "sandbox"] }), code: "payment_method_not_accepted", param: "payment_methods[1]" },
    { when: "issue is the string yes", body: () => invoice({ issue: "yes" }), code: "parameter_invalid", param: "issue" },
    { when: "memo has 2001 characters", body: () => invoice({ memo: "m".repeat(2001) }), code: "parameter_invalid", param: "memo" },
    { when: "status is sent (it is derived, never given)", body: () => invoice({ status: "paid" }), code: "parameter_unknown", param: "status" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    expectProblem(await api(f.merchant.key, "POST", "/v1/invoices", rule.body()), rule.status ?? 422, rule.code, rule.param);
  });
});

describe("POST /v1/invoices/:id (update a draft) rules", () => {
  const rules: (Rule & { invoice?: () => string })[] = [
    { when: "the invoice is issued", invoice: () => f.openA, body: () => ({ memo: "changed" }), status: 409, code: "invoice_immutable", param: null },
    { when: "the invoice does not exist", invoice: () => "inv_00000000000000000000000000", body: () => ({ memo: "x" }), status: 404, code: "resource_missing", param: "id" },
    { when: "the draft belongs to another merchant", invoice: () => f.otherDraft, body: () => ({ memo: "x" }), status: 404, code: "resource_missing", param: "id" },
    { when: "the id is longer than 64 characters", invoice: () => `inv_${"0".repeat(61)}`, body: () => ({ memo: "x" }), code: "parameter_invalid", param: "id" },
    { when: "a line's quantity has 4 decimals", body: () => ({ lines: lines({ quantity: 0.0005 }) }), code: "parameter_invalid", param: "lines[0].quantity" },
    { when: "the second line has no description", body: () => ({ lines: [LINE, without(LINE, "description")] }), code: "parameter_missing", param: "lines[1].description" },
    { when: "the new lines total 0", body: () => ({ lines: lines({ unit_amount: 0 }) }), code: "invoice_total_not_positive", param: "lines" },
    { when: "the new lines overflow", body: () => ({ lines: lines({ quantity: 2, unit_amount: MAX_AMOUNT }) }), code: "amount_too_large", param: "lines[0]" },
    { when: "lines is empty", body: () => ({ lines: [] }), code: "parameter_invalid", param: "lines" },
    { when: "both due_date and net_days are given", body: () => ({ due_date: "2026-12-31", net_days: 10 }), code: "parameter_invalid", param: "net_days" },
    { when: "due_date is not a date", body: () => ({ due_date: "tomorrow" }), code: "parameter_invalid", param: "due_date" },
    { when: "customer is null", body: () => ({ customer: null }), code: "parameter_invalid", param: "customer" },
    { when: "customer does not exist", body: () => ({ customer: "cus_00000000000000000000000000" }), status: 404, code: "resource_missing", param: "customer" },
    { when: "customer belongs to another merchant", body: () => ({ customer: f.otherCustomer }), status: 404, code: "resource_missing", param: "customer" },
    { when: "currency is unknown", body: () => ({ currency: "eu" }), code: "parameter_invalid", param: "currency" },
    { when: "payment_methods names a method the merchant does not accept", body: () => ({ payment_methods: ["sandbox"] }), code: "payment_method_not_accepted", param: "payment_methods[0]" },
    { when: "number is sent (assigned at issue only)", body: () => ({ number: "F2026-000001" }), code: "parameter_unknown", param: "number" },
    { when: "issue is sent (use POST /issue)", body: () => ({ issue: true }), code: "parameter_unknown", param: "issue" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    const id = rule.invoice?.() ?? f.draft;
    expectProblem(await api(f.merchant.key, "POST", `/v1/invoices/${id}`, rule.body()), rule.status ?? 422, rule.code, rule.param);
  });

  it("should keep the draft's version and lines when every update above was refused", async () => {
    const draft = await ok(api(f.merchant.key, "GET", `/v1/invoices/${f.draft}`));
    expect(draft).toMatchObject({ status: "draft", version: f.draftVersion, total: 12_000, memo: null, currency: "eur" });
    expect(draft.lines).toHaveLength(1);
  });
});

describe("POST /v1/payments rules", () => {
  const pay = (extra: Record<string, unknown>) => ({ method: "bank_transfer", amount: 1000, currency: "eur", allocations: [{ invoice: f.openA, amount: 1000 }], ...extra });
  const rules: Rule[] = [
    { when: "method is missing", body: () => without(pay({}), "method"), code: "parameter_missing", param: "method" },
    { when: "method is card (an online method)", body: () => pay({ method: "card" }), code: "parameter_invalid", param: "method" },
    { when: "amount is missing", body: () => without(pay({}), "amount"), code: "parameter_missing", param: "amount" },
    { when: "amount is 0", body: () => pay({ amount: 0 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is negative", body: () => pay({ amount: -1000 }), code: "parameter_invalid", param: "amount" },
    { when: "amount has decimals", body: () => pay({ amount: 10.5 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is a string", body: () => pay({ amount: "1000" }), code: "parameter_invalid", param: "amount" },
    { when: "amount is 10^12", body: () => pay({ amount: MAX_AMOUNT + 1 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is Number.MAX_SAFE_INTEGER + 2", body: () => pay({ amount: Number.MAX_SAFE_INTEGER + 2 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is 1e300", body: () => pay({ amount: 1e300 }), code: "parameter_invalid", param: "amount" },
    { when: "currency is missing", body: () => without(pay({}), "currency"), code: "parameter_missing", param: "currency" },
    { when: "currency is unknown", body: () => pay({ currency: "btc" }), code: "parameter_invalid", param: "currency" },
    { when: "reference is blank", body: () => pay({ reference: "  " }), code: "parameter_invalid", param: "reference" },
    { when: "received_on is not a real date", body: () => pay({ received_on: "2026-04-31" }), code: "parameter_invalid", param: "received_on" },
    { when: "allocations is missing", body: () => without(pay({}), "allocations"), code: "parameter_missing", param: "allocations" },
    { when: "allocations is empty", body: () => pay({ allocations: [] }), code: "parameter_invalid", param: "allocations" },
    { when: "an allocation has no invoice", body: () => pay({ allocations: [{ amount: 1000 }] }), code: "parameter_missing", param: "allocations[0].invoice" },
    { when: "an allocation's invoice is not an inv_ id", body: () => pay({ allocations: [{ invoice: f.customerA, amount: 1000 }] }), code: "parameter_invalid", param: "allocations[0].invoice" },
    { when: "the second allocation's amount is 0", body: () => pay({ amount: 1000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.openA2, amount: 0 }] }), code: "parameter_invalid", param: "allocations[1].amount" },
    { when: "an allocation's amount has decimals", body: () => pay({ allocations: [{ invoice: f.openA, amount: 999.5 }] }), code: "parameter_invalid", param: "allocations[0].amount" },
    { when: "an allocation has an unknown field", body: () => pay({ allocations: [{ invoice: f.openA, amount: 1000, note: "x" }] }), code: "parameter_unknown", param: "allocations[0].note" },
    { when: "the same invoice is allocated twice", body: () => pay({ amount: 2000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.openA, amount: 1000 }] }), code: "duplicate_allocation", param: "allocations[1].invoice" },
    { when: "the allocations add up to less than the amount", body: () => pay({ amount: 1500 }), code: "allocations_do_not_match_amount", param: "allocations" },
    { when: "the allocations add up to more than the amount", body: () => pay({ amount: 1000, allocations: [{ invoice: f.openA, amount: 600 }, { invoice: f.openA2, amount: 600 }] }), code: "allocations_do_not_match_amount", param: "allocations" },
    { when: "an invoice does not exist", body: () => pay({ allocations: [{ invoice: "inv_00000000000000000000000000", amount: 1000 }] }), status: 404, code: "resource_missing", param: "allocations[0].invoice" },
    { when: "the second invoice belongs to another merchant", body: () => pay({ amount: 2000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.otherInvoice, amount: 1000 }] }), status: 404, code: "resource_missing", param: "allocations[1].invoice" },
    { when: "the payment's currency differs from the invoice's", body: () => pay({ currency: "usd" }), code: "currency_mismatch", param: "allocations[0].invoice" },
    { when: "the second invoice is in another currency", body: () => pay({ amount: 2000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.openUsd, amount: 1000 }] }), code: "currency_mismatch", param: "allocations[1].invoice" },
    { when: "the invoice is a draft", body: () => pay({ allocations: [{ invoice: f.draft, amount: 1000 }] }), code: "invoice_not_payable", param: "allocations[0].invoice" },
    { when: "the invoice is void", body: () => pay({ allocations: [{ invoice: f.voided, amount: 1000 }] }), code: "invoice_not_payable", param: "allocations[0].invoice" },
    { when: "the invoice is already paid", body: () => pay({ amount: 2000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.paid, amount: 1000 }] }), code: "invoice_not_payable", param: "allocations[1].invoice" },
    { when: "an allocation exceeds the invoice's amount due", body: () => pay({ amount: 12_001, allocations: [{ invoice: f.openA, amount: 12_001 }] }), code: "allocation_exceeds_amount_due", param: "allocations[0].amount" },
    { when: "the second allocation exceeds its invoice's amount due", body: () => pay({ amount: 13_001, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.openA2, amount: 12_001 }] }), code: "allocation_exceeds_amount_due", param: "allocations[1].amount" },
    { when: "the invoices belong to two customers", body: () => pay({ amount: 2000, allocations: [{ invoice: f.openA, amount: 1000 }, { invoice: f.openB, amount: 1000 }] }), code: "customer_mismatch", param: "allocations[1].invoice" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    expectProblem(await api(f.merchant.key, "POST", "/v1/payments", rule.body()), rule.status ?? 422, rule.code, rule.param);
  });

  it("should leave every invoice unpaid when every payment above was refused", async () => {
    for (const id of [f.openA, f.openA2, f.openB, f.openUsd]) {
      const found = await ok(api(f.merchant.key, "GET", `/v1/invoices/${id}`));
      expect(found, id).toMatchObject({ status: "open", amount_paid: 0, amount_due: 12_000, payments: [] });
    }
  });
});

describe("POST /v1/payments/:id/refund rules", () => {
  const rules: (Rule & { payment?: () => string })[] = [
    { when: "amount is 0", body: () => ({ amount: 0 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is negative", body: () => ({ amount: -1 }), code: "parameter_invalid", param: "amount" },
    { when: "amount has decimals", body: () => ({ amount: 1.5 }), code: "parameter_invalid", param: "amount" },
    { when: "amount is a string", body: () => ({ amount: "100" }), code: "parameter_invalid", param: "amount" },
    { when: "amount is 2^53", body: () => ({ amount: 2 ** 53 }), code: "parameter_invalid", param: "amount" },
    { when: "reason has 501 characters", body: () => ({ reason: "r".repeat(501) }), code: "parameter_invalid", param: "reason" },
    { when: "an unknown field is sent", body: () => ({ amount: 1, invoices: [f.openA] }), code: "parameter_unknown", param: "invoices" },
    { when: "invoice names an invoice this payment did not pay", body: () => ({ amount: 1, invoice: f.openA }), code: "parameter_invalid", param: "invoice" },
    { when: "amount is more than what is left to refund", body: () => ({ amount: 5001 }), code: "refund_exceeds_amount", param: "amount" },
    { when: "the payment was fully refunded already", payment: () => f.refunded, body: () => ({ amount: 1 }), status: 409, code: "payment_not_refundable", param: null },
    { when: "the payment does not exist", payment: () => "pay_00000000000000000000000000", body: () => ({}), status: 404, code: "resource_missing", param: "id" },
    { when: "the payment belongs to another merchant", payment: () => f.otherPayment, body: () => ({}), status: 404, code: "resource_missing", param: "id" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    const id = rule.payment?.() ?? f.refundable;
    expectProblem(await api(f.merchant.key, "POST", `/v1/payments/${id}/refund`, rule.body()), rule.status ?? 422, rule.code, rule.param);
  });

  it("should keep the payment unrefunded when every refund above was refused", async () => {
    const payment = await ok(api(f.merchant.key, "GET", `/v1/payments/${f.refundable}`));
    expect(payment).toMatchObject({ status: "succeeded", amount: 5000, amount_refunded: 0, refunds: [] });
  });
});

describe("POST /v1/client_sessions rules", () => {
  const rules: Rule[] = [
    { when: "customer is missing", body: () => ({ expires_in: 600 }), code: "parameter_missing", param: "customer" },
    { when: "customer is an invoice id", body: () => ({ customer: f.openA }), code: "parameter_invalid", param: "customer" },
    { when: "customer does not exist", body: () => ({ customer: "cus_00000000000000000000000000" }), status: 404, code: "resource_missing", param: "customer" },
    { when: "customer belongs to another merchant", body: () => ({ customer: f.otherCustomer }), status: 404, code: "resource_missing", param: "customer" },
    { when: "expires_in is under a minute", body: () => ({ customer: f.customerA, expires_in: 59 }), code: "parameter_invalid", param: "expires_in" },
    { when: "expires_in is over a day", body: () => ({ customer: f.customerA, expires_in: 86_401 }), code: "parameter_invalid", param: "expires_in" },
    { when: "expires_in has decimals", body: () => ({ customer: f.customerA, expires_in: 90.5 }), code: "parameter_invalid", param: "expires_in" },
    { when: "an unknown field is sent", body: () => ({ customer: f.customerA, scope: "admin" }), code: "parameter_unknown", param: "scope" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    expectProblem(await api(f.merchant.key, "POST", "/v1/client_sessions", rule.body()), rule.status ?? 422, rule.code, rule.param);
  });
});

describe("PUT /v1/settings rules", () => {
  const terms = { net_days: 30 };
  const rules: Rule[] = [
    { when: "payment_methods names an unknown method", body: () => ({ payment_methods: ["card", "bitcoin"] }), code: "parameter_invalid", param: "payment_methods[1]" },
    { when: "payment_methods has 5 entries", body: () => ({ payment_methods: ["card", "card", "card", "card", "card"] }), code: "parameter_invalid", param: "payment_methods" },
    { when: "payment_methods is a string", body: () => ({ payment_methods: "card" }), code: "parameter_invalid", param: "payment_methods" },
    { when: "default_terms lacks net_days", body: () => ({ default_terms: { late_fee_policy: "10 %" } }), code: "parameter_missing", param: "default_terms.net_days" },
    { when: "default_terms.net_days is 400", body: () => ({ default_terms: { net_days: 400 } }), code: "parameter_invalid", param: "default_terms.net_days" },
    { when: "default_terms has an unknown field", body: () => ({ default_terms: { ...terms, grace_days: 3 } }), code: "parameter_unknown", param: "default_terms.grace_days" },
    { when: "numbering.format has no {SEQ}", body: () => ({ numbering: { format: "F{YYYY}-" } }), code: "parameter_invalid", param: "numbering.format" },
    { when: "numbering.format has two {SEQ}", body: () => ({ numbering: { format: "{SEQ}-{SEQ:4}" } }), code: "parameter_invalid", param: "numbering.format" },
    { when: "numbering.format holds markup", body: () => ({ numbering: { format: "<b>{SEQ}</b>" } }), code: "parameter_invalid", param: "numbering.format" },
    { when: "numbering is missing its format", body: () => ({ numbering: {} }), code: "parameter_missing", param: "numbering.format" },
    { when: "an allowed origin has a path", body: () => ({ allowed_origins: ["https://shop.example.com", "https://shop.example.com/pay"] }), code: "parameter_invalid", param: "allowed_origins[1]" },
    { when: "there are 21 allowed origins", body: () => ({ allowed_origins: Array.from({ length: 21 }, (_, index) => `https://s${index}.example.com`) }), code: "parameter_invalid", param: "allowed_origins" },
    { when: "seller.siren has letters", body: () => ({ seller: { siren: "12345678A" } }), code: "parameter_invalid", param: "seller.siren" },
    { when: "seller.siret has 13 digits", body: () => ({ seller: { siret: "1234567890123" } }), code: "parameter_invalid", param: "seller.siret" },
    { when: "seller.address.country is a name", body: () => ({ seller: { address: { line1: "1 rue X", postal_code: "75001", city: "Paris", country: "France" } } }), code: "parameter_invalid", param: "seller.address.country" },
    { when: "seller has an unknown field", body: () => ({ seller: { iban: "FR76" } }), code: "parameter_unknown", param: "seller.iban" },
    { when: "email_signature has 2001 characters", body: () => ({ email_signature: "s".repeat(2001) }), code: "parameter_invalid", param: "email_signature" },
    { when: "branding.accent_color is a colour name", body: () => ({ branding: { accent_color: "red" } }), code: "parameter_invalid", param: "branding.accent_color" },
    { when: "branding.logo_url is not a URL", body: () => ({ branding: { logo_url: "logo.png" } }), code: "parameter_invalid", param: "branding.logo_url" },
    { when: "branding.logo_url is a javascript: URL", body: () => ({ branding: { logo_url: "javascript:alert(1)" } }), code: "parameter_invalid", param: "branding.logo_url" },
    { when: "branding.logo_url is a data: URL", body: () => ({ branding: { logo_url: "data:image/svg+xml,<svg onload=alert(1)>" } }), code: "parameter_invalid", param: "branding.logo_url" },
    { when: "an unknown top-level setting is sent", body: () => ({ timezone: "Europe/Paris" }), code: "parameter_unknown", param: "timezone" },
  ];
  it.each(rules)("should answer $code at $param when $when", async (rule) => {
    expectProblem(await api(f.merchant.key, "PUT", "/v1/settings", rule.body()), rule.status ?? 422, rule.code, rule.param);
  });

  it("should keep the settings as they were when every change above was refused", async () => {
    expect(await ok(api(f.merchant.key, "GET", "/v1/settings"))).toEqual(settingsBefore);
  });
});

describe("Idempotency-Key header rules", () => {
  it.each([
    ["empty", ""],
    ["256 characters long", "k".repeat(256)],
  ])("should answer parameter_invalid at Idempotency-Key when the key is %s", async (_label, key) => {
    const response = await api(f.merchant.key, "POST", "/v1/customers", { name: "Client", email: "c@example.com" }, { "idempotency-key": key });
    expectProblem(response, 422, "parameter_invalid", "Idempotency-Key");
  });
});

describe("GET query rules", () => {
  const get = (path: string) => api(f.reader.key, "GET", path);
  const rules: { when: string; path: () => string; param: string }[] = [
    { when: "limit is 0", path: () => "/v1/invoices?limit=0", param: "limit" },
    { when: "limit is 101", path: () => "/v1/invoices?limit=101", param: "limit" },
    { when: "limit is not a number", path: () => "/v1/invoices?limit=ten", param: "limit" },
    { when: "limit has decimals", path: () => "/v1/invoices?limit=2.5", param: "limit" },
    { when: "limit is negative", path: () => "/v1/invoices?limit=-5", param: "limit" },
    { when: "starting_after is not an id", path: () => "/v1/invoices?starting_after=garbage", param: "starting_after" },
    { when: "starting_after is an unknown invoice", path: () => "/v1/invoices?starting_after=inv_00000000000000000000000000", param: "starting_after" },
    { when: "starting_after is another merchant's invoice", path: () => `/v1/invoices?starting_after=${f.openA}`, param: "starting_after" },
    { when: "starting_after is longer than 64 characters", path: () => `/v1/invoices?starting_after=${"x".repeat(65)}`, param: "starting_after" },
    { when: "status is not an invoice status", path: () => "/v1/invoices?status=pending", param: "status" },
    { when: "status is upper-case", path: () => "/v1/invoices?status=OPEN", param: "status" },
    { when: "overdue is yes", path: () => "/v1/invoices?overdue=yes", param: "overdue" },
    { when: "due_before is not a real date", path: () => "/v1/invoices?due_before=2026-13-01", param: "due_before" },
    { when: "due_after is a timestamp", path: () => "/v1/invoices?due_after=2026-01-01T00:00:00Z", param: "due_after" },
    { when: "the customers list limit is 101", path: () => "/v1/customers?limit=101", param: "limit" },
    { when: "the customers list starts after an invoice id", path: () => `/v1/customers?starting_after=${f.readerInvoice}`, param: "starting_after" },
    { when: "the payments list limit is 0", path: () => "/v1/payments?limit=0", param: "limit" },
    { when: "the payments list starts after an unknown payment", path: () => "/v1/payments?starting_after=pay_00000000000000000000000000", param: "starting_after" },
    { when: "wait is 31 on the status endpoint", path: () => `/v1/invoices/${f.readerInvoice}/status?wait=31`, param: "wait" },
    { when: "wait is 0 on the status endpoint", path: () => `/v1/invoices/${f.readerInvoice}/status?wait=0`, param: "wait" },
    { when: "wait is not a number", path: () => `/v1/invoices/${f.readerInvoice}/status?wait=soon`, param: "wait" },
    { when: "version is negative on the status endpoint", path: () => `/v1/invoices/${f.readerInvoice}/status?version=-1`, param: "version" },
    { when: "after is garbage on the events feed", path: () => "/v1/events?after=garbage", param: "after" },
    { when: "after is a truncated event id", path: () => `/v1/events?after=${f.readerEvent.slice(0, -1)}`, param: "after" },
    { when: "after is longer than 64 characters", path: () => `/v1/events?after=evt_${"0".repeat(61)}`, param: "after" },
    { when: "the events type filter is unknown", path: () => "/v1/events?type=invoice.deleted", param: "type" },
    { when: "the events limit is 101", path: () => "/v1/events?limit=101", param: "limit" },
    { when: "an invoice id in the path is longer than 64 characters", path: () => `/v1/invoices/inv_${"0".repeat(61)}`, param: "id" },
  ];
  it.each(rules)("should answer 422 parameter_invalid at $param when $when", async (rule) => {
    expectProblem(await get(rule.path()), 422, "parameter_invalid", rule.param);
  });

  it("should answer 200 when limit sits on its bounds 1 and 100 and starting_after is one of the merchant's invoices", async () => {
    for (const path of ["/v1/invoices?limit=1", "/v1/invoices?limit=100", `/v1/invoices?starting_after=${f.readerInvoice}`, "/v1/events?limit=100", `/v1/events?after=${f.readerEvent}`]) {
      const response = await get(path);
      expect(response.status, `${path}: ${response.text}`).toBe(200);
      expect(response.body).toMatchObject({ data: expect.any(Array), has_more: expect.any(Boolean) });
    }
  });

  it("should answer 200 at once when wait is 1 and the version given is not the current one", async () => {
    const started = Date.now();
    const response = await get(`/v1/invoices/${f.readerInvoice}/status?wait=1&version=0`);
    expect(Date.now() - started).toBeLessThan(900);
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ id: f.readerInvoice, status: "open" });
  });
});

describe("after every refused request", () => {
  it("should leave the database exactly as it was when every request of this file was refused", async () => {
    expect(await databaseFingerprint()).toBe(fingerprint);
  });
});
