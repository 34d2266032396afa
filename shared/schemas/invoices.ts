import { z } from "zod";
import { MAX_AMOUNT, MAX_QUANTITY, MAX_TAX_RATE_BP, quantityToMilli } from "../money";
import { ClientBankTransferSchema } from "./bank-transfer";
import { LateFeePolicySchema } from "./late-fees";
import { FR_VAT_RATE_MESSAGE, InvoiceEinvoiceInput, InvoiceEinvoiceSchema, isFrenchVatRate } from "./einvoice";
import { Amount, CalendarDate, Currency, CurrencyOut, idOf, ListQuery, OnlineMethod, Timestamp, withDefault } from "./common";

import { INVOICE_STATUSES, type InvoiceStatusValue } from "../status";

export { INVOICE_STATUSES, type InvoiceStatusValue };
export const InvoiceStatus = z.enum(INVOICE_STATUSES);

export const LineCreate = z.strictObject({
  description: z.string().trim().min(1).max(500),
  quantity: z
    .number()
    .positive()
    .max(MAX_QUANTITY)
    .refine((value) => quantityToMilli(value) !== null, "must have at most 3 decimals")
    .meta({ description: "Up to 3 decimals (hours, kilograms…).", example: 2 }),
  unit_amount: z
    .int()
    .min(-MAX_AMOUNT)
    .max(MAX_AMOUNT)
    .meta({ description: "Unit price excluding tax, in minor units; negative for a discount line.", example: 1999 }),
  tax_rate: withDefault(z.int().min(0).max(MAX_TAX_RATE_BP).refine(isFrenchVatRate, FR_VAT_RATE_MESSAGE), () => 0).meta({
    description: "VAT rate in basis points, one the French e-invoicing rules accept (0, 90, 105, 175, 210, 550, 700, 850, 920, 960, 1000, 1300, 1960, 2000, 2060): 2000 = 20 %, 550 = 5.5 %. Optional, default 0.",
    example: 2000,
  }),
});

/** The payment terms printed on an invoice; defaults come from the merchant's settings. */
export const Terms = z.strictObject({
  late_fee_policy: z.string().trim().max(1000).optional().meta({
    description: "Late-payment penalties as printed on the invoice.",
    example: "Pénalités de retard : taux BCE + 10 points. Indemnité forfaitaire pour frais de recouvrement : 40 €.",
  }),
  early_payment_discount: z.string().trim().max(500).optional().meta({ example: "Pas d'escompte pour paiement anticipé." }),
  customer_type: z.enum(["business", "consumer"]).optional().meta({ description: "B2B (default) or B2C terms." }),
  late_fee: LateFeePolicySchema.optional().meta({ description: "How late fees accrue (default: the merchant's settings.late_fees, copied at creation)." }),
});

const invoiceFields = {
  customer: idOf("cus", "The customer billed."),
  currency: Currency,
  lines: z.array(LineCreate).min(1).max(100),
  due_date: CalendarDate.optional().meta({ description: "Explicit due date; or give net_days." }),
  net_days: z.int().min(0).max(365).optional().meta({ description: "Days after issue until due." }),
  terms: Terms.optional(),
  payment_methods: z.array(OnlineMethod).min(1).max(4).optional().meta({ description: "Restricts the merchant's accepted methods for this invoice." }),
  memo: z.string().trim().max(2000).optional(),
  einvoice: InvoiceEinvoiceInput.optional(),
};

const dueDateXorNetDays = (value: { due_date?: string | undefined; net_days?: number | undefined }) =>
  !(value.due_date !== undefined && value.net_days !== undefined);

export const InvoiceCreate = z
  .strictObject({ ...invoiceFields, issue: z.boolean().optional().meta({ description: "Issue at once (number assigned, immutable)." }) })
  .refine(dueDateXorNetDays, { message: "give due_date or net_days, not both", path: ["net_days"] })
  .meta({ id: "InvoiceCreate" });

export const InvoiceUpdate = z
  .strictObject({
    customer: invoiceFields.customer.optional(),
    currency: invoiceFields.currency.optional(),
    lines: invoiceFields.lines.optional(),
    due_date: invoiceFields.due_date.nullable(),
    net_days: invoiceFields.net_days.nullable(),
    terms: invoiceFields.terms,
    payment_methods: invoiceFields.payment_methods.nullable(),
    memo: invoiceFields.memo.nullable(),
    einvoice: InvoiceEinvoiceInput.nullable().meta({ description: "null: back to settings.einvoicing." }),
  })
  .partial()
  .refine((value) => !(value.due_date && value.net_days != null), { message: "give due_date or net_days, not both", path: ["net_days"] })
  .meta({ id: "InvoiceUpdate", description: "Changes a draft; an issued invoice answers 409 invoice_immutable." });

