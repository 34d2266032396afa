import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";
import { collectPages } from "../paging";

const draftBody = (customer: string, overrides: Record<string, unknown> = {}) => ({
  customer,
  currency: "eur",
  lines: [{ description: "Consulting", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }],
  ...overrides,
});

async function createDraft(key: string, customer: string, overrides: Record<string, unknown> = {}) {
  const response = await api(key, "POST", "/v1/invoices", draftBody(customer, overrides));
  if (response.status !== 201) throw new Error(`draft: ${response.text}`);
  return response.body as { id: string; version: number };
}

function expectProblem(response: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
}

describe("customers", () => {
  let merchant: TestMerchant;
  beforeAll(async () => {
    merchant = await createMerchant("Customers SARL");
  });

  it("should store every field and answer it back when a customer is created then retrieved", async () => {
    const created = await api(merchant.key, "POST", "/v1/customers", {
      name: "Boulangerie Martin",
      email: "compta@martin.example",
      locale: "fr",
      external_id: "crm-42",
      address: { line1: "3 rue des Lilas", postal_code: "75011", city: "Paris", country: "FR" },
      siren: "123456789",
      vat_number: "FR12123456789",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: "customer",
      name: "Boulangerie Martin",
      email: "compta@martin.example",
      locale: "fr",
      external_id: "crm-42",
      address: { line1: "3 rue des Lilas", postal_code: "75011", city: "Paris", country: "FR" },
      siren: "123456789",
      vat_number: "FR12123456789",
    });
    expect(created.body.id).toMatch(/^cus_[0-9a-z]{26}$/);

    const fetched = await api(merchant.key, "GET", `/v1/customers/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ ...created.body, credit_balances: [] });
  });

  it("should filter by email and by external_id when listing customers", async () => {
    const wanted = await createCustomer(merchant.key, { email: "unique-filter@example.com", external_id: "ext-filter-1" });
    await createCustomer(merchant.key, { email: "other@example.com", external_id: "ext-filter-2" });

    const byEmail = await api(merchant.key, "GET", "/v1/customers?email=unique-filter@example.com");
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.data.map((customer: { id: string }) => customer.id)).toEqual([wanted.id]);
    expect(byEmail.body.has_more).toBe(false);

    const byExternal = await api(merchant.key, "GET", "/v1/customers?external_id=ext-filter-1");
    expect(byExternal.body.data.map((customer: { id: string }) => customer.id)).toEqual([wanted.id]);
  });

  it("should return every customer exactly once, newest first, when paging with limit and starting_after", async () => {
    const other = await createMerchant("Customers pages SARL");
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await createCustomer(other.key, { email: `c${index}@example.com` })).id);

    const { pages, items } = await collectPages<{ id: string; created: string }>(other.key, "/v1/customers?limit=2");
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(new Set(items.map((item) => item.id))).toEqual(new Set(ids));
    expect(items).toHaveLength(ids.length);
    const sorted = [...items].sort((a, b) => (a.created === b.created ? (a.id < b.id ? 1 : -1) : a.created < b.created ? 1 : -1));
    expect(items.map((item) => item.id)).toEqual(sorted.map((item) => item.id));
  });
});

describe("invoice lists", () => {
  let merchant: TestMerchant;
  let alice: string;
  let bob: string;
  const ids: Record<string, string> = {};
  const today = utcDay(new Date());

  beforeAll(async () => {
    merchant = await createMerchant("Lists SARL");
    alice = (await createCustomer(merchant.key, { name: "Alice" })).id;
    bob = (await createCustomer(merchant.key, { name: "Bob" })).id;
    ids.draft = (await createDraft(merchant.key, alice)).id;
    ids.overdue = (await createInvoice(merchant.key, alice, { due_date: addDays(today, -10) })).id;
    ids.overduePartial = (await createInvoice(merchant.key, bob, { due_date: addDays(today, -3) })).id;
    ids.pastPaid = (await createInvoice(merchant.key, bob, { due_date: addDays(today, -20) })).id;
    ids.january = (await createInvoice(merchant.key, alice, { due_date: "2090-01-15" })).id;
    ids.march = (await createInvoice(merchant.key, bob, { due_date: "2090-03-15" })).id;
    ids.void = (await createInvoice(merchant.key, bob, { due_date: "2090-02-15" })).id;
    expect((await recordPayment(merchant.key, [{ invoice: ids.overduePartial!, amount: 100 }])).status).toBe(201);
    expect((await recordPayment(merchant.key, [{ invoice: ids.pastPaid!, amount: 12_000 }])).status).toBe(201);
    expect((await api(merchant.key, "POST", `/v1/invoices/${ids.void}/void`)).status).toBe(200);
  });

  const listIds = async (query: string) => {
    const response = await api(merchant.key, "GET", `/v1/invoices?limit=100&${query}`);
    expect(response.status).toBe(200);
    return new Set((response.body.data as { id: string }[]).map((invoice) => invoice.id));
  };

  it("should return only invoices of that status when filtering by status", async () => {
    expect(await listIds("status=draft")).toEqual(new Set([ids.draft]));
    expect(await listIds("status=open")).toEqual(new Set([ids.overdue, ids.january, ids.march]));
    expect(await listIds("status=partially_paid")).toEqual(new Set([ids.overduePartial]));
    expect(await listIds("status=paid")).toEqual(new Set([ids.pastPaid]));
    expect(await listIds("status=void")).toEqual(new Set([ids.void]));
  });

  it("should return only that customer's invoices when filtering by customer", async () => {
    expect(await listIds(`customer=${alice}`)).toEqual(new Set([ids.draft, ids.overdue, ids.january]));
    expect(await listIds(`customer=${bob}`)).toEqual(new Set([ids.overduePartial, ids.pastPaid, ids.march, ids.void]));
  });

  it("should return payable invoices past their due date with days_overdue when overdue=true", async () => {
    expect(await listIds("overdue=true")).toEqual(new Set([ids.overdue, ids.overduePartial]));
    const response = await api(merchant.key, "GET", "/v1/invoices?overdue=true");
    const byId = new Map((response.body.data as { id: string; overdue: boolean; days_overdue: number }[]).map((invoice) => [invoice.id, invoice]));
    expect(byId.get(ids.overdue!)).toMatchObject({ overdue: true, days_overdue: 10 });
    expect(byId.get(ids.overduePartial!)).toMatchObject({ overdue: true, days_overdue: 3 });
  });

  it("should return every other invoice when overdue=false", async () => {
    expect(await listIds("overdue=false")).toEqual(new Set([ids.draft, ids.pastPaid, ids.january, ids.march, ids.void]));
  });

  it("should keep invoices due before or after the date when filtering by due_before and due_after", async () => {
    expect(await listIds("due_before=2090-02-01")).toEqual(new Set([ids.overdue, ids.overduePartial, ids.pastPaid, ids.january]));
    expect(await listIds("due_after=2090-02-01")).toEqual(new Set([ids.march, ids.void]));
    expect(await listIds("due_after=2090-01-01&due_before=2090-03-01")).toEqual(new Set([ids.january, ids.void]));
    expect(await listIds(`due_after=2090-01-01&customer=${bob}&status=open`)).toEqual(new Set([ids.march]));
  });

  it("should give every invoice once across three pages when following starting_after", async () => {
    const { pages, items } = await collectPages<{ id: string; created: string }>(merchant.key, "/v1/invoices?limit=3");
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(items.map((item) => item.id).sort()).toEqual(Object.values(ids).sort());
    const newestFirst = [...items].sort((a, b) => (a.created === b.created ? (a.id < b.id ? 1 : -1) : a.created < b.created ? 1 : -1));
    expect(items.map((item) => item.id)).toEqual(newestFirst.map((item) => item.id));
  });

  it("should page within a filter when combining status with starting_after", async () => {
    const { pages, items } = await collectPages<{ id: string }>(merchant.key, "/v1/invoices?limit=2&status=open");
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(new Set(items.map((item) => item.id))).toEqual(new Set([ids.overdue, ids.january, ids.march]));
  });
});

describe("invoice life", () => {
  let merchant: TestMerchant;
  let customer: string;
  beforeAll(async () => {
    merchant = await createMerchant("Life SARL");
    customer = (await createCustomer(merchant.key)).id;
  });

  it("should answer the whole invoice when retrieving it by id", async () => {
    const created = await createInvoice(merchant.key, customer, { memo: "Merci", due_date: "2090-06-30" });
    const response = await api(merchant.key, "GET", `/v1/invoices/${created.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: created.id,
      object: "invoice",
      number: created.number,
      customer,
      status: "open",
      currency: "eur",
      subtotal: 10_000,
      tax: 2000,
      total: 12_000,
      amount_paid: 0,
      amount_due: 12_000,
      due_date: "2090-06-30",
      overdue: false,
      days_overdue: 0,
      memo: "Merci",
      payments: [],
    });
    expect(response.body.lines).toEqual([
      { description: "Consulting", quantity: 1, unit_amount: 10_000, tax_rate: 2000, amount_subtotal: 10_000, amount_tax: 2000, amount_total: 12_000 },
    ]);
    expect(response.body.terms.late_fee_policy).toContain("40 €");
    expect(response.body.hosted_url).toMatch(/\/pay\/[0-9a-z]{32}$/);
  });

  it("should reprice lines and swap due_date and net_days when a draft is updated", async () => {
    const draft = await createDraft(merchant.key, customer, { due_date: "2090-01-31" });
    const repriced = await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, {
      lines: [
        { description: "Design", quantity: 1.5, unit_amount: 8000, tax_rate: 2000 },
        { description: "Livre", quantity: 2, unit_amount: 1999, tax_rate: 550 },
      ],
      memo: "v2",
    });
    expect(repriced.status).toBe(200);
    expect(repriced.body).toMatchObject({
      status: "draft",
      subtotal: 12_000 + 3998,
      tax: 2400 + 220,
      total: 14_400 + 4218,
      amount_due: 18_618,
      due_date: "2090-01-31",
      memo: "v2",
      version: draft.version + 1,
    });
    expect(repriced.body.lines).toHaveLength(2);

    const toNetDays = await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { net_days: 45 });
    expect(toNetDays.status).toBe(200);
    expect(toNetDays.body).toMatchObject({ net_days: 45, due_date: null });

    const toDueDate = await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { due_date: "2090-02-28" });
    expect(toDueDate.body).toMatchObject({ net_days: null, due_date: "2090-02-28" });

    const backToNetDays = await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { net_days: 10 });
    expect(backToNetDays.body).toMatchObject({ net_days: 10, due_date: null });

    const issued = await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: "open", net_days: 10, due_date: addDays(utcDay(new Date()), 10), total: 18_618 });
    expect(issued.body.number).toMatch(/^F\d{4}-\d{6}$/);
    expect(issued.body.issued_at).not.toBeNull();
  });

  it("should use the default net days from settings when a draft without due date is issued", async () => {
    const draft = await createDraft(merchant.key, customer);
    const issued = await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: "open", net_days: 30, due_date: addDays(utcDay(new Date()), 30) });
  });

  it("should answer 409 invoice_immutable and change nothing when an issued invoice is updated", async () => {
    const issued = await createInvoice(merchant.key, customer);
    const response = await api(merchant.key, "POST", `/v1/invoices/${issued.id}`, {
      lines: [{ description: "Cheaper", quantity: 1, unit_amount: 1, tax_rate: 0 }],
    });
    expectProblem(response, 409, "invoice_immutable");
    const after = await api(merchant.key, "GET", `/v1/invoices/${issued.id}`);
    expect(after.body).toMatchObject({ total: 12_000, version: issued.version });
    expect(after.body.lines).toHaveLength(1);
  });

  it("should be refused by the database when SQL updates an issued invoice's total or lines directly", async () => {
    const issued = await createInvoice(merchant.key, customer);
    await expect(
      env.DB.prepare("UPDATE invoices SET subtotal = 1, tax = 0, total = 1 WHERE id = ?").bind(issued.id).run(),
    ).rejects.toThrow(/invoice_immutable/);
    await expect(env.DB.prepare("UPDATE invoice_lines SET unit_amount = 1 WHERE invoice_id = ?").bind(issued.id).run()).rejects.toThrow(
      /invoice_immutable/,
    );
    await expect(env.DB.prepare("DELETE FROM invoice_lines WHERE invoice_id = ?").bind(issued.id).run()).rejects.toThrow(/invoice_immutable/);
    await expect(
      env.DB.prepare(
        `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
         VALUES (?, 9, 'extra', 1000, 1, 0, 1, 0, 1)`,
      )
        .bind(issued.id)
        .run(),
    ).rejects.toThrow(/invoice_immutable/);
    const row = await env.DB.prepare("SELECT total FROM invoices WHERE id = ?").bind(issued.id).first<{ total: number }>();
    expect(row?.total).toBe(12_000);
  });

  it("should void an open invoice and emit invoice.voided when nothing was paid", async () => {
    const issued = await createInvoice(merchant.key, customer);
    const response = await api(merchant.key, "POST", `/v1/invoices/${issued.id}/void`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "void", amount_due: 12_000, overdue: false });
    expect(response.body.voided_at).not.toBeNull();
    const events = await api(merchant.key, "GET", `/v1/events?invoice=${issued.id}`);
    expect(events.body.data.map((event: { type: string }) => event.type)).toEqual(["invoice.created", "invoice.issued", "invoice.voided"]);
  });

  it("should answer 409 invoice_not_open when voiding a draft or a void invoice", async () => {
    const draft = await createDraft(merchant.key, customer);
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${draft.id}/void`), 409, "invoice_not_open");
    const issued = await createInvoice(merchant.key, customer);
    expect((await api(merchant.key, "POST", `/v1/invoices/${issued.id}/void`)).status).toBe(200);
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${issued.id}/void`), 409, "invoice_not_open");
  });

  it("should answer 409 invoice_has_payments when voiding a partially paid or paid invoice", async () => {
    const partial = await createInvoice(merchant.key, customer);
    const paid = await createInvoice(merchant.key, customer);
    expect((await recordPayment(merchant.key, [{ invoice: partial.id, amount: 500 }])).status).toBe(201);
    expect((await recordPayment(merchant.key, [{ invoice: paid.id, amount: 12_000 }])).status).toBe(201);
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${partial.id}/void`), 409, "invoice_has_payments");
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${paid.id}/void`), 409, "invoice_has_payments");
    expect((await api(merchant.key, "GET", `/v1/invoices/${paid.id}`)).body.status).toBe("paid");
  });

  it("should answer the light status of an invoice when asked for /status", async () => {
    const issued = await createInvoice(merchant.key, customer);
    const response = await api(merchant.key, "GET", `/v1/invoices/${issued.id}/status`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: issued.id,
      status: "open",
      processing: false,
      amount_due: 12_000,
      amount_paid: 0,
      currency: "eur",
      overdue: false,
      days_overdue: 0,
      version: issued.version,
      updated_at: expect.any(String),
    });
  });
});

