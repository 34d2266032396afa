/**
 * Outbound webhooks through the real Queue to a real HTTP receiver (tests/support/webhook-receiver.ts):
 * the signing secret, signatures checked independently with crypto.subtle, event filters, retries
 * with backoff and the delivery log, disabling after repeated failures, redelivery, isolation
 * between merchants, validation. Delivery is asynchronous: everything is polled with a deadline.
 */
import { describe, expect, inject, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";
import { eventLog, lastEventId, poll, sleep } from "../realtime/support";

const port = inject("webhookReceiverPort");
const DEADLINE_MS = 15_000;

interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number | null;
}

function hookUrl(name: string, query = ""): string {
  return `http://127.0.0.1:${port}/hook/${name}${query}`;
}

function uniqueName(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

async function received(name: string): Promise<Received[]> {
  const response = await fetch(`http://127.0.0.1:${port}/received/${name}`);
  return (await response.json()) as Received[];
}

async function receivedAtLeast(name: string, count: number, timeoutMs = DEADLINE_MS): Promise<Received[]> {
  return poll(() => received(name), (list) => list.length >= count, timeoutMs);
}

async function createEndpoint(key: string, body: Record<string, unknown>) {
  const response = await api(key, "POST", "/v1/webhook_endpoints", body);
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; secret: string; status: string; url: string; events: string[] | null };
}

async function deliveries(key: string, endpoint: string): Promise<any[]> {
  const response = await api(key, "GET", `/v1/webhook_endpoints/${endpoint}/deliveries?limit=100`);
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

/** HMAC-SHA256 over `t + "." + body`, hex: computed here, independent of worker/webhooks/signature.ts. */
async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return Buffer.from(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text))).toString("hex");
}

/** What a merchant's receiver does: parse `t=…,v1=…`, recompute, compare, and refuse stale timestamps. */
async function verify(secret: string, delivery: Pick<Received, "headers" | "body">, toleranceSeconds = 300): Promise<boolean> {
  const header = delivery.headers["quittance-signature"];
  if (header === undefined) return false;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  return (await hmacHex(secret, `${timestamp}.${delivery.body}`)) === match[2];
}

/** An issued invoice and a payment that settles it: invoice.created, invoice.issued, invoice.paid, payment.succeeded. */
async function payAnInvoice(merchant: TestMerchant, customer: string) {
  const invoice = await createInvoice(merchant.key, customer);
  const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
  expect(paid.status, paid.text).toBe(201);
  return invoice;
}

describe("POST /v1/webhook_endpoints", () => {
  it("should return a whsec_ secret once when an endpoint is created, and never show it again on GET", async () => {
    const merchant = await createMerchant();
    const created = await createEndpoint(merchant.key, { url: hookUrl(uniqueName("secret")) });
    expect(created).toMatchObject({ object: "webhook_endpoint", status: "active", events: null, consecutive_failures: 0 });
    expect(created.id).toMatch(/^we_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/); // base64 of 32 random bytes (Standard Webhooks)
    const one = await api(merchant.key, "GET", `/v1/webhook_endpoints/${created.id}`);
    const list = await api(merchant.key, "GET", "/v1/webhook_endpoints");
    expect(one.status).toBe(200);
    expect(list.status).toBe(200);
    expect(one.body.id).toBe(created.id);
    expect(list.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([created.id]);
    for (const response of [one, list]) {
      expect(response.text).not.toContain(created.secret);
      expect(response.text).not.toContain("whsec_");
    }
    expect(one.body).not.toHaveProperty("secret");
  });

  it("should answer 422 naming url when the url is not an http(s) URL", async () => {
    const merchant = await createMerchant();
    for (const url of ["not a url", "ftp://example.com/hook", "javascript:alert(1)", ""]) {
      const response = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url });
      expect({ url, status: response.status, param: response.body?.param }).toEqual({ url, status: 422, param: "url" });
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    const missing = await api(merchant.key, "POST", "/v1/webhook_endpoints", {});
    expect({ status: missing.status, code: missing.body.code, param: missing.body.param }).toEqual({ status: 422, code: "parameter_missing", param: "url" });
  });

  it("should answer 422 naming the event when events holds an unknown type, is empty or repeats a type", async () => {
    const merchant = await createMerchant();
    const url = hookUrl(uniqueName("validation"));
    const unknown = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url, events: ["invoice.paid", "invoice.exploded"] });
    expect({ status: unknown.status, code: unknown.body.code, param: unknown.body.param }).toEqual({ status: 422, code: "parameter_invalid", param: "events[1]" });
    const empty = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url, events: [] });
    expect({ status: empty.status, param: empty.body.param }).toEqual({ status: 422, param: "events" });
    const repeated = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url, events: ["invoice.paid", "invoice.paid"] });
    expect({ status: repeated.status, param: repeated.body.param }).toEqual({ status: 422, param: "events" });
    const list = await api(merchant.key, "GET", "/v1/webhook_endpoints");
    expect(list.body.data).toEqual([]);
  });

  it("should answer 403 when a read-only key tries to create an endpoint", async () => {
    const merchant = await createMerchant();
    const response = await api(merchant.readOnlyKey, "POST", "/v1/webhook_endpoints", { url: hookUrl(uniqueName("ro")) });
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 403, code: "insufficient_scope" });
  });
});

