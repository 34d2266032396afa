/**
 * After a credit note, everything that asks for money asks for total − paid − credited: the light
 * status, the overdue filter and flag, late fees, "remind now" and offline payments. And the
 * pro-rata split behind `amount` adds up exactly.
 */
import { describe, expect, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import { splitProRata } from "../../../worker/credit-notes/amounts";
import { api, createInvoice, recordPayment } from "../helpers";
import { invoiceOf, issue, world } from "./support";

describe("the amount due after a credit note", () => {
  it("should be what the status, late fees and payments use on an overdue invoice partly credited", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer, { due_date: addDays(utcDay(new Date()), -10) });
    await issue(w, invoice.id, { amount: 4_000 });
    const status = (await api(w.merchant.key, "GET", `/v1/invoices/${invoice.id}/status`)).body;
    expect(status).toMatchObject({ status: "open", amount_due: 8_000, overdue: true, days_overdue: 10 });
    const shown = await invoiceOf(w, invoice.id);
    // Interest accrues on what is due (8 000), not on the total (12 000): ECB + 10 points over 10 days.
    const onTotal = (await createInvoice(w.merchant.key, w.customer, { due_date: addDays(utcDay(new Date()), -10) })).id;
    const full = await invoiceOf(w, onTotal);
    expect(Math.abs(shown.late_fees.interest - (full.late_fees.interest * 8_000) / 12_000)).toBeLessThanOrEqual(1);
    expect(shown.late_fees.interest).toBeLessThan(full.late_fees.interest);
    const over = await recordPayment(w.merchant.key, [{ invoice: invoice.id, amount: 8_001 }]);
    expect(over.body).toMatchObject({ status: 422, code: "allocation_exceeds_amount_due", param: "allocations[0].amount" });
    expect((await recordPayment(w.merchant.key, [{ invoice: invoice.id, amount: 8_000 }])).status).toBe(201);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_due: 0 });
  });

  it("should take a fully credited overdue invoice out of the overdue list and refuse to remind it", async () => {
    const w = await world();
    const invoice = await createInvoice(w.merchant.key, w.customer, { due_date: addDays(utcDay(new Date()), -3) });
    const listed = async () => (await api(w.merchant.key, "GET", "/v1/invoices?overdue=true")).body.data.map((row: any) => row.id);
    expect(await listed()).toEqual([invoice.id]);
    await issue(w, invoice.id);
    expect(await listed()).toEqual([]);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", overdue: false, late_fees: null });
    expect((await api(w.merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {})).body).toMatchObject({ status: 422, code: "invoice_not_payable" });
  });
});

describe("splitProRata", () => {
  it("should split in integers that add up exactly, the units left going to the largest remainders", () => {
    expect(splitProRata(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitProRata(10_000, [24_000, 5_275])).toEqual([8_198, 1_802]);
    expect(splitProRata(1, [5, 0, 5])).toEqual([1, 0, 0]);
    expect(splitProRata(999_999_999_999, [999_999_999_999, 3])).toEqual([999_999_999_996, 3]);
    for (const [amount, weights] of [[7, [3, 3, 3]], [12_345, [17, 0, 3, 999]], [1, [1, 1]]] as const) {
      expect(splitProRata(amount, weights).reduce((sum, share) => sum + share, 0)).toBe(amount);
    }
  });
});
