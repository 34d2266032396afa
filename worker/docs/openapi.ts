/**
 * The finishing pass over the generated OpenAPI document: what the route definitions do not say
 * one by one, said once here for every operation, so typed clients (openapi-typescript,
 * openapi-fetch) see what the Worker really answers:
 *
 * - an `operationId` on every operation (a route's own wins), derived from its method and path;
 * - problem+json content on every error response (a route may declare a bare 502: it still answers
 *   a problem), and 413/415 on every operation that takes a body (`bodyGuard` checks each POST,
 *   PUT and PATCH under /v1);
 * - the `Idempotency-Key` header on the operations that run the idempotency middleware (read from
 *   the route table, not from a list kept by hand), with `Idempotent-Replayed` on their answers;
 * - `If-None-Match` and `ETag` on conditional GETs (those that declare a 304);
 * - `Last-Event-ID` on Server-Sent Event streams (those that answer `text/event-stream`).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RouterRoute } from "hono/types";
import { idempotency } from "../db/idempotency";
import { bodyProblemResponses } from "../lib/router";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type PathItem = NonNullable<Document["paths"]>[string];
type Operation = NonNullable<PathItem["get"]>;
type Responses = NonNullable<Operation["responses"]>;
type ResponseObject = Responses[string];
type Parameter = NonNullable<Operation["parameters"]>[number];
type Components = NonNullable<Document["components"]>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const BODY_METHODS = new Set(["post", "put", "patch"]);
const PROBLEM = { $ref: "#/components/schemas/Problem" };

const PARAMETERS = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "1–255 characters chosen by the client. A retry with the same key and the same body answers the first response again (with `Idempotent-Replayed: true`) without acting twice; the same key with another body is a 409. Kept 48 h.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  },
  IfNoneMatch: {
    name: "If-None-Match",
    in: "header",
    required: false,
    description: "The ETag of the last answer: 304 while nothing changed (with `?wait=`, the request waits for a change first).",
    schema: { type: "string" },
  },
  LastEventId: {
    name: "Last-Event-ID",
    in: "header",
    required: false,
    description: "Resume after this event id (`evt_…`); browsers send it by themselves on reconnect. Wins over `?after=`.",
    schema: { type: "string", maxLength: 64 },
  },
} satisfies Components["parameters"];

const HEADERS = {
  ETag: { description: "Changes whenever the body would change; send it back in If-None-Match.", schema: { type: "string" } },
  IdempotentReplayed: { description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.", schema: { type: "string", enum: ["true"] } },
} satisfies Components["headers"];

const ref = (kind: "parameters" | "headers", name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** `/v1/invoices/:id/status` → `/v1/invoices/{id}/status` (Hono's path syntax to OpenAPI's). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/\/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "/{$1}");
}

const pascal = (word: string) =>
  word
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");

/**
 * The operationId of an operation without one: the method, then each path segment after `/v1` in
 * PascalCase, a path parameter as `By<Name>`. `GET /v1/invoices/{id}/status` →
 * `getInvoicesByIdStatus`, `POST /v1/customers` → `postCustomers`. Stable as long as the path is.
 */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split("/").filter(Boolean);
  if (segments[0] === "v1") segments.shift();
  return method.toLowerCase() + segments.map((segment) => (/^\{.+\}$/.test(segment) ? `By${pascal(segment.slice(1, -1))}` : pascal(segment))).join("");
}

/** The `METHOD /openapi/path` of every route whose handler chain holds this middleware. */
function routesUsing(routes: readonly RouterRoute[], middleware: unknown): Set<string> {
  const found = new Set<string>();
  for (const route of routes) {
    // A sub-app mounted on a parent with its own error handler wraps each handler, keeping the original here.
    const handler = route.handler as { __COMPOSED_HANDLER?: unknown };
    if (route.handler === middleware || handler.__COMPOSED_HANDLER === middleware) found.add(`${route.method.toUpperCase()} ${openApiPath(route.path)}`);
  }
  return found;
}

function addParameter(operation: Operation, name: keyof typeof PARAMETERS): void {
  const parameters = (operation.parameters ??= []);
  const header = PARAMETERS[name].name.toLowerCase();
  const present = parameters.some((parameter: Parameter) => "$ref" in parameter ? parameter.$ref === ref("parameters", name).$ref : parameter.in === "header" && parameter.name.toLowerCase() === header);
  if (!present) parameters.push(ref("parameters", name));
}

function addHeader(response: ResponseObject, name: keyof typeof HEADERS, header: string): void {
  if ("$ref" in response) return;
  response.headers = { ...response.headers, [header]: ref("headers", name) };
}

const isError = (status: string) => status === "default" || /^[45]/.test(status);

/** Completes the document in place and returns it. */
export function finishDocument(document: Document, routes: readonly RouterRoute[]): Document {
  const idempotent = routesUsing(routes, idempotency);
  const components = (document.components ??= {});
  components.parameters = { ...components.parameters, ...PARAMETERS };
  components.headers = { ...components.headers, ...HEADERS };
  const taken = new Set<string>();

  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const responses = (operation.responses ??= {});

      let operationId = operation.operationId ?? operationIdOf(method, path);
      for (let suffix = 2; taken.has(operationId); suffix += 1) operationId = `${operation.operationId ?? operationIdOf(method, path)}${suffix}`;
      taken.add(operationId);
      operation.operationId = operationId;

      if (BODY_METHODS.has(method) && path.startsWith("/v1/")) {
        for (const [status, { description }] of Object.entries(bodyProblemResponses)) responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!isError(status) || "$ref" in response || response.content !== undefined) continue;
        response.content = { "application/problem+json": { schema: PROBLEM } };
      }
      if (idempotent.has(`${method.toUpperCase()} ${path}`)) {
        addParameter(operation, "IdempotencyKey");
        for (const [status, response] of Object.entries(responses)) if (/^2/.test(status)) addHeader(response, "IdempotentReplayed", "Idempotent-Replayed");
      }
      if (responses["304"] !== undefined) {
        addParameter(operation, "IfNoneMatch");
        for (const status of ["200", "304"]) if (responses[status] !== undefined) addHeader(responses[status], "ETag", "ETag");
      }
      const ok = responses["200"];
      if (ok !== undefined && !("$ref" in ok) && ok.content?.["text/event-stream"] !== undefined) addParameter(operation, "LastEventId");
    }
  }
  return document;
}
