/**
 * `POST /v1/payments/:id/refund`: an offline payment's refund is recorded; a provider payment's
 * refund goes through the provider first (with the refund's id as idempotency key, so a retried
 * request never refunds twice), and is recorded once the provider accepted it. The provider's own
 * refund webhook then finds the total already recorded and changes nothing.
 */
import { withRetries } from "../db/batch";
import type { LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/crypto";
import { providerFor } from "../providers";
import { ProviderError } from "../providers/types";
import { findPayment, loadAllocations, refundedTotal, unallocatedOf, type PaymentRow } from "./queries";
import { reversePayment } from "./settle";

export async function refundByMerchant(
  env: Env,
  merchantId: string,
  paymentId: string,
  input: {
    amount?: number | undefined;
    reason?: string | undefined;
    invoice?: string | undefined;
    /** A credit note's refund: it names the credit note and comes out of the payment's unallocated credit only. */
    creditNote?: string | undefined;
  },
  origin: string,
  now: Date,
): Promise<LogMoved> {
  const refundId = newId("re");
  let providerRefunded: { amount: number; ref: string } | null = null;
  await withRetries(async () => {
    const payment = await findPayment(env.DB, merchantId, paymentId);
    if (payment === null) throw notFound("payment", paymentId);
    if (providerRefunded !== null) {
      // Refunded at the provider, but the payment changed before the refund was recorded: maybe by
      // the provider's own refund webhook, which already counted it. Record only what is missing.
      const amount = await unrecordedRefund(env, merchantId, payment, providerRefunded.amount, origin);
      if (amount > 0) {
        await reversePayment(env.DB, merchantId, payment, { amount, kind: "refund", reason: input.reason ?? null, providerRef: providerRefunded.ref, refundId, invoiceId: input.invoice, creditNoteId: input.creditNote }, undefined, now);
      }
      return;
    }
    if (payment.status !== "succeeded" && payment.status !== "partially_refunded") {
      throw new ApiError("payment_not_refundable", `This payment is ${payment.status}: nothing to refund.`);
    }
    let refundable = payment.amount - payment.amount_refunded;
    if (input.invoice !== undefined) {
      const allocation = (await loadAllocations(env.DB, payment.id)).find((row) => row.invoice_id === input.invoice && row.applied === 1);
      if (allocation === undefined) throw new ApiError("parameter_invalid", `This payment did not pay invoice ${input.invoice}.`, "invoice");
      refundable = Math.min(refundable, allocation.amount - allocation.amount_refunded);
    }
    if (input.creditNote !== undefined) refundable = Math.min(refundable, unallocatedOf(payment, await loadAllocations(env.DB, payment.id)));
    const amount = input.amount ?? refundable;
    if (amount > refundable || amount <= 0) throw new ApiError("refund_exceeds_amount", `At most ${refundable} can still be refunded${input.invoice ? " for this invoice" : ""}.`, "amount");
    if (payment.provider !== null) {
      const provider = await providerFor(env, merchantId, payment.provider, origin, "id");
      try {
        const { refundRef } = await provider.refund(payment.charge_ref ?? payment.provider_ref ?? "", amount, payment.currency, refundId);
        providerRefunded = { amount, ref: refundRef };
      } catch (error) {
        if (error instanceof ProviderError || error instanceof Error) {
          throw new ApiError("provider_error", `The provider refused the refund: ${error.message}`);
        }
        throw error;
      }
    }
    await reversePayment(env.DB, merchantId, payment, { amount, kind: "refund", reason: input.reason ?? null, providerRef: providerRefunded?.ref ?? null, refundId, invoiceId: input.invoice, creditNoteId: input.creditNote }, undefined, now);
  });
  return { merchantId };
}

/**
 * How much of a refund the provider made is not recorded yet: the provider's cumulative refunded
 * total less the refunds recorded (what its refund webhooks record too), at most `amount`. When the
 * provider cannot be asked, the whole amount (a later refund webhook finds the total recorded).
 */
async function unrecordedRefund(env: Env, merchantId: string, payment: PaymentRow, amount: number, origin: string): Promise<number> {
  const recorded = await refundedTotal(env.DB, payment.id);
  let missing = amount;
  try {
    const provider = await providerFor(env, merchantId, payment.provider!, origin, "id");
    missing = (await provider.retrievePayment(payment.provider_ref!)).amountRefunded - recorded;
  } catch (error) {
    console.error("could not re-read the refunded total", payment.id, error);
  }
  return Math.min(amount, missing, payment.amount - payment.amount_refunded);
}
