import { z } from "zod";
import { Timestamp } from "./common";
import { EVENT_TYPES } from "./events";

const EndpointUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .meta({
    description: "Where deliveries are POSTed. In production: https, to a public host name (no IP address, no localhost, private or metadata name); http and local addresses only outside production.",
    example: "https://example.com/quittance/webhooks",
  });

const EndpointEvents = z
  .array(z.enum(EVENT_TYPES))
  .min(1)
  .max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, "must not repeat an event type");

export const WebhookEndpointCreate = z
  .strictObject({
    url: EndpointUrl,
    events: EndpointEvents.optional().meta({ description: "Event types to receive (default: all)." }),
  })
  .meta({ id: "WebhookEndpointCreate" });

/** PATCH /v1/webhook_endpoints/:id: each given field replaces the stored one. */
export const WebhookEndpointUpdate = z
  .strictObject({
    url: EndpointUrl.optional(),
    events: EndpointEvents.nullable().optional().meta({ description: "Event types to receive; null receives them all." }),
    enabled: z.boolean().optional().meta({ description: "false stops deliveries; true re-enables (failure count reset, events from now on)." }),
  })
  .meta({ id: "WebhookEndpointUpdate" });

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    object: z.literal("webhook_endpoint"),
    url: z.string(),
    events: z.array(z.string()).nullable(),
    status: z.enum(["active", "disabled"]),
    consecutive_failures: z.int(),
    created: Timestamp,
    disabled_at: Timestamp.nullable(),
  })
  .meta({ id: "WebhookEndpoint" });

export const WebhookEndpointCreated = WebhookEndpointSchema.extend({
  secret: z.string().meta({ description: "The signing secret (`whsec_` and base64), shown once (at creation and at each rotation): verify the Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) with it, e.g. with the `standardwebhooks` libraries, or the deprecated Quittance-Signature." }),
}).meta({ id: "WebhookEndpointCreated" });

export const WebhookEndpointDeleted = z
  .object({ id: z.string(), object: z.literal("webhook_endpoint"), deleted: z.literal(true) })
  .meta({ id: "WebhookEndpointDeleted" });

export const WebhookAttemptSchema = z.object({
  attempt: z.int(),
  status_code: z.int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.int(),
  created: Timestamp,
});

export const WebhookDeliverySchema = z
  .object({
    id: z.string(),
    object: z.literal("webhook_delivery"),
    event: z.string(),
    event_type: z.string(),
    status: z.enum(["pending", "retrying", "succeeded", "failed", "skipped"]),
    attempts: z.int(),
    last_status_code: z.int().nullable(),
    next_attempt_at: Timestamp.nullable(),
    attempt_log: z.array(WebhookAttemptSchema),
    created: Timestamp,
  })
  .meta({ id: "WebhookDelivery" });