describe("webhook delivery", () => {
  it("should deliver every event after the endpoint's creation, signed so the receiver verifies it with a recent timestamp", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    await payAnInvoice(merchant, customer); // before the endpoint: never delivered
    const name = uniqueName("signed");
    const before = await lastEventId(merchant.key);
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name) });
    await payAnInvoice(merchant, customer);
    const log = await eventLog(merchant.key, before);
    expect(log.map((event) => event.type)).toEqual(["invoice.created", "invoice.issued", "invoice.paid", "payment.succeeded"]);

    const got = await receivedAtLeast(name, log.length);
    await sleep(500);
    const all = await received(name);
    expect(all).toHaveLength(log.length);
    expect(all.map((delivery) => JSON.parse(delivery.body).id).sort()).toEqual(log.map((event) => event.id).sort());
    for (const delivery of got) {
      expect(delivery.headers["content-type"]).toMatch(/^application\/json/);
      expect(await verify(endpoint.secret, delivery), delivery.headers["quittance-signature"]).toBe(true);
      const timestamp = Number(/t=(\d+)/.exec(delivery.headers["quittance-signature"]!)![1]);
      expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(60);
      expect(JSON.parse(delivery.body)).toEqual(log.find((event) => event.id === JSON.parse(delivery.body).id));
      // The check can fail: another secret, a changed body or a stale timestamp are refused.
      expect(await verify("whsec_wrong", delivery)).toBe(false);
      expect(await verify(endpoint.secret, { ...delivery, body: delivery.body.replace(/"type"/, '"type" ') })).toBe(false);
      expect(await verify(endpoint.secret, delivery, -1)).toBe(false);
    }

    const log2 = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list.length === log.length && list.every((entry) => entry.status === "succeeded"));
    expect(log2.map((entry) => entry.event).sort()).toEqual(log.map((event) => event.id).sort());
    for (const entry of log2) {
      expect(entry).toMatchObject({ object: "webhook_delivery", status: "succeeded", attempts: 1, last_status_code: 200, next_attempt_at: null });
      expect(entry.attempt_log).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, error: null })]);
    }
  });

  it("should deliver only the chosen types when the endpoint lists events", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const paidOnly = uniqueName("paid-only");
    const everything = uniqueName("everything");
    const filtered = await createEndpoint(merchant.key, { url: hookUrl(paidOnly), events: ["invoice.paid"] });
    expect(filtered.events).toEqual(["invoice.paid"]);
    const all = await createEndpoint(merchant.key, { url: hookUrl(everything) });
    const invoice = await createInvoice(merchant.key, customer);
    await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 1000 }]); // partially_paid: not for the filtered one
    await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total - 1000 }]);
    // The unfiltered endpoint is the barrier: once it has all 6, fan-out of these events is done.
    expect(await receivedAtLeast(everything, 6)).toHaveLength(6);
    const got = await receivedAtLeast(paidOnly, 1);
    await sleep(1000);
    const final = await received(paidOnly);
    expect(final).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "invoice.paid", invoice: invoice.id });
    expect((await deliveries(merchant.key, filtered.id)).map((entry) => entry.event_type)).toEqual(["invoice.paid"]);
    expect(await deliveries(merchant.key, all.id)).toHaveLength(6);
  });

  it("should deliver the same event three times and log 500, 500, 200 when the receiver fails twice then succeeds", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const name = uniqueName("flaky");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name, "?fail=2"), events: ["invoice.paid"] });
    const invoice = await payAnInvoice(merchant, customer);

    const got = await receivedAtLeast(name, 3);
    expect(got.map((delivery) => delivery.answered)).toEqual([500, 500, 200]);
    expect(new Set(got.map((delivery) => delivery.body)).size).toBe(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "invoice.paid", invoice: invoice.id });
    for (const delivery of got) expect(await verify(endpoint.secret, delivery)).toBe(true);

    const [entry] = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list[0]?.status === "succeeded");
    expect(entry).toMatchObject({ status: "succeeded", attempts: 3, last_status_code: 200, event_type: "invoice.paid", next_attempt_at: null });
    expect(entry.event).toBe(JSON.parse(got[0]!.body).id);
    expect(entry.attempt_log.map((attempt: any) => [attempt.attempt, attempt.status_code])).toEqual([[1, 500], [2, 500], [3, 200]]);
    expect(entry.attempt_log.map((attempt: any) => attempt.error)).toEqual(["HTTP 500", "HTTP 500", null]);
    // Exponential backoff: 1 s then 2 s with WEBHOOK_RETRY_BASE_SECONDS=1.
    const times = entry.attempt_log.map((attempt: any) => Date.parse(attempt.created));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(900);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(1900);
    await sleep(1500);
    expect(await received(name)).toHaveLength(3); // no delivery after the success
    const after = await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`);
    expect(after.body).toMatchObject({ status: "active", consecutive_failures: 0 });
  });

  it("should disable the endpoint with a webhook_endpoint.disabled event and deliver nothing more when it fails WEBHOOK_DISABLE_AFTER_FAILURES times", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const broken = uniqueName("broken");
    const healthy = uniqueName("healthy");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(broken, "?fail=1000"), events: ["invoice.paid"] });
    await payAnInvoice(merchant, customer);

    const disabled = await poll(() => api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`), (response) => response.body.status === "disabled");
    expect(disabled.body).toMatchObject({ status: "disabled", consecutive_failures: 3 });
    expect(disabled.body.disabled_at).toEqual(expect.any(String));
    expect((await received(broken)).map((delivery) => delivery.answered)).toEqual([500, 500, 500]);
    const [entry] = await deliveries(merchant.key, endpoint.id);
    expect(entry).toMatchObject({ status: "failed", attempts: 3, last_status_code: 500, next_attempt_at: null });
    expect(entry.attempt_log.map((attempt: any) => attempt.status_code)).toEqual([500, 500, 500]);

    const events = await api(merchant.key, "GET", "/v1/events?type=webhook_endpoint.disabled");
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({ type: "webhook_endpoint.disabled", data: { endpoint: endpoint.id, consecutive_failures: 3, last_error: "HTTP 500" } });

    // New events: a healthy endpoint gets them (the barrier), the disabled one nothing.
    await createEndpoint(merchant.key, { url: hookUrl(healthy), events: ["invoice.paid"] });
    await payAnInvoice(merchant, customer);
    await payAnInvoice(merchant, customer);
    expect(await receivedAtLeast(healthy, 2)).toHaveLength(2);
    await sleep(2000);
    expect(await received(broken)).toHaveLength(3);
    expect(await deliveries(merchant.key, endpoint.id)).toHaveLength(1);
  });

  it("should disable the endpoint once, with a single webhook_endpoint.disabled event, when several deliveries to it fail at the same time", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const name = uniqueName("all-failing");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name, "?fail=1000") });
    await payAnInvoice(merchant, customer); // 4 events: 4 deliveries queued together

    const disabled = await poll(() => api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`), (response) => response.body.status === "disabled");
    expect(disabled.body.status).toBe("disabled");
    const settled = await poll(
      () => deliveries(merchant.key, endpoint.id),
      (list) => list.length === 4 && list.every((entry) => entry.status === "failed" || entry.status === "skipped"),
    );
    expect(settled.map((entry) => entry.status).sort()).not.toContain("retrying");
    const events = await api(merchant.key, "GET", "/v1/events?type=webhook_endpoint.disabled");
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data).toMatchObject({ endpoint: endpoint.id, consecutive_failures: 3 });
    // Every failure counted once: the endpoint stopped at the threshold instead of each delivery retrying to it.
    const attempts = settled.reduce((sum, entry) => sum + entry.attempts, 0);
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    await sleep(2000);
    expect(await received(name)).toHaveLength(attempts);
  });

  it("should refuse to redeliver to a disabled endpoint and deliver again after it is enabled", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const name = uniqueName("toggle");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name), events: ["invoice.paid"] });
    await payAnInvoice(merchant, customer);
    await receivedAtLeast(name, 1);
    const [entry] = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list[0]?.status === "succeeded");

    const off = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/disable`);
    expect(off.body).toMatchObject({ status: "disabled" });
    const refused = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/deliveries/${entry.id}/redeliver`);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: "webhook_endpoint_disabled" });
    await payAnInvoice(merchant, customer); // while disabled
    await sleep(2000);
    expect(await received(name)).toHaveLength(1);

    const on = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/enable`);
    expect(on.body).toMatchObject({ status: "active", consecutive_failures: 0, disabled_at: null });
    const invoice = await payAnInvoice(merchant, customer);
    const got = await receivedAtLeast(name, 2);
    expect(got).toHaveLength(2);
    expect(JSON.parse(got[1]!.body)).toMatchObject({ type: "invoice.paid", invoice: invoice.id });
  });

  it("should send the delivery again, signed, when it is redelivered by hand", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const name = uniqueName("redeliver");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name), events: ["payment.succeeded"] });
    await payAnInvoice(merchant, customer);
    const [first] = await receivedAtLeast(name, 1);
    const [entry] = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list[0]?.status === "succeeded");

    const redelivered = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/deliveries/${entry.id}/redeliver`);
    expect(redelivered.status, redelivered.text).toBe(202);
    expect(redelivered.body).toEqual({ id: entry.id, status: "pending" });
    const got = await receivedAtLeast(name, 2);
    expect(got).toHaveLength(2);
    expect(got[1]!.body).toBe(first!.body);
    expect(await verify(endpoint.secret, got[1]!)).toBe(true);
    const [after] = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list[0]?.attempts === 2 && list[0]?.status === "succeeded");
    expect(after.attempt_log.map((attempt: any) => attempt.status_code)).toEqual([200, 200]);

    const unknown = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/deliveries/whd_${"z".repeat(26)}/redeliver`);
    expect(unknown.status).toBe(404);
  });

  it("should deliver to a healthy endpoint without waiting for a hanging one, and log the hanging one's timeout, when both get the same event", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const hanging = uniqueName("hanging-first");
    const healthy = uniqueName("healthy-second");
    const stuck = await createEndpoint(merchant.key, { url: hookUrl(hanging, "?hang=1"), events: ["invoice.paid"] });
    await createEndpoint(merchant.key, { url: hookUrl(healthy), events: ["invoice.paid"] });
    const paidAt = Date.now();
    await payAnInvoice(merchant, customer);
    // Both deliveries go to the queue together; the healthy one must not sit behind the 10 s timeout.
    expect(await receivedAtLeast(healthy, 1, 8000)).toHaveLength(1);
    expect(Date.now() - paidAt).toBeLessThan(8000);
    expect(await receivedAtLeast(hanging, 1, 1000)).toHaveLength(1);

    // The hanging attempt ends at the 10 s timeout, is logged, and a retry is scheduled.
    const [entry] = await poll(() => deliveries(merchant.key, stuck.id), (list) => list[0]?.attempts >= 1, 20_000, 500);
    expect(entry).toMatchObject({ status: "retrying", attempts: 1, last_status_code: null, next_attempt_at: expect.any(String) });
    expect(entry.attempt_log[0]).toMatchObject({ status_code: null, error: "timeout after 10 s" });
    expect(entry.attempt_log[0].duration_ms).toBeGreaterThanOrEqual(9_000);
    expect(entry.attempt_log[0].duration_ms).toBeLessThan(15_000);
    // Stop the retries (the next attempt is skipped) so no hanging request outlives the test.
    await api(merchant.key, "POST", `/v1/webhook_endpoints/${stuck.id}/disable`);
    const [skipped] = await poll(() => deliveries(merchant.key, stuck.id), (list) => list[0]?.status === "skipped", 10_000);
    expect(skipped).toMatchObject({ status: "skipped", attempts: 1 });
    expect(await received(hanging)).toHaveLength(1);
  }, 45_000);
});

