/**
 * The two lists read from the indexes of migration 0012: `?overdue=true` (from the unpaid payable
 * invoices by due date) keeps its order, its pages and its filters, and `/v1/events?type=` (from
 * `(merchant, type, seq)`) answers only that type, in log order, page after page.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type ApiResponse, type TestMerchant } from "../helpers";

let merchant: TestMerchant;
let overdueNewestFirst: string[];
let otherCustomerOverdue: string;

beforeAll(async () => {
  merchant = await createMerchant("Overdue list SARL");
  const customer = (await createCustomer(merchant.key)).id;
  const other = (await createCustomer(merchant.key, { email: "other@example.com" })).id;
  const past = addDays(utcDay(new Date()), -5);
  const overdue: string[] = [];
  for (let index = 0; index < 5; index += 1) {
    overdue.push((await createInvoice(merchant.key, customer, { due_date: addDays(past, -index) })).id);
    // Interleaved with invoices that must never be listed: paid, not yet due, void, draft.
    const paid = await createInvoice(merchant.key, customer, { due_date: past });
    expect((await recordPayment(merchant.key, [{ invoice: paid.id, amount: paid.total }])).status).toBe(201);
    await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), 10) });
    const voided = await createInvoice(merchant.key, customer, { due_date: past });
    expect((await api(merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status).toBe(200);
    await createInvoice(merchant.key, customer, { due_date: past, issue: false });
  }
  const partial = await createInvoice(merchant.key, customer, { due_date: past });
  expect((await recordPayment(merchant.key, [{ invoice: partial.id, amount: 100 }])).status).toBe(201);
  overdue.push(partial.id);
  otherCustomerOverdue = (await createInvoice(merchant.key, other, { due_date: past })).id;
  overdueNewestFirst = [otherCustomerOverdue, ...overdue.reverse()];
});

describe("GET /v1/invoices?overdue=true", () => {
  it("should list exactly the overdue invoices newest first, page by page, when limit is small", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await api(merchant.key, "GET", `/v1/invoices?overdue=true&limit=2${cursor ? `&starting_after=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const invoice of page.body.data) expect(invoice).toMatchObject({ overdue: true });
      seen.push(...page.body.data.map((invoice: { id: string }) => invoice.id));
      cursor = page.body.has_more ? page.body.next : null;
    } while (cursor !== null);
    expect(seen).toEqual(overdueNewestFirst);
  });

  it("should combine with the customer and status filters when both are given", async () => {
    const ofOther = await api(merchant.key, "GET", `/v1/invoices?overdue=true&customer=${(await api(merchant.key, "GET", `/v1/invoices/${otherCustomerOverdue}`)).body.customer}`);
    expect(ofOther.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([otherCustomerOverdue]);
    const partial = await api(merchant.key, "GET", "/v1/invoices?overdue=true&status=partially_paid");
    expect(partial.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([overdueNewestFirst[1]]);
    expect((await api(merchant.key, "GET", "/v1/invoices?overdue=true&status=paid")).body.data).toEqual([]);
  });

  it("should not list another merchant's overdue invoices when a merchant has none", async () => {
    const stranger = await createMerchant("No overdue SARL");
    expect((await api(stranger.key, "GET", "/v1/invoices?overdue=true")).body).toMatchObject({ data: [], has_more: false });
  });
});

describe("GET /v1/events?type=", () => {
  it("should answer only events of that type, in log order, across pages, and none for a type that never happened", async () => {
    const all: { id: string; type: string }[] = [];
    let after = "";
    for (;;) {
      const page = await api(merchant.key, "GET", `/v1/events?limit=100${after}`);
      all.push(...page.body.data);
      if (!page.body.has_more) break;
      after = `&after=${page.body.next}`;
    }
    const voided = all.filter((event) => event.type === "invoice.voided").map((event) => event.id);
    expect(voided).toHaveLength(5);
    const first = await api(merchant.key, "GET", "/v1/events?type=invoice.voided&limit=3");
    expect(first.body.has_more).toBe(true);
    const second = await api(merchant.key, "GET", `/v1/events?type=invoice.voided&limit=3&after=${first.body.next}`);
    expect([...first.body.data, ...second.body.data].map((event: { id: string }) => event.id)).toEqual(voided);
    expect(second.body.has_more).toBe(false);
    expect((await api(merchant.key, "GET", "/v1/events?type=reminder.clicked")).body).toMatchObject({ data: [], has_more: false });
  });
});
