/**
 * ISO-8859-15 (latin-9), the character set article A47 A-1 of the LPF names for the FEC. It is
 * latin-1 with eight code points changed (€ Š š Ž ž Œ œ Ÿ in place of ¤ ¦ ¨ ´ ¸ ¼ ½ ¾). A character
 * it cannot hold becomes `?`, always, so the same text always encodes to the same bytes.
 */

const LATIN9_SPECIALS: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0xa4], // €
  [0x0160, 0xa6], // Š
  [0x0161, 0xa8], // š
  [0x017d, 0xb4], // Ž
  [0x017e, 0xb8], // ž
  [0x0152, 0xbc], // Œ
  [0x0153, 0xbd], // œ
  [0x0178, 0xbe], // Ÿ
]);
/** The latin-1 code points latin-9 gave away. */
const REPLACED = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);
const REPLACEMENT = 0x3f; // ?

/**
 * Encodes text as ISO-8859-15 bytes; unmappable characters (and lone surrogates) become `?`.
 * @example encodeLatin9("Œuvre 10 €") // Uint8Array [0xbc, 0x75, …, 0x20, 0xa4]
 */
export function encodeLatin9(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const special = LATIN9_SPECIALS.get(code);
    bytes[length++] = special ?? (code <= 0xff && !REPLACED.has(code) ? code : REPLACEMENT);
  }
  return bytes.subarray(0, length);
}
