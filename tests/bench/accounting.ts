/**
 * `npm run bench:accounting`: a local server (own D1 state) seeded with BENCH_INVOICES (100,000)
 * invoices and BENCH_PAYMENTS (150,000) payments (tests/bench/accounting-seed.ts), then timed:
 * the ledger catch-up (the first report projects the whole log), the ageing report, the FEC
 * export streamed (with the local runtime's resident memory sampled while it streams), and the
 * query plans of the main queries with the rows D1 reports reading.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { seedAccountingYear } from "./accounting-seed";
import { runtimeRssMiB } from "./memory";
import { root, startBenchServer } from "./server";
import { executeWrites } from "../../worker/cli/d1";

const PORT = Number(process.env.BENCH_PORT ?? 8795);
const INVOICES = Number(process.env.BENCH_INVOICES ?? 100_000);
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 150_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

/** Runs SQL through wrangler against the server's database; answers the rows and D1's meta. */
function d1(sql: string, extraArgs: string[]): { results: Record<string, unknown>[]; meta: { rows_read?: number; duration?: number } } {
  const output = execFileSync("wrangler", ["d1", "execute", "DB", "--local", ...extraArgs, "--json", `--command=${sql}`], {
    encoding: "utf8", cwd: root, maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
  });
  return (JSON.parse(output) as { results: Record<string, unknown>[]; meta: { rows_read?: number } }[])[0]!;
}

