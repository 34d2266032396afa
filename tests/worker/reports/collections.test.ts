/**
 * The collections report on a hand-worked example: one merchant's March 2026 in EUR (and one JPY
 * invoice), every document issued and paid on a known day through the real API (a fake clock).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type TestMerchant } from "../helpers";

function at(day: string) {
  vi.setSystemTime(new Date(`${day}T10:00:00Z`));
}

/** One line of `ht` minor units at 20 % VAT: total ht × 1.2. */
const line = (ht: number, tax_rate = 2000) => [{ description: "Prestation", quantity: 1, unit_amount: ht, tax_rate }];

interface Example {
  merchant: TestMerchant;
  other: TestMerchant;
  ids: Record<string, string>;
}

async function handWorkedExample(): Promise<Example> {
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    at("2026-01-02");
    const merchant = await createMerchant("Collections SARL");
    const other = await createMerchant("Other SAS");
    const a = (await createCustomer(merchant.key, { name: "A (pays late)" })).id;
    const b = (await createCustomer(merchant.key, { name: "B (no history)" })).id;
    const c = (await createCustomer(merchant.key, { name: "C (promises)" })).id;
    const ids: Record<string, string> = {};
    const issue = async (name: string, day: string, customer: string, ht: number, due_date: string, extra: Record<string, unknown> = {}) => {
      at(day);
      ids[name] = (await createInvoice(merchant.key, customer, { lines: line(ht), due_date, ...extra })).id;
    };
    const pay = async (day: string, invoice: string, amount: number, method = "bank_transfer", currency = "eur") => {
      at(day);
      const response = await api(merchant.key, "POST", "/v1/payments", { method, amount, currency, allocations: [{ invoice: ids[invoice], amount }] });
      expect(response.status).toBe(201);
      return response.body.id as string;
    };

    // History before the range: A paid 3 and 5 days late.
    await issue("H1", "2026-01-05", a, 10_000, "2026-01-20");
    await pay("2026-01-23", "H1", 12_000);
    await issue("H2", "2026-01-10", a, 10_000, "2026-02-01");
    await pay("2026-02-06", "H2", 12_000);

    // March 2026.
    await issue("I1", "2026-03-02", a, 100_000, "2026-03-16"); // 1,200.00 TTC
    await issue("I8", "2026-03-05", a, 50_000, "2026-03-31"); // voided the next day: never invoiced
    at("2026-03-06");
    expect((await api(merchant.key, "POST", `/v1/invoices/${ids.I8}/void`)).status).toBe(200);
    await issue("I2", "2026-03-09", b, 50_000, "2026-03-31"); // 600.00
    at("2026-03-10");
    ids.I7 = (await createInvoice(merchant.key, b, { currency: "jpy", lines: line(10_000, 1000), due_date: "2026-04-09" })).id; // ¥11,000
    await issue("I3", "2026-03-16", c, 20_000, "2026-03-20"); // 240.00
    await pay("2026-03-18", "I1", 120_000); // 2 days late
    const cheque = await pay("2026-03-20", "I2", 20_000, "cheque"); // partial
    await pay("2026-03-20", "I3", 24_000, "cash"); // on the due date
    await issue("I4", "2026-03-23", a, 30_000, "2026-04-18"); // 360.00
    await issue("I5", "2026-03-25", c, 10_000, "2026-03-30"); // 120.00, promised for 15 April
    at("2026-03-26");
    expect((await api(merchant.key, "PUT", `/v1/invoices/${ids.I5}/reminder_settings`, { promise_until: "2026-04-15" })).status).toBe(200);
    await issue("I6", "2026-03-26", b, 5_000, "2026-03-27"); // 60.00, overdue at the end of March
    at("2026-03-27");
    expect((await api(merchant.key, "POST", `/v1/payments/${cheque}/refund`, { amount: 5_000 })).status).toBe(200);
    // After the range: I4 paid on 2 April still counts as receivable at 31 March.
    await pay("2026-04-02", "I4", 36_000);
    return { merchant, other, ids };
  } finally {
    vi.useRealTimers();
  }
}

