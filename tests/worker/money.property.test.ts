import fc from "fast-check";
import { FR_VAT_RATES_BP } from "../../shared/schemas/einvoice";
import { beforeAll, describe, expect, it } from "vitest";
import { currencyExponent, type CurrencyCode } from "../../shared/currencies";
import {
  AmountOutOfRangeError,
  MAX_AMOUNT,
  computeInvoiceAmounts,
  computeLine,
  divideRounded,
  quantityToMilli,
  toDecimalString,
  type LineInput,
} from "../../shared/money";
import { api, createCustomer, createMerchant, type TestMerchant } from "./helpers";

const SEED = 20_261_124;

/** Half away from zero, written differently from the code under test: truncate, then look at the remainder. */
function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const magnitude = remainder < 0n ? -remainder : remainder;
  if (magnitude * 2n < denominator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

function referenceLine(line: LineInput) {
  const subtotal = roundHalfAwayFromZero(BigInt(line.quantityMilli) * BigInt(line.unitAmount), 1000n);
  const tax = roundHalfAwayFromZero(subtotal * BigInt(line.taxRateBp), 10_000n);
  return { subtotal: Number(subtotal), tax: Number(tax), total: Number(subtotal + tax) };
}

const taxRate = fc.oneof(fc.constantFrom(0, 210, 550, 1000, 2000), fc.integer({ min: 0, max: 10_000 }));
/** Lines small enough (4 × 10^3 units × 10^8) that no figure leaves the money range. */
const lineInput = fc.record({
  quantityMilli: fc.integer({ min: 1, max: 1_000_000 }),
  unitAmount: fc.integer({ min: -100_000_000, max: 100_000_000 }),
  taxRateBp: taxRate,
});
const currency = fc.constantFrom<CurrencyCode>("jpy", "eur", "kwd");

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe("shared/money properties", () => {
  it("should make totals and the tax breakdown equal the sums of the lines when invoices are random", () => {
    fc.assert(
      fc.property(fc.array(lineInput, { minLength: 1, maxLength: 4 }), (lines) => {
        const amounts = computeInvoiceAmounts(lines);
        expect(amounts.lines).toEqual(lines.map(referenceLine));
        expect(amounts.subtotal).toBe(sum(amounts.lines.map((line) => line.subtotal)));
        expect(amounts.tax).toBe(sum(amounts.lines.map((line) => line.tax)));
        expect(amounts.total).toBe(sum(amounts.lines.map((line) => line.total)));
        expect(amounts.total).toBe(amounts.subtotal + amounts.tax);
        expect(sum(amounts.tax_breakdown.map((row) => row.taxable_amount))).toBe(amounts.subtotal);
        expect(sum(amounts.tax_breakdown.map((row) => row.tax_amount))).toBe(amounts.tax);
        const rates = amounts.tax_breakdown.map((row) => row.tax_rate);
        expect(rates).toEqual([...new Set(lines.map((line) => line.taxRateBp))].sort((a, b) => a - b));
        for (const row of amounts.tax_breakdown) {
          const ofRate = amounts.lines.filter((_, index) => lines[index]!.taxRateBp === row.tax_rate);
          expect(row).toEqual({ tax_rate: row.tax_rate, taxable_amount: sum(ofRate.map((line) => line.subtotal)), tax_amount: sum(ofRate.map((line) => line.tax)) });
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("should refuse with AmountOutOfRangeError when a line's figure passes the largest amount", () => {
    expect(() => computeLine({ quantityMilli: 1_000_000_000, unitAmount: MAX_AMOUNT, taxRateBp: 0 })).toThrow(AmountOutOfRangeError);
    expect(() => computeInvoiceAmounts([
      { quantityMilli: 1000, unitAmount: MAX_AMOUNT, taxRateBp: 0 },
      { quantityMilli: 1000, unitAmount: 1, taxRateBp: 0 },
    ])).toThrow(AmountOutOfRangeError);
    expect(computeLine({ quantityMilli: 1000, unitAmount: MAX_AMOUNT, taxRateBp: 0 }).total).toBe(MAX_AMOUNT);
  });

  it("should round half away from zero when divideRounded gets any numerator and a positive denominator", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (numerator, denominator) => {
        expect(divideRounded(numerator, denominator)).toBe(roundHalfAwayFromZero(numerator, denominator));
      }),
      { seed: SEED, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (whole, half) => {
        const denominator = half * 2n;
        const exactHalf = whole * denominator + half;
        expect(divideRounded(exactHalf, denominator)).toBe(whole + 1n);
        expect(divideRounded(-exactHalf, denominator)).toBe(-(whole + 1n));
        expect(divideRounded(exactHalf - 1n, denominator)).toBe(whole);
        expect(divideRounded(-(exactHalf - 1n), denominator)).toBe(-whole);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(14n, 10n)).toBe(1n);
    expect(divideRounded(-15n, 10n)).toBe(-2n);
    expect(() => divideRounded(1n, 0n)).toThrow(RangeError);
    expect(() => divideRounded(1n, -3n)).toThrow(RangeError);
  });

  it("should read quantities with up to three decimals exactly and refuse more when quantityToMilli parses", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (milli) => {
        expect(quantityToMilli(milli / 1000) === milli).toBe(true);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }).filter((value) => value % 10 !== 0), (tenThousandths) => {
        expect(quantityToMilli(tenThousandths / 10_000)).toBeNull();
        expect(quantityToMilli(-tenThousandths / 10_000)).toBeNull();
      }),
      { seed: SEED, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (quantity) => {
        const nearest = Math.round(quantity * 1000);
        const hasAtMostThreeDecimals = nearest / 1000 === quantity;
        const milli = quantityToMilli(quantity);
        if (hasAtMostThreeDecimals) expect(milli === nearest).toBe(true);
        else expect(milli).toBeNull();
      }),
      { seed: SEED, numRuns: 2000 },
    );
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-7, 1e21, 0.0005]) {
      expect(quantityToMilli(value)).toBeNull();
    }
    expect(quantityToMilli(2.5)).toBe(2500);
    expect(quantityToMilli(0.001)).toBe(1);
    expect(quantityToMilli(1_000_000)).toBe(1_000_000_000);
  });

  it("should write the major unit with the currency's exponent when toDecimalString formats any amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_AMOUNT, max: MAX_AMOUNT }), fc.constantFrom<CurrencyCode>("jpy", "krw", "eur", "usd", "kwd", "bhd"), (amount, code) => {
        const exponent = currencyExponent(code);
        const text = toDecimalString(amount, code);
        const shape = exponent === 0 ? /^-?(0|[1-9]\d*)$/ : new RegExp(`^-?(0|[1-9]\\d*)\\.\\d{${exponent}}$`);
        expect(text).toMatch(shape);
        expect(BigInt(text.replace(".", ""))).toBe(BigInt(amount));
        expect(text.startsWith("-")).toBe(amount < 0);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    expect(toDecimalString(123_456, "eur")).toBe("1234.56");
    expect(toDecimalString(5, "eur")).toBe("0.05");
    expect(toDecimalString(-5, "kwd")).toBe("-0.005");
    expect(toDecimalString(1234, "kwd")).toBe("1.234");
    expect(toDecimalString(0, "kwd")).toBe("0.000");
    expect(toDecimalString(1999, "jpy")).toBe("1999");
    expect(toDecimalString(-1999, "jpy")).toBe("-1999");
  });
});

