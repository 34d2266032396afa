/**
 * The hub's live fan-out, on its own (worker/realtime/streams.ts): one encoding of each event per
 * audience however many streams share it, every stream given the event in the same turn, and what
 * each audience may see.
 */
import { describe, expect, it } from "vitest";
import type { EventRow } from "../../../worker/events/log";
import { streamLimits } from "../../../worker/realtime/limits";
import { sseMessage } from "../../../worker/realtime/sse";
import { StreamRegistry } from "../../../worker/realtime/streams";
import type { StreamAudience } from "../../../worker/realtime/audience";

function row(seq: number, type: string, customer: string | null, data: Record<string, unknown> = {}): EventRow {
  return {
    seq, id_suffix: "0".repeat(26), merchant_id: "mer_fanout", type, invoice_id: null, payment_id: "pay_1", customer_id: customer,
    data: JSON.stringify(data), created_at: "2026-12-01T00:00:00.000Z", prev_hash: null, hash: null,
  };
}

function registryCounting() {
  const encoded: EventRow[] = [];
  const registry = new StreamRegistry(streamLimits({} as Env), (event) => {
    encoded.push(event);
    return sseMessage(event);
  });
  const open = (audience: StreamAudience) => {
    const stream = registry.add({ merchantId: "mer_fanout", audience, afterSeq: 0, expiresAt: null, sessionHash: null, keyId: null }, 0);
    stream.live = true;
    return stream;
  };
  return { registry, encoded, open };
}

describe("live fan-out", () => {
  it("should encode each event once for the merchant's streams and once for all customers' streams when 300 streams are open", () => {
    const { registry, encoded, open } = registryCounting();
    const merchant = Array.from({ length: 200 }, () => open({ kind: "merchant" }));
    const customers = Array.from({ length: 100 }, (_, index) => open({ kind: "customer", customerId: `cus_${index % 10}` }));
    registry.fanOut([row(1, "payment.succeeded", "cus_3", { amount: 100 }), row(2, "payment.refunded", "cus_3", { amount: 100, reason: "merchant's note" })]);

    expect(encoded).toHaveLength(4); // 2 events × 2 audiences, not × 300 streams
    for (const stream of merchant) expect({ queued: stream.channel.queued > 0, sentSeq: stream.sentSeq }).toEqual({ queued: true, sentSeq: 2 });
    for (const [index, stream] of customers.entries()) {
      // Given in the same turn to every stream (none waits for a reader); only cus_3's streams get bytes.
      expect(stream.sentSeq).toBe(2);
      expect(stream.channel.queued > 0).toBe(index % 10 === 3);
    }
    const customerView = encoded.filter((event) => event.type === "payment.refunded").map((event) => JSON.parse(event.data));
    expect(customerView).toEqual(expect.arrayContaining([{ amount: 100, reason: "merchant's note" }, { amount: 100 }]));
  });

  it("should encode nothing for an audience with no stream that may see the event", () => {
    const { registry, encoded, open } = registryCounting();
    open({ kind: "customer", customerId: "cus_other" });
    registry.fanOut([row(1, "payment.succeeded", "cus_3")]);
    expect(encoded).toHaveLength(0);
  });
});
