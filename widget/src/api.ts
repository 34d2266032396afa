/**
 * The widget's client for the client endpoints. It holds the session, renews it through the
 * merchant's `session-url` when it expires (once per failure), and turns problem+json into errors.
 * The payment calls travel with the pay flow's chunk (flow-api.ts).
 */
import type { z } from "zod";
import type { ClientInvoice as Invoice } from "../../shared/schemas/invoices";
import type { ClientActionSchema, ClientPaymentSchema } from "../../shared/schemas/payments";

// Types only (erased from the bundle): the shapes come from the same schemas the API validates with.
// An invoice from the client endpoints carries its currency's exponent (`currency_exponent`).
export type { Invoice };
export type ClientAction = z.infer<typeof ClientActionSchema>;
export type ClientPayment = Omit<z.infer<typeof ClientPaymentSchema>, "currency"> & { currency: string };

export interface ClientConfig {
  payment_methods: string[];
  merchant: { name: string };
}

/** What a call may add to the session's GET: the pay flow's POSTs (method, JSON body, headers) or an AbortSignal. */
export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export class ApiProblem extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export class ClientApi {
  constructor(
    readonly base: string,
    private session: string,
    private readonly sessionUrl: string | null,
  ) {}

  get token(): string {
    return this.session;
  }

  /** Asks the merchant's site for a fresh session. */
  async renew(): Promise<boolean> {
    if (this.sessionUrl === null) return false;
    const response = await fetch(this.sessionUrl, { method: "POST", credentials: "include", headers: { accept: "application/json" } });
    if (!response.ok) return false;
    const body = (await response.json()) as { token?: string };
    if (!body.token) return false;
    this.session = body.token;
    return true;
  }

  /** Calls `path` with the session (a GET unless `init` says otherwise; flow-api.ts builds the POSTs), renewing it once on a 401. */
  async request<T>(path: string, init: RequestOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${this.base}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${this.session}` } });
      if (response.status === 401 && attempt === 0 && (await this.renew())) continue;
      const text = await response.text();
      const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (!response.ok) throw new ApiProblem(response.status, String(parsed["code"] ?? "error"), String(parsed["detail"] ?? response.statusText));
      return parsed as T;
    }
  }

  async invoices(signal?: AbortSignal): Promise<Invoice[]> {
    return (await this.request<{ data: Invoice[] }>("/v1/client/invoices?limit=100", { signal })).data;
  }

  config(signal?: AbortSignal): Promise<ClientConfig> {
    return this.request<ClientConfig>("/v1/client/config", { signal });
  }
}
