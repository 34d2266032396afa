/** The PDF's body blocks: the lines table (repeating its header on each page), VAT per rate and totals, bank transfer, terms and mentions. */
import { rgb } from "pdf-lib";
import { qrMatrix } from "../lib/qr";
import type { InvoiceDocument } from "./document";
import { groupBy4, mentions, shownNotes, totalRows, type DocumentFormat } from "./labels";
import { Canvas, MUTED, RULE, SHADE } from "./pdf-layout";

const WHITE = rgb(1, 1, 1);

/** The lines table: description (wrapped), quantity, unit price, VAT rate, line total. */
export function linesTable(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const cols = { qty: canvas.left + 300, unit: canvas.left + 385, vat: canvas.left + 428, total: canvas.right };
  const descWidth = cols.qty - canvas.left - 40;
  const head = (continued: boolean) => {
    canvas.down(4);
    canvas.box(canvas.left, canvas.y - 16, canvas.width, 18);
    canvas.down(11);
    const style = { size: 7.5, weight: "bold", color: MUTED } as const;
    canvas.text(`${f.description}${continued ? ` ${f.continued}` : ""}`, canvas.left + 6, style);
    canvas.textRight(f.qty, cols.qty, style);
    canvas.textRight(f.unit_price, cols.unit, style);
    canvas.textRight(f.vat, cols.vat, style);
    canvas.textRight(f.line_total, cols.total - 6, style);
    canvas.down(7);
  };
  head(false);
  canvas.onNewPage = () => head(true);
  for (const line of doc.lines) {
    const pieces = canvas.wrap(line.description, descWidth, { size: 8.5 });
    const height = pieces.length * 11.5 + 8;
    canvas.ensure(height);
    const top = canvas.y;
    for (const [index, piece] of pieces.entries()) {
      canvas.down(index === 0 ? 13 : 11.5);
      canvas.text(piece, canvas.left + 6, { size: 8.5 });
      if (index === 0) {
        canvas.textRight(f.quantity(line.quantity_milli), cols.qty, { size: 8.5 });
        canvas.textRight(f.money(line.unit_amount), cols.unit, { size: 8.5 });
        canvas.textRight(f.rate(line.tax_rate_bp), cols.vat, { size: 8.5 });
        canvas.textRight(f.money(line.amount_subtotal), cols.total - 6, { size: 8.5 });
      }
    }
    canvas.y = Math.min(canvas.y, top - height) + 3;
    canvas.rule();
    canvas.down(1);
  }
  canvas.onNewPage = null;
  canvas.down(14);
}

/** VAT per rate on the left, totals (and for invoices what is paid, credited and due) on the right. */
export function totalsBlock(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const rows = totalRows(doc, f);
  const height = Math.max(doc.tax_breakdown.length * 14 + 30, rows.length * 16 + 10);
  canvas.ensure(height);
  const top = canvas.y;
  // VAT per rate
  const vat = { rate: canvas.left + 6, base: canvas.left + 160, amount: canvas.left + 250 };
  canvas.box(canvas.left, canvas.y - 16, 256, 18);
  canvas.down(11);
  const head = { size: 7.5, weight: "bold", color: MUTED } as const;
  canvas.text(f.vat_rate, vat.rate, head);
  canvas.textRight(f.taxable, vat.base, head);
  canvas.textRight(f.vat_amount, vat.amount, head);
  canvas.down(7);
  for (const row of doc.tax_breakdown) {
    canvas.down(13);
    canvas.text(`${f.rate(row.tax_rate_bp)}${row.tax_category === "S" ? "" : ` (${row.tax_category})`}`, vat.rate, { size: 8.5 });
    canvas.textRight(f.money(row.taxable_amount), vat.base, { size: 8.5 });
    canvas.textRight(f.money(row.tax_amount), vat.amount, { size: 8.5 });
  }
  const leftBottom = canvas.y;
  // Totals
  canvas.y = top;
  const x = canvas.right - 220;
  for (const row of rows) {
    if (row.strong) { canvas.box(x, canvas.y - 17, 220, 17, SHADE); }
    canvas.down(12);
    const style = { size: row.strong ? 10 : 9, weight: row.strong ? "bold" : "regular" } as const;
    canvas.text(row.label, x + 8, style);
    canvas.textRight(row.value, canvas.right - 6, style);
    canvas.down(5);
  }
  canvas.y = Math.min(canvas.y, leftBottom) - 16;
  if (doc.credit_notes.length > 0) {
    canvas.paragraph(f.credit_notes, { size: 8.5, weight: "bold" });
    for (const note of doc.credit_notes) canvas.paragraph(f.credit_note_line(note.number, f.day(note.issue_date), f.money(note.total)), { size: 8.5 });
    canvas.down(8);
  }
}

