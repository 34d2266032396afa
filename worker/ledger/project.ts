/**
 * The ledger's one rule: an event of the log becomes a balanced double entry (or nothing). A pure
 * function of the event and the book exchange rates, so replaying `GET /v1/events` through it
 * rebuilds the table line for line (tests/worker/ledger/replay.test.ts).
 *
 * Receivable lines carry the invoice they belong to (NULL: the customer's unallocated credit), so
 * an invoice's receivable balance is always its amount due, and a past date's balance is the sum
 * of its lines up to that date.
 */

export type LedgerSource = "invoice" | "payment" | "refund" | "credit_note" | "reallocation" | "late_fee";
export type LedgerJournal = "sales" | "bank";
export type LedgerRole = "receivable" | "revenue" | "vat" | "bank" | "fees" | "late_fees";

/** One row of `ledger_lines`. */
export interface LedgerLine {
  merchant_id: string;
  seq: number;
  line: number;
  source: LedgerSource;
  journal: LedgerJournal;
  entry_date: string;
  recorded_on: string;
  role: LedgerRole;
  tax_rate: number | null;
  customer_id: string | null;
  invoice_id: string | null;
  payment_id: string | null;
  credit_note_id: string | null;
  method: string | null;
  currency: string;
  debit: number;
  credit: number;
  label: string;
  piece: string;
  eur_rate: string | null;
}

/** What the projection reads of an event: the row of `events`, its data parsed. */
export interface LedgerEvent {
  merchant_id: string;
  seq: number;
  type: string;
  invoice_id: string | null;
  payment_id: string | null;
  customer_id: string | null;
  created_at: string;
  data: Record<string, unknown>;
}

interface Split {
  invoice: string;
  amount: number;
}
interface RateRow {
  tax_rate: number;
  subtotal: number;
  tax: number;
}

type Posting = Omit<LedgerLine, "merchant_id" | "seq" | "line" | "journal" | "entry_date" | "recorded_on" | "currency" | "eur_rate" | "customer_id" | "debit" | "credit"> & {
  customer_id?: string | null;
  /** Positive: this side; negative: the other. */
  amount: number;
  side: "debit" | "credit";
};

const METHOD_LABELS: Record<string, string> = {
  bank_transfer: "virement",
  cheque: "chèque",
  cash: "espèces",
  card: "carte",
  stripe_checkout: "Stripe Checkout",
  paypal: "PayPal",
  sandbox: "sandbox",
  other: "autre",
};

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const splits = (value: unknown): Split[] =>
  Array.isArray(value) ? value.filter((item): item is Split => typeof item?.invoice === "string" && typeof item?.amount === "number") : [];
const rateRows = (value: unknown): RateRow[] =>
  Array.isArray(value) ? value.filter((item): item is RateRow => typeof item?.tax_rate === "number").map((row) => ({ tax_rate: row.tax_rate, subtotal: num(row.subtotal), tax: num(row.tax) })) : [];

/**
 * The entry an event posts (empty when it moves no money or receivable). `rates` are the book
 * rates of `settings.accounting.exchange_rates`, captured on foreign-currency lines.
 */
export function projectEvent(event: LedgerEvent, rates: Readonly<Record<string, string>>): LedgerLine[] {
  const draft = entryOf(event);
  if (draft === null) return [];
  const currency = String(event.data.currency ?? "");
  const lines: LedgerLine[] = [];
  for (const posting of draft.postings) {
    if (posting.amount === 0) continue;
    const side = posting.amount > 0 ? posting.side : posting.side === "debit" ? "credit" : "debit";
    const { amount, side: _side, ...rest } = posting;
    lines.push({
      merchant_id: event.merchant_id,
      seq: event.seq,
      line: lines.length,
      journal: draft.journal,
      entry_date: draft.entryDate,
      recorded_on: event.created_at.slice(0, 10),
      currency,
      eur_rate: currency === "eur" ? null : (rates[currency] ?? null),
      ...rest,
      customer_id: posting.customer_id === undefined ? event.customer_id : posting.customer_id,
      debit: side === "debit" ? Math.abs(amount) : 0,
      credit: side === "credit" ? Math.abs(amount) : 0,
    });
  }
  return lines;
}

interface Draft {
  journal: LedgerJournal;
  entryDate: string;
  postings: Posting[];
}

function base(source: LedgerSource, label: string, piece: string): Pick<Posting, "source" | "label" | "piece" | "tax_rate" | "invoice_id" | "payment_id" | "credit_note_id" | "method"> {
  return { source, label: label.slice(0, 200), piece: piece.slice(0, 100), tax_rate: null, invoice_id: null, payment_id: null, credit_note_id: null, method: null };
}

/** Revenue and VAT per rate, on `side` (credit for an invoice, debit to reverse it). */
function byRate(rows: RateRow[], fallbackTotal: number, side: "debit" | "credit", common: ReturnType<typeof base>): Posting[] {
  if (rows.length === 0) return [{ ...common, role: "revenue", amount: fallbackTotal, side }];
  return rows.flatMap((row) => [
    { ...common, role: "revenue" as const, tax_rate: row.tax_rate, amount: row.subtotal, side },
    { ...common, role: "vat" as const, tax_rate: row.tax_rate, amount: row.tax, side },
  ]);
}

