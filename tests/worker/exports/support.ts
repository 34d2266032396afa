/** Reading the CSV exports back with a real parser, and money in major units back to minor units. */
import { exports } from "cloudflare:workers";
import { parse } from "csv-parse/sync";

export interface ParsedCsv {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  text: string;
  header: string[];
  rows: Record<string, string>[];
}

/** GETs an export and parses it with csv-parse (strict RFC 4180: CRLF records, quotes). */
export async function fetchCsv(key: string | null, path: string): Promise<ParsedCsv> {
  const response: Response = await (exports as any).default.fetch(
    new Request(`http://127.0.0.1:8787${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
  );
  const bytes = new Uint8Array(await response.arrayBuffer());
  // ignoreBOM: keep the mark in the text, so the parser is the one that must handle it.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  if (response.status !== 200) return { status: response.status, headers: response.headers, bytes, text, header: [], rows: [] };
  const records: string[][] = parse(text, { bom: true, record_delimiter: "\r\n", relax_column_count: false });
  const [header, ...body] = records;
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text,
    header: header!,
    rows: body.map((record) => Object.fromEntries(header!.map((name, index) => [name, record[index]!]))),
  };
}

/** "1234.56" → 123456, "1999" (jpy) → 1999, "-0.05" → -5: the exports always write every decimal of the currency. */
export function minor(value: string): number {
  return Number(value.replace(".", ""));
}

/** Sums a column per currency, in minor units. */
export function sumBy(rows: Record<string, string>[], column: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of rows) sums[row.currency!] = (sums[row.currency!] ?? 0) + minor(row[column]!);
  return sums;
}
