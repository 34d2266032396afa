import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant, databaseFingerprint } from "../helpers";
import { issuedInvoice, seedYear } from "../ledger/scenario";

const ISSUED = new Date("2026-01-05T09:00:00Z");
const line = (amount: number) => [{ description: "Prestation", quantity: 1, unit_amount: amount, tax_rate: 0 }];

async function pay(key: string, invoice: string, amount: number, receivedOn: string, currency = "eur") {
  const response = await api(key, "POST", "/v1/payments", { method: "bank_transfer", amount, currency, received_on: receivedOn, allocations: [{ invoice, amount }] });
  expect(response.status).toBe(201);
}

describe("GET /v1/reports/aging", () => {
  it("should count an invoice paid since as owed, in its bucket, when read as of a date before its payment", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-02-09", lines: line(12_345) }, ISSUED);
    await pay(merchant.key, invoice.id, 12_345, "2026-03-01");
    const before = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-02-20");
    expect(before.status).toBe(200);
    expect(before.body.currencies).toEqual([
      { currency: "eur", total: 12_345, invoices: 1, buckets: { current: 0, "1-30": 12_345, "31-60": 0, "61-90": 0, "91+": 0 }, unallocated_credit: 0, credit_notes: { count: 0, amount: 0 } },
    ]);
    expect(before.body.customers).toMatchObject([{ customer, name: "Client SAS", currency: "eur", total: 12_345 }]);
    const notYetDue = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-02-09");
    expect(notYetDue.body.currencies[0].buckets.current).toBe(12_345);
    const beforeIssue = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-01-04");
    expect(beforeIssue.body.currencies).toEqual([]);
    const afterPayment = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-03-01");
    expect(afterPayment.body.currencies).toEqual([]);
    expect(afterPayment.body.customers).toEqual([]);
  });

  it("should put days 30, 31, 60, 61, 90 and 91 past due in the buckets their limits name", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const asOf = "2026-06-30";
    // Amounts are powers of ten so each bucket's sum names the invoices it holds.
    const daysPastDue = [0, 1, 30, 31, 60, 61, 90, 91];
    for (const [index, days] of daysPastDue.entries()) {
      const due = new Date(Date.parse(`${asOf}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
      await issuedInvoice(merchant.key, merchant.id, { customer, due_date: due, lines: line(10 ** index) }, ISSUED);
    }
    const report = await api(merchant.key, "GET", `/v1/reports/aging?as_of=${asOf}&by=currency`);
    expect(report.status).toBe(200);
    expect(report.body.buckets.map((bucket: { key: string }) => bucket.key)).toEqual(["current", "1-30", "31-60", "61-90", "91+"]);
    expect(report.body.currencies[0].buckets).toEqual({ current: 1, "1-30": 110, "31-60": 11_000, "61-90": 1_100_000, "91+": 10_000_000 });
    expect(report.body.currencies[0].total).toBe(11_111_111);
    expect(report.body.customers).toEqual([]);
    const custom = await api(merchant.key, "GET", `/v1/reports/aging?as_of=${asOf}&buckets=30,90`);
    expect(custom.body.currencies[0].buckets).toEqual({ current: 1, "1-30": 110, "31-90": 1_111_000, "91+": 10_000_000 });
  });

  it("should keep EUR, JPY and KWD apart, never summed, in the totals and in each customer's rows", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-01-20", lines: line(1_000) }, ISSUED);
    await issuedInvoice(merchant.key, merchant.id, { customer, currency: "jpy", due_date: "2026-01-20", lines: line(50_000) }, ISSUED);
    await issuedInvoice(merchant.key, merchant.id, { customer, currency: "kwd", due_date: "2026-03-20", lines: line(7_250) }, ISSUED);
    const report = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-02-01");
    expect(report.body.currencies.map((row: { currency: string; total: number }) => [row.currency, row.total])).toEqual([["eur", 1_000], ["jpy", 50_000], ["kwd", 7_250]]);
    expect(report.body.customers.map((row: { currency: string; total: number; buckets: Record<string, number> }) => [row.currency, row.total, row.buckets["1-30"]])).toEqual([
      ["eur", 1_000, 1_000], ["jpy", 50_000, 50_000], ["kwd", 7_250, 0],
    ]);
  });

  it("should show unallocated credit apart from the invoices when a customer paid more than was applied", async () => {
    const year = await seedYear();
    const report = await api(year.merchant.readOnlyKey, "GET", "/v1/reports/aging?as_of=2026-12-31");
    const acme = report.body.customers.find((row: { customer: string }) => row.customer === year.customers.acme);
    const credit = (await api(year.merchant.key, "GET", `/v1/customers/${year.customers.acme}`)).body.credit_balances[0].amount;
    expect(acme.unallocated_credit).toBe(credit);
    expect(report.body.currencies.find((row: { currency: string }) => row.currency === "eur").unallocated_credit).toBe(credit);
    // The refunded invoice (reopened by 10 000) and the rest of the one the credit partly paid are what is owed.
    expect(acme.total).toBe(10_000 + (year.invoices.open.total - 5_000));
    expect(report.body.customers.find((row: { customer: string }) => row.customer === year.customers.yen)).toBeUndefined();
  });

  it("should page customer rows with limit and starting_after", async () => {
    const merchant = await createMerchant();
    for (let index = 0; index < 3; index += 1) {
      const customer = (await createCustomer(merchant.key, { name: `Client ${index}` })).id;
      await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-01-20", lines: line(100) }, ISSUED);
    }
    const first = await api(merchant.key, "GET", "/v1/reports/aging?as_of=2026-02-01&limit=2");
    expect(first.body).toMatchObject({ has_more: true });
    expect(first.body.customers).toHaveLength(2);
    const second = await api(merchant.key, "GET", `/v1/reports/aging?as_of=2026-02-01&limit=2&starting_after=${first.body.next}`);
    expect(second.body).toMatchObject({ has_more: false, next: null });
    expect(second.body.customers).toHaveLength(1);
    expect(second.body.currencies[0].total).toBe(300);
  });

  it("should narrow rows and totals to the customers named when customer= lists some ids", async () => {
    const merchant = await createMerchant();
    const ids: string[] = [];
    for (const [index, amount] of [100, 2_000, 30_000].entries()) {
      const customer = (await createCustomer(merchant.key, { name: `Client ${index}` })).id;
      ids.push(customer);
      await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-01-20", lines: line(amount) }, ISSUED);
    }
    const one = await api(merchant.readOnlyKey, "GET", `/v1/reports/aging?as_of=2026-02-01&customer=${ids[1]}`);
    expect(one.status).toBe(200);
    expect(one.body.customers.map((row: { customer: string; total: number }) => [row.customer, row.total])).toEqual([[ids[1], 2_000]]);
    expect(one.body.currencies[0]).toMatchObject({ total: 2_000, invoices: 1 });
    const two = await api(merchant.key, "GET", `/v1/reports/aging?as_of=2026-02-01&customer=${ids[0]},${ids[2]}`);
    expect(two.body.customers.map((row: { customer: string }) => row.customer).sort()).toEqual([ids[0], ids[2]].sort());
    expect(two.body.currencies[0].total).toBe(30_100);
    const other = await createMerchant();
    expect((await api(other.key, "GET", `/v1/reports/aging?as_of=2026-02-01&customer=${ids[0]}`)).body.customers).toEqual([]);
  });

  it("should refuse strangers, client sessions and bad parameters with the status and the param named, changing nothing", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-01-20", lines: line(100) }, ISSUED);
    expect((await api(null, "GET", "/v1/reports/aging")).status).toBe(401);
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
    expect([401, 403]).toContain((await api(session, "GET", "/v1/reports/aging")).status);
    expect([401, 403]).toContain((await api(merchant.publishableKey, "GET", "/v1/reports/aging")).status);
    expect((await api(other.key, "GET", "/v1/reports/aging?as_of=2026-02-01")).body.currencies).toEqual([]);
    const before = await databaseFingerprint();
    for (const [query, param] of [
      ["as_of=2026-02-30", "as_of"], ["as_of=01/02/2026", "as_of"], ["buckets=60,30", "buckets"], ["buckets=0,30", "buckets"], ["buckets=30,30", "buckets"],
      ["buckets=10,20,30,40,50,60,70", "buckets"], ["buckets=30;60", "buckets"], ["by=invoice", "by"], ["limit=0", "limit"], ["customer=a,,b", "customer"], ["customer=%27x%27", "customer"],
    ] as const) {
      const refused = await api(merchant.key, "GET", `/v1/reports/aging?${query}`);
      expect({ query, status: refused.status, param: refused.body.param }).toEqual({ query, status: 422, param });
    }
    expect(await databaseFingerprint()).toBe(before);
  });
});
