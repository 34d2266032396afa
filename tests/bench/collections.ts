/**
 * npm run bench:collections — the collections report and the CSV exports over a year of 100,000
 * invoices (one line each) and 150,000 payments, seeded straight into D1 with the events the ledger
 * projects (invoice.issued, payment.succeeded). Prints each route's time (the first report includes
 * the ledger's catch-up over the whole log), the CSV files' rows, bytes and time, the workerd
 * processes' resident memory sampled every 100 ms while each export streams, and the SQLite time
 * and query plan of every statement the report and one export page run.
 *
 * Branch ledger's tests/bench/accounting.ts did not exist when this was written: this script seeds
 * its own data. BENCH_INVOICES (100000) scales it: 70 % paid in two payments, 10 % partly paid in
 * one, 20 % open — 1.5 payments per invoice.
 */
import { execFileSync } from "node:child_process";
import { sqlLiteral, executeWrites, type D1Target } from "../../worker/cli/d1";
import { collectionsQueries } from "../../worker/reports/collections-queries";
import { invoicePageQueries, paymentPageQueries, FIRST_CURSOR } from "../../worker/exports/csv-queries";
import { runtimeRssMiB } from "./memory";
import { startBenchServer } from "./server";

const INVOICES = Number(process.env.BENCH_INVOICES ?? 100_000);
const PORT = Number(process.env.BENCH_PORT ?? 8791);
const YEAR = { from: "2026-01-01", to: "2026-11-30" };
const DAYS = 334;

function seed(merchant: string, target: D1Target): void {
  const at = "2026-01-01T00:00:00.000Z";
  const numbers = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
  const day = `date('2026-01-01', '+' || (number_seq % ${DAYS}) || ' days')`;
  const paidOn = (extra: number) => `min(date(${day}, '+' || (number_seq % 40 + ${extra}) || ' days'), '${YEAR.to}')`;
  executeWrites(
    [
      {
        sql: `${numbers(1000)} INSERT INTO customers (id, merchant_id, name, email, created_at) SELECT printf('cus_bench%017d', i), ?, printf('Client %d SARL', i), 'bench@example.com', ? FROM n`,
        params: [merchant, at],
      },
      // Drafts first (their lines may only be written while draft), then issued in one update.
      {
        sql: `${numbers(INVOICES)} INSERT INTO invoices (id, merchant_id, customer_id, status, currency, number_seq, subtotal, tax, total, due_date, terms, hosted_token, created_at, updated_at)
              SELECT printf('inv_bench%017d', i), ?, printf('cus_bench%017d', 1 + i % 1000), 'draft', 'eur', i, 10000, 2000, 12000, NULL, '{}', printf('tok%029d', i), ?, ? FROM n`,
        params: [merchant, at, at],
      },
      {
        sql: `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
              SELECT id, 0, 'Prestation, "forfait"', 1000, 10000, 2000, 10000, 2000, 12000 FROM invoices WHERE merchant_id = ?`,
        params: [merchant],
      },
      {
        sql: `UPDATE invoices SET status = CASE WHEN number_seq % 10 < 7 THEN 'paid' WHEN number_seq % 10 = 7 THEN 'partially_paid' ELSE 'open' END,
                number = printf('F2026-%06d', number_seq), number_series = 'F2026-', issued_at = ${day} || 'T10:00:00.000Z', due_date = date(${day}, '+30 days'),
                amount_paid = CASE WHEN number_seq % 10 < 7 THEN 12000 WHEN number_seq % 10 = 7 THEN 5000 ELSE 0 END
              WHERE merchant_id = ?`,
        params: [merchant],
      },
      ...[1, 2].map((k) => ({
        sql: `INSERT INTO payments (id, merchant_id, customer_id, method, status, amount, currency, reference, received_on, created_at, updated_at)
              SELECT printf('pay_bench%016d%d', number_seq, ${k}), merchant_id, customer_id, CASE number_seq % 3 WHEN 0 THEN 'bank_transfer' WHEN 1 THEN 'cheque' ELSE 'cash' END, 'succeeded',
                     CASE WHEN number_seq % 10 < 7 THEN 6000 ELSE 5000 END, 'eur', id, ${paidOn(k === 1 ? 0 : 5)}, ${paidOn(k === 1 ? 0 : 5)} || 'T12:00:00.000Z', ?
                FROM invoices WHERE merchant_id = ? AND ${k === 1 ? "number_seq % 10 <= 7" : "number_seq % 10 < 7"}`,
        params: [at, merchant],
      })),
      { sql: "INSERT INTO allocations (payment_id, invoice_id, position, amount) SELECT id, reference, 0, amount FROM payments WHERE merchant_id = ?", params: [merchant] },
      {
        sql: `INSERT INTO events (id_suffix, merchant_id, type, invoice_id, customer_id, data, created_at)
              SELECT lower(hex(randomblob(8))), merchant_id, 'invoice.issued', id, customer_id,
                     json_object('number', number, 'status', 'open', 'currency', currency, 'subtotal', subtotal, 'tax', tax, 'total', total, 'amount_paid', 0, 'amount_credited', 0,
                                 'amount_due', total, 'due_date', due_date, 'issued_on', substr(issued_at, 1, 10),
                                 'tax_breakdown', json_array(json_object('tax_rate', 2000, 'subtotal', subtotal, 'tax', tax)), 'version', 2), issued_at
                FROM invoices WHERE merchant_id = ? ORDER BY issued_at, id`,
        params: [merchant],
      },
      {
        sql: `INSERT INTO events (id_suffix, merchant_id, type, payment_id, customer_id, data, created_at)
              SELECT lower(hex(randomblob(8))), merchant_id, 'payment.succeeded', id, customer_id,
                     json_object('amount', amount, 'currency', currency, 'method', method, 'provider', NULL, 'reference', reference, 'received_on', received_on,
                                 'allocations', json_array(json_object('invoice', reference, 'amount', amount)), 'amount_unallocated', 0), created_at
                FROM payments WHERE merchant_id = ? ORDER BY created_at, id`,
        params: [merchant],
      },
    ],
    target,
  );
}

