/** The PDF renderer on hand-made documents: PDF/A-3 structure (the validator's pdf layer), the text a reader extracts, page breaks, fonts. */
import { describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { ciiXml } from "../../../worker/facturx/cii";
import type { InvoiceDocument } from "../../../worker/facturx/document";
import { invoicePdf } from "../../../worker/facturx/pdf";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { eurInvoice, eurInvoiceEn, manyLines, pdfText, PLACEHOLDER_XML } from "./pdf-fixtures";

const pdfFindings = (report: { findings: { layer: string }[] }) => report.findings.filter((finding) => finding.layer === "pdf");
/** The PDF of a hand-made document with its own Factur-X XML, as the routes make it. */
const pdfOf = (doc: InvoiceDocument) => invoicePdf(doc, ciiXml(doc));

describe("invoice PDF", () => {
  it("renders a French EUR invoice with two VAT rates as PDF/A-3 with the labels, figures and mentions", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const bytes = await pdfOf(eurInvoice());
    const text = (await pdfText(bytes)).join("\n");
    for (const expected of ["Facture", "F-2026-0042", "Date d'émission", "24/11/2026", "SIREN 123456789", "RCS Lyon 123 456 789", "SARL au capital de 10 000 €",
      "Total HT", "1 238,50 €", "Total TVA", "234,87 €", "Total TTC", "1 473,37 €", "Reste à payer", "5,5 %", "20 %", "Remise fidélité", "-50,00 €",
      "FR76 3000 6000 0112 3456 7890 189", "RF18F20260042", "Indemnité forfaitaire", "Option pour le paiement de la TVA d'après les débits", "livraison de biens et prestation de services"]) {
      expect(text.replace(/[\u00a0\u202f]/g, " ")).toContain(expected);
    }
    const report = await checkFacturx("pdf-render-fr.pdf", bytes.slice().buffer);
    expect(pdfFindings(report)).toEqual([]);
    expect(blocking(report)).toEqual([]);
  });

  it("renders the English invoice with English labels and amounts", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const bytes = await pdfOf(eurInvoiceEn());
    const text = (await pdfText(bytes)).join("\n");
    for (const expected of ["Invoice", "Issue date", "24 Nov 2026", "Total excl. VAT", "€1,238.50", "Total incl. VAT", "€1,473.37", "Amount due", "5.5%", "Pay by bank transfer"]) expect(text).toContain(expected);
    expect(text).not.toContain("Reste à payer");
    const report = await checkFacturx("pdf-render-en.pdf", bytes.slice().buffer);
    expect(pdfFindings(report)).toEqual([]);
    expect(blocking(report)).toEqual([]);
  });

  it("continues the lines table on further pages for 100 lines, numbering the pages", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const bytes = await pdfOf(manyLines(100));
    const pdf = await PDFDocument.load(bytes);
    const pages = pdf.getPageCount();
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = (await pdfText(bytes)).join("\n");
    expect(text).toContain("Prestation n° 100");
    expect(text).toContain(`Page ${pages} / ${pages}`);
    expect(text).toContain("Désignation (suite)");
    const report = await checkFacturx("pdf-render-100-lines.pdf", bytes.slice().buffer);
    expect(pdfFindings(report)).toEqual([]);
    expect(blocking(report)).toEqual([]);
  });

  it("stamps a void invoice and drops the transfer instructions", async () => {
    const text = (await pdfText(await invoicePdf(eurInvoice({ status: "void" }), PLACEHOLDER_XML))).join("\n");
    expect(text).toContain("FACTURE ANNULÉE");
    expect(text).not.toContain("Paiement par virement");
    expect((await pdfText(await pdfOf(eurInvoice()))).join("\n")).not.toContain("FACTURE ANNULÉE");
  });

  it("draws characters the Latin file lacks from Latin Extended, and a character no file has as ?", async () => {
    const doc = eurInvoice({ memo: "Łódź, Œuvre, Ștefan — 漢字 🙂\u0007" });
    const bytes = await invoicePdf(doc, PLACEHOLDER_XML);
    const text = (await pdfText(bytes)).join("");
    expect(text).toContain("Łódź");
    expect(text).toContain("Ștefan");
    expect(text).toContain("??");
  });
});
