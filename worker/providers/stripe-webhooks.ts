/**
 * Stripe webhooks: the signature checked on the raw body, then Stripe's event translated into the
 * payment domain's `ProviderEvent`. The only Stripe events we act on are listed in `mapStripeEvent`.
 */
import Stripe from "stripe";
import { iso } from "./stripe-facts";
import { WebhookSignatureError, type ProviderEvent } from "./types";

/** Stripe's own default: a signature older than this is a replay. We apply the same bound to the future. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verifies a Stripe webhook on its raw body (re-serialised JSON would not match the signature) and
 * maps it. `constructEventAsync` with SubtleCrypto: Web Crypto is asynchronous, so the synchronous
 * `constructEvent` cannot use it in a Worker. Throws WebhookSignatureError.
 */
export async function verifyStripeWebhook(rawBody: string, headers: Headers, now: Date, webhookSecret: string): Promise<ProviderEvent> {
  const header = headers.get("stripe-signature");
  if (!header) throw new WebhookSignatureError("missing Stripe-Signature header");
  // The SDK only rejects signatures that are too old; a timestamp far in the future would stay
  // replayable for as long as it is ahead of the clock, so it is refused here.
  const nowSeconds = Math.floor(now.getTime() / 1000);
  for (const timestamp of signatureTimestamps(header)) {
    if (!Number.isSafeInteger(timestamp) || timestamp > nowSeconds + WEBHOOK_TOLERANCE_SECONDS) {
      throw new WebhookSignatureError("Stripe-Signature timestamp is in the future");
    }
  }
  let event: Stripe.Event;
  try {
    event = await Stripe.webhooks.constructEventAsync(
      rawBody,
      header,
      webhookSecret,
      WEBHOOK_TOLERANCE_SECONDS,
      Stripe.createSubtleCryptoProvider(),
      now.getTime(),
    );
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : "invalid Stripe signature");
  }
  return mapStripeEvent(event);
}

/** Every `t=` of a Stripe-Signature header (the SDK keeps the last one; we check them all). */
function signatureTimestamps(header: string): number[] {
  return header
    .split(",")
    .map((item) => item.trim().split("="))
    .filter(([key]) => key === "t")
    .map(([, value]) => (value && /^\d+$/.test(value) ? Number(value) : Number.NaN));
}

function idOf(value: string | { id: string } | null): string | null {
  return value === null ? null : typeof value === "string" ? value : value.id;
}

/** A verified Stripe event as ours; events we do not act on come back as `ignored`, never as an error. */
function mapStripeEvent(event: Stripe.Event): ProviderEvent {
  const base = { id: event.id, occurredAt: new Date(event.created * 1000).toISOString() };
  const ignored: ProviderEvent = { ...base, kind: "ignored", type: event.type };
  switch (event.type) {
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      return {
        ...base,
        kind: "payment_succeeded",
        providerRef: intent.id,
        chargeRef: intent.id,
        paymentId: intent.metadata["quittance_payment"] ?? null,
        amount: iso(intent.amount_received, intent.currency),
        currency: intent.currency,
      };
    }
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      return {
        ...base,
        kind: "payment_failed",
        providerRef: intent.id,
        paymentId: intent.metadata["quittance_payment"] ?? null,
        reason: intent.last_payment_error?.message ?? "payment failed",
      };
    }
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      // A completed session paid by a delayed method (SEPA debit…) is still "unpaid": its money arrives
      // later with checkout.session.async_payment_succeeded.
      if (session.payment_status !== "paid") return ignored;
      return {
        ...base,
        kind: "payment_succeeded",
        providerRef: session.id,
        chargeRef: idOf(session.payment_intent),
        paymentId: session.client_reference_id ?? session.metadata?.["quittance_payment"] ?? null,
        amount: iso(session.amount_total ?? 0, session.currency ?? ""),
        currency: session.currency ?? "",
      };
    }
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      return {
        ...base,
        kind: "payment_failed",
        providerRef: session.id,
        paymentId: session.client_reference_id ?? session.metadata?.["quittance_payment"] ?? null,
        reason: "the delayed payment failed",
      };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const chargeRef = idOf(charge.payment_intent);
      // A charge made without a PaymentIntent was not made by us.
      if (!chargeRef) return ignored;
      return {
        ...base,
        kind: "refunded",
        chargeRef,
        paymentId: charge.metadata["quittance_payment"] ?? null,
        amountRefunded: iso(charge.amount_refunded, charge.currency),
      };
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      const chargeRef = idOf(dispute.payment_intent);
      if (!chargeRef) return ignored;
      return { ...base, kind: "disputed", chargeRef, paymentId: null, amount: iso(dispute.amount, dispute.currency) };
    }
    default:
      return ignored;
  }
}
