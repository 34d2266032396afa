/**
 * What the client endpoints say about money: each invoice carries its currency's ISO 4217 exponent
 * (`currency_exponent`), which the widget formats amounts with (it carries no currency table).
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";

async function clientToken(key: string, customer: string): Promise<string> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer });
  expect(response.status, response.text).toBe(201);
  return response.body.token as string;
}

describe("currency_exponent on the client endpoints", () => {
  it("should send each invoice's currency exponent (jpy 0, eur 2, kwd 3) when a client lists or reads invoices", async () => {
    const merchant = await createMerchant("Exponents SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const eur = await createInvoice(merchant.key, customer, { currency: "eur" });
    const jpy = await createInvoice(merchant.key, customer, { currency: "JPY", lines: [{ description: "Consulting", quantity: 1, unit_amount: 3000, tax_rate: 0 }] });
    const kwd = await createInvoice(merchant.key, customer, { currency: "kwd", lines: [{ description: "Consulting", quantity: 1, unit_amount: 1_234_567, tax_rate: 0 }] });
    const token = await clientToken(merchant.key, customer);

    const list = await api(token, "GET", "/v1/client/invoices");

    expect(list.status, list.text).toBe(200);
    const exponents = Object.fromEntries((list.body.data as { id: string; currency: string; currency_exponent: number }[]).map((invoice) => [invoice.id, [invoice.currency, invoice.currency_exponent]]));
    expect(exponents).toEqual({ [eur.id]: ["eur", 2], [jpy.id]: ["jpy", 0], [kwd.id]: ["kwd", 3] });
    const one = await api(token, "GET", `/v1/client/invoices/${kwd.id}`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toMatchObject({ id: kwd.id, currency: "kwd", currency_exponent: 3, total: 1_234_567 });
  });

  it("should document currency_exponent as a required field of ClientInvoice in the OpenAPI document", async () => {
    const response = await api(null, "GET", "/openapi.json");

    expect(response.status).toBe(200);
    const schema = response.body.components.schemas.ClientInvoice;
    expect(schema.required).toContain("currency_exponent");
    expect(schema.properties.currency_exponent).toMatchObject({ type: "integer", minimum: 0, maximum: 3 });
    const list = response.body.paths["/v1/client/invoices"].get.responses["200"].content["application/json"].schema;
    expect(JSON.stringify(list)).toContain("#/components/schemas/ClientInvoice");
  });

  it("should answer 401 and no invoice when the client has no session", async () => {
    const response = await api(null, "GET", "/v1/client/invoices");

    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
  });
});
