/**
 * The statement parsers and matching rules on their own: every camt version accepted, amounts in
 * each currency's exponent without floats, references found in free text, names compared.
 */
import { describe, expect, it } from "vitest";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { namesMatch, textBodies } from "../../../worker/bank-statements/match";
import { decodeStatement, parseStatement } from "../../../worker/bank-statements/parse";
import { toMinorUnits } from "../../../worker/bank-statements/statement";
import { camtFile, ofxSgmlFile } from "../../support/statement-files";

describe("statement parsing", () => {
  it("should read camt.053 and camt.054 from version 001.02 to 001.13", () => {
    for (const kind of ["053", "054"] as const) {
      for (let version = 2; version <= 13; version += 1) {
        const parsed = parseStatement(camtFile([{ amount: "12.34", ref: "V", payerName: "Payer", structuredRef: "RF18539007547034" }], { kind, version }));
        expect([parsed.format, parsed.lines[0]!.amount, parsed.lines[0]!.payerName, parsed.lines[0]!.structuredRef], `${kind} v${version}`).toEqual([`camt.${kind}`, 1234, "Payer", "RF18539007547034"]);
      }
    }
  });

  it("should convert decimal text to minor units exactly in the currency's exponent", () => {
    expect(toMinorUnits("0.1", "eur", "x") + toMinorUnits("0.2", "eur", "x")).toBe(30);
    expect(toMinorUnits("1200,50", "eur", "x")).toBe(120_050);
    expect(toMinorUnits("5000", "jpy", "x")).toBe(5000);
    expect(toMinorUnits("5000.00", "jpy", "x")).toBe(5000);
    expect(toMinorUnits("1.234", "kwd", "x")).toBe(1234);
    expect(toMinorUnits(".5", "eur", "x")).toBe(50);
    expect(toMinorUnits("9999999999.99", "eur", "x")).toBe(999_999_999_999);
    expect(() => toMinorUnits("10000000000.00", "eur", "x")).toThrow(/larger than any amount/);
    expect(() => toMinorUnits("1.5", "jpy", "x")).toThrow(/more decimals than JPY allows \(0\)/);
    expect(() => toMinorUnits("1e3", "eur", "x")).toThrow(/not a decimal amount/);
    expect(() => toMinorUnits("-1", "eur", "x")).toThrow(/not a decimal amount/);
  });

  it("should find invoice numbers and RF references in free text, and not short or digitless words", () => {
    const rf = rfReferenceOfInvoice("F2026-000042")!;
    expect(textBodies(`VIR ${rf.replace(/(.{4})/g, "$1 ")} merci`)).toContain("F2026000042");
    expect(textBodies("Facture f2026-000042")).toContain("F2026000042");
    expect(textBodies("REF F2026 000042")).toContain("F2026000042");
    expect(textBodies("paiement 12 sur 3 loyer")).toEqual([]);
  });

  it("should compare payer and customer names without accents, case, legal forms or word order", () => {
    expect(namesMatch("DUPONT ET FILS", "Société Dupont & Fils SARL")).toBe(true);
    expect(namesMatch("M. JEAN DUPONT", "Dupont Jean")).toBe(true);
    expect(namesMatch("CLIENT SAS", "Client")).toBe(true);
    expect(namesMatch("MARTIN", "Martin Dupont")).toBe(false);
    expect(namesMatch("DURAND", "Dupont")).toBe(false);
    expect(namesMatch(null, "Dupont")).toBe(false);
  });

  it("should give unreferenced OFX transactions stable names and keep FITIDs", () => {
    const file = ofxSgmlFile([{ amount: "10.00", fitId: "" }, { amount: "10.00", fitId: "" }, { amount: "11.00", fitId: "F-3" }]);
    const first = parseStatement(file).lines.map((line) => line.entryRef);
    expect(parseStatement(file).lines.map((line) => line.entryRef)).toEqual(first);
    expect(new Set(first).size).toBe(3);
    expect(first[2]).toBe("F-3");
  });

  it("should decode a camt file in the encoding it declares, and refuse bytes that are not its UTF-8", () => {
    const latin1 = camtFile([{ amount: "1.00", ref: "L", payerName: "Société Générale" }]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const bytes = Uint8Array.from(latin1, (char) => char.charCodeAt(0));
    expect(parseStatement(decodeStatement(bytes.buffer)).lines[0]!.payerName).toBe("Société Générale");
    const broken = Uint8Array.from(camtFile([{ amount: "1.00", ref: "L", payerName: "Société" }]), (char) => char.charCodeAt(0));
    expect(() => decodeStatement(broken.buffer)).toThrow(/not valid UTF-8/);
    const utf16 = new TextEncoder().encode('<?xml version="1.0" encoding="UTF-16"?><Document/>');
    expect(() => decodeStatement(utf16.buffer)).toThrow(/encoded in utf-16/);
  });
});
