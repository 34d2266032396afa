import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { invoiceLinesSource, paymentAllocationsSource } from "../../../worker/exports/csv-sources";
import { csvResponse } from "../../../worker/exports/stream";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint, recordPayment, type TestMerchant } from "../helpers";
import { fetchCsv, minor, sumBy } from "./support";

const HOSTILE_NAME = '=HYPERLINK("http://evil.example","x")';
const AWKWARD_NAME = 'Dupont, "Le Grand"\nSARL';

function at(instant: string) {
  vi.setSystemTime(new Date(instant));
}

interface Seeded {
  merchant: TestMerchant;
  other: TestMerchant;
  invoices: Record<string, { id: string; total: number }>;
}

/** A year of documents in three currencies, issued and paid on known days through the real API. */
async function seed(): Promise<Seeded> {
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    at("2026-01-05T09:00:00Z");
    const merchant = await createMerchant("Export SARL");
    const other = await createMerchant("Someone Else SAS");
    await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
    const alice = (await createCustomer(merchant.key, { name: HOSTILE_NAME })).id;
    const bob = (await createCustomer(merchant.key, { name: AWKWARD_NAME })).id;
    await createInvoice(other.key, (await createCustomer(other.key)).id);

    at("2026-01-10T10:00:00Z");
    const inv1 = await createInvoice(merchant.key, alice, {
      lines: [
        { description: "Conseil, phase 1", quantity: 2.5, unit_amount: 10_000, tax_rate: 2000 },
        { description: 'Livre "rare"\nédition', quantity: 1, unit_amount: 2_000, tax_rate: 550 },
      ],
    });
    at("2026-01-15T10:00:00Z");
    const inv2 = await createInvoice(merchant.key, bob, { lines: [{ description: "-10% remise", quantity: 1, unit_amount: 50_000, tax_rate: 2000 }] });
    at("2026-02-01T10:00:00Z");
    const inv3 = await createInvoice(merchant.key, alice, { currency: "jpy", lines: [{ description: "@home 設置", quantity: 1, unit_amount: 1_999, tax_rate: 1000 }] });
    at("2026-02-10T10:00:00Z");
    const inv4 = await createInvoice(merchant.key, bob, { currency: "kwd", lines: [{ description: "Service", quantity: 1, unit_amount: 1_234, tax_rate: 0 }] });
    await createInvoice(merchant.key, bob, { issue: false });
    at("2026-02-15T10:00:00Z");
    expect((await recordPayment(merchant.key, [{ invoice: inv1.id, amount: 5_000 }])).status).toBe(201);
    at("2026-02-20T10:00:00Z");
    expect((await recordPayment(merchant.key, [{ invoice: inv3.id, amount: inv3.total }], "jpy")).status).toBe(201);
    at("2026-03-31T23:59:59Z");
    const inv5 = await createInvoice(merchant.key, bob);
    at("2026-04-01T00:00:00Z");
    const inv6 = await createInvoice(merchant.key, bob);
    at("2026-04-02T10:00:00Z");
    const batch = await recordPayment(merchant.key, [{ invoice: inv5.id, amount: inv5.total }, { invoice: inv6.id, amount: inv6.total }, { invoice: inv2.id, amount: 100 }]);
    expect(batch.status).toBe(201);
    at("2026-04-03T10:00:00Z");
    expect((await api(merchant.key, "POST", `/v1/payments/${batch.body.id}/refund`, { amount: 1_000 })).status).toBe(200);
    // A card payment whose invoice was settled by a transfer meanwhile: its money stays unallocated.
    at("2026-05-01T10:00:00Z");
    const inv7 = await createInvoice(merchant.key, alice);
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer: alice })).body.token as string;
    const started = await api(session, "POST", "/v1/client/payments", { invoices: [inv7.id], method: "sandbox" });
    expect(started.status).toBe(201);
    expect((await recordPayment(merchant.key, [{ invoice: inv7.id, amount: inv7.total }])).status).toBe(201);
    expect((await api(null, "POST", `/sandbox/pay/${started.body.action.token}`, { card_number: "4242424242424242" })).body.status).toBe("succeeded");
    // Credit notes: a partial one by amount on a partly paid invoice, one refunded through the payment.
    at("2026-04-10T10:00:00Z");
    expect((await api(merchant.key, "POST", `/v1/invoices/${inv2.id}/credit_notes`, { amount: 5_000, reason: "Remise, accordée" })).status).toBe(201);
    at("2026-04-11T10:00:00Z");
    expect((await api(merchant.key, "POST", `/v1/invoices/${inv6.id}/credit_notes`, { amount: 2_000, refund: true, reason: "=1+1" })).status).toBe(201);
    return { merchant, other, invoices: { inv1, inv2, inv3, inv4, inv5, inv6, inv7 } };
  } finally {
    vi.useRealTimers();
  }
}

