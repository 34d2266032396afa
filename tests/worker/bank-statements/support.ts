/** Shared by the statement import tests: upload a file, and make invoices to be paid. */
import { env, exports } from "cloudflare:workers";
import { api, createCustomer, createInvoice, type ApiResponse } from "../helpers";

/** POSTs a statement file as the raw body. */
export async function upload(key: string | null, file: string | Uint8Array | ReadableStream, contentType: string | null = "application/xml", query = ""): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(contentType ? { "content-type": contentType } : {}) };
  const init: RequestInit & { duplex?: string } = { method: "POST", headers, body: file as BodyInit, ...(file instanceof ReadableStream ? { duplex: "half" } : {}) };
  const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787/v1/bank_statements${query}`, init));
  const text = await response.text();
  let body: any = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** An issued invoice of `total` minor units (no tax) for a customer. */
export async function invoiceOf(key: string, customer: string, total: number, currency = "eur") {
  return createInvoice(key, customer, { currency, lines: [{ description: "Service", quantity: 1, unit_amount: total, tax_rate: 0 }] });
}

export async function customerNamed(key: string, name: string) {
  return (await createCustomer(key, { name, email: `${name.replace(/\W+/g, ".").toLowerCase()}@example.com` })).id;
}

export async function invoice(key: string, id: string) {
  return (await api(key, "GET", `/v1/invoices/${id}`)).body;
}

/** Everything the import writes, counted, to prove a refused file recorded nothing. */
export async function importFingerprint(merchantId: string): Promise<string> {
  const rows = await env.DB.batch([
    env.DB.prepare("SELECT count(*) AS n FROM bank_statements WHERE merchant_id = ?").bind(merchantId),
    env.DB.prepare("SELECT count(*) AS n FROM bank_statement_lines WHERE merchant_id = ?").bind(merchantId),
    env.DB.prepare("SELECT count(*) AS n FROM payments WHERE merchant_id = ?").bind(merchantId),
    env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ?").bind(merchantId),
    env.DB.prepare("SELECT total(amount_paid) AS n, total(version) AS v FROM invoices WHERE merchant_id = ?").bind(merchantId),
  ]);
  return JSON.stringify(rows.map((row) => row.results));
}
