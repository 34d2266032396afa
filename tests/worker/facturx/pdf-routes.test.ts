/**
 * The Factur-X PDFs through the routes, from real invoices: every file passes all the validator's
 * layers (pdf, xsd, en16931, facturx, br-fr), says what the invoice says in its language, and is
 * served to the merchant's keys and to the client behind the pay link only.
 */
import { describe, expect, it } from "vitest";
import { api, createInvoice, createMerchant, recordPayment } from "../helpers";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { b2bCustomer, b2cCustomer, einvoiceMerchant } from "./fixtures";
import { pdfText } from "./pdf-fixtures";

const TWO_RATES = [
  { description: "Conseil", quantity: 2, unit_amount: 45_000, tax_rate: 2000 },
  { description: "Livre", quantity: 1, unit_amount: 2_500, tax_rate: 550 },
  { description: "Remise", quantity: 1, unit_amount: -5_000, tax_rate: 2000 },
];

/** A consumer's invoice (B2C terms: the buyer needs no SIREN). */
const CONSUMER = { customer_type: "consumer" };

async function getPdf(key: string | null, path: string) {
  const response = await api(key, "GET", path);
  return response;
}

/** Fetches a PDF as bytes (the api helper reads text). */
async function pdfBytes(key: string | null, path: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const { exports } = await import("cloudflare:workers");
  const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }));
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function checked(name: string, bytes: Uint8Array): Promise<string> {
  const report = await checkFacturx(name, bytes.slice().buffer);
  expect(report.findings.filter((finding) => finding.layer === "pdf")).toEqual([]);
  expect(blocking(report)).toEqual([]);
  return (await pdfText(bytes)).join("\n").replace(/[\u00a0\u202f]/g, " ");
}

describe("GET /v1/invoices/:id/pdf", () => {
  it("serves a French EUR invoice with two VAT rates as a valid Factur-X PDF named after its number", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES });
    const response = await pdfBytes(merchant.key, `/v1/invoices/${invoice.id}/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${invoice.number}.pdf"`);
    const text = await checked("route-eur-fr.pdf", response.bytes);
    for (const expected of [`Facture`, invoice.number!, "Total HT", "875,00 €", "Total TVA", "171,38 €", "Total TTC", "1 046,38 €", "Reste à payer", "5,5 %", "20 %", "SIREN 123456789", "Paiement par virement", "FR76 3000 6000 0112 3456 7890 189"]) {
      expect(text).toContain(expected);
    }
  });

  it("speaks English for an English-speaking customer", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2cCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES, terms: CONSUMER });
    const text = await checked("route-eur-en.pdf", (await pdfBytes(merchant.key, `/v1/invoices/${invoice.id}/pdf`)).bytes);
    for (const expected of ["Invoice", invoice.number!, "Issue date", "Total excl. VAT", "€875.00", "Total incl. VAT", "€1,046.38", "Amount due", "Pay by bank transfer"]) expect(text).toContain(expected);
    expect(text).not.toContain("Reste à payer");
  });

  it("writes a JPY invoice without decimals", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant({ accounting: { exchange_rates: { jpy: "0.0062" } } });
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { currency: "jpy", lines: [{ description: "Licence", quantity: 3, unit_amount: 12_000, tax_rate: 2000 }] });
    const response = await pdfBytes(merchant.key, `/v1/invoices/${invoice.id}/pdf`);
    expect(response.status).toBe(200);
    const text = await checked("route-jpy.pdf", response.bytes);
    expect(text).toContain("Montant de la TVA en euros : 44,64 € (1 JPY = 0,0062 EUR)");
    for (const expected of ["36 000 JPY", "7 200 JPY", "43 200 JPY"]) expect(text.replace(/¥/g, "JPY")).toMatch(new RegExp(expected.replace(" JPY", "\\s?JPY|JPY\\s?").replace(/ /g, "\\s?")));
  });

  it("shows a paid invoice as settled, without transfer instructions", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES });
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const text = await checked("route-paid.pdf", (await pdfBytes(merchant.key, `/v1/invoices/${invoice.id}/pdf`)).bytes);
    expect(text).toContain("Déjà réglé\n1 046,38 €");
    expect(text).toContain("Reste à payer\n0,00 €");
    expect(text).not.toContain("Paiement par virement");
    // Settled on its issue day: an "already paid" frame, said on the page too.
    expect(text).toMatch(/Facture acquittée le \d{2}\/\d{2}\/\d{4}/);
  });

  it("answers 401 without a key, 404 for another merchant's invoice, refuses a client session, 409 for a draft, and serves the read-only key", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id);
    const path = `/v1/invoices/${invoice.id}/pdf`;
    expect((await getPdf(null, path)).status).toBe(401);
    const stranger = await createMerchant();
    expect((await getPdf(stranger.key, path)).status).toBe(404);
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer: customer.id })).body.token as string;
    expect([401, 403]).toContain((await getPdf(session, path)).status);
    expect([401, 403]).toContain((await getPdf(merchant.publishableKey, path)).status);
    const readOnly = await pdfBytes(merchant.readOnlyKey, path);
    expect(readOnly.status).toBe(200);
    expect(new TextDecoder().decode(readOnly.bytes.slice(0, 8))).toBe("%PDF-1.7");
    const draft = await createInvoice(merchant.key, customer.id, { issue: false });
    const refused = await getPdf(merchant.key, `/v1/invoices/${draft.id}/pdf`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("GET /v1/credit_notes/:id/pdf", () => {
  it("serves the credit note (381) referring to its invoice, with the reason, and refuses strangers", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES });
    const note = (await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 10_000, reason: "Retour de 3 articles" })).body;
    const response = await pdfBytes(merchant.key, `/v1/credit_notes/${note.id}/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${note.number}.pdf"`);
    const text = await checked("route-credit-note.pdf", response.bytes);
    for (const expected of ["Facture d'avoir", note.number, `Avoir sur la facture n° ${invoice.number}`, "Motif : Retour de 3 articles", "Total TTC de l'avoir", "100,00 €"]) expect(text).toContain(expected);
    // The invoice's own PDF now lists the credit note and asks only for what is left.
    const invoiceText = (await pdfText((await pdfBytes(merchant.key, `/v1/invoices/${invoice.id}/pdf`)).bytes)).join("\n").replace(/[\u00a0\u202f]/g, " ");
    expect(invoiceText).toContain("Avoirs émis");
    expect(invoiceText).toContain(`Facture d'avoir ${note.number}`);
    expect(invoiceText).toContain("Reste à payer\n946,38 €");
    const stranger = await createMerchant();
    expect((await getPdf(stranger.key, `/v1/credit_notes/${note.id}/pdf`)).status).toBe(404);
    expect((await getPdf(null, `/v1/credit_notes/${note.id}/pdf`)).status).toBe(401);
    expect((await pdfBytes(merchant.readOnlyKey, `/v1/credit_notes/${note.id}/pdf`)).status).toBe(200);
  });
});

