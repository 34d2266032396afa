import { z } from "zod";
import { MAX_AMOUNT, MAX_TAX_RATE_BP } from "../money";
import { Amount, CalendarDate, CurrencyOut, idOf, ListQuery, PositiveAmount, Timestamp } from "./common";
import { LineCreate } from "./invoices";

/**
 * One line of a partial credit note: either a line of the invoice by its position (`line`, 0 for
 * the first; its description, unit price and VAT rate are copied, `quantity` defaults to what is
 * left of it), or a free line (`description`, `quantity`, `unit_amount`, and `tax_rate` — one of
 * the invoice's rates, optional when the invoice has only one).
 */
export const CreditNoteLineCreate = z
  .strictObject({
    line: z.int().min(0).max(99).optional().meta({ description: "Position of the invoice line credited (0 for the first)." }),
    description: z.string().trim().min(1).max(500).optional().meta({ description: "Required for a free line; replaces the invoice line's wording otherwise." }),
    quantity: LineCreate.shape.quantity.optional().meta({ description: "Up to 3 decimals; for an invoice line, default: what is left of it." }),
    unit_amount: z.int().min(-MAX_AMOUNT).max(MAX_AMOUNT).optional().meta({ description: "Free lines only: unit price excluding tax, in minor units." }),
    tax_rate: z.int().min(0).max(MAX_TAX_RATE_BP).optional().meta({ description: "Free lines only: VAT rate in basis points, one of the invoice's." }),
  })
  .meta({ id: "CreditNoteLineCreate" });

export const CreditNoteCreate = z
  .strictObject({
    lines: z.array(CreditNoteLineCreate).min(1).max(100).optional().meta({ description: "A partial credit note by lines." }),
    amount: PositiveAmount.optional().meta({
      description: "A partial credit note by amount incl. tax, split across the invoice's VAT rates pro rata of what remains at each (largest remainder).",
    }),
    reason: z.string().trim().min(1).max(500).meta({ description: "Why the invoice is credited; printed on the credit note.", example: "Retour de marchandise" }),
    refund: z.boolean().optional().meta({ description: "Refund what the credit note takes off payments through the original payment(s). Default false: it stays the customer's credit." }),
  })
  .refine((value) => !(value.lines !== undefined && value.amount !== undefined), { message: "give lines or amount, not both", path: ["amount"] })
  .meta({ id: "CreditNoteCreate", description: "Neither lines nor amount: the whole of what the invoice still carries." });

export const CreditNoteLineSchema = z.object({
  invoice_line: z.int().nullable().meta({ description: "The invoice line credited (its position), or null." }),
  description: z.string(),
  quantity: z.number(),
  unit_amount: Amount,
  tax_rate: z.int(),
  amount_subtotal: Amount,
  amount_tax: Amount,
  amount_total: Amount,
});

export const CreditNoteTaxRow = z.object({ tax_rate: z.int().meta({ description: "Basis points." }), subtotal: Amount, tax: Amount });

export const CreditNoteSchema = z
  .object({
    id: idOf("cn", "Credit note id"),
    object: z.literal("credit_note"),
    number: z.string().meta({ example: "AV2026-000001" }),
    invoice: z.string(),
    invoice_number: z.string(),
    invoice_issued_on: CalendarDate,
    customer: z.string(),
    currency: CurrencyOut,
    lines: z.array(CreditNoteLineSchema),
    subtotal: Amount,
    tax: Amount,
    total: Amount,
    tax_breakdown: z.array(CreditNoteTaxRow),
    applied_to_invoice: Amount.meta({ description: "The part that lowered the invoice's amount due." }),
    to_credit: Amount.meta({ description: "The part taken off the invoice's payments: the customer's credit, or refunded." }),
    refunded: Amount.meta({ description: "What was refunded for this credit note (refund: true)." }),
    reason: z.string(),
    issued_on: CalendarDate,
    issued_at: Timestamp,
    hosted_url: z.string().meta({ description: "The printable credit note (facture d'avoir)." }),
    pdf: z.string().meta({ description: "The Factur-X PDF of the credit note (`GET /v1/credit_notes/:id/pdf`, merchant keys)." }),
    refund_error: z.string().optional().meta({ description: "Only on the POST answer: why a refund asked for failed (the amount stays the customer's credit)." }),
  })
  .meta({ id: "CreditNote" });

/** A credit note as its invoice lists it (also what a client sees of it). */
export const CreditNoteSummary = z.object({ id: z.string(), number: z.string(), issued_on: CalendarDate, total: Amount });

export const CreditNoteListQuery = ListQuery.extend({
  invoice: z.string().max(64).optional(),
  customer: z.string().max(64).optional(),
});

export type CreditNoteCreateInput = z.infer<typeof CreditNoteCreate>;
export type CreditNote = z.infer<typeof CreditNoteSchema>;
