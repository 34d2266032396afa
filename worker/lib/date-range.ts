/**
 * Date ranges of reports and exports: `from` and `to` are calendar days (`YYYY-MM-DD`, UTC), both
 * included. Their format is checked by the query schemas; the rules between them live here, so an
 * export and a report refuse the same ranges with the same problem.
 */
import { addDays, daysBetween } from "../../shared/status";
import { ApiError } from "../errors";

export interface DateRange {
  from: string;
  to: string;
}

/**
 * The range asked for, with defaults: `to` is today, `from` the 1 January of `to`'s year.
 * Refused (422 naming `to`) when `to` is before `from` or when the range has more than `maxDays`
 * days, both ends counted.
 * @example resolveRange({ from: "2026-01-01" }, "2026-06-30", 731) // { from: "2026-01-01", to: "2026-06-30" }
 */
export function resolveRange(query: { from?: string | undefined; to?: string | undefined }, today: string, maxDays: number): DateRange {
  const to = query.to ?? (query.from !== undefined && query.from > today ? query.from : today);
  const from = query.from ?? `${to.slice(0, 4)}-01-01`;
  if (to < from) throw new ApiError("parameter_invalid", `Invalid query parameter 'to': ${to} is before from (${from}).`, "to");
  const days = daysBetween(from, to) + 1;
  if (days > maxDays) {
    throw new ApiError("parameter_invalid", `Invalid query parameter 'to': the range ${from} → ${to} spans ${days} days, more than ${maxDays}; split it.`, "to");
  }
  return { from, to };
}

/** The first instant after the day `to`, for half-open timestamp ranges: `issued_at < dayAfter(to)`. */
export function dayAfter(to: string): string {
  return addDays(to, 1);
}
