/**
 * The `/docs` page: Swagger UI served entirely from our own origin (`/docs-assets/`, written by
 * worker/cli/build-assets.ts), so the page runs under a strict Content-Security-Policy: no inline
 * script or style, no third-party origin. A secret key pasted into "Authorize" stays in the page's
 * memory: it is never persisted (`persistAuthorization: false`), and a key an earlier version of
 * the page left in localStorage is wiped.
 */

/** The page's policy: scripts, styles and requests to our own origin only; images also as data: URLs (Swagger UI's icons). */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Quittance API reference</title>
  <link rel="stylesheet" href="/docs-assets/swagger-ui.css">
  <link rel="stylesheet" href="/docs-assets/docs.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs-assets/swagger-ui-bundle.js"></script>
  <script src="/docs-assets/docs-init.js"></script>
</body>
</html>`;

/** `/docs-assets/docs.css`. */
export const DOCS_CSS = "body { margin: 0 } .topbar { display: none }\n";

/**
 * `/docs-assets/docs-init.js`. `validatorUrl: null`: Swagger UI would otherwise load a badge from
 * validator.swagger.io (refused by the policy, and it would tell a third party our document's URL).
 */
export const DOCS_INIT_JS = `try { window.localStorage.removeItem("authorized"); } catch (error) { /* storage disabled */ }
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  tryItOutEnabled: true,
  persistAuthorization: false,
  validatorUrl: null,
});
`;
