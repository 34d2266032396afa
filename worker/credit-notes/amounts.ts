/**
 * What a credit note carries, computed from the invoice's lines and what earlier credit notes
 * already took: the whole remainder, chosen lines, or an amount split across the VAT rates. Pure:
 * no database, every refusal an ApiError naming the field. Never more than the invoice still
 * carries, in total and at each VAT rate.
 */
import { breakdownByTaxRate, computeLine, divideRounded, quantityToMilli, QUANTITY_SCALE } from "../../shared/money";
import type { CreditNoteCreateInput } from "../../shared/schemas/credit-notes";
import { ApiError } from "../errors";

/** A line as stored (an invoice's or a credit note's); `invoice_line` only on credit note lines. */
export interface PricedLine {
  invoice_line: number | null;
  description: string;
  quantity_milli: number;
  unit_amount: number;
  tax_rate: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
}

export interface InvoiceLineRow extends Omit<PricedLine, "invoice_line"> {
  position: number;
}

export interface CreditNoteAmounts {
  lines: PricedLine[];
  subtotal: number;
  tax: number;
  total: number;
  tax_breakdown: { tax_rate: number; subtotal: number; tax: number }[];
}

type Remaining = Map<number, { subtotal: number; tax: number }>;

const rateText = (bp: number) => `${(bp / 100).toString().replace(".", ",")} %`;

/** What is left to credit at each VAT rate: the invoice's figures less the earlier credit notes'. */
export function remainingByRate(invoiceLines: readonly InvoiceLineRow[], credited: readonly PricedLine[]): Remaining {
  const remaining: Remaining = new Map();
  const add = (line: PricedLine | InvoiceLineRow, sign: 1 | -1) => {
    const row = remaining.get(line.tax_rate) ?? { subtotal: 0, tax: 0 };
    row.subtotal += sign * line.amount_subtotal;
    row.tax += sign * line.amount_tax;
    remaining.set(line.tax_rate, row);
  };
  invoiceLines.forEach((line) => add(line, 1));
  credited.forEach((line) => add(line, -1));
  return new Map([...remaining].sort(([a], [b]) => a - b));
}

/**
 * A credit note's VAT per rate, in the shape its events and API show (`subtotal`, `tax`); the
 * grouping is the invoices' own (`breakdownByTaxRate`).
 */
export function creditNoteBreakdown(lines: readonly Pick<PricedLine, "tax_rate" | "amount_subtotal" | "amount_tax">[]): CreditNoteAmounts["tax_breakdown"] {
  return breakdownByTaxRate(lines.map((line) => ({ taxRateBp: line.tax_rate, subtotal: line.amount_subtotal, tax: line.amount_tax })))
    .map((row) => ({ tax_rate: row.tax_rate, subtotal: row.taxable_amount, tax: row.tax_amount }));
}

function summed(lines: PricedLine[]): CreditNoteAmounts {
  const subtotal = lines.reduce((sum, line) => sum + line.amount_subtotal, 0);
  const tax = lines.reduce((sum, line) => sum + line.amount_tax, 0);
  return { lines, subtotal, tax, total: subtotal + tax, tax_breakdown: creditNoteBreakdown(lines) };
}

/** One line per VAT rate for a share of what remains there (quantity 1). */
function rateLine(invoiceNumber: string, rate: number, subtotal: number, tax: number): PricedLine {
  return {
    invoice_line: null,
    description: `Avoir sur la facture ${invoiceNumber} (TVA ${rateText(rate)})`,
    quantity_milli: QUANTITY_SCALE,
    unit_amount: subtotal,
    tax_rate: rate,
    amount_subtotal: subtotal,
    amount_tax: tax,
    amount_total: subtotal + tax,
  };
}

/**
 * Splits `amount` over `weights` in proportion, in integers that add up to `amount` exactly: each
 * takes the floor of its share, and the units left go to the largest remainders (the first on ties).
 * @example splitProRata(100, [1, 1, 1]) // [34, 33, 33]
 */
