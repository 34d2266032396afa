import { beforeAll, describe, expect, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";

let merchant: TestMerchant;
let customer: string;

beforeAll(async () => {
  merchant = await createMerchant("Status SARL");
  customer = (await createCustomer(merchant.key)).id;
});

const statusOf = (id: string, query = "", headers: Record<string, string> = {}) => api(merchant.key, "GET", `/v1/invoices/${id}/status${query}`, undefined, headers);

describe("GET /v1/invoices/:id/status", () => {
  it("should send an ETag and no-cache when the status is read", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const response = await statusOf(invoice.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/^"[^"]+"$/);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.body).toMatchObject({ id: invoice.id, status: "open", amount_due: 12_000, amount_paid: 0, version: invoice.version });
  });

  it("should answer 304 with an empty body when If-None-Match holds the current ETag", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const etag = (await statusOf(invoice.id)).headers.get("etag")!;
    const response = await statusOf(invoice.id, "", { "if-none-match": etag });
    expect(response.status).toBe(304);
    expect(response.text).toBe("");
    expect(response.headers.get("etag")).toBe(etag);

    const weak = await statusOf(invoice.id, "", { "if-none-match": `"nope", W/${etag}` });
    expect(weak.status).toBe(304);
  });

  it("should answer 200 with a new ETag and the new amounts when a payment was recorded since", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const before = await statusOf(invoice.id);
    const etag = before.headers.get("etag")!;
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 2000 }])).status).toBe(201);

    const after = await statusOf(invoice.id, "", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(after.body).toMatchObject({ status: "partially_paid", amount_paid: 2000, amount_due: 10_000 });
    expect(after.body.version).toBeGreaterThan(before.body.version);
  });

  it("should report overdue and days_overdue when the due date is past", async () => {
    const invoice = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -12) });
    const response = await statusOf(invoice.id);
    expect(response.body).toMatchObject({ overdue: true, days_overdue: 12, amount_due: 12_000 });

    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 12_000 }])).status).toBe(201);
    const paid = await statusOf(invoice.id);
    expect(paid.body).toMatchObject({ status: "paid", overdue: false, days_overdue: 0, amount_due: 0 });
  });

  it("should not be overdue on the due date itself when the due date is today", async () => {
    const invoice = await createInvoice(merchant.key, customer, { due_date: utcDay(new Date()) });
    expect((await statusOf(invoice.id)).body).toMatchObject({ overdue: false, days_overdue: 0 });
  });
});

describe("GET /v1/invoices/:id/status?wait=", () => {
  it("should return within a second of a payment when a long-poll is waiting", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const start = (await statusOf(invoice.id)).body.version as number;

    const pollStartedAt = Date.now();
    const poll = statusOf(invoice.id, "?wait=5").then((response) => ({ response, resolvedAt: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const payment = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 5000 }]);
    const paidAt = Date.now();
    expect(payment.status).toBe(201);

    const { response, resolvedAt } = await poll;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "partially_paid", amount_paid: 5000 });
    expect(response.body.version).toBeGreaterThan(start);
    expect(resolvedAt - paidAt).toBeLessThan(1000);
    expect(resolvedAt - pollStartedAt).toBeGreaterThanOrEqual(300);
    expect(resolvedAt - pollStartedAt).toBeLessThan(5000);
  });

  it("should hold about one second then answer 304 when nothing changes during wait=1", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const etag = (await statusOf(invoice.id)).headers.get("etag")!;
    const startedAt = Date.now();
    const response = await statusOf(invoice.id, "?wait=1", { "if-none-match": etag });
    const elapsed = Date.now() - startedAt;
    expect(response.status).toBe(304);
    expect(response.text).toBe("");
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2000);
  });

  it("should return at once with the newer status when the client's known version is already stale", async () => {
    const invoice = await createInvoice(merchant.key, customer);
    const etag = (await statusOf(invoice.id)).headers.get("etag")!;
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 100 }])).status).toBe(201);
    const startedAt = Date.now();
    const response = await statusOf(invoice.id, "?wait=5", { "if-none-match": etag });
    expect(response.status).toBe(200);
    expect(response.body.amount_paid).toBe(100);
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});
