import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { collectEvents } from "../paging";

interface ApiEvent {
  id: string;
  type: string;
  invoice: string | null;
  payment: string | null;
  data: Record<string, any>;
}

async function setup(name: string) {
  const merchant = await createMerchant(name);
  const customer = (await createCustomer(merchant.key)).id;
  return { merchant, customer };
}

const getInvoice = async (key: string, id: string) => (await api(key, "GET", `/v1/invoices/${id}`)).body;

describe("partial and batch payments", () => {
  it("should go partially_paid then paid with paid_at when two payments settle one invoice", async () => {
    const { merchant, customer } = await setup("Partial SARL");
    const invoice = await createInvoice(merchant.key, customer);

    const first = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 4000 }]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ object: "payment", status: "succeeded", amount: 4000, amount_refunded: 0, customer, method: "bank_transfer" });
    expect(first.body.allocations).toEqual([{ invoice: invoice.id, amount: 4000, amount_refunded: 0, planned: false }]);
    expect(await getInvoice(merchant.key, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 4000, amount_due: 8000, paid_at: null });

    const second = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 8000 }]);
    expect(second.status).toBe(201);
    const paid = await getInvoice(merchant.key, invoice.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 12_000, amount_due: 0 });
    expect(Date.parse(paid.paid_at)).not.toBeNaN();
    expect(paid.payments.map((payment: { payment: string; amount: number }) => [payment.payment, payment.amount])).toEqual([
      [first.body.id, 4000],
      [second.body.id, 8000],
    ]);

    const fetched = await api(merchant.key, "GET", `/v1/payments/${second.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(second.body);
  });

  it("should settle three invoices with one payment when a batch payment is recorded", async () => {
    const { merchant, customer } = await setup("Batch SARL");
    const a = await createInvoice(merchant.key, customer);
    const b = await createInvoice(merchant.key, customer, { lines: [{ description: "Small", quantity: 1, unit_amount: 5000, tax_rate: 0 }] });
    const c = await createInvoice(merchant.key, customer, { lines: [{ description: "Big", quantity: 3, unit_amount: 10_000, tax_rate: 0 }] });

    const payment = await api(merchant.key, "POST", "/v1/payments", {
      method: "cheque",
      amount: 12_000 + 5000 + 10_000,
      currency: "eur",
      reference: "CHQ 0042",
      received_on: "2026-01-15",
      allocations: [
        { invoice: a.id, amount: 12_000 },
        { invoice: b.id, amount: 5000 },
        { invoice: c.id, amount: 10_000 },
      ],
    });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ amount: 27_000, reference: "CHQ 0042", received_on: "2026-01-15", method: "cheque" });
    expect(payment.body.allocations.map((allocation: { invoice: string }) => allocation.invoice)).toEqual([a.id, b.id, c.id]);

    expect(await getInvoice(merchant.key, a.id)).toMatchObject({ status: "paid", amount_due: 0 });
    expect(await getInvoice(merchant.key, b.id)).toMatchObject({ status: "paid", amount_due: 0 });
    expect(await getInvoice(merchant.key, c.id)).toMatchObject({ status: "partially_paid", amount_paid: 10_000, amount_due: 20_000 });

    const list = await api(merchant.key, "GET", "/v1/payments");
    expect(list.body.data.map((item: { id: string }) => item.id)).toEqual([payment.body.id]);
  });
});

describe("refunds", () => {
  it("should take the refund back from the last allocation first and reopen it when a batch payment is partly refunded", async () => {
    const { merchant, customer } = await setup("Refund partial SARL");
    const a = await createInvoice(merchant.key, customer);
    const b = await createInvoice(merchant.key, customer);
    const payment = await recordPayment(merchant.key, [
      { invoice: a.id, amount: 12_000 },
      { invoice: b.id, amount: 12_000 },
    ]);
    expect(payment.status).toBe(201);

    const refund = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 5000, reason: "returned goods" });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ status: "partially_refunded", amount_refunded: 5000 });
    expect(refund.body.allocations).toEqual([
      { invoice: a.id, amount: 12_000, amount_refunded: 0, planned: false },
      { invoice: b.id, amount: 12_000, amount_refunded: 5000, planned: false },
    ]);
    expect(refund.body.refunds).toEqual([{ id: expect.stringMatching(/^re_/), kind: "refund", amount: 5000, reason: "returned goods", created: expect.any(String) }]);
    expect(await getInvoice(merchant.key, a.id)).toMatchObject({ status: "paid", amount_paid: 12_000 });
    expect(await getInvoice(merchant.key, b.id)).toMatchObject({ status: "partially_paid", amount_paid: 7000, amount_due: 5000, paid_at: null });

    const spill = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 10_000 });
    expect(spill.status).toBe(200);
    expect(spill.body.allocations).toEqual([
      { invoice: a.id, amount: 12_000, amount_refunded: 3000, planned: false },
      { invoice: b.id, amount: 12_000, amount_refunded: 12_000, planned: false },
    ]);
    expect(await getInvoice(merchant.key, a.id)).toMatchObject({ status: "partially_paid", amount_paid: 9000 });
    expect(await getInvoice(merchant.key, b.id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 12_000 });
  });

  it("should refund everything left and reopen the invoices when no amount is given", async () => {
    const { merchant, customer } = await setup("Refund full SARL");
    const a = await createInvoice(merchant.key, customer);
    const payment = await recordPayment(merchant.key, [{ invoice: a.id, amount: 12_000 }]);

    const partial = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 2000 });
    expect(partial.body.status).toBe("partially_refunded");
    const full = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ status: "refunded", amount_refunded: 12_000 });
    expect(full.body.refunds.map((refund: { amount: number }) => refund.amount)).toEqual([2000, 10_000]);
    expect(await getInvoice(merchant.key, a.id)).toMatchObject({ status: "open", amount_paid: 0, amount_due: 12_000, paid_at: null });

    const again = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("payment_not_refundable");
  });

  it("should answer 422 refund_exceeds_amount and change nothing when the refund is larger than what is left", async () => {
    const { merchant, customer } = await setup("Refund beyond SARL");
    const a = await createInvoice(merchant.key, customer);
    const payment = await recordPayment(merchant.key, [{ invoice: a.id, amount: 6000 }]);
    expect((await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 1000 })).status).toBe(200);

    const beyond = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 5001 });
    expect(beyond.status).toBe(422);
    expect(beyond.headers.get("content-type")).toContain("application/problem+json");
    expect(beyond.body).toMatchObject({ code: "refund_exceeds_amount", param: "amount" });
    expect((await api(merchant.key, "GET", `/v1/payments/${payment.body.id}`)).body).toMatchObject({ amount_refunded: 1000, status: "partially_refunded" });
    expect(await getInvoice(merchant.key, a.id)).toMatchObject({ amount_paid: 5000 });
  });
});

describe("payment events", () => {
  it("should list every payment and refund event in order with no gap or duplicate when paging with after", async () => {
    const { merchant, customer } = await setup("Events SARL");
    const a = await createInvoice(merchant.key, customer);
    const b = await createInvoice(merchant.key, customer);
    const first = await recordPayment(merchant.key, [{ invoice: a.id, amount: 2000 }]);
    const second = await recordPayment(merchant.key, [
      { invoice: a.id, amount: 10_000 },
      { invoice: b.id, amount: 12_000 },
    ]);
    expect((await api(merchant.key, "POST", `/v1/payments/${second.body.id}/refund`, { amount: 1000 })).status).toBe(200);

    const whole = await api<{ data: ApiEvent[]; has_more: boolean }>(merchant.key, "GET", "/v1/events?limit=100");
    expect(whole.body.has_more).toBe(false);
    const types = whole.body.data.map((event) => `${event.type}${event.invoice === a.id ? ":a" : event.invoice === b.id ? ":b" : ""}`);
    expect(types).toEqual([
      "customer.created",
      "invoice.created:a",
      "invoice.issued:a",
      "invoice.created:b",
      "invoice.issued:b",
      "invoice.partially_paid:a",
      "payment.succeeded",
      "invoice.paid:a",
      "invoice.paid:b",
      "payment.succeeded",
      "invoice.reopened:b",
      "payment.refunded",
    ]);
    const byType = (type: string) => whole.body.data.filter((event) => event.type === type);
    expect(byType("payment.succeeded").map((event) => event.payment)).toEqual([first.body.id, second.body.id]);
    expect(byType("invoice.partially_paid")[0]!.data).toMatchObject({ amount_paid: 2000, amount_due: 10_000, status: "partially_paid", amount_allocated: 2000 });
    expect(byType("invoice.reopened")[0]).toMatchObject({ payment: second.body.id, data: { status: "partially_paid", amount_paid: 11_000, amount_refunded: 1000 } });
    expect(byType("payment.refunded")[0]).toMatchObject({ payment: second.body.id, data: { amount: 1000, amount_refunded: 1000 } });

    const ids = whole.body.data.map((event) => event.id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    const paged = await collectEvents<ApiEvent>(merchant.key, 5);
    expect(paged.pages.map((page) => page.length)).toEqual([5, 5, 2]);
    expect(paged.items.map((event) => event.id)).toEqual(ids);

    const fromMiddle = await collectEvents<ApiEvent>(merchant.key, 2, ids[6]);
    expect(fromMiddle.items.map((event) => event.id)).toEqual(ids.slice(7));

    const atEnd = await api(merchant.key, "GET", `/v1/events?after=${ids.at(-1)}`);
    expect(atEnd.body).toEqual({ data: [], has_more: false, next: ids.at(-1) });
  });
});

describe("racing payments", () => {
  it("should accept exactly one when two payments race for the same invoice's whole amount", async () => {
    const { merchant, customer } = await setup("Race SARL");
    for (let round = 0; round < 3; round += 1) {
      const invoice = await createInvoice(merchant.key, customer);
      const responses = await Promise.all([
        recordPayment(merchant.key, [{ invoice: invoice.id, amount: 12_000 }]),
        recordPayment(merchant.key, [{ invoice: invoice.id, amount: 12_000 }]),
      ]);
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses[0]).toBe(201);
      expect(statuses[1]).toBeGreaterThanOrEqual(400);
      expect(statuses[1]).toBeLessThan(500);
      const loser = responses.find((response) => response.status !== 201)!;
      expect(["invoice_not_payable", "allocation_exceeds_amount_due", "concurrent_update"]).toContain(loser.body.code);

      const after = await getInvoice(merchant.key, invoice.id);
      expect(after).toMatchObject({ status: "paid", amount_paid: 12_000 });
      expect(after.payments).toHaveLength(1);
      const counted = await env.DB.prepare("SELECT count(*) AS n, total(amount) AS paid FROM allocations WHERE invoice_id = ?")
        .bind(invoice.id)
        .first<{ n: number; paid: number }>();
      expect(counted).toEqual({ n: 1, paid: 12_000 });
    }
  });

  it("should refund once and never push amount_paid below zero when two full refunds race", async () => {
    const { merchant, customer } = await setup("Race refund SARL");
    const invoice = await createInvoice(merchant.key, customer);
    const payment = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 12_000 }]);
    const responses = await Promise.all([1, 2].map(() => api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, {})));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    expect(responses.find((response) => response.status === 409)!.body.code).toBe("payment_not_refundable");
    expect((await api(merchant.key, "GET", `/v1/payments/${payment.body.id}`)).body).toMatchObject({ status: "refunded", amount_refunded: 12_000 });
    expect((await api(merchant.key, "GET", `/v1/payments/${payment.body.id}`)).body.refunds).toHaveLength(1);
    expect(await getInvoice(merchant.key, invoice.id)).toMatchObject({ status: "open", amount_paid: 0 });
  });

  it("should never let amount_paid exceed the total when many partial payments race", async () => {
    const { merchant, customer } = await setup("Race partial SARL");
    const invoice = await createInvoice(merchant.key, customer);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => recordPayment(merchant.key, [{ invoice: invoice.id, amount: 5000 }])),
    );
    const accepted = responses.filter((response) => response.status === 201);
    expect(accepted).toHaveLength(2);
    expect(responses.every((response) => response.status === 201 || (response.status >= 400 && response.status < 500))).toBe(true);
    expect(await getInvoice(merchant.key, invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 10_000, amount_due: 2000 });
  });
});