describe("settings", () => {
  it("should return the defaults when a new merchant reads its settings", async () => {
    const merchant = await createMerchant("Settings defaults SARL");
    const response = await api(merchant.key, "GET", "/v1/settings");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      object: "settings",
      payment_methods: ["card", "stripe_checkout", "paypal"],
      default_terms: { net_days: 30 },
      numbering: { format: "F{YYYY}-{SEQ:6}" },
      allowed_origins: [],
    });
  });

  it("should keep the other fields and number the next issue with the new format when numbering changes", async () => {
    const merchant = await createMerchant("Settings SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const before = await createInvoice(merchant.key, customer);
    expect(before.number).toBe(`F${utcDay(new Date()).slice(0, 4)}-000001`);

    const put = await api(merchant.key, "PUT", "/v1/settings", {
      numbering: { format: "INV-{YY}{MM}-{SEQ:4}" },
      default_terms: { net_days: 14, late_fee_policy: "3 x taux légal" },
      allowed_origins: ["https://shop.example.com"],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ numbering: { format: "INV-{YY}{MM}-{SEQ:4}" }, default_terms: { net_days: 14 } });

    const got = await api(merchant.key, "GET", "/v1/settings");
    expect(got.body).toMatchObject({
      numbering: { format: "INV-{YY}{MM}-{SEQ:4}" },
      default_terms: { net_days: 14, late_fee_policy: "3 x taux légal" },
      allowed_origins: ["https://shop.example.com"],
      payment_methods: ["card", "stripe_checkout", "paypal"],
    });
    expect(got.body.updated_at).not.toBeNull();

    const day = utcDay(new Date());
    const prefix = `INV-${day.slice(2, 4)}${day.slice(5, 7)}-`;
    const first = await createInvoice(merchant.key, customer);
    const draft = await createDraft(merchant.key, customer);
    const second = await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`);
    expect(first.number).toBe(`${prefix}0001`);
    expect(second.body.number).toBe(`${prefix}0002`);
    expect(second.body.due_date).toBe(addDays(day, 14));
    expect((await api(merchant.key, "GET", `/v1/invoices/${before.id}`)).body.number).toBe(before.number);
  });
});

describe("client invoices", () => {
  it("should list only that customer's issued invoices when called with a client session", async () => {
    const merchant = await createMerchant("Client SARL");
    const mine = (await createCustomer(merchant.key, { name: "Mine" })).id;
    const theirs = (await createCustomer(merchant.key, { name: "Theirs" })).id;
    const open = await createInvoice(merchant.key, mine);
    const paid = await createInvoice(merchant.key, mine, { currency: "jpy", lines: [{ description: "Tea", quantity: 2, unit_amount: 1500 }] });
    expect((await recordPayment(merchant.key, [{ invoice: paid.id, amount: 3000 }], "jpy")).status).toBe(201);
    await createDraft(merchant.key, mine);
    await createInvoice(merchant.key, theirs);

    const session = await api(merchant.key, "POST", "/v1/client_sessions", { customer: mine });
    expect(session.status).toBe(201);
    expect(session.body).toMatchObject({ object: "client_session", customer: mine });
    expect(session.body.token).toMatch(/^cs_/);
    expect(Date.parse(session.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);

    const response = await api(session.body.token, "GET", "/v1/client/invoices");
    expect(response.status).toBe(200);
    expect(response.body.has_more).toBe(false);
    const byId = new Map((response.body.data as { id: string; terms: object }[]).map((invoice) => [invoice.id, invoice]));
    expect([...byId.keys()].sort()).toEqual([open.id, paid.id].sort());
    expect(byId.get(paid.id)).toMatchObject({ status: "paid", currency: "jpy", total: 3000, amount_due: 0 });
    expect(byId.get(open.id)).toMatchObject({ status: "open", lines: [expect.objectContaining({ description: "Consulting" })] });
    expect(byId.get(open.id)?.terms).toHaveProperty("late_fee_policy");

    const onlyPaid = await api(session.body.token, "GET", "/v1/client/invoices?status=paid");
    expect(onlyPaid.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([paid.id]);
  });
});
