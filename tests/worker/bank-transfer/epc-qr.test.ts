/** The EPC069-12 (version 002) payload: twelve fields in order, their lengths, the amount, the remittance. */
import { describe, expect, it } from "vitest";
import { EPC_MAX_BYTES, epcPayload, type EpcTransfer } from "../../../shared/epc-qr";

const IBAN = "FR7630006000011234567890189";
const transfer: EpcTransfer = { bic: "AGRIFRPP", name: "Atelier Martin", iban: IBAN, amountCents: 57_605, reference: "RF18539007547034" };
const bytes = (text: string) => new TextEncoder().encode(text).length;

describe("epcPayload", () => {
  it("should write the fields in order: BCD, 002, 1, SCT, BIC, name, IBAN, amount, purpose, reference", () => {
    expect(epcPayload(transfer)).toBe(["BCD", "002", "1", "SCT", "AGRIFRPP", "Atelier Martin", IBAN, "EUR576.05", "", "RF18539007547034"].join("\n"));
  });

  it("should write the amount in euros with a point and its cents", () => {
    const amount = (amountCents: number) => epcPayload({ ...transfer, amountCents })!.split("\n")[7];
    expect(amount(57_605)).toBe("EUR576.05");
    expect(amount(1)).toBe("EUR0.01");
    expect(amount(100)).toBe("EUR1.00");
    expect(amount(99_999_999_999)).toBe("EUR999999999.99");
  });

  it("should answer null for an amount out of 0.01–999999999.99 or not a whole number of cents", () => {
    for (const amountCents of [0, -1, 100_000_000_000, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(epcPayload({ ...transfer, amountCents }), String(amountCents)).toBeNull();
    }
  });

  it("should put the invoice number in the unstructured remittance (field 11) when there is no RF reference, never both", () => {
    const lines = epcPayload({ ...transfer, reference: null, text: "F2026-000042" })!.split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[9]).toBe("");
    expect(lines[10]).toBe("F2026-000042");
    const both = epcPayload({ ...transfer, text: "F2026-000042" })!.split("\n");
    expect(both[9]).toBe("RF18539007547034");
    expect(both).toHaveLength(10);
    expect(both).not.toContain("F2026-000042");
  });

  it("should end with the last filled field, no trailing line feed", () => {
    const payload = epcPayload(transfer)!;
    expect(payload.endsWith("\n")).toBe(false);
    expect(epcPayload({ ...transfer, reference: null, text: null })!.split("\n")).toEqual(["BCD", "002", "1", "SCT", "AGRIFRPP", "Atelier Martin", IBAN, "EUR576.05"]);
  });

  it("should leave the BIC line empty when there is none (version 002) and normalise BIC, IBAN and reference", () => {
    const lines = epcPayload({ ...transfer, bic: null, iban: "fr76 3000 6000 0112 3456 7890 189", reference: "rf18 5390 0754 7034" })!.split("\n");
    expect(lines[4]).toBe("");
    expect(lines[6]).toBe(IBAN);
    expect(lines[9]).toBe("RF18539007547034");
    expect(epcPayload({ ...transfer, bic: "agri frpp xxx" })!.split("\n")[4]).toBe("AGRIFRPPXXX");
  });

  it("should cut the name to 70 characters and the unstructured remittance to 140, counting characters not bytes", () => {
    expect(epcPayload({ ...transfer, name: "É".repeat(80) })!.split("\n")[5]).toBe("É".repeat(70));
    expect(epcPayload({ ...transfer, reference: null, text: "x".repeat(200) })!.split("\n")[10]).toBe("x".repeat(140));
  });

  it("should keep every field on its line when the name or text holds line breaks", () => {
    const lines = epcPayload({ ...transfer, name: "Atelier\nMartin\r\n", reference: null, text: "F2026\n42" })!.split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[5]).toBe("Atelier Martin");
    expect(lines[10]).toBe("F2026 42");
  });

  it("should refuse a structured reference over 35 characters rather than cut it", () => {
    expect(epcPayload({ ...transfer, reference: "RF18539007547034".padEnd(35, "1") })).not.toBeNull();
    expect(epcPayload({ ...transfer, reference: "RF18539007547034".padEnd(36, "1") })).toBeNull();
  });

  it("should answer null without a name or with something that is no IBAN", () => {
    expect(epcPayload({ ...transfer, name: "  " })).toBeNull();
    expect(epcPayload({ ...transfer, iban: "" })).toBeNull();
    expect(epcPayload({ ...transfer, iban: "7630006000011234567890189" })).toBeNull();
  });

  it("should stay within 331 bytes with the longest fields, multi-byte UTF-8 included, and answer null beyond", () => {
    // 220 bytes of fixed fields, a 70-character name of two-byte letters and a 34-character IBAN: 110 bytes remain for the text.
    const longest = { bic: "AGRIFRPPXXX", name: "Ä".repeat(70), iban: `MT${"1".repeat(32)}`, amountCents: 99_999_999_999, reference: null, text: `${"é".repeat(55)}` };
    expect(bytes(epcPayload(longest)!)).toBe(EPC_MAX_BYTES - 1);
    expect(bytes(epcPayload({ ...longest, text: `${"é".repeat(55)}x` })!)).toBe(EPC_MAX_BYTES);
    // One byte more and no payload at all, rather than one a bank refuses.
    expect(epcPayload({ ...longest, text: `${"é".repeat(55)}xx` })).toBeNull();
    expect(epcPayload({ ...transfer, name: "😀".repeat(70), reference: null, text: "é".repeat(140) })).toBeNull();
  });
});
