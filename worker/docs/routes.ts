/** `/openapi.json` (generated from the same zod schemas that validate requests) and `/docs`. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { ProblemSchema } from "../../shared/schemas/common";
import { publicUrl } from "../lib/environment";
import type { AppEnv } from "../lib/types";
import { finishDocument } from "./openapi";
import { DOCS_CSP, DOCS_PAGE } from "./page";

const INFO = {
  title: "Quittance API",
  version: "1.0.0",
  description:
    "Invoices, payments and their status in real time. Money is an integer count of the currency's minor unit. Errors are RFC 9457 problem+json with a stable `code` and the offending `param`.",
};

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
  app.openAPIRegistry.registerComponent("securitySchemes", "consoleCookie", {
    type: "apiKey",
    in: "cookie",
    name: "__Host-quittance_console",
    description: "A console session (POST /v1/console/session); writes also need 'Quittance-Console: 1' and the Worker's Origin.",
  });
  app.openAPIRegistry.register("Problem", ProblemSchema);

  // The routes do not change once the app is built: the document is generated once, only `servers` follows the request.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= finishDocument(app.getOpenAPI31Document({ openapi: "3.1.0", info: INFO }), app.routes);
    return c.json({ ...document, servers: [{ url: publicUrl(c.env, c.req.url) }] });
  });
  app.get("/docs", (c) => {
    c.header("content-security-policy", DOCS_CSP);
    c.header("referrer-policy", "no-referrer");
    c.header("x-content-type-options", "nosniff");
    return c.html(DOCS_PAGE);
  });
}
