/**
 * Money and dates for people, through Intl. Amounts arrive as integer minor units; they are turned
 * into an exact decimal string (never a float) and formatted with the currency's own decimals.
 */
export { formatMoney } from "../../shared/money";

/** A calendar date (YYYY-MM-DD) in the reader's language, without time-zone drift. */
export function formatDate(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
