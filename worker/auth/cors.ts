/**
 * CORS for the routes a merchant's page calls through the widget. A browser may call them only
 * from an origin the merchant listed in `settings.allowed_origins`. On client endpoints, preflights
 * are answered for origins some merchant allows (the preflight carries no credentials, so the
 * merchant is not known yet); the real request is then refused with 403 unless the session's own
 * merchant allows that origin, before anything runs. Where the URL itself names the merchant (the
 * sandbox's card form, by its token), `merchantCors` checks that merchant's origins at once.
 * Same-origin pages (the hosted pay page, the demo) need no CORS.
 */
import type { Context } from "hono";
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

function notAllowed(origin: string, merchantKnown: boolean): ApiError {
  return new ApiError(
    "origin_not_allowed",
    `Origin ${origin} is not allowed${merchantKnown ? " for this merchant" : ""}; add it to settings.allowed_origins.`,
    "Origin",
  );
}

function preflightResponse(c: Context<AppEnv>, origin: string): Response {
  return c.body(null, 204, {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-max-age": "600",
    vary: "Origin",
  });
}

function exposeTo(response: Response, origin: string): void {
  response.headers.set("access-control-allow-origin", origin);
  response.headers.set("access-control-expose-headers", "etag, retry-after, request-id");
}

/** Answers preflights and adds CORS headers to responses for allowed origins. Mount first. */
export const clientCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = crossOrigin(c.req.raw);
  if (origin === null) return next();
  if (c.req.method === "OPTIONS") {
    if (!(await originAllowed(c.env.DB, origin))) throw notAllowed(origin, false);
    return preflightResponse(c, origin);
  }
  await next();
  const caller = c.get("caller") as AppEnv["Variables"]["caller"] | undefined;
  if (await originAllowed(c.env.DB, origin, caller?.merchantId)) exposeTo(c.res, origin);
  c.res.headers.append("vary", "Origin");
});

/**
 * CORS for a route whose URL names its merchant without credentials: the preflight and the
 * request are answered only for that merchant's allowed origins, and a request from any other
 * origin is refused with 403 before the handler runs. When the URL names no known merchant (an
 * unknown token), origins some merchant allows may read the handler's own answer (a 404).
 *
 * @example sandboxRoutes.use("/pay/:token", merchantCors((c) => sandboxMerchantOf(c.env.DB, c.req.param("token"))))
 */
export function merchantCors(merchantOf: (c: Context<AppEnv>) => Promise<string | null>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = crossOrigin(c.req.raw);
    if (origin === null) return next();
    const merchantId = await merchantOf(c);
    if (!(await originAllowed(c.env.DB, origin, merchantId ?? undefined))) throw notAllowed(origin, merchantId !== null);
    if (c.req.method === "OPTIONS") return preflightResponse(c, origin);
    await next();
    exposeTo(c.res, origin);
    c.res.headers.append("vary", "Origin");
  });
}

/** After authentication: refuses a cross-origin call from an origin the session's merchant does not allow. */
export const requireAllowedOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = crossOrigin(c.req.raw);
  if (origin !== null && !(await originAllowed(c.env.DB, origin, c.get("caller").merchantId))) throw notAllowed(origin, true);
  await next();
});
