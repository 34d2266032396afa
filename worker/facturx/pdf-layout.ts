/**
 * A small typesetter over pdf-lib for the invoice PDF: A4 pages, a cursor moving down, text in the
 * embedded fonts (fonts.ts cuts it into runs per font file), right-aligned figures, wrapped
 * paragraphs, rules and filled boxes in plain RGB (no transparency: PDF/A). A block that does not fit
 * opens a new page; the caller decides where blocks may break.
 */
import { PDFDocument, PDFPage, rgb, type RGB } from "pdf-lib";
import type { FontSet, Weight } from "./fonts";

export const PAGE = { width: 595.28, height: 841.89, margin: 48, footer: 40 } as const;
export const INK = rgb(0.07, 0.07, 0.09);
export const MUTED = rgb(0.36, 0.37, 0.41);
export const RULE = rgb(0.82, 0.83, 0.86);
export const SHADE = rgb(0.95, 0.95, 0.96);

export type TextStyle = { size?: number; weight?: Weight; color?: RGB };

export class Canvas {
  page!: PDFPage;
  /** The baseline cursor, in points from the bottom of the page. */
  y = 0;
  readonly pages: PDFPage[] = [];
  /** Called after each new page is opened (e.g. to repeat a table header). */
  onNewPage: (() => void) | null = null;

  constructor(readonly pdf: PDFDocument, readonly fonts: FontSet) {
    this.newPage();
  }

  get left(): number { return PAGE.margin; }
  get right(): number { return PAGE.width - PAGE.margin; }
  get width(): number { return this.right - this.left; }
  /** The lowest baseline content may use. */
  get bottom(): number { return PAGE.margin + PAGE.footer; }

  newPage(): void {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.pages.push(this.page);
    this.y = PAGE.height - PAGE.margin;
    this.onNewPage?.();
  }

  /** Makes room for `height` points below the cursor, opening a page when they do not fit. */
  ensure(height: number): void {
    if (this.y - height < this.bottom) this.newPage();
  }

  /** Moves the cursor down. */
  down(points: number): void {
    this.y -= points;
  }

  textWidth(text: string, style: TextStyle = {}): number {
    return this.fonts.width(text, style.weight ?? "regular", style.size ?? 9);
  }

  /** Draws one line of text with its left edge at `x` on baseline `y` (the cursor by default). */
  text(text: string, x: number, style: TextStyle = {}, y = this.y): number {
    const size = style.size ?? 9;
    let cursor = x;
    for (const run of this.fonts.runs(text, style.weight ?? "regular")) {
      if (run.text === "") continue;
      this.page.drawText(run.text, { x: cursor, y, size, font: run.font, color: style.color ?? INK });
      cursor += run.font.widthOfTextAtSize(run.text, size);
    }
    return cursor - x;
  }

  /** Draws one line of text ending at `x`. */
  textRight(text: string, x: number, style: TextStyle = {}, y = this.y): void {
    this.text(text, x - this.textWidth(text, style), style, y);
  }

  /** Cuts text into lines no wider than `width` (words first, then characters of an over-long word). */
  wrap(text: string, width: number, style: TextStyle = {}): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = "";
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line === "" ? word : `${line} ${word}`;
        if (this.textWidth(candidate, style) <= width) { line = candidate; continue; }
        if (line !== "") lines.push(line);
        line = "";
        let piece = "";
        for (const char of word) {
          if (this.textWidth(piece + char, style) > width && piece !== "") { lines.push(piece); piece = ""; }
          piece += char;
        }
        line = piece;
      }
      lines.push(line);
    }
    return lines;
  }

  /** A wrapped paragraph at the cursor, breaking pages between lines. */
  paragraph(text: string, style: TextStyle = {}, x = this.left, width = this.right - x): void {
    const leading = (style.size ?? 9) * 1.4;
    for (const line of this.wrap(text, width, style)) {
      this.ensure(leading);
      this.down(leading);
      this.text(line, x, style);
    }
  }

  rule(x1 = this.left, x2 = this.right, y = this.y, color: RGB = RULE, thickness = 0.6): void {
    this.page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color });
  }

  box(x: number, y: number, width: number, height: number, color: RGB = SHADE): void {
    this.page.drawRectangle({ x, y, width, height, color });
  }
}
