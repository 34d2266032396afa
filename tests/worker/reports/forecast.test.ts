import { describe, expect, it } from "vitest";
import { expectedDay, forecast, roundDays, type OpenItem } from "../../../worker/reports/forecast";
import { dso } from "../../../worker/reports/collections";

const item = (invoice_id: string, customer_id: string, due_date: string, amount: number, currency = "eur"): OpenItem => ({ invoice_id, customer_id, currency, due_date, amount });

describe("the cash forecast rule", () => {
  // as_of Tuesday 2026-03-31: week 1 is the ISO week from Monday 6 April to Sunday 12 April.
  const asOf = "2026-03-31";

  it("should start week 1 on the first Monday after as_of, eight weeks in a row", () => {
    const result = forecast({ asOf, items: [], lateness: new Map(), promises: new Map() });
    expect(result.weeks.map((week) => [week.week, week.start, week.end])).toEqual([
      ["2026-W15", "2026-04-06", "2026-04-12"], ["2026-W16", "2026-04-13", "2026-04-19"], ["2026-W17", "2026-04-20", "2026-04-26"],
      ["2026-W18", "2026-04-27", "2026-05-03"], ["2026-W19", "2026-05-04", "2026-05-10"], ["2026-W20", "2026-05-11", "2026-05-17"],
      ["2026-W21", "2026-05-18", "2026-05-24"], ["2026-W22", "2026-05-25", "2026-05-31"],
    ]);
    // as_of on a Monday: week 1 is the next Monday's week, not as_of's own.
    expect(forecast({ asOf: "2026-04-06", items: [], lateness: new Map(), promises: new Map() }).weeks[0]!.start).toBe("2026-04-13");
  });

  it("should shift the due date by the customer's average lateness, rounded half away from zero", () => {
    expect([roundDays(3.5), roundDays(-3.5), roundDays(3.49), roundDays(-0.4), roundDays(0)]).toEqual([4, -4, 3, 0, 0]);
    const promises = new Map<string, string>();
    const lateness = new Map([["late", 10 / 3], ["early", -2.5]]);
    expect(expectedDay(item("a", "late", "2026-04-18", 1), { asOf, lateness, promises })).toEqual({ day: "2026-04-21", promised: false });
    expect(expectedDay(item("b", "early", "2026-04-18", 1), { asOf, lateness, promises })).toEqual({ day: "2026-04-15", promised: false });
    expect(expectedDay(item("c", "new", "2026-04-18", 1), { asOf, lateness, promises })).toEqual({ day: "2026-04-18", promised: false });
  });

  it("should let a promise to pay still to come win over the due date, and ignore a broken one", () => {
    const lateness = new Map([["late", 20]]);
    expect(expectedDay(item("a", "late", "2026-03-01", 1), { asOf, lateness, promises: new Map([["a", "2026-04-15"]]) })).toEqual({ day: "2026-04-15", promised: true });
    expect(expectedDay(item("a", "late", "2026-03-01", 1), { asOf, lateness, promises: new Map([["a", "2026-03-31"]]) })).toEqual({ day: "2026-03-21", promised: false });
  });

  it("should place overdue invoices in week 1, or later when the customer's lateness carries them past it", () => {
    const items = [
      item("overdue-new", "new", "2026-03-10", 1_000), // 03-10 + 0 is past: week 1
      item("overdue-late10", "late10", "2026-03-30", 2_000), // 03-30 + 10 = 04-09: week 1
      item("overdue-late15", "late15", "2026-03-30", 4_000), // 03-30 + 15 = 04-14: week 2
      item("this-week", "new", "2026-04-02", 8_000), // the rest of as_of's own week counts in week 1
      item("week8", "new", "2026-05-31", 16_000), // the last day of week 8
      item("beyond", "new", "2026-06-01", 32_000), // the day after: beyond
      item("yen", "new", "2026-04-07", 500, "jpy"),
    ];
    const result = forecast({ asOf, items, lateness: new Map([["late10", 10], ["late15", 15]]), promises: new Map() });
    expect(result.weeks[0]!.currencies).toEqual([
      { currency: "eur", expected: 11_000, invoices: 3, promised: 0 },
      { currency: "jpy", expected: 500, invoices: 1, promised: 0 },
    ]);
    expect(result.weeks[1]!.currencies).toEqual([{ currency: "eur", expected: 4_000, invoices: 1, promised: 0 }]);
    expect(result.weeks[7]!.currencies).toEqual([{ currency: "eur", expected: 16_000, invoices: 1, promised: 0 }]);
    expect(result.beyond).toEqual([{ currency: "eur", expected: 32_000, invoices: 1, promised: 0 }]);
    expect(result.weeks.slice(2, 7).every((week) => week.currencies.length === 0)).toBe(true);
  });
});

describe("DSO", () => {
  it("should be receivables ÷ sales incl. tax × days, one decimal, null without sales", () => {
    expect(dso(30_000, 90_000, 90)).toBe(30);
    expect(dso(99_000, 258_000, 31)).toBe(11.9); // 99,000 × 31 / 258,000 = 11.895…
    expect(dso(0, 258_000, 31)).toBe(0);
    expect(dso(5_000, 0, 31)).toBeNull();
  });
});
