/**
 * PayPal's REST API over `fetch`: the OAuth client-credentials token and one authenticated call that
 * parses its answer with a schema and turns PayPal's refusals into ProviderError. The Orders
 * operations (paypal.ts) are built on `call`; nothing here knows orders, payments or webhooks.
 */
import type { z } from "zod";
import { errorSchema, REQUEST_TIMEOUT_MS, tokenSchema } from "./paypal-wire";
import { ProviderError, type PayPalCredentials } from "./types";

/** Renew a token this long before PayPal says it expires, so a request never leaves with a dying one. */
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/** A PayPal API refusal, with the `issue` code of its first detail (e.g. ORDER_ALREADY_CAPTURED). */
export class PayPalApiError extends ProviderError {
  constructor(
    message: string,
    status: number,
    readonly issue: string | null,
  ) {
    super(message, status);
  }
}

export interface PayPalClient {
  /** One authenticated API call, its answer parsed with `schema`; `requestId` is sent as PayPal-Request-Id. */
  readonly call: <T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, init?: { body?: unknown; requestId?: string }) => Promise<T>;
}

/**
 * A client for one merchant's credentials at `apiBase` (no trailing slash). Build one per provider
 * instance: it holds that merchant's OAuth token.
 */
export function createPayPalClient(credentials: PayPalCredentials, apiBase: string): PayPalClient {
  // The OAuth token lives in this instance only. It is this merchant's bearer credential: a module
  // global would share it between requests of different merchants in the same isolate.
  let token: { value: string; expiresAt: number } | null = null;
  let tokenRequest: Promise<string> | null = null;

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > Date.now()) return token.value;
    // Concurrent calls on one instance share one token request.
    tokenRequest ??= requestToken().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  async function requestToken(): Promise<string> {
    const response = await send(`${apiBase}/v1/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${base64(new TextEncoder().encode(`${credentials.client_id}:${credentials.client_secret}`))}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: "grant_type=client_credentials",
    });
    const body = await readJson(response);
    if (!response.ok) throw apiError("PayPal refused the client credentials", response.status, body);
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw new ProviderError("PayPal answered the token request with an unexpected body", response.status);
    const lifetimeMs = (parsed.data.expires_in ?? 0) * 1000;
    token = { value: parsed.data.access_token, expiresAt: Date.now() + Math.max(0, lifetimeMs - TOKEN_EXPIRY_MARGIN_MS) };
    return token.value;
  }

  /** A 401 (token revoked or expired early) is retried once with a new token. */
  async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, init: { body?: unknown; requestId?: string } = {}): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await accessToken()}`,
        accept: "application/json",
        // The default (return=minimal) leaves out purchase units and captures, which the facts come from.
        prefer: "return=representation",
      };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      // PayPal's idempotency key: a retried POST answers the first response instead of acting twice.
      if (init.requestId !== undefined) headers["paypal-request-id"] = init.requestId;
      const response = await send(`${apiBase}${path}`, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const body = await readJson(response);
      if (response.status === 401 && attempt === 0) {
        token = null;
        continue;
      }
      if (!response.ok) throw apiError(`PayPal ${method} ${path.split("?")[0]} failed`, response.status, body);
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new ProviderError(`PayPal answered ${method} ${path} with an unexpected body`, response.status);
      return parsed.data;
    }
  }

  return { call };
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderError(`PayPal could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** PayPal's error body (name, message, details[].issue) or OAuth's (error, error_description) as one message. */
function apiError(prefix: string, status: number, body: unknown): PayPalApiError {
  const parsed = errorSchema.safeParse(body);
  const error = parsed.success ? parsed.data : {};
  const detail = error.details?.[0];
  const issue = detail?.issue ?? null;
  const parts = [
    error.name ?? error.error,
    issue,
    detail?.description ?? error.message ?? error.error_description,
    error.debug_id ? `debug_id ${error.debug_id}` : undefined,
  ].filter((part): part is string => typeof part === "string" && part !== "");
  return new PayPalApiError(`${prefix} (${status})${parts.length ? `: ${parts.join(" — ")}` : ""}`, status, issue);
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