export const InvoiceListQuery = ListQuery.extend({
  status: InvoiceStatus.optional(),
  customer: z.string().max(64).optional(),
  overdue: z.enum(["true", "false"]).optional(),
  due_before: CalendarDate.optional(),
  due_after: CalendarDate.optional(),
  q: z.string().trim().min(1).max(64).optional().meta({ description: "Search: the invoice number or the customer's name contains this text (case-insensitive)." }),
});

export const LineSchema = z.object({
  description: z.string(),
  quantity: z.number(),
  unit_amount: Amount,
  tax_rate: z.int(),
  amount_subtotal: Amount,
  amount_tax: Amount,
  amount_total: Amount,
});

export const InvoicePaymentSchema = z.object({
  payment: idOf("pay", "Payment id"),
  amount: Amount,
  amount_refunded: Amount,
  method: z.string(),
  status: z.string(),
  created: Timestamp,
});

export const InvoiceSchema = z
  .object({
    id: idOf("inv", "Invoice id"),
    object: z.literal("invoice"),
    number: z.string().nullable().meta({ description: "Assigned at issue, e.g. F2026-000042." }),
    customer: z.string(),
    status: InvoiceStatus,
    processing: z.boolean().meta({ description: "A payment is in flight." }),
    currency: CurrencyOut,
    lines: z.array(LineSchema),
    subtotal: Amount,
    tax: Amount,
    total: Amount,
    tax_breakdown: z.array(z.object({ tax_rate: z.int(), taxable_amount: Amount, tax_amount: Amount })),
    amount_paid: Amount,
    amount_credited: Amount.meta({ description: "What credit notes took off the invoice." }),
    amount_due: Amount.meta({ description: "total − amount_paid − amount_credited." }),
    credit_notes: z.array(z.object({ id: z.string(), number: z.string(), issued_on: z.string(), total: Amount })).meta({ description: "The credit notes issued on it, oldest first." }),
    due_date: z.string().nullable(),
    net_days: z.int().nullable(),
    overdue: z.boolean(),
    days_overdue: z.int(),
    late_fees: z
      .object({ days_late: z.int(), interest: Amount, indemnity: Amount, total: Amount })
      .nullable()
      .meta({ description: "Fees accrued to date under the invoice's terms (null unless overdue); charged online only if the merchant turns that on." }),
    terms: Terms,
    payment_methods: z.array(OnlineMethod).nullable(),
    memo: z.string().nullable(),
    einvoice: InvoiceEinvoiceSchema.nullable().meta({ description: "This invoice's own e-invoicing choices (null: settings.einvoicing)." }),
    payments: z.array(InvoicePaymentSchema),
    hosted_url: z.string().nullable(),
    version: z.int(),
    issued_at: Timestamp.nullable(),
    voided_at: Timestamp.nullable(),
    paid_at: Timestamp.nullable(),
    created: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: "Invoice" });

/**
 * An invoice as the client endpoints answer it: with its currency's ISO 4217 exponent, so a browser
 * can write the amounts exactly (`1999` with exponent 2 is 19.99) without a currency table.
 */
export const ClientInvoiceSchema = InvoiceSchema.extend({
  currency_exponent: z.int().min(0).max(3).meta({ description: "The currency's ISO 4217 exponent: the number of decimals of its minor unit (eur 2, jpy 0, kwd 3)." }),
  bank_transfer: ClientBankTransferSchema.nullable().meta({ description: "How to pay it by bank transfer, when something is due and the merchant set settings.bank_account; else null." }),
}).meta({ id: "ClientInvoice" });

export const InvoiceStatusSchema = z
  .object({
    id: z.string(),
    status: InvoiceStatus,
    processing: z.boolean(),
    amount_due: Amount,
    amount_paid: Amount,
    currency: CurrencyOut,
    overdue: z.boolean(),
    days_overdue: z.int(),
    version: z.int(),
    updated_at: Timestamp,
  })
  .meta({ id: "InvoiceStatus" });

export const StatusQuery = z.object({
  wait: z.coerce.number().int().min(1).max(30).optional().meta({ description: "Long-poll up to this many seconds for a change." }),
  version: z.coerce.number().int().min(0).optional().meta({ description: "Wait for a version other than this one (default: the current one)." }),
});

export type InvoiceCreateInput = z.infer<typeof InvoiceCreate>;
export type InvoiceUpdateInput = z.infer<typeof InvoiceUpdate>;
export type Invoice = z.infer<typeof InvoiceSchema>;
export type ClientInvoice = z.infer<typeof ClientInvoiceSchema>;
export type InvoiceStatusBody = z.infer<typeof InvoiceStatusSchema>;
export type TermsValue = z.infer<typeof Terms>;
