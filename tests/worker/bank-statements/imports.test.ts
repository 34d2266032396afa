/**
 * POST /v1/bank_statements, the files themselves: camt.054, OFX 1.x SGML and 2.x XML, duplicates
 * across imports (the same file, an overlapping one, the camt.054 then the camt.053), batch
 * bookings, and the streams hearing `invoice.paid` while the import runs.
 */
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { camtFile, ofxSgmlFile, ofxXmlFile } from "../../support/statement-files";
import { api, createMerchant } from "../helpers";
import { mustOpenStream, settleHub } from "../realtime/support";
import { hookUrl, receivedAtLeast } from "../webhooks/support";
import { customerNamed, invoice, invoiceOf, upload } from "./support";

describe("POST /v1/bank_statements formats and duplicates", () => {
  it("should import a camt.054 notification (version 001.08, prefixed elements)", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Notified");
    const billed = await invoiceOf(merchant.key, customer, 9900);
    const file = camtFile([{ amount: "99.00", ref: "N54-1", structuredRef: rfReferenceOfInvoice(billed.number!)!, payerName: "Notified", payerIban: "DE89370400440532013000" }], { kind: "054", version: 8, prefix: "ns2:" });
    const response = await upload(merchant.key, file);
    expect(response.status, response.text).toBe(201);
    expect(response.body.format).toBe("camt.054");
    expect(response.body.lines.data[0]).toMatchObject({ status: "matched", payer_name: "Notified", payer_iban: "DE89370400440532013000" });
  });

  it("should import an OFX 1.x SGML file written on one line, with a comma decimal and a debit", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Ofx Client");
    const billed = await invoiceOf(merchant.key, customer, 120_050);
    const file = ofxSgmlFile([
      { amount: "1200,50", fitId: "FIT-1", name: "OFX CLIENT & CO", memo: `Facture {${billed.number}}` },
      { amount: "-30.00", fitId: "FIT-2", name: "FRAIS" },
    ], { oneLine: true });
    const response = await upload(merchant.key, file, "application/x-ofx");
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ format: "ofx", account: "30006/12345678901", counts: { matched: 1, ignored: 1 } });
    expect(response.body.lines.data[0]).toMatchObject({ entry_reference: "FIT-1", payer_name: "OFX CLIENT & CO", remittance_information: `Facture {${billed.number}}`, booking_date: "2026-11-20" });
    expect((await invoice(merchant.key, billed.id)).status).toBe("paid");
  });

  it("should import an OFX 2.x XML file with entities decoded", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Martin & Co");
    const billed = await invoiceOf(merchant.key, customer, 9990);
    const response = await upload(merchant.key, ofxXmlFile([{ amount: "99.90", fitId: "X-1", name: "Martin & Co", memo: rfReferenceOfInvoice(billed.number!)! }]), "application/octet-stream");
    expect(response.status, response.text).toBe(201);
    expect(response.body.lines.data[0]).toMatchObject({ status: "matched", payer_name: "Martin & Co", match_method: "invoice_number" });
  });

  it("should record nothing twice when the same statement, then an overlapping one, is imported", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Twice");
    const invoices = [await invoiceOf(merchant.key, customer, 1000), await invoiceOf(merchant.key, customer, 2000), await invoiceOf(merchant.key, customer, 3000)];
    const entry = (index: number) => ({ amount: `${(index + 1) * 10}.00`, ref: `DUP-${index}`, unstructured: `facture ${invoices[index]!.number}` });
    const first = await upload(merchant.key, camtFile([entry(0), entry(1)]));
    expect(first.body.counts).toMatchObject({ matched: 2, duplicate: 0 });
    const again = await upload(merchant.key, camtFile([entry(0), entry(1)]));
    expect(again.status).toBe(201);
    expect(again.body.counts).toMatchObject({ matched: 0, duplicate: 2 });
    expect(again.body.lines.data.every((line: any) => line.payment === null)).toBe(true);
    const overlapping = await upload(merchant.key, camtFile([entry(1), entry(2)]));
    expect(overlapping.body.counts).toMatchObject({ matched: 1, duplicate: 1 });
    const payments = (await api(merchant.key, "GET", "/v1/payments?limit=100")).body.data;
    expect(payments).toHaveLength(3);
    expect((await invoice(merchant.key, invoices[1]!.id)).amount_paid).toBe(2000);
  });

  it("should record each transaction once when the same file is imported twice at the same time", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Race");
    const invoices = await Promise.all([1000, 2000, 3000].map((total) => invoiceOf(merchant.key, customer, total)));
    const file = camtFile(invoices.map((entry, index) => ({ amount: `${entry.total / 100}.00`, ref: `RACE-${index}`, structuredRef: rfReferenceOfInvoice(entry.number!)! })));
    const [a, b] = await Promise.all([upload(merchant.key, file), upload(merchant.key, file)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.counts.matched + b.body.counts.matched).toBe(3);
    expect(a.body.counts.duplicate + b.body.counts.duplicate).toBe(3);
    expect((await api(merchant.key, "GET", "/v1/payments?limit=100")).body.data).toHaveLength(3);
    for (const entry of invoices) expect((await invoice(merchant.key, entry.id)).amount_paid).toBe(entry.total);
  });

  it("should take a camt.054 transaction and the camt.053 that repeats it as one", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Intraday");
    const billed = await invoiceOf(merchant.key, customer, 4200);
    const tx = { amount: "42.00", ref: "ACC-REF-77", structuredRef: rfReferenceOfInvoice(billed.number!)! };
    expect((await upload(merchant.key, camtFile([tx], { kind: "054" }))).body.counts.matched).toBe(1);
    expect((await upload(merchant.key, camtFile([tx, { amount: "1.00", ref: "OTHER" }]))).body.counts).toMatchObject({ duplicate: 1, unmatched: 1 });
  });

  it("should name unreferenced transfers by content, so two identical ones are two lines and a re-import adds none", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "No Ref");
    const billed = await invoiceOf(merchant.key, customer, 100_000);
    const tx = { amount: "100.00", unstructured: `acompte ${billed.number}` };
    const first = await upload(merchant.key, camtFile([tx, tx]));
    expect(first.body.counts).toMatchObject({ matched: 2 });
    expect(new Set(first.body.lines.data.map((line: any) => line.entry_reference)).size).toBe(2);
    expect((await upload(merchant.key, camtFile([tx, tx]))).body.counts).toMatchObject({ duplicate: 2, matched: 0 });
    expect((await invoice(merchant.key, billed.id)).amount_paid).toBe(20_000);
  });

  it("should treat each transaction of a batch booking as its own line", async () => {
    const merchant = await createMerchant();
    const alpha = await customerNamed(merchant.key, "Alpha");
    const beta = await customerNamed(merchant.key, "Beta");
    const a = await invoiceOf(merchant.key, alpha, 10_000);
    const b = await invoiceOf(merchant.key, beta, 20_000);
    const response = await upload(merchant.key, camtFile([{
      amount: "300.00", ref: "BATCH-1",
      transactions: [{ amount: "100.00", txRef: "TX-A", structuredRef: rfReferenceOfInvoice(a.number!)! }, { amount: "200.00", endToEndId: "E2E-B", unstructured: `inv ${b.number}` }],
    }], { version: 4 }));
    expect(response.body.lines.data.map((line: any) => [line.entry_reference, line.amount, line.allocations[0]?.invoice])).toEqual([
      ["BATCH-1/TX-A", 10_000, a.id],
      ["BATCH-1/E2E-B", 20_000, b.id],
    ]);
  });

  it("should deliver invoice.paid to the merchant's stream during the import", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Streamed");
    const invoices = [await invoiceOf(merchant.key, customer, 1500), await invoiceOf(merchant.key, customer, 2500)];
    await settleHub(merchant.id);
    const stream = await mustOpenStream(merchant.key);
    try {
      const response = await upload(merchant.key, camtFile(invoices.map((entry, index) => ({ amount: `${entry.total / 100}.00`, ref: `S-${index}`, structuredRef: rfReferenceOfInvoice(entry.number!)! }))));
      expect(response.body.counts.matched).toBe(2);
      const paid = () => stream.events.filter((message) => message.event === "invoice.paid").map((message) => message.json.invoice);
      expect(await stream.until(() => paid().length >= 2, 5000)).toBe(true);
      expect(paid().sort()).toEqual(invoices.map((entry) => entry.id).sort());
      expect(stream.events.filter((message) => message.event === "payment.succeeded").map((message) => message.json.data.method)).toEqual(["bank_transfer", "bank_transfer"]);
    } finally {
      await stream.close();
    }
  });

  it("should send invoice.paid webhooks for the invoices an import pays", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Hooked");
    const billed = await invoiceOf(merchant.key, customer, 7700);
    const hook = hookUrl("statement");
    expect((await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: hook.url, events: ["invoice.paid"] })).status).toBe(201);
    const response = await upload(merchant.key, camtFile([{ amount: "77.00", ref: "W-1", structuredRef: rfReferenceOfInvoice(billed.number!)! }]));
    expect(response.body.counts.matched).toBe(1);
    const [delivery] = await receivedAtLeast(hook.name, 1);
    expect(JSON.parse(delivery!.body)).toMatchObject({ type: "invoice.paid", invoice: billed.id, data: { amount_paid: 7700, amount_due: 0 } });
  });
});
