/**
 * Bounds on the ledger's catch-up. A request projects at most `LEDGER_REQUEST_MAX_EVENTS` events
 * (default 10,000: 20 batches of 500, about 40 D1 queries) before it reads; a ledger still behind
 * after that answers 503 `ledger_catching_up` with Retry-After rather than figures that disagree
 * with GET /v1/events, and the same bound again keeps projecting in `waitUntil`. The cron projects
 * ahead (`projectLedgers`, at most `LEDGER_CRON_MAX_EVENTS` events a run, default 20,000), so after a
 * bulk import the ledger is current within a few minutes without any report being read.
 */
import { ApiError } from "../errors";
import { problemResponse } from "../lib/router";
import { catchUpLedger } from "./catch-up";
import { merchantsBehindLedger } from "./queries";

const BATCH_SIZE = 500;
/** The cron runs every minute: a client told to wait this long finds one more run done. */
export const LEDGER_RETRY_AFTER_SECONDS = 60;

/** The OpenAPI response of every route that reads the ledger. */
export const ledgerCatchingUpResponses = {
  503: problemResponse("`ledger_catching_up`: the ledger is further behind the event log than one request projects (after a bulk import); it is being projected, retry after Retry-After.", {
    "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } },
  }),
} as const;

/** The request's `waitUntil`, if it has one (hono throws when there is no execution context). */
export function backgroundOf(c: { executionCtx: { waitUntil(promise: Promise<unknown>): void } }): { waitUntil(promise: Promise<unknown>): void } | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

type LedgerEnv = Pick<Env, "DB"> & { LEDGER_REQUEST_MAX_EVENTS?: string; LEDGER_CRON_MAX_EVENTS?: string };

/** A budget in events as batches: `batchSize` events each (500, or fewer for a smaller budget). */
function budgetOf(value: string | undefined, fallback: number): { batchSize: number; maxBatches: number } {
  const events = Number(value) > 0 ? Math.floor(Number(value)) : fallback;
  const batchSize = Math.min(BATCH_SIZE, events);
  return { batchSize, maxBatches: Math.ceil(events / batchSize) };
}

/**
 * Projects the merchant's backlog, bounded; throws 503 `ledger_catching_up` if the ledger is still
 * behind the log's head (and keeps projecting in `background.waitUntil`, bounded the same).
 * @example await requireCurrentLedger(c.env, merchantId, c.executionCtx) // then read ledger_lines
 */
export async function requireCurrentLedger(env: LedgerEnv, merchantId: string, background?: { waitUntil(promise: Promise<unknown>): void }): Promise<void> {
  const budget = budgetOf(env.LEDGER_REQUEST_MAX_EVENTS, 10_000);
  const result = await catchUpLedger(env.DB, merchantId, budget);
  if (!result.behind) return;
  background?.waitUntil(catchUpLedger(env.DB, merchantId, budget).catch((error: unknown) => console.error("ledger catch-up failed", merchantId, error)));
  throw new ApiError(
    "ledger_catching_up",
    `The ledger is ${result.head - result.cursor} events behind the log (a bulk import?) and is being projected; retry in ${LEDGER_RETRY_AFTER_SECONDS} s.`,
    undefined,
    { "retry-after": String(LEDGER_RETRY_AFTER_SECONDS) },
  );
}

/**
 * The cron's share: the merchants most behind (by events after their cursor; at most one merchant
 * per batch of the budget) split the run's budget evenly, least behind first, and what one leaves
 * unused passes to those more behind. So a merchant a few events behind costs one batch and a bulk
 * import gets the rest; nobody waits on it, and one run never writes more than its budget.
 * @returns the merchants projected and the events read
 */
export async function projectLedgers(env: LedgerEnv, budget = budgetOf(env.LEDGER_CRON_MAX_EVENTS, 20_000)): Promise<{ merchants: number; events: number; batches: number }> {
  const { batchSize, maxBatches } = budget;
  const behind = (await merchantsBehindLedger(env.DB, maxBatches, batchSize * maxBatches)).reverse();
  let left = maxBatches;
  let events = 0;
  for (const [index, { merchantId }] of behind.entries()) {
    if (left < 1) break;
    const share = Math.max(1, Math.floor(left / (behind.length - index)));
    const result = await catchUpLedger(env.DB, merchantId, { batchSize, maxBatches: share });
    left -= result.batches;
    events += result.events;
  }
  return { merchants: behind.length, events, batches: maxBatches - left };
}
