/**
 * Where a credit note shows: the printable facture d'avoir at the hosted pay page (French mentions,
 * the original invoice's number and date), the invoice's printable page, the client API the widget
 * reads, and the OpenAPI document.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers";
import { issue, pay, TWO_RATE_TOTAL, twoRateInvoice, world } from "./support";

async function page(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response: Response = await (exports as any).default.fetch(new Request(url.replace(/^https?:\/\/[^/]+/, "http://127.0.0.1:8787")));
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const frenchDay = (day: string) => day.split("-").reverse().join("/");

describe("the printable credit note", () => {
  it("should be a facture d'avoir referring to the invoice's number and date, with lines, HT and TVA per rate, TTC and the reason", async () => {
    const w = await world();
    await api(w.merchant.key, "PUT", "/v1/settings", { seller: { legal_name: "Avoirs SARL", siren: "123456789", vat_number: "FR12123456789" } });
    const invoice = await twoRateInvoice(w);
    const note = (await issue(w, invoice.id, { amount: 10_000, reason: "Retour de 3 articles" })).body;
    const printed = await page(note.hosted_url);
    expect(printed.status).toBe(200);
    expect(printed.headers.get("content-security-policy")).toContain("default-src 'none'");
    const text = printed.text;
    expect(text).toContain(`Facture d'avoir ${note.number}`);
    expect(text).toContain("Credit note");
    expect(text).toContain(`Avoir sur la facture n° ${invoice.number} du ${frenchDay(note.invoice_issued_on)}`);
    expect(text).toContain(`Date d'émission : ${frenchDay(note.issued_on)}`);
    expect(text).toContain("SIREN 123456789");
    expect(text).toMatch(/<td>5,5 %<\/td><td class="n">17,08 EUR<\/td><td class="n">0,94 EUR<\/td>/);
    expect(text).toMatch(/<td>20 %<\/td><td class="n">68,32 EUR<\/td><td class="n">13,66 EUR<\/td>/);
    expect(text).toContain("Total HT : 85,40 EUR · Total TVA : 14,60 EUR");
    expect(text).toContain("Total TTC de l'avoir : 100,00 EUR");
    expect(text).toContain("Motif : Retour de 3 articles");
  });

  it("should be listed on the invoice's printable page, which asks only for what is left", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = (await issue(w, invoice.id, { amount: 10_000 })).body;
    const hosted = (await api(w.merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url as string;
    const printed = (await page(`${hosted}/print`)).text;
    expect(printed).toContain(`Facture d'avoir ${note.number}</a> du ${frenchDay(note.issued_on)} : 100,00 EUR TTC`);
    expect(printed).toContain(`Reste à payer : ${((TWO_RATE_TOTAL - 10_000) / 100).toFixed(2).replace(".", ",")} EUR`);
  });

  it("should open only the credit notes of the link's own invoice", async () => {
    const w = await world();
    const a = await twoRateInvoice(w);
    const b = await twoRateInvoice(w);
    const noteOfB = (await issue(w, b.id, { amount: 100 })).body;
    const hostedA = (await api(w.merchant.key, "GET", `/v1/invoices/${a.id}`)).body.hosted_url as string;
    expect((await page(`${hostedA}/credit_notes/${noteOfB.id}`)).status).toBe(404);
    expect((await page(`http://127.0.0.1:8787/pay/${"0".repeat(32)}/credit_notes/${noteOfB.id}`)).status).toBe(404);
  });
});

describe("what the customer's browser reads", () => {
  it("should expose amount_credited and each credit note's number, date and total to the client session", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    await pay(w, invoice.id, 5_000);
    const note = (await issue(w, invoice.id, { amount: 10_000 })).body;
    const session = (await api(w.merchant.key, "POST", "/v1/client_sessions", { customer: w.customer })).body.token;
    const listed = (await api(session, "GET", "/v1/client/invoices")).body.data[0];
    expect(listed).toMatchObject({ id: invoice.id, amount_paid: 5_000, amount_credited: 10_000, amount_due: TWO_RATE_TOTAL - 15_000 });
    expect(listed.credit_notes).toEqual([{ id: note.id, number: note.number, issued_on: note.issued_on, total: 10_000 }]);
    expect((await api(session, "GET", `/v1/client/invoices/${invoice.id}`)).body.credit_notes).toEqual(listed.credit_notes);
    // The widget's payment asks for what is left, not the total less what was paid.
    const config = await api(w.merchant.key, "PUT", "/v1/settings", { payment_methods: ["sandbox"] });
    expect(config.status).toBe(200);
    const started = await api(session, "POST", "/v1/client/payments", { invoices: [invoice.id], method: "sandbox" });
    expect(started.body).toMatchObject({ amount: TWO_RATE_TOTAL - 15_000 });
  });
});

describe("the OpenAPI document", () => {
  it("should describe the credit note endpoints with their schemas", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    const create = doc.paths["/v1/invoices/{id}/credit_notes"].post;
    expect(create.operationId).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreditNoteCreate" });
    expect(create.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreditNote" });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["401", "403", "404", "409", "422", "413", "415"]));
    expect(doc.paths["/v1/credit_notes"].get.parameters.map((parameter: any) => parameter.name)).toEqual(expect.arrayContaining(["limit", "starting_after", "invoice", "customer"]));
    expect(doc.paths["/v1/credit_notes/{id}"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreditNote" });
    expect(doc.components.schemas.CreditNote.required).toEqual(expect.arrayContaining(["number", "invoice_number", "tax_breakdown", "applied_to_invoice", "to_credit", "refunded"]));
    expect(doc.components.schemas.Invoice.properties.amount_credited).toBeDefined();
  });
});
