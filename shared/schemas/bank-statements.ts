import { z } from "zod";
import { Amount, idOf, ListQuery, Timestamp } from "./common";
import { AllocationCreate } from "./payments";

export const STATEMENT_LINE_STATUSES = ["matched", "unmatched", "ignored", "duplicate"] as const;
export const MATCH_METHODS = ["reference", "invoice_number", "amount_and_payer", "manual"] as const;

export const StatementSuggestionSchema = z
  .object({
    invoice: z.string(),
    number: z.string(),
    customer: z.string(),
    amount_due: Amount,
    reason: z.string().meta({ description: "Why this invoice is suggested, e.g. 'same amount as the transfer, payer name matches the customer'." }),
  })
  .meta({ id: "StatementSuggestion" });

export const StatementLineSchema = z
  .object({
    object: z.literal("bank_statement_line"),
    line: z.int().meta({ description: "Position in the file, from 1: the `:line` of the allocate call." }),
    status: z.enum(STATEMENT_LINE_STATUSES).meta({
      description: "matched: a payment was recorded; unmatched: a credit nothing certain matched (see suggestions); ignored: a debit, a pending or reversed entry; duplicate: already imported.",
    }),
    direction: z.enum(["credit", "debit"]),
    amount: Amount,
    currency: z.string(),
    account: z.string().meta({ description: "The account credited (IBAN, or OFX bank/account id)." }),
    booking_date: z.string().nullable(),
    value_date: z.string().nullable(),
    entry_reference: z.string().meta({ description: "The bank's reference of the transaction (AcctSvcrRef, NtryRef, TxDtls Refs, OFX FITID), or a name derived from its content; what deduplicates it." }),
    structured_reference: z.string().nullable().meta({ description: "RmtInf/Strd/CdtrRefInf/Ref, e.g. an RF creditor reference." }),
    remittance_information: z.string().nullable().meta({ description: "RmtInf/Ustrd, or the OFX MEMO." }),
    payer_name: z.string().nullable(),
    payer_iban: z.string().nullable(),
    ignored_reason: z.string().nullable(),
    match_method: z.enum(MATCH_METHODS).nullable(),
    payment: z.string().nullable(),
    allocations: z.array(z.object({ invoice: z.string(), amount: Amount })).meta({ description: "How the payment settled invoices (empty unless matched)." }),
    amount_unallocated: Amount.meta({ description: "Of a matched line: the money left as the customer's credit." }),
    suggestions: z.array(StatementSuggestionSchema).meta({ description: "Unmatched lines only: up to 3 open invoices that may be the one, best first." }),
  })
  .meta({ id: "BankStatementLine" });

export const StatementCountsSchema = z.object({
  lines: z.int(),
  matched: z.int(),
  unmatched: z.int(),
  ignored: z.int(),
  duplicate: z.int(),
  amount_matched: Amount.meta({ description: "Sum of the matched lines (all currencies added: one per statement in practice)." }),
});

export const BankStatementSchema = z
  .object({
    id: idOf("bst", "Bank statement id"),
    object: z.literal("bank_statement"),
    format: z.enum(["camt.053", "camt.054", "ofx"]),
    message_id: z.string().nullable(),
    account: z.string(),
    period_start: z.string().nullable(),
    period_end: z.string().nullable(),
    status: z.enum(["importing", "imported"]),
    counts: StatementCountsSchema,
    lines: z
      .object({ data: z.array(StatementLineSchema), has_more: z.boolean(), next: z.int().nullable() })
      .meta({ description: "The first lines (at most `lines_limit`, default 100); page on with GET /v1/bank_statements/:id/lines?starting_after=." }),
    created: Timestamp,
  })
  .meta({ id: "BankStatement" });

export const BankStatementSummarySchema = BankStatementSchema.omit({ lines: true }).meta({ id: "BankStatementSummary" });

export const StatementLinesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: "1–500, default 100." }),
  starting_after: z.coerce.number().int().min(0).optional().meta({ description: "The `line` of the last line of the previous page." }),
  status: z.enum(STATEMENT_LINE_STATUSES).optional(),
});

export const StatementUploadQuery = z.object({
  lines_limit: z.coerce.number().int().min(0).max(500).default(100).meta({ description: "How many lines the answer carries (0–500, default 100)." }),
});

export const StatementListQuery = ListQuery;

export const LineAllocation = z
  .union([
    z.strictObject({ invoice: idOf("inv", "Confirm a suggestion: the whole line goes to this invoice, up to its amount due; the rest is the customer's credit.") }),
    z.strictObject({
      allocations: z.array(AllocationCreate).min(1).max(100).meta({ description: "How the line's money settles invoices of one customer; the sum may not exceed the line's amount (the rest is the customer's credit)." }),
    }),
  ])
  .meta({ id: "StatementLineAllocation" });

export const LineIgnore = z
  .strictObject({ reason: z.string().trim().min(1).max(200).optional().meta({ description: "Why (default: 'ignored by hand').", example: "virement interne" }) })
  .meta({ id: "StatementLineIgnore" });

export const LineParams = z.object({
  id: z.string().max(64).meta({ param: { name: "id", in: "path" }, example: "bst_01jf9v3k8m2q7w4x5y6z0a1b2c" }),
  line: z.coerce.number().int().min(1).max(1_000_000).meta({ param: { name: "line", in: "path" }, example: 3 }),
});

export type StatementLine = z.infer<typeof StatementLineSchema>;
export type BankStatement = z.infer<typeof BankStatementSchema>;
export type LineAllocationInput = z.infer<typeof LineAllocation>;
