/**
 * CORS for client endpoints. A browser may call them only from an origin the merchant listed in
 * `settings.allowed_origins`. Preflights are answered for origins some merchant allows (the
 * preflight carries no credentials, so the merchant is not known yet); the real request is then
 * refused with 403 unless the session's own merchant allows that origin, before anything runs.
 * Same-origin pages (the hosted pay page, the demo) need no CORS.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { originAllowed } from "./queries";

const ALLOWED_HEADERS = "authorization, content-type, idempotency-key, last-event-id";

function crossOrigin(request: Request): string | null {
  const origin = request.headers.get("origin");
  if (origin === null || origin === new URL(request.url).origin) return null;
  return origin;
}

/** Answers preflights and adds CORS headers to responses for allowed origins. Mount first. */
export const clientCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = crossOrigin(c.req.raw);
  if (origin === null) return next();
  if (c.req.method === "OPTIONS") {
    if (!(await originAllowed(c.env.DB, origin))) {
      throw new ApiError("origin_not_allowed", `Origin ${origin} is not allowed; add it to settings.allowed_origins.`, "Origin");
    }
    return c.body(null, 204, {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": "600",
      vary: "Origin",
    });
  }
  await next();
  const caller = c.get("caller") as AppEnv["Variables"]["caller"] | undefined;
  if (await originAllowed(c.env.DB, origin, caller?.merchantId)) {
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.set("access-control-expose-headers", "etag, retry-after, request-id");
  }
  c.res.headers.append("vary", "Origin");
});

/** After authentication: refuses a cross-origin call from an origin the session's merchant does not allow. */
export const requireAllowedOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = crossOrigin(c.req.raw);
  if (origin !== null && !(await originAllowed(c.env.DB, origin, c.get("caller").merchantId))) {
    throw new ApiError("origin_not_allowed", `Origin ${origin} is not allowed for this merchant; add it to settings.allowed_origins.`, "Origin");
  }
  await next();
});
