/** Hand-made InvoiceDocuments for the PDF tests (independent of the loader), and a way to read a PDF's text back. */
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef, PDFStream } from "pdf-lib";
import type { DocumentLine, InvoiceDocument } from "../../../worker/facturx/document";

const line = (position: number, description: string, quantity_milli: number, unit_amount: number, tax_rate_bp: number): DocumentLine => ({
  position, description, quantity_milli, unit_amount, amount_subtotal: Math.round((quantity_milli * unit_amount) / 1000), tax_rate_bp, tax_category: "S",
});

/** An EUR invoice with two VAT rates (20 % and 5.5 %), a discount line, bank transfer instructions and an EPC QR code. */
export function eurInvoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const lines = [line(1, "Développement d'une application — forfait", 2500, 48_000, 2000), line(2, "Livres techniques", 3000, 2_950, 550), line(3, "Remise fidélité", 1000, -5_000, 2000)];
  return {
    kind: "invoice", type_code: "380", id: "inv_test", number: "F-2026-0042", issue_date: "2026-11-24", due_date: "2026-12-24",
    currency: "eur", currency_exponent: 2, language: "fr", customer_type: "business",
    seller: {
      name: "Atelier Dupont SARL", legal_form: "SARL", share_capital: "10 000 €", rcs: "RCS Lyon 123 456 789",
      address: { line1: "12 rue de la République", postal_code: "69002", city: "Lyon", country: "FR" },
      siren: "123456789", siret: "12345678900017", vat_number: "FR32123456789", electronic_address: { scheme: "0225", id: "123456789" }, email: "compta@atelier-dupont.fr",
    },
    buyer: {
      name: "Société Cliente SAS", legal_form: null, share_capital: null, rcs: null,
      address: { line1: "5 avenue des Champs", line2: "Bâtiment B", postal_code: "75008", city: "Paris", country: "FR" },
      siren: "987654321", siret: null, vat_number: "FR12987654321", electronic_address: { scheme: "0225", id: "987654321" }, email: "achats@cliente.fr",
    },
    lines,
    tax_breakdown: [
      { tax_rate_bp: 550, tax_category: "S", taxable_amount: 8_850, tax_amount: 487, exemption_reason: null, exemption_code: null },
      { tax_rate_bp: 2000, tax_category: "S", taxable_amount: 115_000, tax_amount: 23_000, exemption_reason: null, exemption_code: null },
    ],
    totals: { lines: 123_850, tax_exclusive: 123_850, tax: 23_487, tax_inclusive: 147_337, prepaid: 0, due: 147_337 },
    preceding_invoice: null, billing_frame: "M1", operation_category: "mixed", vat_on_debits: true,
    payment_terms: "Paiement à 30 jours par virement.",
    notes: [
      { subject: "PMT", text: "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €." },
      { subject: "PMD", text: "Pénalités de retard : trois fois le taux d'intérêt légal." },
      { subject: "AAB", text: "Pas d'escompte pour paiement anticipé." },
    ],
    payment: {
      iban: "FR7630006000011234567890189", bic: "AGRIFRPP", account_name: "Atelier Dupont SARL", rf_reference: "RF18F20260042", remittance: "RF18F20260042",
      epc_payload: "BCD\n002\n1\nSCT\nAGRIFRPP\nAtelier Dupont SARL\nFR7630006000011234567890189\nEUR1473.37\n\nRF18F20260042\n\n",
    },
    memo: "Merci pour votre confiance.", credit_notes: [], reason: null,
    buyer_treatment: "B2B", status: "open", paid_on: null, vat_due_date_code: "5", tax_in_accounting_currency: null,
    ...overrides,
  };
}

/** The same invoice in English. */
export const eurInvoiceEn = (overrides: Partial<InvoiceDocument> = {}) => eurInvoice({ language: "en", ...overrides });

/** A placeholder XML until the CII is merged (the pdf layer checks only that it is attached). */
export const PLACEHOLDER_XML = `<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>\n`;

/** A document with `count` lines (for the page breaks). */
export function manyLines(count: number): InvoiceDocument {
  const lines = Array.from({ length: count }, (_, i) => line(i + 1, `Prestation n° ${i + 1}${i % 7 === 0 ? " — with a much longer description that has to wrap over two lines of the table at least" : ""}`, 1000, 1_000, 2000));
  const net = count * 1_000;
  return eurInvoice({ lines, tax_breakdown: [{ tax_rate_bp: 2000, tax_category: "S", taxable_amount: net, tax_amount: net / 5, exemption_reason: null, exemption_code: null }], totals: { lines: net, tax_exclusive: net, tax: net / 5, tax_inclusive: net * 1.2, prepaid: 0, due: net * 1.2 } });
}

/**
 * The text a reader extracts from the PDF: each shown string (`<hex> Tj`) mapped back through its
 * font's ToUnicode CMap, one string per drawn run, pages in order.
 */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const out: string[] = [];
  for (const page of pdf.getPages()) {
    const fonts = new Map<string, Map<string, string>>();
    const fontDict = page.node.Resources()?.lookup(PDFName.of("Font"), PDFDict);
    for (const [name, ref] of fontDict?.entries() ?? []) {
      const font = pdf.context.lookup(ref as PDFRef, PDFDict);
      const cmap = font.lookup(PDFName.of("ToUnicode"), PDFStream) as PDFRawStream;
      fonts.set(name.asString(), parseCmap(new TextDecoder().decode(decodePDFRawStream(cmap).decode())));
    }
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref) as PDFRawStream) : [contents as PDFRawStream];
    for (const stream of streams) {
      const ops = new TextDecoder("latin1").decode(decodePDFRawStream(stream).decode());
      let map = new Map<string, string>();
      for (const match of ops.matchAll(/(\/\S+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj/g)) {
        if (match[1]) { map = fonts.get(match[1]) ?? new Map(); continue; }
        const hex = match[2]!;
        let text = "";
        for (let i = 0; i < hex.length; i += 4) text += map.get(hex.slice(i, i + 4).toUpperCase()) ?? "\ufffd";
        out.push(text);
      }
    }
  }
  return out;
}

function parseCmap(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(m[1]!.toUpperCase().padStart(4, "0"), utf16(m[2]!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const [start, end, first] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
      for (let code = start; code <= end; code++) map.set(code.toString(16).toUpperCase().padStart(4, "0"), String.fromCodePoint(first + code - start));
    }
  }
  return map;
}