describe("invoice totals through the API", () => {
  let merchant: TestMerchant;
  let customer: string;
  beforeAll(async () => {
    merchant = await createMerchant("Property totals SARL");
    customer = (await createCustomer(merchant.key)).id;
  });

  it("should answer totals equal to the sum of the lines when random invoices are created in jpy, eur and kwd", async () => {
    const apiLine = fc.record({
      quantity: fc.integer({ min: 1, max: 100_000 }).map((milli) => milli / 1000),
      unit_amount: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: -1_000_000, max: 0 })),
      // The API takes only the rates the French e-invoicing rules accept (422 otherwise).
      tax_rate: fc.constantFrom(...FR_VAT_RATES_BP),
    });
    await fc.assert(
      fc.asyncProperty(currency, fc.array(apiLine, { minLength: 1, maxLength: 5 }), async (code, lines) => {
        const expectedLines = lines.map((line) =>
          referenceLine({ quantityMilli: Math.round(line.quantity * 1000), unitAmount: line.unit_amount, taxRateBp: line.tax_rate }),
        );
        const expected = {
          subtotal: sum(expectedLines.map((line) => line.subtotal)),
          tax: sum(expectedLines.map((line) => line.tax)),
          total: sum(expectedLines.map((line) => line.total)),
        };
        const response = await api(merchant.key, "POST", "/v1/invoices", {
          customer,
          currency: code,
          lines: lines.map((line, index) => ({ description: `Line ${index}`, ...line })),
        });
        if (expected.total <= 0) {
          expect(response.status).toBe(422);
          expect(response.body.code).toBe("invoice_total_not_positive");
          return;
        }
        expect(response.status).toBe(201);
        const invoice = response.body;
        expect(invoice.currency).toBe(code);
        expect(invoice.lines.map((line: { quantity: number }) => line.quantity)).toEqual(lines.map((line) => line.quantity));
        expect(invoice.subtotal).toBe(sum(invoice.lines.map((line: { amount_subtotal: number }) => line.amount_subtotal)));
        expect(invoice.tax).toBe(sum(invoice.lines.map((line: { amount_tax: number }) => line.amount_tax)));
        expect(invoice.total).toBe(sum(invoice.lines.map((line: { amount_total: number }) => line.amount_total)));
        expect(invoice.total).toBe(invoice.subtotal + invoice.tax);
        expect(invoice.amount_due).toBe(invoice.total);
        expect(sum(invoice.tax_breakdown.map((row: { taxable_amount: number }) => row.taxable_amount))).toBe(invoice.subtotal);
        expect(sum(invoice.tax_breakdown.map((row: { tax_amount: number }) => row.tax_amount))).toBe(invoice.tax);
        expect(invoice.lines.map((line: { amount_subtotal: number; amount_tax: number; amount_total: number }) => ({
          subtotal: line.amount_subtotal,
          tax: line.amount_tax,
          total: line.amount_total,
        }))).toEqual(expectedLines);
        expect({ subtotal: invoice.subtotal, tax: invoice.tax, total: invoice.total }).toEqual(expected);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

// ---- allocation through the API ---------------------------------------------------------------

/**
 * Amounts are drawn as a percentage (1–110 %) of what is due or refundable when the step runs, so
 * most steps land and some ask for too much. A refund picks among the payments made so far.
 */
type Operation =
  | { kind: "pay"; split: "first" | "second" | "both"; firstPercent: number; secondPercent: number }
  | { kind: "refund"; payment: number; percent: number | null };

interface ModelPayment {
  id: string;
  allocations: { invoice: 0 | 1; amount: number; refunded: number }[];
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant("pay" as const),
    split: fc.constantFrom("first" as const, "second" as const, "both" as const),
    firstPercent: fc.integer({ min: 1, max: 110 }),
    secondPercent: fc.integer({ min: 1, max: 110 }),
  }),
  fc.record({
    kind: fc.constant("refund" as const),
    payment: fc.nat({ max: 7 }),
    percent: fc.option(fc.integer({ min: 1, max: 110 }), { nil: null, freq: 4 }),
  }),
);

const share = (base: number, percent: number) => Math.max(1, Math.ceil((base * percent) / 100));

const expectedStatus = (paid: number, total: number) => (paid === 0 ? "open" : paid < total ? "partially_paid" : "paid");

describe("allocation through the API", () => {
  it("should keep amount_paid within [0, total], equal to allocations minus refunds, when random payments and refunds are applied", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 8000 })),
        fc.array(operation, { minLength: 1, maxLength: 8 }),
        async (totals, operations) => {
          const merchant = await createMerchant("Property allocation SARL");
          const customer = (await createCustomer(merchant.key)).id;
          const invoiceIds: string[] = [];
          for (const total of totals) {
            const created = await api(merchant.key, "POST", "/v1/invoices", {
              customer,
              currency: "eur",
              lines: [{ description: "Goods", quantity: 1, unit_amount: total, tax_rate: 0 }],
              issue: true,
            });
            expect(created.status).toBe(201);
            invoiceIds.push(created.body.id);
          }
          const paid = [0, 0];
          const payments: ModelPayment[] = [];

          for (const step of operations) {
            if (step.kind === "pay") {
              const first = { invoice: 0 as const, amount: share(totals[0]! - paid[0]!, step.firstPercent) };
              const second = { invoice: 1 as const, amount: share(totals[1]! - paid[1]!, step.secondPercent) };
              const targets = step.split === "first" ? [first] : step.split === "second" ? [second] : [first, second];
              let refusal: string | null = null;
              for (const target of targets) {
                const due = totals[target.invoice]! - paid[target.invoice]!;
                if (due === 0) refusal ??= "invoice_not_payable";
                else if (target.amount > due) refusal ??= "allocation_exceeds_amount_due";
              }
              const response = await api(merchant.key, "POST", "/v1/payments", {
                method: "bank_transfer",
                amount: sum(targets.map((target) => target.amount)),
                currency: "eur",
                allocations: targets.map((target) => ({ invoice: invoiceIds[target.invoice], amount: target.amount })),
              });
              if (refusal !== null) {
                expect({ status: response.status, code: response.body.code }).toEqual({ status: 422, code: refusal });
              } else {
                expect(response.status).toBe(201);
                targets.forEach((target) => (paid[target.invoice]! += target.amount));
                payments.push({ id: response.body.id, allocations: targets.map((target) => ({ ...target, refunded: 0 })) });
              }
            } else {
              if (payments.length === 0) continue;
              const payment = payments[step.payment % payments.length]!;
              const refundable = sum(payment.allocations.map((allocation) => allocation.amount - allocation.refunded));
              const amount = step.percent === null ? null : share(refundable, step.percent);
              const response = await api(merchant.key, "POST", `/v1/payments/${payment.id}/refund`, amount === null ? {} : { amount });
              if (refundable === 0) {
                expect({ status: response.status, code: response.body.code }).toEqual({ status: 409, code: "payment_not_refundable" });
              } else if (amount !== null && amount > refundable) {
                expect({ status: response.status, code: response.body.code }).toEqual({ status: 422, code: "refund_exceeds_amount" });
              } else {
                expect(response.status).toBe(200);
                let left = amount ?? refundable;
                for (const allocation of [...payment.allocations].reverse()) {
                  const part = Math.min(left, allocation.amount - allocation.refunded);
                  allocation.refunded += part;
                  paid[allocation.invoice]! -= part;
                  left -= part;
                }
                expect(response.body.allocations.map((allocation: { amount_refunded: number }) => allocation.amount_refunded)).toEqual(
                  payment.allocations.map((allocation) => allocation.refunded),
                );
              }
            }

            for (const [index, id] of invoiceIds.entries()) {
              const invoice = (await api(merchant.key, "GET", `/v1/invoices/${id}`)).body;
              expect(invoice.amount_paid).toBeGreaterThanOrEqual(0);
              expect(invoice.amount_paid).toBeLessThanOrEqual(invoice.total);
              const allocatedMinusRefunded = sum(
                invoice.payments.map((payment: { amount: number; amount_refunded: number }) => payment.amount - payment.amount_refunded),
              );
              expect({ amount_paid: invoice.amount_paid, amount_due: invoice.amount_due, status: invoice.status, allocatedMinusRefunded }).toEqual({
                amount_paid: paid[index],
                amount_due: totals[index]! - paid[index]!,
                status: expectedStatus(paid[index]!, totals[index]!),
                allocatedMinusRefunded: paid[index],
              });
            }
          }
        },
      ),
      { seed: SEED, numRuns: 30 },
    );
  });
});
