/**
 * Headers every response of the Worker carries: `X-Content-Type-Options: nosniff` (a JSON answer
 * or a problem is never run as a script or a style by a page that points a tag at it), and HSTS
 * when the request came over https (browsers ignore it over plain http anyway, and local runs are
 * http). Static assets served without the Worker get the same from the `_headers` file the build
 * writes (worker/cli/build-assets.ts).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./types";

/** One year, this host and its subdomains; not preloaded (that is the deployer's choice). */
export const HSTS = "max-age=31536000; includeSubDomains";

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("x-content-type-options", "nosniff");
  if (new URL(c.req.url).protocol === "https:") c.res.headers.set("strict-transport-security", HSTS);
});
