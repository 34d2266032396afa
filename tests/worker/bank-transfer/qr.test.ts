/** The EPC QR code, drawn and read back by a QR decoder (jsQR) to the very payload, accents included. */
import jsQR from "jsqr";
import { describe, expect, it } from "vitest";
import { epcPayload } from "../../../shared/epc-qr";
import { rfReferenceOfInvoice } from "../../../shared/rf-reference";
import { qrMatrix, qrSvg } from "../../../worker/lib/qr";

const PAYLOAD = epcPayload({ bic: "AGRIFRPP", name: "Société Générale des Élèves — Zoë & Çà", iban: "FR7630006000011234567890189", amountCents: 57_605, reference: rfReferenceOfInvoice("F2026-000042") })!;

/** The modules as RGBA pixels, `scale` pixels per module (dark = black, light = white). */
function toPixels(modules: boolean[][], scale: number): { data: Uint8ClampedArray; width: number } {
  const width = modules.length * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy += 1) {
        for (let dx = 0; dx < scale; dx += 1) {
          const offset = ((y * scale + dy) * width + x * scale + dx) * 4;
          data[offset] = data[offset + 1] = data[offset + 2] = 0;
        }
      }
    }),
  );
  return { data, width };
}

/** The modules an SVG from qrSvg draws, read back from its path (`M x y h n v1 H x z` per run). */
function modulesOfSvg(svg: string): boolean[][] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const modules = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, run] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1H\1z/g)) {
    for (let index = 0; index < Number(run); index += 1) modules[Number(y)]![Number(x) + index] = true;
  }
  return modules;
}

describe("qrMatrix", () => {
  it("should decode back to exactly the EPC payload, accents and line feeds included", () => {
    expect(PAYLOAD).toContain("Élèves");
    const { data, width } = toPixels(qrMatrix(PAYLOAD), 4);

    const decoded = jsQR(data, width, width);

    expect(decoded?.data).toBe(PAYLOAD);
    expect(decoded?.binaryData).toEqual([...new TextEncoder().encode(PAYLOAD)]);
  });

  it("should draw a square with a quiet zone of four light modules on every side", () => {
    const modules = qrMatrix(PAYLOAD);
    const size = modules.length;
    expect(modules.every((row) => row.length === size)).toBe(true);
    // Versions run 21, 25, … modules, plus 2 × 4 of quiet zone.
    expect((size - 8 - 21) % 4).toBe(0);
    for (let index = 0; index < 4; index += 1) {
      expect(modules[index]!.some(Boolean)).toBe(false);
      expect(modules[size - 1 - index]!.some(Boolean)).toBe(false);
      expect(modules.some((row) => row[index] || row[size - 1 - index])).toBe(false);
    }
    // The finder pattern's corner starts right after the quiet zone.
    expect(modules[4]![4]).toBe(true);
  });

  it("should decode at the largest EPC payload too (331 bytes)", () => {
    const largest = epcPayload({ bic: "AGRIFRPPXXX", name: "Ä".repeat(70), iban: `MT${"1".repeat(32)}`, amountCents: 99_999_999_999, reference: null, text: `${"é".repeat(55)}x` })!;
    expect(new TextEncoder().encode(largest).length).toBe(331);
    const { data, width } = toPixels(qrMatrix(largest), 4);
    expect(jsQR(data, width, width)?.data).toBe(largest);
  });
});

describe("qrSvg", () => {
  it("should draw the same modules as qrMatrix, which decode back to the payload", () => {
    const svg = qrSvg(PAYLOAD);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const modules = modulesOfSvg(svg);
    expect(modules).toEqual(qrMatrix(PAYLOAD));
    const { data, width } = toPixels(modules, 4);
    expect(jsQR(data, width, width)?.data).toBe(PAYLOAD);
  });

  it("should hold nothing but the drawing: no script, no text of the payload, no external reference", () => {
    const svg = qrSvg(PAYLOAD);
    expect(svg).not.toMatch(/<script|href|on\w+=|Élèves/);
    expect(svg.length).toBeLessThan(20_000);
  });
});
