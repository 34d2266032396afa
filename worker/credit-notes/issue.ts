/**
 * Issuing a credit note (avoir) on an issued invoice. One batch, guarded by the versions read,
 * numbers it in its own gapless series, stores it with its lines, lowers the invoice's amount due
 * (`applied_to_invoice` raises amount_credited) and, past what was due, takes the rest off the
 * invoice's allocations, newest payment first (`to_credit`: amount_paid falls, amount_credited
 * rises by as much, and the money becomes the customer's unallocated credit on those payments), with
 * its events. With `refund: true` that credit is then refunded through the original payments by the
 * existing refund path (the provider's too), each refund naming the credit note.
 */
import { documentLinks } from "../../shared/document-links";
import type { CreditNoteCreateInput } from "../../shared/schemas/credit-notes";
import { DEFAULT_CREDIT_NOTE_FORMAT } from "../../shared/schemas/settings";
import { amountDue, statusForAmounts, utcDay } from "../../shared/status";
import { guard, runBatch, versionGuard, withRetries } from "../db/batch";
import { getSettings } from "../db/settings";
import { appendInvoiceEvent, INVOICE_SNAPSHOT_SQL, type LogMoved } from "../events/log";
import { ApiError, notFound } from "../errors";
import { renderFormat } from "../invoices/numbering";
import { findInvoice, type InvoiceRow } from "../invoices/queries";
import { newId, randomBase32 } from "../lib/crypto";
import { refundByMerchant } from "../payments/refund";
import { creditNoteAmounts, type CreditNoteAmounts } from "./amounts";
import { findCreditNote, invoiceCreditState, type InvoiceAllocation } from "./queries";

/** Counters of credit notes are kept apart from the invoices' in number_series under this prefix. */
export const CREDIT_NOTE_SERIES_PREFIX = "credit_note:";

const CREDITABLE = new Set(["open", "partially_paid", "paid"]);

export interface IssuedCreditNote extends LogMoved {
  creditNoteId: string;
  /** Why a refund asked for failed (what it did not refund stays the customer's credit). */
  refundError?: string;
}

/** The allocations `toCredit` comes off, newest payment first. */
function reallocationsFor(allocations: readonly InvoiceAllocation[], toCredit: number) {
  let left = toCredit;
  const taken: { allocation: InvoiceAllocation; amount: number }[] = [];
  for (const allocation of allocations) {
    const amount = Math.min(left, allocation.amount - allocation.amount_refunded);
    if (amount <= 0) continue;
    taken.push({ allocation, amount });
    left -= amount;
  }
  if (left > 0) throw new Error(`invoice allocations hold less than amount_paid (${left} missing)`);
  return taken;
}

/**
 * `credit_note.issued`: the invoice's snapshot as the batch left it, the credit note's figures over
 * it, and its number as the series gave it (read back from the row inserted in the same batch).
 */
function issuedEvent(db: D1Database, invoiceId: string, creditNoteId: string, now: Date, data: Record<string, unknown>): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, payment_id, customer_id, data, created_at)
       SELECT ?1, merchant_id, 'credit_note.issued', id, NULL, customer_id,
         json_patch(json_patch(${INVOICE_SNAPSHOT_SQL}, ?2), json_object('number', (SELECT number FROM credit_notes WHERE id = ?3))), ?4
       FROM invoices WHERE id = ?5`,
    )
    .bind(randomBase32(16), JSON.stringify(data), creditNoteId, now.toISOString(), invoiceId);
}

function creditNoteStatements(
  db: D1Database,
  ids: { creditNoteId: string; merchantId: string },
  invoice: InvoiceRow,
  amounts: CreditNoteAmounts,
  split: { applied: number; toCredit: number },
  input: CreditNoteCreateInput,
  format: string,
  now: Date,
): D1PreparedStatement[] {
  const day = utcDay(now);
  const { series: rendered, printfPattern } = renderFormat(format, day);
  const series = `${CREDIT_NOTE_SERIES_PREFIX}${rendered}`;
  return [
    db.prepare("INSERT OR IGNORE INTO number_series (merchant_id, series, next_number) VALUES (?, ?, 1)").bind(ids.merchantId, series),
    db
      .prepare(
        `INSERT INTO credit_notes (id, merchant_id, invoice_id, customer_id, number, number_series, number_seq, invoice_number, invoice_issued_on,
           currency, subtotal, tax, total, applied_to_invoice, to_credit, refund_requested, reason, line_count, issued_on, created_at)
         SELECT ?1, ?2, ?3, ?4, printf(?5, next_number), ?6, next_number, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19
         FROM number_series WHERE merchant_id = ?2 AND series = ?6`,
      )
      .bind(ids.creditNoteId, ids.merchantId, invoice.id, invoice.customer_id, printfPattern, series, invoice.number, (invoice.issued_at ?? "").slice(0, 10),
        invoice.currency, amounts.subtotal, amounts.tax, amounts.total, split.applied, split.toCredit, input.refund ? 1 : 0, input.reason,
        amounts.lines.length, day, now.toISOString()),
    ...amounts.lines.map((line, position) =>
      db
        .prepare(
          `INSERT INTO credit_note_lines (credit_note_id, position, invoice_line, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(ids.creditNoteId, position, line.invoice_line, line.description, line.quantity_milli, line.unit_amount, line.tax_rate, line.amount_subtotal, line.amount_tax, line.amount_total),
    ),
    // Bumped only if this credit note took the counter's current value: a refused batch consumes no number.
    db
      .prepare(
        `UPDATE number_series SET next_number = next_number + 1 WHERE merchant_id = ?1 AND series = ?2
           AND EXISTS (SELECT 1 FROM credit_notes WHERE id = ?3 AND number_seq = number_series.next_number)`,
      )
      .bind(ids.merchantId, series, ids.creditNoteId),
  ];
}

