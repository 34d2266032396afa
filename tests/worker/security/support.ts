/** Helpers shared by the security tests: a merchant with one object of every kind, sessions, origins. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type ApiResponse, type TestMerchant } from "../helpers";

export { sha256Hex } from "../../../worker/lib/crypto";

/** A merchant holding a customer, a draft, an open invoice, a partly paid invoice and the payment on it. */
export interface World {
  merchant: TestMerchant;
  customer: string;
  draft: string;
  open: string;
  partlyPaid: string;
  payment: string;
}

export async function createWorld(name = "World SARL"): Promise<World> {
  const merchant = await createMerchant(name);
  const customer = (await createCustomer(merchant.key, { email: `${name.replace(/\W/g, "").toLowerCase()}@example.com` })).id;
  const draft = (await createInvoice(merchant.key, customer, { issue: false })).id;
  const open = (await createInvoice(merchant.key, customer)).id;
  const partlyPaid = (await createInvoice(merchant.key, customer)).id;
  const paid = await recordPayment(merchant.key, [{ invoice: partlyPaid, amount: 5000 }]);
  if (paid.status !== 201) throw new Error(`payment: ${paid.text}`);
  return { merchant, customer, draft, open, partlyPaid, payment: paid.body.id };
}

/** Mints a client session (`cs_…`) for a customer. */
export async function mintSession(key: string, customer: string, expiresIn?: number): Promise<string> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer, ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) });
  if (response.status !== 201) throw new Error(`client session: ${response.text}`);
  return response.body.token as string;
}

/** Sets a merchant's allowed origins. */
export async function allowOrigins(key: string, origins: string[]): Promise<void> {
  const response = await api(key, "PUT", "/v1/settings", { allowed_origins: origins });
  if (response.status !== 200) throw new Error(`settings: ${response.text}`);
}

/** Asserts a problem+json answer with this status and code. */
export function expectProblem(response: ApiResponse, status: number, code: string, param?: string): void {
  expect({ status: response.status, code: response.body?.code }, response.text).toEqual({ status, code });
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.body.status).toBe(status);
  if (param !== undefined) expect(response.body.param).toBe(param);
}

/** A syntactically valid id of a kind that no merchant has. */
export function unknownId(prefix: string): string {
  return `${prefix}_${"z".repeat(26)}`;
}

/** The raw rows of a table for one merchant, to compare before and after. */
export async function rowsOf(table: "invoices" | "payments" | "customers", merchantId: string): Promise<string> {
  const { results } = await env.DB.prepare(`SELECT * FROM ${table} WHERE merchant_id = ? ORDER BY id`).bind(merchantId).all();
  return JSON.stringify(results);
}
