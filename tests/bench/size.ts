/**
 * npm run bench:size — builds the widget and prints its parts' sizes (minified, gzip level 9,
 * brotli) against the goals: what a merchant's page fetches before the list is on screen (widget.js
 * and whatever it imports statically) ≤ 10 KB gzip, everything the widget can load ≤ 16 KB gzip
 * (provider SDKs aside: they load only when a method is picked), and both against widget.js as one
 * file before it was split. Then the console's JavaScript (a separate bundle, widget/vite.console.config.ts):
 * its shell first load (app.js and its static imports, Lit included) ≤ 30 KB gzip, and everything it
 * can load (pages, Chart.js) ≤ 120 KB gzip. Prints only; `--strict` exits 1 when a goal is missed.
 */
import { brotliCompressSync, gzipSync } from "node:zlib";
import { join } from "node:path";
import { build, type Rolldown } from "vite";
import { root } from "./server";

const KB = 1024;
const FIRST_LOAD_GOAL = 10 * KB;
const TOTAL_GOAL = 16 * KB;
/** widget.js as one file when issue 9 measured it (its goal: no larger than this); 15,190 B when the split began. */
const SINGLE_FILE_BEFORE = 15_124;

type Chunk = Rolldown.OutputChunk;

const config = join(root, "widget/vite.config.ts");
const chunksOf = (output: unknown): Chunk[] =>
  (Array.isArray(output) ? output : [output]).flatMap((result: Rolldown.RolldownOutput) => result.output).filter((item): item is Chunk => item.type === "chunk");

const split = chunksOf(await build({ configFile: config }));

const gzip = (code: string) => gzipSync(code, { level: 9 }).length;
const brotli = (code: string) => brotliCompressSync(code).length;
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
const bytes = (count: number) => `${count.toLocaleString("en")} B`;

/** widget.js and every chunk it imports statically: fetched before anything can render. */
function firstLoad(chunks: Chunk[]): Set<string> {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    for (const imported of byName.get(fileName)?.imports ?? []) visit(imported);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  return seen;
}

/** When a lazily loaded chunk is fetched (see widget/src/quittance-invoices.component.ts). */
function whenLoaded(chunk: Chunk): string {
  if (chunk.name === "live-connection") return "after the list is on screen";
  if (chunk.name === "flow") return "when the client points at or focuses Pay or Details";
  return "on demand";
}

const initial = firstLoad(split);
const rows = split.map((chunk) => ({ chunk, gzip: gzip(chunk.code), first: initial.has(chunk.fileName) }));
const firstGzip = rows.filter((row) => row.first).reduce((sum, row) => sum + row.gzip, 0);
const totalGzip = rows.reduce((sum, row) => sum + row.gzip, 0);
const ratio = (figure: number, goal: number) => `${(figure / goal).toFixed(2)}×`;
const verdict = (figure: number, goal: number) => (figure <= goal ? "met" : "MISSED");

for (const { chunk, gzip: size, first } of rows.sort((a, b) => Number(b.first) - Number(a.first))) {
  console.log(
    `${chunk.fileName.padEnd(36)} minified ${bytes(chunk.code.length).padStart(9)}   gzip ${bytes(size).padStart(8)}   brotli ${bytes(brotli(chunk.code)).padStart(8)}   ${first ? "first load" : whenLoaded(chunk)}`,
  );
}
console.log("");
console.log(`first load (before the list is on screen)  gzip ${bytes(firstGzip).padStart(8)} (${kb(firstGzip)})   goal ≤ ${kb(FIRST_LOAD_GOAL)}   ${ratio(firstGzip, FIRST_LOAD_GOAL)} of the goal   ${verdict(firstGzip, FIRST_LOAD_GOAL)}`);
console.log(`chunks loaded later                        gzip ${bytes(totalGzip - firstGzip).padStart(8)} (${kb(totalGzip - firstGzip)})`);
console.log(`total (everything the widget can load)     gzip ${bytes(totalGzip).padStart(8)} (${kb(totalGzip)})   goal ≤ ${kb(TOTAL_GOAL)}   ${ratio(totalGzip, TOTAL_GOAL)} of the goal   ${verdict(totalGzip, TOTAL_GOAL)}`);
console.log(`widget.js as one file before the split      gzip ${bytes(SINGLE_FILE_BEFORE).padStart(8)} (${kb(SINGLE_FILE_BEFORE)})   first load ${ratio(firstGzip, SINGLE_FILE_BEFORE)} of it, total ${ratio(totalGzip, SINGLE_FILE_BEFORE)}`);

const CONSOLE_FIRST_GOAL = 30 * KB;
const CONSOLE_TOTAL_GOAL = 120 * KB;
const consoleChunks = chunksOf(await build({ configFile: join(root, "widget/vite.console.config.ts") }));
const consoleFirst = firstLoad(consoleChunks);
const consoleRows = consoleChunks.map((chunk) => ({ chunk, gzip: gzip(chunk.code), first: consoleFirst.has(chunk.fileName) }));
const consoleFirstGzip = consoleRows.filter((row) => row.first).reduce((sum, row) => sum + row.gzip, 0);
const consoleTotalGzip = consoleRows.reduce((sum, row) => sum + row.gzip, 0);
console.log("");
for (const { chunk, gzip: size, first } of consoleRows.sort((a, b) => Number(b.first) - Number(a.first))) {
  console.log(`console/${chunk.fileName.padEnd(28)} minified ${bytes(chunk.code.length).padStart(9)}   gzip ${bytes(size).padStart(8)}   ${first ? "first load" : "when its page opens"}`);
}
console.log(`console first load (the shell)             gzip ${bytes(consoleFirstGzip).padStart(8)} (${kb(consoleFirstGzip)})   goal ≤ ${kb(CONSOLE_FIRST_GOAL)}   ${ratio(consoleFirstGzip, CONSOLE_FIRST_GOAL)} of the goal   ${verdict(consoleFirstGzip, CONSOLE_FIRST_GOAL)}`);
console.log(`console total (every page and Chart.js)    gzip ${bytes(consoleTotalGzip).padStart(8)} (${kb(consoleTotalGzip)})   goal ≤ ${kb(CONSOLE_TOTAL_GOAL)}   ${ratio(consoleTotalGzip, CONSOLE_TOTAL_GOAL)} of the goal   ${verdict(consoleTotalGzip, CONSOLE_TOTAL_GOAL)}`);

const missed = firstGzip > FIRST_LOAD_GOAL || totalGzip > TOTAL_GOAL || consoleFirstGzip > CONSOLE_FIRST_GOAL || consoleTotalGzip > CONSOLE_TOTAL_GOAL;
process.exit(missed && process.argv.includes("--strict") ? 1 : 0);
