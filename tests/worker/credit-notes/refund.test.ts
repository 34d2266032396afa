/**
 * `refund: true`: what a credit note takes off the invoice's payments goes back to the payer through
 * the original payment — through Stripe (the local fake) for a card payment, recorded for an offline
 * one — by the same refund path as POST /v1/payments/:id/refund, each refund naming the credit note.
 */
import { describe, expect, it } from "vitest";
import { api } from "../helpers";
import { booksOf, expectBalancedBooks, invoiceOf as stripeInvoice, paidCard, paymentEvents, requestsOf, stripeWorld } from "../payments/stripe-support";
import { creditOf, eventsOf, issue, pay, TWO_RATE_TOTAL, twoRateInvoice, world } from "./support";

describe("a credit note with refund: true", () => {
  it("should refund a paid card invoice's credited part through Stripe and leave no customer credit", async () => {
    const w = await stripeWorld();
    const invoice = await stripeInvoice(w, 10_000);
    const { payment, intent } = await paidCard(w, [invoice.id]);
    const note = await api(w.merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 2_500, reason: "Article abîmé", refund: true });
    expect(note.status, note.text).toBe(201);
    expect(note.body).toMatchObject({ total: 2_500, applied_to_invoice: 0, to_credit: 2_500, refunded: 2_500 });
    expect(note.body.refund_error).toBeUndefined();

    const refunds = (await requestsOf(w.secretKey)).filter((request) => request.path === "/v1/refunds");
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ method: "POST", params: { payment_intent: intent, amount: "2500" } });
    const shown = (await api(w.merchant.key, "GET", `/v1/payments/${payment.id}`)).body;
    expect(shown).toMatchObject({ status: "partially_refunded", amount_refunded: 2_500, amount_unallocated: 0, allocations: [{ invoice: invoice.id, amount: 7_500 }] });
    expect(refunds[0]!.headers["idempotency-key"]).toBe(shown.refunds[0].id);
    expect((await api(w.merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body).toMatchObject({ status: "paid", amount_paid: 7_500, amount_credited: 2_500, amount_due: 0 });
    expect((await api(w.merchant.key, "GET", `/v1/customers/${w.customer}`)).body.credit_balances).toEqual([]);

    const events = await paymentEvents(w.merchant.key, payment.id);
    const refunded = events.find((event) => event.type === "payment.refunded")!;
    expect(refunded.data).toMatchObject({ amount: 2_500, credit_note: note.body.id, reason: `Avoir ${note.body.number}`, invoices: [] });
    expectBalancedBooks(await booksOf(w.merchant.id));
  });

  it("should refund the card payment newest first and record the older bank transfer's refund when an invoice paid both ways is credited in full", async () => {
    const w = await stripeWorld();
    const invoice = await stripeInvoice(w, 10_000);
    const transfer = await api(w.merchant.key, "POST", "/v1/payments", { method: "bank_transfer", amount: 3_000, currency: "eur", allocations: [{ invoice: invoice.id, amount: 3_000 }] });
    const { payment, intent } = await paidCard(w, [invoice.id]);
    // A second, unpaid invoice of the same customer: the card paid the first only.
    const open = await stripeInvoice(w, 4_000);
    const note = await api(w.merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { reason: "Commande annulée", refund: true });
    expect(note.body).toMatchObject({ total: 10_000, to_credit: 10_000, refunded: 10_000 });
    expect((await api(w.merchant.key, "GET", `/v1/payments/${payment.id}`)).body).toMatchObject({ status: "refunded", amount: 7_000, amount_refunded: 7_000, allocations: [] });
    expect((await api(w.merchant.key, "GET", `/v1/payments/${transfer.body.id}`)).body).toMatchObject({ status: "refunded", amount_refunded: 3_000, allocations: [] });
    const refunds = (await requestsOf(w.secretKey)).filter((request) => request.path === "/v1/refunds");
    expect(refunds.map((request) => request.params)).toEqual([expect.objectContaining({ payment_intent: intent, amount: "7000" })]);
    expect((await api(w.merchant.key, "GET", `/v1/invoices/${open.id}`)).body).toMatchObject({ status: "open", amount_due: 4_000 });
    expectBalancedBooks(await booksOf(w.merchant.id));
  });

  it("should record the refund of an offline payment and refund nothing when nothing was paid", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const paymentId = await pay(w, invoice.id, 20_000);
    const note = await issue(w, invoice.id, { refund: true });
    expect(note.body).toMatchObject({ total: TWO_RATE_TOTAL, applied_to_invoice: TWO_RATE_TOTAL - 20_000, to_credit: 20_000, refunded: 20_000 });
    expect((await api(w.merchant.key, "GET", `/v1/payments/${paymentId}`)).body).toMatchObject({ status: "refunded", amount_refunded: 20_000 });
    expect(await creditOf(w)).toEqual([]);
    expect((await eventsOf(w, "credit_note.issued"))[0]!.data).toMatchObject({ refund: true, reallocated: [{ payment: paymentId, amount: 20_000 }] });

    const unpaid = await twoRateInvoice(w);
    const nothing = await issue(w, unpaid.id, { amount: 1_000, refund: true });
    expect(nothing.body).toMatchObject({ to_credit: 0, refunded: 0 });
    expect((await eventsOf(w, "payment.refunded")).length).toBe(1);
  });
});
