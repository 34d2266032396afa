/**
 * npm run bench:api — starts the Worker locally (its own D1 state under .wrangler/bench), seeds
 * merchants of 1k, 10k and 100k invoices (api-seed.ts) and measures with autocannon, in one run and
 * in BENCH_ROUNDS alternating rounds (medians), each row printed with its figure, its goal and the
 * ratio that decides it (issue 14):
 *   - GET /v1/invoices/:id/status ÷ GET /health (a constant route on the same server), and the same
 *     revalidated with If-None-Match (304);
 *   - the growth of the status, the list, `?overdue=true` and `/v1/events?type=` (no match) from
 *     1k to 10k to 100k invoices (p50; flat is the goal);
 *   - the local runtime's memory over the whole load: workerd's resident memory, and the Worker's
 *     live JS heap after a full GC before and after (what our code keeps).
 * Absolute figures depend on the machine (and on its other tenants): compare the ratios.
 */
import autocannon from "autocannon";
import { executeWrites } from "../../worker/cli/d1";
import { seedMerchant, type SeededMerchant } from "./api-seed";
import { liveHeapMiB, runtimeRssMiB } from "./memory";
import { freePort, startBenchServer } from "./server";

// Local trace spans off: they cost about 30 % CPU per request and measure nothing of ours (TOOLCHAIN.md).
process.env.X_LOCAL_OBSERVABILITY ??= "false";

const PORT = Number(process.env.BENCH_PORT ?? 8799);
const SIZES = [1_000, 10_000, 100_000];
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const GROWTH_DURATION_S = Number(process.env.BENCH_GROWTH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 10;
/** "Flat": the 100k merchant's p50 at most this many times the 1k merchant's. */
const FLAT_GOAL = 1.5;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers with another status than expected (and requests that got no answer, as 0). */
  unexpected: number;
  unexpectedStatuses: Set<number>;
}

async function measure(base: string, path: string, headers: Record<string, string>, seconds: number, expectStatus = 200): Promise<Figures> {
  let unexpected = 0;
  const unexpectedStatuses = new Set<number>();
  const result = await autocannon({
    url: `${base}${path}`, connections: CONNECTIONS, duration: seconds, headers,
    setupClient: (client) => client.on("response", (statusCode: number) => {
      if (statusCode !== expectStatus) (unexpected += 1, unexpectedStatuses.add(statusCode));
    }),
  });
  if (result.errors + result.timeouts > 0) (unexpected += result.errors + result.timeouts, unexpectedStatuses.add(0));
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, unexpected, unexpectedStatuses };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const medianOf = (runs: Figures[]): Figures => ({
  rps: median(runs.map((run) => run.rps)), p50: median(runs.map((run) => run.p50)), p99: median(runs.map((run) => run.p99)),
  requests: runs.reduce((sum, run) => sum + run.requests, 0),
  unexpected: runs.reduce((sum, run) => sum + run.unexpected, 0),
  unexpectedStatuses: new Set(runs.flatMap((run) => [...run.unexpectedStatuses])),
});

function verdict(ratio: number, goal: number, higherIsBetter: boolean): string {
  return (higherIsBetter ? ratio >= goal : ratio <= goal) ? "met" : "NOT met";
}

