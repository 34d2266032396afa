/**
 * npm run bench:realtime-hostile — can one client take a merchant's real time down? A merchant
 * with 20,000 events in its log; 10 streams replaying the whole log from its first event (each
 * starts over as soon as it has caught up, so replay never stops) and 5 slow readers on one client
 * session (raw sockets resuming from the first event: 3 never read, 2 read 1 KB every half second).
 * Meanwhile, the latency from recording a payment (POST sent) to its `payment.succeeded` message on
 * one normal live stream, over 100 payments, split into the POST's own time and what follows it.
 * Memory two ways: the resident size of the local runtime (the workerd processes, where the hub
 * lives) sampled every 250 ms, and the Worker isolate's live JS heap after a full garbage
 * collection, read every 3 s through wrangler's DevTools inspector (those collections also keep
 * the resident size from drifting with garbage). A baseline with the normal stream alone comes
 * first. One local server on a shared machine: read the ratio and the bound, not absolute times.
 * BENCH_MAX_RSS_MIB (4096) stops the run if the runtime grows past it.
 */
import { liveHeapMiB, runtimeRssMiB } from "./memory";
import { executeWrites } from "../../worker/cli/d1";
import { newId } from "../../worker/lib/crypto";
import { freePort, quantile, startBenchServer } from "./server";
import { newReplayResult, openLiveStream, openSlowReader, replayStream, waitUntil, type ReplayResult, type SlowReader } from "./sse-clients";

// Local trace spans off: they cost about 30 % CPU per request and measure nothing of ours (TOOLCHAIN.md).
process.env.X_LOCAL_OBSERVABILITY ??= "false";

const PORT = Number(process.env.BENCH_PORT ?? 8797);
const SEEDED = Number(process.env.BENCH_SEEDED_EVENTS ?? 20_000);
const PAYMENTS = Number(process.env.BENCH_EVENTS ?? 100);
const BASELINE = Math.max(20, Math.round(PAYMENTS / 2));
const REPLAYS = 10;
const GOAL_P95_MS = 100;
/** Pause between two payments of the hostile run, so that it lasts a while (~15 s for 100 payments). */
const SPACING_MS = 100;
/** A shared machine: stop if the local runtime grows past this (the old hub reached 22.9 GB). */
const MAX_RSS_MIB = Number(process.env.BENCH_MAX_RSS_MIB ?? 4096);

