/**
 * Server-Sent Events: `GET /v1/events/stream` (secret key: all the merchant's events) and
 * `GET /v1/client/stream` (client session: that customer's invoices and payments). Resume with the
 * `Last-Event-ID` header (browsers send it by themselves on reconnect) or `?after=<event id>`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireClientSession, requireSecretKey } from "../auth/middleware";
import { clientCors, requireAllowedOrigin } from "../auth/cors";
import { seqOfEventId } from "../events/log";
import { ApiError } from "../errors";
import { openEventStream, type ResumeCursor } from "./open";
import { clientSessionSecurity, createRouter, problemResponse, problemResponses, secretKeySecurity } from "../lib/router";
import type { AppEnv } from "../lib/types";
import type { Context } from "hono";

const StreamQuery = z.object({
  after: z.string().max(64).optional().meta({ description: "Resume after this event id (the Last-Event-ID header wins when both are sent)." }),
});

const sseResponse = {
  200: { content: { "text/event-stream": { schema: z.string() } }, description: "An SSE stream: `id:` is the event id, `event:` its type, `data:` the event as JSON." },
  ...problemResponses,
  410: problemResponse("The resume cursor is too far behind (stream_resume_too_old): page GET /v1/events?after= first, then reconnect."),
  429: problemResponse("Rate limited, or too many open streams for this session or key (too_many_streams); see Retry-After.", {
    "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } },
  }),
};

/** Where to resume, from Last-Event-ID or ?after=, or null to start live. */
function resumeCursor(c: Context<AppEnv>, after: string | undefined): { seq: number; cursor: ResumeCursor } | null {
  const header = c.req.header("last-event-id")?.trim();
  const eventId = header || after;
  if (eventId === undefined || eventId === "") return null;
  const param = header ? "Last-Event-ID" : "after";
  const seq = seqOfEventId(eventId);
  if (seq === null) throw new ApiError("parameter_invalid", "Last-Event-ID / after must be an event id (evt_…).", param);
  return { seq, cursor: { eventId, param } };
}

export const merchantStream = createRouter();
merchantStream.openapi(
  createRoute({
    method: "get", path: "/events/stream", tags: ["Events"], security: secretKeySecurity,
    summary: "Server-Sent Events of every change; resumes from Last-Event-ID; keep-alive comment every 15 s",
    middleware: [requireSecretKey("read")] as const,
    request: { query: StreamQuery },
    responses: sseResponse,
  }),
  async (c) => {
    const caller = c.get("caller");
    const resume = resumeCursor(c, c.req.valid("query").after);
    return openEventStream(c.env, {
      merchantId: caller.merchantId,
      audience: { kind: "merchant" },
      afterSeq: resume?.seq ?? null,
      expiresAt: null,
      sessionHash: null,
      keyId: caller.kind === "secret" ? caller.keyId : null,
      consoleSessionId: caller.kind === "secret" ? caller.consoleSessionId ?? null : null,
    }, { resume: resume?.cursor, background: c.executionCtx });
  },
);

export const clientStream = createRouter();
clientStream.openapi(
  createRoute({
    method: "get", path: "/stream", tags: ["Client"], security: clientSessionSecurity,
    summary: "Server-Sent Events of the session's customer's invoices and payments",
    // clientCors here too: this router is mounted before the client router, whose clientCors never runs for the stream.
    middleware: [clientCors, requireClientSession, requireAllowedOrigin] as const,
    request: { query: StreamQuery },
    responses: sseResponse,
  }),
  async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") throw new Error("client route without a client session");
    const resume = resumeCursor(c, c.req.valid("query").after);
    return openEventStream(c.env, {
      merchantId: caller.merchantId,
      audience: { kind: "customer", customerId: caller.customerId, invoiceId: caller.invoiceId },
      afterSeq: resume?.seq ?? null,
      expiresAt: caller.expiresAt,
      sessionHash: caller.sessionHash,
      keyId: null,
    }, { resume: resume?.cursor, background: c.executionCtx });
  },
);
