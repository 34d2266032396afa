/**
 * The official Factur-X / EN 16931 / BR-FR validators (`../shared/validators/facturx-check.mjs`,
 * beside the checkout) behind a loopback HTTP server, so tests running inside workerd can check
 * the PDFs and XML the Worker produces: `POST /check?name=<file.pdf|file.xml>` with the bytes
 * answers the runner's JSON report `{ ok, findings: [{ layer, id, flag, text }] }`. Runs one at a
 * time (each is a few seconds of Saxon on 2 cores) and keeps every checked file under
 * `tests/.report/facturx/` for people to look at (e.g. `pdftoppm -png`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where the validators live: `FACTURX_CHECK`, or `../shared/validators/` beside the checkout. */
export const FACTURX_CHECK = process.env.FACTURX_CHECK ?? resolve(root, "../shared/validators/facturx-check.mjs");
export const FACTURX_REPORT_DIR = join(root, "tests/.report/facturx");
const MAX_BYTES = 20 * 1024 * 1024;

export type FacturxFinding = { layer: string; id: string; flag: string; text: string };
export type FacturxReport = { ok: boolean; findings: FacturxFinding[] };

/** Runs the validator on one file; resolves with its JSON report (or a finding of layer "runner" when it could not run). */
export function runFacturxCheck(path: string): Promise<FacturxReport> {
  return new Promise((done) => {
    // process.execPath: the Node that runs the tests (22 from node_modules), with the project's xslt3 found from cwd.
    const child = spawn(process.execPath, [FACTURX_CHECK, path, "--json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    child.on("close", (code) => {
      try {
        done(JSON.parse(out) as FacturxReport);
      } catch {
        done({ ok: false, findings: [{ layer: "runner", id: "no-report", flag: "fatal", text: `exit ${code}: ${(err || out).slice(0, 2000)}` }] });
      }
    });
  });
}

export async function startFacturxValidator(): Promise<{ server: Server; port: number }> {
  if (!existsSync(FACTURX_CHECK)) throw new Error(`The Factur-X validator is missing at ${FACTURX_CHECK} (set FACTURX_CHECK).`);
  mkdirSync(FACTURX_REPORT_DIR, { recursive: true });
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const name = url.searchParams.get("name") ?? "";
    if (req.method !== "POST" || url.pathname !== "/check" || !/^[\w.-]{1,120}\.(pdf|xml)$/.test(name)) {
      res.writeHead(400).end("POST /check?name=<file.pdf|file.xml>");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BYTES) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BYTES) {
        res.writeHead(413).end();
        return;
      }
      const path = join(FACTURX_REPORT_DIR, name);
      writeFileSync(path, Buffer.concat(chunks));
      const run = queue.then(() => runFacturxCheck(path));
      queue = run.catch(() => undefined);
      void run.then((report) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(report)));
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return { server, port: (server.address() as AddressInfo).port };
}
