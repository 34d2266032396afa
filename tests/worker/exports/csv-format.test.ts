import { describe, expect, it } from "vitest";
import { csvField, csvRecord, major, quantity, text, vatPercent } from "../../../worker/exports/csv";

describe("CSV fields (RFC 4180)", () => {
  it("should quote a field holding a comma, a quote, CR or LF and double its quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField(null)).toBe("");
  });

  it("should end every record with CRLF", () => {
    expect(csvRecord(["a", 1, null, text("x,y")])).toBe('a,1,,"x,y"\r\n');
  });

  it("should neutralise text a spreadsheet would read as a formula, and leave our amounts alone", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvField(text(`${start}SUM(A1:A9)`)).startsWith(`'${start}`) || csvField(text(`${start}SUM(A1:A9)`)).startsWith(`"'${start}`)).toBe(true);
    expect(csvField(text('=HYPERLINK("http://evil.example","x")'))).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    expect(csvField(text("Dupont SARL"))).toBe("Dupont SARL");
    expect(csvField(text(null))).toBe("");
    expect(csvField(major(-1250, "eur"))).toBe("-12.50");
  });

  it("should write amounts in the currency's major unit with a dot, JPY without decimals", () => {
    expect(major(123456, "eur")).toBe("1234.56");
    expect(major(5, "eur")).toBe("0.05");
    expect(major(1999, "jpy")).toBe("1999");
    expect(major(1234, "kwd")).toBe("1.234");
  });

  it("should write quantities and VAT rates exactly", () => {
    expect(quantity(2500)).toBe("2.5");
    expect(quantity(1000)).toBe("1");
    expect(quantity(1)).toBe("0.001");
    expect(vatPercent(2000)).toBe("20");
    expect(vatPercent(550)).toBe("5.5");
    expect(vatPercent(0)).toBe("0");
    expect(vatPercent(1)).toBe("0.01");
  });
});
