/**
 * An issued invoice's documents say what seller and buyer were when it was issued: changing the
 * settings or the customer afterwards changes neither its Factur-X XML nor its PDF's words, while
 * invoices issued later take the new data, and a copy too incomplete for a valid document (a SIREN
 * filled in after issue) gives way to today's data.
 */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice } from "../helpers";
import { b2bCustomer, BANK, einvoiceMerchant, SELLER, valueIn } from "./fixtures";

const xml = async (key: string, id: string) => {
  const response = await api(key, "GET", `/v1/invoices/${id}/facturx.xml`);
  expect(response.status, response.text).toBe(200);
  return response.text;
};

describe("the parties of an issued invoice", () => {
  it("should keep the seller's identity, bank account and the buyer as they were at issue after both change", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const issued = await createInvoice(merchant.key, customer.id);
    const before = await xml(merchant.key, issued.id);
    expect(valueIn(before, "ram:SellerTradeParty", "ram:Name")).toBe(SELLER.legal_name);

    const moved = { line1: "1 place Bellecour", postal_code: "69002", city: "Lyon", country: "FR" };
    expect((await api(merchant.key, "PUT", "/v1/settings", { seller: { ...SELLER, legal_name: "Atelier Renommé SAS", address: moved }, bank_account: { iban: "FR1420041010050500013M02606", bic: "PSSTFRPP" } })).status).toBe(200);
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { name: "Client Racheté SAS", address: moved })).status).toBe(200);

    const after = await xml(merchant.key, issued.id);
    expect(after).toBe(before);
    expect(after).toContain(BANK.iban);
    expect(after).not.toContain("Renommé");
    expect(after).not.toContain("Racheté");

    const later = await createInvoice(merchant.key, customer.id);
    const fresh = await xml(merchant.key, later.id);
    expect(valueIn(fresh, "ram:SellerTradeParty", "ram:Name")).toBe("Atelier Renommé SAS");
    expect(valueIn(fresh, "ram:BuyerTradeParty", "ram:Name")).toBe("Client Racheté SAS");
    expect(fresh).toContain("FR1420041010050500013M02606");
  });

  it("should freeze the parties at issue, not at the draft's creation", async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const draft = await createInvoice(merchant.key, customer.id, { issue: false });
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { name: "Client Avant Émission" })).status).toBe(200);
    expect((await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, { name: "Client Après Émission" })).status).toBe(200);
    expect(valueIn(await xml(merchant.key, draft.id), "ram:BuyerTradeParty", "ram:Name")).toBe("Client Avant Émission");
  });

  it("should take today's data for a party whose copy could not make a valid e-invoice (completed after issue)", async () => {
    const { siren: _siren, siret: _siret, vat_number: _vat, ...unregistered } = SELLER;
    const merchant = await einvoiceMerchant({ seller: unregistered });
    const customer = await createCustomer(merchant.key, { name: "Client SAS", email: "compta@client.example" });
    const issued = await createInvoice(merchant.key, customer.id);
    expect((await api(merchant.key, "GET", `/v1/invoices/${issued.id}/facturx.xml`)).body).toMatchObject({ status: 409, param: "seller.siren" });
    expect((await api(merchant.key, "PUT", "/v1/settings", { seller: SELLER })).status).toBe(200);
    expect((await api(merchant.key, "GET", `/v1/invoices/${issued.id}/facturx.xml`)).body).toMatchObject({ status: 409, param: "customer.address" });
    const identity = { siren: "987654321", address: { line1: "3 avenue des Champs", postal_code: "69001", city: "Lyon", country: "FR" } };
    expect((await api(merchant.key, "POST", `/v1/customers/${customer.id}`, identity)).status).toBe(200);
    const document = await xml(merchant.key, issued.id);
    expect(valueIn(document, "ram:SellerTradeParty", "ram:Name")).toBe(SELLER.legal_name);
    expect(document).toContain("987654321");
  });
});
