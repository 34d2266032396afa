/**
 * The client API's bank-transfer instructions (`bank_transfer` on each invoice a client can pay)
 * and the EPC QR code behind `qr_url`: the same account, reference and amount the PDF prints, only
 * to the session's own customer.
 */
import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";

const ACCOUNT = { iban: "FR76 3000 6000 0112 3456 7890 189", bic: "AGRIFRPP", account_name: "Atelier Été SARL" };
const IBAN = "FR7630006000011234567890189";

async function merchantWithAccount(account: Record<string, unknown> | null = ACCOUNT, settings: Record<string, unknown> = {}) {
  const merchant = await createMerchant("Virements SARL");
  const response = await api(merchant.key, "PUT", "/v1/settings", { bank_account: account, seller: { legal_name: "Atelier Martin SARL" }, ...settings });
  expect(response.status, response.text).toBe(200);
  const customer = (await createCustomer(merchant.key)).id;
  return { merchant, customer, token: await session(merchant.key, customer) };
}

async function session(key: string, customer: string): Promise<string> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer });
  expect(response.status, response.text).toBe(201);
  return response.body.token as string;
}

/** The payload of an SVG QR code from the API, read back by jsQR (its path's runs drawn 4 px a module). */
function decodeSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y, run] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1H\1z/g)) {
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < Number(run) * scale; dx += 1) {
        const offset = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
      }
    }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}

