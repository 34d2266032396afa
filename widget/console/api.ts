/** The console's API client: same-origin fetch with the session cookie. */

/** A problem+json answer. */
export interface Problem { type: string; title: string; status: number; detail?: string; code?: string; param?: string }

/** A non-2xx answer. @example try { await api("/v1/invoices") } catch (e) { if (e instanceof ApiError) e.problem.code } */
export class ApiError extends Error {
  status: number;
  problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.status = problem.status;
    this.problem = problem;
  }
}

export interface ApiInit {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  idempotent?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, init: ApiInit = {}): Promise<Response> {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["quittance-console"] = "1";
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.idempotent) headers["idempotency-key"] = crypto.randomUUID();
  const response = await fetch(url, { method, headers, credentials: "same-origin", body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
  if (!response.ok) {
    let problem: Problem;
    try { problem = (await response.json()) as Problem; } catch { problem = { type: "about:blank", title: response.statusText, status: response.status }; }
    problem.status ??= response.status;
    if (response.status === 401 && !path.startsWith("/v1/console/session")) window.dispatchEvent(new CustomEvent("qc-unauthorized"));
    throw new ApiError(problem);
  }
  return response;
}

/** JSON call. @example const list = await api<{ data: unknown[] }>("/v1/invoices", { query: { limit: 20 } }); */
export async function api<T>(path: string, init?: ApiInit): Promise<T> {
  const response = await send(path, init);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Text call (CSV, rendered emails). @example const csv = await apiText("/v1/exports/invoices.csv"); */
export async function apiText(path: string, init?: ApiInit): Promise<string> {
  return (await send(path, init)).text();
}
