/**
 * The queue consumer: sends one delivery, signed, with a 10 s timeout, and logs the attempt (its
 * status code, or a generic error: "timeout after 10 s", "delivery failed", "url not allowed").
 * A failure is retried with exponential backoff (base × 2^(attempt−1), at most 12 h a wait) for up to
 * 3 days after the event; then the delivery is failed. An endpoint whose deliveries keep failing
 * is disabled, with an event saying so, and gets nothing more. Each delivery also carries the
 * latest signed checkpoint of the merchant's event chain (`Quittance-Chain-Head`), so the merchant
 * holds a copy of it outside our database.
 */
import { guard, runBatch, withRetries } from "../db/batch";
import { chainHeadHeader } from "../events/checkpoint";
import { appendEvent, eventId, serializeEvent, type EventRow, type LogMoved } from "../events/log";
import { newId } from "../lib/crypto";
import type { DeliveryMessage, FanOutRead } from "./fan-out";
import { deliveryHeaders } from "./signature";
import { isDevelopment } from "../lib/environment";
import { webhookUrlProblem } from "./url-policy";

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RETRY_WINDOW_MS = 3 * 86_400_000;
const MAX_DELAY_SECONDS = 12 * 3600;
/**
 * How recent a fan-out's read must be for a first attempt to use it instead of reading again: well
 * under the backstop's delay (a minute), so nothing else can have attempted the delivery yet, and
 * short enough that a change to the endpoint (disabled, deleted, URL or secret replaced) misses at
 * most the attempts already starting, as a change landing mid-attempt would anyway.
 */
export const FAN_OUT_READ_FRESH_MS = 500;

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  merchant_id: string;
  event_seq: number;
  status: string;
  attempts: number;
  url: string;
  secret: string;
  endpoint_status: string;
  consecutive_failures: number;
}

export function retryDelaySeconds(env: Env, attempt: number): number {
  const base = Number(env.WEBHOOK_RETRY_BASE_SECONDS || "30");
  return Math.min(MAX_DELAY_SECONDS, Math.round(base * 2 ** (attempt - 1)));
}

async function post(url: string, body: string, signatures: Record<string, string>, chainHead: string | null): Promise<{ status: number | null; error: string | null }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json", "user-agent": "Quittance-Webhooks/1", ...signatures,
        ...(chainHead === null ? {} : { "quittance-chain-head": chainHead }),
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      redirect: "manual",
    });
    await response.body?.cancel();
    return { status: response.status, error: response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    if (timedOut) return { status: null, error: `timeout after ${DELIVERY_TIMEOUT_MS / 1000} s` };
    // The merchant sees only that it failed: the runtime's wording (refused, reset, lost, DNS…) would
    // describe the network behind the URL. The detail goes to our logs.
    console.error(JSON.stringify({ webhook_delivery_error: error instanceof Error ? error.message : String(error), host: new URL(url).host }));
    return { status: null, error: "delivery failed" };
  }
}

type DeliveryOutcome = { outcome: "done" | "retry_scheduled"; moved: LogMoved | null };
const done: DeliveryOutcome = { outcome: "done", moved: null };

/**
 * What a delivery attempt may be handed instead of reading it: the chain head header, cached by the
 * hub's lanes, and for a first attempt what the fan-out that created the delivery read.
 */
export interface DeliverOptions {
  now?: Date;
  chainHead?: (merchantId: string) => Promise<string | null>;
  fanOutRead?: FanOutRead;
}

/** The delivery as the fan-out just created it (pending, never attempted, its endpoint active), when that read is fresh. */
function freshlyCreated(message: DeliveryMessage, read: FanOutRead | undefined): { delivery: DeliveryRow; event: EventRow } | null {
  if (!message.first || read === undefined || Date.now() - read.readAt > FAN_OUT_READ_FRESH_MS) return null;
  const { event } = read;
  const delivery: DeliveryRow = {
    id: message.delivery, endpoint_id: read.endpointId, merchant_id: event.merchant_id, event_seq: event.seq, status: "pending", attempts: 0,
    url: read.url, secret: read.secret, endpoint_status: "active", consecutive_failures: 0,
  };
  return { delivery, event };
}

/** Reads the delivery (with its endpoint) and its event, in one round trip. */
async function readDelivery(db: D1Database, id: string): Promise<{ delivery: DeliveryRow | null; event: EventRow | null }> {
  const [deliveryRead, eventRead] = await db.batch([
    db
      .prepare(
        `SELECT d.*, w.url, w.secret, w.status AS endpoint_status, w.consecutive_failures
         FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE d.id = ?`,
      )
      .bind(id),
    db.prepare("SELECT * FROM events WHERE seq = (SELECT event_seq FROM webhook_deliveries WHERE id = ?)").bind(id),
  ]);
  return { delivery: (deliveryRead!.results[0] as DeliveryRow | undefined) ?? null, event: (eventRead!.results[0] as EventRow | undefined) ?? null };
}