async function main(): Promise<void> {
  const seeded: SeededMerchant[] = [];
  const inspectorPort = await freePort();
  const server = await startBenchServer(PORT, {
    inspectorPort,
    beforeStart: async (_keys, target) => {
      for (const size of SIZES) {
        console.log(`seeding a merchant of ${size} invoices…`);
        const { merchant, writes } = await seedMerchant(size, `${size / 1000}k`);
        executeWrites(writes, target);
        seeded.push(merchant);
      }
    },
  });
  const base = server.base;
  try {
    const authOf = (merchant: SeededMerchant) => ({ authorization: `Bearer ${merchant.key}` });
    const largest = seeded[seeded.length - 1]!;
    for (const merchant of seeded) {
      const overdue = (await (await fetch(`${base}/v1/invoices?overdue=true&limit=100`, { headers: authOf(merchant) })).json()) as { data: unknown[] };
      if (overdue.data.length !== 100) throw new Error(`the ${merchant.invoices}-invoice merchant lists ${overdue.data.length} overdue invoices, not 100`);
    }
    const statusPath = `/v1/invoices/${largest.statusInvoice}/status`;
    const etag = (await fetch(`${base}${statusPath}`, { headers: authOf(largest) })).headers.get("etag")!;
    const growthRoutes: [string, (merchant: SeededMerchant) => string][] = [
      ["status", (merchant) => `/v1/invoices/${merchant.statusInvoice}/status`],
      ["list ?limit=20", () => "/v1/invoices?limit=20"],
      ["list ?overdue=true", () => "/v1/invoices?overdue=true"],
      ["events ?type= (no match)", () => "/v1/events?type=reminder.clicked"],
    ];
    for (const [name, pathOf] of growthRoutes) {
      for (const merchant of seeded) {
        const answer = await fetch(`${base}${pathOf(merchant)}`, { headers: authOf(merchant) });
        if (answer.status !== 200) throw new Error(`${name} answers ${answer.status} for the ${merchant.invoices}-invoice merchant: ${await answer.text()}`);
      }
    }

    await measure(base, "/health", {}, 3); // warm-up
    await measure(base, statusPath, authOf(largest), 3);
    const heapBefore = await liveHeapMiB(inspectorPort);
    const rssSamples: number[] = [runtimeRssMiB(server.pid)];
    const rssProbe = setInterval(() => rssSamples.push(runtimeRssMiB(server.pid)), 1000);
    const runs = { health: [] as Figures[], status: [] as Figures[], revalidated: [] as Figures[] };
    const growth = new Map<string, Figures[]>();
    console.log(`autocannon: ${CONNECTIONS} connections, ${ROUNDS} alternating rounds, ${DURATION_S} s a run (${GROWTH_DURATION_S} s for growth rows)\n`);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order from round to round, so a slow minute of the machine does not land on one route.
      const ratioRuns: [keyof typeof runs, () => Promise<Figures>][] = [
        ["health", () => measure(base, "/health", {}, DURATION_S)],
        ["status", () => measure(base, statusPath, authOf(largest), DURATION_S)],
        ["revalidated", () => measure(base, statusPath, { ...authOf(largest), "if-none-match": etag }, DURATION_S, 304)],
      ];
      for (const [name, run] of round % 2 === 0 ? ratioRuns : [...ratioRuns].reverse()) runs[name].push(await run());
      for (const [name, pathOf] of growthRoutes) {
        const order = round % 2 === 0 ? seeded : [...seeded].reverse();
        for (const merchant of order) {
          const key = `${name}|${merchant.invoices}`;
          growth.set(key, [...(growth.get(key) ?? []), await measure(base, pathOf(merchant), authOf(merchant), GROWTH_DURATION_S)]);
        }
      }
      console.log(`round ${round + 1}: /health ${runs.health.at(-1)!.rps.toFixed(0)} req/s, status ${runs.status.at(-1)!.rps.toFixed(0)}, 304 ${runs.revalidated.at(-1)!.rps.toFixed(0)}`);
    }
    clearInterval(rssProbe);
    const heapAfter = await liveHeapMiB(inspectorPort);

    const health = medianOf(runs.health);
    const status = medianOf(runs.status);
    const revalidated = medianOf(runs.revalidated);
    const spread = (figures: Figures[]) => `${Math.min(...figures.map((run) => run.rps)).toFixed(0)}–${Math.max(...figures.map((run) => run.rps)).toFixed(0)}`;
    console.log(`\n${"row".padEnd(44)} ${"figure".padEnd(36)} ${"goal".padEnd(10)} ratio`);
    const statusRatio = status.rps / health.rps;
    const revalidatedRatio = revalidated.rps / health.rps;
    console.log(`${"status ÷ /health (throughput)".padEnd(44)} ${`${status.rps.toFixed(0)} vs ${health.rps.toFixed(0)} req/s`.padEnd(36)} ${"≥ 0.70×".padEnd(10)} ${statusRatio.toFixed(2)}× ${verdict(statusRatio, 0.7, true)}`);
    console.log(`${"status 304 (If-None-Match) ÷ /health".padEnd(44)} ${`${revalidated.rps.toFixed(0)} vs ${health.rps.toFixed(0)} req/s`.padEnd(36)} ${"≥ 0.85×".padEnd(10)} ${revalidatedRatio.toFixed(2)}× ${verdict(revalidatedRatio, 0.85, true)}`);
    for (const [name] of growthRoutes) {
      const [small, middle, large] = SIZES.map((size) => medianOf(growth.get(`${name}|${size}`)!));
      const ratio = large!.p50 / Math.max(small!.p50, 1);
      console.log(`${`${name} p50, 1k → 10k → 100k`.padEnd(44)} ${`${small!.p50} → ${middle!.p50} → ${large!.p50} ms`.padEnd(36)} ${`≤ ${FLAT_GOAL}×`.padEnd(10)} ${ratio.toFixed(2)}× ${verdict(ratio, FLAT_GOAL, false)}`);
    }
    const everyRun = [...runs.health, ...runs.status, ...runs.revalidated, ...[...growth.values()].flat()];
    const unexpected = everyRun.reduce((sum, run) => sum + run.unexpected, 0);
    const statuses = [...new Set(everyRun.flatMap((run) => [...run.unexpectedStatuses]))].join(", ");
    console.log(`\nnoise: /health ranged ${spread(runs.health)} req/s over the rounds, status ${spread(runs.status)}, 304 ${spread(runs.revalidated)}${unexpected ? `; ${unexpected} answers with an unexpected status (${statuses}; 0 = no answer)!` : ""}`);
    const mib = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(1)} MiB`);
    const served = everyRun.reduce((sum, run) => sum + run.requests, 0);
    const perRequest = heapBefore !== null && heapAfter !== null ? ` (${(((heapAfter - heapBefore) * 1024 * 1024) / served).toFixed(1)} bytes kept per request)` : "";
    console.log(`memory over ${served} requests: workerd resident ${rssSamples[0]!.toFixed(0)} → max ${Math.max(...rssSamples).toFixed(0)} → ${rssSamples.at(-1)!.toFixed(0)} MiB; the Worker's live JS heap after a full GC ${mib(heapBefore)} before, ${mib(heapAfter)} after${perRequest}`);
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
