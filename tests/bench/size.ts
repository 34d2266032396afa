/**
 * npm run bench:size — builds the widget and prints its minified, gzip and brotli sizes against
 * the budget (15 KB gzip, without provider SDKs, which load only when a method is picked).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { build } from "vite";
import { root } from "./server";

const BUDGET_GZIP = 15 * 1024;

await build({ configFile: join(root, "widget/vite.config.ts") });
const bundle = readFileSync(join(root, ".build/public/widget.js"));
const gzip = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`widget.js  minified ${kb(bundle.length)} (${bundle.length} B)   gzip ${kb(gzip)} (${gzip} B)   brotli ${kb(brotli)} (${brotli} B)`);
console.log(`budget     ${kb(BUDGET_GZIP)} gzip: ${((gzip / BUDGET_GZIP) * 100).toFixed(0)} % used${gzip > BUDGET_GZIP ? " — OVER BUDGET" : ""}`);
process.exit(gzip > BUDGET_GZIP ? 1 : 0);
