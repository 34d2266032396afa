/**
 * The import of a parsed statement: each credit line is deduplicated (merchant + account + entry
 * reference), matched (./match.ts) and, when matched, recorded as a `bank_transfer` payment with
 * its allocations, the invoices' new amounts and the same events an offline payment appends
 * (`invoice.paid` / `invoice.partially_paid` per invoice, `payment.succeeded`). Lines are written
 * in windows of at most WINDOW lines, each one D1 batch (a transaction) guarded by the invoice
 * versions read, in which an invoice paid by several lines is updated once (its version bumped once
 * per payment) and each event carries the amounts after its own payment; once windows commit, `onCommitted` publishes
 * them (the first at once, then about every second), so streams, webhooks and reminders react
 * while the rest is still importing. A
 * window refused by a concurrent change (another payment, another import of the same file) is
 * re-read and redone; its duplicates then show as such.
 */
import { statusForAmounts, utcDay } from "../../shared/status";
import { runBatch, StaleReadError } from "../db/batch";
import type { LogMoved } from "../events/log";
import { newId, randomBase32 } from "../lib/crypto";
import { matchLine, structuredBodies, textBodies, type InvoiceState, type Match } from "./match";
import {
  customersByIbans, existingEntryKeys, insertLines, insertStatement, invoicesByBodies, invoicesByIds, markImported, openInvoicesByAmounts, planStatements,
  type LineRow, type WritePlan,
} from "./queries";
import type { ParsedLine, ParsedStatement } from "./statement";

const WINDOW = 250;
const TRIES = 4;
/**
 * Windows commit faster than the hub and the chain sealer need telling: publish the first window
 * at once, then at most every PUBLISH_EVERY_MS (each publish starts a sealer, and sealers running
 * side by side redo each other's work), and after the last.
 */
const PUBLISH_EVERY_MS = 1000;

type NewLine = Omit<LineRow, "merchant_id" | "version">;

const emptyPlan = (): WritePlan => ({ payments: [], allocations: [], invoices: [], invoiceEvents: [], paymentEvents: [], payers: [] });

const entryKey = (line: ParsedLine) => `${line.account}|${line.entryRef}`;
const isCandidate = (line: ParsedLine) => line.ignoredReason === null;

/** Adds a matched line's payment to a plan; `state` holds the invoices' amounts as the plan leaves them. */
export function addPayment(plan: WritePlan, state: Map<string, InvoiceState>, match: Match, line: { amount: number; currency: string; reference: string | null; receivedOn: string; payerIban: string | null }, now: Date): string {
  const paymentId = newId("pay");
  plan.payments.push({ id: paymentId, customer: match.customerId, amount: line.amount, currency: line.currency, reference: line.reference, received_on: line.receivedOn });
  match.allocations.forEach(({ invoice, amount }, position) => {
    const current = state.get(invoice.id) ?? invoice;
    const paid = current.amount_paid + amount;
    const status = statusForAmounts(current.status, { total: current.total, amount_paid: paid, amount_credited: current.amount_credited });
    const paidAt = status === "paid" ? (current.paid_at ?? now.toISOString()) : null;
    // Every change bumps the version, as one UPDATE per payment would: the plan writes them at once.
    const after = { ...current, amount_paid: paid, status, paid_at: paidAt, version: current.version + 1 };
    state.set(invoice.id, after);
    const index = plan.invoices.findIndex((entry) => entry.id === invoice.id);
    if (index >= 0) Object.assign(plan.invoices[index]!, { paid, status, paid_at: paidAt, touches: plan.invoices[index]!.touches + 1 });
    else plan.invoices.push({ id: invoice.id, version: current.version, paid, status, paid_at: paidAt, touches: 1 });
    plan.allocations.push({ payment: paymentId, invoice: invoice.id, position, amount });
    plan.invoiceEvents.push({
      suffix: randomBase32(16), type: status === "paid" ? "invoice.paid" : "invoice.partially_paid", invoice: invoice.id, payment: paymentId, amount,
      paid, status, due: after.total - paid - after.amount_credited, version: after.version,
    });
  });
  const allocations = match.allocations.map(({ invoice, amount }) => ({ invoice: invoice.id, amount }));
  const allocated = allocations.reduce((sum, allocation) => sum + allocation.amount, 0);
  plan.paymentEvents.push({
    suffix: randomBase32(16), payment: paymentId, customer: match.customerId,
    // The same data an offline payment's event carries: what the ledger posts.
    data: { amount: line.amount, currency: line.currency, method: "bank_transfer", reference: line.reference, received_on: line.receivedOn, allocations, amount_unallocated: line.amount - allocated },
  });
  if (line.payerIban !== null) plan.payers.push({ iban: line.payerIban, customer: match.customerId });
  return paymentId;
}

