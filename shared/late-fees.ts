/**
 * Late-payment fees accrued on an unpaid invoice: interest at the rate of the invoice's late-fee
 * policy plus, for business buyers, the fixed recovery indemnity. Pure: the day is a parameter
 * (`today`, `YYYY-MM-DD`, UTC), nothing is read from a clock, a database or the network.
 *
 * ## The French statutory default (Code de commerce L441-10 and D441-5)
 * - Interest runs **without any reminder**, from the day after the due date, up to and including
 *   `today`. The due date is the last day to pay (as in `status.ts`): due 2026-03-31 and
 *   `today` 2026-04-30 is 30 days late, the first one being 2026-04-01.
 * - The annual rate is the ECB main refinancing rate **in force on 1 January** for the days of
 *   January–June and **in force on 1 July** for the days of July–December, plus 10 points
 *   (`margin_bp` 1000). A change of the ECB rate in the middle of a half-year therefore changes
 *   nothing until the next 1 January / 1 July. The lateness period is split at every half-year
 *   boundary (30 June / 1 July and 31 December / 1 January), each part carrying its own rate, even
 *   when two consecutive half-years have the same rate: one line per half-year, as the rate is
 *   published per half-year.
 * - Interest = amount due including tax × rate × days late / 365, simple interest (never
 *   compounded). **The divisor is 365 even in a leap year**, as the statute writes it: every day
 *   late counts, 29 February included, so a full leap year late costs 366/365 of the annual rate.
 * - €40 fixed recovery indemnity, once per late invoice, for business buyers only
 *   (`recovery_indemnity` 4000 minor units of EUR).
 * - Consumers: no statutory penalty and no indemnity. A policy applies to a consumer's invoice only
 *   when it says so (`applies_to_consumers: true`, a contractual clause); otherwise a consumer's
 *   late invoice accrues nothing at all — neither interest nor indemnity.
 *
 * ## Kinds
 * - `fr_b2b_statutory`: the rule above, rate = reference rate (from `reference_rates`) + `margin_bp`.
 * - `fixed_rate`: a contractual annual rate `fixed_rate_bp` (no margin added, no reference rate),
 *   one single period from the day after the due date to `today`.
 * - `none`: no interest. The indemnity is governed by `recovery_indemnity` alone (set it to 0 to
 *   waive it): the kind chooses the interest rule, never the indemnity.
 *
 * ## Rounding (the one rule, chosen here)
 * Each period is rounded on its own, then the periods are summed:
 *
 *     period interest = round(amountDue × rate_bp × days / (10 000 × 365))
 *     interest        = Σ period interest
 *
 * with BigInt arithmetic and `round` = half away from zero to the currency's minor unit
 * ({@link divideRounded}). Why per period rather than one rounding of the summed numerators:
 * - it is the rule of `money.ts` (round each line, totals are plain sums), so the breakdown shown
 *   to the debtor adds up to `interest` by construction, with no allocation of remainders;
 * - every line of the breakdown can be checked by hand with the formula printed on the invoice;
 * - a half-year line, once the half-year is over, never changes again: a reminder sent in
 *   September shows the same January–June figure as one sent in July.
 * The price is at most half a minor unit per period of difference from a single rounding (periods
 * are half-years, so a few at most): invisible beside the interest itself.
 * Interest grows monotonically with `today` (a longer period never rounds lower).
 *
 * ## Currencies
 * Interest is in the invoice's currency and minor unit (0-decimal JPY and 3-decimal KWD work the
 * same way: the formula never mentions the exponent). The indemnity is a fixed sum in one currency,
 * `recovery_indemnity_currency` (default `"eur"`, the €40 of the statute): it is charged only on
 * invoices in that currency. A non-EUR invoice carries **no indemnity unless configured**, i.e. a
 * policy giving `recovery_indemnity` in that invoice's currency (e.g. 4000 with `"gbp"`). We never
 * convert: no exchange rate is known here, and a converted €40 would change every day.
 *
 * ## What the caller passes
 * `amountDue` is what remains owed today, including tax, in minor units; the whole of it is
 * assumed outstanding over the whole lateness period (partial payments made while late are not
 * split out). An amount due of 0 accrues nothing (no interest, no indemnity). Figures that would
 * leave the range money may take throw {@link AmountOutOfRangeError}; malformed input (a negative
 * or non-integer amount, a malformed date, a policy without the rate it needs) throws a RangeError.
 * No float is used anywhere.
 */
import type { CurrencyCode } from "./currencies";
import { AmountOutOfRangeError, MAX_AMOUNT, divideRounded } from "./money";
import { addDays, daysBetween } from "./status";

