/**
 * The route table. Each feature is a sub-app mounted here; errors of every kind end in `onError`
 * as problem+json.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { ApiError, problemResponse } from "./errors";
import { bodyGuard, bodyLimit, MAX_BODY_BYTES, MAX_PROVIDER_WEBHOOK_BYTES } from "./lib/body-guard";
import { deploymentProblems, isDevelopment } from "./lib/environment";
import { securityHeaders } from "./lib/security-headers";
import type { AppEnv } from "./lib/types";
import { validationHook } from "./lib/validation";
import { client, sessions } from "./client/routes";
import { customers } from "./customers/routes";
import { creditNotes, invoiceCreditNotes } from "./credit-notes/routes";
import { mountDocs } from "./docs/routes";
import { events } from "./events/routes";
import { invoices } from "./invoices/routes";
import { payments } from "./payments/routes";
import { settings } from "./settings/routes";
import { clientStream, merchantStream } from "./realtime/routes";
import { webhooks } from "./webhooks/routes";
import { clientPayments } from "./payments/client-routes";
import { providerWebhooks } from "./payments/provider-webhooks";
import { sandboxRoutes } from "./sandbox/routes";
import { providerSettings } from "./settings/providers-routes";
import { devRoutes } from "./dev/routes";
import { consoleSessions } from "./console/routes";
import { payRoutes } from "./pay/routes";
import { reminderRoutes } from "./reminders/routes";
import { reminderPreviewRoutes } from "./reminders/preview-routes";
import { trackingRoutes } from "./reminders/tracking-routes";
import { csvExports } from "./exports/csv-routes";
import { collections } from "./reports/collections-routes";
import { agingRoutes } from "./reports/aging-routes";
import { fecRoutes } from "./exports/fec-routes";
import { creditNoteFacturx, invoiceFacturx } from "./facturx/xml-routes";
import { creditNotePdfRoutes, invoicePdfRoutes } from "./facturx/pdf-routes";
import { bankStatements } from "./bank-statements/routes";
import { consolePage } from "./console/page-routes";
import { MAX_STATEMENT_BYTES } from "./bank-statements/statement";

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use("*", async (c, next) => {
  const requestId = crypto.randomUUID();
  c.set("requestId", requestId);
  await next();
  c.res.headers.set("request-id", requestId);
});
app.use("*", securityHeaders);
/** Outside development, a deployment without its master key or public URL serves nothing, and says why. */
app.use("*", async (c, next) => {
  const problems = deploymentProblems(c.env);
  if (problems.length === 0) return next();
  console.error(JSON.stringify({ request_id: c.get("requestId"), path: c.req.path, error: `not serving, this deployment is misconfigured: ${problems.join("; ")}` }));
  return problemResponse(new ApiError("service_misconfigured", `This deployment is misconfigured and serves nothing until it is fixed: ${problems.join("; ")}.`), c.get("requestId"));
});
// Every body is capped while it streams, before any route, validator or signature check reads it.
app.use("/webhooks/*", bodyLimit(MAX_PROVIDER_WEBHOOK_BYTES));
app.use("/v1/bank_statements", bodyLimit(MAX_STATEMENT_BYTES));
app.use("*", bodyLimit(MAX_BODY_BYTES));
// A statement upload is a file (XML or OFX), not JSON: its route checks the type itself.
app.use("/v1/*", (c, next) => (c.req.method === "POST" && c.req.path.replace(/\/$/, "") === "/v1/bank_statements" ? next() : bodyGuard(c, next)));

app.get("/health", (c) => c.json({ ok: true }));

/** The demo pages need the dev-only routes: in production the root is a plain page pointing at the docs. */
const PRODUCTION_HOME = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Quittance</title></head>
<body><main><h1>Quittance</h1><p>Invoices your clients pay from your own website, and an API that tells you the moment they do.</p>
<p><a href="/docs">API reference</a> · <a href="/openapi.json">OpenAPI</a> · <a href="/widget.js">widget.js</a></p></main></body></html>`;
for (const path of ["/", "/index.html"]) {
  app.get(path, async (c) => {
    if (!isDevelopment(c.env)) return c.html(PRODUCTION_HOME);
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset);
  });
}
app.route("/v1/customers", customers);
app.route("/v1/invoices", invoices);
app.route("/v1/invoices", reminderRoutes);
app.route("/v1/reminders", reminderPreviewRoutes);
app.route("/v1/invoices", invoiceCreditNotes);
app.route("/v1/credit_notes", creditNotes);
app.route("/v1/invoices", invoiceFacturx);
app.route("/v1/credit_notes", creditNoteFacturx);
app.route("/v1/invoices", invoicePdfRoutes);
app.route("/v1/credit_notes", creditNotePdfRoutes);
app.route("/v1/payments", payments);
app.route("/v1/bank_statements", bankStatements);
app.route("/v1", merchantStream);
app.route("/v1", events);
app.route("/v1/client_sessions", sessions);
app.route("/v1/client", clientStream);
app.route("/v1/client", client);
app.route("/v1/client", clientPayments);
app.route("/v1/settings/providers", providerSettings);
app.route("/v1/settings", settings);
app.route("/v1/webhook_endpoints", webhooks);
app.route("/v1/exports", csvExports);
app.route("/v1/reports", collections);
app.route("/v1/reports", agingRoutes);
app.route("/v1/exports", fecRoutes);
app.route("/webhooks", providerWebhooks);
app.route("/sandbox", sandboxRoutes);
app.route("/pay", payRoutes);
app.route("/t", trackingRoutes);
app.route("/dev", devRoutes);
app.route("/v1/console", consoleSessions);
app.route("/", consolePage);
mountDocs(app);

/** Path patterns of every route, to tell a wrong method (405) from an unknown path (404). */
function allowedMethods(path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL") continue;
    const pattern = new RegExp(`^${route.path.replace(/\/:[^/]+/g, "/[^/]+").replace(/\/\*$/, "(/.*)?")}/?$`);
    if (pattern.test(path)) methods.add(route.method);
  }
  return [...methods];
}

app.notFound(async (c) => {
  const requestId = c.get("requestId");
  const methods = allowedMethods(c.req.path);
  if (methods.length > 0) {
    return problemResponse(
      new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(", ")}.`, undefined, { allow: methods.join(", ") }),
      requestId,
    );
  }
  if (!c.req.path.startsWith("/v1/") && c.req.method === "GET" && c.env.ASSETS) {
    const asset = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(asset.body, asset); // a copy: the asset's own headers are immutable
  }
  return problemResponse(new ApiError("route_not_found", `No route ${c.req.method} ${c.req.path}. See /docs.`), requestId);
});

app.onError((error, c) => {
  const requestId = c.get("requestId");
  if (error instanceof ApiError) return problemResponse(error, requestId);
  if (error instanceof HTTPException && error.status === 400) {
    return problemResponse(new ApiError("malformed_json", `The body is not valid JSON: ${error.message}.`), requestId);
  }
  // @hono/zod-openapi's media-type gate (a Content-Type its JSON pattern refuses, e.g. `text/plain` with an empty body).
  if (error instanceof HTTPException && error.status === 415) {
    return problemResponse(
      new ApiError("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.", "Content-Type"),
      requestId,
    );
  }
  console.error(JSON.stringify({ request_id: requestId, path: c.req.path, error: error instanceof Error ? error.stack : String(error) }));
  return problemResponse(new ApiError("internal_error", "Something went wrong on our side; retry, and quote the request id if it persists."), requestId);
});
