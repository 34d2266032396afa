/**
 * The CSV exports for accounting software and spreadsheets (a read-only key is enough):
 * `GET /v1/exports/invoices.csv`, `payments.csv` and `credit_notes.csv`, each `?from=&to=`,
 * streamed page by page (see stream.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { CsvExportQuery, MAX_EXPORT_DAYS } from "../../shared/schemas/csv-exports";
import { utcDay } from "../../shared/status";
import { requireSecretKey } from "../auth/middleware";
import { resolveRange } from "../lib/date-range";
import { createRouter, problemResponses, secretKeySecurity } from "../lib/router";
import { creditNoteLinesSource } from "./credit-note-source";
import { invoiceLinesSource, paymentAllocationsSource } from "./csv-sources";
import { csvResponse } from "./stream";

const tag = ["Exports"];
const csvExports = createRouter();

const csvOk = (description: string) => ({
  200: {
    content: { "text/csv": { schema: z.string() } },
    description: `${description} RFC 4180 (CRLF, a header row), UTF-8 with a byte-order mark, amounts in major units with '.'; sent as an attachment.`,
    headers: { "Content-Disposition": { description: "`attachment; filename=\"<name>_<from>_<to>.csv\"`", schema: { type: "string" as const } } },
  },
  ...problemResponses,
});

const EXPORTS = [
  { name: "invoices", operationId: "getExportsInvoicesCsv", summary: "Export invoices as CSV: one row per invoice line, invoices issued in the range", source: invoiceLinesSource, what: "One row per line of every invoice issued in the range (by issue date)." },
  { name: "payments", operationId: "getExportsPaymentsCsv", summary: "Export payments as CSV: one row per allocation, payments received in the range", source: paymentAllocationsSource, what: "One row per allocation of every payment received in the range (by the day the money came), plus one row for a payment's unallocated remainder." },
  { name: "credit_notes", operationId: "getExportsCreditNotesCsv", summary: "Export credit notes as CSV: one row per credit-note line, issued in the range", source: creditNoteLinesSource, what: "One row per line of every credit note issued in the range (by issue date)." },
] as const;

for (const exported of EXPORTS) {
  csvExports.openapi(
    createRoute({
      method: "get", path: `/${exported.name}.csv`, tags: tag, security: secretKeySecurity, summary: exported.summary,
      operationId: exported.operationId,
      middleware: [requireSecretKey("read")] as const,
      request: { query: CsvExportQuery },
      responses: csvOk(exported.what),
    }),
    async (c) => {
      const range = resolveRange(c.req.valid("query"), utcDay(new Date()), MAX_EXPORT_DAYS);
      const source = exported.source(c.env.DB, c.get("caller").merchantId, range);
      return csvResponse(source, `${exported.name}_${range.from}_${range.to}.csv`);
    },
  );
}

export { csvExports };
