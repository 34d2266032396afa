/**
 * D1 has no interactive transactions: everything that must land together goes in one
 * `DB.batch()`, which D1 runs as a single SQLite transaction. A batch whose preconditions may have
 * changed since they were read starts with guard statements; a failing guard aborts the batch,
 * so a write based on stale reads never lands.
 */
import { ApiError } from "../errors";

/** Thrown when a guard refused a batch: the state read before it changed meanwhile. */
export class StaleReadError extends Error {
  constructor() {
    super("the data changed while the request was being prepared");
  }
}

/**
 * A statement that aborts the batch unless `condition` (SQL, with `params`) holds.
 * @example guard(db, "EXISTS (SELECT 1 FROM invoices WHERE id = ? AND version = ?)", id, version)
 */
export function guard(db: D1Database, condition: string, ...params: unknown[]): D1PreparedStatement {
  return db.prepare(`INSERT INTO batch_guard (reason) SELECT 'refused' WHERE NOT (${condition})`).bind(...params);
}

/**
 * The guard every read-then-write uses: the row is still at the version read. Every change of a
 * versioned row (invoices, payments) bumps `version`, so any concurrent change refuses the batch.
 * @example versionGuard(db, "invoices", invoice)
 */
export function versionGuard(db: D1Database, table: "invoices" | "payments", row: { id: string; version: number }): D1PreparedStatement {
  return guard(db, `EXISTS (SELECT 1 FROM ${table} WHERE id = ? AND version = ?)`, row.id, row.version);
}

/** Runs statements as one transaction, turning constraint failures into typed errors. */
export async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.batch(statements);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("batch_guard_refused")) throw new StaleReadError();
    if (message.includes("invoice_immutable")) {
      throw new ApiError("invoice_immutable", "An issued invoice's customer, lines and amounts cannot change.");
    }
    if (message.includes("UNIQUE constraint failed: invoices.merchant_id, invoices.number")) {
      throw new ApiError(
        "invoice_number_taken",
        "The numbering format gives this invoice a number another invoice already has; change settings.numbering.format (PUT /v1/settings) to one whose numbers cannot repeat existing ones, e.g. a new prefix.",
      );
    }
    if (message.includes("UNIQUE constraint failed: credit_notes.merchant_id, credit_notes.number")) {
      throw new ApiError(
        "credit_note_number_taken",
        "The credit note format gives this credit note a number another one already has; change settings.numbering.credit_note_format (PUT /v1/settings), e.g. to a new prefix.",
      );
    }
    if (message.includes("credit_note_immutable")) throw new ApiError("credit_note_immutable", "An issued credit note cannot change.");
    if (message.includes("CHECK constraint failed") && message.includes("amount_paid")) {
      throw new ApiError("allocation_exceeds_amount_due", "The allocation would pay more than the invoice's amount due.", "allocations");
    }
    throw error;
  }
}

/**
 * Runs `attempt` (read, then write with guards) until its guards hold, at most `tries` times;
 * answers 409 concurrent_update when other writers keep winning.
 */
export async function withRetries<T>(attempt: () => Promise<T>, tries = 6): Promise<T> {
  for (let round = 1; ; round += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleReadError)) throw error;
      if (round >= tries) throw new ApiError("concurrent_update", "The object changed concurrently; retry the request.");
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * round));
    }
  }
}
