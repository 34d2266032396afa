/** The hosted pay page of an invoice with nothing left to pay: the transfer reference it carried, unless voided. */
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";

async function page(options: { account: boolean; status: "paid" | "void" | "open"; locale?: string; format?: string }) {
  const merchant = await createMerchant("Résumé SARL");
  const settings: Record<string, unknown> = options.account ? { bank_account: { iban: "FR7630006000011234567890189", bic: "AGRIFRPP" } } : {};
  if (options.format) settings["numbering"] = { format: options.format };
  expect((await api(merchant.key, "PUT", "/v1/settings", settings)).status).toBe(200);
  const customer = (await createCustomer(merchant.key, { locale: options.locale ?? "fr-FR" })).id;
  const invoice = await createInvoice(merchant.key, customer);
  if (options.status === "paid") expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
  if (options.status === "void") expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/void`)).status).toBe(200);
  const hosted = (await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url as string;
  const response = await api(null, "GET", new URL(hosted).pathname);
  expect(response.status).toBe(200);
  return { invoice, text: response.text };
}

describe("the pay page when nothing is left to pay", () => {
  it("should show the RF reference of a paid invoice, in the client's language", async () => {
    const fr = await page({ account: true, status: "paid" });
    expect(fr.text).toContain(`Référence de virement : <code>${rfReferenceOfInvoice(fr.invoice.number!)}</code>`);
    expect(fr.text).not.toContain("<quittance-invoices");
    const en = await page({ account: true, status: "paid", locale: "en" });
    expect(en.text).toContain(`Bank transfer reference: <code>${rfReferenceOfInvoice(en.invoice.number!)}</code>`);
  });

  it("should show the invoice number as the reference when it is too long for an RF reference", async () => {
    const { invoice, text } = await page({ account: true, status: "paid", format: "FACTURE-{YYYY}-CLIENTS-PRO-{SEQ:6}" });
    expect(rfReferenceOfInvoice(invoice.number!)).toBeNull();
    expect(text).toContain(`<code>${invoice.number}</code>`);
  });

  it("should show no reference for a voided invoice or when the merchant has no bank account", async () => {
    expect((await page({ account: true, status: "void" })).text).not.toContain("Référence de virement");
    expect((await page({ account: false, status: "paid" })).text).not.toContain("Référence de virement");
  });

  it("should keep showing the widget, not the summary, while something is due", async () => {
    const { text } = await page({ account: true, status: "open" });
    expect(text).toContain("<quittance-invoices");
    expect(text).not.toContain("Référence de virement");
  });
});
