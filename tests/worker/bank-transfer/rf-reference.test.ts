/** ISO 11649 creditor references: the standard's own examples, refused check digits, the invoice-number derivation. */
import { describe, expect, it } from "vitest";
import { formatRfReference, parseRfReference, rfBodyOf, rfReference, rfReferenceOfInvoice } from "../../../shared/rf-reference";

describe("rfReference", () => {
  it("should compute the check digits of the ISO 11649 examples RF18 5390 0754 7034 and RF71 2348 231", () => {
    expect(rfReference("539007547034")).toBe("RF18539007547034");
    expect(rfReference("2348231")).toBe("RF712348231");
  });

  it("should pad check digits below 10 with a zero", () => {
    // 98 - mod97("1RF00") is 74; find a body whose check is a single digit.
    const single = Array.from({ length: 2000 }, (_, index) => rfReference(String(index + 1))!).find((reference) => reference.startsWith("RF0"));
    expect(single).toMatch(/^RF0[2-9]\d+$/);
    expect(parseRfReference(single!)).toBe(single!.slice(4));
  });

  it("should refuse an empty body, a body over 21 characters and one that is not upper-case letters and digits", () => {
    expect(rfReference("")).toBeNull();
    expect(rfReference("1".repeat(21))).toMatch(/^RF\d{2}1{21}$/);
    expect(rfReference("1".repeat(22))).toBeNull();
    expect(rfReference("F2026-1")).toBeNull();
    expect(rfReference("f2026")).toBeNull();
  });

  it("should give every reference it makes back through parseRfReference", () => {
    for (const body of ["A", "Z9", "F2026000042", "ABCDEFGHIJKLMNOPQRSTU", "000000000000000000001"]) {
      const reference = rfReference(body)!;
      expect(parseRfReference(reference), reference).toBe(body);
      expect(reference.length).toBeLessThanOrEqual(25);
    }
  });
});

describe("parseRfReference", () => {
  it("should accept spaces and lower case", () => {
    expect(parseRfReference("RF18 5390 0754 7034")).toBe("539007547034");
    expect(parseRfReference("rf18539007547034")).toBe("539007547034");
    expect(parseRfReference("  rf71 2348 231 ")).toBe("2348231");
  });

  it("should refuse wrong check digits", () => {
    expect(parseRfReference("RF19539007547034")).toBeNull();
    expect(parseRfReference("RF17 5390 0754 7034")).toBeNull();
    expect(parseRfReference("RF72 2348 231")).toBeNull();
    // A single changed or swapped character of the body is caught too.
    expect(parseRfReference("RF18539007547043")).toBeNull();
    expect(parseRfReference("RF18539007547035")).toBeNull();
  });

  it("should refuse check digits 00, 01 and 99 that mod 97 alone would let through", () => {
    // 99 ≡ 2 and 00 ≡ 97 (mod 97): find bodies whose true check digits are 02 and 97.
    const bodies = Array.from({ length: 5000 }, (_, index) => String(index + 1));
    const two = bodies.find((body) => rfReference(body)!.startsWith("RF02"))!;
    const ninetySeven = bodies.find((body) => rfReference(body)!.startsWith("RF97"))!;
    expect(parseRfReference(`RF02${two}`)).toBe(two);
    expect(parseRfReference(`RF99${two}`)).toBeNull();
    expect(parseRfReference(`RF97${ninetySeven}`)).toBe(ninetySeven);
    expect(parseRfReference(`RF00${ninetySeven}`)).toBeNull();
  });

  it("should refuse a body over 21 characters, an empty body and text that is no RF reference", () => {
    expect(parseRfReference(`RF00${"1".repeat(22)}`)).toBeNull();
    const long = rfReference("1".repeat(21))!;
    expect(parseRfReference(long)).toBe("1".repeat(21));
    expect(parseRfReference(`${long}1`)).toBeNull();
    expect(parseRfReference("RF18")).toBeNull();
    expect(parseRfReference("")).toBeNull();
    expect(parseRfReference("F2026-000042")).toBeNull();
    expect(parseRfReference("RF18-5390-0754-7034")).toBeNull();
    expect(parseRfReference("XX18539007547034")).toBeNull();
  });
});

describe("rfReferenceOfInvoice", () => {
  it("should derive the reference from the invoice number's letters and digits, upper-cased", () => {
    expect(rfBodyOf("F2026-000042")).toBe("F2026000042");
    expect(rfBodyOf("fa/2026_7.b")).toBe("FA20267B");
    const reference = rfReferenceOfInvoice("F2026-000042")!;
    expect(reference).toBe(rfReference("F2026000042"));
    expect(parseRfReference(reference)).toBe("F2026000042");
    expect(rfReferenceOfInvoice("f2026-000042")).toBe(reference);
  });

  it("should give two numbers different references when they differ by more than punctuation", () => {
    expect(rfReferenceOfInvoice("F2026-000042")).not.toBe(rfReferenceOfInvoice("F2026-000043"));
    expect(rfReferenceOfInvoice("F2026-000042")).toBe(rfReferenceOfInvoice("F2026/000042"));
  });

  it("should answer null when the number's letters and digits exceed 21 characters or there are none", () => {
    expect(rfReferenceOfInvoice("F-2026-1234567890123456")).toMatch(/^RF\d{2}F20261234567890123456$/);
    expect(rfReferenceOfInvoice("F-2026-12345678901234567")).toBeNull();
    expect(rfReferenceOfInvoice("---")).toBeNull();
  });
});

describe("formatRfReference", () => {
  it("should group the reference by four for paper", () => {
    expect(formatRfReference("RF18539007547034")).toBe("RF18 5390 0754 7034");
    expect(formatRfReference("RF712348231")).toBe("RF71 2348 231");
  });
});
