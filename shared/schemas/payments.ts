import { z } from "zod";
import { Amount, CalendarDate, Currency, CurrencyOut, idOf, OfflineMethod, PositiveAmount, Timestamp } from "./common";

export const PAYMENT_STATUSES = ["pending", "processing", "succeeded", "failed", "partially_refunded", "refunded"] as const;

export const AllocationCreate = z.strictObject({
  invoice: idOf("inv", "The invoice this part of the payment settles."),
  amount: PositiveAmount,
});

export const PaymentCreate = z
  .strictObject({
    method: OfflineMethod.meta({ description: "How the money arrived." }),
    amount: PositiveAmount,
    currency: Currency,
    reference: z.string().trim().min(1).max(200).optional().meta({ description: "Bank reference, cheque number…" }),
    received_on: CalendarDate.optional().meta({ description: "Day the money was received (default: today)." }),
    allocations: z
      .array(AllocationCreate)
      .min(1)
      .max(100)
      .meta({ description: "How the amount settles invoices; the amounts must add up to `amount`." }),
  })
  .meta({ id: "PaymentCreate" });

export const CreditAllocation = z
  .strictObject({ allocations: z.array(AllocationCreate).min(1).max(100) })
  .meta({ id: "CreditAllocation" });

export const RefundCreate = z
  .strictObject({
    amount: PositiveAmount.optional().meta({ description: "Default: everything not yet refunded (or, with `invoice`, everything that invoice received)." }),
    invoice: idOf("inv", "Refund what this payment gave this invoice (default: unallocated credit first, then the last invoice allocated first).").optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .meta({ id: "RefundCreate" });

export const AllocationSchema = z.object({
  invoice: z.string(),
  amount: Amount,
  amount_refunded: Amount,
  planned: z.boolean().meta({ description: "True while the payment is in flight: applied to the invoice when the provider confirms." }),
});

export const RefundSchema = z.object({
  id: z.string(),
  kind: z.enum(["refund", "dispute"]),
  amount: Amount,
  reason: z.string().nullable(),
  created: Timestamp,
});

export const PaymentSchema = z
  .object({
    id: idOf("pay", "Payment id"),
    object: z.literal("payment"),
    customer: z.string(),
    method: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    amount: Amount,
    amount_refunded: Amount,
    currency: CurrencyOut,
    reference: z.string().nullable(),
    received_on: z.string().nullable(),
    provider: z.enum(["stripe", "paypal", "sandbox"]).nullable().meta({ description: "null for an offline payment." }),
    failure_message: z.string().nullable(),
    amount_unallocated: Amount.meta({ description: "Received but applied to no invoice: the customer's credit (see POST /v1/payments/:id/allocate)." }),
    allocations: z.array(AllocationSchema),
    refunds: z.array(RefundSchema),
    created: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: "Payment" });

export type PaymentCreateInput = z.infer<typeof PaymentCreate>;
export type Payment = z.infer<typeof PaymentSchema>;

export const ClientPaymentCreate = z
  .strictObject({
    invoices: z
      .array(z.string().regex(/^inv_[0-9a-z]{26}$/, "must be an inv_… id"))
      .min(1)
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, "must not repeat an invoice")
      .meta({ description: "The invoices to pay at once; they must share one currency." }),
    method: z.enum(["card", "stripe_checkout", "paypal", "sandbox"]),
    return_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .meta({ description: "Where Stripe Checkout and PayPal send the payer back; must be on an allowed origin." }),
  })
  .meta({ id: "ClientPaymentCreate" });

export const ClientActionSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("card"), client_secret: z.string(), publishable_key: z.string() }),
    z.object({ type: z.literal("redirect"), url: z.string() }),
    z.object({ type: z.literal("paypal"), order_id: z.string(), client_id: z.string(), approve_url: z.string().nullable() }),
    z.object({ type: z.literal("sandbox"), form_url: z.string(), token: z.string() }),
  ])
  .meta({ id: "ClientAction", description: "What the browser does next: mount Stripe's Payment Element, redirect, show PayPal's buttons, or the sandbox card form." });

export const ClientPaymentSchema = z
  .object({
    id: z.string(),
    object: z.literal("client_payment"),
    status: z.enum(PAYMENT_STATUSES),
    method: z.string(),
    amount: Amount,
    currency: CurrencyOut,
    invoices: z.array(z.string()),
    failure_message: z.string().nullable(),
    action: ClientActionSchema.nullable(),
    created: Timestamp,
  })
  .meta({ id: "ClientPayment" });
