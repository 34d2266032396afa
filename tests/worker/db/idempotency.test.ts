import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type TestMerchant } from "../helpers";
import { expectProblem } from "../security/support";

let merchant: TestMerchant;
let other: TestMerchant;
let customer: string;

beforeAll(async () => {
  merchant = await createMerchant("Idem SARL");
  other = await createMerchant("Other Idem SARL");
  customer = (await createCustomer(merchant.key)).id;
});

let counter = 0;
/** A fresh Idempotency-Key for each call site. */
const freshKey = (label: string) => `${label}-${Date.now()}-${(counter += 1)}`;
const withKey = (key: string) => ({ "idempotency-key": key });

async function count(sql: string, ...params: string[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...params).first<number>("n")) ?? 0;
}

describe("Idempotency-Key replay and conflict", () => {
  it("should replay the first response with idempotent-replayed and create one object when the same key and body are sent again", async () => {
    const key = freshKey("same");
    const body = { name: "Once", email: "once@example.com", external_id: "once-1" };
    const first = await api(merchant.key, "POST", "/v1/customers", body, withKey(key));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const second = await api(merchant.key, "POST", "/v1/customers", body, withKey(key));
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("content-type")).toMatch(/^application\/json/);
    expect(second.body.id).toBe(first.body.id);
    expect(second.text).toBe(first.text);
    expect(await count("SELECT count(*) AS n FROM customers WHERE merchant_id = ? AND email = ?", merchant.id, "once@example.com")).toBe(1);
  });

  it("should treat the same JSON with other whitespace as the same request when replaying", async () => {
    const key = freshKey("spaces");
    const first = await api(merchant.key, "POST", "/v1/customers", JSON.stringify({ name: "Sp", email: "sp@example.com" }), withKey(key));
    const second = await api(merchant.key, "POST", "/v1/customers", JSON.stringify({ name: "Sp", email: "sp@example.com" }), withKey(key));
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
  });

  it("should answer 409 idempotency_key_reused and create nothing when the same key comes with another body", async () => {
    const key = freshKey("other-body");
    const first = await api(merchant.key, "POST", "/v1/customers", { name: "First", email: "first@example.com" }, withKey(key));
    expect(first.status).toBe(201);
    const before = await databaseFingerprint();
    const second = await api(merchant.key, "POST", "/v1/customers", { name: "Second", email: "second@example.com" }, withKey(key));
    expectProblem(second, 409, "idempotency_key_reused", "Idempotency-Key");
    expect(await databaseFingerprint()).toBe(before);
    // The first answer is still the one replayed.
    const third = await api(merchant.key, "POST", "/v1/customers", { name: "First", email: "first@example.com" }, withKey(key));
    expect(third.body.id).toBe(first.body.id);
  });

  it("should answer 409 idempotency_key_reused when the same key and body are sent to another route", async () => {
    const key = freshKey("other-route");
    const draft = (await createInvoice(merchant.key, customer, { issue: false })).id;
    expect((await api(merchant.key, "POST", `/v1/invoices/${draft}/issue`, undefined, withKey(key))).status).toBe(200);
    const before = await databaseFingerprint();
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${draft}/void`, undefined, withKey(key)), 409, "idempotency_key_reused");
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should run the request independently when another merchant uses the same key", async () => {
    const key = freshKey("shared");
    const body = { name: "Shared", email: "shared@example.com" };
    const mine = await api(merchant.key, "POST", "/v1/customers", body, withKey(key));
    const theirs = await api(other.key, "POST", "/v1/customers", body, withKey(key));
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    // And the other merchant can never receive the first merchant's stored answer.
    const theirsAgain = await api(other.key, "POST", "/v1/customers", body, withKey(key));
    expect(theirsAgain.body.id).toBe(theirs.body.id);
    expect((await api(other.key, "GET", `/v1/customers/${mine.body.id}`)).status).toBe(404);
  });

  it("should run the request when a merchant sends another body under a key only another merchant used", async () => {
    const key = freshKey("cross-body");
    expect((await api(other.key, "POST", "/v1/customers", { name: "A", email: "a@example.com" }, withKey(key))).status).toBe(201);
    // Not reused for this merchant: runs normally.
    expect((await api(merchant.key, "POST", "/v1/customers", { name: "B", email: "b@example.com" }, withKey(key))).status).toBe(201);
  });

  it("should replay a 4xx answer even when the request would now succeed", async () => {
    const draft = (await createInvoice(merchant.key, customer, { issue: false })).id;
    const key = freshKey("void-draft");
    const refused = await api(merchant.key, "POST", `/v1/invoices/${draft}/void`, undefined, withKey(key));
    expectProblem(refused, 409, "invoice_not_open");
    expect((await api(merchant.key, "POST", `/v1/invoices/${draft}/issue`)).status).toBe(200);
    const replay = await api(merchant.key, "POST", `/v1/invoices/${draft}/void`, undefined, withKey(key));
    expect(replay.status).toBe(409);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(replay.body.code).toBe("invoice_not_open");
    expect((await api(merchant.key, "GET", `/v1/invoices/${draft}`)).body.status).toBe("open");
  });

  it("should replay a 404 answer when the customer did not exist at the first try", async () => {
    const key = freshKey("missing-customer");
    const body = { customer: `cus_${"0".repeat(26)}`, currency: "eur", lines: [{ description: "X", quantity: 1, unit_amount: 100 }] };
    const first = await api(merchant.key, "POST", "/v1/invoices", body, withKey(key));
    expectProblem(first, 404, "resource_missing", "customer");
    const second = await api(merchant.key, "POST", "/v1/invoices", body, withKey(key));
    expect(second.status).toBe(404);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
  });

  it("should answer 422 for a key longer than 255 characters and create nothing", async () => {
    const before = await databaseFingerprint();
    const response = await api(merchant.key, "POST", "/v1/customers", { name: "Long", email: "long@example.com" }, withKey("k".repeat(256)));
    expectProblem(response, 422, "parameter_invalid", "Idempotency-Key");
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should answer 422 and create nothing when the key is empty", async () => {
    const before = await databaseFingerprint();
    const response = await api(merchant.key, "POST", "/v1/customers", { name: "Empty", email: "empty@example.com" }, withKey(""));
    expectProblem(response, 422, "parameter_invalid", "Idempotency-Key");
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should accept a key of exactly 255 characters when it is replayed", async () => {
    const key = `${freshKey("max")}-`.padEnd(255, "x");
    const body = { name: "Max", email: "max@example.com" };
    const first = await api(merchant.key, "POST", "/v1/customers", body, withKey(key));
    const second = await api(merchant.key, "POST", "/v1/customers", body, withKey(key));
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
  });

  it("should create exactly one object when concurrent requests share a key", async () => {
    const key = freshKey("race");
    const body = { name: "Race", email: "race@example.com", external_id: key };
    const responses = await Promise.all(Array.from({ length: 8 }, () => api(merchant.key, "POST", "/v1/customers", body, withKey(key))));
    const created = responses.filter((response) => response.status === 201);
    const busy = responses.filter((response) => response.status !== 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    for (const response of busy) expectProblem(response, 409, "idempotency_key_in_use");
    expect(await count("SELECT count(*) AS n FROM customers WHERE merchant_id = ? AND external_id = ?", merchant.id, key)).toBe(1);
  });
});

describe("Idempotency-Key on every POST", () => {
  /** Sends the request twice with one key; the second must replay the first without a second effect. */
  async function expectReplayed(path: string, body: unknown, status: number) {
    const key = freshKey(path);
    const first = await api(merchant.key, "POST", path, body, withKey(key));
    expect(first.status, first.text).toBe(status);
    const afterFirst = await databaseFingerprint();
    const second = await api(merchant.key, "POST", path, body, withKey(key));
    expect(second.status).toBe(status);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.text).toBe(first.text);
    expect(await databaseFingerprint()).toBe(afterFirst);
    return first;
  }

  it("should replay POST /v1/customers when the key is reused", async () => {
    await expectReplayed("/v1/customers", { name: "Every", email: "every@example.com" }, 201);
  });

  it("should replay POST /v1/invoices when the key is reused", async () => {
    const first = await expectReplayed("/v1/invoices", { customer, currency: "eur", lines: [{ description: "X", quantity: 1, unit_amount: 500 }], issue: true }, 201);
    expect(first.body.number).toMatch(/^F/);
  });

  it("should replay POST /v1/invoices/:id (update) when the key is reused", async () => {
    const draft = (await createInvoice(merchant.key, customer, { issue: false })).id;
    const first = await expectReplayed(`/v1/invoices/${draft}`, { memo: "updated once" }, 200);
    expect(first.body.memo).toBe("updated once");
  });

  it("should replay POST /v1/invoices/:id/issue and assign one number when the key is reused", async () => {
    const draft = (await createInvoice(merchant.key, customer, { issue: false })).id;
    await expectReplayed(`/v1/invoices/${draft}/issue`, undefined, 200);
  });

  it("should replay POST /v1/invoices/:id/void when the key is reused", async () => {
    const open = (await createInvoice(merchant.key, customer)).id;
    await expectReplayed(`/v1/invoices/${open}/void`, undefined, 200);
  });

  it("should replay POST /v1/payments and record one payment when the key is reused", async () => {
    const open = await createInvoice(merchant.key, customer);
    const first = await expectReplayed("/v1/payments", { method: "bank_transfer", amount: 1000, currency: "eur", allocations: [{ invoice: open.id, amount: 1000 }] }, 201);
    const invoice = await api(merchant.key, "GET", `/v1/invoices/${open.id}`);
    expect(invoice.body.amount_paid).toBe(1000);
    expect(await count("SELECT count(*) AS n FROM payments WHERE id = ?", first.body.id)).toBe(1);
  });

  it("should replay POST /v1/payments/:id/refund and refund once when the key is reused", async () => {
    const open = await createInvoice(merchant.key, customer);
    const payment = await recordPayment(merchant.key, [{ invoice: open.id, amount: 3000 }]);
    await expectReplayed(`/v1/payments/${payment.body.id}/refund`, { amount: 1000 }, 200);
    expect((await api(merchant.key, "GET", `/v1/payments/${payment.body.id}`)).body.amount_refunded).toBe(1000);
  });

  it("should replay POST /v1/client_sessions with the same token when the key is reused", async () => {
    const first = await expectReplayed("/v1/client_sessions", { customer }, 201);
    expect(first.body.token).toMatch(/^cs_/);
  });
});
