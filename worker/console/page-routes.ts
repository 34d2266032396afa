/**
 * The console's HTML page: `/console` and every deep link under it answer the same shell page, in
 * every environment, with a strict CSP and no caching. Its JavaScript (`/console/app.js`, hashed
 * chunks under `/console/chunks/`) is served as static assets (widget/vite.console.config.ts).
 */
import { Hono } from "hono";
import type { AppEnv } from "../lib/types";

/** The console's Content-Security-Policy: own origin only, no inline script, no framing. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The page: a loading line, replaced by the app once `/console/app.js` runs. */
export const CONSOLE_HTML = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>Console — Quittance</title><script type="module" src="/console/app.js"></script></head>
<body><qc-app><p>Chargement de la console…</p></qc-app><noscript>La console a besoin de JavaScript. / The console needs JavaScript.</noscript></body></html>`;

/**
 * Mounted at the root: GET /console and /console/*.
 * @example app.route("/", consolePage);
 */
export const consolePage = new Hono<AppEnv>();

consolePage.get("/console", () => page());
consolePage.get("/console/*", async (c) => {
  // The app's own files are static assets; only reach here when the asset layer did not answer.
  if (/\.(js|css|map)$/.test(c.req.path) && c.env.ASSETS) {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset);
  }
  return page();
});

function page(): Response {
  return new Response(CONSOLE_HTML, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CONSOLE_CSP,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    },
  });
}
