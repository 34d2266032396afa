/**
 * Money and dates for people, through Intl. Amounts arrive as integer minor units with their
 * currency's exponent (sent by the API: the widget carries no currency table); they are turned into
 * an exact decimal string (never a float) and formatted with exactly that many decimals.
 */
export { formatMinorUnits } from "../../shared/minor-units";

/** A calendar date (YYYY-MM-DD) in the reader's language, without time-zone drift. */
export function formatDate(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