export function splitProRata(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + BigInt(Math.max(0, weight)), 0n);
  if (total === 0n) return weights.map(() => 0);
  const shares = weights.map((weight) => {
    const product = BigInt(amount) * BigInt(Math.max(0, weight));
    return { floor: product / total, remainder: product % total };
  });
  let left = BigInt(amount) - shares.reduce((sum, share) => sum + share.floor, 0n);
  const order = shares.map((share, index) => ({ ...share, index })).sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.index - b.index));
  const result = shares.map((share) => share.floor);
  for (const { index } of order) {
    if (left === 0n) break;
    result[index]! += 1n;
    left -= 1n;
  }
  return result.map(Number);
}

/** The whole remainder: the invoice's own lines when nothing was credited yet, else one line per rate. */
function wholeRemainder(invoiceNumber: string, invoiceLines: readonly InvoiceLineRow[], credited: readonly PricedLine[], remaining: Remaining): PricedLine[] {
  if (credited.length === 0) return invoiceLines.map(({ position, ...line }) => ({ ...line, invoice_line: position }));
  return [...remaining].filter(([, row]) => row.subtotal + row.tax !== 0).map(([rate, row]) => rateLine(invoiceNumber, rate, row.subtotal, row.tax));
}

/** An amount incl. tax, split pro rata of what remains at each rate; each share splits into HT and TVA. */
function byAmount(invoiceNumber: string, amount: number, remaining: Remaining): PricedLine[] {
  const rates = [...remaining].filter(([, row]) => row.subtotal + row.tax > 0);
  const shares = splitProRata(amount, rates.map(([, row]) => row.subtotal + row.tax));
  return rates.flatMap(([rate, row], index) => {
    const share = shares[index]!;
    if (share === 0) return [];
    if (share === row.subtotal + row.tax) return [rateLine(invoiceNumber, rate, row.subtotal, row.tax)];
    const subtotal = Number(divideRounded(BigInt(share) * 10_000n, BigInt(10_000 + rate)));
    return [rateLine(invoiceNumber, rate, subtotal, share - subtotal)];
  });
}

type LineInput = NonNullable<CreditNoteCreateInput["lines"]>[number];

