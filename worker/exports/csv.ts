/**
 * CSV as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180): records end with CRLF, a
 * field holding a comma, a double quote, CR or LF is enclosed in double quotes and its quotes are
 * doubled. The file starts with a UTF-8 byte-order mark, so spreadsheet programs read it as UTF-8.
 *
 * Text that came from people (descriptions, names, references, reasons) is also neutralised against
 * spreadsheet formula injection (OWASP "CSV Injection"): a field starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return gets a leading apostrophe, so Excel, LibreOffice and Google Sheets
 * show it as text instead of evaluating it. Amounts and dates are ours and are written as they are
 * (a negative amount keeps its minus sign).
 */
import { toDecimalString } from "../../shared/money";
import type { CurrencyCode } from "../../shared/currencies";

/** The UTF-8 byte-order mark, written once at the start of the file. */
export const BOM = "\uFEFF";

/** A field as written: a number or date of ours, or text from a person (neutralised). */
export type CsvField = string | number | null | { text: string | null };

/**
 * Marks a value as free text, to be neutralised against formula injection when written.
 * @example text("=HYPERLINK(…)") // written as "'=HYPERLINK(…)"
 */
export function text(value: string | null): { text: string | null } {
  return { text: value };
}

/** Whether a spreadsheet would read the start of this text as a formula. */
function looksLikeFormula(value: string): boolean {
  return /^[=+\-@\t\r]/.test(value);
}

/**
 * One field as RFC 4180 writes it.
 * @example csvField('say "hi", then go') // "\"say \"\"hi\"\", then go\""
 */
export function csvField(field: CsvField): string {
  let value: string;
  if (field === null) value = "";
  else if (typeof field === "object") value = field.text === null ? "" : looksLikeFormula(field.text) ? `'${field.text}` : field.text;
  else value = String(field);
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, CRLF-terminated. */
export function csvRecord(fields: readonly CsvField[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** An amount in minor units written in the currency's major unit with a `.` (JPY has no decimals). */
export function major(amount: number, currency: CurrencyCode): string {
  return toDecimalString(amount, currency);
}

/**
 * A quantity stored in thousandths, written exactly: 2500 → "2.5".
 * @example quantity(1000) // "1"
 */
export function quantity(milli: number): string {
  const whole = Math.trunc(milli / 1000);
  const fraction = String(Math.abs(milli % 1000)).padStart(3, "0").replace(/0+$/, "");
  return fraction === "" ? String(whole) : `${whole}.${fraction}`;
}

/**
 * A VAT rate in basis points written as a percentage: 2000 → "20", 550 → "5.5".
 * @example vatPercent(1000) // "10"
 */
export function vatPercent(basisPoints: number): string {
  const whole = Math.trunc(basisPoints / 100);
  const fraction = String(basisPoints % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction === "" ? String(whole) : `${whole}.${fraction}`;
}
