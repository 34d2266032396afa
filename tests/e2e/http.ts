/** A small JSON client for end-to-end tests against the running local server. */
import { inject } from "vitest";

export const base = () => inject("e2eBase");

export async function call<T = any>(key: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Calls and insists on the expected status, with the body in the failure message. */
export async function expectCall<T = any>(expected: number, key: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await call<T>(key, method, path, body);
  if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
