/** Test helpers: real merchants in the migrated D1, and calls through the real Worker. */
import { env, exports } from "cloudflare:workers";
import { DEFAULT_SETTINGS } from "../../shared/schemas/settings";
import { AUTH_CACHE_TTL_MS } from "../../worker/auth/cache";
import { prepareMerchant, toStatements } from "../../worker/auth/keys";

export interface TestMerchant {
  id: string;
  key: string;
  readOnlyKey: string;
  publishableKey: string;
}

/** A fresh merchant with its three keys, written straight to D1 as the merchant command does. */
export async function createMerchant(name = "Test SARL"): Promise<TestMerchant> {
  const created = await prepareMerchant({ name, livemode: false, now: new Date(), settingsJson: JSON.stringify(DEFAULT_SETTINGS) });
  await env.DB.batch(toStatements(env.DB, created.writes));
  return { id: created.merchantId, key: created.secretKey, readOnlyKey: created.readOnlyKey, publishableKey: created.publishableKey };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** Calls the Worker: `api(key, "POST", "/v1/customers", {...})`. */
export async function api<T = any>(
  key: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${path}`, init));
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export async function createCustomer(key: string, overrides: Record<string, unknown> = {}) {
  const response = await api(key, "POST", "/v1/customers", { name: "Client SAS", email: "client@example.com", ...overrides });
  if (response.status !== 201) throw new Error(`customer: ${response.text}`);
  return response.body as { id: string };
}

export async function createInvoice(key: string, customer: string, overrides: Record<string, unknown> = {}) {
  const response = await api(key, "POST", "/v1/invoices", {
    customer,
    currency: "eur",
    lines: [{ description: "Consulting", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }],
    issue: true,
    ...overrides,
  });
  if (response.status !== 201) throw new Error(`invoice: ${response.text}`);
  return response.body as { id: string; total: number; number: string | null; status: string; version: number };
}

export async function recordPayment(key: string, allocations: { invoice: string; amount: number }[], currency = "eur") {
  return api(key, "POST", "/v1/payments", {
    method: "bank_transfer",
    amount: allocations.reduce((sum, allocation) => sum + allocation.amount, 0),
    currency,
    allocations,
  });
}

/** Every row count that a write could change, to prove a refused request changed nothing. */
export async function databaseFingerprint(): Promise<string> {
  const tables = ["merchants", "api_keys", "customers", "invoices", "invoice_lines", "payments", "allocations", "refunds", "events", "settings", "client_sessions", "number_series", "credit_notes", "credit_note_lines"];
  const results = await env.DB.batch([
    ...tables.map((table) => env.DB.prepare(`SELECT '${table}' AS t, count(*) AS n FROM ${table}`)),
    env.DB.prepare("SELECT total(version) AS v, total(amount_paid) AS p, total(amount_credited) AS c, group_concat(status) AS s FROM invoices"),
    env.DB.prepare("SELECT total(version) AS v, total(amount_refunded) AS r FROM payments"),
    env.DB.prepare("SELECT total(next_number) AS n FROM number_series"),
    env.DB.prepare("SELECT group_concat(data) AS d FROM settings"),
  ]);
  return JSON.stringify(results.map((result) => result.results));
}

/**
 * Resolves once a credential change written at `since` straight to D1 (another isolate, the merchant
 * command) must be seen by every isolate: the credential cache's lifetime, plus a little.
 */
export async function authCacheLifetimeSince(since: number): Promise<void> {
  const wait = since + AUTH_CACHE_TTL_MS + 20 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
