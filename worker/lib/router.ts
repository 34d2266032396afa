import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./types";
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

/** The error responses every authenticated route may answer. */
export const problemResponses = {
  400: { description: "Malformed request (broken JSON)." },
  401: { description: "No key, an unknown key, or an expired session." },
  403: { description: "The key's scope or type does not allow this." },
  404: { description: "No such object (also for other merchants' objects)." },
  409: { description: "The object's state does not allow this, or an Idempotency-Key was reused." },
  422: { description: "A field breaks a rule; `param` names it." },
  429: { description: "Rate limited; see Retry-After." },
} as const;

/** The OpenAPI security requirement of secret-key routes. */
export const secretKeySecurity = [{ secretKey: [] }];
/** The OpenAPI security requirement of client routes. */
export const clientSessionSecurity = [{ clientSession: [] }];
