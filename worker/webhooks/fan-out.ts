/**
 * Turns committed events into webhook deliveries. Run by the merchant's hub after each pump, so
 * deliveries follow the log's order; the hub keeps its cursor in its own storage. A delivery is
 * unique per (endpoint, event): a repeated fan-out cannot queue the same event twice.
 */
import { newId } from "../lib/crypto";

const PAGE = 200;

interface EndpointRow {
  id: string;
  events: string | null;
  start_seq: number;
}

export interface DeliveryMessage {
  delivery: string;
}

export async function enqueueWebhookDeliveries(env: Env, storage: DurableObjectStorage, merchantId: string): Promise<void> {
  const { results: endpoints } = await env.DB.prepare("SELECT id, events, start_seq FROM webhook_endpoints WHERE merchant_id = ? AND status = 'active'")
    .bind(merchantId)
    .all<EndpointRow>();
  if (endpoints.length === 0) return;
  const filters = endpoints.map((endpoint) => ({ ...endpoint, types: endpoint.events === null ? null : new Set(JSON.parse(endpoint.events) as string[]) }));
  let cursor = (await storage.get<number>("webhookSeq")) ?? Math.min(...endpoints.map((endpoint) => endpoint.start_seq));
  for (;;) {
    const { results: events } = await env.DB.prepare("SELECT seq, type FROM events WHERE merchant_id = ? AND seq > ? ORDER BY seq LIMIT ?")
      .bind(merchantId, cursor, PAGE)
      .all<{ seq: number; type: string }>();
    if (events.length === 0) return;
    const now = new Date().toISOString();
    const inserts: D1PreparedStatement[] = [];
    for (const event of events) {
      for (const endpoint of filters) {
        if (event.seq <= endpoint.start_seq || (endpoint.types !== null && !endpoint.types.has(event.type))) continue;
        inserts.push(
          env.DB.prepare(
            // Only while the endpoint exists: one deleted since it was read gets nothing (and fails no batch).
            `INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at)
             SELECT ?, ?, ?, ?, 'pending', 0, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ?)
             ON CONFLICT (endpoint_id, event_seq) DO NOTHING RETURNING id`,
          ).bind(newId("whd"), endpoint.id, merchantId, event.seq, now, now, endpoint.id),
        );
      }
    }
    if (inserts.length > 0) {
      const created = (await env.DB.batch<{ id: string }>(inserts)).flatMap((result) => result.results);
      for (let index = 0; index < created.length; index += 100) {
        await env.WEBHOOKS.sendBatch(created.slice(index, index + 100).map((row) => ({ body: { delivery: row.id } satisfies DeliveryMessage })));
      }
    }
    cursor = events[events.length - 1]!.seq;
    await storage.put("webhookSeq", cursor);
    if (events.length < PAGE) return;
  }
}
