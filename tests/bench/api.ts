/**
 * npm run bench — starts the Worker locally (its own D1 state under .wrangler/bench, so the demo
 * data is untouched), seeds 10,000 invoices, and measures with autocannon, in one run:
 *   1. GET /v1/invoices/:id/status   against GET /health (a constant route on the same server)
 *   2. GET /v1/invoices?limit=20     (10,000 invoices held) against the same constant route
 * It prints requests/s, p50 and p99 latency for each, and the ratios. Absolute figures depend on
 * the machine; the ratios are what to compare between runs.
 */
import autocannon from "autocannon";
import { computeInvoiceAmounts } from "../../shared/money";
import type { SqlWrite } from "../../worker/auth/keys";
import { executeWrites } from "../../worker/cli/d1";
import { startBenchServer } from "./server";

const PORT = Number(process.env.BENCH_PORT ?? 8799);
const INVOICES = 10_000;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

function seedWrites(merchantId: string): SqlWrite[] {
  const at = new Date().toISOString();
  const writes: SqlWrite[] = [
    { sql: "INSERT INTO customers (id, merchant_id, name, email, created_at) VALUES (?, ?, ?, ?, ?)", params: ["cus_bench0000000000000000000001", merchantId, "Bench client", "bench@example.com", at] },
  ];
  for (let index = 0; index < INVOICES; index += 1) {
    const id = `inv_bench${String(index).padStart(21, "0")}`;
    const quantity = 1 + (index % 7);
    const amounts = computeInvoiceAmounts([{ quantityMilli: quantity * 1000, unitAmount: 1999 + index, taxRateBp: 2000 }]);
    const created = new Date(Date.parse(at) - (INVOICES - index) * 1000).toISOString();
    writes.push(
      {
        sql: `INSERT INTO invoices (id, merchant_id, customer_id, status, currency, subtotal, tax, total, terms, hosted_token, created_at, updated_at)
              VALUES (?, ?, ?, 'draft', 'eur', ?, ?, ?, '{}', ?, ?, ?)`,
        params: [id, merchantId, "cus_bench0000000000000000000001", amounts.subtotal, amounts.tax, amounts.total, `tok${index}`, created, created],
      },
      {
        sql: `INSERT INTO invoice_lines (invoice_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total)
              VALUES (?, 0, 'Bench line', ?, ?, 2000, ?, ?, ?)`,
        params: [id, quantity * 1000, 1999 + index, amounts.lines[0]!.subtotal, amounts.lines[0]!.tax, amounts.lines[0]!.total],
      },
      {
        sql: "UPDATE invoices SET status = 'open', number = ?, number_series = 'B', number_seq = ?, due_date = '2026-12-31', issued_at = ? WHERE id = ?",
        params: [`B-${index + 1}`, index + 1, created, id],
      },
    );
  }
  return writes;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function measure(base: string, path: string, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx };
}

function row(name: string, figures: Figures): string {
  return `${name.padEnd(34)} ${figures.rps.toFixed(0).padStart(8)} req/s   p50 ${String(figures.p50).padStart(4)} ms   p99 ${String(figures.p99).padStart(4)} ms${figures.non2xx ? `   (${figures.non2xx} non-2xx!)` : ""}`;
}

async function main(): Promise<void> {
  const server = await startBenchServer(PORT, {
    beforeStart: (keys, target) => {
      console.log(`seeding ${INVOICES} invoices…`);
      executeWrites(seedWrites(keys.merchant), target);
    },
  });
  const BASE = server.base;
  const keys = server.keys;
  try {
    const auth = { authorization: `Bearer ${keys.secret_key}` };
    const check = await fetch(`${BASE}/v1/invoices?limit=20`, { headers: auth });
    const page = (await check.json()) as { data: unknown[]; has_more: boolean };
    if (!check.ok || page.data.length !== 20 || !page.has_more) throw new Error("the seeded invoice list does not answer as expected");
    await measure(BASE, "/health"); // warm-up
    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s per route, one run\n`);
    const constant = await measure(BASE, "/health");
    console.log(row("GET /health (constant)", constant));
    const status = await measure(BASE, "/v1/invoices/inv_bench000000000000000000042/status", auth);
    console.log(row("GET /v1/invoices/:id/status", status));
    const constantAgain = await measure(BASE, "/health");
    console.log(row("GET /health (constant, again)", constantAgain));
    const list = await measure(BASE, "/v1/invoices?limit=20", auth);
    console.log(row(`GET /v1/invoices (${INVOICES} held)`, list));
    const reference = (constant.rps + constantAgain.rps) / 2;
    console.log(`
ratios against the constant route (mean of its two runs, ${reference.toFixed(0)} req/s):
  status route   ${(status.rps / reference).toFixed(2)} × throughput   p99 ${status.p99} ms vs ${constant.p99} ms
  invoice list   ${(list.rps / reference).toFixed(2)} × throughput   p99 ${list.p99} ms vs ${constantAgain.p99} ms`);
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
