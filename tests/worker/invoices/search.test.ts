/** `GET /v1/invoices?q=`: the console's search by invoice number or customer name. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, type TestMerchant } from "../helpers";

let merchant: TestMerchant;
let martin: string;
let other: string;

beforeAll(async () => {
  merchant = await createMerchant("Search SARL");
  const a = (await createCustomer(merchant.key, { name: "Boulangerie Martin" })).id;
  const b = (await createCustomer(merchant.key, { name: "Garage 100%_Dupont" })).id;
  martin = (await createInvoice(merchant.key, a)).id;
  other = (await createInvoice(merchant.key, b)).id;
});

describe("GET /v1/invoices?q=", () => {
  it("should list only the invoices whose customer's name contains the text, ignoring case", async () => {
    const response = await api(merchant.key, "GET", "/v1/invoices?q=martin");
    expect(response.status).toBe(200);
    expect((response.body as { data: { id: string }[] }).data.map((row) => row.id)).toEqual([martin]);
  });

  it("should find an invoice by its number and treat % and _ as plain characters", async () => {
    const invoice = (await api(merchant.key, "GET", `/v1/invoices/${other}`)).body as { number: string };
    const byNumber = await api(merchant.key, "GET", `/v1/invoices?q=${encodeURIComponent(invoice.number)}`);
    expect((byNumber.body as { data: { id: string }[] }).data.map((row) => row.id)).toEqual([other]);
    const literal = await api(merchant.key, "GET", `/v1/invoices?q=${encodeURIComponent("100%_")}`);
    expect((literal.body as { data: { id: string }[] }).data.map((row) => row.id)).toEqual([other]);
    const none = await api(merchant.key, "GET", `/v1/invoices?q=${encodeURIComponent("%")}`);
    expect((none.body as { data: unknown[] }).data).toEqual([other].map(() => expect.anything()));
  });

  it("should answer 422 naming q when the search is longer than 64 characters", async () => {
    const response = await api(merchant.key, "GET", `/v1/invoices?q=${"x".repeat(65)}`);
    expect(response.status).toBe(422);
    expect(JSON.stringify(response.body)).toContain("q");
  });
});
