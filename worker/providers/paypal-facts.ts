/**
 * How the PayPal adapter reads an order back: PayPal's order, capture and refund statuses as the
 * provider-neutral `ProviderPaymentFacts` (paypal.ts answers `retrievePayment` and `capture` with them).
 */
import type { z } from "zod";
import { fromPayPalMoney, type PayPalCapture, type PayPalOrder, type refundSchema } from "./paypal-wire";
import type { ProviderPaymentFacts, ProviderPaymentState } from "./types";

const SUCCEEDED_CAPTURE = new Set(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
const FAILED_CAPTURE = new Set(["DECLINED", "FAILED"]);

function captureState(status: string): ProviderPaymentState {
  if (SUCCEEDED_CAPTURE.has(status)) return "succeeded";
  if (FAILED_CAPTURE.has(status)) return "failed";
  // PENDING (e.g. an eCheck, a review) and any status PayPal adds later: not final, so re-read later.
  return "processing";
}

/** An order as facts: its one purchase unit's capture decides the state, its refunds the amount refunded. */
export function orderFacts(order: PayPalOrder): ProviderPaymentFacts {
  // Quittance creates one purchase unit per order and captures it once (intent CAPTURE).
  const unit = order.purchase_units?.[0];
  const captures = unit?.payments?.captures ?? [];
  // A successful capture wins over an earlier declined attempt; otherwise the latest one speaks.
  const capture: PayPalCapture | undefined = captures.find((item) => SUCCEEDED_CAPTURE.has(item.status)) ?? captures.at(-1);
  const paymentId = unit?.custom_id ?? capture?.custom_id ?? null;
  if (!capture) {
    return {
      providerRef: order.id,
      // CREATED / PAYER_ACTION_REQUIRED wait for the buyer, APPROVED waits for our capture: both in flight.
      state: order.status === "VOIDED" ? "canceled" : "processing",
      amountReceived: 0,
      amountRefunded: 0,
      paymentId,
      chargeRef: null,
      failureMessage: null,
    };
  }
  const state = captureState(capture.status);
  const received = state === "succeeded" && capture.amount ? fromPayPalMoney(capture.amount).amount : 0;
  return {
    providerRef: order.id,
    state,
    amountReceived: received,
    amountRefunded: state === "succeeded" ? refundedAmount(capture, unit?.payments?.refunds ?? [], received) : 0,
    paymentId,
    chargeRef: capture.id,
    failureMessage:
      state === "failed" ? `PayPal capture ${capture.status.toLowerCase()}${capture.status_details?.reason ? `: ${capture.status_details.reason}` : ""}` : null,
  };
}

/**
 * Refunded so far: the sum of the order's refunds that are completed or pending (as Stripe counts
 * `amount_refunded`: a pending refund has left the merchant's hands). When PayPal lists no refunds,
 * the capture's status still says a full refund happened.
 */
function refundedAmount(capture: PayPalCapture, refunds: z.infer<typeof refundSchema>[], received: number): number {
  let total = 0;
  for (const refund of refunds) {
    if ((refund.status === "COMPLETED" || refund.status === "PENDING") && refund.amount) total += fromPayPalMoney(refund.amount).amount;
  }
  if (total === 0 && capture.status === "REFUNDED") return received;
  return Math.min(total, received);
}
