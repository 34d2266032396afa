/**
 * A CSV file streamed page by page: each page is one keyset-paged query, read only when the client
 * has taken the previous one (the stream's `pull`), so a year of data never sits in memory — at most
 * one page of rows and its encoded text.
 */
import { BOM, csvRecord } from "./csv";

/** One page of a keyset-paged export: its records (already encoded) and where the next page starts. */
export interface CsvPage<Cursor> {
  records: string;
  next: Cursor | null;
}

/** How to read an export: its header and a function that reads the page after a cursor. */
export interface CsvSource<Cursor> {
  header: readonly string[];
  /** The page after `cursor` (`null`: the first page); `next` is null on the last page. */
  page(cursor: Cursor | null): Promise<CsvPage<Cursor>>;
}

/**
 * Answers a CSV export as a streamed response. The first page is read before answering, so a
 * failure to read (a bug, a missing table) is a clean 500 problem, never a truncated file; a later
 * failure errors the stream, and the client sees the download break rather than a short file that
 * looks complete.
 * @example return csvResponse(invoiceLinesSource(db, merchantId, range), "invoices_2026-01-01_2026-12-31.csv")
 */
export async function csvResponse<Cursor>(source: CsvSource<Cursor>, filename: string): Promise<Response> {
  const encoder = new TextEncoder();
  const first = await source.page(null);
  let pending: string | null = BOM + csvRecord(source.header) + first.records;
  let cursor = first.next;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending !== null) {
          controller.enqueue(encoder.encode(pending));
          pending = null;
          if (cursor === null) controller.close();
          return;
        }
        try {
          // Skip over empty pages (none happen with these queries, but a loop costs nothing).
          while (cursor !== null) {
            const page = await source.page(cursor);
            cursor = page.next;
            if (page.records !== "") {
              controller.enqueue(encoder.encode(page.records));
              break;
            }
          }
          if (cursor === null) controller.close();
        } catch (error) {
          console.error(JSON.stringify({ export: filename, error: error instanceof Error ? error.stack : String(error) }));
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/csv; charset=utf-8; header=present",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