let example: Example;
beforeAll(async () => {
  example = await handWorkedExample();
});
afterEach(() => vi.useRealTimers());

const MARCH = "from=2026-03-01&to=2026-03-31";

describe("GET /v1/reports/collections on the hand-worked March", () => {
  it("should give the DSO, days to pay and share on time per currency", async () => {
    const report = await api(example.merchant.readOnlyKey, "GET", `/v1/reports/collections?${MARCH}&interval=month`);
    expect(report.status).toBe(200);
    expect(report.body.currencies).toEqual(["eur", "jpy"]);
    const [eur, jpy] = report.body.summary;
    // Sales incl. tax in March: I1 1,200 + I2 600 + I3 240 + I4 360 + I5 120 + I6 60 = 2,580.00 (I8 void: excluded).
    // Receivables at the end of 31 March: I2 600 − 200 paid + 50 refunded = 450; I4 360 (paid only on 2 April);
    // I5 120; I6 60 → 990.00. DSO = 990 ÷ 2,580 × 31 days = 11.895… → 11.9.
    // Fully paid in March: I1 (issued 2 March, paid 18 March: 16 days, due 16 March: late) and
    // I3 (16 → 20 March: 4 days, due 20 March: on time) → (16 + 4) ÷ 2 = 10.0 days, 1 of 2 on time.
    // H1 and H2 were paid before March; I4 after it.
    expect(eur).toEqual({
      currency: "eur", cash_received_net: 159_000, sales_incl_tax: 258_000, receivables_at_end: 99_000, days: 31, dso: 11.9,
      paid_invoices: 2, average_days_to_pay: 10, paid_on_time: 1, on_time_share: 0.5,
    });
    // ¥11,000 invoiced, nothing paid: DSO = 11,000 ÷ 11,000 × 31 = 31.
    expect(jpy).toEqual({
      currency: "jpy", cash_received_net: 0, sales_incl_tax: 11_000, receivables_at_end: 11_000, days: 31, dso: 31,
      paid_invoices: 0, average_days_to_pay: null, paid_on_time: 0, on_time_share: null,
    });
  });

  it("should give cash received per method net of refunds, and invoiced, per period", async () => {
    const report = await api(example.merchant.key, "GET", `/v1/reports/collections?${MARCH}&interval=month`);
    expect(report.body.periods).toHaveLength(1);
    const [eur, jpy] = report.body.periods[0].currencies;
    // Transfer 1,200 (18 March) + cheque 200 (20 March) − 50 refunded (27 March) + cash 240 (20 March).
    expect(eur).toEqual({
      currency: "eur",
      cash_received: { by_method: { bank_transfer: 120_000, cheque: 15_000, cash: 24_000 }, received: 164_000, refunded: 5_000, net: 159_000 },
      invoiced: { issued: 258_000, credited: 0, net: 258_000 },
    });
    expect(jpy).toMatchObject({ currency: "jpy", cash_received: { received: 0, net: 0 }, invoiced: { issued: 11_000, net: 11_000 } });
  });

  it("should bucket by ISO week, the first and last clipped to the range", async () => {
    const report = await api(example.merchant.key, "GET", `/v1/reports/collections?${MARCH}&interval=week`);
    // 1 March 2026 is a Sunday: the range starts with one day of W09 and ends with two of W14.
    expect(report.body.periods.map((period: any) => [period.period, period.start, period.end])).toEqual([
      ["2026-W09", "2026-03-01", "2026-03-01"], ["2026-W10", "2026-03-02", "2026-03-08"], ["2026-W11", "2026-03-09", "2026-03-15"],
      ["2026-W12", "2026-03-16", "2026-03-22"], ["2026-W13", "2026-03-23", "2026-03-29"], ["2026-W14", "2026-03-30", "2026-03-31"],
    ]);
    const eur = report.body.periods.map((period: any) => period.currencies[0]);
    // W10: I1 1,200 (I8 void). W11: I2 600. W12: I3 240; cash 1,200 + 200 + 240. W13: I4 360 + I5 120 + I6 60; refund 50.
    expect(eur.map((entry: any) => entry.invoiced.issued)).toEqual([0, 120_000, 60_000, 24_000, 54_000, 0]);
    expect(eur.map((entry: any) => entry.cash_received.net)).toEqual([0, 0, 0, 164_000, -5_000, 0]);
    expect(eur[4].cash_received.by_method).toEqual({ cheque: -5_000 });
  });

  it("should bucket by day", async () => {
    const report = await api(example.merchant.key, "GET", `/v1/reports/collections?from=2026-03-18&to=2026-03-20&interval=day`);
    expect(report.body.periods.map((period: any) => [period.period, period.currencies[0].cash_received.received])).toEqual([
      ["2026-03-18", 120_000], ["2026-03-19", 0], ["2026-03-20", 44_000],
    ]);
  });

  it("should forecast the 8 weeks after 31 March from due dates, lateness and promises", async () => {
    const report = await api(example.merchant.key, "GET", `/v1/reports/collections?${MARCH}`);
    const { forecast } = report.body;
    // as_of = 31 March (`to` is past). Week 1 = Monday 6 → Sunday 12 April.
    // Lateness at 31 March: A paid H1 +3, H2 +5, I1 +2 days after due → 10/3 = 3.33 → 3 days; B and C: 0.
    //  I2 (B) 450 due 31 March → 31 March, already past → week 1.
    //  I6 (B) 60 due 27 March (overdue, no promise) → week 1.
    //  I7 (B) ¥11,000 due 9 April → week 1, apart in JPY.
    //  I5 (C) 120 promised for 15 April → week 2 (13–19 April), whatever its due date.
    //  I4 (A) 360 due Saturday 18 April (week 2) + 3 days → Tuesday 21 April → week 3.
    expect(forecast.as_of).toBe("2026-03-31");
    expect(forecast.weeks[0]).toEqual({
      week: "2026-W15", start: "2026-04-06", end: "2026-04-12",
      currencies: [{ currency: "eur", expected: 51_000, invoices: 2, promised: 0 }, { currency: "jpy", expected: 11_000, invoices: 1, promised: 0 }],
    });
    expect(forecast.weeks[1].currencies).toEqual([{ currency: "eur", expected: 12_000, invoices: 1, promised: 12_000 }]);
    expect(forecast.weeks[2].currencies).toEqual([{ currency: "eur", expected: 36_000, invoices: 1, promised: 0 }]);
    expect(forecast.weeks.slice(3).every((week: any) => week.currencies.length === 0)).toBe(true);
    expect(forecast.weeks).toHaveLength(8);
    expect(forecast.beyond).toEqual([]);
    // What the forecast places is exactly what was receivable at 31 March, per currency.
    expect(51_000 + 12_000 + 36_000).toBe(report.body.summary[0].receivables_at_end);
  });

  it("should count a past date's receivables as of that date: before any March payment", async () => {
    const report = await api(example.merchant.key, "GET", "/v1/reports/collections?from=2026-03-01&to=2026-03-17");
    // At 17 March: I1 1,200, I2 600, I3 240 issued and unpaid → 2,040.00; sales 2,040 → DSO 17 days.
    expect(report.body.summary[0]).toMatchObject({ receivables_at_end: 204_000, sales_incl_tax: 204_000, dso: 17, paid_invoices: 0 });
  });

  it("should show nothing of another merchant's", async () => {
    const report = await api(example.other.readOnlyKey, "GET", `/v1/reports/collections?${MARCH}&interval=week`);
    expect(report.status).toBe(200);
    expect(report.body.currencies).toEqual([]);
    expect(report.body.summary).toEqual([]);
    expect(report.body.periods).toHaveLength(6);
    expect(report.body.forecast.weeks.every((week: any) => week.currencies.length === 0)).toBe(true);
  });
});

