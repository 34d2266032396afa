import { beforeAll, describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant, type TestMerchant } from "../helpers";

let merchant: TestMerchant;
let customer: string;

beforeAll(async () => {
  merchant = await createMerchant();
  customer = (await createCustomer(merchant.key)).id;
});

describe("POST /v1/invoices", () => {
  it("should create a draft with totals computed per line when issue is not set", async () => {
    const response = await api(merchant.key, "POST", "/v1/invoices", {
      customer,
      currency: "eur",
      lines: [
        { description: "Audit", quantity: 2.5, unit_amount: 12_000, tax_rate: 2000 },
        { description: "Livre", quantity: 3, unit_amount: 1999, tax_rate: 550 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      object: "invoice",
      status: "draft",
      number: null,
      currency: "eur",
      subtotal: 30_000 + 5997,
      tax: 6000 + 330,
      total: 36_000 + 6327,
      amount_paid: 0,
      amount_due: 42_327,
      hosted_url: null,
    });
    expect(response.body.id).toMatch(/^inv_[0-9a-z]{26}$/);
    expect(response.body.tax_breakdown).toEqual([
      { tax_rate: 550, taxable_amount: 5997, tax_amount: 330 },
      { tax_rate: 2000, taxable_amount: 30_000, tax_amount: 6000 },
    ]);
  });

  it("should issue at once with a number and a due date from net_days when issue is true", async () => {
    const response = await api(merchant.key, "POST", "/v1/invoices", {
      customer,
      currency: "jpy",
      lines: [{ description: "Tea set", quantity: 1, unit_amount: 5000 }],
      net_days: 15,
      issue: true,
    });
    expect(response.status).toBe(201);
    expect(response.body.status).toBe("open");
    expect(response.body.number).toMatch(/^F\d{4}-\d{6}$/);
    const expectedDue = new Date(Date.now() + 15 * 86_400_000).toISOString().slice(0, 10);
    expect(response.body.due_date).toBe(expectedDue);
    expect(response.body.hosted_url).toMatch(/^http:\/\/127\.0\.0\.1:8787\/pay\/[0-9a-z]{32}$/);
  });
});
