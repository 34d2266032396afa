import { describe, expect, it } from "vitest";
import { isoWeekKey, periodCount, periodIndex, periods } from "../../../worker/reports/periods";

describe("report periods", () => {
  const range = { from: "2026-01-28", to: "2026-02-03" };

  it("should cut a range into days", () => {
    const days = periods(range, "day");
    expect(days.map((period) => period.key)).toEqual(["2026-01-28", "2026-01-29", "2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02", "2026-02-03"]);
    expect(days.every((period) => period.start === period.end && period.key === period.start)).toBe(true);
    expect(periodCount(range, "day")).toBe(7);
  });

  it("should cut a range into ISO weeks from Monday to Sunday, clipped at both ends, across a month boundary", () => {
    // 2026-01-28 is a Wednesday; its week runs Monday 26 January to Sunday 1 February.
    expect(periods(range, "week")).toEqual([
      { key: "2026-W05", start: "2026-01-28", end: "2026-02-01" },
      { key: "2026-W06", start: "2026-02-02", end: "2026-02-03" },
    ]);
    expect(periodCount(range, "week")).toBe(2);
  });

  it("should cut a range into calendar months, clipped at both ends", () => {
    expect(periods(range, "month")).toEqual([
      { key: "2026-01", start: "2026-01-28", end: "2026-01-31" },
      { key: "2026-02", start: "2026-02-01", end: "2026-02-03" },
    ]);
    expect(periods({ from: "2024-02-01", to: "2024-03-01" }, "month")).toEqual([
      { key: "2024-02", start: "2024-02-01", end: "2024-02-29" },
      { key: "2024-03", start: "2024-03-01", end: "2024-03-01" },
    ]);
    expect(periodCount({ from: "2025-12-31", to: "2026-01-01" }, "month")).toBe(2);
  });

  it("should name ISO weeks by the year of their Thursday", () => {
    expect(isoWeekKey("2026-12-31")).toBe("2026-W53"); // 2026 starts on a Thursday: 53 weeks
    expect(isoWeekKey("2027-01-03")).toBe("2026-W53");
    expect(isoWeekKey("2027-01-04")).toBe("2027-W01");
    expect(isoWeekKey("2024-12-30")).toBe("2025-W01");
    expect(isoWeekKey("2026-03-01")).toBe("2026-W09");
    expect(isoWeekKey("2026-03-02")).toBe("2026-W10");
  });

  it("should put every day of the range in exactly one period, whatever the interval", () => {
    const year = { from: "2026-01-01", to: "2026-12-31" };
    for (const interval of ["day", "week", "month"] as const) {
      const list = periods(year, interval);
      expect(list.length).toBe(periodCount(year, interval));
      for (let index = 1; index < list.length; index += 1) expect(list[index]!.start > list[index - 1]!.end).toBe(true);
      expect(list[0]!.start).toBe(year.from);
      expect(list[list.length - 1]!.end).toBe(year.to);
      expect(periodIndex(list, "2026-06-15")).toBeGreaterThanOrEqual(0);
      expect(periodIndex(list, "2025-12-31")).toBe(-1);
      expect(periodIndex(list, "2027-01-01")).toBe(-1);
    }
    expect(periods(year, "day")).toHaveLength(365);
    expect(periods(year, "week")).toHaveLength(53);
    expect(periods(year, "month")).toHaveLength(12);
  });
});
