/**
 * npm run bench:reminders — one run of the reminders cron over 100,000 invoices (500,000 planned
 * reminders) of which 1,000 are due today: the run's time and rows read, and the query plan of
 * its query, which must search the `reminders_due` index rather than scan.
 */
import { utcDay, addDays } from "../../shared/status";
import { executeWrites, queryRows } from "../../worker/cli/d1";
import { startBenchServer } from "./server";

const INVOICES = Number(process.env.BENCH_INVOICES ?? 100_000);
const DUE = Number(process.env.BENCH_DUE ?? 1000);
const PORT = Number(process.env.BENCH_PORT ?? 8796);

async function main(): Promise<void> {
  const today = utcDay(new Date());
  const server = await startBenchServer(PORT, {
    stateDir: "bench-reminders",
    beforeStart: (keys, target) => {
      console.log(`seeding ${INVOICES} invoices and ${INVOICES * 5} planned reminders…`);
      const at = new Date().toISOString();
      const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${INVOICES})`;
      executeWrites(
        [
          { sql: "INSERT INTO customers (id, merchant_id, name, email, locale, created_at) VALUES (?, ?, 'Bench client', 'bench@example.com', 'fr', ?)", params: ["cus_benchreminders000000000001", keys.merchant, at] },
          {
            // The first DUE invoices fall due 7 days ago (their +7 step is due today); the others later.
            sql: `${numbers} INSERT INTO invoices (id, merchant_id, customer_id, status, currency, number, number_series, number_seq, subtotal, tax, total, due_date, terms, hosted_token, version, issued_at, created_at, updated_at)
                  SELECT printf('inv_bench%021d', i), ?, 'cus_benchreminders000000000001', 'open', 'eur', printf('B-%d', i), 'B', i, 10000, 2000, 12000,
                         CASE WHEN i <= ${DUE} THEN ? ELSE date(?, '+' || (10 + i % 300) || ' days') END, '{}', printf('tok%029d', i), 2, ?, ?, ? FROM n`,
            params: [keys.merchant, addDays(today, -7), today, at, at, at],
          },
          ...[-3, 0, 7, 15, 30].map((offset) => ({
            sql: `INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at)
                  SELECT 'rem_' || lower(hex(randomblob(16))), merchant_id, id, ?, date(due_date, ?), CASE WHEN date(due_date, ?) < ? THEN 'sent' ELSE 'scheduled' END, ?, ? FROM invoices WHERE merchant_id = ?`,
            params: [offset, `${offset >= 0 ? "+" : ""}${offset} days`, `${offset >= 0 ? "+" : ""}${offset} days`, today, at, at, keys.merchant],
          })),
        ],
        target,
      );
    },
  });
  try {
    const plan = queryRows<{ detail: string }>(
      `EXPLAIN QUERY PLAN SELECT r.id, r.merchant_id, r.invoice_id, r.step, r.send_on, i.status AS invoice_status, s.paused
       FROM reminders r JOIN invoices i ON i.id = r.invoice_id LEFT JOIN invoice_reminder_settings s ON s.invoice_id = r.invoice_id
       WHERE r.status = 'scheduled' AND r.send_on <= '${today}' ORDER BY r.send_on LIMIT 1000`,
      server.target,
    );
    const [counts] = queryRows<{ invoices: number; reminders: number; due: number }>(
      `SELECT (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM reminders) AS reminders,
              (SELECT count(*) FROM reminders WHERE status = 'scheduled' AND send_on <= '${today}') AS due`,
      server.target,
    );
    const response = await fetch(`${server.base}/dev/run-reminders`, { method: "POST" });
    const report = (await response.json()) as { due: number; queued: number; skipped: number; deferred: number; rowsRead: number; ms: number };
    console.log(`\nheld: ${counts!.invoices} invoices, ${counts!.reminders} planned reminders, ${counts!.due} due today`);
    console.log(`one cron run: ${report.ms} ms, ${report.due} due read, ${report.queued} queued, ${report.deferred} deferred by the daily cap, ${report.skipped} skipped`);
    console.log(`rows read by the run: ${report.rowsRead} (${(report.rowsRead / counts!.reminders).toFixed(4)} of the planned reminders; ${(report.rowsRead / Math.max(1, report.due)).toFixed(1)} per due reminder)`);
    console.log("query plan of the cron's query:");
    for (const row of plan) console.log(`  ${row.detail}`);
    const usesIndex = plan.some((row) => /reminders_due/.test(row.detail));
    console.log(usesIndex ? "→ the reminders_due index is used" : "→ WARNING: the reminders_due index is NOT used");
    if (!usesIndex) process.exitCode = 1;
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
