/**
 * QR codes (uqr: byte mode, UTF-8), for the EPC transfer code on pay pages and PDFs. Level M, the
 * error correction EPC069-12 asks for; a quiet zone of four modules around the code.
 */
import { encode, renderSVG } from "uqr";

const OPTIONS = { ecc: "M", border: 4 } as const;

/** The modules, row by row (true = dark), quiet zone included. */
export function qrMatrix(text: string): boolean[][] {
  return encode(text, OPTIONS).data;
}

/** A standalone SVG of the code, for an <img> or inline. */
export function qrSvg(text: string): string {
  return renderSVG(text, { ...OPTIONS, pixelSize: 4 });
}
