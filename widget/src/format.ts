/**
 * Money and dates for people, through Intl. Amounts arrive as integer minor units; they are turned
 * into an exact decimal string (never a float) and formatted with the currency's own decimals.
 */
export { formatMoney } from "../../shared/money";

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
