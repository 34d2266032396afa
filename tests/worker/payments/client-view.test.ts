/**
 * GET /v1/client/payments/:id shows a client what is theirs and what they need: a customer's
 * session sees its payment whole; a hosted pay page's session (one invoice) sees only that
 * invoice's share of a batch payment — not the total, not the other invoices, not the action.
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";

/** Opens the invoice's hosted pay page and returns the client session it embeds. */
async function payPageSession(key: string, invoiceId: string): Promise<string> {
  const { hosted_url } = (await api(key, "GET", `/v1/invoices/${invoiceId}`)).body as { hosted_url: string };
  const page = await api(null, "GET", new URL(hosted_url).pathname);
  const token = /session="(cs_[0-9a-z]+)"/.exec(page.text)?.[1];
  if (!token) throw new Error(`no session on the pay page: ${page.status}`);
  return token;
}

describe("GET /v1/client/payments/:id", () => {
  it("should show a pay-page session only its invoice's share of a batch payment, with no action, when the customer paid several invoices at once", async () => {
    const merchant = await createMerchant("Client view SARL");
    expect((await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] })).status).toBe(200);
    const customer = (await createCustomer(merchant.key)).id;
    const linked = await createInvoice(merchant.key, customer);
    const other = await createInvoice(merchant.key, customer, { lines: [{ description: "Audit", quantity: 3, unit_amount: 7000 }] });
    const customerSession = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
    const batch = await api(customerSession, "POST", "/v1/client/payments", { invoices: [linked.id, other.id], method: "sandbox" });
    expect(batch.status, batch.text).toBe(201);
    expect(batch.body.action).not.toBeNull();

    const seen = await api(await payPageSession(merchant.key, linked.id), "GET", `/v1/client/payments/${batch.body.id}`);

    expect(seen.status, seen.text).toBe(200);
    expect(seen.body).toMatchObject({ id: batch.body.id, status: "processing", amount: linked.total, invoices: [linked.id], action: null });
    expect(seen.text).not.toContain(other.id);
    expect(seen.text).not.toContain(batch.body.action.token);
    expect(seen.body.amount).not.toBe(batch.body.amount);
    // The customer's own session still sees the whole payment and can go on with it.
    const whole = await api(customerSession, "GET", `/v1/client/payments/${batch.body.id}`);
    expect(whole.body).toMatchObject({ amount: linked.total + other.total, invoices: [linked.id, other.id], action: batch.body.action });
  });

  it("should show a pay-page session the whole payment, action included, when the payment pays its invoice only", async () => {
    const merchant = await createMerchant("Client view single SARL");
    expect((await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] })).status).toBe(200);
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const session = await payPageSession(merchant.key, invoice.id);
    const started = await api(session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    expect(started.status, started.text).toBe(201);

    const seen = await api(session, "GET", `/v1/client/payments/${started.body.id}`);

    expect(seen.body).toMatchObject({ amount: invoice.total, invoices: [invoice.id], action: started.body.action });
  });
});
