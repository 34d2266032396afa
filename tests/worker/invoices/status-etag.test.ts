/**
 * The light status is never stale and its ETag never matches an invoice that changed: every writer
 * of an invoice (draft edit, issue, payment, void, write-off, credit allocation, refund, a payment
 * put in flight) is followed at once by a status with the change and a new ETag, and the old ETag
 * answers 200, never 304.
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";

const statusOf = (merchant: TestMerchant, id: string, headers: Record<string, string> = {}) =>
  api(merchant.key, "GET", `/v1/invoices/${id}/status`, undefined, headers);

/** Reads the ETag, runs the change, then asks with the old ETag: it must answer 200 with a new ETag and the changed body. */
async function expectChangeSeen(merchant: TestMerchant, invoiceId: string, change: () => Promise<void>): Promise<Record<string, unknown>> {
  const before = await statusOf(merchant, invoiceId);
  expect(before.status).toBe(200);
  const etag = before.headers.get("etag")!;
  expect((await statusOf(merchant, invoiceId, { "if-none-match": etag })).status).toBe(304);
  await change();
  const after = await statusOf(merchant, invoiceId, { "if-none-match": etag });
  expect(after.status, "a 304 for a changed invoice").toBe(200);
  expect(after.headers.get("etag")).not.toBe(etag);
  expect(after.body.version).toBeGreaterThan(before.body.version);
  expect(after.body).not.toEqual(before.body);
  // And the new ETag is the one that matches now.
  expect((await statusOf(merchant, invoiceId, { "if-none-match": after.headers.get("etag")! })).status).toBe(304);
  return after.body;
}

async function ok(response: Promise<{ status: number; text: string }>, status = 200): Promise<void> {
  const answered = await response;
  expect(answered.status, answered.text).toBe(status);
}

describe("status read-your-writes", () => {
  it("should show paid with a new ETag on the first status read after the payment is answered", async () => {
    const merchant = await createMerchant("Fresh status SARL");
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    const etag = (await statusOf(merchant, invoice.id)).headers.get("etag")!;
    for (let round = 0; round < 20; round += 1) expect((await statusOf(merchant, invoice.id, { "if-none-match": etag })).status).toBe(304);
    await ok(recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]), 201);
    const after = await statusOf(merchant, invoice.id, { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: "paid", amount_due: 0, amount_paid: invoice.total });
    expect(after.headers.get("etag")).not.toBe(etag);
  });

  it("should show each of several payments in a row at once when they follow each other quickly", async () => {
    const merchant = await createMerchant("Fresh steps SARL");
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    const seen = new Set<string>([(await statusOf(merchant, invoice.id)).headers.get("etag")!]);
    for (let paid = 1000; paid <= 4000; paid += 1000) {
      await ok(recordPayment(merchant.key, [{ invoice: invoice.id, amount: 1000 }]), 201);
      const now = await statusOf(merchant, invoice.id);
      expect(now.body.amount_paid).toBe(paid);
      expect(seen.has(now.headers.get("etag")!)).toBe(false);
      seen.add(now.headers.get("etag")!);
    }
  });
});

describe("an ETag never matches a changed invoice", () => {
  it("should answer 200 to the old ETag when a draft is edited and then issued", async () => {
    const merchant = await createMerchant("ETag draft SARL");
    const draft = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id, { issue: false });
    await expectChangeSeen(merchant, draft.id, () =>
      ok(api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { lines: [{ description: "More", quantity: 2, unit_amount: 10_000, tax_rate: 2000 }] })),
    );
    const issued = await expectChangeSeen(merchant, draft.id, () => ok(api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`)));
    expect(issued).toMatchObject({ status: "open", amount_due: 24_000 });
  });

  it("should answer 200 to the old ETag when an offline payment, a void and a write-off change invoices", async () => {
    const merchant = await createMerchant("ETag writers SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const paid = await createInvoice(merchant.key, customer);
    expect(await expectChangeSeen(merchant, paid.id, () => ok(recordPayment(merchant.key, [{ invoice: paid.id, amount: 500 }]), 201))).toMatchObject({ status: "partially_paid", amount_paid: 500 });
    const voided = await createInvoice(merchant.key, customer);
    expect(await expectChangeSeen(merchant, voided.id, () => ok(api(merchant.key, "POST", `/v1/invoices/${voided.id}/void`)))).toMatchObject({ status: "void" });
    const writtenOff = await createInvoice(merchant.key, customer);
    expect(await expectChangeSeen(merchant, writtenOff.id, () => ok(api(merchant.key, "POST", `/v1/invoices/${writtenOff.id}/mark_uncollectible`)))).toMatchObject({ status: "uncollectible" });
  });

  it("should answer 200 to the old ETag when a refund reopens a paid invoice", async () => {
    const merchant = await createMerchant("ETag refund SARL");
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    const payment = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
    expect(payment.status).toBe(201);
    const reopened = await expectChangeSeen(merchant, invoice.id, () => ok(api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 2000 })));
    expect(reopened).toMatchObject({ status: "partially_paid", amount_due: 2000 });
  });

  it("should answer 200 to the old ETag when a payment is put in flight and when the customer's credit is allocated", async () => {
    const merchant = await createMerchant("ETag credit SARL");
    await ok(api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] }));
    const customer = (await createCustomer(merchant.key)).id;
    const settledElsewhere = await createInvoice(merchant.key, customer);
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
    let started: { body: { id: string; action: { token: string } } } | undefined;
    const inFlight = await expectChangeSeen(merchant, settledElsewhere.id, async () => {
      const response = await api(session, "POST", "/v1/client/payments", { invoices: [settledElsewhere.id], method: "sandbox" });
      expect(response.status, response.text).toBe(201);
      started = response;
    });
    expect(inFlight).toMatchObject({ processing: true });
    // Paid by transfer meanwhile, so the card payment becomes the customer's credit.
    await ok(recordPayment(merchant.key, [{ invoice: settledElsewhere.id, amount: settledElsewhere.total }]), 201);
    expect((await api(null, "POST", `/sandbox/pay/${started!.body.action.token}`, { card_number: "4242424242424242" })).body.status).toBe("succeeded");

    const next = await createInvoice(merchant.key, customer, { lines: [{ description: "Suite", quantity: 1, unit_amount: 20_000, tax_rate: 2000 }] });
    const credited = await expectChangeSeen(merchant, next.id, () =>
      ok(api(merchant.key, "POST", `/v1/payments/${started!.body.id}/allocate`, { allocations: [{ invoice: next.id, amount: settledElsewhere.total }] })),
    );
    expect(credited).toMatchObject({ status: "partially_paid", amount_paid: settledElsewhere.total });
  });
});
