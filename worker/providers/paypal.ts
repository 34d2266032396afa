/**
 * PayPal adapter: Orders v2 (create, capture, read) and Payments v2 (refund) over `fetch` (the OAuth
 * token and authenticated calls in paypal-client.ts), and webhook verification (paypal-webhooks.ts).
 * PayPal's Node SDKs do not run in a Worker (`paypal-rest-sdk` is deprecated and Node-only), so this
 * adapter speaks the REST API itself. Every PayPal shape stays in these files (the wire shapes in
 * paypal-wire.ts, an order read back as facts in paypal-facts.ts); the payment domain only sees the
 * provider-neutral shapes of `./types`.
 *
 * Amounts: ours are ISO 4217 minor units; PayPal's are decimal strings in the major unit
 * ("12.34"), and PayPal refuses decimals for HUF, JPY and TWD. Both directions are exact string
 * arithmetic, never floats.
 */
import type { CurrencyCode } from "../../shared/currencies";
import {
  ProviderError,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentProvider,
  type PayPalCredentials,
  type ProviderEvent,
  type ProviderPaymentFacts,
} from "./types";
import { createPayPalClient, PayPalApiError } from "./paypal-client";
import { orderFacts } from "./paypal-facts";
import { orderSchema, refundSchema, toPayPalValue } from "./paypal-wire";
import { verifyPayPalWebhook } from "./paypal-webhooks";

const LIVE_API_BASE = "https://api-m.paypal.com";
const SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com";

/** PayPal's limit for `custom_id` and a purchase unit's `description`. */
const PAYPAL_TEXT_LIMIT = 127;
export interface PayPalProviderOptions {
  /** Where the PayPal API lives, e.g. `http://127.0.0.1:1234` for the test fake; empty or undefined = PayPal by `environment`. */
  apiBase?: string;
}

export function createPayPalProvider(credentials: PayPalCredentials, options: PayPalProviderOptions = {}): PaymentProvider {
  const apiBase = (options.apiBase || (credentials.environment === "live" ? LIVE_API_BASE : SANDBOX_API_BASE)).replace(/\/+$/, "");
  // Only set when the API is overridden (tests, a local fake): its certificates are then served
  // from that exact origin, which is configuration and not a header an attacker controls.
  const extraCertificateOrigin = options.apiBase ? new URL(apiBase).origin : null;

  const { call } = createPayPalClient(credentials, apiBase);

  async function retrieveOrder(orderId: string): Promise<ProviderPaymentFacts> {
    return orderFacts(await call("GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`, orderSchema));
  }

  return {
    name: "paypal",

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      // The payment domain routes methods to providers; reaching this is a bug, not a provider failure.
      if (input.method !== "paypal") throw new Error(`the PayPal provider cannot take method "${input.method}"`);
      if (input.paymentId.length > PAYPAL_TEXT_LIMIT) throw new ProviderError(`payment id longer than PayPal's ${PAYPAL_TEXT_LIMIT} characters`);
      const order = await call("POST", "/v2/checkout/orders", orderSchema, {
        requestId: input.idempotencyKey,
        body: {
          intent: "CAPTURE",
          purchase_units: [
            {
              // Every capture, refund and webhook of this order carries custom_id back: it is how events find our payment.
              custom_id: input.paymentId,
              ...(input.description ? { description: truncate(input.description, PAYPAL_TEXT_LIMIT) } : {}),
              amount: { currency_code: input.currency.toUpperCase(), value: toPayPalValue(input.amount, input.currency) },
            },
          ],
          // payment_source.paypal.experience_context replaces the deprecated application_context.
          payment_source: {
            paypal: {
              experience_context: {
                return_url: input.returnUrl,
                cancel_url: input.cancelUrl,
                // Invoices ship nothing; the buyer confirms the amount on PayPal and we capture at once.
                shipping_preference: "NO_SHIPPING",
                user_action: "PAY_NOW",
              },
            },
          },
        },
      });
      // "payer-action" with payment_source.paypal, "approve" with the older application_context.
      const approve = order.links?.find((link) => link.rel === "payer-action" || link.rel === "approve");
      return {
        providerRef: order.id,
        action: { type: "paypal", order_id: order.id, client_id: credentials.client_id, approve_url: approve?.href ?? null },
      };
    },

    retrievePayment: retrieveOrder,

    async capture(orderId: string, idempotencyKey: string): Promise<ProviderPaymentFacts> {
      try {
        const order = await call("POST", `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, orderSchema, {
          requestId: idempotencyKey,
          body: {},
        });
        return orderFacts(order);
      } catch (error) {
        // Captured already (by an earlier attempt under another key, or a double click): what the
        // order says now is the answer, not an error.
        if (error instanceof PayPalApiError && error.issue === "ORDER_ALREADY_CAPTURED") return retrieveOrder(orderId);
        throw error;
      }
    },

    async refund(captureId: string, amount: number, currency: CurrencyCode, idempotencyKey: string): Promise<{ refundRef: string }> {
      const refund = await call("POST", `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`, refundSchema, {
        requestId: idempotencyKey,
        body: { amount: { currency_code: currency.toUpperCase(), value: toPayPalValue(amount, currency) } },
      });
      if (refund.status === "FAILED" || refund.status === "CANCELLED") throw new ProviderError(`PayPal refund ${refund.id} ${refund.status}`);
      return { refundRef: refund.id };
    },

    /**
     * Self-verification, not PayPal's verify-webhook-signature API: the API costs an OAuth token
     * and a round trip to PayPal for every event (while PayPal waits for our answer), and cannot run
     * offline, so tests could not sign events themselves. Self-verification needs one certificate
     * download per certificate (cached), and the tests sign with their own key and certificate
     * served by the fake, with the very code path production uses.
     */
    async verifyWebhook(rawBody: string, headers: Headers, now: Date): Promise<ProviderEvent> {
      return verifyPayPalWebhook(rawBody, headers, now, credentials, extraCertificateOrigin);
    },
  };
}

function truncate(text: string, limit: number): string {
  const characters = [...text]; // code points, so a surrogate pair is never cut in half
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join("")}…`;
}
