/**
 * Money arithmetic. Every amount is an integer count of the currency's minor unit (see
 * `currencies.ts`); no float ever holds money. Products are computed with BigInt and checked
 * against {@link MAX_AMOUNT} before they become numbers again.
 *
 * The rounding rule, applied once per line and nowhere else:
 *   line subtotal = round(quantity × unit_amount)
 *   line tax      = round(line subtotal × tax_rate / 10 000)
 *   line total    = line subtotal + line tax
 * where `round` is "half away from zero" to the minor unit. Invoice totals are plain sums of the
 * line figures, so an invoice's subtotal, tax and total always equal the sum of its parts, and the
 * per-rate breakdown (a French mandatory mention) sums to the same totals.
 */
import { currencyExponent, isCurrency, type CurrencyCode } from "./currencies";
import { formatMinorUnits, minorToDecimal } from "./minor-units";

/** The largest amount (in minor units) any single figure may reach: 10^12 − 1. */
export const MAX_AMOUNT = 999_999_999_999;
/** Quantities carry at most three decimals; they are stored as thousandths. */
export const QUANTITY_SCALE = 1000;
/** The largest quantity a line may have. */
export const MAX_QUANTITY = 1_000_000;
/** Tax rates are basis points: 2000 is 20 %, 550 is 5.5 %. */
export const MAX_TAX_RATE_BP = 10_000;

/**
 * Divides `numerator` by a positive `denominator`, rounding half away from zero.
 * @example divideRounded(5n, 2n) // 3n
 * @example divideRounded(-5n, 2n) // -3n
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/**
 * Parses a quantity (a JSON number with at most three decimals) into thousandths, exactly.
 * Returns `null` when the value has more decimals, is not finite, or uses an exponent.
 * @example quantityToMilli(2.5) // 2500
 */
export function quantityToMilli(quantity: number): number | null {
  if (!Number.isFinite(quantity)) return null;
  const text = String(quantity);
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const milli = Number(whole) * QUANTITY_SCALE + Number(fraction.padEnd(3, "0"));
  return sign === "-" ? -milli : milli;
}

/** Renders thousandths back as the JSON number the client sent. */
export function milliToQuantity(milli: number): number {
  return milli / QUANTITY_SCALE; // display only: quantities are not money
}

export interface LineInput {
  quantityMilli: number;
  unitAmount: number;
  taxRateBp: number;
}

export interface LineAmounts {
  subtotal: number;
  tax: number;
  total: number;
}

export interface TaxBreakdownRow {
  tax_rate: number;
  taxable_amount: number;
  tax_amount: number;
}

export interface InvoiceAmounts {
  lines: LineAmounts[];
  subtotal: number;
  tax: number;
  total: number;
  tax_breakdown: TaxBreakdownRow[];
}

/** Thrown when a figure would leave the range money may take; callers answer 422. */
export class AmountOutOfRangeError extends RangeError {
  constructor(readonly figure: string) {
    super(`${figure} exceeds ${MAX_AMOUNT} minor units`);
  }
}

function checked(value: bigint, figure: string): number {
  if (value > BigInt(MAX_AMOUNT) || value < -BigInt(MAX_AMOUNT)) throw new AmountOutOfRangeError(figure);
  return Number(value);
}

/**
 * Computes one line with the documented rounding rule.
 * @example computeLine({ quantityMilli: 3000, unitAmount: 1999, taxRateBp: 2000 }) // { subtotal: 5997, tax: 1199, total: 7196 }
 */
export function computeLine(line: LineInput, figure = "line"): LineAmounts {
  const subtotal = divideRounded(BigInt(line.quantityMilli) * BigInt(line.unitAmount), BigInt(QUANTITY_SCALE));
  const tax = divideRounded(subtotal * BigInt(line.taxRateBp), 10_000n);
  return {
    subtotal: checked(subtotal, figure),
    tax: checked(tax, figure),
    total: checked(subtotal + tax, figure),
  };
}

/**
 * Computes an invoice's figures from its lines: per-line amounts, totals that are exact sums of
 * the lines, and the breakdown per tax rate (sorted by rate).
 */
export function computeInvoiceAmounts(lines: readonly LineInput[]): InvoiceAmounts {
  const computed = lines.map((line, index) => computeLine(line, `lines[${index}]`));
  let subtotal = 0n;
  let tax = 0n;
  for (const amounts of computed) {
    subtotal += BigInt(amounts.subtotal);
    tax += BigInt(amounts.tax);
  }
  return {
    lines: computed,
    subtotal: checked(subtotal, "subtotal"),
    tax: checked(tax, "tax"),
    total: checked(subtotal + tax, "total"),
    tax_breakdown: breakdownByTaxRate(computed.map((amounts, index) => ({ taxRateBp: lines[index]!.taxRateBp, ...amounts }))),
  };
}

/**
 * Taxable amount and tax per VAT rate (a mandatory mention on a French invoice), sorted by rate.
 * Sums of line figures, so the rows add up to the invoice's subtotal and tax.
 */
export function breakdownByTaxRate(lines: readonly { taxRateBp: number; subtotal: number; tax: number }[]): TaxBreakdownRow[] {
  const byRate = new Map<number, TaxBreakdownRow>();
  for (const line of lines) {
    const row = byRate.get(line.taxRateBp) ?? { tax_rate: line.taxRateBp, taxable_amount: 0, tax_amount: 0 };
    row.taxable_amount += line.subtotal;
    row.tax_amount += line.tax;
    byRate.set(line.taxRateBp, row);
  }
  return [...byRate.values()].sort((a, b) => a.tax_rate - b.tax_rate);
}

/**
 * Writes minor units as a plain decimal string in the currency's major unit, for exports.
 * @example toDecimalString(123456, "eur") // "1234.56"
 * @example toDecimalString(-5, "kwd") // "-0.005"
 */
export function toDecimalString(amount: number, currency: CurrencyCode): string {
  return minorToDecimal(amount, currencyExponent(currency));
}

/**
 * An amount for people, through Intl, with the currency's own decimals: "1 234,56 €" (fr) or
 * "€1,234.56" (en) from 123456 eur. The amount goes to Intl as an exact decimal string, never a float.
 * @example formatMoney(123456, "eur", "fr") // "1 234,56 €"
 */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const code = currency.toLowerCase();
  return isCurrency(code) ? formatMinorUnits(amount, currencyExponent(code), code, locale) : `${amount} ${currency.toUpperCase()}`;
}
