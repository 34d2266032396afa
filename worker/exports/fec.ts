/**
 * The Fichier des Écritures Comptables (article A47 A-1 of the LPF), built from the ledger one page
 * of entries at a time: the 18 fields in their order, tab-separated, dates AAAAMMJJ, amounts in
 * euros with a decimal comma, entries numbered continuously per journal, 411 lines of settled
 * invoices lettered. Foreign-currency lines keep their amount and currency (Montantdevise, Idevise)
 * and are converted at the book rate the line was posted with.
 */
import { currencyExponent, isCurrency } from "../../shared/currencies";
import type { AccountingSettings } from "../../shared/schemas/accounting";
import type { LedgerLine } from "../ledger/project";

/** The 18 fields, in the order of article A47 A-1 (I, 1° to 18°). */
export const FEC_FIELDS = [
  "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib", "PieceRef",
  "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
] as const;

/** A ledger line as the export reads it: with its customer's name. */
export interface FecSourceLine extends LedgerLine {
  customer_name: string | null;
}

/** An invoice's lettering: its receivable balance at year end is zero, reached on `settled_on`. */
export interface Lettering {
  code: string;
  settled_on: string;
}

/** State carried from one page to the next: the last entry number of each journal. */
export type JournalCounters = Record<string, number>;

const fecDate = (day: string) => day.replaceAll("-", "");
/** A field's text: no tab or line break may break the record (article A47 A-1, I). */
const clean = (text: string | null | undefined) => (text ?? "").replace(/[\t\r\n]+/g, " ").trim();

/** Minor units as a decimal with a comma: 123456 cents → "1234,56". */
export function decimalComma(amount: number, exponent: number): string {
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  return `${amount < 0 ? "-" : ""}${whole}${exponent === 0 ? "" : `,${digits.slice(-exponent)}`}`;
}

/**
 * Euro cents of an amount in another currency at a decimal book rate (EUR per major unit), in
 * integer arithmetic, rounded half away from zero.
 * @example toEuroCents(150_000, "jpy", "0.0062") // 93000 (¥150,000 → €930.00)
 */
export function toEuroCents(amount: number, currency: string, rate: string): number {
  const [whole, fraction = ""] = rate.split(".");
  const numerator = BigInt(`${whole}${fraction}`) * BigInt(amount) * 100n;
  const denominator = 10n ** BigInt(fraction.length + (isCurrency(currency) ? currencyExponent(currency) : 2));
  const quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  return Number(twice >= denominator ? quotient + 1n : twice <= -denominator ? quotient - 1n : quotient);
}

/**
 * Euro debit and credit of each line of one entry. Receivable lines convert exactly, so a
 * customer's invoice and the payments that settle it letter to the same euros; the rounding
 * difference of the entry goes to its largest other line, so the entry still balances.
 */
export function euroAmounts(entry: readonly FecSourceLine[], fallbackRates: Readonly<Record<string, string>>): { debit: number; credit: number }[] {
  const amounts = entry.map((line) => {
    if (line.currency === "eur") return { debit: line.debit, credit: line.credit };
    const rate = line.eur_rate ?? fallbackRates[line.currency];
    if (rate === undefined) throw new Error(`no exchange rate for ${line.currency}`);
    return { debit: toEuroCents(line.debit, line.currency, rate), credit: toEuroCents(line.credit, line.currency, rate) };
  });
  const difference = amounts.reduce((sum, amount) => sum + amount.debit - amount.credit, 0);
  if (difference !== 0) {
    let largest = -1;
    entry.forEach((line, index) => {
      if (line.role === "receivable") return;
      if (largest < 0 || amounts[index]!.debit + amounts[index]!.credit > amounts[largest]!.debit + amounts[largest]!.credit) largest = index;
    });
    const target = amounts[largest >= 0 ? largest : 0]!;
    if (target.credit > 0) target.credit += difference;
    else target.debit -= difference;
  }
  return amounts;
}

function accountOf(line: LedgerLine, accounting: AccountingSettings): { number: string; label: string } {
  const label = accounting.account_labels[line.role];
  const rate = line.tax_rate === null ? undefined : String(line.tax_rate);
  const byRate = (map: Record<string, string>) => (rate !== undefined ? map[rate] : undefined);
  const percent = line.tax_rate === null ? "" : ` ${String(line.tax_rate / 100).replace(".", ",")} %`;
  switch (line.role) {
    case "revenue": {
      const own = byRate(accounting.revenue_accounts_by_tax_rate);
      return { number: own ?? accounting.accounts.revenue, label: own ? `${label}${percent}` : label };
    }
    case "vat": {
      const own = byRate(accounting.vat_accounts_by_tax_rate);
      return { number: own ?? accounting.accounts.vat, label: own ? `${label}${percent}` : label };
    }
    case "bank": {
      const own = line.method === null ? undefined : accounting.bank_accounts_by_method[line.method];
      return { number: own ?? accounting.accounts.bank, label: own ? `${label} ${line.method}` : label };
    }
    default:
      return { number: accounting.accounts[line.role], label };
  }
}

/** The stable auxiliary account of a customer: `C` and its id's random part (unique, never reassigned). */
export function customerAccount(customerId: string): string {
  return `C${customerId.replace(/^cus_/, "").toUpperCase()}`;
}

/** The header record: the field names (BOI-CF-IOR-60-40-20 § 10: the first record names the fields). */
export function fecHeader(): string {
  return `${FEC_FIELDS.join("\t")}\r\n`;
}

/**
 * The records of whole entries (lines grouped by seq, in seq order), numbering each journal's
 * entries on from `counters` (which it advances).
 */
export function fecRecords(
  lines: readonly FecSourceLine[],
  context: { accounting: AccountingSettings; lettering: ReadonlyMap<string, Lettering>; counters: JournalCounters },
): string {
  const { accounting, lettering, counters } = context;
  let out = "";
  for (let start = 0; start < lines.length; ) {
    let end = start;
    while (end < lines.length && lines[end]!.seq === lines[start]!.seq) end += 1;
    const entry = lines.slice(start, end);
    start = end;
    const journal = accounting.journals[entry[0]!.journal];
    const number = (counters[journal.code] ?? 0) + 1;
    counters[journal.code] = number;
    const euros = euroAmounts(entry, accounting.exchange_rates);
    entry.forEach((line, index) => {
      const account = accountOf(line, accounting);
      const receivable = line.role === "receivable";
      const letter = receivable && line.invoice_id !== null ? lettering.get(line.invoice_id) : undefined;
      const foreign = line.currency !== "eur";
      const exponent = isCurrency(line.currency) ? currencyExponent(line.currency) : 2;
      const fields = [
        journal.code, journal.label, String(number), fecDate(line.entry_date), account.number, account.label,
        receivable && line.customer_id ? customerAccount(line.customer_id) : "", receivable ? clean(line.customer_name) : "",
        clean(line.piece), fecDate(line.entry_date), clean(line.label),
        decimalComma(euros[index]!.debit, 2), decimalComma(euros[index]!.credit, 2),
        letter?.code ?? "", letter ? fecDate(letter.settled_on) : "", fecDate(line.recorded_on),
        foreign ? decimalComma(line.debit + line.credit, exponent) : "", foreign ? line.currency.toUpperCase() : "",
      ];
      out += `${fields.map(clean).join("\t")}\r\n`;
    });
  }
  return out;
}

/** `<SIREN>FEC<AAAAMMJJ>.txt`, the closing date of the year (article A47 A-1, name of the file). */
export function fecFileName(siren: string, year: number): string {
  return `${siren}FEC${year}1231.txt`;
}
