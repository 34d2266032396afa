import { z } from "zod";
import {
  DEFAULT_LATE_FEE_POLICY,
  ECB_MAIN_REFINANCING_RATES,
  FR_RECOVERY_INDEMNITY,
  FR_STATUTORY_MARGIN_BP,
  MAX_RATE_BP,
  type LateFeePolicy,
} from "../late-fees";
import { MAX_AMOUNT } from "../money";
import { CalendarDate, Currency } from "./common";

export { DEFAULT_LATE_FEE_POLICY };

const RateBp = z.int().min(0).max(MAX_RATE_BP);

export const ReferenceRateSchema = z.strictObject({
  from: CalendarDate.meta({ description: "The day this rate takes effect.", example: "2026-01-01" }),
  rate_bp: RateBp.meta({ description: "ECB main refinancing rate, basis points (215 = 2.15 %).", example: 215 }),
});

/**
 * An invoice's late-fee policy (see `shared/late-fees.ts` for the rules and the rounding).
 * `{ "kind": "fr_b2b_statutory" }` alone is the French B2B default: every other field has its
 * statutory default.
 */
export const LateFeePolicySchema = z
  .strictObject({
    kind: z.enum(["fr_b2b_statutory", "fixed_rate", "none"]).meta({
      description: "fr_b2b_statutory: ECB rate on 1 Jan / 1 Jul + margin; fixed_rate: fixed_rate_bp; none: no interest.",
    }),
    reference_rates: z
      .array(ReferenceRateSchema)
      .max(400)
      .refine((rates) => rates.every((rate, index) => index === 0 || rates[index - 1]!.from < rate.from), "must be in ascending order of from, without duplicate dates")
      .default(() => ECB_MAIN_REFINANCING_RATES.map((rate) => ({ ...rate })))
      .meta({ description: "The ECB main refinancing rate history; the rate in force on 1 January / 1 July applies to the half-year." }),
    margin_bp: RateBp.default(FR_STATUTORY_MARGIN_BP).meta({ description: "Points added to the reference rate, basis points (1000 = 10 points).", example: 1000 }),
    fixed_rate_bp: RateBp.optional().meta({ description: "Annual rate for kind fixed_rate, basis points.", example: 1200 }),
    recovery_indemnity: z
      .int()
      .min(0)
      .max(MAX_AMOUNT)
      .default(FR_RECOVERY_INDEMNITY)
      .meta({ description: "Fixed sum per late invoice, minor units of recovery_indemnity_currency (4000 = €40); 0 waives it.", example: 4000 }),
    recovery_indemnity_currency: Currency.default("eur").meta({ description: "Invoices in another currency carry no indemnity." }),
    applies_to_consumers: z.boolean().default(false).meta({ description: "Whether consumers' invoices accrue fees too (a contractual clause)." }),
  })
  .superRefine((policy, ctx) => {
    if (policy.kind === "fixed_rate" && policy.fixed_rate_bp === undefined) {
      ctx.addIssue({ code: "custom", message: "is required when kind is fixed_rate", path: ["fixed_rate_bp"] });
    }
    if (policy.kind === "fr_b2b_statutory" && policy.reference_rates.length === 0) {
      ctx.addIssue({ code: "custom", message: "must hold at least one rate when kind is fr_b2b_statutory", path: ["reference_rates"] });
    }
  })
  .meta({ id: "LateFeePolicy" });

export type LateFeePolicyInput = z.input<typeof LateFeePolicySchema>;

// The schema's output is a LateFeePolicy and the default policy passes the schema (checked by the types).
const outputIsPolicy: (value: z.output<typeof LateFeePolicySchema>) => LateFeePolicy = (value) => value;
const defaultIsInput: LateFeePolicyInput = DEFAULT_LATE_FEE_POLICY;
void outputIsPolicy;
void defaultIsInput;
