/** Shared by the Stripe adapter tests: one adapter against the local fake of the Stripe API, with this test file's own account, and helpers to drive the fake. */
import Stripe from "stripe";
import { expect, inject } from "vitest";
import { createStripeProvider } from "../../../worker/providers/stripe";
import { ProviderError, type CreatePaymentInput, type StripeCredentials } from "../../../worker/providers/types";
import type { RecordedRequest } from "../../support/fake-stripe";

export const base = `http://127.0.0.1:${inject("fakeStripePort")}`;
export const credentials: StripeCredentials = {
  secret_key: `sk_test_${crypto.randomUUID().replaceAll("-", "")}`,
  publishable_key: "pk_test_quittance_adapter",
  webhook_secret: "whsec_quittance_adapter_tests",
};
export const provider = createStripeProvider(credentials, { apiBase: base });

export const newPaymentId = () => `pay_${crypto.randomUUID().replaceAll("-", "")}`;

export function paymentInput(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  const paymentId = newPaymentId();
  return {
    paymentId,
    merchantId: "mer_adapter",
    amount: 12_345,
    currency: "eur",
    method: "card",
    description: "Invoices F2026-000001, F2026-000002",
    customerEmail: "client@example.com",
    returnUrl: "https://shop.example/paid",
    cancelUrl: "https://shop.example/cart",
    idempotencyKey: `${paymentId}:create`,
    ...overrides,
  };
}

/** Moves an object in the fake the way a payer or a bank would; answers the resulting event. */
export async function control(path: string, body: Record<string, unknown> = {}): Promise<Stripe.Event> {
  const response = await fetch(`${base}/__test/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

export async function receivedRequests(filter: { path?: string; idempotency_key?: string }): Promise<RecordedRequest[]> {
  const response = await fetch(`${base}/__test/requests?${new URLSearchParams(filter)}`);
  return response.json();
}

export async function fakeEvents(filter: { type?: string; object?: string }): Promise<Stripe.Event[]> {
  const response = await fetch(`${base}/__test/events?${new URLSearchParams(filter)}`);
  return response.json();
}

export async function createCard(overrides: Partial<CreatePaymentInput> = {}) {
  const input = paymentInput(overrides);
  return { input, created: await provider.createPayment(input) };
}

export async function createCheckout(overrides: Partial<CreatePaymentInput> = {}) {
  const input = paymentInput({ method: "stripe_checkout", ...overrides });
  return { input, created: await provider.createPayment(input) };
}

export async function expectProviderError(promise: Promise<unknown>, status: number | null): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).status).toBe(status);
  return error as ProviderError;
}
