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

export const RefundCreate = z
  .strictObject({
    amount: PositiveAmount.optional().meta({ description: "Default: everything not yet refunded." }),
    reason: z.string().trim().max(500).optional(),
  })
  .meta({ id: "RefundCreate" });

export const AllocationSchema = z.object({
  invoice: z.string(),
  amount: Amount,
  amount_refunded: Amount,
});

export const RefundSchema = z.object({ id: z.string(), amount: Amount, reason: z.string().nullable(), created: Timestamp });

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
    allocations: z.array(AllocationSchema),
    refunds: z.array(RefundSchema),
    created: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: "Payment" });

export type PaymentCreateInput = z.infer<typeof PaymentCreate>;
export type Payment = z.infer<typeof PaymentSchema>;
