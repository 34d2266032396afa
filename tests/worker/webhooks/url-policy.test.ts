/**
 * Webhook URLs a stranger's account could point at our own network: refused in production in every
 * spelling, at creation and at update; deliveries re-check the URL and log only generic errors.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliver } from "../../../worker/webhooks/deliver";
import { webhookUrlProblem } from "../../../worker/webhooks/url-policy";
import { api, createCustomer, createMerchant } from "../helpers";
import { poll } from "../realtime/support";
import { endpointRows, expectUrlRefused, hookUrl, inProduction } from "./support";

/** Every form the issue names, and their cousins: IP literals in each spelling, local and metadata names, plain http. */
const FORBIDDEN_IN_PRODUCTION: [label: string, url: string][] = [
  ["metadata IP over http", "http://169.254.169.254/latest/meta-data/"],
  ["metadata IP", "https://169.254.169.254/latest/meta-data/"],
  ["private 10/8", "https://10.0.0.1/hook"],
  ["private 192.168/16", "https://192.168.1.1/hook"],
  ["private 172.16/12", "https://172.16.0.1/hook"],
  ["carrier-grade NAT", "https://100.64.0.1/hook"],
  ["unspecified", "https://0.0.0.0/hook"],
  ["loopback", "https://127.0.0.1/hook"],
  ["loopback with a port", "https://127.0.0.1:8787/hook"],
  ["loopback, short form", "https://127.1/hook"],
  ["loopback, hex", "https://0x7f000001/hook"],
  ["loopback, integer", "https://2130706433/hook"],
  ["loopback, octal", "https://0177.0.0.1/hook"],
  ["loopback, octal integer", "https://017700000001/hook"],
  ["loopback, mixed hex dotted", "https://0x7f.0.0.1/hook"],
  ["public IPv4 literal", "https://1.1.1.1/hook"],
  ["IPv6 loopback", "https://[::1]/hook"],
  ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/hook"],
  ["IPv4-mapped IPv6, hex", "https://[::ffff:7f00:1]/hook"],
  ["IPv6 link-local", "https://[fe80::1]/hook"],
  ["IPv6 unique local", "https://[fd00::1]/hook"],
  ["localhost", "https://localhost/hook"],
  ["localhost with a trailing dot", "https://LOCALHOST./hook"],
  ["a name under localhost", "https://api.localhost/hook"],
  ["mDNS", "https://printer.local/hook"],
  ["a single-label name", "https://intranet/hook"],
  ["GCP metadata", "https://metadata.google.internal/computeMetadata/v1/"],
  ["AWS metadata name", "https://instance-data.ec2.internal/latest/"],
  ["a home network name", "https://router.home.arpa/hook"],
  ["reverse DNS zone", "https://1.0.0.127.in-addr.arpa/hook"],
  ["plain http to a public name", "http://hooks.example.com/quittance"],
];

describe("webhook URLs in production", () => {
  it("should answer 422 naming url and create nothing when the URL is an IP literal, a local name or plain http", async () => {
    const merchant = await createMerchant();
    for (const [label, url] of FORBIDDEN_IN_PRODUCTION) {
      const response = await inProduction(merchant.key, "POST", "/v1/webhook_endpoints", { url });
      expectUrlRefused(response, label);
      expect(response.body.detail, label).toMatch(/url/);
    }
    expect(await endpointRows(merchant.id)).toBe("[]");
  });

  it("should accept an https URL to a public host name in production", async () => {
    const merchant = await createMerchant();
    for (const url of ["https://hooks.example.com/quittance", "https://example.com:8443/h?x=1", "https://xn--bcher-kva.example/hook"]) {
      const response = await inProduction(merchant.key, "POST", "/v1/webhook_endpoints", { url });
      expect(response.status, `${url}: ${response.text}`).toBe(201);
    }
  });

  it("should answer 422 naming url and change nothing when a PATCH points an endpoint at a forbidden address", async () => {
    const merchant = await createMerchant();
    const created = await inProduction(merchant.key, "POST", "/v1/webhook_endpoints", { url: "https://hooks.example.com/quittance" });
    expect(created.status).toBe(201);
    const before = await endpointRows(merchant.id);
    for (const [label, url] of FORBIDDEN_IN_PRODUCTION) {
      expectUrlRefused(await inProduction(merchant.key, "PATCH", `/v1/webhook_endpoints/${created.body.id}`, { url }), label);
    }
    expect(await endpointRows(merchant.id)).toBe(before);
  });

  it("should refuse each forbidden form by the policy itself and allow them all outside production", () => {
    for (const [label, url] of FORBIDDEN_IN_PRODUCTION) {
      expect(webhookUrlProblem(url, false), label).not.toBeNull();
      expect(webhookUrlProblem(url, true), label).toBeNull();
    }
    expect(webhookUrlProblem("ftp://example.com/", true)).not.toBeNull();
  });
});

describe("webhook URLs in development", () => {
  it("should accept the local receiver on http://127.0.0.1 when ENVIRONMENT is development", async () => {
    const merchant = await createMerchant();
    const response = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: hookUrl("dev").url });
    expect(response.status, response.text).toBe(201);
  });
});

describe("webhook delivery errors", () => {
  it("should log a generic 'delivery failed' when the receiver cannot be reached, not the runtime's wording", async () => {
    const merchant = await createMerchant();
    // Port 9 (discard) is closed on the test machine: the connection is refused.
    const endpoint = (await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: "http://127.0.0.1:9/hook" })).body as { id: string };
    await createCustomer(merchant.key);
    const deliveries = await poll(
      async () => (await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}/deliveries`)).body.data as any[],
      (list) => list.length > 0 && list[0].attempt_log.length > 0,
    );
    expect(deliveries[0].attempt_log[0]).toMatchObject({ status_code: null, error: "delivery failed" });
    expect(JSON.stringify(deliveries)).not.toMatch(/refused|connection lost|network/i);
  });

  it("should not fetch an endpoint saved with a forbidden URL when it delivers in production", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key); // an event to deliver, before the endpoint exists (so the hub sends it nowhere)
    const event = (await env.DB.prepare("SELECT max(seq) AS seq FROM events WHERE merchant_id = ?").bind(merchant.id).first<{ seq: number }>())!.seq;
    const at = new Date().toISOString();
    const { url, name } = hookUrl("legacy");
    await env.DB.batch([
      env.DB.prepare("INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, start_seq, created_at) VALUES (?, ?, ?, NULL, 'whsec_x', 'active', ?, ?)").bind(`we_legacy${merchant.id.slice(4, 21)}`, merchant.id, url, event, at),
      env.DB.prepare("INSERT INTO webhook_deliveries (id, endpoint_id, merchant_id, event_seq, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)").bind(`whd_legacy${merchant.id.slice(4, 20)}`, `we_legacy${merchant.id.slice(4, 21)}`, merchant.id, event, at, at),
    ]);
    const outcome = await deliver({ ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://quittance.example.com" } as Env, { delivery: `whd_legacy${merchant.id.slice(4, 20)}` });
    expect(outcome.outcome).toBe("retry_scheduled");
    const attempt = await env.DB.prepare("SELECT status_code, error FROM webhook_attempts WHERE delivery_id = ?").bind(`whd_legacy${merchant.id.slice(4, 20)}`).first();
    expect(attempt).toEqual({ status_code: null, error: "url not allowed" });
    const received = await (await fetch(url.replace(`/hook/${name}`, `/received/${name}`))).json();
    expect(received).toEqual([]);
  });
});