/** Chosen lines: invoice lines by position (at most what is left of each), or free lines at the invoice's rates. */
function byLines(inputs: readonly LineInput[], invoiceLines: readonly InvoiceLineRow[], credited: readonly PricedLine[], remaining: Remaining): PricedLine[] {
  const taken = new Map<number, { quantity: number; subtotal: number; tax: number }>();
  for (const line of credited) {
    if (line.invoice_line === null) continue;
    const row = taken.get(line.invoice_line) ?? { quantity: 0, subtotal: 0, tax: 0 };
    taken.set(line.invoice_line, { quantity: row.quantity + line.quantity_milli, subtotal: row.subtotal + line.amount_subtotal, tax: row.tax + line.amount_tax });
  }
  const rates = [...remaining.keys()];
  const left = new Map([...remaining].map(([rate, row]) => [rate, row.subtotal + row.tax]));
  return inputs.map((input, index) => {
    const param = `lines[${index}]`;
    let line: PricedLine;
    let atFault: string;
    if (input.line !== undefined) {
      const original = invoiceLines.find((row) => row.position === input.line);
      if (original === undefined) throw new ApiError("parameter_invalid", `The invoice has no line ${input.line} (it has ${invoiceLines.length}, from 0).`, `${param}.line`);
      for (const field of ["unit_amount", "tax_rate"] as const) {
        if (input[field] !== undefined) throw new ApiError("parameter_invalid", `An invoice line's ${field} is the invoice's; give only line and quantity.`, `${param}.${field}`);
      }
      const done = taken.get(original.position) ?? { quantity: 0, subtotal: 0, tax: 0 };
      const quantityLeft = original.quantity_milli - done.quantity;
      const quantity = input.quantity === undefined ? quantityLeft : quantityToMilli(input.quantity)!;
      atFault = `${param}.quantity`;
      if (quantity <= 0 || quantity > quantityLeft) {
        throw new ApiError("credit_note_exceeds_remaining", `Line ${original.position} has ${quantityLeft / QUANTITY_SCALE} left to credit; ${quantity / QUANTITY_SCALE} is too much.`, atFault);
      }
      // The last of a line takes exactly what is left of its amounts, so rounding never credits more than it billed.
      const amounts = quantity === quantityLeft
        ? { subtotal: original.amount_subtotal - done.subtotal, tax: original.amount_tax - done.tax }
        : computeLine({ quantityMilli: quantity, unitAmount: original.unit_amount, taxRateBp: original.tax_rate }, param);
      taken.set(original.position, { quantity: done.quantity + quantity, subtotal: done.subtotal + amounts.subtotal, tax: done.tax + amounts.tax });
      line = { invoice_line: original.position, description: input.description ?? original.description, quantity_milli: quantity, unit_amount: original.unit_amount, tax_rate: original.tax_rate, amount_subtotal: amounts.subtotal, amount_tax: amounts.tax, amount_total: amounts.subtotal + amounts.tax };
    } else {
      for (const field of ["description", "quantity", "unit_amount"] as const) {
        if (input[field] === undefined) throw new ApiError("parameter_missing", `A free line needs ${field} (or give line, an invoice line's position).`, `${param}.${field}`);
      }
      const rate = input.tax_rate ?? (rates.length === 1 ? rates[0]! : undefined);
      if (rate === undefined || !rates.includes(rate)) {
        throw new ApiError("parameter_invalid", `A credit note's VAT rates are its invoice's: ${rates.join(", ")} (basis points).`, `${param}.tax_rate`);
      }
      const quantity = quantityToMilli(input.quantity!)!;
      const amounts = computeLine({ quantityMilli: quantity, unitAmount: input.unit_amount!, taxRateBp: rate }, param);
      atFault = `${param}.unit_amount`;
      line = { invoice_line: null, description: input.description!, quantity_milli: quantity, unit_amount: input.unit_amount!, tax_rate: rate, amount_subtotal: amounts.subtotal, amount_tax: amounts.tax, amount_total: amounts.total };
    }
    const rateLeft = (left.get(line.tax_rate) ?? 0) - line.amount_total;
    if (rateLeft < 0) {
      throw new ApiError("credit_note_exceeds_remaining", `At VAT ${rateText(line.tax_rate)} the invoice has ${rateLeft + line.amount_total} incl. tax left to credit; this line takes it past that.`, atFault);
    }
    left.set(line.tax_rate, rateLeft);
    return line;
  });
}

/**
 * The credit note's lines and totals for a request, or an ApiError naming the field at fault.
 * `remainingTotal` is what the invoice still carries (total − already credited).
 */
export function creditNoteAmounts(
  input: Pick<CreditNoteCreateInput, "lines" | "amount">,
  invoice: { number: string; remainingTotal: number },
  invoiceLines: readonly InvoiceLineRow[],
  credited: readonly PricedLine[],
): CreditNoteAmounts {
  const remaining = remainingByRate(invoiceLines, credited);
  if (input.amount !== undefined && input.amount > invoice.remainingTotal) {
    throw new ApiError("credit_note_exceeds_remaining", `The invoice has ${invoice.remainingTotal} incl. tax left to credit; ${input.amount} is too much.`, "amount");
  }
  const lines = input.amount !== undefined ? byAmount(invoice.number, input.amount, remaining)
    : input.lines !== undefined ? byLines(input.lines, invoiceLines, credited, remaining)
    : wholeRemainder(invoice.number, invoiceLines, credited, remaining);
  const amounts = summed(lines);
  if (amounts.total > invoice.remainingTotal) {
    throw new ApiError("credit_note_exceeds_remaining", `The invoice has ${invoice.remainingTotal} incl. tax left to credit; these lines total ${amounts.total}.`, input.amount !== undefined ? "amount" : "lines");
  }
  if (amounts.total <= 0) throw new ApiError("parameter_invalid", "A credit note's total must be greater than zero.", input.amount !== undefined ? "amount" : "lines");
  return amounts;
}
