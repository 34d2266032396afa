/** The console's amount fields: typed text → integer minor units, exact, and refused when it is not an amount of that currency. */
import { describe, expect, it } from "vitest";
import { decimalToMinor, minorToDecimal } from "../../../shared/minor-units";

describe("decimalToMinor", () => {
  it("should read French and English decimals, spaces and no decimals exactly", () => {
    expect(decimalToMinor("576,00", 2)).toBe(57600);
    expect(decimalToMinor("1 234.5", 2)).toBe(123450);
    expect(decimalToMinor("1\u202f234,56", 2)).toBe(123456);
    expect(decimalToMinor("12", 0)).toBe(12);
    expect(decimalToMinor("0,001", 3)).toBe(1);
    expect(decimalToMinor("0.29", 2)).toBe(29);
  });

  it("should refuse too many decimals, signs, letters and empty text", () => {
    for (const text of ["1.005", "-5", "abc", "", "1,2,3", "12,5", "1e3"]) expect(decimalToMinor(text, text === "12,5" ? 0 : 2), text).toBeNull();
  });

  it("should round-trip with minorToDecimal for every cent up to 100.00", () => {
    for (let amount = 0; amount <= 10_000; amount++) expect(decimalToMinor(minorToDecimal(amount, 2), 2)).toBe(amount);
  });
});
