import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant, databaseFingerprint } from "../helpers";
import { issuedInvoice, seedYear, type SeededYear } from "../ledger/scenario";
import { ARTICLE_FIELDS, checkFec } from "./fec-check";

/** The year with a credit note (branch credit-notes) settling what the refund reopened. */
async function seedYearWithCreditNote(): Promise<SeededYear & { creditNote: string }> {
  const year = await seedYear();
  const issued = await api(year.merchant.key, "POST", `/v1/invoices/${year.invoices.refunded.id}/credit_notes`, { amount: 10_000, reason: "geste commercial" });
  if (issued.status !== 201) throw new Error(`credit note: ${issued.text}`);
  return { ...year, creditNote: issued.body.number as string };
}

function latin9Decode(bytes: Uint8Array): string {
  const specials: Record<number, string> = { 0xa4: "€", 0xa6: "Š", 0xa8: "š", 0xb4: "Ž", 0xb8: "ž", 0xbc: "Œ", 0xbd: "œ", 0xbe: "Ÿ" };
  return [...bytes].map((byte) => specials[byte] ?? String.fromCharCode(byte)).join("");
}

describe("GET /v1/exports/fec.txt", () => {
  it("should export a seeded year that passes the checks of article A47 A-1", async () => {
    const year = await seedYearWithCreditNote();
    const response = await api(year.merchant.readOnlyKey, "GET", "/v1/exports/fec.txt?year=2026");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="123456789FEC20261231.txt"');
    const { problems, records } = checkFec(response.text, 2026);
    expect(problems).toEqual([]);
    expect(response.text.split("\r\n")[0]).toBe(ARTICLE_FIELDS.join("\t"));
    expect(new Set(records.map((record) => record.JournalCode))).toEqual(new Set(["VE", "BQ"]));
    // Revenue per VAT rate and VAT on the two-rate invoice.
    const twoRates = records.filter((record) => record.JournalCode === "VE" && record.PieceRef === year.invoices.twoRates.number);
    expect(twoRates.map((record) => [record.CompteNum, record.Debit, record.Credit])).toEqual([
      ["411", String(year.invoices.twoRates.total / 100).replace(".", ",") + (year.invoices.twoRates.total % 100 === 0 ? ",00" : ""), "0,00"],
      ["706", "0,00", "59,97"], ["44571", "0,00", "3,30"], ["706", "0,00", "1000,00"], ["44571", "0,00", "200,00"],
    ]);
    expect(twoRates[0]).toMatchObject({ CompAuxLib: "Société Générale d'Études — Noël", EcritureLet: year.invoices.twoRates.number, DateLet: "20260305" });
    expect(twoRates[0]!.CompAuxNum).toBe(`C${year.customers.acme.slice(4).toUpperCase()}`);
    // Every 411 record of a settled invoice is lettered: the invoice, each payment, the refund, the credit note.
    for (const invoice of [year.invoices.twoRates, year.invoices.batchSecond, year.invoices.refunded, year.invoices.voided, year.invoices.yen, year.invoices.credited]) {
      const lettered = records.filter((record) => record.CompteNum === "411" && record.EcritureLet === invoice.number);
      expect({ invoice: invoice.number, lettered: lettered.length >= 2 }).toEqual({ invoice: invoice.number, lettered: true });
      const sales = records.filter((record) => record.CompteNum === "411" && record.PieceRef === invoice.number);
      expect(sales.every((record) => record.EcritureLet === invoice.number)).toBe(true);
    }
    expect(records.filter((record) => record.CompteNum === "411" && record.PieceRef === year.invoices.open.number).every((record) => record.EcritureLet === "")).toBe(true);
    // The credit note reverses revenue and VAT on the sales journal.
    expect(records.filter((record) => record.PieceRef === year.creditNote).map((record) => [record.CompteNum, record.Debit, record.Credit])).toEqual([
      ["706", "83,33", "0,00"], ["44571", "16,67", "0,00"], ["411", "0,00", "100,00"],
    ]);
    // The JPY invoice: euros at the book rate, the yen amount and currency kept.
    const yen = records.filter((record) => record.PieceRef === year.invoices.yen.number);
    expect(yen.map((record) => [record.CompteNum, record.Debit, record.Credit, record.Montantdevise, record.Idevise])).toEqual([
      ["411", "930,00", "0,00", "150000", "JPY"], ["706", "0,00", "930,00", "150000", "JPY"],
    ]);
    // The refund: 411 debited, 512 credited, on the bank journal.
    const refund = records.filter((record) => record.EcritureLib.startsWith("Remboursement"));
    expect(refund.map((record) => [record.JournalCode, record.CompteNum, record.Debit, record.Credit])).toEqual([["BQ", "411", "100,00", "0,00"], ["BQ", "512", "0,00", "100,00"]]);
  });

  it("should encode ISO-8859-15 on encoding=latin9 and replace what it cannot hold with ?", async () => {
    const year = await seedYear();
    const utf8 = await api(year.merchant.readOnlyKey, "GET", "/v1/exports/fec.txt?year=2026");
    const response = await (await import("cloudflare:workers") as any).exports.default.fetch(
      new Request("http://127.0.0.1:8787/v1/exports/fec.txt?year=2026&encoding=latin9", { headers: { authorization: `Bearer ${year.merchant.readOnlyKey}` } }),
    );
    expect(response.headers.get("content-type")).toBe("text/plain; charset=iso-8859-15");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.every((byte) => byte < 0x80 || byte >= 0xa0)).toBe(true);
    expect(latin9Decode(bytes)).toBe(utf8.text.replaceAll("—", "?"));
    expect(latin9Decode(bytes)).toContain("Société Générale d'Études ? Noël");
  });

  it("should be empty but for its header for a year without entries", async () => {
    const year = await seedYear();
    const response = await api(year.merchant.readOnlyKey, "GET", "/v1/exports/fec.txt?year=2025");
    expect(response.text).toBe(`${ARTICLE_FIELDS.join("\t")}\r\n`);
  });

  it("should refuse strangers, client sessions, bad parameters and missing settings, naming the param and changing nothing", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await issuedInvoice(merchant.key, merchant.id, { customer, currency: "jpy", due_date: "2026-02-01", lines: [{ description: "Licence", quantity: 1, unit_amount: 1_000, tax_rate: 0 }] }, new Date("2026-01-10T09:00:00Z"));
    expect((await api(null, "GET", "/v1/exports/fec.txt?year=2026")).status).toBe(401);
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
    expect([401, 403]).toContain((await api(session, "GET", "/v1/exports/fec.txt?year=2026")).status);
    const noSiren = await api(merchant.readOnlyKey, "GET", "/v1/exports/fec.txt?year=2026");
    expect(noSiren.status).toBe(409);
    expect(noSiren.body).toMatchObject({ code: "accounting_settings_incomplete", param: "seller.siren" });
    expect((await api(merchant.key, "PUT", "/v1/settings", { seller: { siren: "123456789" } })).status).toBe(200);
    const noRate = await api(merchant.readOnlyKey, "GET", "/v1/exports/fec.txt?year=2026");
    expect(noRate.status).toBe(409);
    expect(noRate.body).toMatchObject({ code: "accounting_settings_incomplete", param: "accounting.exchange_rates.jpy" });
    const before = await databaseFingerprint();
    for (const [query, param] of [["", "year"], ["year=26", "year"], ["year=abcd", "year"], ["year=2026&encoding=utf16", "encoding"]] as const) {
      const refused = await api(merchant.readOnlyKey, "GET", `/v1/exports/fec.txt?${query}`);
      expect({ query, status: refused.status, param: refused.body.param }).toEqual({ query, status: 422, param });
    }
    for (const [accounting, param] of [
      [{ accounts: { receivable: "4-11" } }, "accounting.accounts.receivable"],
      [{ journals: { sales: { code: "ve", label: "Ventes" } } }, "accounting.journals.sales.code"],
      [{ exchange_rates: { jpy: "0" } }, "accounting.exchange_rates.jpy"],
      [{ exchange_rates: { jpy: "1,5" } }, "accounting.exchange_rates.jpy"],
      [{ exchange_rates: { xyz: "1.5" } }, "accounting.exchange_rates.xyz"],
      [{ exchange_rates: { eur: "1" } }, "accounting.exchange_rates.eur"],
      [{ colour: "red" }, "accounting.colour"],
    ] as const) {
      const refused = await api(merchant.key, "PUT", "/v1/settings", { accounting });
      expect({ accounting, status: refused.status, param: refused.body.param }).toEqual({ accounting, status: 422, param });
    }
    expect(await databaseFingerprint()).toBe(before);
    expect((await api(merchant.readOnlyKey, "PUT", "/v1/settings", { accounting: { exchange_rates: { jpy: "0.0062" } } })).status).toBe(403);
  });

  it("should use the accounts, labels and journals of the accounting settings", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const saved = await api(merchant.key, "PUT", "/v1/settings", {
      seller: { siren: "987654321" },
      accounting: { accounts: { receivable: "411000" }, revenue_accounts_by_tax_rate: { "2000": "706100" }, bank_accounts_by_method: { bank_transfer: "512100" }, journals: { sales: { code: "VT", label: "Ventes" } } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.accounting.accounts).toMatchObject({ receivable: "411000", revenue: "706", vat: "44571" });
    const invoice = await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-02-01", lines: [{ description: "Conseil", quantity: 1, unit_amount: 1_000, tax_rate: 2000 }] }, new Date("2026-01-10T09:00:00Z"));
    await api(merchant.key, "POST", "/v1/payments", { method: "bank_transfer", amount: invoice.total, currency: "eur", received_on: "2026-01-20", allocations: [{ invoice: invoice.id, amount: invoice.total }] });
    const response = await api(merchant.key, "GET", "/v1/exports/fec.txt?year=2026");
    expect(response.headers.get("content-disposition")).toContain("987654321FEC20261231.txt");
    const { problems, records } = checkFec(response.text, 2026);
    expect(problems).toEqual([]);
    expect(records.map((record) => [record.JournalCode, record.EcritureNum, record.CompteNum, record.CompteLib])).toEqual([
      ["VT", "1", "411000", "Clients"], ["VT", "1", "706100", "Prestations de services 20 %"], ["VT", "1", "44571", "TVA collectée"],
      ["BQ", "1", "512100", "Banque bank_transfer"], ["BQ", "1", "411000", "Clients"],
    ]);
  });
});
