/**
 * The PDF's typefaces: Inter (SIL OFL, @fontsource/inter) in the `.woff` files, regular and bold, each
 * split by fontsource into a Latin file (ASCII, Latin-1, € and punctuation) and a Latin Extended one
 * (Œ, Ł, Ș…). Both are bundled as bytes (wrangler.toml `[[rules]] type = "Data"`; WOFF2 would crash
 * fontkit) and unpacked to TrueType once per isolate (woff.ts). They are embedded subset (only the glyphs used), and the extended file only when the text
 * needs it. A character neither file has is drawn as "?" rather than breaking generation.
 */
/// <reference path="./font-files.d.ts" />
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";
import latin400 from "@fontsource/inter/files/inter-latin-400-normal.woff";
import latin700 from "@fontsource/inter/files/inter-latin-700-normal.woff";
import ext400 from "@fontsource/inter/files/inter-latin-ext-400-normal.woff";
import ext700 from "@fontsource/inter/files/inter-latin-ext-700-normal.woff";
import { woffToSfnt } from "./woff";

/** Each font file unpacked once per isolate (woff.ts). */
const unpacked = new Map<ArrayBuffer, Promise<Uint8Array>>();
function sfntOf(woff: ArrayBuffer): Promise<Uint8Array> {
  let sfnt = unpacked.get(woff);
  if (sfnt === undefined) {
    sfnt = woffToSfnt(new Uint8Array(woff));
    unpacked.set(woff, sfnt);
    sfnt.catch(() => unpacked.delete(woff));
  }
  return sfnt;
}

export type Weight = "regular" | "bold";

/** A piece of text drawn with one font file. */
export type Run = { font: PDFFont; text: string };

type Face = { font: PDFFont; has: Set<number> };

export class FontSet {
  private constructor(private readonly faces: Record<Weight, Face[]>) {}

  /** Embeds what `sample` (all the text the document will show) needs: Latin always, Latin Extended when a character asks for it. */
  static async embed(pdf: PDFDocument, sample: string): Promise<FontSet> {
    pdf.registerFontkit(fontkit);
    const face = async (woff: ArrayBuffer): Promise<Face> => {
      const font = await pdf.embedFont(await sfntOf(woff), { subset: true });
      withoutShaping(font);
      return { font, has: new Set(font.getCharacterSet()) };
    };
    const [regular, bold] = await Promise.all([face(latin400), face(latin700)]);
    const faces: Record<Weight, Face[]> = { regular: [regular], bold: [bold] };
    const needsExt = [...sample].some((char) => !regular.has.has(char.codePointAt(0)!));
    if (needsExt) {
      const [extRegular, extBold] = await Promise.all([face(ext400), face(ext700)]);
      faces.regular.push(extRegular);
      faces.bold.push(extBold);
    }
    return new FontSet(faces);
  }

  /** The text cut into runs of one font each; control characters become spaces, unknown characters "?". */
  runs(text: string, weight: Weight): Run[] {
    const faces = this.faces[weight];
    const runs: Run[] = [];
    for (const char of cleanText(text)) {
      let glyph = char;
      let face = faces.find((candidate) => candidate.has.has(glyph.codePointAt(0)!));
      if (face === undefined && SUBSTITUTES[glyph] !== undefined) {
        glyph = SUBSTITUTES[glyph]!;
        face = faces.find((candidate) => candidate.has.has(glyph.codePointAt(0)!));
      }
      if (face === undefined) glyph = "?";
      const font = face?.font ?? faces[0]!.font;
      const last = runs[runs.length - 1];
      if (last !== undefined && last.font === font) last.text += glyph;
      else runs.push({ font, text: glyph });
    }
    return runs;
  }

  /** Width of the text at `size` points, as drawn by {@link runs}. */
  width(text: string, weight: Weight, size: number): number {
    return this.runs(text, weight).reduce((sum, run) => sum + run.font.widthOfTextAtSize(run.text, size), 0);
  }
}

type Glyph = { id: number; advanceWidth: number };
type FontkitFont = { layout: (text: string) => { glyphs: Glyph[] }; glyphForCodePoint: (code: number) => Glyph };

/**
 * pdf-lib measures and encodes every string through fontkit's full OpenType shaper (about 2.5 ms a
 * call for Inter, whose contextual features the shaper runs), and uses only the glyphs it returns.
 * The invoice needs one glyph per character, no ligatures (pdf-lib positions by advance widths, no
 * kerning, either way): map characters to glyphs directly, cached. This reaches into pdf-lib's
 * embedder (`font.embedder.font`, the fontkit font); fonts.test checks the text still reads back.
 */
function withoutShaping(font: PDFFont): void {
  const fontkitFont = (font as unknown as { embedder: { font: FontkitFont } }).embedder.font;
  const cache = new Map<number, Glyph>();
  const glyph = (code: number) => {
    let found = cache.get(code);
    if (found === undefined) cache.set(code, (found = fontkitFont.glyphForCodePoint(code)));
    return found;
  };
  fontkitFont.layout = (text: string) => ({ glyphs: Array.from(text, (char) => glyph(char.codePointAt(0)!)) });
}

/** Characters Intl or people write that Inter's files lack, and the glyph drawn instead (e.g. fr-FR's thin group separator). */
const SUBSTITUTES: Record<string, string> = { "\u202f": "\u00a0", "\u2009": " ", "\u2007": "\u00a0", "\u200a": " ", "\u2011": "-", "\u2212": "-", "\u00ad": "-" };

/** NFC (so "é" typed as e + accent finds its glyph), control and line characters as spaces. */
export function cleanText(text: string): string {
  return text.normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
}
