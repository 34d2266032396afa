/**
 * Matching a credit line to a merchant's open invoices, in this order:
 * 1. `reference`: the structured reference (RmtInf/Strd/CdtrRefInf/Ref) is an RF reference whose
 *    body is an invoice's `rfBodyOf(number)` (or the invoice number itself) — one invoice.
 * 2. `invoice_number`: invoice numbers (or RF references) found in the free text (Ustrd, OFX
 *    MEMO) — one or several invoices of one customer, settled oldest first.
 * 3. `amount_and_payer`: exactly one open invoice whose amount due equals the amount, of a
 *    customer whose name matches the payer's name (or whose IBAN a matched transfer taught us).
 *    Anything less certain (same amount only, a name only, two candidates) is a suggestion.
 * Invoices must be payable (open or partially paid) and in the line's currency. The money goes to
 * the invoices oldest first, each up to its amount due; what is left is the customer's credit.
 */
import { parseRfReference, rfBodyOf } from "../../shared/rf-reference";
import { amountDue, isPayable, type InvoiceStatusValue } from "../../shared/status";

export interface InvoiceState {
  id: string;
  customer_id: string;
  customer_name: string;
  number: string;
  rf_body: string;
  currency: string;
  total: number;
  amount_paid: number;
  amount_credited: number;
  status: InvoiceStatusValue;
  version: number;
  paid_at: string | null;
  issued_at: string | null;
}

export type MatchMethod = "reference" | "invoice_number" | "amount_and_payer";

export interface Match {
  method: MatchMethod;
  customerId: string;
  allocations: { invoice: InvoiceState; amount: number }[];
}

export interface LineToMatch {
  amount: number;
  currency: string;
  structuredRef: string | null;
  remittance: string | null;
  payerName: string | null;
  payerIban: string | null;
}

/** Letters+digits bodies shorter than this are not looked for in free text (a bare "12" is too common). */
const MIN_TEXT_BODY = 4;

/** The RF bodies / number bodies a structured reference names. */
export function structuredBodies(ref: string | null): string[] {
  if (ref === null) return [];
  const rf = parseRfReference(ref);
  if (rf !== null) return [rf];
  const body = rfBodyOf(ref);
  return body.length > 0 ? [body] : [];
}

/** Candidate invoice-number bodies in a free text: RF references (even spaced), tokens, and two adjacent tokens joined. */
export function textBodies(text: string | null): string[] {
  if (text === null) return [];
  const upper = text.toUpperCase();
  const bodies = new Set<string>();
  // An RF reference may be printed in groups of four: try the longest run of groups that checks.
  for (const match of upper.matchAll(/RF\d{2}(?: ?[A-Z0-9]{1,4}){1,6}/g)) {
    const groups = match[0].split(" ");
    for (let count = groups.length; count >= 1; count -= 1) {
      const rf = parseRfReference(groups.slice(0, count).join(""));
      if (rf !== null) {
        bodies.add(rf);
        break;
      }
    }
  }
  const tokens = upper.match(/[A-Z0-9](?:[A-Z0-9\-_/.+]*[A-Z0-9])?/g) ?? [];
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    // A number split by a space ("F2026 000042"): join two neighbours when both hold digits.
    for (const candidate of [token, next !== undefined && /\d/.test(token) && /\d/.test(next) ? `${token}${next}` : ""]) {
      const body = rfBodyOf(candidate);
      if (body.length >= MIN_TEXT_BODY && body.length <= 35 && /\d/.test(body)) bodies.add(body);
    }
  });
  return [...bodies].slice(0, 40);
}

const NAME_NOISE = new Set(["SAS", "SASU", "SARL", "EURL", "SA", "SCI", "SNC", "SCOP", "SELARL", "LTD", "LIMITED", "GMBH", "INC", "LLC", "BV", "NV", "AG", "SPA", "SRL", "PLC",
  "M", "MR", "MME", "MLLE", "MRS", "MS", "DR", "STE", "SOCIETE", "ETS", "ET", "AND", "LE", "LA", "LES", "DE", "DU", "DES", "D", "L", "THE", "VIR", "VIREMENT", "SEPA"]);

/** A name as a set of significant words: accents, case, punctuation and legal forms dropped. */
export function nameWords(name: string | null): Set<string> {
  const plain = (name ?? "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().replace(/&/g, " ET ").replace(/[^A-Z0-9]+/g, " ");
  return new Set(plain.split(" ").filter((word) => word !== "" && !NAME_NOISE.has(word)));
}

/** The payer's name is the customer's: the same words, or one holds all of the other's (at least two words). */
export function namesMatch(payer: string | null, customer: string): boolean {
  const a = nameWords(payer);
  const b = nameWords(customer);
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const inside = [...small].every((word) => large.has(word));
  return inside && (small.size === large.size || small.size >= 2);
}

/** Spreads `amount` over invoices oldest first, each up to what it owes. */
export function allocateOldestFirst(invoices: readonly InvoiceState[], amount: number): { invoice: InvoiceState; amount: number }[] {
  const ordered = [...invoices].sort((x, y) => (x.issued_at ?? "").localeCompare(y.issued_at ?? "") || x.number.localeCompare(y.number));
  let left = amount;
  const allocations: { invoice: InvoiceState; amount: number }[] = [];
  for (const invoice of ordered) {
    const part = Math.min(left, amountDue(invoice));
    if (part <= 0) continue;
    allocations.push({ invoice, amount: part });
    left -= part;
  }
  return allocations;
}

const receivable = (line: LineToMatch) => (invoice: InvoiceState) => isPayable(invoice.status) && invoice.currency === line.currency && amountDue(invoice) > 0;

function distinct(invoices: InvoiceState[]): InvoiceState[] {
  return [...new Map(invoices.map((invoice) => [invoice.id, invoice])).values()];
}

/** Decides one line against the invoices it may name; null when nothing is certain enough. */
export function matchLine(
  line: LineToMatch,
  context: { byBody: (body: string) => InvoiceState[]; byAmount: (currency: string, amount: number) => InvoiceState[]; customerOfIban: (iban: string) => string | undefined },
): Match | null {
  const open = receivable(line);
  const named = (bodies: string[]) => distinct(bodies.flatMap((body) => context.byBody(body)));
  const toMatch = (method: MatchMethod, invoices: InvoiceState[]): Match | null => {
    const customers = new Set(invoices.map((invoice) => invoice.customer_id));
    if (invoices.length === 0 || customers.size !== 1) return null;
    const allocations = allocateOldestFirst(invoices, line.amount);
    return allocations.length === 0 ? null : { method, customerId: invoices[0]!.customer_id, allocations };
  };

  const byReference = named(structuredBodies(line.structuredRef));
  const referenced = byReference.filter(open);
  if (referenced.length === 1) return toMatch("reference", referenced);
  if (referenced.length > 1) return null; // two invoices behind one reference: a person decides

  const inText = named(textBodies(line.remittance)).filter(open);
  if (inText.length > 0) return toMatch("invoice_number", inText);

  const ibanCustomer = line.payerIban !== null ? context.customerOfIban(line.payerIban) : undefined;
  const sameAmount = context.byAmount(line.currency, line.amount).filter((invoice) => open(invoice) && amountDue(invoice) === line.amount);
  const byPayer = sameAmount.filter((invoice) => invoice.customer_id === ibanCustomer || namesMatch(line.payerName, invoice.customer_name));
  return byPayer.length === 1 ? toMatch("amount_and_payer", byPayer) : null;
}
