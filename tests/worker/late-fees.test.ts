/**
 * Late fees (shared/late-fees.ts) against hand-worked examples. Every example writes its arithmetic
 * out; the divisor is always 10 000 (basis points) × 365 = 3 650 000, and `round` is half away from
 * zero, applied to each period (then the periods are summed).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_LATE_FEE_POLICY,
  accruedLateFees,
  halfYearOf,
  referenceRateOn,
  type LateFeeInput,
  type LateFeePolicy,
} from "../../shared/late-fees";
import { AmountOutOfRangeError, MAX_AMOUNT } from "../../shared/money";
import { LateFeePolicySchema } from "../../shared/schemas/late-fees";
import { addDays } from "../../shared/status";

/** A statutory policy with the given reference rates (basis points), margin 10 points, €40. */
function statutory(rates: Record<string, number>, extra: Partial<LateFeePolicy> = {}): LateFeePolicy {
  return {
    kind: "fr_b2b_statutory",
    reference_rates: Object.entries(rates).map(([from, rate_bp]) => ({ from, rate_bp })),
    margin_bp: 1000,
    recovery_indemnity: 4000,
    ...extra,
  };
}

function fees(input: Partial<LateFeeInput> & Pick<LateFeeInput, "amountDue" | "dueDate" | "today">) {
  return accruedLateFees({ currency: "eur", policy: DEFAULT_LATE_FEE_POLICY, customerType: "business", ...input });
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe("accruedLateFees — hand-worked examples", () => {
  it("should charge 30 days at 12.15 % plus €40 when 1 200,00 € due 2026-03-31 is still unpaid on 2026-04-30", () => {
    // Late from 2026-04-01 to 2026-04-30 inclusive: 30 days, all in the first half of 2026.
    // Rate: ECB rate in force on 2026-01-01 = 2.15 % (215 bp) + 10 points (1000 bp) = 1215 bp.
    // 120 000 × 1215 × 30 = 4 374 000 000; / 3 650 000 = 1 198.356… → 1 198 (11,98 €).
    // Indemnity 4 000 (40,00 €); total 5 198 (51,98 €).
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-30" })).toEqual({
      daysLate: 30,
      interest: 1198,
      indemnity: 4000,
      total: 5198,
      periods: [{ from: "2026-04-01", to: "2026-04-30", days: 30, rate_bp: 1215, interest: 1198 }],
    });
  });

  it("should count 29 February as a day late and still divide by 365 when the period crosses it in 2028", () => {
    const policy = statutory({ "2028-01-01": 215 });
    // Due 2028-02-15, today 2028-03-15: 16–29 February (14 days) + 1–15 March (15 days) = 29 days.
    // 120 000 × 1215 × 29 = 4 228 200 000; / 3 650 000 = 1 158.410… → 1 158.
    const leap = fees({ amountDue: 120_000, dueDate: "2028-02-15", today: "2028-03-15", policy });
    expect(leap.daysLate).toBe(29);
    expect(leap.periods).toEqual([{ from: "2028-02-16", to: "2028-03-15", days: 29, rate_bp: 1215, interest: 1158 }]);
    // The same dates in 2027 (no 29 February): 28 days; 120 000 × 1215 × 28 = 4 082 400 000;
    // / 3 650 000 = 1 118.465… → 1 118. One more day, one more day's interest: the divisor never becomes 366.
    const common = fees({ amountDue: 120_000, dueDate: "2027-02-15", today: "2027-03-15", policy: statutory({ "2027-01-01": 215 }) });
    expect(common.daysLate).toBe(28);
    expect(common.interest).toBe(1118);
    expect(leap.interest).toBe(1158);
  });

  it("should charge 366/365 of the annual rate when a whole leap year is late", () => {
    const policy = statutory({ "2027-07-01": 215, "2028-01-01": 215, "2028-07-01": 200 });
    // Due 2027-12-31, today 2028-12-31: 366 days late.
    // H1 2028, 1 January–30 June: 31+29+31+30+31+30 = 182 days at 215 + 1000 = 1215 bp.
    //   100 000 000 × 1215 × 182 = 22 113 000 000 000; / 3 650 000 = 6 058 356.164… → 6 058 356.
    // H2 2028, 1 July–31 December: 31+31+30+31+30+31 = 184 days at 200 + 1000 = 1200 bp.
    //   100 000 000 × 1200 × 184 = 22 080 000 000 000; / 3 650 000 = 6 049 315.068… → 6 049 315.
    // Interest 6 058 356 + 6 049 315 = 12 107 671 (121 076,71 € on 1 000 000,00 €).
    const result = fees({ amountDue: 100_000_000, dueDate: "2027-12-31", today: "2028-12-31", policy });
    expect(result).toEqual({
      daysLate: 366,
      interest: 12_107_671,
      indemnity: 4000,
      total: 12_111_671,
      periods: [
        { from: "2028-01-01", to: "2028-06-30", days: 182, rate_bp: 1215, interest: 6_058_356 },
        { from: "2028-07-01", to: "2028-12-31", days: 184, rate_bp: 1200, interest: 6_049_315 },
      ],
    });
  });

  it("should apply the 1 January rate until 30 June and the 1 July rate after when an invoice due in May is paid in September", () => {
    // The default history: ECB rate 3.15 % on 2025-01-01, 2.15 % on 2025-07-01.
    // Due 2025-05-15, today 2025-09-15 (5 000,00 € = 500 000):
    //   16 May–30 June: 16 + 30 = 46 days at 315 + 1000 = 1315 bp:
    //     500 000 × 1315 × 46 = 30 245 000 000; / 3 650 000 = 8 286.301… → 8 286
    //   1 July–15 September: 31 + 31 + 15 = 77 days at 215 + 1000 = 1215 bp:
    //     500 000 × 1215 × 77 = 46 777 500 000; / 3 650 000 = 12 815.753… → 12 816
    //   interest 8 286 + 12 816 = 21 102; + 4 000 = 25 102. 46 + 77 = 123 days.
    const expected = {
      daysLate: 123,
      interest: 21_102,
      indemnity: 4000,
      total: 25_102,
      periods: [
        { from: "2025-05-16", to: "2025-06-30", days: 46, rate_bp: 1315, interest: 8286 },
        { from: "2025-07-01", to: "2025-09-15", days: 77, rate_bp: 1215, interest: 12_816 },
      ],
    };
    expect(fees({ amountDue: 500_000, dueDate: "2025-05-15", today: "2025-09-15" })).toEqual(expected);
    // The ECB's own change dates (3.15 % from 2024-12-18, then 2.90 % on 2025-02-05, 2.65 % on 2025-03-12,
    // 2.40 % on 2025-04-23, 2.15 % on 2025-06-11) change nothing: only the rate in force on 1 January /
    // 1 July counts, so the cut of 11 June does not reach the days of June.
    const ecbChanges = statutory({ "2024-12-18": 315, "2025-02-05": 290, "2025-03-12": 265, "2025-04-23": 240, "2025-06-11": 215 });
    expect(fees({ amountDue: 500_000, dueDate: "2025-05-15", today: "2025-09-15", policy: ecbChanges })).toEqual(expected);
  });

  it("should split at every half-year boundary even when the rate does not change", () => {
    // KWD (3 decimals): 12.345 KD = 12 345. Due 2026-06-15, today 2026-07-15.
    //   16–30 June: 15 days at 1215: 12 345 × 1215 × 15 = 224 987 625; / 3 650 000 = 61.640… → 62
    //   1–15 July: 15 days at 1215: same numerator → 62. Interest 124 (0.124 KD).
    const policy = statutory({ "2026-01-01": 215 });
    const result = fees({ amountDue: 12_345, currency: "kwd", dueDate: "2026-06-15", today: "2026-07-15", policy });
    expect(result.periods.map((period) => [period.from, period.to, period.days, period.interest])).toEqual([
      ["2026-06-16", "2026-06-30", 15, 62],
      ["2026-07-01", "2026-07-15", 15, 62],
    ]);
    expect(result.interest).toBe(124);
  });

  it("should compute KWD interest in fils and charge no euro indemnity when the invoice is in KWD", () => {
    // 12.345 KD, 1 July 2026 rate 1.90 % (190 bp, hypothetical): due 2026-06-15, today 2026-07-15.
    //   16–30 June at 1215: 224 987 625 / 3 650 000 = 61.640… → 62
    //   1–15 July at 1190: 12 345 × 1190 × 15 = 220 358 250; / 3 650 000 = 60.372… → 60
    //   interest 122 fils (0.122 KD); indemnity 0: the €40 is in euros and is never converted.
    const policy = statutory({ "2026-01-01": 215, "2026-07-01": 190 });
    expect(fees({ amountDue: 12_345, currency: "kwd", dueDate: "2026-06-15", today: "2026-07-15", policy })).toEqual({
      daysLate: 30,
      interest: 122,
      indemnity: 0,
      total: 122,
      periods: [
        { from: "2026-06-16", to: "2026-06-30", days: 15, rate_bp: 1215, interest: 62 },
        { from: "2026-07-01", to: "2026-07-15", days: 15, rate_bp: 1190, interest: 60 },
      ],
    });
  });

  it("should compute whole yen and charge no indemnity when the invoice is in JPY", () => {
    // ¥1,234,567 due 2026-01-31, today 2026-03-02: February 2026 has 28 days, + 1–2 March = 30 days.
    // 1 234 567 × 1215 × 30 = 44 999 967 150; / 3 650 000 = 12 328.758… → ¥12,329.
    expect(fees({ amountDue: 1_234_567, currency: "jpy", dueDate: "2026-01-31", today: "2026-03-02" })).toEqual({
      daysLate: 30,
      interest: 12_329,
      indemnity: 0,
      total: 12_329,
      periods: [{ from: "2026-02-01", to: "2026-03-02", days: 30, rate_bp: 1215, interest: 12_329 }],
    });
  });

  it("should charge a configured indemnity in the invoice's currency when the policy gives one", () => {
    // £40 configured for GBP invoices: charged on a GBP invoice, not on a EUR one.
    const policy = statutory({ "2026-01-01": 215 }, { recovery_indemnity: 4000, recovery_indemnity_currency: "gbp" });
    expect(fees({ amountDue: 120_000, currency: "gbp", dueDate: "2026-03-31", today: "2026-04-30", policy })).toMatchObject({ interest: 1198, indemnity: 4000, total: 5198 });
    expect(fees({ amountDue: 120_000, currency: "eur", dueDate: "2026-03-31", today: "2026-04-30", policy })).toMatchObject({ interest: 1198, indemnity: 0, total: 1198 });
  });

  it("should accrue nothing when today is the due date or earlier", () => {
    const none = { daysLate: 0, interest: 0, indemnity: 0, total: 0, periods: [] };
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-03-31" })).toEqual(none);
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-03-01" })).toEqual(none);
  });

  it("should charge the indemnity and one day's interest when the invoice is one day late", () => {
    // 120 000 × 1215 × 1 = 145 800 000; / 3 650 000 = 39.945… → 40 (0,40 €).
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-01" })).toMatchObject({ daysLate: 1, interest: 40, indemnity: 4000, total: 4040 });
  });

  it("should accrue nothing when nothing remains due", () => {
    expect(fees({ amountDue: 0, dueDate: "2026-03-31", today: "2026-04-30" })).toEqual({ daysLate: 30, interest: 0, indemnity: 0, total: 0, periods: [] });
  });

  it("should charge no indemnity and no statutory interest when the buyer is a consumer", () => {
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-30", customerType: "consumer" })).toEqual({
      daysLate: 30,
      interest: 0,
      indemnity: 0,
      total: 0,
      periods: [],
    });
  });

  it("should charge a consumer only what the policy says when it applies to consumers", () => {
    // A contractual 12 % (1200 bp), no indemnity: 120 000 × 1200 × 30 = 4 320 000 000; / 3 650 000 = 1 183.561… → 1 184.
    const contract: LateFeePolicy = { kind: "fixed_rate", fixed_rate_bp: 1200, reference_rates: [], margin_bp: 0, recovery_indemnity: 0, applies_to_consumers: true };
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-30", customerType: "consumer", policy: contract })).toEqual({
      daysLate: 30,
      interest: 1184,
      indemnity: 0,
      total: 1184,
      periods: [{ from: "2026-04-01", to: "2026-04-30", days: 30, rate_bp: 1200, interest: 1184 }],
    });
  });

  it("should use one period across half-years when the rate is fixed", () => {
    // 12 % fixed, due 2026-05-15, today 2026-09-15: 16 + 30 + 31 + 31 + 15 = 123 days, no split.
    // 500 000 × 1200 × 123 = 73 800 000 000; / 3 650 000 = 20 219.178… → 20 219.
    const policy: LateFeePolicy = { kind: "fixed_rate", fixed_rate_bp: 1200, reference_rates: [], margin_bp: 1000, recovery_indemnity: 4000 };
    expect(fees({ amountDue: 500_000, dueDate: "2026-05-15", today: "2026-09-15", policy }).periods).toEqual([
      { from: "2026-05-16", to: "2026-09-15", days: 123, rate_bp: 1200, interest: 20_219 },
    ]);
  });

  it("should charge only the indemnity when the policy kind is none", () => {
    const policy: LateFeePolicy = { ...DEFAULT_LATE_FEE_POLICY, kind: "none" };
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-30", policy })).toEqual({ daysLate: 30, interest: 0, indemnity: 4000, total: 4000, periods: [] });
    expect(fees({ amountDue: 120_000, dueDate: "2026-03-31", today: "2026-04-30", policy: { ...policy, recovery_indemnity: 0 } }).total).toBe(0);
  });

  it("should round half away from zero when a period's interest ends in exactly half a minor unit", () => {
    // 0,73 € at 25 % for 10 days: 73 × 2500 × 10 = 1 825 000; / 3 650 000 = 0.5 exactly → 1.
    const policy: LateFeePolicy = { kind: "fixed_rate", fixed_rate_bp: 2500, reference_rates: [], margin_bp: 0, recovery_indemnity: 0 };
    expect(fees({ amountDue: 73, dueDate: "2026-03-31", today: "2026-04-10", policy }).interest).toBe(1);
    // 9 days: 1 642 500 / 3 650 000 = 0.45 → 0.
    expect(fees({ amountDue: 73, dueDate: "2026-03-31", today: "2026-04-09", policy }).interest).toBe(0);
  });

  it("should round each period then sum when periods have fractions, not round the summed numerators", () => {
    // 14,60 € at 0 % + 10 points (1000 bp), due 2026-06-29, today 2026-07-01: 30 June and 1 July.
    // Each day: 1 460 × 1000 × 1 = 1 460 000; / 3 650 000 = 0.4 → 0. Interest 0 + 0 = 0
    // (a single rounding of 0.8 would have given 1: the documented rule is per period).
    const result = fees({ amountDue: 1460, dueDate: "2026-06-29", today: "2026-07-01", policy: statutory({ "2026-01-01": 0 }) });
    expect(result.periods.map((period) => [period.days, period.rate_bp, period.interest])).toEqual([
      [1, 1000, 0],
      [1, 1000, 0],
    ]);
    expect(result.interest).toBe(0);
  });

  it("should stay exact beyond 2^53 when the amount is the largest allowed", () => {
    // 9 999 999 999,99 € (999 999 999 999 cents), 30 days at 1215 bp:
    // 999 999 999 999 × 1215 × 30 = 36 449 999 999 963 550 (> 2^53 ≈ 9.007 × 10^15, a float would lose it);
    // / 3 650 000 = 9 986 301 369.853… → 9 986 301 370.
    const result = fees({ amountDue: MAX_AMOUNT, dueDate: "2026-03-31", today: "2026-04-30" });
    expect(999_999_999_999n * 1215n * 30n).toBe(36_449_999_999_963_550n);
    expect(result.interest).toBe(9_986_301_370);
    expect(result.total).toBe(9_986_305_370);
  });

  it("should refuse a figure beyond the money range when interest would exceed it", () => {
    // 999 999 999 999 at 100 % + 10 points for ten years is more than 10^12 − 1.
    const policy = statutory({ "2026-01-01": 10_000 });
    expect(() => fees({ amountDue: MAX_AMOUNT, dueDate: "2026-01-01", today: "2036-01-01", policy })).toThrow(AmountOutOfRangeError);
  });

  it("should throw when an input is malformed", () => {
    expect(() => fees({ amountDue: -1, dueDate: "2026-03-31", today: "2026-04-30" })).toThrow(RangeError);
    expect(() => fees({ amountDue: 1.5, dueDate: "2026-03-31", today: "2026-04-30" })).toThrow(RangeError);
    expect(() => fees({ amountDue: MAX_AMOUNT + 1, dueDate: "2026-03-31", today: "2026-04-30" })).toThrow(AmountOutOfRangeError);
    expect(() => fees({ amountDue: 100, dueDate: "2026-02-30", today: "2026-04-30" })).toThrow(/dueDate/);
    expect(() => fees({ amountDue: 100, dueDate: "2026-03-31", today: "30/04/2026" })).toThrow(/today/);
    const noRate: LateFeePolicy = { kind: "fixed_rate", reference_rates: [], margin_bp: 0, recovery_indemnity: 0 };
    expect(() => fees({ amountDue: 100, dueDate: "2026-03-31", today: "2026-04-30", policy: noRate })).toThrow(/fixed_rate_bp/);
    // Late in 2022, before the first rate of the default history.
    expect(() => fees({ amountDue: 100, dueDate: "2022-03-31", today: "2022-04-30" })).toThrow(/no reference rate in force on 2022-01-01/);
  });

  it("should find the rate in force on a day and the half-year of a day when asked directly", () => {
    expect(referenceRateOn(DEFAULT_LATE_FEE_POLICY.reference_rates, "2025-01-01")).toBe(315);
    expect(referenceRateOn(DEFAULT_LATE_FEE_POLICY.reference_rates, "2025-07-01")).toBe(215);
    expect(referenceRateOn([{ from: "2026-07-01", rate_bp: 190 }, { from: "2026-01-01", rate_bp: 215 }], "2026-06-30")).toBe(215);
    expect(halfYearOf("2028-02-29")).toEqual({ start: "2028-01-01", end: "2028-06-30" });
    expect(halfYearOf("2028-07-01")).toEqual({ start: "2028-07-01", end: "2028-12-31" });
  });
});

