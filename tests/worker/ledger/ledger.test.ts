import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seqOfEventId } from "../../../worker/events/log";
import { catchUpLedger } from "../../../worker/ledger/catch-up";
import { projectEvent, type LedgerLine } from "../../../worker/ledger/project";
import { ledgerLinesPage } from "../../../worker/ledger/queries";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { collectEvents } from "../paging";
import { JPY_RATE, seedYear } from "./scenario";

async function allLines(merchantId: string): Promise<LedgerLine[]> {
  const lines: LedgerLine[] = [];
  let after = { seq: 0, line: -1 };
  for (;;) {
    const page = await ledgerLinesPage(env.DB, merchantId, after, 100);
    lines.push(...page);
    if (page.length < 100) return lines;
    after = { seq: page.at(-1)!.seq, line: page.at(-1)!.line };
  }
}

function balances(lines: readonly LedgerLine[]) {
  const byEntry = new Map<number, number>();
  const byInvoice = new Map<string, number>();
  const credit = new Map<string, number>();
  for (const line of lines) {
    byEntry.set(line.seq, (byEntry.get(line.seq) ?? 0) + line.debit - line.credit);
    if (line.role !== "receivable") continue;
    if (line.invoice_id !== null) byInvoice.set(line.invoice_id, (byInvoice.get(line.invoice_id) ?? 0) + line.debit - line.credit);
    else credit.set(`${line.customer_id}:${line.currency}`, (credit.get(`${line.customer_id}:${line.currency}`) ?? 0) + line.credit - line.debit);
  }
  return { byEntry, byInvoice, credit };
}

describe("the ledger derived from the event log", () => {
  it("should balance every entry and hold each invoice's amount due on its receivable when a year is projected", async () => {
    const year = await seedYear();
    await catchUpLedger(env.DB, year.merchant.id);
    const lines = await allLines(year.merchant.id);
    const { byEntry, byInvoice, credit } = balances(lines);
    expect(byEntry.size).toBeGreaterThan(10);
    expect([...byEntry.values()].every((difference) => difference === 0)).toBe(true);
    for (const invoice of Object.values(year.invoices)) {
      const shown = (await api(year.merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body;
      const expected = shown.status === "void" ? 0 : shown.amount_due;
      expect({ invoice: shown.number, receivable: byInvoice.get(invoice.id) ?? 0 }).toEqual({ invoice: shown.number, receivable: expected });
    }
    const acme = (await api(year.merchant.key, "GET", `/v1/customers/${year.customers.acme}`)).body;
    expect(acme.credit_balances).toEqual([{ currency: "eur", amount: credit.get(`${year.customers.acme}:eur`) }]);
    // Revenue per VAT rate and VAT as invoiced (the two-rate invoice posts 5.5 % apart).
    const twoRates = lines.filter((line) => line.invoice_id === year.invoices.twoRates.id && line.source === "invoice");
    expect(twoRates.map((line) => [line.role, line.tax_rate, line.debit, line.credit])).toEqual([
      ["receivable", null, year.invoices.twoRates.total, 0],
      ["revenue", 550, 0, 5_997],
      ["vat", 550, 0, 330],
      ["revenue", 2000, 0, 100_000],
      ["vat", 2000, 0, 20_000],
    ]);
    const yen = lines.filter((line) => line.currency === "jpy");
    expect(yen.length).toBeGreaterThan(0);
    expect(yen.every((line) => line.eur_rate === JPY_RATE)).toBe(true);
    expect(lines.find((line) => line.source === "payment" && line.debit === 50_000)).toMatchObject({ role: "bank", entry_date: "2026-02-10", method: "bank_transfer", piece: "VIR-2026-02-10" });
  });

  it("should rebuild exactly the table's lines when the whole log is replayed from GET /v1/events", async () => {
    const year = await seedYear();
    await catchUpLedger(env.DB, year.merchant.id);
    const events = (await collectEvents<any>(year.merchant.readOnlyKey, 7)).items;
    const rebuilt = events.flatMap((event) =>
      projectEvent(
        { merchant_id: year.merchant.id, seq: seqOfEventId(event.id)!, type: event.type, invoice_id: event.invoice, payment_id: event.payment, customer_id: event.customer, created_at: event.created, data: event.data },
        { jpy: JPY_RATE },
      ),
    );
    expect(rebuilt).toEqual(await allLines(year.merchant.id));
  });

  it("should write every line once when two catch-ups run at once and again later", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoices = [];
    for (let index = 0; index < 6; index += 1) invoices.push(await createInvoice(merchant.key, customer));
    for (const invoice of invoices.slice(0, 4)) expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 3_000 }])).status).toBe(201);
    const [first, second] = await Promise.all([catchUpLedger(env.DB, merchant.id, { batchSize: 3 }), catchUpLedger(env.DB, merchant.id, { batchSize: 2 })]);
    expect(first.cursor).toBe(second.cursor);
    const lines = await allLines(merchant.id);
    // 6 invoices × (receivable, revenue, VAT) + 4 payments × (bank, receivable).
    expect(lines).toHaveLength(6 * 3 + 4 * 2);
    expect(await catchUpLedger(env.DB, merchant.id)).toMatchObject({ events: 0, lines: 0 });
    expect((await recordPayment(merchant.key, [{ invoice: invoices[5]!.id, amount: 1_000 }])).status).toBe(201);
    expect(await catchUpLedger(env.DB, merchant.id)).toMatchObject({ events: 1, lines: 2 });
    expect(await allLines(merchant.id)).toHaveLength(6 * 3 + 5 * 2);
  });

  it("should refuse to change a ledger line once written", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await createInvoice(merchant.key, customer);
    await catchUpLedger(env.DB, merchant.id);
    await expect(env.DB.prepare("UPDATE ledger_lines SET debit = debit + 1 WHERE merchant_id = ?").bind(merchant.id).run()).rejects.toThrow(/immutable/);
  });
});

