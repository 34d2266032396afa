import { z } from "zod";
import { Timestamp } from "./common";
import { EVENT_TYPES } from "../event-types";

export { EVENT_TYPES };
export type EventType = (typeof EVENT_TYPES)[number];

export const EventSchema = z
  .object({
    id: z.string().meta({ description: "Sorts in creation order; use it as the `after` cursor." }),
    object: z.literal("event"),
    type: z.enum(EVENT_TYPES),
    created: Timestamp,
    invoice: z.string().nullable(),
    payment: z.string().nullable(),
    customer: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" });

export const EventListQuery = z.object({
  after: z.string().max(64).optional().meta({ description: "Events strictly after this event id (default: from the start)." }),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  type: z.enum(EVENT_TYPES).optional(),
  invoice: z.string().max(64).optional(),
});

export type ApiEvent = z.infer<typeof EventSchema>;
