/**
 * The Factur-X XML of every kind of document Quittance issues, through GET …/facturx.xml, checked
 * by the official validators (xsd, EN 16931, Factur-X, BR-FR): no fatal or error finding, and the
 * figures and French data the platforms read.
 */
import { describe, expect, it } from "vitest";
import { api, createInvoice, recordPayment } from "../helpers";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { b2bCustomer, b2cCustomer, day102, einvoiceMerchant, today, valueIn, values } from "./fixtures";

const T = { timeout: VALIDATOR_TIMEOUT_MS };

async function xmlOf(key: string, path: string): Promise<string> {
  const response = await api(key, "GET", path);
  expect(response.status, response.text).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
  return response.text;
}

const invoiceXml = (key: string, id: string) => xmlOf(key, `/v1/invoices/${id}/facturx.xml`);
const creditNoteXml = (key: string, id: string) => xmlOf(key, `/v1/credit_notes/${id}/facturx.xml`);

async function expectValid(name: string, xml: string) {
  expect(blocking(await checkFacturx(name, xml))).toEqual([]);
}

const summation = (xml: string, element: string) => valueIn(xml, "ram:SpecifiedTradeSettlementHeaderMonetarySummation", element);

describe("the Factur-X XML of invoices", () => {
  it("should pass every validator layer and carry the French data for a B2B euro invoice at 20 % and 5.5 %", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Conseil <stratégie> & \"audit\"", quantity: 2.5, unit_amount: 45_000, tax_rate: 2000 },
        { description: "Livre", quantity: 3, unit_amount: 1_999, tax_rate: 550 },
      ],
    });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-two-rates-b2b.xml", xml);
    expect(valueIn(xml, "rsm:ExchangedDocument", "ram:TypeCode")).toBe("380");
    expect(valueIn(xml, "rsm:ExchangedDocument", "ram:ID")).toBe(invoice.number);
    expect(valueIn(xml, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")).toBe("S1");
    expect(valueIn(xml, "ram:GuidelineSpecifiedDocumentContextParameter", "ram:ID")).toBe("urn:cen.eu:en16931:2017");
    expect(valueIn(xml, "ram:SellerTradeParty", "ram:ID")).toBe("123456789");
    expect(valueIn(xml, "ram:BuyerTradeParty", "ram:ID")).toBe("987654321");
    expect(xml).toContain('<ram:URIID schemeID="0225">123456789</ram:URIID>');
    expect(xml).toContain('<ram:URIID schemeID="0225">987654321</ram:URIID>');
    expect(values(xml, "ram:SubjectCode")).toEqual(["PMT", "PMD", "AAB", "BAR"]);
    expect(values(xml, "ram:Content")).toContain("B2B");
    expect(values(xml, "ram:Content")[0]).toContain("40,00");
    expect(xml).toContain("Conseil &lt;stratégie&gt; &amp; &quot;audit&quot;");
    // 2.5 × 450.00 = 1125.00 (VAT 225.00) and 3 × 19.99 = 59.97 (VAT 3.30): as the invoice says.
    expect(values(xml, "ram:RateApplicablePercent")).toEqual(["20.00", "5.50", "20.00", "5.50"]);
    expect(values(xml, "ram:CalculatedAmount")).toEqual(["225.00", "3.30"]);
    expect(summation(xml, "ram:LineTotalAmount")).toBe("1184.97");
    expect(summation(xml, "ram:TaxTotalAmount")).toBe("228.30");
    expect(summation(xml, "ram:GrandTotalAmount")).toBe("1413.27");
    expect(summation(xml, "ram:TotalPrepaidAmount")).toBe("0.00");
    expect(summation(xml, "ram:DuePayableAmount")).toBe("1413.27");
    expect(invoice.total).toBe(141_327);
    // Bank transfer: means 58, the merchant's IBAN and BIC, the RF reference as BT-83.
    expect(valueIn(xml, "ram:SpecifiedTradeSettlementPaymentMeans", "ram:TypeCode")).toBe("58");
    expect(values(xml, "ram:IBANID")).toEqual(["FR7630006000011234567890189"]);
    expect(values(xml, "ram:PaymentReference")[0]).toMatch(/^RF\d{2}/);
  });

  it("should write a discount line as a negative quantity at a positive price (BR-27) and pass", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Abonnement annuel", quantity: 1, unit_amount: 120_000, tax_rate: 2000 },
        { description: "Remise fidélité", quantity: 1, unit_amount: -12_000, tax_rate: 2000 },
      ],
    });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-discount-line.xml", xml);
    expect(values(xml, "ram:BilledQuantity")).toEqual(["1", "-1"]);
    expect(values(xml, "ram:ChargeAmount")).toEqual(["1200.00", "120.00"]);
    expect(values(xml, "ram:LineTotalAmount").slice(0, 2)).toEqual(["1200.00", "-120.00"]);
    expect(values(xml, "ram:BasisAmount")).toEqual(["1080.00"]);
    expect(summation(xml, "ram:GrandTotalAmount")).toBe("1296.00");
  });

  it("should pass for a consumer (B2C) in English, addressed by email, with no recovery indemnity", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2cCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { terms: { customer_type: "consumer" } });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-b2c.xml", xml);
    expect(xml).toContain('<ram:URIID schemeID="EM">jeanne@example.com</ram:URIID>');
    expect(valueIn(xml, "ram:BuyerTradeParty", "ram:ID")).toBeUndefined();
    expect(values(xml, "ram:Content")).toContain("B2C");
    expect(values(xml, "ram:Content")[0]).toBe("No fixed compensation for recovery costs.");
  });

  it("should pass for a JPY invoice, with amounts in whole yen and its VAT in euros at the book rate (BR-FR-CO-12)", T, async () => {
    const merchant = await einvoiceMerchant({ accounting: { exchange_rates: { jpy: "0.0062" } } });
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { currency: "jpy", lines: [{ description: "Licence", quantity: 3, unit_amount: 12_345, tax_rate: 1000 }] });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("jpy.xml", xml);
    expect(valueIn(xml, "ram:ApplicableHeaderTradeSettlement", "ram:InvoiceCurrencyCode")).toBe("JPY");
    expect(values(xml, "ram:TaxCurrencyCode")).toEqual(["EUR"]);
    expect(summation(xml, "ram:GrandTotalAmount")).toBe("40739");
    // 3 704 ¥ of VAT × 0.0062 = 22.9648 → 22.96 €.
    expect(xml).toContain('<ram:TaxTotalAmount currencyID="JPY">3704</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">22.96</ram:TaxTotalAmount>');
  });

  it("should use the already-paid frame S2 with the payment day as due date for an invoice settled on its issue day", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id);
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-paid-at-issue.xml", xml);
    expect(valueIn(xml, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")).toBe("S2");
    expect(summation(xml, "ram:TotalPrepaidAmount")).toBe("120.00");
    expect(summation(xml, "ram:DuePayableAmount")).toBe("0.00");
    expect(xml).toContain(`<ram:DueDateDateTime><udt:DateTimeString format="102">${day102(today())}</udt:DateTimeString></ram:DueDateDateTime>`);
  });

  it("should state what was paid (BT-113) and what is left (BT-115) on a partly paid invoice", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id);
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 5_000 }])).status).toBe(201);
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-partly-paid.xml", xml);
    expect(valueIn(xml, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")).toBe("S1");
    expect(summation(xml, "ram:TotalPrepaidAmount")).toBe("50.00");
    expect(summation(xml, "ram:DuePayableAmount")).toBe("70.00");
  });

  it("should pass for goods sold under the franchise (0 %, exempt E with its wording) in frame B1", T, async () => {
    const merchant = await einvoiceMerchant({ einvoicing: { operation_category: "goods" } });
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: [{ description: "Vase", quantity: 2, unit_amount: 3_000, tax_rate: 0 }] });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-franchise-goods.xml", xml);
    expect(valueIn(xml, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")).toBe("B1");
    expect(values(xml, "ram:CategoryCode")).toEqual(["E", "E"]);
    expect(values(xml, "ram:ExemptionReason")).toEqual(["TVA non applicable, art. 293 B du CGI"]);
    expect(values(xml, "ram:DueDateTypeCode")).toEqual(["29"]);
  });

  it("should pass for reverse-charged services to an EU business (AE, B2BINT) and say when VAT on debits was opted for", T, async () => {
    const merchant = await einvoiceMerchant({ einvoicing: { vat_on_debits: true } });
    const customer = await b2bCustomer(merchant.key, {
      name: "Kunde GmbH", locale: "de", siren: undefined, siret: undefined, vat_number: "DE123456789",
      address: { line1: "Hauptstraße 1", postal_code: "10115", city: "Berlin", country: "DE" },
    });
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Développement", quantity: 10, unit_amount: 60_000, tax_rate: 0 },
        { description: "Formation", quantity: 1, unit_amount: 80_000, tax_rate: 2000 },
      ],
      einvoice: { zero_rate_category: "AE" },
    });
    const xml = await invoiceXml(merchant.key, invoice.id);
    await expectValid("eur-reverse-charge-b2bint.xml", xml);
    expect(values(xml, "ram:Content")).toContain("B2BINT");
    expect(values(xml, "ram:ExemptionReasonCode")).toEqual(["VATEX-EU-AE"]);
    expect(values(xml, "ram:DueDateTypeCode")).toEqual(["5", "5"]);
    expect(values(xml, "ram:Content")).toContain("VAT paid on debits (option pour le paiement de la taxe d'après les débits).".replace("'", "&apos;"));
  });
});

