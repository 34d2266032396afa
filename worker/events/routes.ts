import { createRoute, z } from "@hono/zod-openapi";
import { EventListQuery, EventSchema } from "../../shared/schemas/events";
import { listOf } from "../../shared/schemas/common";
import { requireSecretKey } from "../auth/middleware";
import { sealChain, verifyChain } from "./chain";
import { eventId, seqOfEventId, serializeEvent } from "./log";
import { listEvents } from "./queries";
import { ApiError } from "../errors";
import { createRouter, jsonResponse, problemResponses, secretKeySecurity } from "../lib/router";

const events = createRouter();

events.openapi(
  createRoute({
    method: "get", path: "/events", tags: ["Events"], security: secretKeySecurity,
    summary: "Every change, in order; page with ?after=<last event id>",
    middleware: [requireSecretKey("read")] as const,
    request: { query: EventListQuery },
    responses: { 200: jsonResponse(listOf(EventSchema), "Events after the cursor, oldest first."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    const query = c.req.valid("query");
    let afterSeq = 0;
    if (query.after !== undefined) {
      const seq = seqOfEventId(query.after);
      if (seq === null) throw new ApiError("parameter_invalid", "after must be an event id (evt_…).", "after");
      afterSeq = seq;
    }
    const results = await listEvents(c.env.DB, merchantId, { afterSeq, type: query.type, invoice: query.invoice, limit: query.limit });
    const hasMore = results.length > query.limit;
    const kept = hasMore ? results.slice(0, query.limit) : results;
    const last = kept[kept.length - 1];
    return c.json({ data: kept.map(serializeEvent), has_more: hasMore, next: last ? eventId(last) : (query.after ?? null) }, 200);
  },
);

const ChainReportSchema = z
  .object({
    ok: z.boolean(),
    events_checked: z.int(),
    unsealed: z.int(),
    first_broken: z.object({ event: z.string(), event_seq: z.int(), reason: z.string() }).nullable(),
  })
  .meta({ id: "ChainReport" });

events.openapi(
  createRoute({
    method: "get", path: "/audit/chain", tags: ["Events"], security: secretKeySecurity,
    summary: "Verify the hash chain of your event log; names the first broken link",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(ChainReportSchema, "The verification report."), ...problemResponses },
  }),
  async (c) => {
    const { merchantId } = c.get("caller");
    await sealChain(c.env.DB, merchantId);
    return c.json(await verifyChain(c.env.DB, merchantId), 200);
  },
);

export { events };
