/**
 * Runs SQL against the D1 database through Wrangler, locally (`.wrangler/state`) or, with
 * `remote: true`, against the deployed database. Used by the commands, which run in Node.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqlWrite } from "../auth/keys";

export interface D1Target {
  remote: boolean;
  /** Extra wrangler arguments, e.g. `["--persist-to", dir]`. */
  extraArgs?: string[];
}

const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

/** What SQLite answers while another process (a running `npm start`) holds the write lock. */
const BUSY = /SQLITE_BUSY|database is locked/i;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `attempt` again while it fails because the database is busy, with exponential backoff
 * (100 ms, 200 ms, … at most 2 s a wait, 8 attempts); any other failure is thrown at once. A busy
 * database refuses the whole script, so a retried write never lands twice.
 * @example withBusyRetry(() => wrangler(["d1", "execute", …]))
 */
export function withBusyRetry<T>(attempt: () => T, options: { attempts?: number; sleep?: (ms: number) => void } = {}): T {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? sleepSync;
  for (let round = 1; ; round += 1) {
    try {
      return attempt();
    } catch (error) {
      const text = `${error instanceof Error ? error.message : String(error)} ${(error as { stderr?: unknown }).stderr ?? ""}`;
      if (!BUSY.test(text) || round >= attempts) throw error;
      sleep(Math.min(2000, 100 * 2 ** (round - 1)));
    }
  }
}

function wrangler(args: string[]): string {
  return withBusyRetry(() => execFileSync("wrangler", args, { encoding: "utf8", env: quiet, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 }));
}

/** A SQL literal for one parameter value. */
export function sqlLiteral(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders writes as one SQL script with their parameters inlined. */
export function renderWrites(writes: readonly SqlWrite[]): string {
  return writes
    .map((write) => {
      let index = 0;
      return `${write.sql.replace(/\?/g, () => sqlLiteral(write.params[index++] ?? null))};`;
    })
    .join("\n");
}

function where(target: D1Target): string[] {
  return [target.remote ? "--remote" : "--local", ...(target.extraArgs ?? [])];
}

/** Executes writes in one file (one transaction on D1). */
export function executeWrites(writes: readonly SqlWrite[], target: D1Target): void {
  const dir = mkdtempSync(join(tmpdir(), "quittance-sql-"));
  try {
    const file = join(dir, "writes.sql");
    writeFileSync(file, renderWrites(writes));
    wrangler(["d1", "execute", "DB", ...where(target), "--yes", `--file=${file}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a read query and returns its rows. */
export function queryRows<T>(sql: string, target: D1Target): T[] {
  const output = wrangler(["d1", "execute", "DB", ...where(target), "--json", `--command=${sql}`]);
  const parsed = JSON.parse(output) as { results: T[] }[];
  return parsed[0]?.results ?? [];
}

/** Applies the migrations in `worker/migrations`. */
export function applyMigrations(target: D1Target): void {
  wrangler(["d1", "migrations", "apply", "DB", ...where(target)]);
}
