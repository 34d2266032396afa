import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";

/** Opens a hosted pay page and returns the client session it embeds. */
async function sessionOfPayPage(hostedUrl: string): Promise<string> {
  const page = await api(null, "GET", new URL(hostedUrl).pathname);
  expect(page.status).toBe(200);
  const token = /session="(cs_[0-9a-z]+)"/.exec(page.text)?.[1];
  expect(token).toBeDefined();
  return token!;
}

describe("the hosted pay page's session", () => {
  it("should reach only the invoice of the link, not the customer's other invoices, when a pay link is opened", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
    const customer = (await createCustomer(merchant.key)).id;
    const linked = await createInvoice(merchant.key, customer);
    const other = await createInvoice(merchant.key, customer);
    const full = (await api(merchant.key, "GET", `/v1/invoices/${linked.id}`)).body as { hosted_url: string };
    const session = await sessionOfPayPage(full.hosted_url);

    const listed = await api(session, "GET", "/v1/client/invoices");
    expect(listed.body.data.map((invoice: { id: string }) => invoice.id)).toEqual([linked.id]);
    expect((await api(session, "GET", `/v1/client/invoices/${other.id}`)).status).toBe(404);
    const payOther = await api(session, "POST", "/v1/client/payments", { invoices: [other.id], method: "sandbox" });
    expect(payOther.status).toBe(404);
    expect(payOther.body.param).toBe("invoices[0]");
    const payBoth = await api(session, "POST", "/v1/client/payments", { invoices: [linked.id, other.id], method: "sandbox" });
    expect(payBoth.status).toBe(404);
    expect((await api(session, "POST", "/v1/client/payments", { invoices: [linked.id], method: "sandbox" })).status).toBe(201);
  });

  it("should not show another invoice's payment to a pay-page session when the customer paid it elsewhere", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
    const customer = (await createCustomer(merchant.key)).id;
    const linked = await createInvoice(merchant.key, customer);
    const other = await createInvoice(merchant.key, customer);
    const customerSession = (await api(merchant.key, "POST", "/v1/client_sessions", { customer })).body.token as string;
    const paymentOfOther = (await api(customerSession, "POST", "/v1/client/payments", { invoices: [other.id], method: "sandbox" })).body.id as string;
    const full = (await api(merchant.key, "GET", `/v1/invoices/${linked.id}`)).body as { hosted_url: string };
    const session = await sessionOfPayPage(full.hosted_url);
    expect((await api(session, "GET", `/v1/client/payments/${paymentOfOther}`)).status).toBe(404);
    expect((await api(customerSession, "GET", `/v1/client/payments/${paymentOfOther}`)).status).toBe(200);
  });
});