describe("webhook endpoints of another merchant", () => {
  it("should answer 404 to another merchant for every endpoint route and leave the endpoint unchanged", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant("Other SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const name = uniqueName("private");
    const endpoint = await createEndpoint(merchant.key, { url: hookUrl(name), events: ["invoice.paid"] });
    await payAnInvoice(merchant, customer);
    const [entry] = await poll(() => deliveries(merchant.key, endpoint.id), (list) => list[0]?.status === "succeeded");

    const attempts: [string, string][] = [
      ["GET", `/v1/webhook_endpoints/${endpoint.id}`],
      ["GET", `/v1/webhook_endpoints/${endpoint.id}/deliveries`],
      ["POST", `/v1/webhook_endpoints/${endpoint.id}/disable`],
      ["POST", `/v1/webhook_endpoints/${endpoint.id}/enable`],
      ["POST", `/v1/webhook_endpoints/${endpoint.id}/deliveries/${entry.id}/redeliver`],
    ];
    for (const [method, path] of attempts) {
      const response = await api(other.key, method, path);
      expect({ method, path, status: response.status, code: response.body?.code }).toEqual({ method, path, status: 404, code: "resource_missing" });
      expect(response.text).not.toContain(name);
    }
    expect((await api(other.key, "GET", "/v1/webhook_endpoints")).body.data).toEqual([]);
    const own = await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`);
    expect(own.body).toMatchObject({ status: "active" });
    await sleep(1000);
    expect(await received(name)).toHaveLength(1); // the foreign redeliver sent nothing
  });
});