class ImportContext {
  readonly byBody = new Map<string, InvoiceState[]>();
  readonly byAmount = new Map<string, InvoiceState[]>();
  /** The current state of every invoice read, by id (shared by both indexes). */
  readonly invoices = new Map<string, InvoiceState>();
  ibans = new Map<string, string>();
  known = new Set<string>();

  add(rows: InvoiceState[], into: "body" | "amount"): void {
    for (const row of rows) {
      const invoice = this.invoices.get(row.id) ?? row;
      this.invoices.set(row.id, invoice);
      const key = into === "body" ? invoice.rf_body : `${invoice.currency}:${invoice.total - invoice.amount_paid - invoice.amount_credited}`;
      const list = (into === "body" ? this.byBody : this.byAmount).get(key) ?? [];
      if (!list.some((entry) => entry.id === invoice.id)) list.push(invoice);
      (into === "body" ? this.byBody : this.byAmount).set(key, list);
    }
  }

  /** A matcher view that reads the window's own state first. */
  view(state: Map<string, InvoiceState>) {
    const current = (invoice: InvoiceState) => state.get(invoice.id) ?? this.invoices.get(invoice.id) ?? invoice;
    return {
      byBody: (body: string) => (this.byBody.get(body) ?? []).map(current),
      byAmount: (currency: string, amount: number) => (this.byAmount.get(`${currency}:${amount}`) ?? []).map(current),
      customerOfIban: (iban: string) => this.ibans.get(iban),
    };
  }
}

async function loadContext(db: D1Database, merchantId: string, lines: readonly ParsedLine[]): Promise<ImportContext> {
  const context = new ImportContext();
  const candidates = lines.filter(isCandidate);
  context.known = await existingEntryKeys(db, merchantId, candidates.map(entryKey));
  const fresh = candidates.filter((line) => !context.known.has(entryKey(line)));
  const bodies = new Set(fresh.flatMap((line) => [...structuredBodies(line.structuredRef), ...textBodies(line.remittance)]));
  context.add(await invoicesByBodies(db, merchantId, [...bodies]), "body");
  const amounts = [...new Map(fresh.map((line) => [`${line.currency}:${line.amount}`, { currency: line.currency, amount: line.amount }])).values()];
  context.add(await openInvoicesByAmounts(db, merchantId, amounts), "amount");
  context.ibans = await customersByIbans(db, merchantId, [...new Set(fresh.flatMap((line) => (line.payerIban === null ? [] : [line.payerIban])))]);
  return context;
}

