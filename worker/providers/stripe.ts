/**
 * Stripe adapter: card payments through a PaymentIntent (the browser mounts the Payment Element with
 * its client secret) and Stripe Checkout sessions (a redirect). It speaks to Stripe with the official
 * SDK over `fetch`, so it runs inside workerd. Every Stripe type stays in these files (Stripe's objects read
 * back as facts in stripe-facts.ts, webhooks in stripe-webhooks.ts); the payment domain only sees the
 * provider-neutral shapes of `./types`.
 */
import Stripe from "stripe";
import type { CurrencyCode } from "../../shared/currencies";
import { toStripeAmount } from "./currency-rules";
import { intentFacts, sessionFacts } from "./stripe-facts";
import { verifyStripeWebhook } from "./stripe-webhooks";
import {
  ProviderError,
  type ClientAction,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderPaymentFacts,
  type StripeCredentials,
} from "./types";

/** The SDK waits 80 s by default; a Worker request (and a webhook that must be answered fast) cannot. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface StripeProviderOptions {
  /** Where the Stripe API lives, e.g. `http://127.0.0.1:1234` for the test fake; empty or undefined = api.stripe.com. */
  apiBase?: string;
}

export function createStripeProvider(credentials: StripeCredentials, options: StripeProviderOptions = {}): PaymentProvider {
  // One client per provider instance: it carries this merchant's secret key, so it must never be shared
  // through a module global between requests of different merchants.
  const stripe = new Stripe(credentials.secret_key, {
    httpClient: Stripe.createFetchHttpClient(),
    // One retry covers a dropped connection; the idempotency keys we send make it safe.
    maxNetworkRetries: 1,
    timeout: REQUEST_TIMEOUT_MS,
    ...apiLocation(options.apiBase),
  });

  return {
    name: "stripe",

    async createPayment(input: CreatePaymentInput): Promise<CreatedPayment> {
      const metadata = paymentMetadata(input);
      if (input.method === "card") {
        const intent = await call(() =>
          stripe.paymentIntents.create(
            {
              amount: toStripeAmount(input.amount, input.currency),
              currency: input.currency,
              automatic_payment_methods: { enabled: true },
              description: input.description,
              ...(input.customerEmail ? { receipt_email: input.customerEmail } : {}),
              metadata,
            },
            { idempotencyKey: input.idempotencyKey },
          ),
        );
        if (!intent.client_secret) throw new ProviderError("Stripe returned a PaymentIntent without a client secret");
        const action: ClientAction = { type: "card", client_secret: intent.client_secret, publishable_key: credentials.publishable_key };
        return { providerRef: intent.id, action };
      }
      if (input.method === "stripe_checkout") {
        const session = await call(() =>
          stripe.checkout.sessions.create(
            {
              mode: "payment",
              line_items: [
                { quantity: 1, price_data: { currency: input.currency, unit_amount: toStripeAmount(input.amount, input.currency), product_data: { name: input.description } } },
              ],
              success_url: input.returnUrl,
              cancel_url: input.cancelUrl,
              client_reference_id: input.paymentId,
              metadata,
              // The PaymentIntent Checkout creates carries our ids too, so its own events (and its charge's) point back to us.
              payment_intent_data: { metadata, description: input.description },
              ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
            },
            { idempotencyKey: input.idempotencyKey },
          ),
        );
        if (!session.url) throw new ProviderError("Stripe returned a Checkout Session without a URL");
        return { providerRef: session.id, action: { type: "redirect", url: session.url } };
      }
      // The payment domain routes methods to providers; reaching this is a bug, not a provider failure.
      throw new Error(`the Stripe provider cannot take method "${input.method}"`);
    },

    async retrievePayment(providerRef: string): Promise<ProviderPaymentFacts> {
      if (providerRef.startsWith("pi_")) {
        // The latest charge is expanded because refunds are counted on it.
        const intent = await call(() => stripe.paymentIntents.retrieve(providerRef, { expand: ["latest_charge"] }));
        return intentFacts(intent, intent.id);
      }
      if (providerRef.startsWith("cs_")) {
        const session = await call(() =>
          stripe.checkout.sessions.retrieve(providerRef, { expand: ["payment_intent", "payment_intent.latest_charge"] }),
        );
        return sessionFacts(session);
      }
      throw new ProviderError(`not a Stripe payment reference: ${providerRef}`);
    },

    async refund(chargeRef: string, amount: number, currency: CurrencyCode, idempotencyKey: string): Promise<{ refundRef: string }> {
      // Stripe refunds in the PaymentIntent's own currency, counted in Stripe's unit for it.
      const refund = await call(() => stripe.refunds.create({ payment_intent: chargeRef, amount: toStripeAmount(amount, currency) }, { idempotencyKey }));
      if (refund.status === "failed" || refund.status === "canceled") {
        throw new ProviderError(`Stripe refund ${refund.id} ${refund.status}${refund.failure_reason ? `: ${refund.failure_reason}` : ""}`);
      }
      return { refundRef: refund.id };
    },

    async verifyWebhook(rawBody: string, headers: Headers, now: Date): Promise<ProviderEvent> {
      return verifyStripeWebhook(rawBody, headers, now, credentials.webhook_secret);
    },
  };
}

/** The SDK wants host, port and protocol apart; an empty base keeps its defaults (api.stripe.com over https). */
function apiLocation(apiBase: string | undefined): { host?: string; port?: number; protocol?: "http" | "https" } {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

function paymentMetadata(input: CreatePaymentInput): Stripe.MetadataParam {
  return { quittance_payment: input.paymentId, quittance_merchant: input.merchantId };
}

/** Runs an SDK call and turns Stripe's errors into ProviderError, keeping its HTTP status (null when unreachable). */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new ProviderError(`Stripe: ${error.message}`, error.statusCode ?? null);
    }
    throw new ProviderError(`Stripe could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
}
