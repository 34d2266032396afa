/** The Factur-X PDF of a document as an HTTP response: the v1 routes (pdf-routes.ts) and the pay page serve the same file. */
import { ciiXml } from "./cii";
import type { InvoiceDocument } from "./document";

/**
 * The PDF of a document as a download named after its number (`F-2026-0042.pdf`). The PDF code
 * (pdf-lib, fontkit, the fonts: most of the Worker's size) is imported on the first PDF asked
 * for, so an isolate that serves no PDF never evaluates it.
 */
export async function documentPdfResponse(doc: InvoiceDocument): Promise<Response> {
  const { invoicePdf } = await import("./pdf");
  const bytes = await invoicePdf(doc, ciiXml(doc));
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${pdfFileName(doc.number)}"`,
      "content-length": String(bytes.length),
      "cache-control": "private, no-store",
    },
  });
}

/** A file name from a document number (at most 35 of `A-Z a-z 0-9 + - _ /`): `/` becomes `_`, anything else unexpected `-`. */
export function pdfFileName(number: string): string {
  return `${number.replace(/\//g, "_").replace(/[^A-Za-z0-9+_-]/g, "-")}.pdf`;
}
