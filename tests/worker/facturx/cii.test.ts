/** The XML writer's small rules, without the database. */
import { describe, expect, it } from "vitest";
import { percent, quantityText, xmlEscape } from "../../../worker/facturx/cii";
import { FR_VAT_RATES_BP, isValidDocumentNumber, longestRendering } from "../../../shared/schemas/einvoice";

describe("cii.ts helpers", () => {
  it("should escape the five XML specials and drop characters XML 1.0 cannot carry", () => {
    expect(xmlEscape(`a<b>&"c"'d'`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
    expect(xmlEscape("bell\u0007 nul\u0000 tab\t é 😀 \uD800lone")).toBe("bell nul tab\t é 😀 lone");
  });

  it("should write quantities and rates as exact decimals (no float), in the spelling the French rate list uses", () => {
    expect([quantityText(2500), quantityText(1000), quantityText(-1000), quantityText(1), quantityText(123_456_789)]).toEqual(["2.5", "1", "-1", "0.001", "123456.789"]);
    expect(FR_VAT_RATES_BP.map(percent)).toEqual(["0.00", "0.90", "1.05", "1.75", "2.10", "5.50", "7.00", "8.50", "9.20", "9.60", "10.00", "13.00", "19.60", "20.00", "20.60"]);
  });

  it("should bound a format's longest number counting {SEQ:n} as max(n, 9) digits, and check numbers against BR-FR-01/02", () => {
    expect(longestRendering("F{YYYY}-{SEQ:6}")).toBe(15);
    expect(longestRendering("INV-{YY}{MM}-{SEQ:12}")).toBe(21);
    expect(isValidDocumentNumber("F2026-000001")).toBe(true);
    expect(isValidDocumentNumber("AV+2026/01_x")).toBe(true);
    expect(isValidDocumentNumber("F 2026.1")).toBe(false);
    expect(isValidDocumentNumber("A".repeat(36))).toBe(false);
  });
});