function entryOf(event: LedgerEvent): Draft | null {
  const data = event.data;
  const day = event.created_at.slice(0, 10);
  switch (event.type) {
    case "invoice.issued":
    case "invoice.voided": {
      const issued = event.type === "invoice.issued";
      const number = str(data.number) ?? event.invoice_id ?? "";
      const common = { ...base("invoice", `${issued ? "Facture" : "Annulation facture"} ${number}`, number), invoice_id: event.invoice_id };
      const total = num(data.total);
      return {
        journal: "sales",
        entryDate: str(issued ? data.issued_on : data.voided_on) ?? day,
        postings: [
          { ...common, role: "receivable", amount: total, side: issued ? "debit" : "credit" },
          ...byRate(rateRows(data.tax_breakdown), total, issued ? "credit" : "debit", common),
        ],
      };
    }
    case "payment.succeeded": {
      const method = str(data.method);
      const piece = str(data.reference) ?? event.payment_id ?? "";
      const common = { ...base("payment", `Règlement ${METHOD_LABELS[method ?? ""] ?? method ?? ""} ${piece}`.replace(/\s+/g, " "), piece), payment_id: event.payment_id, method };
      const allocated = splits(data.allocations);
      const amount = num(data.amount);
      return {
        journal: "bank",
        entryDate: str(data.received_on) ?? day,
        postings: [
          { ...common, role: "bank", amount, side: "debit" },
          ...allocated.map((split) => ({ ...common, role: "receivable" as const, invoice_id: split.invoice, amount: split.amount, side: "credit" as const })),
          { ...common, role: "receivable", amount: amount - allocated.reduce((sum, split) => sum + split.amount, 0), side: "credit" },
        ],
      };
    }
    case "payment.refunded":
    case "payment.disputed": {
      const piece = str(data.refund) ?? event.payment_id ?? "";
      const kind = event.type === "payment.refunded" ? "Remboursement" : "Litige";
      const common = { ...base("refund", `${kind} ${event.payment_id ?? ""}`, piece), payment_id: event.payment_id, method: str(data.method) };
      const back = splits(data.allocations ?? data.invoices);
      const amount = num(data.amount);
      return {
        journal: "bank",
        entryDate: str(data.refunded_on) ?? day,
        postings: [
          ...back.map((split) => ({ ...common, role: "receivable" as const, invoice_id: split.invoice, amount: split.amount, side: "debit" as const })),
          { ...common, role: "receivable", amount: amount - back.reduce((sum, split) => sum + split.amount, 0), side: "debit" },
          { ...common, role: "bank", amount, side: "credit" },
        ],
      };
    }
    case "invoice.paid":
    case "invoice.partially_paid": {
      // Only money applied from the customer's credit moves here; a fresh payment posts on payment.succeeded.
      if (data.from_credit !== true) return null;
      const amount = num(data.amount_allocated);
      const common = { ...base("reallocation", `Affectation avoir/acompte ${str(data.number) ?? ""}`.trim(), event.payment_id ?? ""), payment_id: event.payment_id };
      return {
        journal: "bank",
        entryDate: day,
        postings: [
          { ...common, role: "receivable", invoice_id: null, amount, side: "debit" },
          { ...common, role: "receivable", invoice_id: event.invoice_id, amount, side: "credit" },
        ],
      };
    }
    case "credit_note.issued":
      return creditNoteEntry(event, day);
    default:
      return null;
  }
}

/**
 * A credit note reverses its invoice per rate (revenue and VAT debited, receivable credited on the
 * invoice). Its `to_credit` part came off the invoice's allocations: it moves from the invoice to
 * the customer's unallocated credit (NULL), one line per payment reduced.
 */
function creditNoteEntry(event: LedgerEvent, day: string): Draft {
  const data = event.data;
  const number = str(data.number) ?? "";
  const creditNote = str(data.credit_note);
  const origin = str(data.invoice_number);
  const common = { ...base("credit_note", `Avoir ${number}${origin ? ` sur facture ${origin}` : ""}`, number), invoice_id: event.invoice_id, credit_note_id: creditNote };
  const total = num(data.total);
  const toCredit = num(data.to_credit);
  const reallocated = Array.isArray(data.reallocated)
    ? data.reallocated.filter((item): item is { payment: string; amount: number } => typeof item?.payment === "string" && typeof item?.amount === "number")
    : [];
  const moves = reallocated.length > 0 ? reallocated : toCredit > 0 ? [{ payment: null as string | null, amount: toCredit }] : [];
  const move = { ...common, source: "reallocation" as const, label: `Avoir ${number} porté au crédit du client` };
  return {
    journal: "sales",
    entryDate: str(data.issued_on) ?? day,
    postings: [
      ...byRate(rateRows(data.tax_breakdown), total, "debit", common),
      { ...common, role: "receivable", amount: total, side: "credit" },
      ...moves.flatMap((part) => [
        { ...move, role: "receivable" as const, payment_id: part.payment, amount: part.amount, side: "debit" as const },
        { ...move, role: "receivable" as const, invoice_id: null, payment_id: part.payment, amount: part.amount, side: "credit" as const },
      ]),
    ],
  };
}
