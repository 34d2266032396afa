/**
 * Money and dates for people, through Intl. Amounts arrive as integer minor units; they are turned
 * into an exact decimal string (never a float) and formatted with the currency's own decimals.
 */
import { currencyExponent, isCurrency } from "../../shared/currencies";
import { toDecimalString } from "../../shared/money";

/** "1 234,56 €" (fr) or "€1,234.56" (en) from 123456 eur. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const code = currency.toLowerCase();
  if (!isCurrency(code)) return `${amount} ${currency.toUpperCase()}`;
  const exponent = currencyExponent(code);
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: code.toUpperCase(), minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  return format.format(toDecimalString(amount, code) as Intl.StringNumericLiteral);
}

/** A calendar date (YYYY-MM-DD) in the reader's language, without time-zone drift. */
export function formatDate(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** A quantity with up to three decimals. */
export function formatQuantity(quantity: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(quantity);
}

/** A tax rate in basis points as a percentage: 2000 → "20 %" (fr) / "20%" (en). */
export function formatRate(basisPoints: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(basisPoints / 10_000);
}
