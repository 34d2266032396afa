/** Shared by the PayPal adapter tests: adapters with accounts of their own against the local fake of the PayPal REST API, and helpers to drive it and sign webhooks. */
import { expect, inject } from "vitest";
import { createPayPalProvider } from "../../../worker/providers/paypal";
import { type CreatePaymentInput, type PaymentProvider, type PayPalCredentials } from "../../../worker/providers/types";
import type { LoggedRequest, SignedWebhook } from "../../support/fake-paypal";

export const base = `http://127.0.0.1:${inject("fakePayPalPort")}`;
export const WEBHOOK_ID = "WH-QUITTANCE-ADAPTER-TESTS";

export function newCredentials(overrides: Partial<PayPalCredentials> = {}): PayPalCredentials {
  return {
    client_id: `client-${crypto.randomUUID()}`,
    client_secret: "secret-for-tests",
    webhook_id: WEBHOOK_ID,
    environment: "sandbox",
    ...overrides,
  };
}

export function newProvider(credentials: PayPalCredentials = newCredentials()): PaymentProvider {
  return createPayPalProvider(credentials, { apiBase: base });
}

export function paymentInput(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  const paymentId = `pay_${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    paymentId,
    merchantId: "mer_paypal_adapter",
    amount: 1234,
    currency: "eur",
    method: "paypal",
    description: "Invoices F2026-000001, F2026-000002",
    customerEmail: "client@example.com",
    returnUrl: "https://shop.example/paid",
    cancelUrl: "https://shop.example/cart",
    idempotencyKey: `${paymentId}:create`,
    ...overrides,
  };
}

/** Calls a test-only control route of the fake and answers its JSON. */
export async function control<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(`${base}/__test/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

export async function requestsTo(pathPrefix: string): Promise<LoggedRequest[]> {
  const response = await fetch(`${base}/__test/requests?${new URLSearchParams({ path_prefix: pathPrefix })}`);
  return ((await response.json()) as { requests: LoggedRequest[] }).requests;
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** Creates an order, has the buyer approve it and captures it. */
export async function capturedOrder(provider: PaymentProvider, input: CreatePaymentInput, captureStatus: "COMPLETED" | "DECLINED" | "PENDING" = "COMPLETED") {
  const created = await provider.createPayment(input);
  await control(`orders/${created.providerRef}/approve`, { capture_status: captureStatus });
  const facts = await provider.capture!(created.providerRef, `${input.paymentId}:capture`);
  return { orderId: created.providerRef, facts };
}

export async function buildEvent(eventType: string, orderId: string): Promise<Record<string, unknown>> {
  return (await control<{ event: Record<string, unknown> }>("webhooks/event", { event_type: eventType, order_id: orderId })).event;
}

export async function sign(options: Record<string, unknown>): Promise<SignedWebhook> {
  return control<SignedWebhook>("webhooks/sign", { webhook_id: WEBHOOK_ID, ...options });
}

export function verify(provider: PaymentProvider, signed: SignedWebhook, now = new Date()) {
  return provider.verifyWebhook(signed.body, new Headers(signed.headers), now);
}

/** A signed event the adapter ignores (its content does not matter), for the signature checks. */
export function signedNoise(options: Record<string, unknown> = {}): Promise<SignedWebhook> {
  const event = { id: `WH-${crypto.randomUUID()}`, event_type: "CHECKOUT.ORDER.APPROVED", create_time: new Date().toISOString(), resource: {} };
  return sign({ event, ...options });
}
