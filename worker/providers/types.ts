/**
 * What the payment domain asks of a payment provider. One implementation per provider (Stripe,
 * PayPal, the local sandbox); their SDK types stay inside their adapter. Adapters know amounts and
 * ids, never invoices or routes.
 */
import type { CurrencyCode } from "../../shared/currencies";

export type ProviderName = "stripe" | "paypal" | "sandbox";
export type OnlinePaymentMethod = "card" | "stripe_checkout" | "paypal" | "sandbox";

export interface CreatePaymentInput {
  /** Our payment id (`pay_…`): sent as metadata / custom_id so every provider event points back to it. */
  paymentId: string;
  merchantId: string;
  /** Minor units of `currency`. */
  amount: number;
  currency: CurrencyCode;
  method: OnlinePaymentMethod;
  /** Shown to the payer, e.g. "Invoices F2026-000001, F2026-000002". */
  description: string;
  customerEmail: string | null;
  /** Where Stripe Checkout and PayPal send the payer back. */
  returnUrl: string;
  cancelUrl: string;
  /** Sent as Stripe's Idempotency-Key / PayPal's PayPal-Request-Id: a retried create never charges twice. */
  idempotencyKey: string;
}

/** What the browser needs to go on with the payment. */
export type ClientAction =
  | { type: "card"; client_secret: string; publishable_key: string }
  | { type: "redirect"; url: string }
  | { type: "paypal"; order_id: string; client_id: string; approve_url: string | null }
  | { type: "sandbox"; form_url: string; token: string };

export interface CreatedPayment {
  /** The provider's id for the payment: a PaymentIntent id, a Checkout Session id, a PayPal order id. */
  providerRef: string;
  action: ClientAction;
}

export type ProviderPaymentState = "processing" | "succeeded" | "failed" | "canceled";

/** A payment as the provider sees it now (re-read when in doubt, and by reconciliation). */
export interface ProviderPaymentFacts {
  providerRef: string;
  state: ProviderPaymentState;
  /** Minor units received (0 unless succeeded). */
  amountReceived: number;
  /** Minor units refunded so far (cumulative). */
  amountRefunded: number;
  /** Our payment id when the provider carries it back. */
  paymentId: string | null;
  /** The id refunds must name (a PaymentIntent id, a PayPal capture id), once known. */
  chargeRef: string | null;
  failureMessage: string | null;
}

/** A verified provider webhook, reduced to what the payment domain acts on. */
export type ProviderEvent = { id: string; occurredAt: string } & (
  | { kind: "payment_succeeded"; providerRef: string; chargeRef: string | null; paymentId: string | null; amount: number; currency: string }
  | { kind: "payment_failed"; providerRef: string; paymentId: string | null; reason: string }
  | { kind: "refunded"; chargeRef: string; paymentId: string | null; amountRefunded: number }
  | { kind: "disputed"; chargeRef: string; paymentId: string | null; amount: number }
  | { kind: "ignored"; type: string }
);

/** A signature that does not verify; answered 400 and nothing changes. */
export class WebhookSignatureError extends Error {}

/** The provider refused or could not be reached; answered 502 with its message. */
export class ProviderError extends Error {
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

export interface PaymentProvider {
  readonly name: ProviderName;
  createPayment(input: CreatePaymentInput): Promise<CreatedPayment>;
  retrievePayment(providerRef: string): Promise<ProviderPaymentFacts>;
  /** PayPal: capture an approved order. */
  capture?(providerRef: string, idempotencyKey: string): Promise<ProviderPaymentFacts>;
  refund(chargeRef: string, amount: number, currency: CurrencyCode, idempotencyKey: string): Promise<{ refundRef: string }>;
  /** Verifies a webhook on its raw body and maps it; throws WebhookSignatureError. */
  verifyWebhook(rawBody: string, headers: Headers, now: Date): Promise<ProviderEvent>;
}

export interface StripeCredentials {
  secret_key: string;
  publishable_key: string;
  webhook_secret: string;
}

export interface PayPalCredentials {
  client_id: string;
  client_secret: string;
  webhook_id: string;
  environment: "sandbox" | "live";
}