describe("bank_transfer on the client's invoices", () => {
  it("should give the account, the RF reference, the amount due and the QR code's address when a euro invoice is open", async () => {
    const { merchant, customer, token } = await merchantWithAccount();
    const invoice = await createInvoice(merchant.key, customer);
    const rf = rfReferenceOfInvoice(invoice.number!)!;
    const expected = { iban: IBAN, bic: "AGRIFRPP", account_name: "Atelier Été SARL", reference: rf, rf_reference: rf, amount: invoice.total, currency: "eur", qr_url: `http://127.0.0.1:8787/v1/client/invoices/${invoice.id}/transfer_qr.svg` };

    const one = await api(token, "GET", `/v1/client/invoices/${invoice.id}`);
    const list = await api(token, "GET", "/v1/client/invoices");

    expect(one.status, one.text).toBe(200);
    expect(one.body.bank_transfer).toEqual(expected);
    expect(list.body.data.find((candidate: { id: string }) => candidate.id === invoice.id).bank_transfer).toEqual(expected);
  });

  it("should ask for what is left after a partial payment, and nothing once the invoice is paid or void", async () => {
    const { merchant, customer, token } = await merchantWithAccount();
    const partly = await createInvoice(merchant.key, customer);
    expect((await recordPayment(merchant.key, [{ invoice: partly.id, amount: 4_000 }])).status).toBe(201);
    const paid = await createInvoice(merchant.key, customer);
    expect((await recordPayment(merchant.key, [{ invoice: paid.id, amount: paid.total }])).status).toBe(201);
    const voided = await createInvoice(merchant.key, customer);
    expect((await api(merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status).toBe(200);

    expect((await api(token, "GET", `/v1/client/invoices/${partly.id}`)).body.bank_transfer).toMatchObject({ amount: partly.total - 4_000 });
    expect((await api(token, "GET", `/v1/client/invoices/${paid.id}`)).body.bank_transfer).toBeNull();
    expect((await api(token, "GET", `/v1/client/invoices/${voided.id}`)).body.bank_transfer).toBeNull();
    expect((await api(token, "GET", `/v1/client/invoices/${paid.id}/transfer_qr.svg`)).status).toBe(404);
  });

  it("should be null when the merchant set no bank account, and the account name default to the seller's legal name", async () => {
    const none = await merchantWithAccount(null);
    const invoice = await createInvoice(none.merchant.key, none.customer);
    expect((await api(none.token, "GET", `/v1/client/invoices/${invoice.id}`)).body.bank_transfer).toBeNull();
    expect((await api(none.token, "GET", `/v1/client/invoices/${invoice.id}/transfer_qr.svg`)).status).toBe(404);

    const unnamed = await merchantWithAccount({ iban: IBAN });
    const other = await createInvoice(unnamed.merchant.key, unnamed.customer);
    expect((await api(unnamed.token, "GET", `/v1/client/invoices/${other.id}`)).body.bank_transfer).toMatchObject({ account_name: "Atelier Martin SARL", bic: null });
  });

  it("should give instructions without a QR code for an invoice in another currency than the euro", async () => {
    const { merchant, customer, token } = await merchantWithAccount();
    const jpy = await createInvoice(merchant.key, customer, { currency: "jpy", lines: [{ description: "Consulting", quantity: 1, unit_amount: 3000, tax_rate: 0 }] });

    const body = (await api(token, "GET", `/v1/client/invoices/${jpy.id}`)).body;

    expect(body.bank_transfer).toMatchObject({ iban: IBAN, currency: "jpy", amount: 3000, qr_url: null, reference: rfReferenceOfInvoice(jpy.number!) });
    const qr = await api(token, "GET", `/v1/client/invoices/${jpy.id}/transfer_qr.svg`);
    expect(qr.status).toBe(404);
    expect(qr.body.code).toBe("resource_missing");
  });

  it("should use the invoice number as the reference when it is too long for an RF reference", async () => {
    const { merchant, customer, token } = await merchantWithAccount(ACCOUNT, { numbering: { format: "FACTURE-{YYYY}-CLIENTS-PRO-{SEQ:6}" } });
    const invoice = await createInvoice(merchant.key, customer);
    expect(rfReferenceOfInvoice(invoice.number!)).toBeNull();

    const body = (await api(token, "GET", `/v1/client/invoices/${invoice.id}`)).body;

    expect(body.bank_transfer).toMatchObject({ reference: invoice.number, rf_reference: null });
    const svg = (await api(token, "GET", `/v1/client/invoices/${invoice.id}/transfer_qr.svg`)).text;
    expect(decodeSvg(svg)!.split("\n").slice(9)).toEqual(["", invoice.number]);
  });
});

describe("GET /v1/client/invoices/:id/transfer_qr.svg", () => {
  it("should answer an SVG, cached privately, that a QR decoder reads as the EPC payload of the amount due", async () => {
    const { merchant, customer, token } = await merchantWithAccount();
    const invoice = await createInvoice(merchant.key, customer, { lines: [{ description: "Conseil", quantity: 1, unit_amount: 48_004, tax_rate: 2000 }] });
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 1_000 }])).status).toBe(201);

    const response = await api(token, "GET", `/v1/client/invoices/${invoice.id}/transfer_qr.svg`);

    expect(response.status, response.text).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("private, max-age=60");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.text).not.toMatch(/<script|href=|on\w+=/);
    const due = invoice.total - 1_000;
    expect(decodeSvg(response.text)).toBe(
      ["BCD", "002", "1", "SCT", "AGRIFRPP", "Atelier Été SARL", IBAN, `EUR${Math.floor(due / 100)}.${String(due % 100).padStart(2, "0")}`, "", rfReferenceOfInvoice(invoice.number!)].join("\n"),
    );
  });

  it("should let an allowed merchant page read the QR code, and refuse another origin (403 origin_not_allowed)", async () => {
    const { merchant, customer, token } = await merchantWithAccount(ACCOUNT, { allowed_origins: ["https://shop.example"] });
    const invoice = await createInvoice(merchant.key, customer);
    const path = `/v1/client/invoices/${invoice.id}/transfer_qr.svg`;

    const allowed = await api(token, "GET", path, undefined, { origin: "https://shop.example" });
    const refused = await api(token, "GET", path, undefined, { origin: "https://evil.example" });

    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("origin_not_allowed");
    expect(refused.text).not.toContain("<svg");
  });

  it("should be documented in the OpenAPI document, and bank_transfer on ClientInvoice", async () => {
    const document = (await api(null, "GET", "/openapi.json")).body;
    expect(document.paths["/v1/client/invoices/{id}/transfer_qr.svg"].get.responses["200"].content).toHaveProperty(["image/svg+xml"]);
    const transfer = document.components.schemas.ClientInvoice.properties.bank_transfer;
    expect(transfer.type).toEqual(["object", "null"]);
    expect(transfer.required).toEqual(expect.arrayContaining(["iban", "bic", "account_name", "reference", "rf_reference", "amount", "currency", "qr_url"]));
    expect(document.components.schemas.ClientInvoice.required).toContain("bank_transfer");
  });
});