/** The statute's divisor: 365 days, leap years included. */
export const DAYS_PER_YEAR = 365;
/** Rates are basis points: 1215 is 12.15 % a year. */
export const BASIS_POINTS = 10_000;
/** The highest rate (reference, margin or fixed) a policy may hold: 100 % a year. */
export const MAX_RATE_BP = 10_000;
/** Ten percentage points: the statutory margin over the ECB rate. */
export const FR_STATUTORY_MARGIN_BP = 1000;
/** €40 in cents: the statutory fixed recovery indemnity (D441-5). */
export const FR_RECOVERY_INDEMNITY = 4000;

export type LateFeeKind = "fr_b2b_statutory" | "fixed_rate" | "none";
export type CustomerType = "business" | "consumer";

/** One value of the reference rate, in force from `from` (inclusive) until the next entry. */
export interface ReferenceRate {
  /** `YYYY-MM-DD`: the day this rate takes effect. */
  from: string;
  /** The ECB main refinancing rate, basis points (215 = 2.15 %). */
  rate_bp: number;
}

/** How an invoice accrues late fees. See the module header for the rules. */
export interface LateFeePolicy {
  kind: LateFeeKind;
  /** The ECB main refinancing rate history, ascending by `from`. Used by `fr_b2b_statutory`. */
  reference_rates: ReferenceRate[];
  /** Added to the reference rate, basis points (1000 = 10 points). Used by `fr_b2b_statutory`. */
  margin_bp: number;
  /** The contractual annual rate, basis points. Required by `fixed_rate`, ignored otherwise. */
  fixed_rate_bp?: number | undefined;
  /** Fixed sum per late invoice in minor units of `recovery_indemnity_currency` (4000 = €40); 0 waives it. */
  recovery_indemnity: number;
  /** The currency of `recovery_indemnity`; default `"eur"`. Invoices in another currency get no indemnity. */
  recovery_indemnity_currency?: CurrencyCode | undefined;
  /** Whether the policy also applies to consumers' invoices (a contractual clause); default false. */
  applies_to_consumers?: boolean | undefined;
}

/**
 * The ECB main refinancing rate in force on each 1 January and 1 July (the only days the statutory
 * rate looks at), as published for the French statutory rate. Extend it (or the merchant's
 * policy) when the ECB publishes a new half-year's rate: a date after the last entry uses the last
 * known rate.
 */
export const ECB_MAIN_REFINANCING_RATES: readonly ReferenceRate[] = [
  { from: "2023-01-01", rate_bp: 250 },
  { from: "2023-07-01", rate_bp: 400 },
  { from: "2024-01-01", rate_bp: 450 },
  { from: "2024-07-01", rate_bp: 425 },
  { from: "2025-01-01", rate_bp: 315 },
  { from: "2025-07-01", rate_bp: 215 },
  { from: "2026-01-01", rate_bp: 215 },
];

/** The French B2B default: ECB rate + 10 points and the €40 indemnity; consumers accrue nothing. */
export const DEFAULT_LATE_FEE_POLICY: LateFeePolicy = {
  kind: "fr_b2b_statutory",
  reference_rates: ECB_MAIN_REFINANCING_RATES.map((rate) => ({ ...rate })),
  margin_bp: FR_STATUTORY_MARGIN_BP,
  recovery_indemnity: FR_RECOVERY_INDEMNITY,
  recovery_indemnity_currency: "eur",
  applies_to_consumers: false,
};

export interface LateFeeInput {
  /** What remains owed, including tax, in minor units of `currency` (≥ 0). */
  amountDue: number;
  currency: CurrencyCode;
  /** `YYYY-MM-DD`: the last day to pay. */
  dueDate: string;
  /** `YYYY-MM-DD` (UTC): interest runs up to and including this day. */
  today: string;
  policy: LateFeePolicy;
  customerType: CustomerType;
}

/** One stretch of the lateness period at a single annual rate; `from` and `to` are inclusive. */
export interface LateFeePeriod {
  from: string;
  to: string;
  days: number;
  /** The annual rate applied, basis points (reference + margin, or the fixed rate). */
  rate_bp: number;
  /** round(amountDue × rate_bp × days / 3 650 000), minor units. */
  interest: number;
}

export interface LateFees {
  /** Days from the day after the due date to `today` inclusive; 0 when not late. */
  daysLate: number;
  /** Σ periods[].interest, minor units. */
  interest: number;
  /** The fixed recovery indemnity, minor units of the invoice's currency. */
  indemnity: number;
  /** interest + indemnity. */
  total: number;
  /** The breakdown of `interest`, in date order; empty when no interest accrues. */
  periods: LateFeePeriod[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

function requireDate(value: string, name: string): void {
  if (!isCalendarDate(value)) throw new RangeError(`${name} must be a calendar date YYYY-MM-DD, got "${value}"`);
}

function requireRate(value: number | undefined, name: string): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0 || value > MAX_RATE_BP) {
    throw new RangeError(`${name} must be an integer number of basis points from 0 to ${MAX_RATE_BP}`);
  }
  return value;
}