let seeded: Seeded;
beforeAll(async () => {
  seeded = await seed();
});
afterEach(() => vi.useRealTimers());

const YEAR = "from=2026-01-01&to=2026-12-31";

describe("GET /v1/exports/invoices.csv", () => {
  it("should parse as RFC 4180 with a BOM, one row per invoice line, totals equal to the API's", async () => {
    const csv = await fetchCsv(seeded.merchant.readOnlyKey, `/v1/exports/invoices.csv?${YEAR}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="invoices_2026-01-01_2026-12-31.csv"');
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.text.endsWith("\r\n")).toBe(true);
    expect(csv.header.slice(0, 3)).toEqual(["invoice_number", "invoice_id", "issued_on"]);

    const listed = (await api(seeded.merchant.key, "GET", "/v1/invoices?limit=100")).body.data as any[];
    const issued = listed.filter((invoice) => invoice.status !== "draft");
    expect(csv.rows).toHaveLength(issued.reduce((sum, invoice) => sum + invoice.lines.length, 0));
    expect(csv.rows).toHaveLength(8);
    const apiTotals: Record<string, number> = {};
    for (const invoice of issued) apiTotals[invoice.currency] = (apiTotals[invoice.currency] ?? 0) + invoice.total;
    expect(sumBy(csv.rows, "line_ttc")).toEqual(apiTotals);
    for (const invoice of issued) {
      const rows = csv.rows.filter((row) => row.invoice_id === invoice.id);
      expect(rows).toHaveLength(invoice.lines.length);
      for (const row of rows) {
        expect(row).toMatchObject({ invoice_number: invoice.number, currency: invoice.currency, status: invoice.status });
        expect([minor(row.invoice_ttc!), minor(row.amount_paid!), minor(row.amount_credited!), minor(row.amount_due!)]).toEqual([
          invoice.total, invoice.amount_paid, invoice.amount_credited, invoice.amount_due,
        ]);
      }
    }
  });

  it("should write amounts in major units (JPY without decimals), VAT in percent and people's text as it was, formulas neutralised", async () => {
    const { rows } = await fetchCsv(seeded.merchant.readOnlyKey, `/v1/exports/invoices.csv?${YEAR}`);
    const inv1 = rows.filter((row) => row.invoice_id === seeded.invoices.inv1!.id);
    expect(inv1.map((row) => [row.line, row.description, row.quantity, row.unit_amount, row.vat_rate, row.line_ht, row.line_tva, row.line_ttc])).toEqual([
      ["1", "Conseil, phase 1", "2.5", "100.00", "20", "250.00", "50.00", "300.00"],
      ["2", 'Livre "rare"\nédition', "1", "20.00", "5.5", "20.00", "1.10", "21.10"],
    ]);
    expect(inv1[0]).toMatchObject({ customer_name: `'${HOSTILE_NAME}`, issued_on: "2026-01-10", invoice_ttc: "321.10", amount_paid: "50.00", amount_due: "271.10" });
    const yen = rows.find((row) => row.invoice_id === seeded.invoices.inv3!.id)!;
    expect(yen).toMatchObject({ currency: "jpy", description: "'@home 設置", unit_amount: "1999", line_tva: "200", line_ttc: "2199", status: "paid", amount_due: "0" });
    expect(rows.find((row) => row.invoice_id === seeded.invoices.inv4!.id)).toMatchObject({ currency: "kwd", line_ttc: "1.234", customer_name: AWKWARD_NAME });
    expect(rows.find((row) => row.invoice_id === seeded.invoices.inv2!.id)!.description).toBe("'-10% remise");
  });

  it("should take the range by issue day, both ends included, UTC", async () => {
    const march = await fetchCsv(seeded.merchant.key, "/v1/exports/invoices.csv?from=2026-03-01&to=2026-03-31");
    expect(march.rows.map((row) => row.invoice_id)).toEqual([seeded.invoices.inv5!.id]);
    const april = await fetchCsv(seeded.merchant.key, "/v1/exports/invoices.csv?from=2026-04-01&to=2026-04-01");
    expect(april.rows.map((row) => row.invoice_id)).toEqual([seeded.invoices.inv6!.id]);
    const empty = await fetchCsv(seeded.merchant.key, "/v1/exports/invoices.csv?from=2025-01-01&to=2025-12-31");
    expect(empty.rows).toEqual([]);
    expect(empty.header.length).toBeGreaterThan(10);
  });

  it("should default to 1 January of this year up to today", async () => {
    const year = new Date().toISOString().slice(0, 4);
    const csv = await fetchCsv(seeded.merchant.key, "/v1/exports/invoices.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="invoices_${year}-01-01_${new Date().toISOString().slice(0, 10)}.csv"`);
  });

  it("should give the same file whatever the page size (keyset pages join without gap or repeat)", async () => {
    const range = { from: "2026-01-01", to: "2026-12-31" };
    const read = async (perPage: number) => (await csvResponse(invoiceLinesSource(env.DB, seeded.merchant.id, range, perPage), "x.csv")).text();
    const whole = await read(200);
    expect(await read(1)).toBe(whole);
    expect(await read(2)).toBe(whole);
    expect(await read(7)).toBe(whole);
    const payments = async (perPage: number) => (await csvResponse(paymentAllocationsSource(env.DB, seeded.merchant.id, range, perPage), "x.csv")).text();
    expect(await payments(1)).toBe(await payments(500));
  });

  it("should export nothing of another merchant's", async () => {
    const csv = await fetchCsv(seeded.other.readOnlyKey, `/v1/exports/invoices.csv?${YEAR}`);
    expect(csv.rows).toHaveLength(1);
    expect(csv.text).not.toContain("Export SARL");
    expect((await fetchCsv(seeded.other.key, `/v1/exports/payments.csv?${YEAR}`)).rows).toEqual([]);
  });
});

describe("GET /v1/exports/payments.csv", () => {
  it("should give one row per allocation plus the unallocated remainder, adding up to the API's payments", async () => {
    const csv = await fetchCsv(seeded.merchant.readOnlyKey, `/v1/exports/payments.csv?${YEAR}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="payments_2026-01-01_2026-12-31.csv"');
    const payments = ((await api(seeded.merchant.key, "GET", "/v1/payments?limit=100")).body.data as any[]).filter((payment) => payment.status !== "failed");
    expect(payments).toHaveLength(5);
    // A remainder row whenever a payment holds more than its allocations, even when that remainder was refunded since.
    const remainder = (payment: any) => payment.amount - payment.allocations.reduce((sum: number, allocation: any) => sum + allocation.amount, 0);
    expect(csv.rows).toHaveLength(payments.reduce((sum, payment) => sum + payment.allocations.length + (remainder(payment) > 0 ? 1 : 0), 0));
    // 5 payments, 6 allocations and 2 remainders: the card payment's, and what the refunded credit note took off the batch.
    expect(csv.rows).toHaveLength(8);
    const amounts: Record<string, number> = {};
    const refunded: Record<string, number> = {};
    for (const payment of payments) {
      amounts[payment.currency] = (amounts[payment.currency] ?? 0) + payment.amount;
      refunded[payment.currency] = (refunded[payment.currency] ?? 0) + payment.amount_refunded;
    }
    expect(sumBy(csv.rows, "amount")).toEqual(amounts);
    expect(sumBy(csv.rows, "refunded")).toEqual(refunded);
    expect(refunded.eur).toBeGreaterThan(1_000);
    const credit = csv.rows.filter((row) => row.kind === "unallocated");
    expect(credit).toHaveLength(2);
    expect(credit.find((row) => row.method === "sandbox")).toMatchObject({ invoice_id: "", invoice_number: "", method: "sandbox", provider: "sandbox", received_on: "2026-05-01", customer_name: `'${HOSTILE_NAME}` });
    const yen = csv.rows.find((row) => row.currency === "jpy")!;
    expect(yen).toMatchObject({ kind: "allocation", invoice_id: seeded.invoices.inv3!.id, amount: "2199", received_on: "2026-02-20", method: "bank_transfer" });
  });

  it("should take the range by the day the money came", async () => {
    const february = await fetchCsv(seeded.merchant.key, "/v1/exports/payments.csv?from=2026-02-01&to=2026-02-28");
    expect(february.rows.map((row) => row.received_on)).toEqual(["2026-02-15", "2026-02-20"]);
  });
});

describe("GET /v1/exports/credit_notes.csv", () => {
  it("should give one row per credit-note line, adding up to the API's credit notes", async () => {
    const csv = await fetchCsv(seeded.merchant.readOnlyKey, `/v1/exports/credit_notes.csv?${YEAR}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="credit_notes_2026-01-01_2026-12-31.csv"');
    const notes = (await api(seeded.merchant.key, "GET", "/v1/credit_notes?limit=100")).body.data as any[];
    expect(notes).toHaveLength(2);
    expect(csv.rows).toHaveLength(notes.reduce((sum, note) => sum + note.lines.length, 0));
    const totals: Record<string, number> = {};
    for (const note of notes) totals[note.currency] = (totals[note.currency] ?? 0) + note.total;
    expect(sumBy(csv.rows, "line_ttc")).toEqual(totals);
    for (const note of notes) {
      const rows = csv.rows.filter((row) => row.credit_note_id === note.id);
      expect(rows).toHaveLength(note.lines.length);
      expect(rows[0]).toMatchObject({ credit_note_number: note.number, invoice_id: note.invoice, invoice_number: note.invoice_number });
      expect([minor(rows[0]!.credit_note_ttc!), minor(rows[0]!.applied_to_invoice!), minor(rows[0]!.to_credit!), minor(rows[0]!.refunded!)]).toEqual([
        note.total, note.applied_to_invoice, note.to_credit, note.refunded,
      ]);
    }
    const refunded = csv.rows.find((row) => row.invoice_id === seeded.invoices.inv6!.id)!;
    expect(refunded).toMatchObject({ issued_on: "2026-04-11", invoice_issued_on: "2026-04-01", reason: "'=1+1", customer_name: AWKWARD_NAME });
    expect(minor(refunded.refunded!)).toBeGreaterThan(0);
    expect(csv.rows.find((row) => row.invoice_id === seeded.invoices.inv2!.id)!.reason).toBe("Remise, accordée");
    expect((await fetchCsv(seeded.merchant.key, "/v1/exports/credit_notes.csv?from=2026-04-11&to=2026-04-30")).rows.map((row) => row.invoice_id)).toEqual([seeded.invoices.inv6!.id]);
  });
});

describe("CSV export requests", () => {
  it.each([
    ["from=2026-02-30", "from", "parameter_invalid"],
    ["from=2026-1-01", "from", "parameter_invalid"],
    ["to=yesterday", "to", "parameter_invalid"],
    ["from=2026-03-01&to=2026-02-28", "to", "parameter_invalid"],
    ["from=2024-01-01&to=2026-01-01", "to", "parameter_invalid"],
    ["form=2026-01-01", "form", "parameter_unknown"],
  ])("should refuse ?%s with a 422 naming %s and change nothing", async (query, param, code) => {
    const before = await databaseFingerprint();
    for (const name of ["invoices", "payments", "credit_notes"]) {
      const response = await api(seeded.merchant.key, "GET", `/v1/exports/${name}.csv?${query}`);
      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.body).toMatchObject({ code, param });
    }
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should accept a range of exactly the longest span (731 days)", async () => {
    expect((await api(seeded.merchant.key, "GET", "/v1/exports/invoices.csv?from=2025-01-01&to=2027-01-01")).status).toBe(200);
    expect((await api(seeded.merchant.key, "GET", "/v1/exports/invoices.csv?from=2025-01-01&to=2027-01-02")).status).toBe(422);
  });

  it("should refuse a stranger (401), a client session and a publishable key (403)", async () => {
    const session = (await api(seeded.merchant.key, "POST", "/v1/client_sessions", { customer: (await createCustomer(seeded.merchant.key)).id })).body.token as string;
    for (const name of ["invoices", "payments", "credit_notes"]) {
      expect((await api(null, "GET", `/v1/exports/${name}.csv`)).status).toBe(401);
      expect((await api("sk_test_not_a_real_key", "GET", `/v1/exports/${name}.csv`)).status).toBe(401);
      expect((await api(session, "GET", `/v1/exports/${name}.csv`)).body).toMatchObject({ status: 403, code: "wrong_key_type" });
      expect((await api(seeded.merchant.publishableKey, "GET", `/v1/exports/${name}.csv`)).body).toMatchObject({ status: 403, code: "wrong_key_type" });
    }
  });

  it("should answer 405 to a write on an export", async () => {
    expect((await api(seeded.merchant.key, "POST", "/v1/exports/invoices.csv", {})).status).toBe(405);
  });
});
