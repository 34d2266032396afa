/**
 * The local server the benchmarks measure: `wrangler dev` on its own port with its own D1 state
 * (.wrangler/bench), from the production config with absolute paths and a rate limit raised so the
 * routes are measured, not the limiter.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "../../worker/cli/build-assets";
import { applyMigrations, type D1Target } from "../../worker/cli/d1";
import { createMerchant, type MerchantKeys } from "../../worker/cli/merchant";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface BenchServer {
  base: string;
  keys: MerchantKeys;
  target: D1Target;
  /** The wrangler process; the local runtime (workerd) runs as its descendants. */
  pid: number;
  stop(): void;
}

function writeBenchConfig(benchDir: string, realRateLimit: boolean, webhookQueueBatchTimeout?: number): string {
  let source = readFileSync(join(root, "wrangler.toml"), "utf8")
    .replace('main = "worker/index.ts"', `main = "${join(root, "worker/index.ts")}"`)
    .replace('directory = "./.build/public"', `directory = "${join(root, ".build/public")}"`)
    .replace('migrations_dir = "worker/migrations"', `migrations_dir = "${join(root, "worker/migrations")}"`)
    .replace(/simple = \{ limit = \d+, period = (\d+) \}/, (limit, period: string) => (realRateLimit ? limit : `simple = { limit = 10000000, period = ${period} }`));
  if (webhookQueueBatchTimeout !== undefined) {
    source = source.replace(/(queue = "quittance-webhooks"\nmax_batch_size = \d+\nmax_batch_timeout = )\d+/, `$1${webhookQueueBatchTimeout}`);
  }
  const file = join(benchDir, "wrangler.toml");
  writeFileSync(file, source);
  return file;
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  for (let tries = 0; tries < 360; tries += 1) {
    if (child.exitCode !== null) throw new Error("the bench server exited");
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the bench server did not start");
}

export interface ServerOptions {
  /** Folder under .wrangler/ for this server's state (default "bench"). */
  stateDir?: string;
  /** Keep production's rate limit (end-to-end tests) instead of raising it (benchmarks). */
  realRateLimit?: boolean;
  /** A fixed merchant id (the demo merchant, for the demo pages). */
  merchantId?: string;
  /** Writes to the database before the server starts. */
  beforeStart?: (keys: MerchantKeys, target: D1Target) => void | Promise<void>;
  /** Extra Worker variables (`--var NAME:value`), e.g. a limit raised for a benchmark. */
  vars?: Record<string, string>;
  /** The webhook queue consumer's `max_batch_timeout` for this run (seconds), instead of wrangler.toml's. */
  webhookQueueBatchTimeout?: number;
  /** Where wrangler's DevTools inspector listens (to read the Worker's JS heap). */
  inspectorPort?: number;
}

/** A TCP port nobody listens on now, chosen by the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

/** Starts a fresh local server with one merchant. */
export async function startBenchServer(port: number, options: ServerOptions = {}): Promise<BenchServer> {
  process.chdir(root);
  // Another server on the port would answer our health check and our requests: refuse to measure it.
  if (await portInUse(port)) throw new Error(`port ${port} is already in use: stop that server or choose another port`);
  const benchDir = join(root, ".wrangler", options.stateDir ?? "bench");
  rmSync(benchDir, { recursive: true, force: true });
  mkdirSync(benchDir, { recursive: true });
  await buildAssets();
  const config = writeBenchConfig(benchDir, options.realRateLimit ?? false, options.webhookQueueBatchTimeout);
  // Wrangler reads secrets from the .dev.vars beside the config.
  writeFileSync(join(benchDir, ".dev.vars"), `QUITTANCE_ENCRYPTION_KEY=${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}\n`);
  const target: D1Target = { remote: false, extraArgs: ["-c", config, "--persist-to", join(benchDir, "state")] };
  applyMigrations(target);
  const keys = await createMerchant("Bench SARL", { livemode: false, ...(options.merchantId ? { merchantId: options.merchantId } : {}) }, target);
  await options.beforeStart?.(keys, target);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    "wrangler",
    ["dev", "-c", config, "--ip", "127.0.0.1", "--port", String(port), "--persist-to", join(benchDir, "state"), "--log-level", "warn", "--var", "ENVIRONMENT:development", "--var", `PUBLIC_URL:${base}`, ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]), ...(options.inspectorPort ? ["--inspector-port", String(options.inspectorPort)] : [])],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", XDG_CONFIG_HOME: join(benchDir, "config") },
      cwd: root,
    },
  );
  await waitForHealth(base, child);
  return { base, keys, target, pid: child.pid ?? 0, stop: () => child.kill("SIGINT") };
}

/** The value at quantile q (0..1) of sorted numbers. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
