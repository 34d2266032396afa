/** `/openapi.json` (generated from the same zod schemas that validate requests) and `/docs`. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { publicUrl } from "../lib/environment";
import type { AppEnv } from "../lib/types";

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Quittance API reference</title>
  <link rel="stylesheet" href="/docs-assets/swagger-ui.css">
  <style>body { margin: 0 } .topbar { display: none }</style>
</head>
<body>
  <div id="reference"></div>
  <script src="/docs-assets/swagger-ui-bundle.js"></script>
  <script src="/docs-assets/docs-init.js"></script>
</body>
</html>`;

export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "secretKey", {
    type: "http",
    scheme: "bearer",
    description: "A secret key: sk_test_… / sk_live_… (full access) or sk_…_ro_… (read-only).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "clientSession", {
    type: "http",
    scheme: "bearer",
    description: "A client session (cs_…) minted by POST /v1/client_sessions.",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Quittance API",
      version: "1.0.0",
      description:
        "Invoices, payments and their status in real time. Money is an integer count of the currency's minor unit. Errors are RFC 9457 problem+json with a stable `code` and the offending `param`.",
    },
    servers: [{ url: publicUrl(c.env, c.req.url) }],
  }));
  app.get("/docs", (c) => c.html(DOCS_PAGE));
}
