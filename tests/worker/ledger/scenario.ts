/** A merchant's accounting year built through the real API: what the ledger, ageing and FEC tests read. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { appendEvent } from "../../../worker/events/log";
import { issueInvoice } from "../../../worker/invoices/write";
import { api, createCustomer, createMerchant, recordPayment, type TestMerchant } from "../helpers";

export const JPY_RATE = "0.0062";

/** A draft through the API, issued at `issuedAt` (time is a parameter of the write). */
export async function issuedInvoice(key: string, merchantId: string, body: Record<string, unknown>, issuedAt: Date) {
  const draft = await api(key, "POST", "/v1/invoices", { currency: "eur", ...body });
  if (draft.status !== 201) throw new Error(`draft: ${draft.text}`);
  await issueInvoice(env.DB, merchantId, draft.body.id, issuedAt, "http://127.0.0.1:8787");
  return (await api(key, "GET", `/v1/invoices/${draft.body.id}`)).body as { id: string; number: string; total: number; amount_due: number; customer: string };
}

export interface SeededYear {
  merchant: TestMerchant;
  customers: { acme: string; yen: string };
  invoices: Record<"twoRates" | "batchSecond" | "refunded" | "voided" | "yen" | "credited" | "open", { id: string; number: string; total: number }>;
}

/**
 * A year of a small business in 2026: invoices at 20 % and 5.5 %, a partial then a batch payment, a
 * refund that reopens an invoice, a voided invoice, a JPY invoice paid in yen, a card payment
 * left as credit then applied, and an open invoice.
 */
export async function seedYear(): Promise<SeededYear> {
  const merchant = await createMerchant("Atelier Œuvre & Fils");
  const settings = await api(merchant.key, "PUT", "/v1/settings", {
    payment_methods: ["sandbox"],
    seller: { legal_name: "Atelier Œuvre & Fils SARL", siren: "123456789" },
    accounting: { exchange_rates: { jpy: JPY_RATE } },
  });
  if (settings.status !== 200) throw new Error(`settings: ${settings.text}`);
  const acme = (await createCustomer(merchant.key, { name: "Société Générale d'Études — Noël", email: "compta@acme.example" })).id;
  const yen = (await createCustomer(merchant.key, { name: "Tanaka K.K.", email: "ap@tanaka.example" })).id;
  const day = (date: string) => new Date(`${date}T10:00:00Z`);
  const twoRates = await issuedInvoice(merchant.key, merchant.id, {
    customer: acme, due_date: "2026-02-15",
    lines: [{ description: "Conseil", quantity: 2, unit_amount: 50_000, tax_rate: 2000 }, { description: "Livres", quantity: 3, unit_amount: 1_999, tax_rate: 550 }],
  }, day("2026-01-15"));
  const batchSecond = await issuedInvoice(merchant.key, merchant.id, { customer: acme, due_date: "2026-03-01", lines: [{ description: "Audit", quantity: 1, unit_amount: 30_000, tax_rate: 2000 }] }, day("2026-02-01"));
  const refunded = await issuedInvoice(merchant.key, merchant.id, { customer: acme, due_date: "2026-04-01", lines: [{ description: "Formation", quantity: 1, unit_amount: 20_000, tax_rate: 2000 }] }, day("2026-03-01"));
  const voided = await issuedInvoice(merchant.key, merchant.id, { customer: acme, due_date: "2026-04-10", lines: [{ description: "Erreur", quantity: 1, unit_amount: 5_000, tax_rate: 2000 }] }, day("2026-03-10"));
  const yenInvoice = await issuedInvoice(merchant.key, merchant.id, { customer: yen, currency: "jpy", due_date: "2026-05-01", lines: [{ description: "Licence", quantity: 1, unit_amount: 150_000, tax_rate: 0 }] }, day("2026-04-01"));
  const credited = await issuedInvoice(merchant.key, merchant.id, { customer: acme, due_date: "2026-06-30", lines: [{ description: "Suivi", quantity: 1, unit_amount: 40_000, tax_rate: 2000 }] }, day("2026-06-01"));
  const open = await issuedInvoice(merchant.key, merchant.id, { customer: acme, due_date: "2026-07-31", lines: [{ description: "Maintenance", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }] }, day("2026-07-01"));

  const pay = async (allocations: { invoice: string; amount: number }[], receivedOn: string, currency = "eur") => {
    const response = await api(merchant.key, "POST", "/v1/payments", {
      method: "bank_transfer", currency, reference: `VIR-${receivedOn}`, received_on: receivedOn,
      amount: allocations.reduce((sum, allocation) => sum + allocation.amount, 0), allocations,
    });
    if (response.status !== 201) throw new Error(`payment: ${response.text}`);
    return response.body.id as string;
  };
  await pay([{ invoice: twoRates.id, amount: 50_000 }], "2026-02-10"); // partial
  await pay([{ invoice: twoRates.id, amount: twoRates.total - 50_000 }, { invoice: batchSecond.id, amount: batchSecond.total }], "2026-03-05"); // batch
  const refundedPayment = await pay([{ invoice: refunded.id, amount: refunded.total }], "2026-03-20");
  const refund = await api(merchant.key, "POST", `/v1/payments/${refundedPayment}/refund`, { amount: 10_000, reason: "geste commercial" });
  if (refund.status !== 200) throw new Error(`refund: ${refund.text}`);
  if ((await api(merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status !== 200) throw new Error("void");
  await pay([{ invoice: yenInvoice.id, amount: yenInvoice.total }], "2026-05-02", "jpy");

  // A card payment whose invoice was paid by transfer meanwhile: its money becomes the customer's credit, then applied.
  const session = (await api(merchant.key, "POST", "/v1/client_sessions", { customer: acme })).body.token as string;
  const started = await api(session, "POST", "/v1/client/payments", { invoices: [credited.id], method: "sandbox" });
  if (started.status !== 201) throw new Error(`card: ${started.text}`);
  await pay([{ invoice: credited.id, amount: credited.total }], "2026-06-15");
  const card = await api(null, "POST", `/sandbox/pay/${started.body.action.token}`, { card_number: "4242424242424242" });
  if (card.body.status !== "succeeded") throw new Error(`sandbox: ${card.text}`);
  const applied = await api(merchant.key, "POST", `/v1/payments/${started.body.id}/allocate`, { allocations: [{ invoice: open.id, amount: 5_000 }] });
  expect(applied.status).toBe(200);

  return { merchant, customers: { acme, yen }, invoices: { twoRates, batchSecond, refunded, voided, yen: yenInvoice, credited, open } };
}

/**
 * A credit note event as branch credit-notes appends it (docs: accounting-spec), for testing the
 * projection before that branch lands: only the log moves, not the invoice.
 */
export async function appendSyntheticCreditNote(merchantId: string, invoice: { id: string; customer: string; number: string }, data: Record<string, unknown>, now: Date) {
  await env.DB.batch([
    appendEvent(env.DB, {
      merchantId, type: "credit_note.issued", invoiceId: invoice.id, customerId: invoice.customer, now,
      data: { credit_note: "cn_synthetic", number: "AV2026-000001", invoice_number: invoice.number, currency: "eur", refund: false, reason: "test", ...data },
    }),
  ]);
}