describe("bank transfers and strangers", () => {
  it("should answer 401 without a session, and refuse secret, read-only and publishable keys", async () => {
    const { merchant, customer } = await merchantWithAccount();
    const invoice = await createInvoice(merchant.key, customer);
    const path = `/v1/client/invoices/${invoice.id}/transfer_qr.svg`;
    expect((await api(null, "GET", path)).status).toBe(401);
    expect((await api("cs_test_nonsense", "GET", path)).status).toBe(401);
    for (const key of [merchant.key, merchant.readOnlyKey, merchant.publishableKey]) {
      const response = await api(key, "GET", path);
      expect([401, 403], key.slice(0, 8)).toContain(response.status);
      expect(response.text).not.toContain("<svg");
    }
  });

  it("should show no client another customer's or another merchant's instructions (404, as for an unknown id)", async () => {
    const { merchant, customer, token } = await merchantWithAccount();
    const mine = await createInvoice(merchant.key, customer);
    const neighbour = await createCustomer(merchant.key, { name: "Voisin SAS" });
    const theirs = await createInvoice(merchant.key, neighbour.id);
    const stranger = await merchantWithAccount({ iban: "DE89 3704 0044 0532 0130 00" });
    const elsewhere = await createInvoice(stranger.merchant.key, stranger.customer);

    for (const id of [theirs.id, elsewhere.id, "inv_00000000000000000000000000"]) {
      const detail = await api(token, "GET", `/v1/client/invoices/${id}`);
      const qr = await api(token, "GET", `/v1/client/invoices/${id}/transfer_qr.svg`);
      expect(detail.status, id).toBe(404);
      expect(qr.status, id).toBe(404);
      expect(qr.text).not.toContain("<svg");
    }
    const listed = (await api(token, "GET", "/v1/client/invoices")).body.data as { id: string }[];
    expect(listed.map((invoice) => invoice.id)).toEqual([mine.id]);
    // The other customer's own session sees theirs, with the same account.
    const theirToken = await session(merchant.key, neighbour.id);
    expect((await api(theirToken, "GET", `/v1/client/invoices/${theirs.id}/transfer_qr.svg`)).status).toBe(200);
  });

  it("should refuse bad ids without a 500", async () => {
    const { token } = await merchantWithAccount();
    for (const id of ["x".repeat(65), "inv_' OR 1=1 --", "%00", "..%2F..%2Fsettings"]) {
      const response = await api(token, "GET", `/v1/client/invoices/${id}/transfer_qr.svg`);
      expect([400, 404, 422], id).toContain(response.status);
      expect(response.headers.get("content-type"), id).toContain("application/problem+json");
    }
  });

  it("should keep a pay-page session to its own invoice's QR code", async () => {
    const { merchant, customer } = await merchantWithAccount();
    const linked = await createInvoice(merchant.key, customer);
    const other = await createInvoice(merchant.key, customer);
    const hosted = (await api(merchant.key, "GET", `/v1/invoices/${linked.id}`)).body.hosted_url as string;
    const page = await api(null, "GET", new URL(hosted).pathname);
    const payToken = /session="(cs_[0-9a-z]+)"/.exec(page.text)![1]!;

    expect((await api(payToken, "GET", `/v1/client/invoices/${linked.id}/transfer_qr.svg`)).status).toBe(200);
    expect((await api(payToken, "GET", `/v1/client/invoices/${other.id}/transfer_qr.svg`)).status).toBe(404);
  });
});
