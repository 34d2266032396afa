/**
 * Shared by the deployment tests: the Worker called straight with a changed env (the project's
 * bindings say ENVIRONMENT=development), and the ENVIRONMENT values an operator may leave behind.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../worker/index";

/** The public origin a configured deployment declares. */
export const PUBLIC = "https://quittance.example.com";

/** Every value tested; only the first turns development features on. */
export const ENVIRONMENTS = ["development", "production", "prod", "", undefined] as const;
export const NOT_DEVELOPMENT = ENVIRONMENTS.slice(1);

/** A readable name for a test title. */
export const label = (environment: string | undefined) => (environment === undefined ? "unset" : environment === "" ? "empty" : `"${environment}"`);

/**
 * The test bindings as an operator would deploy them: the master key and PUBLIC_URL set, and
 * ENVIRONMENT as given (`undefined` leaves it out). `overrides` unset a var when given `undefined`.
 */
export function deployed(environment: string | undefined, overrides: Record<string, string | undefined> = {}): Env {
  const target: Record<string, unknown> = { ...env, ENVIRONMENT: environment, PUBLIC_URL: PUBLIC, ...overrides };
  for (const [name, value] of Object.entries(target)) if (value === undefined) delete target[name];
  return target as unknown as Env;
}

export interface Called {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Calls the Worker with `target` as its env; `origin` is what the request's Host makes its URL. */
export async function call(target: Env, method: string, path: string, options: { key?: string; body?: unknown; origin?: string; headers?: Record<string, string> } = {}): Promise<Called> {
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers };
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const request = new Request(`${options.origin ?? "http://127.0.0.1:8787"}${path}`, {
    method,
    headers,
    redirect: "manual",
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, target, ctx);
  // An event stream never ends: its status and headers are what is checked.
  const text = response.headers.get("content-type")?.startsWith("text/event-stream") ? (await response.body?.cancel(), "") : await response.text();
  await waitOnExecutionContext(ctx);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, text, body };
}
