/**
 * npm run bench:statements — POST /v1/bank_statements with a 5,000-entry camt.053 (BENCH_ENTRIES)
 * against a local `wrangler dev`, over a merchant with as many open invoices (seeded straight into
 * D1). The entries mix what banks send: 60 % carry the invoice's RF reference, 20 % its number in
 * the free text, 10 % only the amount and the customer's name, 5 % only the amount from an unknown
 * payer (unmatched, each with the same-amount invoice as a suggestion), 5 % debits. Prints the time and lines/s of the first import, then of the same file again (every
 * line a duplicate), the time to read the unmatched lines with their suggestions, and the sizes.
 *
 * Goal: the whole 5,000-entry import in under 20 s on this 2-core machine (≥ 250 lines/s), i.e.
 * well inside a Worker request, with every D1 batch under 2,000 statements' worth of rows.
 */
import { rfReferenceOfInvoice } from "../../shared/rf-reference";
import { executeWrites, type D1Target } from "../../worker/cli/d1";
import { camtFile, type TestEntry } from "../support/statement-files";
import { startBenchServer } from "./server";

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 5000);
const PORT = Number(process.env.BENCH_PORT ?? 8793);
const GOAL_SECONDS = 20;
const CUSTOMERS = 1000;

const numberOf = (seq: number) => `F2026-${String(seq).padStart(6, "0")}`;

function seed(merchant: string, target: D1Target): void {
  const at = "2026-11-01T00:00:00.000Z";
  const numbers = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
  executeWrites(
    [
      {
        sql: `${numbers(CUSTOMERS)} INSERT INTO customers (id, merchant_id, name, email, created_at) SELECT printf('cus_bench%017d', i), ?, printf('Client %d SARL', i), 'bench@example.com', ? FROM n`,
        params: [merchant, at],
      },
      {
        sql: `${numbers(ENTRIES)} INSERT INTO invoices (id, merchant_id, customer_id, status, currency, number_seq, subtotal, tax, total, due_date, terms, hosted_token, created_at, updated_at)
              SELECT printf('inv_bench%017d', i), ?, printf('cus_bench%017d', 1 + i % ${CUSTOMERS}), 'draft', 'eur', i, 10000 + i, 0, 10000 + i, NULL, '{}', printf('tok%029d', i), ?, ? FROM n`,
        params: [merchant, at, at],
      },
      {
        sql: `UPDATE invoices SET status = 'open', number = printf('F2026-%06d', number_seq), number_series = 'F2026-', issued_at = ?, due_date = '2026-12-01' WHERE merchant_id = ?`,
        params: [at, merchant],
      },
    ],
    target,
  );
}

function entries(): TestEntry[] {
  return Array.from({ length: ENTRIES }, (_, index): TestEntry => {
    const seq = index + 1;
    const amount = `${Math.floor((10000 + seq) / 100)}.${String((10000 + seq) % 100).padStart(2, "0")}`;
    const customer = `CLIENT ${1 + (seq % CUSTOMERS)}`;
    const kind = index % 20;
    const base = { ref: `BENCH-${seq}`, amount, payerName: customer, payerIban: `FR76300060000112345678${String(seq % CUSTOMERS).padStart(5, "0")}` };
    if (kind < 12) return { ...base, structuredRef: rfReferenceOfInvoice(numberOf(seq))! };
    if (kind < 16) return { ...base, unstructured: `VIR SEPA FACTURE ${numberOf(seq)}` };
    if (kind < 18) return { ...base, unstructured: "VIREMENT" };
    if (kind < 19) return { ...base, payerName: "UNKNOWN PAYER", payerIban: "DE89370400440532013000", unstructured: "???" };
    return { ...base, credit: false, unstructured: "PRLV SEPA" };
  });
}

async function importOnce(base: string, key: string, file: string): Promise<{ ms: number; id: string; counts: Record<string, number> }> {
  const started = performance.now();
  const response = await fetch(`${base}/v1/bank_statements?lines_limit=0`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/xml" }, body: file });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 201) throw new Error(`import: ${response.status} ${text.slice(0, 400)}`);
  const body = JSON.parse(text) as { id: string; counts: Record<string, number> };
  return { ms, id: body.id, counts: body.counts };
}

async function main(): Promise<void> {
  const file = camtFile(entries(), { messageId: "BENCH" });
  console.log(`seeding ${ENTRIES} open invoices for ${CUSTOMERS} customers; the camt.053 holds ${ENTRIES} entries, ${(file.length / 1024 / 1024).toFixed(2)} MiB`);
  const server = await startBenchServer(PORT, { stateDir: "bench-statements", beforeStart: (keys, target) => seed(keys.merchant, target) });
  try {
    const first = await importOnce(server.base, server.keys.secret_key, file);
    console.log(`first import: ${(first.ms / 1000).toFixed(1)} s, ${Math.round(ENTRIES / (first.ms / 1000))} lines/s — ${JSON.stringify(first.counts)}`);
    const started = performance.now();
    const page = await fetch(`${server.base}/v1/bank_statements/${first.id}/lines?status=unmatched&limit=500`, { headers: { authorization: `Bearer ${server.keys.read_only_key}` } });
    const lines = ((await page.json()) as { data: { suggestions: unknown[] }[] }).data;
    console.log(`unmatched lines with their suggestions (a page of ${lines.length}, ${lines.filter((line) => line.suggestions.length > 0).length} with suggestions): ${(performance.now() - started).toFixed(0)} ms`);
    const again = await importOnce(server.base, server.keys.secret_key, file);
    console.log(`same file again (all duplicates): ${(again.ms / 1000).toFixed(1)} s, ${Math.round(ENTRIES / (again.ms / 1000))} lines/s — ${JSON.stringify(again.counts)}`);
    const verdict = first.ms / 1000 <= GOAL_SECONDS ? "met" : "MISSED";
    console.log(`goal: ${ENTRIES} entries in ≤ ${GOAL_SECONDS} s — ${verdict}`);
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
