/**
 * Turns committed events into webhook deliveries. Run by the merchant's hub after each pump, so
 * deliveries follow the log's order; the hub keeps its cursor in its own storage. A delivery is
 * unique per (endpoint, event): a repeated fan-out cannot create the same delivery twice.
 *
 * The hub makes each delivery's first attempt itself, at once (./lanes.ts). So that a delivery is
 * still sent when the hub goes away before trying it (evicted, restarted, a deploy), each one is
 * also queued as a delayed "backstop" message, which sends it only if it was never attempted; the
 * cursor moves only after those messages are queued, and a fan-out that runs again over the same
 * events hands back the deliveries never attempted. At least once, whatever fails where.
 */
import type { EventRow } from "../events/log";
import { newId } from "../lib/crypto";

const PAGE = 200;
/**
 * How long a delivery waits in the queue before the queue tries it, if the hub has not: longer
 * than a first attempt takes (10 s timeout) with some behind it on the same endpoint.
 */
export const BACKSTOP_DELAY_SECONDS = 60;

interface EndpointRow {
  id: string;
  url: string;
  secret: string;
  events: string | null;
  start_seq: number;
}

/**
 * A queued delivery. `first`: send it only if it was never attempted (the backstop of the hub's own
 * first attempt); without it (a retry, a redelivery) it is sent unless it already succeeded.
 */
export interface DeliveryMessage {
  delivery: string;
  first?: true;
}

/**
 * What the fan-out read for a delivery it created: its endpoint's URL and secret (the endpoint was
 * active), its event, and when they were read (`Date.now()`), so a first attempt that starts at once
 * need not read them again (deliver.ts).
 */
export interface FanOutRead {
  endpointId: string;
  url: string;
  secret: string;
  event: EventRow;
  readAt: number;
}

/** A delivery created by a fan-out, for the hub's first attempt. */
export interface NewDelivery {
  id: string;
  endpointId: string;
  eventSeq: number;
  read: FanOutRead;
}

/**
 * Creates the deliveries of the merchant's events after the hub's webhook cursor, queues their
 * backstops and moves the cursor. `started` gets each page's deliveries (in log order) as soon as
 * they exist, before their backstops are queued, so first attempts start without waiting for that.
 */
export async function enqueueWebhookDeliveries(env: Env, storage: DurableObjectStorage, merchantId: string, started: (deliveries: NewDelivery[]) => void = () => undefined): Promise<void> {
  const stored = await storage.get<number>("webhookSeq");
  const endpointsQuery = env.DB.prepare("SELECT id, url, secret, events, start_seq FROM webhook_endpoints WHERE merchant_id = ? AND status = 'active'").bind(merchantId);
  const eventsQuery = (after: number) => env.DB.prepare("SELECT * FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT ?").bind(merchantId, after, PAGE);
  const readAt = Date.now();
  // With the cursor known, the endpoints and the first page come in one round trip.
  const [endpointRead, firstPage] = stored === undefined ? [await endpointsQuery.all<EndpointRow>(), null] : await env.DB.batch<unknown>([endpointsQuery, eventsQuery(stored)]);
  const endpoints = endpointRead!.results as EndpointRow[];
  if (endpoints.length === 0) return;
  const filters = endpoints.map((endpoint) => ({ ...endpoint, types: endpoint.events === null ? null : new Set(JSON.parse(endpoint.events) as string[]) }));
  let cursor = stored ?? Math.min(...endpoints.map((endpoint) => endpoint.start_seq));
  const endpointById = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  let prefetched = firstPage?.results as EventRow[] | undefined;
  for (;;) {
    const events = prefetched ?? (await eventsQuery(cursor).all<EventRow>()).results;
    prefetched = undefined;
    if (events.length === 0) return;
    const now = new Date().toISOString();
    const inserts: D1PreparedStatement[] = [];
    for (const event of events) {
      for (const endpoint of filters) {
        if (event.seq <= endpoint.start_seq || (endpoint.types !== null && !endpoint.types.has(event.type))) continue;
        inserts.push(
          env.DB.prepare(
            // Only while the endpoint exists: one deleted since it was read gets nothing (and fails no batch).
            // Already there (a fan-out run again before its cursor moved): handed back only if never attempted.
            `INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at)
             SELECT ?, ?, ?, ?, 'pending', 0, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ?)
             ON CONFLICT (endpoint_id, event_seq) DO UPDATE SET updated_at = updated_at WHERE status = 'pending' AND attempts = 0
             RETURNING id, endpoint_id, event_seq`,
          ).bind(newId("whd"), endpoint.id, merchantId, event.seq, now, now, endpoint.id),
        );
      }
    }
    if (inserts.length > 0) {
      const created = (await env.DB.batch<{ id: string; endpoint_id: string; event_seq: number }>(inserts)).flatMap((result) => result.results);
      const eventBySeq = new Map(events.map((event) => [event.seq, event]));
      started(
        created.map((row) => {
          const endpoint = endpointById.get(row.endpoint_id)!;
          return { id: row.id, endpointId: row.endpoint_id, eventSeq: row.event_seq, read: { endpointId: endpoint.id, url: endpoint.url, secret: endpoint.secret, event: eventBySeq.get(row.event_seq)!, readAt } };
        }),
      );
      for (let index = 0; index < created.length; index += 100) {
        const messages = created.slice(index, index + 100).map((row) => ({ body: { delivery: row.id, first: true } satisfies DeliveryMessage, delaySeconds: BACKSTOP_DELAY_SECONDS }));
        await env.WEBHOOKS.sendBatch(messages);
      }
    }
    cursor = events[events.length - 1]!.seq;
    await storage.put("webhookSeq", cursor);
    if (events.length < PAGE) return;
  }
}