async function main(): Promise<void> {
  let seedMs = 0;
  const server = await startBenchServer(PORT, {
    stateDir: "bench-accounting",
    // The request's catch-up bound lifted, so the first report still times the whole log's
    // projection in one go (by default it would answer 503 ledger_catching_up after 10,000 events).
    vars: { LEDGER_REQUEST_MAX_EVENTS: "100000000" },
    beforeStart: (keys, target) => {
      console.log(`seeding ${INVOICES} invoices, ${PAYMENTS} payments, ${CUSTOMERS} customers…`);
      const start = performance.now();
      seedAccountingYear(keys.merchant, { invoices: INVOICES, payments: PAYMENTS, customers: CUSTOMERS }, target);
      executeWrites([{ sql: "UPDATE settings SET data = json_patch(data, ?) WHERE merchant_id = ?", params: [JSON.stringify({ seller: { siren: "123456789" }, accounting: { exchange_rates: { jpy: "0.0062" } } }), keys.merchant] }], target);
      seedMs = performance.now() - start;
    },
  });
  const auth = { authorization: `Bearer ${server.keys.read_only_key}` };
  const merchant = server.keys.merchant;
  try {
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s\n`);
    const idle = runtimeRssMiB(server.pid);
    const first = await timed(async () => (await fetch(`${server.base}/v1/reports/aging?as_of=2026-12-31`, { headers: auth })).json());
    const again = await timed(async () => (await fetch(`${server.base}/v1/reports/aging?as_of=2026-12-31`, { headers: auth })).json());
    const byCurrency = await timed(async () => (await fetch(`${server.base}/v1/reports/aging?as_of=2026-06-30&by=currency`, { headers: auth })).json());
    const report = again.value as { currencies: { currency: string; total: number; invoices: number }[] };
    if (!Array.isArray(report.currencies)) throw new Error(`ageing failed: ${JSON.stringify(again.value)}`);
    console.log(`ledger catch-up + ageing (first report, projects the whole log)  ${(first.ms / 1000).toFixed(2)} s`);
    console.log(`ageing as of 2026-12-31, by customer (ledger current)            ${again.ms.toFixed(0)} ms   ${report.currencies.map((row) => `${row.currency} ${row.invoices} invoices`).join(", ")}`);
    console.log(`ageing as of 2026-06-30, by currency                             ${byCurrency.ms.toFixed(0)} ms`);

    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(runtimeRssMiB(server.pid)), 100);
    let bytes = 0;
    let records = 0;
    let head = "";
    const fec = await timed(async () => {
      const response = await fetch(`${server.base}/v1/exports/fec.txt?year=2026`, { headers: auth });
      if (!response.ok) throw new Error(`FEC: ${response.status} ${await response.text()}`);
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        const text = decoder.decode(chunk, { stream: true });
        for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) records += 1;
        if (head.length < 2000) head += text.slice(0, 2000);
      }
    });
    clearInterval(sampler);
    const lines = await d1("SELECT count(*) AS n FROM ledger_lines", ["--persist-to", join(root, ".wrangler/bench-accounting/state"), "-c", join(root, ".wrangler/bench-accounting/wrangler.toml")]);
    console.log(`FEC 2026 streamed                                                ${(fec.ms / 1000).toFixed(2)} s   ${records - 1} records, ${(bytes / 1048576).toFixed(1)} MiB, ${lines.results[0]!.n} ledger lines`);
    console.log(`workerd RSS: idle ${idle.toFixed(0)} MiB, while streaming max ${Math.max(...samples).toFixed(0)} MiB (${samples.length} samples: ${samples.filter((_, index) => index % Math.max(1, Math.floor(samples.length / 12)) === 0).map((value) => value.toFixed(0)).join(" ")})`);
    console.log(`\nFEC sample:\n${head.split("\r\n").slice(0, 8).join("\n")}\n`);

    const args = ["--persist-to", join(root, ".wrangler/bench-accounting/state"), "-c", join(root, ".wrangler/bench-accounting/wrangler.toml")];
    const m = `'${merchant}'`;
    // Local D1 (wrangler) reports no rows_read: the rows each plan's index range holds are counted instead.
    const queries: [string, string, string][] = [
      ["ageing: receivables per invoice at a date", `SELECT count(*), sum(amount) FROM (SELECT l.invoice_id, sum(l.debit) - sum(l.credit) AS amount FROM ledger_lines l WHERE l.merchant_id = ${m} AND l.role = 'receivable' AND l.invoice_id IS NOT NULL AND l.entry_date <= '2026-12-31' GROUP BY l.invoice_id HAVING amount > 0) r JOIN invoices i ON i.id = r.invoice_id`,
        `SELECT count(*) AS n FROM ledger_lines WHERE merchant_id = ${m} AND role = 'receivable' AND invoice_id IS NOT NULL`],
      ["ageing: unallocated credit", `SELECT l.customer_id, l.currency, sum(l.credit) - sum(l.debit) AS amount FROM ledger_lines l WHERE l.merchant_id = ${m} AND l.role = 'receivable' AND l.invoice_id IS NULL AND l.entry_date <= '2026-12-31' GROUP BY l.customer_id, l.currency HAVING amount > 0`,
        `SELECT count(*) AS n FROM ledger_lines WHERE merchant_id = ${m} AND role = 'receivable' AND invoice_id IS NULL`],
      ["FEC: one page of 500 entries", `SELECT count(*) FROM (SELECT l.*, c.name FROM ledger_lines l LEFT JOIN customers c ON c.id = l.customer_id WHERE l.merchant_id = ${m} AND l.entry_date BETWEEN '2026-01-01' AND '2026-12-31' AND l.seq > 100000 AND l.seq <= (SELECT coalesce(max(seq), 100000) FROM (SELECT DISTINCT seq FROM ledger_lines WHERE merchant_id = ${m} AND entry_date BETWEEN '2026-01-01' AND '2026-12-31' AND seq > 100000 ORDER BY seq LIMIT 500)) ORDER BY l.seq, l.line)`,
        `SELECT 2 * count(*) AS n FROM ledger_lines WHERE merchant_id = ${m} AND seq > 100000 AND seq <= (SELECT max(seq) FROM (SELECT DISTINCT seq FROM ledger_lines WHERE merchant_id = ${m} AND seq > 100000 ORDER BY seq LIMIT 500))`],
      ["catch-up: next 500 events", `SELECT count(*) FROM (SELECT seq FROM events WHERE merchant_id = ${m} AND seq > 100000 AND (type IN ('invoice.issued', 'invoice.voided', 'payment.succeeded', 'payment.refunded', 'payment.disputed', 'credit_note.issued') OR (type IN ('invoice.paid', 'invoice.partially_paid') AND json_extract(data, '$.from_credit') = 1)) ORDER BY seq LIMIT 500)`,
        `SELECT count(*) AS n FROM (SELECT seq FROM events WHERE merchant_id = ${m} AND seq > 100000 ORDER BY seq LIMIT 500)`],
    ];
    console.log("query plans (rows examined: the rows in the index range the plan searches):");
    for (const [name, sql, examined] of queries) {
      const plan = d1(`EXPLAIN QUERY PLAN ${sql}`, args).results.map((row) => `    ${String(row.detail)}`).join("\n");
      const run = d1(sql, args);
      const rows = run.meta.rows_read ?? d1(examined, args).results[0]!.n;
      console.log(`  ${name}: ~${rows} rows examined, ${run.meta.duration ?? "?"} ms in SQLite\n${plan}`);
    }
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
