/**
 * Statements and their lines as the API answers them: counts per status, a page of lines with
 * each matched line's payment and allocations, and for unmatched lines up to three suggestions
 * (open invoices of the merchant in the line's currency) with the reason each is suggested.
 */
import type { BankStatement, StatementLine } from "../../shared/schemas/bank-statements";
import { amountDue } from "../../shared/status";
import { notFound } from "../errors";
import { amountDueSql, payableSql } from "../db/sql";
import { namesMatch, nameWords, structuredBodies, textBodies, type InvoiceState } from "./match";
import { invoicesByBodies, type LineRow, type StatementRow } from "./queries";

const MAX_SUGGESTIONS = 3;
/** How many of a merchant's customers the payer-name suggestions read at most. */
const CUSTOMER_SCAN = 50_000;

export function findStatement(db: D1Database, merchantId: string, id: string): Promise<StatementRow | null> {
  return db.prepare("SELECT * FROM bank_statements WHERE id = ? AND merchant_id = ?").bind(id, merchantId).first<StatementRow>();
}

export async function mustFindStatement(db: D1Database, merchantId: string, id: string): Promise<StatementRow> {
  const row = await findStatement(db, merchantId, id);
  if (row === null) throw notFound("bank statement", id);
  return row;
}

export function findLine(db: D1Database, statementId: string, position: number): Promise<LineRow | null> {
  return db.prepare("SELECT * FROM bank_statement_lines WHERE statement_id = ? AND position = ?").bind(statementId, position).first<LineRow>();
}

