/** The ledger's SQL: the cursor, the events still to project, and the lines. */
import type { LedgerEvent, LedgerLine } from "./project";

const LINE_COLUMNS = [
  "merchant_id", "seq", "line", "source", "journal", "entry_date", "recorded_on", "role", "tax_rate", "customer_id", "invoice_id",
  "payment_id", "credit_note_id", "method", "currency", "debit", "credit", "label", "piece", "eur_rate",
] as const satisfies readonly (keyof LedgerLine)[];

/** The event types that can post an entry (the projection ignores every other one). */
export const POSTING_EVENT_TYPES = ["invoice.issued", "invoice.voided", "payment.succeeded", "payment.refunded", "payment.disputed", "credit_note.issued"] as const;

/** How far a merchant's log is projected (0: nothing yet). */
export async function ledgerCursor(db: D1Database, merchantId: string): Promise<number> {
  const row = await db.prepare("SELECT last_seq FROM ledger_cursors WHERE merchant_id = ?").bind(merchantId).first<{ last_seq: number }>();
  return row?.last_seq ?? 0;
}

/** The head of a merchant's log: its last event's seq. */
export async function logHead(db: D1Database, merchantId: string): Promise<number> {
  const row = await db.prepare("SELECT max(seq) AS seq FROM events WHERE merchant_id = ?").bind(merchantId).first<{ seq: number | null }>();
  return row?.seq ?? 0;
}

/** The next events after `afterSeq` that may post an entry, in seq order. */
export async function postingEventsAfter(db: D1Database, merchantId: string, afterSeq: number, limit: number): Promise<LedgerEvent[]> {
  const { results } = await db
    .prepare(
      `SELECT merchant_id, seq, type, invoice_id, payment_id, customer_id, created_at, data FROM events
       WHERE merchant_id = ? AND seq > ?
         AND (type IN (SELECT value FROM json_each(?)) OR (type IN ('invoice.paid', 'invoice.partially_paid') AND json_extract(data, '$.from_credit') = 1))
       ORDER BY seq LIMIT ?`,
    )
    .bind(merchantId, afterSeq, JSON.stringify(POSTING_EVENT_TYPES), limit)
    .all<Omit<LedgerEvent, "data"> & { data: string }>();
  return results.map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> }));
}

/** Statements inserting lines (each chunk one statement, its rows in one JSON parameter); a line already there is left alone. */
export function insertLinesStatements(db: D1Database, lines: readonly LedgerLine[], chunk = 800): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < lines.length; start += chunk) {
    const rows = lines.slice(start, start + chunk).map((line) => LINE_COLUMNS.map((column) => line[column]));
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO ledger_lines (${LINE_COLUMNS.join(", ")})
           SELECT ${LINE_COLUMNS.map((_, index) => `value ->> '$[${index}]'`).join(", ")} FROM json_each(?)`,
        )
        .bind(JSON.stringify(rows)),
    );
  }
  return statements;
}

/** Moves the cursor forward (never back: a slower concurrent catch-up cannot rewind it). */
export function advanceCursorStatement(db: D1Database, merchantId: string, seq: number): D1PreparedStatement {
  return db
    .prepare("INSERT INTO ledger_cursors (merchant_id, last_seq) VALUES (?, ?) ON CONFLICT (merchant_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)")
    .bind(merchantId, seq);
}

/** Every line of a merchant, in entry order (tests and the rebuild check; bounded by `limit`). */
export async function ledgerLinesPage(db: D1Database, merchantId: string, after: { seq: number; line: number }, limit: number): Promise<LedgerLine[]> {
  const { results } = await db
    .prepare(`SELECT ${LINE_COLUMNS.join(", ")} FROM ledger_lines WHERE merchant_id = ? AND (seq, line) > (?, ?) ORDER BY seq, line LIMIT ?`)
    .bind(merchantId, after.seq, after.line, limit)
    .all<LedgerLine>();
  return results;
}

/**
 * Merchants whose log goes past their ledger cursor, most behind first: by events after the cursor
 * (seq is global, so a seq gap would say nothing), counted up to `cap` so a huge backlog costs no
 * more to rank than `cap` index entries. At most `limit` merchants.
 */
export async function merchantsBehindLedger(db: D1Database, limit: number, cap: number): Promise<{ merchantId: string; behind: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT id AS merchantId, behind FROM (
         SELECT m.id, (SELECT count(*) FROM (SELECT 1 FROM events e WHERE e.merchant_id = m.id AND e.seq > coalesce(c.last_seq, 0) ORDER BY e.seq LIMIT ?)) AS behind
         FROM merchants m LEFT JOIN ledger_cursors c ON c.merchant_id = m.id)
       WHERE behind > 0 ORDER BY behind DESC, id LIMIT ?`,
    )
    .bind(cap, limit)
    .all<{ merchantId: string; behind: number }>();
  return results;
}
