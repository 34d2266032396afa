import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { catchUpLedger } from "../../../worker/ledger/catch-up";
import { projectEvent, type LedgerEvent } from "../../../worker/ledger/project";
import { receivablesAsOf } from "../../../worker/ledger/receivables";
import { api, createCustomer, createMerchant } from "../helpers";
import { appendSyntheticCreditNote, issuedInvoice } from "./scenario";

const event = (type: string, data: Record<string, unknown>): LedgerEvent => ({
  merchant_id: "mer_x", seq: 7, type, invoice_id: "inv_a", payment_id: null, customer_id: "cus_a", created_at: "2026-05-04T10:00:00.000Z", data,
});
const net = (lines: ReturnType<typeof projectEvent>, pick: (line: (typeof lines)[number]) => boolean) =>
  lines.filter(pick).reduce((sum, line) => sum + line.debit - line.credit, 0);

describe("the projection of a credit note (the shape agreed with branch credit-notes)", () => {
  const creditNote = {
    credit_note: "cn_1", number: "AV2026-000001", invoice_number: "F2026-000001", invoice_issued_on: "2026-01-15", issued_on: "2026-05-04",
    currency: "eur", subtotal: 10_000, tax: 2_000, total: 12_000,
    tax_breakdown: [{ tax_rate: 2000, subtotal: 10_000, tax: 2_000 }],
    applied_to_invoice: 4_000, to_credit: 8_000, reallocated: [{ payment: "pay_2", amount: 5_000 }, { payment: "pay_1", amount: 3_000 }],
    refund: false, reason: "remise",
  };

  it("should reverse revenue and VAT, lower the invoice's receivable by the applied part and move the rest to the customer's credit", () => {
    const lines = projectEvent(event("credit_note.issued", creditNote), {});
    expect(net(lines, () => true)).toBe(0);
    expect(net(lines, (line) => line.role === "revenue")).toBe(10_000);
    expect(net(lines, (line) => line.role === "vat")).toBe(2_000);
    expect(net(lines, (line) => line.role === "receivable" && line.invoice_id === "inv_a")).toBe(-4_000);
    expect(net(lines, (line) => line.role === "receivable" && line.invoice_id === null)).toBe(-8_000);
    expect(lines.filter((line) => line.invoice_id === null).map((line) => [line.payment_id, line.credit])).toEqual([["pay_2", 5_000], ["pay_1", 3_000]]);
    expect(lines.every((line) => line.journal === "sales" && line.entry_date === "2026-05-04" && line.piece === "AV2026-000001" && line.credit_note_id === "cn_1")).toBe(true);
  });

  it("should post nothing for events that move no money", () => {
    for (const type of ["invoice.created", "invoice.viewed", "reminder.sent", "invoice.overdue", "payment.failed", "invoice.marked_uncollectible"]) {
      expect(projectEvent(event(type, { currency: "eur", total: 100 }), {})).toEqual([]);
    }
    expect(projectEvent(event("invoice.paid", { currency: "eur", amount_allocated: 100 }), {})).toEqual([]);
  });

  it("should post a credit note appended to the log and lower the invoice's receivable as of its date", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await issuedInvoice(merchant.key, merchant.id, { customer, due_date: "2026-02-15", lines: [{ description: "Conseil", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }] }, new Date("2026-01-15T09:00:00Z"));
    await appendSyntheticCreditNote(merchant.id, invoice, {
      issued_on: "2026-03-01", subtotal: 2_500, tax: 500, total: 3_000, tax_breakdown: [{ tax_rate: 2000, subtotal: 2_500, tax: 500 }],
      applied_to_invoice: 3_000, to_credit: 0, reallocated: [],
    }, new Date("2026-03-01T09:00:00Z"));
    await catchUpLedger(env.DB, merchant.id);
    expect((await receivablesAsOf(env.DB, merchant.id, "2026-02-28")).invoices.map((row) => row.amount)).toEqual([12_000]);
    expect((await receivablesAsOf(env.DB, merchant.id, "2026-03-01")).invoices.map((row) => row.amount)).toEqual([9_000]);
    expect((await api(merchant.key, "GET", `/v1/events?type=credit_note.issued`)).body.data).toHaveLength(1);
  });
});
