/** Shared by the webhook endpoint tests: the local receiver, signature checks, and calls in production mode. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import worker from "../../../worker/index";
import type { ApiResponse } from "../helpers";

const port = inject("webhookReceiverPort");

export interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number | null;
}

/** A URL on the receiver started in globalSetup (tests/support/webhook-receiver.ts), unique per test. */
export function hookUrl(label: string): { url: string; name: string } {
  const name = `${label}-${crypto.randomUUID()}`;
  return { url: `http://127.0.0.1:${port}/hook/${name}`, name };
}

/** What the receiver got on a path, polled until `count` requests arrived or the time is up. */
export async function receivedAtLeast(name: string, count: number, timeoutMs = 15_000): Promise<Received[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = (await (await fetch(`http://127.0.0.1:${port}/received/${name}`)).json()) as Received[];
    if (list.length >= count || Date.now() > end) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Checks `Quittance-Signature` with HMAC-SHA256 computed here, independent of worker/webhooks/signature.ts. */
export async function signedWith(secret: string, delivery: Pick<Received, "headers" | "body">): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.headers["quittance-signature"] ?? "");
  if (!match) return false;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = Buffer.from(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${match[1]}.${delivery.body}`))).toString("hex");
  return mac === match[2];
}

/** Calls the Worker as deployed (ENVIRONMENT=production), with background work awaited. */
export async function inProduction(key: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`https://quittance.example.com${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const response = await worker.fetch(request, { ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://quittance.example.com" } as Env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? null : JSON.parse(text), text };
}

/** The merchant's endpoint rows, to prove a refused request changed nothing. */
export async function endpointRows(merchantId: string): Promise<string> {
  const { results } = await env.DB.prepare("SELECT * FROM webhook_endpoints WHERE merchant_id = ? ORDER BY id").bind(merchantId).all();
  return JSON.stringify(results);
}

export function expectUrlRefused(response: ApiResponse, label: string): void {
  expect({ label, status: response.status, code: response.body?.code, param: response.body?.param }).toEqual({ label, status: 422, code: "parameter_invalid", param: "url" });
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
}
