/**
 * QR codes (uqr: byte mode, UTF-8), for the EPC transfer code on pay pages and PDFs. Level M, the
 * error correction EPC069-12 asks for; a quiet zone of four modules around the code.
 */
import { encode } from "uqr";

const OPTIONS = { ecc: "M", border: 4 } as const;

/** The modules, row by row (true = dark), quiet zone included. */
export function qrMatrix(text: string): boolean[][] {
  return encode(text, OPTIONS).data;
}

/**
 * A standalone SVG of the code, for an <img> or inline: one module per user unit, each row's dark
 * runs as one rectangle (a fifth of the size of one square per module), drawn 4 px per module.
 */
export function qrSvg(text: string): string {
  const rows = qrMatrix(text);
  const size = rows.length;
  let path = "";
  rows.forEach((row, y) => {
    for (let x = 0; x < size; x += 1) {
      if (!row[x]) continue;
      let end = x;
      while (row[end + 1]) end += 1;
      path += `M${x} ${y}h${end - x + 1}v1H${x}z`;
      x = end;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size * 4}" height="${size * 4}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}
