/**
 * Console sign-in: `POST /v1/console/session` (a secret key or a one-time link → an HttpOnly cookie),
 * `GET` (who is signed in), `DELETE` (sign out). The cookie then authenticates every merchant route
 * (worker/auth/middleware.ts), with the CSRF header and Origin checked on writes.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireConsoleOrigin, requireConsoleWriteHeaders } from "../auth/console-guard";
import {
  consoleCookie, consoleSessionFor, consoleSessionView, consoleToken, limitedSignIn, signIn, signOut,
} from "../auth/console-sessions";
import { ApiError } from "../errors";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "../lib/router";

const ConsoleSessionCreate = z
  .union([
    z.object({ key: z.string().min(1).max(200).meta({ example: "sk_test_…" }) }).strict(),
    z.object({ link: z.string().min(1).max(200).meta({ example: "qcl_…" }) }).strict(),
  ])
  .meta({ id: "ConsoleSessionCreate" });

const ConsoleSession = z
  .object({
    object: z.literal("console_session"),
    merchant: z.object({ id: z.string(), name: z.string() }),
    scope: z.enum(["full", "read_only"]),
    expires_at: z.string().meta({ description: "Absolute end of the session (12 h after sign-in)." }),
    idle_expires_at: z.string().meta({ description: "End of the session if nothing is asked before (2 h idle)." }),
  })
  .meta({ id: "ConsoleSession" });

const cookieSecurity = [{ consoleCookie: [] }];

export const consoleSessions = createRouter();

consoleSessions.openapi(
  createRoute({
    method: "post", path: "/session", tags: ["Console"],
    summary: "Sign in to the console with a secret key or a one-time sign-in link; answers the session and sets its cookie",
    description: "Same-origin only (Origin must be the Worker's own). Rate limited per address: past 10 failed attempts in a minute, 429. The cookie is `__Host-quittance_console` (HttpOnly, Secure, SameSite=Strict).",
    request: { body: jsonBody(ConsoleSessionCreate) },
    responses: { 201: jsonResponse(ConsoleSession, "Signed in; Set-Cookie carries the session."), ...problemResponses },
  }),
  async (c) => {
    requireConsoleOrigin(c.env, c.req.raw);
    const { token, row } = await limitedSignIn(c.env.DB, c.req.header("cf-connecting-ip") ?? "local", new Date(), () => signIn(c.env.DB, c.req.valid("json"), new Date()));
    c.header("set-cookie", consoleCookie(token));
    c.header("cache-control", "no-store");
    return c.json(consoleSessionView(row), 201);
  },
);

consoleSessions.openapi(
  createRoute({
    method: "get", path: "/session", tags: ["Console"], security: cookieSecurity,
    summary: "The console session the cookie carries (401 console_session_missing / console_session_expired)",
    responses: { 200: jsonResponse(ConsoleSession, "The session."), ...problemResponses },
  }),
  async (c) => {
    const token = consoleToken(c.req.header("cookie"));
    if (token === null) throw new ApiError("console_session_missing", "Not signed in to the console.", "Cookie");
    c.header("cache-control", "no-store");
    return c.json(consoleSessionView(await consoleSessionFor(c.env.DB, token, new Date())), 200);
  },
);

consoleSessions.openapi(
  createRoute({
    method: "delete", path: "/session", tags: ["Console"], security: cookieSecurity,
    summary: "Sign out: the session is revoked and its cookie cleared (needs Quittance-Console: 1 and the Worker's Origin)",
    responses: { 204: { description: "Signed out." }, ...problemResponses },
  }),
  async (c) => {
    requireConsoleWriteHeaders(c.env, c.req.raw);
    const token = consoleToken(c.req.header("cookie"));
    if (token !== null) {
      try {
        await signOut(c.env.DB, (await consoleSessionFor(c.env.DB, token, new Date())).id, new Date());
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
    c.header("set-cookie", consoleCookie(null));
    return c.body(null, 204);
  },
);
