/** The FEC's reads: a page of whole entries of a year, and the lettering of their invoices. */
import type { FecSourceLine, Lettering } from "./fec";

/**
 * The lines of the next `entries` entries (distinct seqs) after `afterSeq` dated within
 * [from, to], in seq and line order, with their customer's name.
 */
export async function fecPage(db: D1Database, merchantId: string, range: { from: string; to: string }, afterSeq: number, entries: number): Promise<FecSourceLine[]> {
  const { results } = await db
    .prepare(
      `SELECT l.*, c.name AS customer_name FROM ledger_lines l LEFT JOIN customers c ON c.id = l.customer_id
       WHERE l.merchant_id = ?1 AND l.entry_date BETWEEN ?2 AND ?3 AND l.seq > ?4
         AND l.seq <= (SELECT coalesce(max(seq), ?4) FROM (
           SELECT DISTINCT seq FROM ledger_lines WHERE merchant_id = ?1 AND entry_date BETWEEN ?2 AND ?3 AND seq > ?4 ORDER BY seq LIMIT ?5))
       ORDER BY l.seq, l.line`,
    )
    .bind(merchantId, range.from, range.to, afterSeq, entries)
    .all<FecSourceLine>();
  return results;
}

/**
 * The invoices among `invoiceIds` settled at `asOf` (their receivable lines up to that day sum to
 * zero): lettered with the invoice's number, on the day of the last of those lines.
 */
export async function letteringOf(db: D1Database, merchantId: string, invoiceIds: readonly string[], asOf: string): Promise<Map<string, Lettering>> {
  if (invoiceIds.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT l.invoice_id, i.number, max(l.entry_date) AS settled_on FROM ledger_lines l JOIN invoices i ON i.id = l.invoice_id
       WHERE l.merchant_id = ? AND l.role = 'receivable' AND l.invoice_id IN (SELECT value FROM json_each(?)) AND l.entry_date <= ?
       GROUP BY l.invoice_id HAVING sum(l.debit) = sum(l.credit)`,
    )
    .bind(merchantId, JSON.stringify(invoiceIds), asOf)
    .all<{ invoice_id: string; number: string | null; settled_on: string }>();
  return new Map(results.map((row) => [row.invoice_id, { code: row.number ?? row.invoice_id, settled_on: row.settled_on }]));
}

/** Foreign currencies of the year's lines posted without a book rate (the export then needs one in settings). */
export async function currenciesWithoutRate(db: D1Database, merchantId: string, range: { from: string; to: string }): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT DISTINCT currency FROM ledger_lines WHERE merchant_id = ? AND entry_date BETWEEN ? AND ? AND currency <> 'eur' AND eur_rate IS NULL")
    .bind(merchantId, range.from, range.to)
    .all<{ currency: string }>();
  return results.map((row) => row.currency);
}
