/**
 * What a credit note may not do: take more than the invoice still carries (422 naming the field,
 * nothing changed: no event, no number taken), land on a draft or void invoice, or be asked by
 * someone who may not (stranger, read-only key, client session, another merchant).
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { issue, merchantState, pay, TWO_RATE_TOTAL, twoRateInvoice, world } from "./support";

const year = new Date().toISOString().slice(0, 4);

describe("a credit note larger than what remains", () => {
  it("should be refused with 422 naming amount, change nothing and consume no number when the amount exceeds the invoice", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    await pay(w, invoice.id, 10_000);
    const before = await merchantState(w.merchant.id);
    const refused = await issue(w, invoice.id, { amount: TWO_RATE_TOTAL + 1 });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "credit_note_exceeds_remaining", param: "amount" });
    expect(await merchantState(w.merchant.id)).toBe(before);
    expect((await issue(w, invoice.id, { amount: 100 })).body.number).toBe(`AV${year}-000001`);
  });

  it("should count what earlier credit notes took when refusing the amount", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    expect((await issue(w, invoice.id, { amount: 20_000 })).status).toBe(201);
    const before = await merchantState(w.merchant.id);
    const refused = await issue(w, invoice.id, { amount: TWO_RATE_TOTAL - 20_000 + 1 });
    expect(refused.body).toMatchObject({ status: 422, code: "credit_note_exceeds_remaining", param: "amount" });
    expect(await merchantState(w.merchant.id)).toBe(before);
    expect((await issue(w, invoice.id, { amount: TWO_RATE_TOTAL - 20_000 })).status).toBe(201);
  });

  it("should name the line when an invoice line is credited past its quantity", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    expect((await issue(w, invoice.id, { lines: [{ line: 0, quantity: 1.5 }] })).status).toBe(201);
    const before = await merchantState(w.merchant.id);
    const refused = await issue(w, invoice.id, { lines: [{ line: 1 }, { line: 0, quantity: 1 }] });
    expect(refused.body).toMatchObject({ status: 422, code: "credit_note_exceeds_remaining", param: "lines[1].quantity" });
    expect(await merchantState(w.merchant.id)).toBe(before);
  });

  it("should name the free line that takes a VAT rate past what the invoice billed at it", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const refused = await issue(w, invoice.id, { lines: [{ description: "Trop", quantity: 1, unit_amount: 5_001, tax_rate: 550 }] });
    expect(refused.body).toMatchObject({ status: 422, code: "credit_note_exceeds_remaining", param: "lines[0].unit_amount" });
  });

  it("should refuse input that breaks a rule with a 422 naming the field", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const before = await merchantState(w.merchant.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: 100, lines: [{ line: 0 }] }, "amount"],
      [{ amount: 0 }, "amount"],
      [{ lines: [{ line: 5 }] }, "lines[0].line"],
      [{ lines: [{ line: 0, unit_amount: 1 }] }, "lines[0].unit_amount"],
      [{ lines: [{ description: "x", quantity: 1, unit_amount: 100, tax_rate: 1000 }] }, "lines[0].tax_rate"],
      [{ lines: [{ description: "x", quantity: 1, unit_amount: 100 }] }, "lines[0].tax_rate"],
      [{ lines: [{ quantity: 1, unit_amount: 100, tax_rate: 2000 }] }, "lines[0].description"],
      [{ lines: [{ line: 0, quantity: 0.0001 }] }, "lines[0].quantity"],
      [{ lines: [] }, "lines"],
      [{ refund: "yes" }, "refund"],
      [{ surprise: 1 }, "surprise"],
    ];
    for (const [body, param] of cases) {
      const refused = await issue(w, invoice.id, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.body.param, JSON.stringify(body)).toBe(param);
    }
    const noReason = await api(w.merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 100 });
    expect(noReason.body).toMatchObject({ status: 422, param: "reason" });
    expect(await merchantState(w.merchant.id)).toBe(before);
  });
});

describe("which invoices take a credit note", () => {
  it("should refuse a draft and a void invoice with 409 invoice_not_creditable", async () => {
    const w = await world();
    const draft = await createInvoice(w.merchant.key, w.customer, { issue: false });
    const voided = await createInvoice(w.merchant.key, w.customer);
    expect((await api(w.merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status).toBe(200);
    for (const invoice of [draft, voided]) {
      const refused = await issue(w, invoice.id);
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe("invoice_not_creditable");
    }
  });

  it("should refuse to void an invoice that has a credit note", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    await issue(w, invoice.id, { amount: 100 });
    const refused = await api(w.merchant.key, "POST", `/v1/invoices/${invoice.id}/void`);
    expect(refused.body).toMatchObject({ status: 409, code: "invoice_has_credit_notes" });
  });
});

describe("who may issue and read credit notes", () => {
  it("should answer 401 to a stranger, 403 to a read-only key, a client session and a publishable key, and change nothing", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const session = (await api(w.merchant.key, "POST", "/v1/client_sessions", { customer: w.customer })).body.token;
    const before = await merchantState(w.merchant.id);
    const path = `/v1/invoices/${invoice.id}/credit_notes`;
    expect((await api(null, "POST", path, { reason: "x" })).status).toBe(401);
    expect((await api(w.merchant.readOnlyKey, "POST", path, { reason: "x" })).body).toMatchObject({ status: 403, code: "insufficient_scope" });
    expect((await api(session, "POST", path, { reason: "x" })).body).toMatchObject({ status: 403, code: "wrong_key_type" });
    expect((await api(w.merchant.publishableKey, "POST", path, { reason: "x" })).body).toMatchObject({ status: 403, code: "wrong_key_type" });
    expect((await api(session, "GET", "/v1/credit_notes")).status).toBe(403);
    expect((await api(null, "GET", "/v1/credit_notes")).status).toBe(401);
    expect(await merchantState(w.merchant.id)).toBe(before);
  });

  it("should let a read-only key read credit notes, and answer 404 for another merchant's invoice and credit note", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = (await issue(w, invoice.id, { amount: 500 })).body;
    expect((await api(w.merchant.readOnlyKey, "GET", `/v1/credit_notes/${note.id}`)).body).toMatchObject({ id: note.id, total: 500 });
    expect((await api(w.merchant.readOnlyKey, "GET", "/v1/credit_notes")).body.data.map((row: any) => row.id)).toEqual([note.id]);

    const other = await createMerchant("Autre SARL");
    const before = await merchantState(w.merchant.id);
    const stolen = await api(other.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { reason: "x" });
    expect(stolen.body).toMatchObject({ status: 404, code: "resource_missing" });
    expect((await api(other.key, "GET", `/v1/credit_notes/${note.id}`)).status).toBe(404);
    expect((await api(other.key, "GET", `/v1/credit_notes?invoice=${invoice.id}`)).body.data).toEqual([]);
    expect(await merchantState(w.merchant.id)).toBe(before);
  });

  it("should replay the first answer for the same Idempotency-Key and take one number only", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const first = await issue(w, invoice.id, { amount: 700 }, { "idempotency-key": "cn-1" });
    const again = await issue(w, invoice.id, { amount: 700 }, { "idempotency-key": "cn-1" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect((await api(w.merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body).toMatchObject({ amount_credited: 700 });
    expect((await issue(w, invoice.id, { amount: 800 }, { "idempotency-key": "cn-1" })).body.code).toBe("idempotency_key_reused");
  });
});

describe("GET /v1/credit_notes", () => {
  it("should page newest first and filter by invoice and customer", async () => {
    const w = await world();
    const a = await twoRateInvoice(w);
    const otherCustomer = (await createCustomer(w.merchant.key, { email: "b@example.com" })).id;
    const b = await createInvoice(w.merchant.key, otherCustomer);
    const ids: string[] = [];
    for (const [invoice, amount] of [[a.id, 100], [b.id, 200], [a.id, 300]] as const) ids.push((await issue(w, invoice, { amount })).body.id);
    const first = await api(w.merchant.key, "GET", "/v1/credit_notes?limit=2");
    expect(first.body).toMatchObject({ has_more: true, next: ids[1] });
    expect(first.body.data.map((row: any) => row.id)).toEqual([ids[2], ids[1]]);
    const second = await api(w.merchant.key, "GET", `/v1/credit_notes?limit=2&starting_after=${ids[1]}`);
    expect(second.body).toMatchObject({ has_more: false, next: null });
    expect(second.body.data.map((row: any) => row.id)).toEqual([ids[0]]);
    expect((await api(w.merchant.key, "GET", `/v1/credit_notes?invoice=${a.id}`)).body.data.map((row: any) => row.id)).toEqual([ids[2], ids[0]]);
    expect((await api(w.merchant.key, "GET", `/v1/credit_notes?customer=${otherCustomer}`)).body.data.map((row: any) => row.id)).toEqual([ids[1]]);
    expect((await api(w.merchant.key, "GET", "/v1/credit_notes?limit=0")).body).toMatchObject({ status: 422, param: "limit" });
  });
});
