/**
 * npm run bench:webhooks — latency from a payment's answer (POST /v1/payments returned) to its
 * `payment.succeeded` webhook arriving at a receiver in this process, over BENCH_EVENTS payments
 * one after another, against a real `wrangler dev`. Every delivery is verified with the npm
 * `standardwebhooks` package, as a merchant's receiver would. Then BENCH_REDELIVERIES manual
 * redeliveries (POST …/redeliver answered → the delivery received), which go through the Queue: the
 * path every first attempt took before the hub made them, and the one retries take now (the queue
 * may hand the delivery over before the answer reaches us: a negative figure is that). Prints
 * p50/p95/p99, the goal row (figure, goal, ratio) and the machine's load average (a loaded machine
 * measures the machine). BENCH_WEBHOOK_QUEUE_TIMEOUT=<seconds> rewrites the webhook queue's
 * `max_batch_timeout` for the run (1 was its value before the hub's first attempts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { Webhook } from "standardwebhooks";
import { quantile, startBenchServer } from "./server";

const PORT = Number(process.env.BENCH_PORT ?? 8797);
const PAYMENTS = Number(process.env.BENCH_EVENTS ?? 200);
const REDELIVERIES = Number(process.env.BENCH_REDELIVERIES ?? 50);
const GOAL_P95_MS = 25;

/**
 * A receiver that records when each payment's `payment.succeeded` arrives, when each `webhook-id`
 * arrives (every time), and whether each delivery verified.
 */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  const byWebhookId = new Map<string, number[]>();
  let verified = 0;
  let refused = 0;
  let webhook: Webhook | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString("utf8");
      response.writeHead(200).end("ok");
      const event = JSON.parse(body) as { type: string; payment?: string };
      if (event.type === "payment.succeeded" && event.payment) arrivals.set(event.payment, at);
      const webhookId = String(request.headers["webhook-id"]);
      byWebhookId.set(webhookId, [...(byWebhookId.get(webhookId) ?? []), at]);
      try {
        webhook!.verify(body, request.headers as Record<string, string>);
        verified += 1;
      } catch {
        refused += 1;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    /** How many times `webhook-id` arrived so far. */
    timesReceived: (webhookId: string) => byWebhookId.get(webhookId)?.length ?? 0,
    lastArrival: (webhookId: string) => byWebhookId.get(webhookId)!.at(-1)!,
    useSecret: (secret: string) => (webhook = new Webhook(secret)),
    counts: () => ({ verified, refused }),
    close: () => server.close(),
  };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a webhook");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function main(): Promise<void> {
  const queueTimeout = process.env.BENCH_WEBHOOK_QUEUE_TIMEOUT;
  const server = await startBenchServer(PORT, { stateDir: "bench-webhooks", ...(queueTimeout === undefined ? {} : { webhookQueueBatchTimeout: Number(queueTimeout) }) });
  const receiver = await startReceiver();
  const headers = { authorization: `Bearer ${server.keys.secret_key}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; total: number; secret: string };
  };
  try {
    const customer = await post("/v1/customers", { name: "Bench client", email: "bench@example.com" });
    console.log(`creating ${PAYMENTS} invoices…`);
    const invoices: { id: string; total: number }[] = [];
    for (let index = 0; index < PAYMENTS; index += 1) {
      invoices.push(await post("/v1/invoices", { customer: customer.id, currency: "eur", lines: [{ description: "Bench", quantity: 1, unit_amount: 1000 + index }], issue: true }));
    }
    const endpoint = await post("/v1/webhook_endpoints", { url: receiver.url });
    receiver.useSecret(endpoint.secret);
    const latencies: number[] = [];
    const posts: number[] = [];
    for (const invoice of invoices) {
      const sent = performance.now();
      const payment = await post("/v1/payments", { method: "bank_transfer", amount: invoice.total, currency: "eur", allocations: [{ invoice: invoice.id, amount: invoice.total }] });
      const answered = performance.now();
      posts.push(answered - sent);
      await waitFor(() => receiver.arrivals.has(payment.id), 15_000);
      latencies.push(receiver.arrivals.get(payment.id)! - answered);
    }
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last events' other deliveries

    // Redeliveries go through the Queue (no delay): one after the other, each waited for.
    const listed = await fetch(`${server.base}/v1/webhook_endpoints/${endpoint.id}/deliveries?limit=100`, { headers });
    const deliveries = ((await listed.json()) as { data: { id: string; event: string; status: string }[] }).data.filter((delivery) => delivery.status === "succeeded");
    const redeliveries: number[] = [];
    for (let index = 0; index < REDELIVERIES && deliveries.length > 0; index += 1) {
      const delivery = deliveries[index % deliveries.length]!;
      const before = receiver.timesReceived(delivery.event);
      await post(`/v1/webhook_endpoints/${endpoint.id}/deliveries/${delivery.id}/redeliver`, {});
      const answered = performance.now();
      await waitFor(() => receiver.timesReceived(delivery.event) > before, 15_000);
      redeliveries.push(receiver.lastArrival(delivery.event) - answered);
    }
    const sorted = latencies.sort((a, b) => a - b);
    const sortedPosts = posts.sort((a, b) => a - b);
    const line = (name: string, values: number[]) =>
      `  ${name.padEnd(46)} p50 ${quantile(values, 0.5).toFixed(1).padStart(7)} ms   p95 ${quantile(values, 0.95).toFixed(1).padStart(7)} ms   p99 ${quantile(values, 0.99).toFixed(1).padStart(7)} ms`;
    const { verified, refused } = receiver.counts();
    console.log(`\nwebhooks: ${PAYMENTS} payments, one endpoint (every event), queue max_batch_timeout ${queueTimeout ?? "as in wrangler.toml"}`);
    console.log(line("payment answered → webhook received", sorted));
    console.log(line("POST /v1/payments itself", sortedPosts));
    console.log(line(`redelivery (queue) answered → received ×${redeliveries.length}`, redeliveries.sort((a, b) => a - b)));
    console.log(`  deliveries verified with standardwebhooks: ${verified}, refused: ${refused}`);
    const p95 = quantile(sorted, 0.95);
    console.log(`\n  GOAL payment answered → webhook received, p95: ${p95.toFixed(1)} ms   goal ≤ ${GOAL_P95_MS} ms   ratio ${(p95 / GOAL_P95_MS).toFixed(2)} ${p95 <= GOAL_P95_MS ? "(met)" : "(missed)"}`);
    const [oneMinute, , fifteenMinutes] = loadavg();
    console.log(`  load average at the end of the run: ${oneMinute!.toFixed(2)} (1 min), ${fifteenMinutes!.toFixed(2)} (15 min) on ${availableParallelism()} cores`);
    if (refused > 0) process.exitCode = 1;
  } finally {
    receiver.close();
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
