import { OpenAPIHono } from "@hono/zod-openapi";
import { ProblemSchema } from "../../shared/schemas/common";
import type { AppEnv } from "./types";
import { MAX_BODY_BYTES } from "./body-guard";
import { validationHook } from "./validation";

/** A feature's sub-app: validation failures become problem+json through the shared hook. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** The JSON body part of a route definition (required: a non-JSON body is refused). */
export function jsonBody<T>(schema: T, required = true) {
  return { content: { "application/json": { schema } }, required };
}

/** A JSON response part of a route definition. */
export function jsonResponse<T>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** An error response: RFC 9457 problem+json (`code` is stable, `param` names the field at fault). */
export function problemResponse(description: string, headers?: Record<string, { description: string; schema: { type: "string" | "integer" } }>) {
  return { description, content: { "application/problem+json": { schema: ProblemSchema } }, ...(headers ? { headers } : {}) };
}

/** The error responses every authenticated route may answer. */
export const problemResponses = {
  400: problemResponse("Malformed request (broken JSON)."),
  401: problemResponse("No key, an unknown key, or an expired session.", {
    "WWW-Authenticate": { description: "Sent when the key is missing: `Bearer realm=\"quittance\"`.", schema: { type: "string" } },
  }),
  403: problemResponse("The key's scope or type does not allow this."),
  404: problemResponse("No such object (also for other merchants' objects)."),
  409: problemResponse("The object's state does not allow this, or an Idempotency-Key was reused."),
  422: problemResponse("A field breaks a rule; `param` names it."),
  429: problemResponse("Rate limited; retry after the number of seconds in Retry-After.", {
    "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } },
  }),
} as const;

/**
 * The error responses of every route that takes a body (`bodyGuard` runs on each POST, PUT and
 * PATCH under /v1). The document adds them to those operations itself (worker/docs/openapi.ts).
 */
export const bodyProblemResponses = {
  413: problemResponse(`The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`),
  415: problemResponse("A body that is not JSON (send `Content-Type: application/json`)."),
} as const;

/** The OpenAPI security requirement of secret-key routes. */
export const secretKeySecurity = [{ secretKey: [] }];
/** The OpenAPI security requirement of client routes. */
export const clientSessionSecurity = [{ clientSession: [] }];
