import { createRoute, z } from "@hono/zod-openapi";
import { EventListQuery, EventSchema } from "../../shared/schemas/events";
import { listOf } from "../../shared/schemas/common";
import { requireSecretKey } from "../auth/middleware";
import { auditChain } from "./checkpoint";
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

const CheckpointSource = z.enum(["hub", "database", "given"]);

const ChainReportSchema = z
  .object({
    ok: z.boolean().meta({ description: "The chain links, and matches the latest signed checkpoint." }),
    events_checked: z.int(),
    unsealed: z.int().meta({ description: "Recent events not sealed yet (after the checkpoint)." }),
    first_broken: z
      .object({ event: z.string(), event_seq: z.int(), reason: z.enum(["hash_mismatch", "prev_hash_mismatch", "sealed_after_unsealed", "unsealed_before_checkpoint"]) })
      .nullable(),
    checkpoint: z
      .object({
        event_seq: z.int(), hash: z.string(), count: z.int(), signed_at: z.string(), source: CheckpointSource,
        status: z.enum(["holds", "truncated", "resealed"]).meta({ description: "truncated: events up to the checkpoint were deleted; resealed: the checkpointed event no longer has the signed hash." }),
      })
      .nullable()
      .meta({ description: "The latest signed checkpoint of the chain head the log was checked against (null before the first one)." }),
    rejected_checkpoints: z
      .array(z.object({ source: CheckpointSource, seq: z.int().nullable(), reason: z.literal("signature_invalid") }))
      .meta({ description: "Checkpoints found whose signature does not hold (written without the key)." }),
  })
  .meta({ id: "ChainReport" });

events.openapi(
  createRoute({
    method: "get", path: "/audit/chain", tags: ["Events"], security: secretKeySecurity,
    summary: "Verify the hash chain of your event log against its latest signed checkpoint; names the first broken link (reads only)",
    middleware: [requireSecretKey("read")] as const,
    responses: { 200: jsonResponse(ChainReportSchema, "The verification report."), ...problemResponses },
  }),
  async (c) => {
    return c.json(await auditChain(c.env, c.get("caller").merchantId), 200);
  },
);

export { events };