/** A page of a merchant's statements, newest first (`limit + 1` rows). */
export async function listStatements(db: D1Database, merchantId: string, query: { limit: number; starting_after?: string | undefined }): Promise<StatementRow[]> {
  let cursor = "";
  const params: unknown[] = [];
  if (query.starting_after !== undefined) {
    const after = await findStatement(db, merchantId, query.starting_after);
    if (after === null) throw notFound("bank statement", query.starting_after, "starting_after");
    cursor = " AND (created_at < ? OR (created_at = ? AND id < ?))";
    params.push(after.created_at, after.created_at, after.id);
  }
  const { results } = await db
    .prepare(`SELECT * FROM bank_statements WHERE merchant_id = ?${cursor} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(merchantId, ...params, query.limit + 1)
    .all<StatementRow>();
  return results;
}

async function countsOf(db: D1Database, statementIds: readonly string[]): Promise<Map<string, BankStatement["counts"]>> {
  const { results } = await db
    .prepare(
      `SELECT statement_id, status, count(*) AS n, total(amount) AS amount FROM bank_statement_lines
       WHERE statement_id IN (SELECT value FROM json_each(?)) GROUP BY statement_id, status`,
    )
    .bind(JSON.stringify(statementIds))
    .all<{ statement_id: string; status: LineRow["status"]; n: number; amount: number }>();
  const counts = new Map<string, BankStatement["counts"]>();
  for (const id of statementIds) counts.set(id, { lines: 0, matched: 0, unmatched: 0, ignored: 0, duplicate: 0, amount_matched: 0 });
  for (const row of results) {
    const entry = counts.get(row.statement_id)!;
    entry[row.status] = row.n;
    entry.lines += row.n;
    if (row.status === "matched") entry.amount_matched = row.amount;
  }
  return counts;
}

export async function summarize(db: D1Database, rows: readonly StatementRow[]): Promise<Omit<BankStatement, "lines">[]> {
  const counts = await countsOf(db, rows.map((row) => row.id));
  return rows.map((row) => ({
    id: row.id, object: "bank_statement", format: row.format, message_id: row.message_id, account: row.account, period_start: row.period_start,
    period_end: row.period_end, status: row.status, counts: counts.get(row.id)!, created: row.created_at,
  }));
}

/**
 * The customers each line's payer name matches, by position. The merchant's customers (at most
 * CUSTOMER_SCAN, names only) are indexed by word once, so each line compares only with customers
 * sharing a word, and no SQL compares every open invoice with every name.
 */
async function customersByPayerName(db: D1Database, merchantId: string, lines: readonly LineRow[]): Promise<Map<number, Set<string>>> {
  const found = new Map<number, Set<string>>();
  if (!lines.some((line) => line.payer_name !== null)) return found;
  const { results } = await db.prepare("SELECT id, name FROM customers WHERE merchant_id = ? LIMIT ?").bind(merchantId, CUSTOMER_SCAN).all<{ id: string; name: string }>();
  const byWord = new Map<string, { id: string; name: string }[]>();
  for (const customer of results) for (const word of nameWords(customer.name)) byWord.set(word, [...(byWord.get(word) ?? []), customer]);
  for (const line of lines) {
    const sharing = new Set([...nameWords(line.payer_name)].flatMap((word) => byWord.get(word) ?? []));
    const matching = [...sharing].filter((customer) => namesMatch(line.payer_name, customer.name)).slice(0, 20);
    if (matching.length > 0) found.set(line.position, new Set(matching.map((customer) => customer.id)));
  }
  return found;
}

/** The open invoices an unmatched line may be for, best first, with why. */
async function suggestionsFor(db: D1Database, merchantId: string, lines: readonly LineRow[]): Promise<Map<number, StatementLine["suggestions"]>> {
  const unmatched = lines.filter((line) => line.status === "unmatched");
  const result = new Map<number, StatementLine["suggestions"]>();
  if (unmatched.length === 0) return result;
  const named = await invoicesByBodies(db, merchantId, [...new Set(unmatched.flatMap((line) => [...structuredBodies(line.structured_ref), ...textBodies(line.remittance)]))]);
  const payersOf = await customersByPayerName(db, merchantId, unmatched);
  const { results: open } = await db
    .prepare(
      `SELECT i.id, i.customer_id, c.name AS customer_name, i.number, i.rf_body, i.currency, i.total, i.amount_paid, i.amount_credited, i.status, i.version, i.paid_at, i.issued_at
       FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.merchant_id = ?1 AND ${payableSql("i.status")} AND ${amountDueSql("i.")} > 0
         AND (${amountDueSql("i.")} IN (SELECT value FROM json_each(?2)) OR i.customer_id IN (SELECT value FROM json_each(?3)))
       ORDER BY i.issued_at LIMIT 2000`,
    )
    .bind(merchantId, JSON.stringify([...new Set(unmatched.map((line) => line.amount))]), JSON.stringify([...new Set([...payersOf.values()].flatMap((ids) => [...ids]))]))
    .all<InvoiceState>();
  for (const line of unmatched) {
    const bodies = new Set([...structuredBodies(line.structured_ref), ...textBodies(line.remittance)]);
    const scored = new Map<string, { invoice: InvoiceState; score: number; reasons: string[] }>();
    const consider = (invoice: InvoiceState, score: number, reason: string) => {
      if (invoice.currency !== line.currency || amountDue(invoice) <= 0 || (invoice.status !== "open" && invoice.status !== "partially_paid")) return;
      const entry = scored.get(invoice.id) ?? { invoice, score: 0, reasons: [] };
      entry.score += score;
      entry.reasons.push(reason);
      scored.set(invoice.id, entry);
    };
    for (const invoice of named) if (bodies.has(invoice.rf_body)) consider(invoice, 4, `the transfer names ${invoice.number}`);
    for (const invoice of open) {
      if (amountDue(invoice) === line.amount) consider(invoice, 2, "same amount as the amount due");
      if (payersOf.get(line.position)?.has(invoice.customer_id)) consider(invoice, 2, "payer name matches the customer");
    }
    result.set(
      line.position,
      [...scored.values()]
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score || (a.invoice.issued_at ?? "").localeCompare(b.invoice.issued_at ?? ""))
        .slice(0, MAX_SUGGESTIONS)
        .map(({ invoice, reasons }) => ({ invoice: invoice.id, number: invoice.number, customer: invoice.customer_id, amount_due: amountDue(invoice), reason: reasons.filter(Boolean).join(", ") })),
    );
  }
  return result;
}

/** A page of a statement's lines, by position (`limit + 1` read to tell whether more follow). */
export async function linesPage(
  db: D1Database,
  merchantId: string,
  statementId: string,
  query: { limit: number; starting_after?: number | undefined; status?: LineRow["status"] | undefined },
): Promise<BankStatement["lines"]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM bank_statement_lines WHERE statement_id = ?1 AND position > ?2 AND (?3 IS NULL OR status = ?3) ORDER BY position LIMIT ?4`,
    )
    .bind(statementId, query.starting_after ?? 0, query.status ?? null, query.limit + 1)
    .all<LineRow>();
  const kept = results.slice(0, query.limit);
  const paymentIds = kept.flatMap((line) => (line.payment_id === null ? [] : [line.payment_id]));
  const [allocationResult, paymentResult] = await db.batch([
    db.prepare("SELECT payment_id, invoice_id, amount FROM allocations WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY payment_id, position").bind(JSON.stringify(paymentIds)),
    db.prepare("SELECT id, amount, amount_refunded FROM payments WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(paymentIds)),
  ]);
  const allocations = allocationResult!.results as { payment_id: string; invoice_id: string; amount: number }[];
  const payments = new Map((paymentResult!.results as { id: string; amount: number }[]).map((payment) => [payment.id, payment]));
  const suggestions = await suggestionsFor(db, merchantId, kept);
  const data = kept.map((line): StatementLine => {
    const own = allocations.filter((allocation) => allocation.payment_id === line.payment_id).map((allocation) => ({ invoice: allocation.invoice_id, amount: allocation.amount }));
    const paid = line.payment_id === null ? 0 : (payments.get(line.payment_id)?.amount ?? 0);
    return {
      object: "bank_statement_line", line: line.position, status: line.status, direction: line.direction, amount: line.amount, currency: line.currency, account: line.account,
      booking_date: line.booking_date, value_date: line.value_date, entry_reference: line.entry_ref, structured_reference: line.structured_ref,
      remittance_information: line.remittance, payer_name: line.payer_name, payer_iban: line.payer_iban, ignored_reason: line.ignored_reason,
      match_method: line.match_method, payment: line.payment_id, allocations: own, amount_unallocated: paid - own.reduce((sum, allocation) => sum + allocation.amount, 0),
      suggestions: suggestions.get(line.position) ?? [],
    };
  });
  const hasMore = results.length > query.limit;
  return { data, has_more: hasMore, next: hasMore ? kept[kept.length - 1]!.position : null };
}

/** A statement with its counts and its first lines. */
export async function serializeStatement(db: D1Database, merchantId: string, row: StatementRow, linesLimit: number): Promise<BankStatement> {
  const [summary] = await summarize(db, [row]);
  const lines = linesLimit === 0 ? { data: [], has_more: row.line_count > 0, next: row.line_count > 0 ? 0 : null } : await linesPage(db, merchantId, row.id, { limit: linesLimit });
  return { ...summary!, lines };
}
