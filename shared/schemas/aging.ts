import { z } from "zod";
import { Amount, CalendarDate } from "./common";

/** `buckets=30,60,90`: ascending positive day limits, at most 6 (the last bucket is open-ended). */
export const AgingBuckets = z
  .string()
  .regex(/^[1-9]\d{0,3}(?:,[1-9]\d{0,3}){0,5}$/, "must be 1 to 6 positive whole numbers of days separated by commas, e.g. 30,60,90")
  .refine((value) => value.split(",").map(Number).every((days, index, all) => index === 0 || days > all[index - 1]!), "must be in strictly ascending order")
  .meta({ example: "30,60,90" });

export const AgingQuery = z.object({
  as_of: CalendarDate.optional().meta({ description: "The day the receivables are read at, end of day (default: today, UTC). An invoice paid since still counts." }),
  buckets: AgingBuckets.default("30,60,90").meta({ description: "Upper limits, in days past due, of the buckets after `current` (default 30,60,90 → current, 1-30, 31-60, 61-90, 91+)." }),
  by: z.enum(["customer", "currency"]).default("customer").meta({ description: "`customer`: per-customer rows and the totals; `currency`: the totals only." }),
  limit: z.coerce.number().int().min(1).max(100).default(100).meta({ description: "Customer rows per page." }),
  starting_after: z.string().max(64).optional().meta({ description: "A customer id: the rows after it (rows are in customer id order)." }),
  customer: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}(?:,[A-Za-z0-9_]{1,64}){0,99}$/, "must be 1 to 100 customer ids separated by commas")
    .optional()
    .meta({ description: "Only these customers (one id, or up to 100 separated by commas): their rows, and totals over them alone.", example: "cus_01jf9v3k8m2q7w4x5y6z0a1b2c" }),
});

const BucketAmounts = z.record(z.string(), Amount).meta({ description: "Amount per bucket key (`current`, `1-30`, …, `91+`), minor units." });

export const AgingReport = z
  .object({
    object: z.literal("aging_report"),
    as_of: z.string(),
    by: z.enum(["customer", "currency"]),
    buckets: z.array(z.object({ key: z.string(), from_days: z.int().nullable(), to_days: z.int().nullable() })).meta({
      description: "The buckets, by days past due (as_of − due date): `current` is not yet due (≤ 0).",
    }),
    currencies: z.array(
      z.object({
        currency: z.string(),
        total: Amount.meta({ description: "Receivables at the date, in this currency (never summed across currencies)." }),
        invoices: z.int(),
        buckets: BucketAmounts,
        unallocated_credit: Amount.meta({ description: "Money customers paid and have not applied yet (shown apart, not netted)." }),
        credit_notes: z.object({ count: z.int(), amount: Amount }).meta({ description: "Credit notes issued up to the date (already deducted from the invoices they credit)." }),
      }),
    ),
    customers: z
      .array(
        z.object({
          customer: z.string(),
          name: z.string().nullable(),
          currency: z.string(),
          total: Amount,
          invoices: z.int(),
          buckets: BucketAmounts,
          unallocated_credit: Amount,
        }),
      )
      .meta({ description: "With `by=customer`: one row per customer and currency, paginated with `limit`/`starting_after`." }),
    has_more: z.boolean(),
    next: z.string().nullable(),
  })
  .meta({ id: "AgingReport" });

export type AgingReportBody = z.infer<typeof AgingReport>;
