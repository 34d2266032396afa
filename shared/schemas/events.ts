import { z } from "zod";
import { Timestamp } from "./common";

export const EVENT_TYPES = [
  "customer.created",
  "customer.updated",
  "invoice.created",
  "invoice.updated",
  "invoice.issued",
  "invoice.viewed",
  "invoice.payment_processing",
  "invoice.payment_failed",
  "invoice.partially_paid",
  "invoice.paid",
  "invoice.reopened",
  "invoice.overdue",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "credit_note.issued",
  "payment.succeeded",
  "payment.failed",
  "payment.refunded",
  "payment.disputed",
  "credit_note.issued",
  "reminder.sent",
  "reminder.opened",
  "reminder.clicked",
  "settings.updated",
  "webhook_endpoint.disabled",
] as const;
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
