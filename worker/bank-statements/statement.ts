/**
 * What every statement format parses into: one line per transaction (a batch-booked camt entry
 * gives one line per TxDtls), in file order, with the money as integer minor units. Parsers throw
 * `malformed(...)` naming the element at fault; nothing is recorded for a refused file.
 */
import { currencyExponent, isCurrency, type CurrencyCode } from "../../shared/currencies";
import { MAX_AMOUNT } from "../../shared/money";
import { ApiError } from "../errors";

export type StatementFormat = "camt.053" | "camt.054" | "ofx";

export interface ParsedLine {
  /** The account credited (IBAN, or the OFX bank + account id): part of the dedup key. */
  account: string;
  direction: "credit" | "debit";
  /** Minor units, > 0 (0 for an ignored line whose amount could not be read in a known currency). */
  amount: number;
  currency: string;
  bookingDate: string | null;
  valueDate: string | null;
  /** The bank's reference of the transaction, what deduplicates it (see `entryReference`). */
  entryRef: string;
  structuredRef: string | null;
  remittance: string | null;
  payerName: string | null;
  payerIban: string | null;
  /** Why the line is not matched at all (a debit, a pending or reversed entry…), else null. */
  ignoredReason: string | null;
}

export interface ParsedStatement {
  format: StatementFormat;
  /** GrpHdr/MsgId (camt) or the OFX TRNUID, for people. */
  messageId: string | null;
  /** The account the statement is of (IBAN, or bank id + account id): part of every dedup key. */
  account: string;
  periodStart: string | null;
  periodEnd: string | null;
  lines: ParsedLine[];
}

/** At most this many transactions per file (credits and debits): bounds time and memory. */
export const MAX_STATEMENT_LINES = 10_000;
/** The largest statement body accepted, in bytes. */
export const MAX_STATEMENT_BYTES = 10 * 1024 * 1024;

/** The 422 every unreadable file answers, naming what is wrong. */
export function malformed(detail: string): ApiError {
  return new ApiError("statement_malformed", detail, "body");
}

export function checkLineCount(count: number): void {
  if (count > MAX_STATEMENT_LINES) {
    throw new ApiError("statement_too_large", `The file holds more than ${MAX_STATEMENT_LINES} transactions; split it (by date range) and import each part.`, "body");
  }
}

/**
 * A decimal amount string into minor units of `currency`, exactly (no float): "1200.50" EUR →
 * 120050, "1 500" JPY → 1500. A comma decimal separator (OFX from French banks) is accepted. More
 * decimals than the currency has (unless zeros) is refused.
 * @example toMinorUnits("12,5", "eur", "TRNAMT") // 1250
 */
export function toMinorUnits(text: string, currency: CurrencyCode, where: string): number {
  const match = /^(?=[.,]?\d)(\d{0,15})(?:[.,](\d{1,12}))?$/.exec(text.trim());
  if (!match) throw malformed(`${where}: '${text.slice(0, 40)}' is not a decimal amount.`);
  const exponent = currencyExponent(currency);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) {
    throw malformed(`${where}: ${text} has more decimals than ${currency.toUpperCase()} allows (${exponent}).`);
  }
  const minor = BigInt(match[1] || "0") * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor > BigInt(MAX_AMOUNT)) throw malformed(`${where}: ${text} is larger than any amount Quittance records.`);
  return Number(minor);
}

/** A currency code as a file writes it, lower-cased when Quittance knows it, else null. */
export function knownCurrency(code: string | null | undefined): CurrencyCode | null {
  const lower = (code ?? "").trim().toLowerCase();
  return isCurrency(lower) ? lower : null;
}

/** A `YYYY-MM-DD` from an ISO date or date-time (`2026-11-20`, `2026-11-20T10:00:00+01:00`), else null. */
export function isoDay(text: string | null | undefined): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec((text ?? "").trim());
  return match ? match[1]! : null;
}

/** Collapses whitespace and caps a free text for storage. */
export function cleanText(text: string | null | undefined, max = 500): string | null {
  const cleaned = (text ?? "").replace(/\s+/g, " ").trim();
  return cleaned === "" ? null : cleaned.slice(0, max);
}

/** FNV-1a (64 bit) of a text, as 16 hex digits: a stable name for an entry the bank gave no reference. */
function fnv64(input: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(input)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, "0");
}

/**
 * Gives every line its final dedup reference. A line without any bank reference is named by its
 * content (date, amount, references, payer); a reference seen again in the same file (two
 * identical unreferenced transfers the same day) takes its occurrence number, so re-importing the
 * file, or a longer one covering the same days, names the same lines the same way.
 */
export function finishReferences(lines: ParsedLine[]): ParsedLine[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const base = line.entryRef !== "" ? line.entryRef
      : `~${fnv64([line.bookingDate, line.valueDate, line.direction, line.amount, line.currency, line.structuredRef, line.remittance, line.payerName, line.payerIban].join("|"))}`;
    const occurrence = (seen.get(`${line.account}|${base}`) ?? 0) + 1;
    seen.set(`${line.account}|${base}`, occurrence);
    return { ...line, entryRef: occurrence === 1 ? base : `${base}#${occurrence}` };
  });
}
