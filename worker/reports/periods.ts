/**
 * Cutting a date range into report periods: days, ISO weeks (Monday to Sunday) or calendar months,
 * the first and last clipped to the range, so every day of the range is in exactly one period.
 */
import { addDays, daysBetween } from "../../shared/status";
import type { DateRange } from "../lib/date-range";

export type Interval = "day" | "week" | "month";

export interface Period {
  /** `2026-03-02`, `2026-W10` or `2026-03`. */
  key: string;
  /** First and last day of the period inside the range (both included). */
  start: string;
  end: string;
}

/** 1 for Monday … 7 for Sunday (ISO 8601). */
export function isoWeekday(day: string): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The Monday of the ISO week holding `day`. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/**
 * The ISO 8601 week of a day, `YYYY-Www` (the week belongs to the year of its Thursday).
 * @example isoWeekKey("2026-12-31") // "2026-W53"
 * @example isoWeekKey("2027-01-01") // "2026-W53"
 */
export function isoWeekKey(day: string): string {
  const thursday = addDays(mondayOf(day), 3);
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

function lastDayOfMonth(day: string): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** The period holding `day`, unclipped. */
function periodOf(day: string, interval: Interval): Period {
  if (interval === "day") return { key: day, start: day, end: day };
  if (interval === "week") {
    const start = mondayOf(day);
    return { key: isoWeekKey(day), start, end: addDays(start, 6) };
  }
  return { key: day.slice(0, 7), start: `${day.slice(0, 7)}-01`, end: lastDayOfMonth(day) };
}

/**
 * How many periods the range cuts into, without building them (to refuse a range before work).
 * @example periodCount({ from: "2026-01-31", to: "2026-02-01" }, "month") // 2
 */
export function periodCount(range: DateRange, interval: Interval): number {
  if (interval === "day") return daysBetween(range.from, range.to) + 1;
  if (interval === "week") return daysBetween(mondayOf(range.from), mondayOf(range.to)) / 7 + 1;
  const months = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
  return months(range.to) - months(range.from) + 1;
}

/**
 * The periods of a range, in order, the first and last clipped to it.
 * @example periods({ from: "2026-01-28", to: "2026-02-03" }, "week") // 2026-W05 (01-28 → 02-01), 2026-W06 (02-02 → 02-03)
 */
export function periods(range: DateRange, interval: Interval): Period[] {
  const out: Period[] = [];
  let day = range.from;
  while (day <= range.to) {
    const period = periodOf(day, interval);
    const end = period.end < range.to ? period.end : range.to;
    out.push({ key: period.key, start: day, end });
    day = addDays(end, 1);
  }
  return out;
}

/** Finds the index of the period holding `day` (periods in order, contiguous), or -1 outside them. */
export function periodIndex(list: readonly Period[], day: string): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const period = list[middle]!;
    if (day < period.start) high = middle - 1;
    else if (day > period.end) low = middle + 1;
    else return middle;
  }
  return -1;
}
