import { describe, expect, it } from "vitest";
import { api, createInvoice } from "../helpers";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { b2bCustomer, einvoiceMerchant } from "./fixtures";

describe("smoke", () => {
  it("validates", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Conseil", quantity: 2, unit_amount: 45_000, tax_rate: 2000 },
        { description: "Livre", quantity: 1, unit_amount: 2_500, tax_rate: 550 },
        { description: "Remise", quantity: 1, unit_amount: -5_000, tax_rate: 2000 },
      ],
    });
    const response = await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/facturx.xml`);
    expect(response.status, response.text).toBe(200);
    console.log(response.text);
    const report = await checkFacturx("smoke.xml", response.text);
    console.log(JSON.stringify(report.findings, null, 1));
    expect(blocking(report)).toEqual([]);
  });
});