describe("GET /v1/reports/collections requests", () => {
  it.each([
    ["from=2026-02-30", "from", "parameter_invalid"],
    ["to=31-03-2026", "to", "parameter_invalid"],
    ["from=2026-03-31&to=2026-03-01", "to", "parameter_invalid"],
    ["from=2024-01-01&to=2026-03-31", "to", "parameter_invalid"],
    ["interval=year", "interval", "parameter_invalid"],
    ["from=2025-01-01&to=2026-01-02&interval=day", "interval", "parameter_invalid"],
    ["as_of=2026-03-01", "as_of", "parameter_unknown"],
  ])("should refuse ?%s with a 422 naming %s and change nothing", async (query, param, code) => {
    const before = await databaseFingerprint();
    const response = await api(example.merchant.key, "GET", `/v1/reports/collections?${query}`);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code, param });
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should accept 366 days by day, and default to months from 1 January to today", async () => {
    expect((await api(example.merchant.key, "GET", "/v1/reports/collections?from=2024-01-01&to=2024-12-31&interval=day")).body.periods).toHaveLength(366);
    const byDefault = await api(example.merchant.key, "GET", "/v1/reports/collections");
    expect(byDefault.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(byDefault.body).toMatchObject({ from: `${today.slice(0, 4)}-01-01`, to: today, interval: "month" });
    expect(byDefault.body.forecast.as_of).toBe(today);
  });

  it("should refuse a stranger (401), a client session (403) and answer a read-only key", async () => {
    const session = (await api(example.merchant.key, "POST", "/v1/client_sessions", { customer: (await createCustomer(example.merchant.key)).id })).body.token as string;
    expect((await api(null, "GET", "/v1/reports/collections")).status).toBe(401);
    expect((await api(session, "GET", "/v1/reports/collections")).body).toMatchObject({ status: 403, code: "wrong_key_type" });
    expect((await api(example.merchant.publishableKey, "GET", "/v1/reports/collections")).status).toBe(403);
    expect((await api(example.merchant.readOnlyKey, "GET", "/v1/reports/collections")).status).toBe(200);
    expect((await api(example.merchant.key, "POST", "/v1/reports/collections", {})).status).toBe(405);
  });
});