describe("accruedLateFees — properties", () => {
  /** Written differently from the code under test: one day at a time, numerators summed per half-year, then rounded. */
  function reference(amountDue: number, dueDate: string, today: string, rates: Record<string, number>, margin: number) {
    const numerators = new Map<string, { rate: number; numerator: bigint; days: number }>();
    for (let day = addDays(dueDate, 1); day <= today; day = addDays(day, 1)) {
      const start = `${day.slice(0, 4)}-${Number(day.slice(5, 7)) <= 6 ? "01" : "07"}-01`;
      const from = Object.keys(rates).filter((date) => date <= start).sort().at(-1)!;
      const rate = rates[from]! + margin;
      const entry = numerators.get(start) ?? { rate, numerator: 0n, days: 0 };
      entry.numerator += BigInt(amountDue) * BigInt(rate);
      entry.days += 1;
      numerators.set(start, entry);
    }
    return [...numerators.values()].map(({ rate, numerator, days }) => {
      const quotient = numerator / 3_650_000n;
      const remainder = numerator % 3_650_000n;
      return { rate, days, interest: Number(remainder * 2n >= 3_650_000n ? quotient + 1n : quotient) };
    });
  }

  const rates = { "2023-01-01": 250, "2023-07-01": 400, "2024-01-01": 450, "2024-07-01": 425, "2025-01-01": 315, "2025-07-01": 215, "2026-01-01": 215 };
  const scenario = fc.record({
    amountDue: fc.integer({ min: 0, max: 10_000_000_000 }),
    dueOffset: fc.integer({ min: 0, max: 1400 }),
    late: fc.integer({ min: 0, max: 900 }),
    margin: fc.integer({ min: 0, max: 2000 }),
  });

  it("should make the breakdown add up to the interest and match a day-by-day reference when invoices are random", () => {
    fc.assert(
      fc.property(scenario, ({ amountDue, dueOffset, late, margin }) => {
        const dueDate = addDays("2023-01-01", dueOffset);
        const today = addDays(dueDate, late);
        const result = fees({ amountDue, dueDate, today, policy: statutory(rates, { margin_bp: margin }) });
        expect(result.daysLate).toBe(late);
        expect(sum(result.periods.map((period) => period.interest))).toBe(result.interest);
        expect(result.total).toBe(result.interest + result.indemnity);
        if (amountDue === 0 || late === 0) return;
        expect(sum(result.periods.map((period) => period.days))).toBe(late);
        // Contiguous: each period starts the day after the previous one ends, from the day after the due date to today.
        expect(result.periods[0]!.from).toBe(addDays(dueDate, 1));
        expect(result.periods.at(-1)!.to).toBe(today);
        result.periods.forEach((period, index) => {
          if (index > 0) expect(period.from).toBe(addDays(result.periods[index - 1]!.to, 1));
        });
        expect(result.periods.map(({ rate_bp, days, interest }) => ({ rate: rate_bp, days, interest }))).toEqual(reference(amountDue, dueDate, today, rates, margin));
      }),
      { seed: 20_260_430, numRuns: 200 },
    );
  });

  it("should never decrease when today moves one day later", () => {
    fc.assert(
      fc.property(scenario, ({ amountDue, dueOffset, late, margin }) => {
        const dueDate = addDays("2023-01-01", dueOffset);
        const policy = statutory(rates, { margin_bp: margin });
        const before = fees({ amountDue, dueDate, today: addDays(dueDate, late), policy });
        const after = fees({ amountDue, dueDate, today: addDays(dueDate, late + 1), policy });
        expect(after.interest).toBeGreaterThanOrEqual(before.interest);
        expect(after.total).toBeGreaterThanOrEqual(before.total);
      }),
      { seed: 20_260_701, numRuns: 200 },
    );
  });
});

