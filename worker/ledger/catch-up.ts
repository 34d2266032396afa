/**
 * Keeps the ledger current: projects the events logged since the cursor, a chunk at a time, each
 * chunk's lines and the cursor's move in one batch. Lines are keyed by (merchant, seq, line) and
 * inserted OR IGNORE, and the projection is deterministic, so two catch-ups running at once (two
 * reports read together) write every line once. Reports and exports call it, bounded, before they
 * read (current.ts); the cron projects ahead of them (housekeeping.ts, `projectLedgers`).
 */
import { getSettings } from "../db/settings";
import { projectEvent } from "./project";
import { advanceCursorStatement, insertLinesStatements, ledgerCursor, logHead, postingEventsAfter } from "./queries";

export interface CatchUpResult {
  /** Events read (those that may post) and lines written. */
  events: number;
  lines: number;
  /** D1 batches written. */
  batches: number;
  /** The seq the ledger is current up to. */
  cursor: number;
  /** The log's head as of the call; the ledger is still behind it when `maxBatches` ran out first. */
  head: number;
  behind: boolean;
}

/**
 * Projects a merchant's log up to its head as of the call, `batchSize` events per D1 batch, at
 * most `maxBatches` batches (unbounded without it): `behind` tells whether the head was reached.
 * @example await catchUpLedger(env.DB, merchantId) // then read ledger_lines
 */
export async function catchUpLedger(db: D1Database, merchantId: string, options: { batchSize?: number; maxBatches?: number } = {}): Promise<CatchUpResult> {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? Infinity;
  const [cursor, head] = await Promise.all([ledgerCursor(db, merchantId), logHead(db, merchantId)]);
  if (cursor >= head) return { events: 0, lines: 0, batches: 0, cursor, head, behind: false };
  if (maxBatches < 1) return { events: 0, lines: 0, batches: 0, cursor, head, behind: true };
  const rates = (await getSettings(db, merchantId)).settings.accounting.exchange_rates;
  let at = cursor;
  let events = 0;
  let lines = 0;
  for (let batches = 1; ; batches += 1) {
    const page = (await postingEventsAfter(db, merchantId, at, batchSize)).filter((event) => event.seq <= head);
    const projected = page.flatMap((event) => projectEvent(event, rates));
    const done = page.length < batchSize || page[page.length - 1]!.seq >= head;
    // A short page read everything up to the head we started from: the cursor may jump there.
    const next = done ? head : page[page.length - 1]!.seq;
    await db.batch([...insertLinesStatements(db, projected), advanceCursorStatement(db, merchantId, next)]);
    events += page.length;
    lines += projected.length;
    at = next;
    if (done) return { events, lines, batches, cursor: at, head, behind: false };
    if (batches >= maxBatches) return { events, lines, batches, cursor: at, head, behind: true };
  }
}
