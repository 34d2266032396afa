/**
 * How the Stripe adapter reads Stripe's objects: a PaymentIntent or a Checkout Session as the
 * provider-neutral `ProviderPaymentFacts`, and Stripe's amount unit as ours. Shared by the API calls
 * (stripe.ts) and the webhook translation (stripe-webhooks.ts); nothing Stripe-typed leaves the adapter.
 */
import type Stripe from "stripe";
import { isCurrency } from "../../shared/currencies";
import { fromStripeAmount } from "./currency-rules";
import type { ProviderPaymentFacts } from "./types";

/** Stripe's unit → ISO minor units (they differ for a few currencies, see currency-rules.ts). */
export function iso(amount: number, currency: string): number {
  return isCurrency(currency) ? fromStripeAmount(amount, currency) : amount;
}

function intentState(intent: Stripe.PaymentIntent): ProviderPaymentFacts["state"] {
  switch (intent.status) {
    case "succeeded":
      return "succeeded";
    case "canceled":
      return "canceled";
    case "requires_payment_method":
      // A fresh intent also waits for a payment method; only an attempt that failed leaves an error behind.
      return intent.last_payment_error ? "failed" : "processing";
    default:
      return "processing";
  }
}

/**
 * A PaymentIntent as facts, reported under `providerRef` (its own id, or the Checkout Session that
 * created it). Expects `latest_charge` expanded: refunds are counted on it.
 */
export function intentFacts(intent: Stripe.PaymentIntent, providerRef: string): ProviderPaymentFacts {
  const state = intentState(intent);
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  return {
    providerRef,
    state,
    amountReceived: state === "succeeded" ? iso(intent.amount_received, intent.currency) : 0,
    amountRefunded: iso(charge?.amount_refunded ?? 0, intent.currency),
    paymentId: intent.metadata["quittance_payment"] ?? null,
    // Refunds name the PaymentIntent (Stripe then refunds its charge), so it is the reference to keep.
    chargeRef: intent.id,
    failureMessage: state === "failed" ? (intent.last_payment_error?.message ?? "payment failed") : null,
  };
}

/** A Checkout Session as facts; its PaymentIntent (expanded, when there is one yet) speaks for it. */
export function sessionFacts(session: Stripe.Checkout.Session): ProviderPaymentFacts {
  const paymentId = session.client_reference_id ?? session.metadata?.["quittance_payment"] ?? null;
  if (session.payment_intent && typeof session.payment_intent === "object") {
    const facts = intentFacts(session.payment_intent, session.id);
    const expired = session.status === "expired" && facts.state !== "succeeded";
    return { ...facts, state: expired ? "canceled" : facts.state, paymentId: facts.paymentId ?? paymentId };
  }
  // Checkout creates its PaymentIntent only when the payer submits, so a session may have none yet.
  const state = session.status === "expired" ? "canceled" : session.payment_status === "paid" ? "succeeded" : "processing";
  return {
    providerRef: session.id,
    state,
    amountReceived: state === "succeeded" ? iso(session.amount_total ?? 0, session.currency ?? "") : 0,
    amountRefunded: 0,
    paymentId,
    chargeRef: typeof session.payment_intent === "string" ? session.payment_intent : null,
    failureMessage: null,
  };
}