describe("LateFeePolicySchema", () => {
  const issuesOf = (input: unknown) => {
    const result = LateFeePolicySchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
  };

  it("should fill in the French default when only the statutory kind is given", () => {
    expect(LateFeePolicySchema.parse({ kind: "fr_b2b_statutory" })).toEqual(DEFAULT_LATE_FEE_POLICY);
    expect(LateFeePolicySchema.parse(DEFAULT_LATE_FEE_POLICY)).toEqual(DEFAULT_LATE_FEE_POLICY);
  });

  it("should accept a fixed rate and normalise the indemnity currency when it is upper-case", () => {
    const parsed = LateFeePolicySchema.parse({ kind: "fixed_rate", fixed_rate_bp: 1200, recovery_indemnity: 0, recovery_indemnity_currency: "GBP", applies_to_consumers: true });
    expect(parsed).toMatchObject({ kind: "fixed_rate", fixed_rate_bp: 1200, recovery_indemnity: 0, recovery_indemnity_currency: "gbp", applies_to_consumers: true });
  });

  it("should refuse a reference rate when its date is malformed or not a real day", () => {
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [{ from: "2026-02-30", rate_bp: 215 }] })).toEqual(["reference_rates.0.from"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [{ from: "01/01/2026", rate_bp: 215 }] })).toContain("reference_rates.0.from");
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [{ from: "2026-1-1", rate_bp: 215 }] })).toContain("reference_rates.0.from");
  });

  it("should refuse a rate when it is negative, fractional or above 100 %", () => {
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [{ from: "2026-01-01", rate_bp: -50 }] })).toEqual(["reference_rates.0.rate_bp"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [{ from: "2026-01-01", rate_bp: 2.15 }] })).toEqual(["reference_rates.0.rate_bp"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", margin_bp: -1000 })).toEqual(["margin_bp"]);
    expect(issuesOf({ kind: "fixed_rate", fixed_rate_bp: -1 })).toEqual(["fixed_rate_bp"]);
    expect(issuesOf({ kind: "fixed_rate", fixed_rate_bp: 10_001 })).toEqual(["fixed_rate_bp"]);
  });

  it("should refuse reference rates when they are out of order or repeat a date", () => {
    const unordered = [{ from: "2026-07-01", rate_bp: 190 }, { from: "2026-01-01", rate_bp: 215 }];
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: unordered })).toEqual(["reference_rates"]);
    const repeated = [{ from: "2026-01-01", rate_bp: 215 }, { from: "2026-01-01", rate_bp: 190 }];
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: repeated })).toEqual(["reference_rates"]);
  });

  it("should refuse a policy when the rate its kind needs is missing", () => {
    expect(issuesOf({ kind: "fixed_rate" })).toEqual(["fixed_rate_bp"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", reference_rates: [] })).toEqual(["reference_rates"]);
    expect(issuesOf({ kind: "none" })).toEqual([]);
  });

  it("should refuse an indemnity, a currency, a kind or a field when it is not allowed", () => {
    expect(issuesOf({ kind: "fr_b2b_statutory", recovery_indemnity: -4000 })).toEqual(["recovery_indemnity"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", recovery_indemnity: 40.5 })).toEqual(["recovery_indemnity"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", recovery_indemnity_currency: "xyz" })).toEqual(["recovery_indemnity_currency"]);
    expect(issuesOf({ kind: "compound" })).toEqual(["kind"]);
    expect(issuesOf({ kind: "fr_b2b_statutory", rate: 12 })).toEqual([""]);
  });
});
