/**
 * The invoice or credit note as a Factur-X PDF/A-3b, made in the Worker with pdf-lib: the same
 * content as the printable page (pay/print-page.ts), read from the same InvoiceDocument, in the
 * document's language, with the CII XML attached (pdfa.ts). Layout: A4, seller and buyer with the
 * French mentions, the lines (continuing on further pages), VAT per rate, totals, what is paid and
 * due, bank transfer instructions with the EPC QR code, terms, notes and mentions.
 */
import { PDFDocument, rgb } from "pdf-lib";
import type { DocumentParty, InvoiceDocument } from "./document";
import { FontSet } from "./fonts";
import { documentFormat, partyLines, type DocumentFormat } from "./labels";
import { Canvas, MUTED, PAGE } from "./pdf-layout";
import { linesTable, mentionsBlock, paymentBlock, totalsBlock } from "./pdf-sections";
import { makePdfA } from "./pdfa";

export async function invoicePdf(doc: InvoiceDocument, xml: string, now = new Date()): Promise<Uint8Array> {
  const f = documentFormat(doc);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await FontSet.embed(pdf, JSON.stringify(doc));
  const canvas = new Canvas(pdf, fonts);
  header(canvas, doc, f);
  parties(canvas, doc, f);
  if (doc.kind === "credit_note") creditNoteReference(canvas, doc, f);
  linesTable(canvas, doc, f);
  totalsBlock(canvas, doc, f);
  paymentBlock(canvas, doc, f);
  mentionsBlock(canvas, doc, f);
  footers(canvas, doc, f);
  const title = `${f.title} ${doc.number}`;
  await makePdfA(pdf, { xml, title, author: doc.seller.name, language: doc.language === "fr" ? "fr-FR" : "en-GB", now, id: `${doc.id}:${doc.number}` });
  return pdf.save({ useObjectStreams: false });
}

function header(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const top = canvas.y;
  canvas.down(16);
  const nameLines = canvas.wrap(doc.seller.name, canvas.width * 0.5, { size: 15, weight: "bold" });
  for (const [index, line] of nameLines.entries()) {
    if (index > 0) canvas.down(19);
    canvas.text(line, canvas.left, { size: 15, weight: "bold" });
  }
  let left = canvas.y;
  if (doc.seller.email) { canvas.down(14); canvas.text(doc.seller.email, canvas.left, { size: 8.5, color: MUTED }); left = canvas.y; }
  canvas.y = top - 18;
  canvas.textRight(f.title, canvas.right, { size: 18, weight: "bold" });
  const facts: [string, string][] = [[f.number, doc.number], [f.issue_date, f.day(doc.issue_date)]];
  if (doc.due_date) facts.push([f.due_date, f.day(doc.due_date)]);
  for (const [label, value] of facts) {
    canvas.down(14);
    canvas.textRight(value, canvas.right, { size: 9.5, weight: "bold" });
    canvas.textRight(label, canvas.right - canvas.textWidth(value, { size: 9.5, weight: "bold" }) - 8, { size: 9, color: MUTED });
  }
  if (doc.status === "void") {
    canvas.down(18);
    canvas.textRight(f.void.toUpperCase(), canvas.right, { size: 11, weight: "bold", color: rgb(0.72, 0.1, 0.1) });
  }
  canvas.y = Math.min(canvas.y, left) - 22;
  canvas.rule();
}

/** The lines of a party block: name, legal form and capital, address, identifiers (INVOICE-FR.md). */

function parties(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const top = canvas.y - 20;
  const column = (canvas.width - 32) / 2;
  let lowest = top;
  for (const [index, [title, party]] of ([[f.seller, doc.seller], [f.buyer, doc.buyer]] as const).entries()) {
    const x = canvas.left + index * (column + 32);
    canvas.y = top;
    canvas.text(title.toUpperCase(), x, { size: 7.5, weight: "bold", color: MUTED });
    canvas.down(3);
    for (const line of partyLines(party, f)) {
      const style = { size: line.bold ? 10 : 8.5, weight: line.bold ? "bold" : "regular" } as const;
      for (const piece of canvas.wrap(line.text, column, style)) {
        canvas.down(line.bold ? 14 : 11.5);
        canvas.text(piece, x, style);
      }
    }
    lowest = Math.min(lowest, canvas.y);
  }
  canvas.y = lowest - 18;
}

function creditNoteReference(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  if (doc.preceding_invoice) canvas.paragraph(f.corrects(doc.preceding_invoice.number, f.day(doc.preceding_invoice.issue_date)), { size: 10, weight: "bold" });
  if (doc.reason) canvas.paragraph(f.colon(f.reason, doc.reason), { size: 9 });
  canvas.down(8);
}

function footers(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const total = canvas.pages.length;
  const left = [doc.seller.name, doc.seller.siren ? `SIREN ${doc.seller.siren}` : null, `${f.title} ${doc.number}`].filter(Boolean).join(" · ");
  for (const [index, page] of canvas.pages.entries()) {
    canvas.page = page;
    const y = PAGE.margin - 14;
    canvas.rule(canvas.left, canvas.right, y + 12);
    canvas.text(left, canvas.left, { size: 7.5, color: MUTED }, y);
    canvas.textRight(f.page(index + 1, total), canvas.right, { size: 7.5, color: MUTED }, y);
  }
}
