/**
 * The hub's first delivery attempts: one lane per endpoint, so an endpoint gets its deliveries one
 * at a time in log order (each waits for the attempt before it to that endpoint), while endpoints
 * do not wait for each other. A failed attempt is retried from the queue with backoff (deliver.ts),
 * so a retried event may reach its endpoint after later ones: receivers order by event id.
 * The lanes live in the hub's memory only: what they lose, the backstop messages deliver
 * (fan-out.ts).
 */
import { chainHeadHeader } from "../events/checkpoint";
import type { LogMoved } from "../events/log";
import { deliver } from "./deliver";
import type { DeliveryMessage, NewDelivery } from "./fan-out";

/** How long the lanes reuse the chain head header they read (a checkpoint is signed once a minute). */
const CHAIN_HEAD_TTL_MS = 5_000;

export class DeliveryLanes {
  private chainHead: { merchantId: string; value: Promise<string | null>; until: number } | null = null;
  private readonly tails = new Map<string, Promise<void>>();
  /** Deliveries waiting in a lane or being attempted: a fan-out run again does not add them twice. */
  private readonly waiting = new Set<string>();

  /** `moved`: a delivery disabled its endpoint and appended an event, which the hub must publish. */
  constructor(
    private readonly env: Env,
    private readonly moved: (moved: LogMoved) => void,
  ) {}

  /** Deliveries waiting or in flight (for tests). */
  get size(): number {
    return this.waiting.size;
  }

  /** Starts the first attempt of each delivery, behind those already in its endpoint's lane. */
  push(deliveries: readonly NewDelivery[]): void {
    for (const delivery of deliveries) {
      if (this.waiting.has(delivery.id)) continue;
      this.waiting.add(delivery.id);
      const tail = (this.tails.get(delivery.endpointId) ?? Promise.resolve()).then(() => this.attempt(delivery));
      this.tails.set(delivery.endpointId, tail);
      void tail.then(() => {
        if (this.tails.get(delivery.endpointId) === tail) this.tails.delete(delivery.endpointId);
      });
    }
  }

  /**
   * The `Quittance-Chain-Head` value, read at most once per few seconds rather than per delivery.
   * "No checkpoint yet" is never remembered, so the first one signed shows on the next delivery.
   */
  private latestChainHead(merchantId: string): Promise<string | null> {
    const now = Date.now();
    if (this.chainHead === null || this.chainHead.merchantId !== merchantId || this.chainHead.until < now) {
      const entry = { merchantId, value: chainHeadHeader(this.env, merchantId).catch(() => null), until: now + CHAIN_HEAD_TTL_MS };
      this.chainHead = entry;
      void entry.value.then((value) => {
        if (value === null && this.chainHead === entry) this.chainHead = null;
      });
    }
    return this.chainHead.value;
  }

  /** One first attempt; started at once (an idle lane), it uses what the fan-out read (deliver.ts). */
  private async attempt({ id: deliveryId, read }: NewDelivery): Promise<void> {
    try {
      const { moved } = await deliver(this.env, { delivery: deliveryId, first: true }, { chainHead: (merchantId) => this.latestChainHead(merchantId), fanOutRead: read });
      if (moved !== null) this.moved(moved);
    } catch (error) {
      console.error("webhook first attempt failed", deliveryId, error);
      // The log or the retry's message may be missing: the queue sends it again (unless it succeeded).
      await this.env.WEBHOOKS.send({ delivery: deliveryId } satisfies DeliveryMessage).catch((sendError: unknown) => console.error("webhook requeue failed", deliveryId, sendError));
    } finally {
      this.waiting.delete(deliveryId);
    }
  }
}
