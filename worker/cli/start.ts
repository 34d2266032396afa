/**
 * npm start — the whole product on this machine: builds the assets, applies the D1 migrations
 * locally, makes sure the demo merchant exists (keys written to the git-ignored
 * `.quittance-demo.json`), serves everything with `wrangler dev` on http://127.0.0.1:8787, seeds
 * the demo data once, and fires the cron every minute (Wrangler does not do it by itself).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets";
import { applyMigrations, queryRows, sqlLiteral, type D1Target } from "./d1";
import { createMerchant, rotateKeys, type MerchantKeys } from "./merchant";
import { seedDemo, type SeedResult } from "./seed";
import { makeConsoleLink } from "./console-link";
import { DEMO_MERCHANT_ID } from "../dev/routes";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8787);
const BASE = `http://${HOST}:${PORT}`;
// QUITTANCE_STATE_DIR keeps the local D1 and the demo's keys in a folder of their own (a second
// instance beside yours, e.g. the end-to-end test of this command); by default, Wrangler's usual
// .wrangler/state and .quittance-demo.json.
const STATE_DIR = process.env.QUITTANCE_STATE_DIR ? resolve(process.env.QUITTANCE_STATE_DIR) : undefined;
const PERSIST = STATE_DIR ? ["--persist-to", join(STATE_DIR, "d1")] : [];
const DEMO_FILE = STATE_DIR ? join(STATE_DIR, "demo.json") : join(root, ".quittance-demo.json");
const local: D1Target = { remote: false, extraArgs: PERSIST };
const CRON_EVERY_MS = 60_000;

interface DemoFile extends MerchantKeys {
  api: string;
  docs: string;
  seed?: SeedResult;
  console_link?: string;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port }, () => (socket.destroy(), done(true)));
    socket.on("error", () => done(false));
  });
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server did not answer on ${BASE} within ${timeoutMs / 1000} s`);
}

async function keyWorks(key: string): Promise<boolean> {
  const response = await fetch(`${BASE}/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
  return response.ok;
}

function readDemoFile(): DemoFile | null {
  if (!existsSync(DEMO_FILE)) return null;
  try {
    return JSON.parse(readFileSync(DEMO_FILE, "utf8")) as DemoFile;
  } catch {
    return null;
  }
}

async function ensureDemoMerchant(): Promise<MerchantKeys> {
  const exists = queryRows<{ id: string }>(`SELECT id FROM merchants WHERE id = ${sqlLiteral(DEMO_MERCHANT_ID)}`, local).length > 0;
  if (!exists) return createMerchant("Atelier Quittance (demo)", { livemode: false, merchantId: DEMO_MERCHANT_ID }, local);
  const saved = readDemoFile();
  if (saved?.merchant === DEMO_MERCHANT_ID && saved.secret_key) return saved;
  return rotateKeys(DEMO_MERCHANT_ID, { disableWebhooks: false }, local); // the keys file was lost: only hashes are stored, so issue new keys
}

/** Local secrets: a master key for provider credentials, made once and kept in the git-ignored .dev.vars. */
function ensureDevVars(): void {
  const file = join(root, ".dev.vars");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (/^QUITTANCE_ENCRYPTION_KEY=/m.test(existing)) return;
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
  writeFileSync(file, `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}QUITTANCE_ENCRYPTION_KEY=${key}\n`, { mode: 0o600 });
}

async function main(): Promise<void> {
  process.chdir(root);
  ensureDevVars();
  if (await portInUse(PORT)) throw new Error(`port ${PORT} is already in use: stop the other server (or set PORT) and run npm start again`);
  // QUITTANCE_SKIP_BUILD=1 serves the assets already in .build/public (a second instance beside a
  // running one, which serves the same folder and must not see it rebuilt under it).
  if (process.env.QUITTANCE_SKIP_BUILD === "1") console.log("› using the assets already built in .build/public");
  else {
    console.log("› building assets");
    await buildAssets();
  }
  console.log("› applying D1 migrations (local)");
  applyMigrations(local);
  let keys = await ensureDemoMerchant();

  console.log(`› starting the Worker on ${BASE}`);
  const child = spawn("wrangler", ["dev", "--ip", HOST, "--port", String(PORT), "--test-scheduled", ...PERSIST, "--var", "ENVIRONMENT:development", "--var", `PUBLIC_URL:${BASE}`], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", XDG_CONFIG_HOME: join(root, ".wrangler/config") },
  });
  const stop = () => child.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
  await waitForHealth(90_000);

  if (!(await keyWorks(keys.secret_key))) keys = await rotateKeys(DEMO_MERCHANT_ID, { disableWebhooks: false }, local);
  const saved = readDemoFile();
  const invoiceCount = queryRows<{ n: number }>(`SELECT count(*) AS n FROM invoices WHERE merchant_id = ${sqlLiteral(DEMO_MERCHANT_ID)}`, local)[0]?.n ?? 0;
  let seed = saved?.seed;
  if (invoiceCount === 0) {
    console.log("› seeding the demo merchant");
    seed = await seedDemo(BASE, keys.secret_key);
  }
  // A fresh one-time link each start (the last one may have been used).
  const consoleLink = (await makeConsoleLink(DEMO_MERCHANT_ID, { readOnly: false, base: BASE }, local)).url;
  const demo: DemoFile = { ...keys, api: BASE, docs: `${BASE}/docs`, console_link: consoleLink, ...(seed ? { seed } : {}) };
  writeFileSync(DEMO_FILE, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });

  console.log(`
  Quittance is running.

  Demo shop        ${BASE}/              (pay with the sandbox card 4242 4242 4242 4242)
  Console          ${consoleLink}
                   (one-time sign-in link, 15 minutes; another: npm run merchant -- console-link --merchant ${keys.merchant})
  Merchant, live   ${BASE}/merchant.html
  Reminder outbox  ${BASE}/dev/outbox
  API reference    ${BASE}/docs   (OpenAPI: ${BASE}/openapi.json)
  Demo merchant    ${keys.merchant}
  Secret key       ${keys.secret_key}
  Read-only key    ${keys.read_only_key}
  Publishable key  ${keys.publishable_key}
  (saved in .quittance-demo.json)

  Try:  curl -H "Authorization: Bearer ${keys.secret_key}" "${BASE}/v1/invoices?overdue=true"

  The cron (reminders, reconciliation, housekeeping) fires every minute. Ctrl-C stops everything.
`);

  setInterval(() => {
    fetch(`${BASE}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${Date.now()}`).catch(() => undefined);
  }, CRON_EVERY_MS).unref();
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