function checked(value: bigint, figure: string): number {
  if (value > BigInt(MAX_AMOUNT)) throw new AmountOutOfRangeError(figure);
  return Number(value);
}

/**
 * The reference rate in force on `day`: the entry with the latest `from` on or before it (the
 * list's order does not matter). Throws when no entry is in force yet.
 * @example referenceRateOn(ECB_MAIN_REFINANCING_RATES, "2025-07-01") // 215
 */
export function referenceRateOn(rates: readonly ReferenceRate[], day: string): number {
  let found: ReferenceRate | undefined;
  for (const rate of rates) {
    requireDate(rate.from, "reference_rates[].from");
    if (rate.from <= day && (found === undefined || rate.from > found.from)) found = rate;
  }
  if (found === undefined) throw new RangeError(`no reference rate in force on ${day}`);
  return requireRate(found.rate_bp, "reference_rates[].rate_bp");
}

/**
 * The half-year holding `day`: its first and last days. The statutory rate of every day of the
 * half-year is the reference rate in force on its first day (1 January or 1 July).
 * @example halfYearOf("2028-02-29") // { start: "2028-01-01", end: "2028-06-30" }
 */
export function halfYearOf(day: string): { start: string; end: string } {
  const year = day.slice(0, 4);
  return day.slice(5, 7) <= "06" ? { start: `${year}-01-01`, end: `${year}-06-30` } : { start: `${year}-07-01`, end: `${year}-12-31` };
}

/** round(amount × rate_bp × days / (10 000 × 365)), half away from zero, exact. */
function periodInterest(amountDue: number, rateBp: number, days: number): bigint {
  return divideRounded(BigInt(amountDue) * BigInt(rateBp) * BigInt(days), BigInt(BASIS_POINTS * DAYS_PER_YEAR));
}

/**
 * The late fees accrued on an invoice by `today`. See the module header for the rules and the
 * rounding.
 * @example accruedLateFees({ amountDue: 120000, currency: "eur", dueDate: "2026-03-31", today: "2026-04-30", policy: DEFAULT_LATE_FEE_POLICY, customerType: "business" })
 * // { daysLate: 30, interest: 1198, indemnity: 4000, total: 5198,
 * //   periods: [{ from: "2026-04-01", to: "2026-04-30", days: 30, rate_bp: 1215, interest: 1198 }] }
 */
export function accruedLateFees(input: LateFeeInput): LateFees {
  const { amountDue, currency, dueDate, today, policy, customerType } = input;
  if (!Number.isSafeInteger(amountDue) || amountDue < 0) throw new RangeError("amountDue must be a non-negative integer of minor units");
  if (amountDue > MAX_AMOUNT) throw new AmountOutOfRangeError("amountDue");
  requireDate(dueDate, "dueDate");
  requireDate(today, "today");
  if (!Number.isSafeInteger(policy.recovery_indemnity) || policy.recovery_indemnity < 0 || policy.recovery_indemnity > MAX_AMOUNT) {
    throw new RangeError("recovery_indemnity must be a non-negative integer of minor units");
  }

  const daysLate = Math.max(0, daysBetween(dueDate, today));
  const nothing: LateFees = { daysLate, interest: 0, indemnity: 0, total: 0, periods: [] };
  if (daysLate === 0 || amountDue === 0) return nothing;
  if (customerType === "consumer" && policy.applies_to_consumers !== true) return nothing;

  const periods: LateFeePeriod[] = [];
  const first = addDays(dueDate, 1);
  if (policy.kind === "fixed_rate") {
    const rate = requireRate(policy.fixed_rate_bp, "fixed_rate_bp");
    periods.push({ from: first, to: today, days: daysLate, rate_bp: rate, interest: checked(periodInterest(amountDue, rate, daysLate), "interest") });
  } else if (policy.kind === "fr_b2b_statutory") {
    const margin = requireRate(policy.margin_bp, "margin_bp");
    for (let from = first; from <= today; ) {
      const half = halfYearOf(from);
      const to = half.end < today ? half.end : today;
      const days = daysBetween(from, to) + 1;
      const rate = referenceRateOn(policy.reference_rates, half.start) + margin;
      periods.push({ from, to, days, rate_bp: rate, interest: checked(periodInterest(amountDue, rate, days), "interest") });
      from = addDays(to, 1);
    }
  } else if (policy.kind !== "none") {
    throw new RangeError(`unknown late fee policy kind "${String(policy.kind)}"`);
  }

  let interest = 0n;
  for (const period of periods) interest += BigInt(period.interest);
  const indemnityCurrency = policy.recovery_indemnity_currency ?? "eur";
  const indemnity = currency === indemnityCurrency ? BigInt(policy.recovery_indemnity) : 0n;
  return {
    daysLate,
    interest: checked(interest, "interest"),
    indemnity: Number(indemnity),
    total: checked(interest + indemnity, "total"),
    periods,
  };
}
