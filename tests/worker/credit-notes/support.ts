/** Shared by the credit note tests: a merchant with a customer, invoices in two VAT rates, and reads of what moved. */
import { env } from "cloudflare:workers";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";

export interface World {
  merchant: TestMerchant;
  customer: string;
}

export async function world(): Promise<World> {
  const merchant = await createMerchant("Avoirs SARL");
  return { merchant, customer: (await createCustomer(merchant.key)).id };
}

/**
 * An issued invoice in two rates: 2 × 100.00 at 20 % (240.00 incl. tax) and 1 × 50.00 at 5.5 %
 * (52.75), total 292.75.
 */
export async function twoRateInvoice(w: World) {
  return createInvoice(w.merchant.key, w.customer, {
    lines: [
      { description: "Conseil", quantity: 2, unit_amount: 10_000, tax_rate: 2000 },
      { description: "Livre", quantity: 1, unit_amount: 5_000, tax_rate: 550 },
    ],
  });
}

export const TWO_RATE_TOTAL = 29_275;

/** Pays `amount` of an invoice by bank transfer; answers the payment id. */
export async function pay(w: World, invoice: string, amount: number): Promise<string> {
  const response = await recordPayment(w.merchant.key, [{ invoice, amount }]);
  if (response.status !== 201) throw new Error(`payment: ${response.text}`);
  return response.body.id as string;
}

export async function issue(w: World, invoice: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return api(w.merchant.key, "POST", `/v1/invoices/${invoice}/credit_notes`, { reason: "Geste commercial", ...body }, headers);
}

export async function invoiceOf(w: World, id: string) {
  return (await api(w.merchant.key, "GET", `/v1/invoices/${id}`)).body;
}

export async function creditOf(w: World): Promise<{ currency: string; amount: number }[]> {
  return (await api(w.merchant.key, "GET", `/v1/customers/${w.customer}`)).body.credit_balances;
}

/** The merchant's events of one type, oldest first. */
export async function eventsOf(w: World, type: string) {
  return (await api(w.merchant.key, "GET", `/v1/events?type=${type}&limit=100`)).body.data as { id: string; type: string; invoice: string | null; customer: string | null; data: Record<string, any> }[];
}

/** What a refused request must leave as it was: the merchant's rows, counters and events. */
export async function merchantState(merchantId: string): Promise<string> {
  const results = await env.DB.batch([
    env.DB.prepare("SELECT id, version, amount_paid, amount_credited, status FROM invoices WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT id, number FROM credit_notes WHERE merchant_id = ? ORDER BY id").bind(merchantId),
    env.DB.prepare("SELECT series, next_number FROM number_series WHERE merchant_id = ? ORDER BY series").bind(merchantId),
    env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ?").bind(merchantId),
    env.DB.prepare("SELECT a.payment_id, a.invoice_id, a.amount FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.merchant_id = ? ORDER BY 1, 2").bind(merchantId),
  ]);
  return JSON.stringify(results.map((result) => result.results));
}
