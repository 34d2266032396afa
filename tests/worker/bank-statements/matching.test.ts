/**
 * POST /v1/bank_statements, matching: RF reference, invoice numbers in free text (one transfer
 * for three invoices), partial payments (two transfers for one invoice), amount + payer, debits
 * ignored; each match is a bank_transfer payment allocated oldest first.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { camtFile } from "../../support/statement-files";
import { api, createMerchant, recordPayment } from "../helpers";
import { customerNamed, invoice, invoiceOf, upload } from "./support";

describe("POST /v1/bank_statements matching", () => {
  it("should pay an invoice when a credit carries its RF reference", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Dupont SARL");
    const billed = await invoiceOf(merchant.key, customer, 120_050);
    const file = camtFile([{ amount: "1200.50", ref: "E-1", structuredRef: rfReferenceOfInvoice(billed.number!)!, payerName: "SOMEONE ELSE" }]);
    const response = await upload(merchant.key, file);
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ object: "bank_statement", format: "camt.053", status: "imported", counts: { lines: 1, matched: 1, unmatched: 0, amount_matched: 120_050 } });
    const [line] = response.body.lines.data;
    expect(line).toMatchObject({ status: "matched", match_method: "reference", amount: 120_050, allocations: [{ invoice: billed.id, amount: 120_050 }], amount_unallocated: 0 });
    expect((await invoice(merchant.key, billed.id)).status).toBe("paid");
    const payment = await api(merchant.key, "GET", `/v1/payments/${line.payment}`);
    expect(payment.body).toMatchObject({ method: "bank_transfer", status: "succeeded", amount: 120_050, reference: "E-1", received_on: "2026-11-20" });
  });

  it("should find an invoice number in the unstructured text, even spaced or lower-case", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Martin");
    const first = await invoiceOf(merchant.key, customer, 5000);
    const second = await invoiceOf(merchant.key, customer, 7000);
    const spaced = second.number!.replace("-", " ");
    const response = await upload(merchant.key, camtFile([
      { amount: "50.00", ref: "T-1", unstructured: `Paiement facture ${first.number!.toLowerCase()} merci` },
      { amount: "70.00", ref: "T-2", unstructured: ["VIR SEPA", `REF ${spaced}`] },
    ]));
    expect(response.status, response.text).toBe(201);
    expect(response.body.lines.data.map((line: any) => [line.status, line.match_method, line.allocations])).toEqual([
      ["matched", "invoice_number", [{ invoice: first.id, amount: 5000 }]],
      ["matched", "invoice_number", [{ invoice: second.id, amount: 7000 }]],
    ]);
  });

  it("should settle three invoices from one transfer oldest first and keep the excess as the customer's credit", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Batch SAS");
    const invoices = [await invoiceOf(merchant.key, customer, 10_000), await invoiceOf(merchant.key, customer, 20_000), await invoiceOf(merchant.key, customer, 30_000)];
    const text = `Factures ${invoices[2]!.number} ${invoices[0]!.number} ${invoices[1]!.number}`;
    const response = await upload(merchant.key, camtFile([{ amount: "650.00", ref: "ONE-FOR-THREE", unstructured: text }]));
    const [line] = response.body.lines.data;
    expect(line.allocations).toEqual(invoices.map((entry) => ({ invoice: entry.id, amount: entry.total })));
    expect(line.amount_unallocated).toBe(5000);
    for (const entry of invoices) expect((await invoice(merchant.key, entry.id)).status).toBe("paid");
    const payment = (await api(merchant.key, "GET", `/v1/payments/${line.payment}`)).body;
    expect(payment).toMatchObject({ amount: 65_000, amount_unallocated: 5000 });
  });

  it("should let two transfers in one statement pay one invoice in parts", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Partial");
    const billed = await invoiceOf(merchant.key, customer, 100_000);
    const reference = rfReferenceOfInvoice(billed.number!)!;
    const response = await upload(merchant.key, camtFile([
      { amount: "400.00", ref: "P-1", structuredRef: reference },
      { amount: "600.00", ref: "P-2", structuredRef: reference },
    ]));
    expect(response.body.counts).toMatchObject({ matched: 2 });
    expect(response.body.lines.data.map((line: any) => line.allocations)).toEqual([[{ invoice: billed.id, amount: 40_000 }], [{ invoice: billed.id, amount: 60_000 }]]);
    const after = await invoice(merchant.key, billed.id);
    expect(after).toMatchObject({ status: "paid", amount_paid: 100_000 });
    const events = (await api(merchant.key, "GET", `/v1/events?limit=100`)).body.data.filter((event: any) => event.invoice === billed.id);
    const [part, full] = events.slice(-2);
    expect([part.type, part.data.amount_paid, part.data.amount_due, part.data.status]).toEqual(["invoice.partially_paid", 40_000, 60_000, "partially_paid"]);
    expect([full.type, full.data.amount_paid, full.data.amount_due, full.data.status]).toEqual(["invoice.paid", 100_000, 0, "paid"]);
    expect([part.data.version + 1, full.data.version]).toEqual([full.data.version, after.version]);
    // The same shape as an offline payment's invoice event (POST /v1/payments).
    const other = await invoiceOf(merchant.key, customer, 5000);
    expect((await recordPayment(merchant.key, [{ invoice: other.id, amount: 5000 }])).status).toBe(201);
    const offline = (await api(merchant.key, "GET", `/v1/events?limit=100&invoice=${other.id}`)).body.data.at(-1);
    expect(Object.keys(full.data).sort()).toEqual(Object.keys(offline.data).sort());
    expect(Object.keys(full).sort()).toEqual(Object.keys(offline).sort());
  });

  it("should take many partial payments of one invoice in one window, each event showing its own state", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Instalments");
    const billed = await invoiceOf(merchant.key, customer, 100_000);
    const reference = rfReferenceOfInvoice(billed.number!)!;
    const response = await upload(merchant.key, camtFile(Array.from({ length: 12 }, (_, index) => ({ amount: "100.00", ref: `I-${index}`, structuredRef: reference }))));
    expect(response.body.counts).toMatchObject({ matched: 10, unmatched: 2 });
    const events = (await api(merchant.key, "GET", `/v1/events?limit=100&invoice=${billed.id}`)).body.data.filter((event: any) => event.type.startsWith("invoice.p"));
    expect(events.map((event: any) => event.data.amount_paid)).toEqual(Array.from({ length: 10 }, (_, index) => (index + 1) * 10_000));
    const final = await invoice(merchant.key, billed.id);
    expect(final).toMatchObject({ status: "paid", amount_paid: 100_000 });
    expect(events.at(-1).data.version).toBe(final.version);
  });

  it("should match by amount and payer name only when exactly one open invoice fits", async () => {
    const merchant = await createMerchant();
    const dupont = await customerNamed(merchant.key, "Société Dupont & Fils SARL");
    const other = await customerNamed(merchant.key, "Other Ltd");
    const billed = await invoiceOf(merchant.key, dupont, 33_300);
    const otherSameAmount = await invoiceOf(merchant.key, other, 33_300);
    const twins = [await invoiceOf(merchant.key, other, 44_400), await invoiceOf(merchant.key, other, 44_400)];
    const response = await upload(merchant.key, camtFile([
      { amount: "333.00", ref: "N-1", payerName: "DUPONT ET FILS", unstructured: "virement" },
      { amount: "444.00", ref: "N-2", payerName: "OTHER LTD", unstructured: "virement" },
    ]));
    const [byName, ambiguous] = response.body.lines.data;
    expect(byName).toMatchObject({ status: "matched", match_method: "amount_and_payer", allocations: [{ invoice: billed.id, amount: 33_300 }] });
    expect(ambiguous.status).toBe("unmatched");
    expect(ambiguous.suggestions.map((entry: any) => [entry.invoice, entry.reason])).toEqual([
      [twins[0]!.id, "same amount as the amount due, payer name matches the customer"],
      [twins[1]!.id, "same amount as the amount due, payer name matches the customer"],
      [otherSameAmount.id, "payer name matches the customer"],
    ]);
  });

  it("should refuse to match an invoice of another currency or another merchant", async () => {
    const merchant = await createMerchant();
    const stranger = await createMerchant();
    const customer = await customerNamed(merchant.key, "Yen Client");
    const strangerCustomer = await customerNamed(stranger.key, "Stranger");
    const yen = await invoiceOf(merchant.key, customer, 5000, "jpy");
    const foreign = await invoiceOf(stranger.key, strangerCustomer, 5000);
    const response = await upload(merchant.key, camtFile([
      { amount: "50.00", ref: "C-1", structuredRef: rfReferenceOfInvoice(yen.number!)! },
      { amount: "50.00", ref: "C-2", unstructured: `facture ${foreign.number}` },
    ]));
    expect(response.body.lines.data.map((line: any) => line.status)).toEqual(["unmatched", "unmatched"]);
    expect((await invoice(stranger.key, foreign.id)).status).toBe("open");
    expect((await invoice(merchant.key, yen.id)).status).toBe("open");
  });

  it("should read amounts in the currency's exponent (JPY without decimals)", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Tanaka");
    const yen = await invoiceOf(merchant.key, customer, 5000, "jpy");
    const response = await upload(merchant.key, camtFile([{ amount: "5000", currency: "JPY", ref: "Y-1", structuredRef: rfReferenceOfInvoice(yen.number!)! }], { currency: "JPY" }));
    expect(response.body.lines.data[0]).toMatchObject({ status: "matched", amount: 5000, currency: "jpy" });
  });

  it("should list a debit, a pending and a reversed entry as ignored and record nothing for them", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Ignored");
    const billed = await invoiceOf(merchant.key, customer, 1000);
    const reference = rfReferenceOfInvoice(billed.number!)!;
    const response = await upload(merchant.key, camtFile([
      { amount: "10.00", ref: "D-1", credit: false, structuredRef: reference },
      { amount: "10.00", ref: "D-2", status: "PDNG", structuredRef: reference },
      { amount: "10.00", ref: "D-3", reversal: true, structuredRef: reference },
    ], { version: 8 }));
    expect(response.body.counts).toMatchObject({ lines: 3, ignored: 3, matched: 0 });
    expect(response.body.lines.data.map((line: any) => line.ignored_reason)).toEqual(["debit", "status PDNG (not booked)", "reversal"]);
    expect(response.body.lines.data[0].direction).toBe("debit");
    expect((await invoice(merchant.key, billed.id)).status).toBe("open");
  });

  it("should find invoices whose numbers hold dots or spaces", async () => {
    const merchant = await createMerchant();
    // A format stored before numbers were limited to A-Z a-z 0-9 + - _ / (an update refuses it now): its invoices still exist.
    expect((await api(merchant.key, "PUT", "/v1/settings", { email_signature: "—" })).status).toBe(200);
    const stored = JSON.parse((await env.DB.prepare("SELECT data FROM settings WHERE merchant_id = ?").bind(merchant.id).first<{ data: string }>())!.data);
    stored.numbering = { format: "F.{YYYY} {SEQ:4}" };
    await env.DB.prepare("UPDATE settings SET data = ? WHERE merchant_id = ?").bind(JSON.stringify(stored), merchant.id).run();
    const customer = await customerNamed(merchant.key, "Dotted");
    const billed = await invoiceOf(merchant.key, customer, 2500);
    expect(billed.number).toMatch(/^F\.\d{4} 0001$/);
    const response = await upload(merchant.key, camtFile([{ amount: "25.00", ref: "DOT-1", structuredRef: rfReferenceOfInvoice(billed.number!)! }]));
    expect(response.body.lines.data[0]).toMatchObject({ status: "matched", match_method: "reference" });
  });
});
