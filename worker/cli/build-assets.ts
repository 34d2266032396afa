/**
 * Builds the static assets the Worker serves (git-ignored `.build/public/`): the widget bundle
 * (`widget.js`, with Vite), the pages under `widget/pages/`, and the API reference's JavaScript,
 * served from our own origin so `/docs` works offline and under a strict CSP. A `_headers` file
 * gives the files served without the Worker their headers: the widget is loaded by merchants'
 * pages on other origins, and a module script is always fetched with CORS.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { DOCS_CSS, DOCS_INIT_JS } from "../docs/page";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(root, ".build/public");

/**
 * Workers static assets apply this file to every asset they serve (it is not served itself). The
 * widget and its lazily loaded chunks (`widget/…`, see widget/vite.config.ts) may be loaded from any
 * page: CORS for every origin (public code, no credentials), a resource policy allowing other sites
 * (pages with `Cross-Origin-Embedder-Policy` need it), and caching: `widget.js` keeps its URL across
 * deploys, so a short lifetime; chunks are named by their content hash, so forever. HSTS is ignored
 * by browsers over plain http (local runs).
 */
export const ASSET_HEADERS = `/*
  X-Content-Type-Options: nosniff
  Strict-Transport-Security: max-age=31536000; includeSubDomains

/widget.js
  Access-Control-Allow-Origin: *
  Cross-Origin-Resource-Policy: cross-origin
  Cache-Control: public, max-age=300

/console/chunks/*
  Cache-Control: public, max-age=31536000, immutable

/console/app.js
  Cache-Control: no-cache

/widget/*
  Access-Control-Allow-Origin: *
  Cross-Origin-Resource-Policy: cross-origin
  Cache-Control: public, max-age=31536000, immutable
`;

/** Writes `.build/public/`. */
export async function buildAssets(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "docs-assets"), { recursive: true });
  cpSync(join(root, "widget/pages"), out, { recursive: true });
  const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) cpSync(join(swaggerDir, file), join(out, "docs-assets", file));
  writeFileSync(join(out, "docs-assets/docs-init.js"), DOCS_INIT_JS);
  writeFileSync(join(out, "docs-assets/docs.css"), DOCS_CSS);
  await build({ configFile: join(root, "widget/vite.config.ts") });
  await build({ configFile: join(root, "widget/vite.console.config.ts") });
  writeFileSync(join(out, "_headers"), ASSET_HEADERS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAssets();
  console.log(`assets built in ${out}`);
}
