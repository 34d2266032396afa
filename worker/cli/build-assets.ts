/**
 * Builds the static assets the Worker serves (git-ignored `.build/public/`): the widget bundle
 * (`widget.js`, with Vite), the pages under `widget/pages/`, and the API reference's JavaScript,
 * served from our own origin so `/docs` works offline and under a strict CSP.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { DOCS_CSS, DOCS_INIT_JS } from "../docs/page";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(root, ".build/public");

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
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildAssets();
  console.log(`assets built in ${out}`);
}
