/**
 * `npm start` as a new user runs it (its own port and state folder, so it runs beside the suite's
 * server): it prints the console's one-time sign-in link, that link opens the console signed in on
 * the dashboard, a second use of it is refused, and the demo shop links to the console.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { freePort } from "../bench/server";
import { openBrowser, shot } from "./browser";

const root = resolve(import.meta.dirname, "../..");
let child: ChildProcess | undefined;
let context: BrowserContext | undefined;
const stateDir = mkdtempSync(join(tmpdir(), "quittance-start-"));

afterAll(async () => {
  await context?.close();
  // npm, the start script and wrangler dev are one process group: Ctrl-C's signal goes to all of it.
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = new Promise((done) => child!.once("exit", done));
    process.kill(-child.pid, "SIGINT");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* the group is gone */ }
  }
  rmSync(stateDir, { recursive: true, force: true });
});

/** Runs `npm start` and resolves with what it printed once it says it is running. */
async function start(port: number): Promise<string> {
  child = spawn("npm", ["start"], {
    cwd: root,
    // The suite's own server serves .build/public (built by `npm test`): rebuilding it under that server would break it.
    env: { ...process.env, PORT: String(port), QUITTANCE_STATE_DIR: stateDir, QUITTANCE_SKIP_BUILD: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let printed = "";
  child.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const deadline = Date.now() + 240_000;
  while (!printed.includes("Ctrl-C stops everything")) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${printed}`);
    if (Date.now() > deadline) throw new Error(`npm start did not say it was running:\n${printed}`);
    await new Promise((done) => setTimeout(done, 250));
  }
  return printed;
}

describe("npm start", () => {
  it("should print a one-time sign-in link that opens the console on the dashboard, once", async () => {
    const port = await freePort();
    const printed = await start(port);
    const link = /Console\s+(http:\/\/127\.0\.0\.1:\d+\/console\/sign-in#link=qcl_[\w-]+)/.exec(printed)?.[1];
    expect(link, printed).toBeDefined();
    expect(new URL(link!).port).toBe(String(port));
    context = await openBrowser();
    const page = await context.newPage();
    await page.goto(link!);
    await page.locator("qc-dashboard h1").waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe("");
    await page.locator('qc-dashboard [data-currency="eur"] [data-overdue]').waitFor();
    await shot(page, "start-console");
    // The demo shop's header leads to the console.
    const shop = await context.newPage();
    await shop.goto(`http://127.0.0.1:${port}/`);
    expect(await shop.getByRole("link", { name: "Console marchand" }).getAttribute("href")).toBe("/console");
    // The link works once.
    const again = await (await openBrowser()).newPage();
    await again.goto(link!);
    await again.getByText(/inconnu, déjà utilisé ou expiré/).waitFor();
    await again.context().close();
  }, 360_000);
});
