/**
 * `POST /webhooks/{stripe|paypal|sandbox}/:merchant` — the path every provider event takes:
 * verify on the raw body with that merchant's secret → find our payment → settle (allocation,
 * events, the provider event id recorded in the same batch) → the hub fans out. Duplicates and
 * out-of-order deliveries change nothing: state only moves forward, and when an event does not fit
 * the payment's state (a refund before its success) the payment is re-read from the provider.
 */
import { Hono } from "hono";
import { afterAppend } from "../db/events";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { providerFor } from "../providers";
import { ProviderError, WebhookSignatureError, type PaymentProvider, type ProviderEvent, type ProviderName } from "../providers/types";
import type { PaymentRow } from "./queries";
import { recordProviderEventOnly, settleDisputed, settleFailed, settleRefundedTotal, settleSucceeded, type SettleOutcome } from "./settle";

const PROVIDERS = new Set<ProviderName>(["stripe", "paypal", "sandbox"]);

async function findByRefs(db: D1Database, merchantId: string, provider: ProviderName, paymentId: string | null, refs: (string | null)[]): Promise<PaymentRow | null> {
  if (paymentId !== null) {
    const byId = await db.prepare("SELECT * FROM payments WHERE id = ? AND merchant_id = ? AND provider = ?").bind(paymentId, merchantId, provider).first<PaymentRow>();
    if (byId !== null) return byId;
  }
  for (const ref of refs) {
    if (ref === null) continue;
    const byRef = await db
      .prepare("SELECT * FROM payments WHERE merchant_id = ? AND provider = ? AND (provider_ref = ? OR charge_ref = ?)")
      .bind(merchantId, provider, ref, ref)
      .first<PaymentRow>();
    if (byRef !== null) return byRef;
  }
  return null;
}

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

export const providerWebhooks = new Hono<AppEnv>();

providerWebhooks.post("/:provider/:merchant", async (c) => {
  const name = c.req.param("provider") as ProviderName;
  const merchantId = c.req.param("merchant");
  if (!PROVIDERS.has(name) || !/^mer_[0-9a-z]{26}$/.test(merchantId)) throw new ApiError("route_not_found", "No such webhook URL.");
  const merchant = await c.env.DB.prepare("SELECT 1 FROM merchants WHERE id = ?").bind(merchantId).first();
  if (merchant === null) throw new ApiError("route_not_found", "No such webhook URL.");
  const raw = await c.req.text(); // the exact bytes the provider signed: never re-serialised before verification
  const origin = new URL(c.req.url).origin;
  const provider = await providerFor(c.env, merchantId, name, origin, "provider");
  const now = new Date();
  let event: ProviderEvent;
  try {
    event = await provider.verifyWebhook(raw, c.req.raw.headers, now);
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw new ApiError("webhook_signature_invalid", `The webhook signature does not verify: ${error.message}`);
    throw error;
  }
  const outcome = await apply(c.env.DB, merchantId, name, provider, event, now);
  if (outcome === "applied") afterAppend(c.executionCtx, c.env, merchantId);
  return c.json({ received: true, outcome }, 200);
});
