/**
 * The CSRF defence of cookie-authenticated requests: every method other than GET/HEAD needs the
 * header `Quittance-Console: 1` (a cross-site form cannot send a custom header, and a cross-site
 * fetch with one needs a CORS preflight no response ever grants) and an `Origin` equal to the
 * Worker's own (PUBLIC_URL outside development, the request's own origin in development).
 */
import { ApiError } from "../errors";
import { isDevelopment, publicUrl } from "../lib/environment";

/**
 * The one origin console writes may come from.
 * @example consoleOrigin(env, request.url) // "https://quittance.example"
 */
export function consoleOrigin(env: Env, requestUrl: string): string {
  return isDevelopment(env) ? new URL(requestUrl).origin : publicUrl(env, requestUrl);
}

/**
 * Throws 403 unless the request may change state with the console cookie (GET/HEAD always may).
 * @example requireConsoleWriteHeaders(c.env, c.req.raw)
 */
export function requireConsoleWriteHeaders(env: Env, request: Request): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  if (request.headers.get("quittance-console") !== "1") {
    throw new ApiError("csrf_header_missing", "Console writes must send the header 'Quittance-Console: 1'.", "Quittance-Console");
  }
  requireConsoleOrigin(env, request);
}

/**
 * Throws 403 `origin_not_allowed` unless the request's Origin is the Worker's own.
 * @example requireConsoleOrigin(c.env, c.req.raw)
 */
export function requireConsoleOrigin(env: Env, request: Request): void {
  const origin = request.headers.get("origin");
  if (origin === null || origin !== consoleOrigin(env, request.url)) {
    throw new ApiError("origin_not_allowed", "The console accepts this request only from its own origin.", "Origin");
  }
}