describe("collections across a month boundary", () => {
  it("should split by month and join by ISO week the payments of 31 January and 1 February", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at("2026-01-20");
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const first = await createInvoice(merchant.key, customer);
    const second = await createInvoice(merchant.key, customer);
    at("2026-01-31");
    await recordPayment(merchant.key, [{ invoice: first.id, amount: 1_000 }]);
    at("2026-02-01");
    await recordPayment(merchant.key, [{ invoice: second.id, amount: 2_500 }]);
    vi.useRealTimers();
    const cash = async (interval: string) =>
      (await api(merchant.key, "GET", `/v1/reports/collections?from=2026-01-26&to=2026-02-08&interval=${interval}`)).body.periods.map((period: any) => [period.period, period.currencies[0].cash_received.received]);
    expect(await cash("month")).toEqual([["2026-01", 1_000], ["2026-02", 2_500]]);
    // 31 January (Saturday) and 1 February (Sunday) are in the same ISO week, 2026-W05.
    expect(await cash("week")).toEqual([["2026-W05", 3_500], ["2026-W06", 0]]);
  });
});

describe("collections with credit notes", () => {
  it("should subtract a credit note from invoiced on its own issue day", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at("2026-05-29");
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer); // 120.00
    at("2026-06-02");
    expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 3_000, reason: "Retard de livraison" })).status).toBe(201);
    vi.useRealTimers();
    const report = await api(merchant.key, "GET", "/v1/reports/collections?from=2026-05-01&to=2026-06-30&interval=month");
    expect(report.body.periods.map((period: any) => period.currencies[0].invoiced)).toEqual([
      { issued: 12_000, credited: 0, net: 12_000 },
      { issued: 0, credited: 3_000, net: -3_000 },
    ]);
    // Sales 120 − 30 = 90 over 61 days; 90 still receivable → DSO = 90 ÷ 90 × 61 = 61.
    expect(report.body.summary[0]).toMatchObject({ sales_incl_tax: 9_000, receivables_at_end: 9_000, dso: 61 });
  });
});