/** Runs one statement through wrangler's local D1 and answers its rows and the rows SQLite read. */
function measured(sql: string, params: readonly (string | number)[], target: D1Target): { rows: number; ms: number; plan: string[] } {
  let index = 0;
  const inlined = sql.replace(/\?(\d+)?/g, (_match, position?: string) => sqlLiteral(params[position ? Number(position) - 1 : index++] ?? null));
  const run = (command: string) =>
    JSON.parse(execFileSync("wrangler", ["d1", "execute", "DB", "--local", ...(target.extraArgs ?? []), "--json", `--command=${command}`], { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, maxBuffer: 256 * 1024 * 1024 })) as {
      results: Record<string, unknown>[];
      meta: { duration: number };
    }[];
  const [result] = run(inlined);
  const plan = run(`EXPLAIN QUERY PLAN ${inlined}`)[0]!.results.map((row) => String(row.detail));
  return { rows: result!.results.length, ms: result!.meta.duration, plan };
}

async function timed(url: string, key: string): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

async function main(): Promise<void> {
  console.log(`seeding ${INVOICES} invoices, ${Math.round(INVOICES * 1.5)} payments and their events…`);
  const server = await startBenchServer(PORT, { stateDir: "bench-collections", vars: { LEDGER_REQUEST_MAX_EVENTS: "100000000" }, beforeStart: (keys, target) => seed(keys.merchant, target) });
  const key = server.keys.read_only_key;
  try {
    const report = (interval: string) => `${server.base}/v1/reports/collections?from=${YEAR.from}&to=${YEAR.to}&interval=${interval}`;
    const first = await timed(report("month"), key);
    if (first.status !== 200) throw new Error(`collections: ${first.status} ${first.body.slice(0, 300)}`);
    console.log(`\ncollections, first call (includes the ledger's catch-up over ${Math.round(INVOICES * 2.5)} events): ${first.ms.toFixed(0)} ms`);
    for (const interval of ["month", "week", "day"]) {
      const runs: number[] = [];
      for (let run = 0; run < 3; run += 1) runs.push((await timed(report(interval), key)).ms);
      console.log(`collections by ${interval}: ${runs.map((ms) => ms.toFixed(0)).join(", ")} ms`);
    }
    const body = JSON.parse(first.body) as { summary: { dso: number; paid_invoices: number; average_days_to_pay: number; receivables_at_end: number }[]; forecast: { weeks: { currencies: { expected: number }[] }[] } };
    console.log(`  eur: DSO ${body.summary[0]?.dso} days, ${body.summary[0]?.paid_invoices} paid in the range in ${body.summary[0]?.average_days_to_pay} days on average, receivables ${body.summary[0]?.receivables_at_end}`);

    for (const name of ["invoices", "payments"]) {
      const baseline = runtimeRssMiB(server.pid);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(runtimeRssMiB(server.pid)), 100);
      const started = performance.now();
      const response = await fetch(`${server.base}/v1/exports/${name}.csv?from=${YEAR.from}&to=${YEAR.to}`, { headers: { authorization: `Bearer ${key}` } });
      let bytes = 0;
      let lines = 0;
      const firstByte = performance.now() - started;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
      }
      clearInterval(sampler);
      const ms = performance.now() - started;
      console.log(
        `${name}.csv: ${response.status}, ${lines - 1} rows, ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${ms.toFixed(0)} ms (first byte ${firstByte.toFixed(0)} ms); ` +
          `workerd RSS ${baseline.toFixed(0)} MiB before, peak ${Math.max(...samples, baseline).toFixed(0)} MiB while streaming (${samples.length} samples)`,
      );
    }

    // Local `wrangler d1 execute` reports each statement's duration but not D1's rows_read: the plans say what is searched.
    console.log("\nstatement times and query plans (run through the local D1, the same SQL and parameters the Worker binds):");
    const statements = [
      ...collectionsQueries(server.keys.merchant, YEAR, YEAR.to),
      ...invoicePageQueries(server.keys.merchant, YEAR, FIRST_CURSOR, 200).map((query) => ({ ...query, name: `invoices.csv page of 200: ${query.name}` })),
      ...paymentPageQueries(server.keys.merchant, YEAR, FIRST_CURSOR, 500).map((query) => ({ ...query, name: `payments.csv page of 500: ${query.name}` })),
    ];
    for (const query of statements) {
      const result = measured(query.sql, query.params, server.target);
      console.log(`- ${query.name}: ${result.rows} rows out in ${result.ms} ms of SQLite`);
      for (const step of result.plan) console.log(`    ${step}`);
    }
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