/** Bank transfer instructions (IBAN, BIC, holder, RF reference) beside the EPC QR code, while something is due. */
export function paymentBlock(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const payment = doc.payment;
  if (payment === null || doc.kind !== "invoice" || doc.status === "void" || doc.totals.due <= 0) return;
  const qr = payment.epc_payload ? qrMatrix(payment.epc_payload) : null;
  const qrSize = 92;
  const facts: [string, string][] = [[f.holder, payment.account_name], ["IBAN", groupBy4(payment.iban)]];
  if (payment.bic) facts.push(["BIC", payment.bic]);
  facts.push([f.reference, payment.remittance]);
  facts.push([f.due, f.money(doc.totals.due)]);
  const height = Math.max(qr ? qrSize + 20 : 0, 30 + facts.length * 13.5);
  canvas.ensure(height + 10);
  const top = canvas.y;
  canvas.box(canvas.left, top - height, canvas.width, height, SHADE);
  canvas.page.drawRectangle({ x: canvas.left, y: top - height, width: canvas.width, height, borderColor: RULE, borderWidth: 0.6 });
  canvas.down(18);
  canvas.text(f.transfer, canvas.left + 12, { size: 10, weight: "bold" });
  for (const [label, value] of facts) {
    canvas.down(13.5);
    canvas.text(label, canvas.left + 12, { size: 8.5, color: MUTED });
    canvas.text(value, canvas.left + 112, { size: 9, weight: label === "IBAN" || label === f.reference ? "bold" : "regular" });
  }
  if (qr) {
    const x = canvas.right - qrSize - 10;
    const y = top - 10 - qrSize;
    drawQr(canvas, qr, x, y, qrSize);
    canvas.textRight(f.scan, x - 10, { size: 7.5, color: MUTED }, y + 4);
  }
  canvas.y = top - height - 16;
}

/** The QR code as vector squares (one rectangle per run of dark modules in a row) on white. */
export function drawQr(canvas: Canvas, matrix: boolean[][], x: number, y: number, size: number): void {
  const module = size / matrix.length;
  canvas.box(x, y, size, size, WHITE);
  for (const [row, cells] of matrix.entries()) {
    let start = -1;
    for (let col = 0; col <= cells.length; col++) {
      const dark = col < cells.length && cells[col] === true;
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        canvas.page.drawRectangle({ x: x + start * module, y: y + size - (row + 1) * module, width: (col - start) * module, height: module, color: rgb(0, 0, 0) });
        start = -1;
      }
    }
  }
}

/** Payment terms, the notes (recovery indemnity, late penalties, early-payment discount), exemption and other mentions, the memo. */
export function mentionsBlock(canvas: Canvas, doc: InvoiceDocument, f: DocumentFormat): void {
  const small = { size: 8, color: MUTED } as const;
  const heading = (text: string) => { canvas.ensure(40); canvas.paragraph(text, { size: 8.5, weight: "bold" }); canvas.down(2); };
  if (doc.payment_terms || doc.notes.length > 0) {
    heading(f.terms);
    if (doc.payment_terms) canvas.paragraph(doc.payment_terms, small);
    for (const note of shownNotes(doc)) canvas.paragraph(note.text, small);
    canvas.down(8);
  }
  heading(f.mentions);
  for (const text of mentions(doc, f)) canvas.paragraph(text, small);
  if (doc.memo) {
    canvas.down(8);
    heading(f.memo);
    canvas.paragraph(doc.memo, { size: 8.5 });
  }
}