/**
 * Issues a credit note on an issued invoice (open, partially paid or paid). Refused with 409
 * `invoice_not_creditable` for drafts, void and uncollectible invoices, 409 `invoice_fully_credited`
 * when nothing is left, 422 `credit_note_exceeds_remaining` naming `amount` or `lines[i]…` when it
 * asks for more than the invoice still carries — and then nothing changes, no number is taken.
 */
export async function issueCreditNote(env: Env, merchantId: string, invoiceId: string, input: CreditNoteCreateInput, origin: string, now: Date): Promise<IssuedCreditNote> {
  const db = env.DB;
  const creditNoteId = newId("cn");
  const reallocated = await withRetries(async () => {
    const invoice = await findInvoice(db, merchantId, invoiceId);
    if (invoice === null) throw notFound("invoice", invoiceId);
    if (!CREDITABLE.has(invoice.status) || invoice.number === null) {
      throw new ApiError("invoice_not_creditable", `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}: only an issued invoice (open, partially paid or paid) takes a credit note.`);
    }
    const remainingTotal = invoice.total - invoice.amount_credited;
    if (remainingTotal <= 0) throw new ApiError("invoice_fully_credited", `Invoice ${invoice.number} is fully credited already: nothing is left to credit.`);
    const [state, { settings }] = await Promise.all([invoiceCreditState(db, invoice.id), getSettings(db, merchantId)]);
    const amounts = creditNoteAmounts(input, { number: invoice.number, remainingTotal }, state.lines, state.credited);
    const applied = Math.min(amounts.total, Math.max(0, amountDue(invoice)));
    const toCredit = amounts.total - applied;
    const taken = reallocationsFor(state.allocations, toCredit);
    const after = { total: invoice.total, amount_paid: invoice.amount_paid - toCredit, amount_credited: invoice.amount_credited + amounts.total };
    const status = statusForAmounts(invoice.status, after);
    const at = now.toISOString();
    const statements: D1PreparedStatement[] = [
      versionGuard(db, "invoices", invoice),
      ...taken.map(({ allocation }) => versionGuard(db, "payments", { id: allocation.payment_id, version: allocation.payment_version })),
      // The allocations read are still those: a change of any of them refuses the batch.
      guard(db, "(SELECT coalesce(sum(amount - amount_refunded), 0) FROM allocations WHERE invoice_id = ? AND applied = 1) = ?", invoice.id, invoice.amount_paid),
      ...creditNoteStatements(db, { creditNoteId, merchantId }, invoice, amounts, { applied, toCredit }, input, settings.numbering.credit_note_format ?? DEFAULT_CREDIT_NOTE_FORMAT, now),
    ];
    for (const { allocation, amount } of taken) {
      statements.push(
        amount === allocation.amount
          ? db.prepare("DELETE FROM allocations WHERE payment_id = ? AND invoice_id = ?").bind(allocation.payment_id, invoice.id)
          : db.prepare("UPDATE allocations SET amount = amount - ? WHERE payment_id = ? AND invoice_id = ?").bind(amount, allocation.payment_id, invoice.id),
        db.prepare("UPDATE payments SET version = version + 1, updated_at = ? WHERE id = ?").bind(at, allocation.payment_id),
      );
    }
    const reallocations = taken.map(({ allocation, amount }) => ({ payment: allocation.payment_id, amount }));
    statements.push(
      db
        .prepare("UPDATE invoices SET amount_paid = ?, amount_credited = ?, status = ?, paid_at = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        .bind(after.amount_paid, after.amount_credited, status, status === "paid" ? (invoice.paid_at ?? at) : null, at, invoice.id),
      issuedEvent(db, invoice.id, creditNoteId, now, {
        credit_note: creditNoteId,
        invoice_number: invoice.number,
        invoice_issued_on: (invoice.issued_at ?? "").slice(0, 10),
        issued_on: utcDay(now),
        currency: invoice.currency,
        subtotal: amounts.subtotal,
        tax: amounts.tax,
        total: amounts.total,
        tax_breakdown: amounts.tax_breakdown,
        applied_to_invoice: applied,
        to_credit: toCredit,
        reallocated: reallocations,
        refund: input.refund === true,
        reason: input.reason,
        ...documentLinks(origin, "credit_note", creditNoteId),
      }),
    );
    if (status === "paid" && invoice.status !== "paid") {
      statements.push(appendInvoiceEvent(db, { type: "invoice.paid", invoiceId: invoice.id, now, extra: { credit_note: creditNoteId } }));
    }
    await runBatch(db, statements);
    return reallocations;
  });
  const issued: IssuedCreditNote = { merchantId, creditNoteId };
  if (input.refund && reallocated.length > 0) {
    const note = await findCreditNote(db, merchantId, creditNoteId);
    for (const { payment, amount } of reallocated) {
      try {
        await refundByMerchant(env, merchantId, payment, { amount, reason: `Avoir ${note?.number ?? creditNoteId}`, creditNote: creditNoteId }, origin, now);
      } catch (error) {
        issued.refundError = error instanceof Error ? error.message : String(error);
        console.error("credit note refund failed", creditNoteId, payment, error);
      }
    }
  }
  return issued;
}