/** Builds the next window from `start`: its lines, its plan, where it ends. */
function buildWindow(statementId: string, lines: readonly ParsedLine[], start: number, context: ImportContext, now: Date) {
  const plan = emptyPlan();
  const state = new Map<string, InvoiceState>();
  const rows: NewLine[] = [];
  const seenKeys = new Set<string>();
  let end = start;
  for (; end < lines.length && end - start < WINDOW; end += 1) {
    const line = lines[end]!;
    const key = entryKey(line);
    const duplicate = isCandidate(line) && (context.known.has(key) || seenKeys.has(key));
    const match = isCandidate(line) && !duplicate ? matchLine(line, context.view(state)) : null;
    const row: NewLine = {
      statement_id: statementId, position: end + 1, status: !isCandidate(line) ? "ignored" : duplicate ? "duplicate" : match ? "matched" : "unmatched",
      direction: line.direction, amount: line.amount, currency: line.currency, account: line.account, booking_date: line.bookingDate, value_date: line.valueDate,
      entry_ref: line.entryRef, entry_key: isCandidate(line) && !duplicate ? key : null, structured_ref: line.structuredRef, remittance: line.remittance,
      payer_name: line.payerName, payer_iban: line.payerIban, ignored_reason: line.ignoredReason, match_method: match?.method ?? null, payment_id: null, matched_at: null,
    };
    if (match !== null) {
      row.payment_id = addPayment(plan, state, match, {
        amount: line.amount, currency: line.currency, reference: line.entryRef.startsWith("~") ? line.structuredRef : line.entryRef.slice(0, 200),
        receivedOn: line.bookingDate ?? line.valueDate ?? utcDay(now), payerIban: line.payerIban,
      }, now);
      row.matched_at = now.toISOString();
    }
    if (row.entry_key !== null) seenKeys.add(key);
    rows.push(row);
  }
  return { plan, state, rows, end };
}

/**
 * Records a parsed statement for a merchant and returns its id. `onCommitted` is called after each
 * window that recorded payments (the route publishes there).
 */
export async function importStatement(
  db: D1Database,
  merchantId: string,
  parsed: ParsedStatement,
  byteSize: number,
  now: Date,
  onCommitted: (moved: LogMoved) => void,
): Promise<string> {
  const statementId = newId("bst");
  await insertStatement(db, {
    id: statementId, merchant_id: merchantId, format: parsed.format, message_id: parsed.messageId?.slice(0, 140) ?? null, account: parsed.account.slice(0, 140),
    period_start: parsed.periodStart, period_end: parsed.periodEnd, line_count: parsed.lines.length, byte_size: byteSize, created_at: now.toISOString(),
  }).run();
  const context = await loadContext(db, merchantId, parsed.lines);
  let start = 0;
  let publishedAt = 0;
  let unpublished = false;
  while (start < parsed.lines.length) {
    for (let round = 1; ; round += 1) {
      const window = buildWindow(statementId, parsed.lines, start, context, now);
      try {
        await runBatch(db, [...planStatements(db, merchantId, window.plan, now), insertLines(db, merchantId, window.rows)]);
        for (const [id, invoice] of window.state) Object.assign(context.invoices.get(id) ?? {}, invoice);
        for (const row of window.rows) if (row.entry_key !== null) context.known.add(row.entry_key);
        unpublished ||= window.plan.payments.length > 0;
        if (unpublished && Date.now() - publishedAt >= PUBLISH_EVERY_MS) {
          onCommitted({ merchantId });
          (publishedAt = Date.now()), (unpublished = false);
        }
        start = window.end;
        break;
      } catch (error) {
        const conflict = error instanceof StaleReadError || String(error).includes("UNIQUE constraint failed: bank_statement_lines");
        if (!conflict || round >= TRIES) throw error;
        // Someone else wrote meanwhile: re-read what this window depends on, then redo it.
        const windowLines = parsed.lines.slice(start, window.end);
        for (const key of await existingEntryKeys(db, merchantId, windowLines.filter(isCandidate).map(entryKey))) context.known.add(key);
        const touched = [...new Set([...window.state.keys()])];
        for (const fresh of await invoicesByIds(db, merchantId, touched)) Object.assign(context.invoices.get(fresh.id) ?? {}, fresh);
      }
    }
  }
  await markImported(db, statementId, now).run();
  if (unpublished) onCommitted({ merchantId });
  return statementId;
}
