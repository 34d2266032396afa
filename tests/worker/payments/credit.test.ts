import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";

async function sandboxPaymentWithSurplus() {
  const merchant = await createMerchant();
  await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
  const customer = (await createCustomer(merchant.key)).id;
  const paidElsewhere = await createInvoice(merchant.key, customer);
  const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
  const started = await api(session, "POST", "/v1/client/payments", { invoices: [paidElsewhere.id], method: "sandbox" });
  expect(started.status).toBe(201);
  // The invoice is settled by a bank transfer while the card payment is in flight.
  expect((await recordPayment(merchant.key, [{ invoice: paidElsewhere.id, amount: paidElsewhere.total }])).status).toBe(201);
  const card = await api(null, "POST", `/sandbox/pay/${started.body.action.token}`, { card_number: "4242424242424242" });
  expect(card.body.status).toBe("succeeded");
  return { merchant, customer, paymentId: started.body.id as string, surplus: paidElsewhere.total };
}

describe("customer credit", () => {
  it("should keep the whole amount as unallocated credit when the invoice was paid elsewhere meanwhile", async () => {
    const { merchant, customer, paymentId, surplus } = await sandboxPaymentWithSurplus();
    const payment = await api(merchant.key, "GET", `/v1/payments/${paymentId}`);
    expect(payment.body).toMatchObject({ status: "succeeded", amount: surplus, amount_unallocated: surplus, allocations: [] });
    const shown = await api(merchant.key, "GET", `/v1/customers/${customer}`);
    expect(shown.body.credit_balances).toEqual([{ currency: "eur", amount: surplus }]);
  });

  it("should apply the credit to another invoice and empty the balance when the merchant allocates it", async () => {
    const { merchant, customer, paymentId, surplus } = await sandboxPaymentWithSurplus();
    const next = await createInvoice(merchant.key, customer, { lines: [{ description: "Suite", quantity: 1, unit_amount: 20_000, tax_rate: 2000 }] });
    const applied = await api(merchant.key, "POST", `/v1/payments/${paymentId}/allocate`, { allocations: [{ invoice: next.id, amount: surplus }] });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ amount_unallocated: 0, allocations: [{ invoice: next.id, amount: surplus, planned: false }] });
    const invoice = await api(merchant.key, "GET", `/v1/invoices/${next.id}`);
    expect(invoice.body).toMatchObject({ status: "partially_paid", amount_paid: surplus, amount_due: next.total - surplus });
    expect((await api(merchant.key, "GET", `/v1/customers/${customer}`)).body.credit_balances).toEqual([]);
  });

  it("should refuse with 422 and change nothing when more than the credit is allocated", async () => {
    const { merchant, customer, paymentId, surplus } = await sandboxPaymentWithSurplus();
    const next = await createInvoice(merchant.key, customer, { lines: [{ description: "Suite", quantity: 1, unit_amount: 50_000, tax_rate: 2000 }] });
    const refused = await api(merchant.key, "POST", `/v1/payments/${paymentId}/allocate`, { allocations: [{ invoice: next.id, amount: surplus + 1 }] });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "allocation_exceeds_amount_due", param: "allocations" });
    expect((await api(merchant.key, "GET", `/v1/invoices/${next.id}`)).body.amount_paid).toBe(0);
  });

  it("should refund the unallocated credit first when a payment with credit is refunded", async () => {
    const { merchant, customer, paymentId, surplus } = await sandboxPaymentWithSurplus();
    const refund = await api(merchant.key, "POST", `/v1/payments/${paymentId}/refund`, { amount: 1000 });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ status: "partially_refunded", amount_refunded: 1000, amount_unallocated: surplus - 1000 });
    expect((await api(merchant.key, "GET", `/v1/customers/${customer}`)).body.credit_balances).toEqual([{ currency: "eur", amount: surplus - 1000 }]);
  });
});
