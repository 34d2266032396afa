/**
 * The e-invoicing data at the boundary (422 naming the field), the refusals of the XML routes (409
 * naming what is missing, never an invalid file), who may read them, and the hand-off links.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { poll } from "../realtime/support";
import { api, createCustomer, createInvoice, createMerchant, databaseFingerprint } from "../helpers";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { b2bCustomer, B2B_CUSTOMER, b2cCustomer, einvoiceMerchant, SELLER, valueIn } from "./fixtures";

const xmlPath = (id: string) => `/v1/invoices/${id}/facturx.xml`;

describe("the e-invoicing fields at the boundary", () => {
  it("should keep a customer's SIRET and electronic address, and refuse inconsistent ones with 422 naming the field", async () => {
    const merchant = await createMerchant();
    const created = await api(merchant.key, "POST", "/v1/customers", { ...B2B_CUSTOMER, electronic_address: { scheme: "0225", id: "987654321_FACTURES" } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ siret: "98765432100015", electronic_address: { scheme: "0225", id: "987654321_FACTURES" } });
    expect((await api(merchant.key, "GET", `/v1/customers/${created.body.id}`)).body.electronic_address).toEqual({ scheme: "0225", id: "987654321_FACTURES" });
    const before = await databaseFingerprint();
    for (const [body, param] of [
      [{ siret: "11111111100011" }, "siret"],
      [{ siret: "1234" }, "siret"],
      [{ electronic_address: { scheme: "9999", id: "x" } }, "electronic_address.scheme"],
      [{ electronic_address: { scheme: "0225", id: "111222333" } }, "electronic_address.id"],
      [{ electronic_address: { scheme: "0225", id: "987654321 espace" } }, "electronic_address.id"],
      [{ electronic_address: { scheme: "EM", id: "not-an-email" } }, "electronic_address.id"],
    ] as const) {
      const response = await api(merchant.key, "POST", "/v1/customers", { ...B2B_CUSTOMER, ...body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.param, JSON.stringify(body)).toBe(param);
    }
    expect(await databaseFingerprint()).toBe(before);
  });

  it("should let a merchant complete an existing customer for e-invoices (POST /v1/customers/:id), checking the identifiers together", async () => {
    const merchant = await einvoiceMerchant();
    const other = await createMerchant();
    const customer = await createCustomer(merchant.key, { name: "Client SAS", email: "compta@client.example" });
    const invoice = await createInvoice(merchant.key, customer.id);
    expect((await api(merchant.key, "GET", xmlPath(invoice.id))).body).toMatchObject({ status: 409, param: "customer.address" });
    const before = await databaseFingerprint();
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { siret: "98765432100015" })).body).toMatchObject({ status: 422, param: "siren" });
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { electronic_address: { scheme: "XX", id: "1" } })).body).toMatchObject({ status: 422, param: "electronic_address.scheme" });
    expect((await api(merchant.readOnlyKey, "POST", `/v1/customers/${customer.id}`, { siren: "987654321" })).status).toBe(403);
    expect((await api(other.key, "POST", `/v1/customers/${customer.id}`, { siren: "987654321" })).status).toBe(404);
    expect((await api(null, "POST", `/v1/customers/${customer.id}`, { siren: "987654321" })).status).toBe(401);
    expect(await databaseFingerprint()).toBe(before);
    const { name: _name, email: _email, locale: _locale, ...identifiers } = B2B_CUSTOMER;
    const updated = await api(merchant.key, "POST", `/v1/customers/${customer.id}`, identifiers);
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ siren: "987654321", siret: "98765432100015", address: B2B_CUSTOMER.address, name: "Client SAS" });
    expect((await api(merchant.key, "GET", xmlPath(invoice.id))).status).toBe(200);
    // The identifiers stay consistent with what is stored: a SIREN the SIRET no longer starts with is refused.
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { siren: "111222333" })).body).toMatchObject({ status: 422, param: "siret" });
    const cleared = await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { siret: null, vat_number: null });
    expect(cleared.body).toMatchObject({ siret: null, vat_number: null, siren: "987654321" });
    const events = (await api(merchant.key, "GET", "/v1/events?type=customer.updated")).body.data;
    expect(events.map((event: any) => [...event.data.fields].sort())).toEqual([["address", "siren", "siret", "vat_number"], ["siret", "vat_number"]]);
  });

  it("should refuse a VAT rate the French rules reject at invoice creation and update, naming lines[i].tax_rate", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const before = await databaseFingerprint();
    const lines = [
      { description: "Conseil", quantity: 1, unit_amount: 1_000, tax_rate: 2000 },
      { description: "Autre", quantity: 1, unit_amount: 1_000, tax_rate: 1200 },
    ];
    const refused = await api(merchant.key, "POST", "/v1/invoices", { customer: customer.id, currency: "eur", lines });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: "parameter_invalid", param: "lines[1].tax_rate" });
    expect(refused.body.detail).toContain("2060");
    expect(await databaseFingerprint()).toBe(before);
    const draft = await createInvoice(merchant.key, customer.id, { issue: false });
    const update = await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { lines: [{ ...lines[1], tax_rate: 1800 }] });
    expect(update.body).toMatchObject({ status: 422, param: "lines[0].tax_rate" });
    for (const rate of [0, 210, 550, 850, 1000, 2000]) {
      expect((await api(merchant.key, "POST", `/v1/invoices/${draft.id}`, { lines: [{ ...lines[0], tax_rate: rate }] })).status).toBe(200);
    }
  });

  it("should refuse numbering formats whose numbers could break the e-invoice rules (characters, 35 characters), naming the format", async () => {
    const merchant = await createMerchant();
    const before = await databaseFingerprint();
    for (const [numbering, param] of [
      [{ format: "F.{YYYY}-{SEQ:6}" }, "numbering.format"],
      [{ format: "F {SEQ}" }, "numbering.format"],
      [{ format: "FACTURE-CLIENT-NUMERO-{YYYY}-{SEQ}" }, "numbering.format"],
      [{ format: "F{YYYY}-{SEQ:6}", credit_note_format: "AV.{SEQ}" }, "numbering.credit_note_format"],
      [{ format: "F{YYYY}-{SEQ:6}", credit_note_format: "AVOIR-CLIENT-{YYYY}-{MM}-{SEQ:12}-XY" }, "numbering.credit_note_format"],
    ] as const) {
      const response = await api(merchant.key, "PUT", "/v1/settings", { numbering });
      expect(response.status, JSON.stringify(numbering)).toBe(422);
      expect(response.body.param, JSON.stringify(numbering)).toBe(param);
    }
    expect(await databaseFingerprint()).toBe(before);
    // 35 characters at most, counting {SEQ:12} as 12 digits and + allowed.
    const longest = await api(merchant.key, "PUT", "/v1/settings", { numbering: { format: "FACTURE+CLIENT-{YYYY}-{MM}-{SEQ:12}", credit_note_format: "AV/{YY}/{SEQ}" } });
    expect(longest.status, longest.text).toBe(200);
  });

  it("should keep a merchant's settings readable when they were stored with a format from before the rule, and refuse only its XML", async () => {
    const merchant = await einvoiceMerchant();
    const stored = JSON.parse((await env.DB.prepare("SELECT data FROM settings WHERE merchant_id = ?").bind(merchant.id).first<{ data: string }>())!.data);
    stored.numbering = { format: "F {YYYY}.{SEQ:4}" };
    // A block a later version might store, unreadable here: it alone falls back to its default.
    stored.einvoicing = { operation_category: "food", vat_on_debits: "sometimes", zero_rate_category: "AE" };
    await env.DB.prepare("UPDATE settings SET data = ? WHERE merchant_id = ?").bind(JSON.stringify(stored), merchant.id).run();
    const settings = await api(merchant.key, "GET", "/v1/settings");
    expect(settings.body.seller.siren).toBe("123456789");
    expect(settings.body.numbering.format).toBe("F {YYYY}.{SEQ:4}");
    expect(settings.body.einvoicing).toEqual({ operation_category: "services", vat_on_debits: false, zero_rate_category: "E" });
    expect(settings.body.bank_account.iban).toBe("FR7630006000011234567890189");
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id);
    expect(invoice.number).toMatch(/^F \d{4}\.0001$/);
    const response = await api(merchant.key, "GET", xmlPath(invoice.id));
    expect(response.status).toBe(409);
    expect(response.headers.get("content-type")).toMatch(/problem\+json/);
    expect(response.body).toMatchObject({ code: "einvoice_not_expressible", param: "numbering.format" });
  });

  it("should check settings' e-invoicing data: seller SIRET and electronic address, the category, VAT on debits, 0 % lines", async () => {
    const merchant = await createMerchant();
    const before = await databaseFingerprint();
    for (const [body, param] of [
      [{ seller: { ...SELLER, siret: "99999999900011" } }, "seller.siret"],
      [{ seller: { ...SELLER, electronic_address: { scheme: "0225", id: "a b" } } }, "seller.electronic_address.id"],
      [{ einvoicing: { operation_category: "food" } }, "einvoicing.operation_category"],
      [{ einvoicing: { vat_on_debits: "yes" } }, "einvoicing.vat_on_debits"],
      [{ einvoicing: { zero_rate_category: "Z", exemption_reason: "Exonéré" } }, "einvoicing.exemption_reason"],
      [{ einvoicing: { zero_rate_category: "L" } }, "einvoicing.zero_rate_category"],
    ] as const) {
      const response = await api(merchant.key, "PUT", "/v1/settings", body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.param, JSON.stringify(body)).toBe(param);
    }
    expect(await databaseFingerprint()).toBe(before);
    const saved = await api(merchant.key, "PUT", "/v1/settings", { einvoicing: { operation_category: "mixed", vat_on_debits: true, zero_rate_category: "E", exemption_reason: "Exonération art. 261 4 4° du CGI" } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.einvoicing).toEqual({ operation_category: "mixed", vat_on_debits: true, zero_rate_category: "E", exemption_reason: "Exonération art. 261 4 4° du CGI" });
    expect((await api(merchant.key, "GET", "/v1/settings")).body.einvoicing.operation_category).toBe("mixed");
  });

  it("should let an invoice override the category of operation, and refuse an unknown 0 % category naming einvoice.zero_rate_category", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const refused = await api(merchant.key, "POST", "/v1/invoices", { customer: customer.id, currency: "eur", lines: [{ description: "x", quantity: 1, unit_amount: 100 }], einvoice: { zero_rate_category: "K" } });
    expect(refused.body).toMatchObject({ status: 422, param: "einvoice.zero_rate_category" });
    const invoice = await createInvoice(merchant.key, customer.id, { einvoice: { operation_category: "goods" } });
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.einvoice).toEqual({ operation_category: "goods" });
    const xml = (await api(merchant.key, "GET", xmlPath(invoice.id))).text;
    expect(valueIn(xml, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")).toBe("B1");
  });
});

describe("GET …/facturx.xml refusals", () => {
  it("should answer 409 naming the missing setting or field rather than an invalid file", async () => {
    const bare = await createMerchant();
    const bareCustomer = await createCustomer(bare.key, B2B_CUSTOMER);
    const bareInvoice = await createInvoice(bare.key, bareCustomer.id);
    expect((await api(bare.key, "GET", xmlPath(bareInvoice.id))).body).toMatchObject({ status: 409, code: "einvoice_data_incomplete", param: "seller.siren" });
    await api(bare.key, "PUT", "/v1/settings", { seller: { ...SELLER, vat_number: undefined } });
    expect((await api(bare.key, "GET", xmlPath(bareInvoice.id))).body).toMatchObject({ status: 409, param: "seller.vat_number" });

    const merchant = await einvoiceMerchant();
    const noSiren = await b2bCustomer(merchant.key, { siren: undefined, siret: undefined });
    expect((await api(merchant.key, "GET", xmlPath((await createInvoice(merchant.key, noSiren.id)).id))).body).toMatchObject({ status: 409, param: "customer.siren" });
    const noAddress = await b2cCustomer(merchant.key, { address: undefined });
    const consumerInvoice = await createInvoice(merchant.key, noAddress.id, { terms: { customer_type: "consumer" } });
    expect((await api(merchant.key, "GET", xmlPath(consumerInvoice.id))).body).toMatchObject({ status: 409, param: "customer.address" });
    const customer = await b2bCustomer(merchant.key);
    const yen = await createInvoice(merchant.key, customer.id, { currency: "jpy", lines: [{ description: "Licence", quantity: 1, unit_amount: 5_000, tax_rate: 1000 }] });
    expect((await api(merchant.key, "GET", xmlPath(yen.id))).body).toMatchObject({ status: 409, param: "accounting.exchange_rates.jpy" });
    const dinar = await createInvoice(merchant.key, customer.id, { currency: "kwd", lines: [{ description: "Licence", quantity: 1, unit_amount: 5_125, tax_rate: 1000 }] });
    expect((await api(merchant.key, "GET", xmlPath(dinar.id))).body).toMatchObject({ status: 409, code: "einvoice_not_expressible", param: "currency" });
    const draft = await createInvoice(merchant.key, customer.id, { issue: false });
    expect((await api(merchant.key, "GET", xmlPath(draft.id))).body).toMatchObject({ status: 409, code: "invoice_not_issued" });
  });

  it("should refuse (409 naming lines) a yen invoice whose per-line VAT rounding drifts more than BR-CO-17 tolerates, and accept one within it", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await einvoiceMerchant({ accounting: { exchange_rates: { jpy: "0.0062" } } });
    const customer = await b2bCustomer(merchant.key);
    // Five lines of ¥4 at 10 %: each line's VAT rounds 0.4 to 0, so ¥0 of VAT where base × rate is ¥2.
    const tiny = Array.from({ length: 5 }, (_, index) => ({ description: `Timbre ${index + 1}`, quantity: 1, unit_amount: 4, tax_rate: 1000 }));
    const drifting = await createInvoice(merchant.key, customer.id, { currency: "jpy", lines: [...tiny, { description: "Colis", quantity: 1, unit_amount: 1_000, tax_rate: 2000 }] });
    expect((await api(merchant.key, "GET", xmlPath(drifting.id))).body).toMatchObject({ status: 409, code: "einvoice_not_expressible", param: "lines" });
    const within = await createInvoice(merchant.key, customer.id, { currency: "jpy", lines: tiny.slice(0, 2) });
    const xml = await api(merchant.key, "GET", xmlPath(within.id));
    expect(xml.status).toBe(200);
    expect(blocking(await checkFacturx("jpy-rounding-within-tolerance.xml", xml.text))).toEqual([]);
  });

  it("should answer 401 to a stranger, 403 to a client session and a publishable key, 404 to another merchant, and serve a read-only key", async () => {
    const merchant = await einvoiceMerchant();
    const other = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const invoice = await createInvoice(merchant.key, customer.id);
    const note = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/credit_notes`, { amount: 1_000, reason: "Geste" });
    const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer: customer.id })).body.token;
    for (const path of [xmlPath(invoice.id), `/v1/credit_notes/${note.body.id}/facturx.xml`]) {
      expect((await api(null, "GET", path)).status).toBe(401);
      expect((await api(session, "GET", path)).status).toBe(403);
      expect((await api(merchant.publishableKey, "GET", path)).status).toBe(403);
      expect((await api(other.key, "GET", path)).body).toMatchObject({ status: 404, code: "resource_missing" });
      const read = await api(merchant.readOnlyKey, "GET", path);
      expect(read.status).toBe(200);
      expect(read.text).toContain("<rsm:CrossIndustryInvoice");
    }
    expect((await api(merchant.key, "GET", "/v1/credit_notes/cn_unknown/facturx.xml")).status).toBe(404);
  });

  it("should be described in the OpenAPI document as application/xml with the problem answers", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    for (const path of ["/v1/invoices/{id}/facturx.xml", "/v1/credit_notes/{id}/facturx.xml"]) {
      const operation = doc.paths[path].get;
      expect(Object.keys(operation.responses["200"].content)).toEqual(["application/xml"]);
      expect(operation.responses).toHaveProperty("409");
      expect(operation.security.length).toBeGreaterThan(0);
    }
  });
});

describe("the hand-off to an approved platform", () => {
  it("should put absolute links to the PDF and the XML in invoice.issued and credit_note.issued", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const atOnce = await createInvoice(merchant.key, customer.id);
    const draft = await createInvoice(merchant.key, customer.id, { issue: false });
    expect((await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    const note = await api(merchant.key, "POST", `/v1/invoices/${atOnce.id}/credit_notes`, { amount: 1_000, reason: "Geste" });
    const issued = (await api(merchant.key, "GET", "/v1/events?type=invoice.issued")).body.data;
    for (const id of [atOnce.id, draft.id]) {
      const event = issued.find((entry: any) => entry.invoice === id);
      expect(event.data).toMatchObject({ pdf_url: `http://127.0.0.1:8787/v1/invoices/${id}/pdf`, xml_url: `http://127.0.0.1:8787/v1/invoices/${id}/facturx.xml` });
    }
    const credited = (await api(merchant.key, "GET", "/v1/events?type=credit_note.issued")).body.data[0];
    expect(credited.data).toMatchObject({
      pdf_url: `http://127.0.0.1:8787/v1/credit_notes/${note.body.id}/pdf`,
      xml_url: `http://127.0.0.1:8787/v1/credit_notes/${note.body.id}/facturx.xml`,
    });
    expect((await api(merchant.key, "GET", new URL(credited.data.xml_url).pathname)).status).toBe(200);
  });

  it("should deliver the links in the invoice.issued webhook, and the XML they point at answers the merchant's read-only key", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const name = `facturx-${crypto.randomUUID()}`;
    const port = inject("webhookReceiverPort");
    const endpoint = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: `http://127.0.0.1:${port}/hook/${name}`, events: ["invoice.issued"] });
    expect(endpoint.status, endpoint.text).toBe(201);
    const invoice = await createInvoice(merchant.key, customer.id);
    const deliveries = await poll(
      async () => (await (await fetch(`http://127.0.0.1:${port}/received/${name}`)).json()) as { body: string }[],
      (list) => list.length >= 1,
      15_000,
    );
    const event = JSON.parse(deliveries[0]!.body);
    expect(event.type).toBe("invoice.issued");
    expect(event.data).toMatchObject({ number: invoice.number, xml_url: `http://127.0.0.1:8787/v1/invoices/${invoice.id}/facturx.xml`, pdf_url: `http://127.0.0.1:8787/v1/invoices/${invoice.id}/pdf` });
    const xml = await api(merchant.readOnlyKey, "GET", new URL(event.data.xml_url).pathname);
    expect(xml.status).toBe(200);
    expect(valueIn(xml.text, "rsm:ExchangedDocument", "ram:ID")).toBe(invoice.number);
  });
});
