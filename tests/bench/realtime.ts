/**
 * npm run bench:realtime — latency from recording a payment (POST /v1/payments sent) to its
 * `payment.succeeded` message arriving on SSE clients of GET /v1/events/stream, over 200 payments,
 * with 1 and then with 100 streams connected. Prints p50/p95/p99 (and the POST's own latency for
 * reference). One local server, one run; compare the two phases' ratios, not absolute times.
 */
import { startBenchServer, quantile } from "./server";
import { openLiveStream as openStream, waitUntil } from "./sse-clients";

const PORT = Number(process.env.BENCH_PORT ?? 8798);
const PAYMENTS = Number(process.env.BENCH_EVENTS ?? 200);

async function main(): Promise<void> {
  const server = await startBenchServer(PORT);
  const { base } = server;
  const headers = { authorization: `Bearer ${server.keys.secret_key}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; total: number };
  };
  try {
    const customer = await post("/v1/customers", { name: "Bench client", email: "bench@example.com" });
    console.log(`creating ${2 * PAYMENTS} invoices…`);
    const invoices: { id: string; total: number }[] = [];
    for (let index = 0; index < 2 * PAYMENTS; index += 1) {
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
      return sorted(latencies);
    };

    const one = await phase(1, invoices.slice(0, PAYMENTS));
    const hundred = await phase(100, invoices.slice(PAYMENTS));
    console.log(`\nratio 100 streams / 1 stream: p50 ${(quantile(hundred, 0.5) / quantile(one, 0.5)).toFixed(2)}×, p99 ${(quantile(hundred, 0.99) / quantile(one, 0.99)).toFixed(2)}×`);
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