/** 20,000 events of the customer's, each about as heavy as a real invoice event, in one statement. */
function seedSql(merchantId: string, customerId: string, count: number) {
  return {
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
          INSERT INTO events (id_suffix, merchant_id, type, customer_id, data, created_at)
          SELECT lower(hex(randomblob(13))), ?, 'invoice.issued', ?,
                 json_object('seeded', i, 'number', printf('F-2026-%06d', i), 'total', 12000, 'amount_due', 12000, 'currency', 'eur',
                             'due_date', '2026-12-31', 'note', substr(replace(hex(zeroblob(60)), '0', 'x'), 1, 120)),
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM n`,
    params: [count, merchantId, customerId],
  };
}

function line(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => quantile(sorted, q).toFixed(1).padStart(6);
  return `  ${name.padEnd(34)} p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms   (${values.length})`;
}

async function main(): Promise<void> {
  const customerId = newId("cus");
  const inspectorPort = await freePort();
  const server = await startBenchServer(PORT, {
    inspectorPort,
    stateDir: "bench-realtime-hostile",
    // The replays start at the first event, 20,000 back: above the default resume cap of 10,000.
    vars: { SSE_RESUME_MAX_EVENTS: String(SEEDED + 5000) },
    beforeStart: (keys, target) => {
      const now = new Date().toISOString();
      executeWrites(
        [
          { sql: "INSERT INTO customers (id, merchant_id, name, email, created_at) VALUES (?, ?, ?, ?, ?)", params: [customerId, keys.merchant, "Bench client", "bench@example.com", now] },
          seedSql(keys.merchant, customerId, SEEDED),
        ],
        target,
      );
    },
  });
  const { base } = server;
  const key = server.keys.secret_key;
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; total: number; token: string };
  };
  const samples: number[] = [];
  let sampling: ReturnType<typeof setInterval> | null = null;
  const sample = () => {
    const rss = runtimeRssMiB(server.pid);
    samples.push(rss);
    if (rss > MAX_RSS_MIB) {
      console.error(`local runtime at ${rss.toFixed(0)} MiB, past BENCH_MAX_RSS_MIB=${MAX_RSS_MIB}: stopping`);
      server.stop();
      process.exit(2);
    }
  };
  const controller = new AbortController();
  const slow: SlowReader[] = [];
  try {
    const first = ((await (await fetch(`${base}/v1/events?limit=1`, { headers })).json()) as { data: { id: string }[] }).data[0]!.id;
    console.log(`seeded ${SEEDED} events (first ${first}); creating ${BASELINE + PAYMENTS} invoices…`);
    const invoices: { id: string; total: number }[] = [];
    for (let index = 0; index < BASELINE + PAYMENTS; index += 1) {
      invoices.push(await post("/v1/invoices", { customer: customerId, currency: "eur", lines: [{ description: "Bench", quantity: 1, unit_amount: 1000 + index }], issue: true }));
    }
    const log = (await (await fetch(`${base}/v1/events?limit=1&type=invoice.issued&invoice=${invoices.at(-1)!.id}`, { headers })).json()) as { data: { id: string }[] };
    const head = log.data[0]!.id;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the chain sealer catches up with the seeded events

    const normal = openLiveStream(base, key);
    await normal.ready;
    /** Per payment: POST sent → message (the figure), POST's own time, and POST answered → message (publish, hub, stream). */
    const measure = async (batch: typeof invoices, spacingMs: number) => {
      const figures = { total: [] as number[], post: [] as number[], after: [] as number[] };
      for (const invoice of batch) {
        if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
        const sent = performance.now();
        const payment = await post("/v1/payments", { method: "bank_transfer", amount: invoice.total, currency: "eur", allocations: [{ invoice: invoice.id, amount: invoice.total }] });
        const answered = performance.now();
        await waitUntil(() => normal.arrivals.has(payment.id), 30_000).catch((error: unknown) => {
          console.error(`payment ${payment.id} never reached the normal stream; stream state: ${normal.state()}`);
          throw error;
        });
        const arrived = normal.arrivals.get(payment.id)!;
        figures.total.push(arrived - sent);
        figures.post.push(answered - sent);
        figures.after.push(Math.max(0, arrived - answered));
      }
      return figures;
    };
    const print = (figures: Awaited<ReturnType<typeof measure>>) => {
      console.log(line("payment → payment.succeeded", figures.total));
      console.log(line("  of which POST /v1/payments", figures.post));
      console.log(line("  of which answered → message", figures.after));
    };

    sample();
    const idleRss = samples[0]!;
    const heapIdle = await liveHeapMiB(inspectorPort);
    const baseline = await measure(invoices.slice(0, BASELINE), 0);
    sample();
    const baselineRss = Math.max(...samples);
    const heapBaseline = await liveHeapMiB(inspectorPort);

    // The hostile clients.
    // Replay i starts over once it has caught up; replay 0 also audits the order of what it gets.
    const replays: ReplayResult[] = [];
    const replaying = Array.from({ length: REPLAYS }, async (_, index) => {
      while (!controller.signal.aborted) {
        const result = newReplayResult();
        replays.push(result);
        await replayStream(base, key, first, head, controller.signal, index === 0, result);
      }
    });
    const session = (await post("/v1/client_sessions", { customer: customerId })).token;
    for (let index = 0; index < 5; index += 1) slow.push(openSlowReader(PORT, "/v1/client/stream", session, first, index < 3 ? 0 : 1024));
    samples.length = 0;
    sampling = setInterval(sample, 250);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const sixth = await fetch(`${base}/v1/client/stream`, { headers: { authorization: `Bearer ${session}` } });
    const sixthCode = sixth.status === 200 ? "200 (opened)" : `${sixth.status} ${((await sixth.json()) as { code: string }).code}`;
    if (sixth.status === 200) await sixth.body?.cancel();

    const heaps: number[] = [];
    const heapProbe = setInterval(() => void liveHeapMiB(inspectorPort).then((heap) => heap !== null && heaps.push(heap)), 3000);
    const hostile = await measure(invoices.slice(BASELINE), SPACING_MS);
    clearInterval(heapProbe);
    clearInterval(sampling);
    sampling = null;
    const hostileRss = { peak: Math.max(...samples), last: samples.at(-1)! };
    const caughtUp = replays.filter((replay) => replay.caughtUp);
    const replayedMiB = replays.reduce((sum, replay) => sum + replay.bytes, 0) / 1024 / 1024;
    const audited = replays.filter((replay) => replay.events > 0);
    controller.abort();
    await Promise.all(replaying);

    // Leaving clients are forgotten at once: how soon the session's 5 slots are free again.
    for (const reader of slow) reader.close();
    const leftAt = performance.now();
    const again: Response[] = [];
    while (again.length < 5 && performance.now() - leftAt < 10_000) {
      const response = await fetch(`${base}/v1/client/stream`, { headers: { authorization: `Bearer ${session}` } });
      if (response.status === 200) again.push(response);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const slotsFreeMs = performance.now() - leftAt;
    for (const response of again) await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const heapAfter = await liveHeapMiB(inspectorPort);

    console.log(`\nnormal live stream alone, ${baseline.total.length} payments:`);
    print(baseline);
    console.log(`\nwith ${REPLAYS} streams replaying ${SEEDED} events from the first and 5 slow readers (3 never read, 2 read 1 KB / 0.5 s), ${hostile.total.length} payments:`);
    print(hostile);
    const p95 = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.95);
    console.log(`  goal p95 < ${GOAL_P95_MS} ms: ${p95(hostile.total) < GOAL_P95_MS ? "met" : "NOT met"} (${p95(hostile.total).toFixed(1)} ms; ${(p95(hostile.total) / p95(baseline.total)).toFixed(2)}× the baseline p95)`);
    console.log(`  replays meanwhile: ${replayedMiB.toFixed(0)} MiB sent, ${caughtUp.length} caught up with the head and started over; audited replay: ${audited.map((r) => `${r.events} events${r.caughtUp ? " (complete)" : ""}`).join(", ")}, in order with no duplicate: ${audited.every((r) => r.ordered)}`);
    console.log(`  replays that ended otherwise: ${replays.filter((r) => !r.caughtUp && r.ended !== "aborted").map((r) => r.ended).join(", ") || "none"}`);
    console.log(`  slow readers took ${slow.map((reader) => reader.bytes).join(", ")} bytes; a 6th stream on their session: ${sixthCode}; after they left, ${again.length}/5 new streams opened on it within ${slotsFreeMs.toFixed(0)} ms`);
    console.log(`\nlocal runtime (workerd) resident memory: idle ${idleRss.toFixed(0)} MiB, after the baseline ${baselineRss.toFixed(0)} MiB;`);
    console.log(`  during the hostile run (${samples.length} samples) peak ${hostileRss.peak.toFixed(0)} MiB, at the end ${hostileRss.last.toFixed(0)} MiB — bound measured: +${(hostileRss.peak - baselineRss).toFixed(0)} MiB over the baseline`);
    console.log(`  every second: ${samples.filter((_, index) => index % 4 === 0).map((rss) => rss.toFixed(0)).join(" ")} MiB`);
    const heapLine = heaps.length > 0 ? `${heaps.map((heap) => heap.toFixed(1)).join(" ")} MiB (max ${Math.max(...heaps).toFixed(1)})` : "n/a";
    const mib = (heap: number | null) => (heap === null ? "n/a" : `${heap.toFixed(1)} MiB`);
    console.log(`\nthe Worker's live JS heap after a full GC (the isolate of the Worker and its hubs): idle ${mib(heapIdle)}, after the baseline ${mib(heapBaseline)};`);
    console.log(`  during the hostile run, every 3 s: ${heapLine}; once the hostile clients left: ${mib(heapAfter)}`);
  } finally {
    if (sampling) clearInterval(sampling);
    controller.abort();
    for (const reader of slow) reader.close();
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
