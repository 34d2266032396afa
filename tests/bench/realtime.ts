/**
 * npm run bench:realtime — latency from recording a payment (POST /v1/payments sent) to its
 * `payment.succeeded` message arriving on SSE clients of GET /v1/events/stream, over BENCH_EVENTS
 * payments (200) per phase, with 1, 10, 100 and 300 merchant streams connected (BENCH_STREAMS, e.g.
 * "1,100"). Prints p50/p95/p99 (and the POST's own latency), then the goal rows: figure, goal and
 * ratio. One local server, one run; the clients share the machine's cores with the server.
 */
import { startBenchServer, quantile } from "./server";
import { openLiveStream as openStream, waitUntil } from "./sse-clients";

const PORT = Number(process.env.BENCH_PORT ?? 8798);
const PAYMENTS = Number(process.env.BENCH_EVENTS ?? 200);
const PHASES = (process.env.BENCH_STREAMS ?? "1,10,100,300").split(",").map(Number);

/** One goal row: the figure, the goal, and their ratio (≤ 1 meets it). */
function goalRow(name: string, figure: number, goal: number, unit = "ms"): string {
  return `  GOAL ${name.padEnd(52)} ${figure.toFixed(1).padStart(7)} ${unit}   goal ≤ ${goal.toFixed(1)} ${unit}   ratio ${(figure / goal).toFixed(2)} ${figure <= goal ? "(met)" : "(missed)"}`;
}

async function main(): Promise<void> {
  // One key holds every stream here: its cap (20 by default) is raised for the run, above every
  // phase's streams together (a phase's closed streams may not all be forgotten when the next opens).
  const server = await startBenchServer(PORT, { vars: { SSE_MAX_STREAMS_PER_KEY: String(PHASES.reduce((sum, count) => sum + count, 10)) } });
  const { base } = server;
  const headers = { authorization: `Bearer ${server.keys.secret_key}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; total: number };
  };
  try {
    const customer = await post("/v1/customers", { name: "Bench client", email: "bench@example.com" });
    console.log(`creating ${PHASES.length * PAYMENTS} invoices…`);
    const invoices: { id: string; total: number }[] = [];
    for (let index = 0; index < PHASES.length * PAYMENTS; index += 1) {
      invoices.push(await post("/v1/invoices", { customer: customer.id, currency: "eur", lines: [{ description: "Bench", quantity: 1, unit_amount: 1000 + index }], issue: true }));
    }

    const phase = async (streams: number, batch: typeof invoices) => {
      const clients = Array.from({ length: streams }, () => openStream(base, server.keys.secret_key));
      await Promise.all(clients.map((client) => client.ready));
      const latencies: number[] = [];
      const slowest: number[] = [];
      const posts: number[] = [];
      for (const invoice of batch) {
        const sent = performance.now();
        const payment = await post("/v1/payments", { method: "bank_transfer", amount: invoice.total, currency: "eur", allocations: [{ invoice: invoice.id, amount: invoice.total }] });
        posts.push(performance.now() - sent);
        await waitUntil(() => clients.every((client) => client.arrivals.has(payment.id)), 10_000);
        const arrivals = clients.map((client) => client.arrivals.get(payment.id)! - sent);
        latencies.push(...arrivals);
        slowest.push(Math.max(...arrivals));
      }
      clients.forEach((client) => client.close());
      const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
      const line = (name: string, values: number[]) => {
        const s = sorted(values);
        return `  ${name.padEnd(36)} p50 ${quantile(s, 0.5).toFixed(1).padStart(6)} ms   p95 ${quantile(s, 0.95).toFixed(1).padStart(6)} ms   p99 ${quantile(s, 0.99).toFixed(1).padStart(6)} ms`;
      };
      console.log(`\n${streams} stream${streams === 1 ? "" : "s"} connected, ${batch.length} payments (${latencies.length} arrivals):`);
      console.log(line("payment → message, every arrival", latencies));
      console.log(line("payment → message, slowest stream", slowest));
      console.log(line("POST /v1/payments itself", posts));
      return { arrivals: sorted(latencies), posts: sorted(posts) };
    };

    const results = new Map<number, Awaited<ReturnType<typeof phase>>>();
    for (const [index, streams] of PHASES.entries()) results.set(streams, await phase(streams, invoices.slice(index * PAYMENTS, (index + 1) * PAYMENTS)));
    const p95 = (streams: number) => quantile(results.get(streams)!.arrivals, 0.95);
    console.log("");
    for (const streams of PHASES) {
      const posts = results.get(streams)!.posts;
      console.log(`  payment sent → SSE message p95, ${String(streams).padStart(3)} stream${streams === 1 ? " " : "s"}: ${p95(streams).toFixed(1).padStart(6)} ms   POST /v1/payments p50 ${quantile(posts, 0.5).toFixed(1).padStart(6)} ms, p95 ${quantile(posts, 0.95).toFixed(1).padStart(6)} ms`);
    }
    if (results.has(100)) console.log(goalRow("payment sent → SSE message p95, 100 streams", p95(100), 40));
    if (results.has(100) && results.has(1)) console.log(goalRow("the same ÷ the 1-stream figure", p95(100) / p95(1), 1.5, "×"));
    if (results.has(300)) console.log(goalRow("payment sent → SSE message p95, 300 streams", p95(300), 60));
    if (results.has(1)) {
      const base = quantile(results.get(1)!.posts, 0.5);
      for (const streams of PHASES.filter((count) => count > 1)) {
        console.log(`  POST /v1/payments p50 with ${streams} streams ÷ with 1: ${(quantile(results.get(streams)!.posts, 0.5) / base).toFixed(2)}× (flat is the goal)`);
      }
    }
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
