/**
 * The path every provider event takes: verify on the raw body with that merchant's secret → find
 * our payment → settle (allocation, events, the provider event id recorded in the same batch).
 * Duplicates and out-of-order deliveries change nothing: state only moves forward, and when an
 * event does not fit the payment's state (a refund before its success) the payment is re-read from
 * the provider. The caller publishes when the outcome is `applied`.
 */
import { ApiError } from "../errors";
import { providerFor } from "../providers";
import { ProviderError, WebhookSignatureError, type PaymentProvider, type ProviderEvent, type ProviderName } from "../providers/types";
import { findByProviderRefs as findByRefs, type PaymentRow } from "./queries";
import { recordProviderEventOnly, settleDisputed, settleFailed, settleRefundedTotal, settleSucceeded, type SettleOutcome } from "./settle";

/** The providers whose webhooks we take. */
export const PROVIDERS = new Set<ProviderName>(["stripe", "paypal", "sandbox"]);

/** Brings a payment in line with what the provider says now; answers whether that changed anything. */
export async function reconcileWithProvider(db: D1Database, merchantId: string, payment: PaymentRow, provider: PaymentProvider, now: Date): Promise<boolean> {
  if (payment.provider_ref === null) return false;
  const facts = await provider.retrievePayment(payment.provider_ref);
  const outcomes: SettleOutcome[] = [];
  if (facts.state === "succeeded") {
    outcomes.push(await settleSucceeded(db, merchantId, payment.id, { amount: facts.amountReceived, chargeRef: facts.chargeRef }, undefined, now));
    if (facts.amountRefunded > 0) outcomes.push(await settleRefundedTotal(db, merchantId, payment.id, facts.amountRefunded, undefined, now));
  } else if (facts.state === "failed" || facts.state === "canceled") {
    outcomes.push(await settleFailed(db, merchantId, payment.id, facts.failureMessage ?? facts.state, undefined, now));
  }
  return outcomes.includes("applied");
}

/**
 * Whose payment a provider object is, asked of the provider: a Stripe dispute names only the
 * PaymentIntent, which for a Checkout payment we learn with checkout.session.completed — a dispute
 * delivered before it would otherwise find no payment and be lost. Null when the provider does not
 * know the object as ours; a provider out of reach is an error, so the provider retries the webhook.
 */
async function paymentIdAtProvider(provider: PaymentProvider, ref: string): Promise<string | null> {
  try {
    return (await provider.retrievePayment(ref)).paymentId;
  } catch (error) {
    if (error instanceof ProviderError && error.status === null) throw new ApiError("provider_error", `The provider could not be reached: ${error.message}`);
    return null;
  }
}

async function apply(db: D1Database, merchantId: string, name: ProviderName, provider: PaymentProvider, event: ProviderEvent, now: Date): Promise<SettleOutcome> {
  const ref = { provider: name, id: event.id, kind: event.kind };
  if (event.kind === "ignored") return recordProviderEventOnly(db, merchantId, null, ref, now);
  let payment =
    event.kind === "payment_succeeded"
      ? await findByRefs(db, merchantId, name, event.paymentId, [event.providerRef, event.chargeRef])
      : event.kind === "payment_failed"
        ? await findByRefs(db, merchantId, name, event.paymentId, [event.providerRef])
        : await findByRefs(db, merchantId, name, event.paymentId, [event.chargeRef]);
  if (payment === null && event.kind === "disputed" && event.paymentId === null) {
    const owner = await paymentIdAtProvider(provider, event.chargeRef);
    if (owner !== null) payment = await findByRefs(db, merchantId, name, owner, []);
  }
  if (payment === null) return recordProviderEventOnly(db, merchantId, null, ref, now);
  switch (event.kind) {
    case "payment_succeeded":
      return settleSucceeded(db, merchantId, payment.id, { amount: event.amount, chargeRef: event.chargeRef }, ref, now);
    case "payment_failed":
      return settleFailed(db, merchantId, payment.id, event.reason, ref, now);
    case "refunded":
    case "disputed": {
      let reconciled = false;
      if (payment.status === "pending" || payment.status === "processing" || payment.status === "failed") {
        // Money going back for a payment we do not know as succeeded yet: ask the provider first.
        reconciled = await reconcileWithProvider(db, merchantId, payment, provider, now);
      }
      const outcome =
        event.kind === "refunded"
          ? await settleRefundedTotal(db, merchantId, payment.id, event.amountRefunded, ref, now)
          : await settleDisputed(db, merchantId, payment.id, event.amount, ref, now);
      // What the re-read settled was appended too: the hub must hear of it.
      return reconciled && outcome === "ignored" ? "applied" : outcome;
    }
  }
}

/**
 * Verifies a provider webhook for a merchant on its exact raw bytes and applies it.
 * @example await receiveProviderWebhook(env, merchantId, "stripe", raw, request.headers, origin, new Date())
 */
export async function receiveProviderWebhook(env: Env, merchantId: string, name: ProviderName, raw: string, headers: Headers, origin: string, now: Date): Promise<SettleOutcome> {
  const provider = await providerFor(env, merchantId, name, origin, "provider");
  let event: ProviderEvent;
  try {
    event = await provider.verifyWebhook(raw, headers, now);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw new ApiError("webhook_signature_invalid", `The webhook signature does not verify: ${error.message}`);
    throw error;
  }
  return apply(env.DB, merchantId, name, provider, event, now);
}