/**
 * Delivers one message; answers how it went and, when the endpoint was disabled (an event says
 * so), the log that moved, for the caller (the queue consumer, the hub's lanes) to publish. Never
 * calls back into the hub. A `first` message sends only a delivery never attempted.
 */
export async function deliver(env: Env, message: DeliveryMessage, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const db = env.DB;
  const now = options.now ?? new Date();
  // A first attempt starting right after its fan-out uses what the fan-out read: one round trip fewer before the POST.
  const { delivery, event } = freshlyCreated(message, options.fanOutRead) ?? (await readDelivery(db, message.delivery));
  if (delivery === null || delivery.status === "succeeded") return done;
  if (message.first && (delivery.attempts > 0 || delivery.status !== "pending")) return done; // the hub's attempt, or the backstop's, came first
  if (delivery.endpoint_status !== "active") {
    await db.prepare("UPDATE webhook_deliveries SET status = 'skipped', updated_at = ? WHERE id = ?").bind(now.toISOString(), delivery.id).run();
    return done;
  }
  if (event === null) return done;
  const body = JSON.stringify(serializeEvent(event));
  // The event id is the Standard Webhooks message id: the same on every attempt, for receivers to deduplicate.
  const [chainHead, signatures] = await Promise.all([
    (options.chainHead ?? ((merchantId: string) => chainHeadHeader(env, merchantId)))(delivery.merchant_id).catch(() => null),
    deliveryHeaders(delivery.secret, eventId(event), body, Math.floor(now.getTime() / 1000)),
  ]);
  const started = Date.now();
  // Checked again at each send: an endpoint saved before the policy (or under another environment) is never fetched.
  const outcome = webhookUrlProblem(delivery.url, isDevelopment(env)) === null
    ? await post(delivery.url, body, signatures, chainHead)
    : { status: null, error: "url not allowed" };
  const attempt = delivery.attempts + 1;
  const at = new Date().toISOString();
  const succeeded = outcome.error === null;
  const withinWindow = now.getTime() - Date.parse(event.created_at) < RETRY_WINDOW_MS;
  const disableAfter = Number(env.WEBHOOK_DISABLE_AFTER_FAILURES || "50");

  // Deliveries to one endpoint run side by side (a batch, several consumers): the endpoint's failure
  // count is re-read and written under a guard, so simultaneous failures each count once and only one
  // of them disables the endpoint, with one event.
  const { status, disable } = await withRetries(async () => {
    const endpoint = await db
      .prepare("SELECT status, consecutive_failures FROM webhook_endpoints WHERE id = ?")
      .bind(delivery.endpoint_id)
      .first<{ status: string; consecutive_failures: number }>();
    if (endpoint === null) return { status: "gone", disable: false }; // deleted while this attempt ran: nothing to log it under
    const active = endpoint.status === "active";
    const failures = succeeded ? 0 : endpoint.consecutive_failures + 1;
    const disable = active && !succeeded && (failures >= disableAfter || !withinWindow);
    const status = succeeded ? "succeeded" : active && withinWindow && !disable ? "retrying" : "failed";
    const nextAttemptAt = status === "retrying" ? new Date(now.getTime() + retryDelaySeconds(env, attempt) * 1000).toISOString() : null;
    const statements = [
      guard(db, "EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ? AND status = ? AND consecutive_failures = ?)", delivery.endpoint_id, endpoint.status, endpoint.consecutive_failures),
      db
        .prepare(
          `INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, attempt, status_code, error, duration_ms, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(newId("wha"), delivery.id, delivery.endpoint_id, attempt, outcome.status, outcome.error, Date.now() - started, at),
      db
        .prepare("UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?")
        .bind(status, attempt, outcome.status, nextAttemptAt, at, delivery.id),
      db.prepare("UPDATE webhook_endpoints SET consecutive_failures = ? WHERE id = ?").bind(failures, delivery.endpoint_id),
    ];
    if (disable) {
      statements.push(
        db.prepare("UPDATE webhook_endpoints SET status = 'disabled', disabled_at = ? WHERE id = ? AND status = 'active'").bind(at, delivery.endpoint_id),
        appendEvent(db, {
          merchantId: delivery.merchant_id,
          type: "webhook_endpoint.disabled",
          data: { endpoint: delivery.endpoint_id, url: delivery.url, consecutive_failures: failures, last_error: outcome.error },
          now: new Date(at),
        }),
      );
    }
    await runBatch(db, statements);
    return { status, disable };
  }, 20);
  const moved = disable ? { merchantId: delivery.merchant_id } : null;
  if (status !== "retrying") return { outcome: "done", moved };
  await env.WEBHOOKS.send({ delivery: delivery.id } satisfies DeliveryMessage, { delaySeconds: retryDelaySeconds(env, attempt) });
  return { outcome: "retry_scheduled", moved };
}
