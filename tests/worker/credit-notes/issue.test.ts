/**
 * A partial and a full credit note on an unpaid, a partly paid and a paid invoice: what the invoice
 * still asks for, what becomes the customer's credit, and what the credit note carries.
 */
import { describe, expect, it } from "vitest";
import { api, recordPayment } from "../helpers";
import { creditOf, eventsOf, invoiceOf, issue, pay, TWO_RATE_TOTAL, twoRateInvoice, world } from "./support";

const year = new Date().toISOString().slice(0, 4);

describe("a credit note on an unpaid invoice", () => {
  it("should lower the amount due by a partial amount split pro rata across the VAT rates, largest remainder first", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = await issue(w, invoice.id, { amount: 10_000 });
    expect(note.status, note.text).toBe(201);
    // 10 000 over 24 000 (20 %) and 5 275 (5.5 %): 8 198.12… and 1 801.87…; the unit left goes to the larger remainder.
    expect(note.body).toMatchObject({
      object: "credit_note", number: `AV${year}-000001`, invoice: invoice.id, invoice_number: invoice.number, customer: w.customer, currency: "eur",
      subtotal: 8_540, tax: 1_460, total: 10_000, applied_to_invoice: 10_000, to_credit: 0, refunded: 0, reason: "Geste commercial",
      tax_breakdown: [{ tax_rate: 550, subtotal: 1_708, tax: 94 }, { tax_rate: 2000, subtotal: 6_832, tax: 1_366 }],
    });
    expect(note.body.pdf).toBe(`http://127.0.0.1:8787/v1/credit_notes/${note.body.id}/pdf`);
    expect(note.body.lines.map((line: any) => line.amount_total)).toEqual([1_802, 8_198]);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({
      status: "open", amount_paid: 0, amount_credited: 10_000, amount_due: TWO_RATE_TOTAL - 10_000,
      credit_notes: [{ id: note.body.id, number: `AV${year}-000001`, issued_on: note.body.issued_on, total: 10_000 }],
    });
    expect(await creditOf(w)).toEqual([]);
  });

  it("should settle the invoice (paid, nothing due) with the invoice's own lines when it credits everything", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = await issue(w, invoice.id);
    expect(note.status, note.text).toBe(201);
    expect(note.body).toMatchObject({ subtotal: 25_000, tax: 4_275, total: TWO_RATE_TOTAL, applied_to_invoice: TWO_RATE_TOTAL, to_credit: 0 });
    expect(note.body.lines).toEqual([
      { invoice_line: 0, description: "Conseil", quantity: 2, unit_amount: 10_000, tax_rate: 2000, amount_subtotal: 20_000, amount_tax: 4_000, amount_total: 24_000 },
      { invoice_line: 1, description: "Livre", quantity: 1, unit_amount: 5_000, tax_rate: 550, amount_subtotal: 5_000, amount_tax: 275, amount_total: 5_275 },
    ]);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_paid: 0, amount_credited: TWO_RATE_TOTAL, amount_due: 0 });
    const events = (await api(w.merchant.key, "GET", `/v1/events?invoice=${invoice.id}`)).body.data.map((event: any) => event.type);
    expect(events.slice(-2)).toEqual(["credit_note.issued", "invoice.paid"]);
    expect((await api(w.merchant.key, "POST", "/v1/payments", { method: "cash", amount: 1, currency: "eur", allocations: [{ invoice: invoice.id, amount: 1 }] })).status).toBe(422);
  });

  it("should credit exactly what is left at each rate when a full credit note follows a partial one", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    expect((await issue(w, invoice.id, { amount: 10_000 })).status).toBe(201);
    const rest = await issue(w, invoice.id);
    expect(rest.body).toMatchObject({
      number: `AV${year}-000002`, total: TWO_RATE_TOTAL - 10_000,
      tax_breakdown: [{ tax_rate: 550, subtotal: 5_000 - 1_708, tax: 275 - 94 }, { tax_rate: 2000, subtotal: 20_000 - 6_832, tax: 4_000 - 1_366 }],
    });
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_due: 0, amount_credited: TWO_RATE_TOTAL });
    const again = await issue(w, invoice.id, { amount: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invoice_fully_credited");
  });

  it("should credit free lines at one of the invoice's rates and let the rest be paid", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = await issue(w, invoice.id, { lines: [{ description: "Remise fidélité", quantity: 1, unit_amount: 1_000, tax_rate: 2000 }] });
    expect(note.body).toMatchObject({ total: 1_200, lines: [{ invoice_line: null, description: "Remise fidélité", amount_tax: 200 }] });
    const payment = await recordPayment(w.merchant.key, [{ invoice: invoice.id, amount: TWO_RATE_TOTAL - 1_200 }]);
    expect(payment.status, payment.text).toBe(201);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_paid: TWO_RATE_TOTAL - 1_200, amount_credited: 1_200, amount_due: 0 });
  });
});