describe("the ledger with real credit notes (branch credit-notes merged)", () => {
  it("should keep every invoice's receivable equal to its amount due and the credit equal to the customer's balance after credit notes on unpaid, partly paid and paid invoices", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const unpaid = await createInvoice(merchant.key, customer, { lines: [{ description: "A", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }, { description: "B", quantity: 1, unit_amount: 5_000, tax_rate: 550 }] });
    const partly = await createInvoice(merchant.key, customer);
    const paid = await createInvoice(merchant.key, customer);
    const refunded = await createInvoice(merchant.key, customer);
    expect((await recordPayment(merchant.key, [{ invoice: partly.id, amount: 8_000 }])).status).toBe(201);
    expect((await recordPayment(merchant.key, [{ invoice: paid.id, amount: paid.total }, { invoice: refunded.id, amount: refunded.total }])).status).toBe(201);
    const notes = [
      [unpaid.id, { amount: 3_000, reason: "remise" }],
      [partly.id, { reason: "annulation" }], // the whole invoice: 4 000 due credited, 8 000 paid back to credit
      [paid.id, { amount: 6_000, reason: "retour" }],
      [refunded.id, { reason: "annulée", refund: true }],
    ] as const;
    for (const [invoice, body] of notes) {
      const issued = await api(merchant.key, "POST", `/v1/invoices/${invoice}/credit_notes`, body);
      expect(issued.status, issued.text).toBe(201);
    }
    await catchUpLedger(env.DB, merchant.id);
    const lines = await allLines(merchant.id);
    const { byEntry, byInvoice, credit } = balances(lines);
    expect([...byEntry.values()].every((difference) => difference === 0)).toBe(true);
    for (const invoice of [unpaid, partly, paid, refunded]) {
      const shown = (await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body;
      expect({ invoice: shown.number, receivable: byInvoice.get(invoice.id) ?? 0 }).toEqual({ invoice: shown.number, receivable: shown.amount_due });
    }
    const balancesShown = (await api(merchant.key, "GET", `/v1/customers/${customer}`)).body.credit_balances;
    expect(credit.get(`${customer}:eur`) ?? 0).toBe(balancesShown[0]?.amount ?? 0);
    expect(credit.get(`${customer}:eur`)).toBe(8_000 + 6_000);
    const creditNoteLines = lines.filter((line) => line.source === "credit_note");
    expect(creditNoteLines.filter((line) => line.role === "revenue" && line.tax_rate === 550).length).toBeGreaterThan(0);
    // The replay through the feed rebuilds the same lines, credit notes included.
    const events = (await collectEvents<any>(merchant.key, 50)).items;
    const rebuilt = events.flatMap((event) =>
      projectEvent({ merchant_id: merchant.id, seq: seqOfEventId(event.id)!, type: event.type, invoice_id: event.invoice, payment_id: event.payment, customer_id: event.customer, created_at: event.created, data: event.data }, {}),
    );
    expect(rebuilt).toEqual(lines);
  });
});