describe("the Factur-X XML of credit notes", () => {
  it("should be a 381 referring to its invoice (BT-25/BT-26) for a partial credit note, and leave the invoice valid", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Conseil", quantity: 1, unit_amount: 100_000, tax_rate: 2000 },
        { description: "Livre", quantity: 1, unit_amount: 2_000, tax_rate: 550 },
      ],
    });
    const created = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 30_000, reason: "Geste commercial" });
    expect(created.status, created.text).toBe(201);
    const xml = await creditNoteXml(merchant.key, created.body.id);
    await expectValid("credit-note-partial.xml", xml);
    expect(valueIn(xml, "rsm:ExchangedDocument", "ram:TypeCode")).toBe("381");
    expect(valueIn(xml, "rsm:ExchangedDocument", "ram:ID")).toBe(created.body.number);
    expect(valueIn(xml, "ram:InvoiceReferencedDocument", "ram:IssuerAssignedID")).toBe(invoice.number);
    expect(xml).toContain(`<ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${day102(today())}</qdt:DateTimeString></ram:FormattedIssueDateTime>`);
    expect(summation(xml, "ram:GrandTotalAmount")).toBe("300.00");
    expect(summation(xml, "ram:DuePayableAmount")).toBe("300.00");
    expect(values(xml, "ram:SubjectCode").slice(0, 3)).toEqual(["PMT", "PMD", "AAB"]);
    const after = await invoiceXml(merchant.key, invoice.id);
    await expectValid("invoice-after-partial-credit.xml", after);
    expect(summation(after, "ram:TotalPrepaidAmount")).toBe("300.00");
  });

  it("should pass for a full credit note of a paid invoice, the invoice then showing nothing due", T, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, {
      lines: [
        { description: "Conseil", quantity: 2, unit_amount: 45_000, tax_rate: 2000 },
        { description: "Remise", quantity: 1, unit_amount: -5_000, tax_rate: 2000 },
      ],
    });
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const created = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { reason: "Annulation de la commande" });
    expect(created.status, created.text).toBe(201);
    const xml = await creditNoteXml(merchant.key, created.body.id);
    await expectValid("credit-note-full.xml", xml);
    expect(summation(xml, "ram:GrandTotalAmount")).toBe("1020.00");
    expect(values(xml, "ram:BilledQuantity")).toEqual(["2", "-1"]);
    const after = await invoiceXml(merchant.key, invoice.id);
    await expectValid("invoice-after-full-credit.xml", after);
    expect(summation(after, "ram:DuePayableAmount")).toBe("0.00");
  });
});