describe("the pay page's PDFs", () => {
  it("serve the invoice and its credit notes to the link's holder only, linked from the printable pages in the invoice's language", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2cCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES, terms: CONSUMER });
    const other = await createInvoice(merchant.key, customer.id, { terms: CONSUMER });
    const note = (await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 1_000, reason: "Goodwill" })).body;
    const token = new URL((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url).pathname.split("/")[2]!;
    const otherToken = new URL((await api(merchant.key, "GET", `/v1/invoices/${other.id}`)).body.hosted_url).pathname.split("/")[2]!;
    const printed = await api(null, "GET", `/pay/${token}/print`);
    expect(printed.status).toBe(200);
    expect(printed.text).toContain('<html lang="en">');
    expect(printed.text).toContain(`href="/pay/${token}/pdf"`);
    expect(printed.text).toContain("Download (PDF)");
    expect(printed.text).toContain(`href="/pay/${token}/credit_notes/${note.id}"`);
    expect(printed.text).toContain("Total incl. VAT");
    const pdf = await pdfBytes(null, `/pay/${token}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await pdfText(pdf.bytes)).join("\n")).toContain(invoice.number!);
    const notePage = await api(null, "GET", `/pay/${token}/credit_notes/${note.id}`);
    expect(notePage.text).toContain(`href="/pay/${token}/credit_notes/${note.id}/pdf"`);
    expect(notePage.text).toContain(`Credit note for invoice ${invoice.number}`);
    expect((await pdfBytes(null, `/pay/${token}/credit_notes/${note.id}/pdf`)).status).toBe(200);
    // Another link, a made-up link, a credit note of another invoice: nothing.
    expect((await pdfBytes(null, `/pay/${"0".repeat(32)}/pdf`)).status).toBe(404);
    expect((await pdfBytes(null, `/pay/${otherToken}/credit_notes/${note.id}/pdf`)).status).toBe(404);
    expect((await pdfBytes(null, `/pay/${otherToken}/pdf`)).status).toBe(200);
  });

  it("prints a French customer's invoice in French with its download link, and the OpenAPI document lists both PDF routes", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id, { lines: TWO_RATES });
    const token = new URL((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url).pathname.split("/")[2]!;
    const printed = (await api(null, "GET", `/pay/${token}/print`)).text.replace(/[\u00a0\u202f]/g, " ");
    expect(printed).toContain('<html lang="fr">');
    expect(printed).toContain(`<a href="/pay/${token}/pdf" download>Télécharger la facture (PDF)</a>`);
    for (const expected of ["Reste à payer", "1 046,38 €", "SIREN 123456789", "RCS Paris", "FR76 3000 6000 0112 3456 7890 189", "<svg"]) expect(printed).toContain(expected);
    const doc = (await api(null, "GET", "/openapi.json")).body;
    for (const path of ["/v1/invoices/{id}/pdf", "/v1/credit_notes/{id}/pdf"]) {
      expect(Object.keys(doc.paths[path].get.responses["200"].content)).toEqual(["application/pdf"]);
      expect(Object.keys(doc.paths[path].get.responses)).toEqual(expect.arrayContaining(["401", "404", "409"]));
    }
  });

  it("keeps the printable page of an invoice whose details are too incomplete for an e-invoice, without a PDF link", async () => {
    const merchant = await createMerchant();
    const customer = (await api(merchant.key, "POST", "/v1/customers", { name: "Sans Adresse", email: "x@example.com" })).body;
    const invoice = await createInvoice(merchant.key, customer.id);
    const token = new URL((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url).pathname.split("/")[2]!;
    const printed = await api(null, "GET", `/pay/${token}/print`);
    expect(printed.status).toBe(200);
    expect(printed.text).toContain(`Facture ${invoice.number}`);
    expect(printed.text).not.toContain("/pdf");
    const pdf = await api(null, "GET", `/pay/${token}/pdf`);
    expect(pdf.status).toBe(409);
    expect(pdf.body.code).toBe("einvoice_data_incomplete");
  });
});