describe("a credit note on a partly paid invoice", () => {
  it("should only lower what is still due when a partial credit note fits in it", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    await pay(w, invoice.id, 10_000);
    const note = await issue(w, invoice.id, { lines: [{ line: 0, quantity: 1 }] });
    expect(note.body).toMatchObject({ total: 12_000, applied_to_invoice: 12_000, to_credit: 0, lines: [{ invoice_line: 0, quantity: 1, amount_subtotal: 10_000 }] });
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 10_000, amount_credited: 12_000, amount_due: 7_275 });
    expect(await creditOf(w)).toEqual([]);
  });

  it("should settle the invoice and turn what was paid into the customer's credit when it credits everything", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const paymentId = await pay(w, invoice.id, 10_000);
    const note = await issue(w, invoice.id);
    expect(note.body).toMatchObject({ total: TWO_RATE_TOTAL, applied_to_invoice: TWO_RATE_TOTAL - 10_000, to_credit: 10_000, refunded: 0 });
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_paid: 0, amount_credited: TWO_RATE_TOTAL, amount_due: 0 });
    expect(await creditOf(w)).toEqual([{ currency: "eur", amount: 10_000 }]);
    expect((await api(w.merchant.key, "GET", `/v1/payments/${paymentId}`)).body).toMatchObject({ amount_unallocated: 10_000, allocations: [] });
    const [event] = await eventsOf(w, "credit_note.issued");
    expect(event!.data).toMatchObject({ applied_to_invoice: TWO_RATE_TOTAL - 10_000, to_credit: 10_000, reallocated: [{ payment: paymentId, amount: 10_000 }] });
  });
});

describe("a credit note on a paid invoice", () => {
  it("should leave the invoice settled and make the credited amount the customer's credit", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const paymentId = await pay(w, invoice.id, TWO_RATE_TOTAL);
    const note = await issue(w, invoice.id, { lines: [{ line: 1 }] });
    expect(note.body).toMatchObject({ total: 5_275, applied_to_invoice: 0, to_credit: 5_275 });
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_paid: TWO_RATE_TOTAL - 5_275, amount_credited: 5_275, amount_due: 0 });
    expect(await creditOf(w)).toEqual([{ currency: "eur", amount: 5_275 }]);
    const payment = (await api(w.merchant.key, "GET", `/v1/payments/${paymentId}`)).body;
    expect(payment).toMatchObject({ amount_unallocated: 5_275, allocations: [{ invoice: invoice.id, amount: TWO_RATE_TOTAL - 5_275 }] });
  });

  it("should take the credit from the newest payment first when a full credit note lands on an invoice paid twice", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const older = await pay(w, invoice.id, 20_000);
    const newer = await pay(w, invoice.id, TWO_RATE_TOTAL - 20_000);
    const note = await issue(w, invoice.id);
    expect(note.body).toMatchObject({ applied_to_invoice: 0, to_credit: TWO_RATE_TOTAL });
    const [event] = await eventsOf(w, "credit_note.issued");
    expect(event!.data.reallocated).toEqual([{ payment: newer, amount: TWO_RATE_TOTAL - 20_000 }, { payment: older, amount: 20_000 }]);
    expect(await creditOf(w)).toEqual([{ currency: "eur", amount: TWO_RATE_TOTAL }]);
    expect(await invoiceOf(w, invoice.id)).toMatchObject({ status: "paid", amount_paid: 0, amount_credited: TWO_RATE_TOTAL, amount_due: 0, payments: [] });
  });

  it("should let the customer's credit from a credit note pay another invoice", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const paymentId = await pay(w, invoice.id, TWO_RATE_TOTAL);
    await issue(w, invoice.id, { amount: 5_000 });
    const next = await twoRateInvoice(w);
    const applied = await api(w.merchant.key, "POST", `/v1/payments/${paymentId}/allocate`, { allocations: [{ invoice: next.id, amount: 5_000 }] });
    expect(applied.status, applied.text).toBe(200);
    expect(await invoiceOf(w, next.id)).toMatchObject({ status: "partially_paid", amount_due: TWO_RATE_TOTAL - 5_000 });
    expect(await creditOf(w)).toEqual([]);
  });
});

describe("the credit_note.issued event", () => {
  it("should carry the credit note's figures and the invoice's new state, as agreed for the ledger", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const paymentId = await pay(w, invoice.id, 25_000);
    const note = (await issue(w, invoice.id, { amount: 10_000, reason: "Retour" })).body;
    const [event] = await eventsOf(w, "credit_note.issued");
    expect(event).toMatchObject({ invoice: invoice.id, customer: w.customer });
    const issuedOn = new Date().toISOString().slice(0, 10);
    expect(event!.data).toEqual({
      credit_note: note.id, number: note.number, invoice_number: invoice.number, invoice_issued_on: issuedOn, issued_on: issuedOn, currency: "eur",
      subtotal: 8_540, tax: 1_460, total: 10_000,
      tax_breakdown: [{ tax_rate: 550, subtotal: 1_708, tax: 94 }, { tax_rate: 2000, subtotal: 6_832, tax: 1_366 }],
      applied_to_invoice: TWO_RATE_TOTAL - 25_000, to_credit: 10_000 - (TWO_RATE_TOTAL - 25_000),
      reallocated: [{ payment: paymentId, amount: 10_000 - (TWO_RATE_TOTAL - 25_000) }], refund: false, reason: "Retour",
      pdf_url: `http://127.0.0.1:8787/v1/credit_notes/${note.id}/pdf`, xml_url: `http://127.0.0.1:8787/v1/credit_notes/${note.id}/facturx.xml`,
      status: "paid", amount_paid: 25_000 - (10_000 - (TWO_RATE_TOTAL - 25_000)), amount_credited: 10_000, amount_due: 0,
      version: (await invoiceOf(w, invoice.id)).version, due_date: expect.any(String),
    });
  });
});
