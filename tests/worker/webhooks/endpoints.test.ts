/**
 * Managing webhook endpoints: read, change, delete, rotate the signing secret, a cap per merchant,
 * and a list paginated like every other.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant } from "../helpers";
import { expectProblem } from "../security/support";
import { endpointRows, hookUrl, receivedAtLeast, signedWith } from "./support";

const CAP = 16;

async function createEndpoint(key: string, body: Record<string, unknown> = { url: hookUrl("endpoint").url }) {
  const response = await api(key, "POST", "/v1/webhook_endpoints", body);
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; secret: string; url: string; events: string[] | null; status: string };
}

describe("GET, PATCH and DELETE /v1/webhook_endpoints/:id", () => {
  it("should change the url, the events and the state when PATCHed, and show the change on GET", async () => {
    const merchant = await createMerchant();
    const endpoint = await createEndpoint(merchant.key);
    const { url } = hookUrl("moved");
    const changed = await api(merchant.key, "PATCH", `/v1/webhook_endpoints/${endpoint.id}`, { url, events: ["invoice.paid"] });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ id: endpoint.id, url, events: ["invoice.paid"], status: "active" });
    expect(changed.text).not.toContain("whsec_");

    const disabled = await api(merchant.key, "PATCH", `/v1/webhook_endpoints/${endpoint.id}`, { enabled: false });
    expect(disabled.body).toMatchObject({ status: "disabled", url, events: ["invoice.paid"] });
    const all = await api(merchant.key, "PATCH", `/v1/webhook_endpoints/${endpoint.id}`, { events: null, enabled: true });
    expect(all.body).toMatchObject({ status: "active", events: null, consecutive_failures: 0 });
    expect((await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`)).body).toEqual(all.body);
  });

  it("should answer 422 naming the field and change nothing when a PATCH is invalid", async () => {
    const merchant = await createMerchant();
    const endpoint = await createEndpoint(merchant.key);
    const before = await endpointRows(merchant.id);
    const cases: [body: unknown, code: string, param: string][] = [
      [{ url: "not a url" }, "parameter_invalid", "url"],
      [{ url: "ftp://example.com/hook" }, "parameter_invalid", "url"],
      [{ events: ["invoice.exploded"] }, "parameter_invalid", "events[0]"],
      [{ events: [] }, "parameter_invalid", "events"],
      [{ enabled: "yes" }, "parameter_invalid", "enabled"],
      [{ secret: "whsec_mine" }, "parameter_unknown", "secret"],
    ];
    for (const [body, code, param] of cases) expectProblem(await api(merchant.key, "PATCH", `/v1/webhook_endpoints/${endpoint.id}`, body), 422, code, param);
    expect(await endpointRows(merchant.id)).toBe(before);
  });

  it("should answer 404 for another merchant's endpoint and 403 for a read-only key, changing nothing", async () => {
    const owner = await createMerchant();
    const stranger = await createMerchant();
    const endpoint = await createEndpoint(owner.key);
    const before = await endpointRows(owner.id);
    for (const [method, path, body] of [["GET", "", undefined], ["PATCH", "", { enabled: false }], ["DELETE", "", undefined], ["POST", "/rotate_secret", undefined]] as const) {
      expectProblem(await api(stranger.key, method, `/v1/webhook_endpoints/${endpoint.id}${path}`, body), 404, "resource_missing", "id");
      if (method !== "GET") expectProblem(await api(owner.readOnlyKey, method, `/v1/webhook_endpoints/${endpoint.id}${path}`, body), 403, "insufficient_scope");
    }
    expect(await endpointRows(owner.id)).toBe(before);
  });

  it("should delete the endpoint and its delivery log when DELETEd, and answer 404 afterwards", async () => {
    const merchant = await createMerchant();
    const { url, name } = hookUrl("deleted");
    const endpoint = await createEndpoint(merchant.key, { url });
    await createCustomer(merchant.key);
    await receivedAtLeast(name, 1);
    const deleted = await api(merchant.key, "DELETE", `/v1/webhook_endpoints/${endpoint.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({ id: endpoint.id, object: "webhook_endpoint", deleted: true });
    expectProblem(await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`), 404, "resource_missing");
    expectProblem(await api(merchant.key, "DELETE", `/v1/webhook_endpoints/${endpoint.id}`), 404, "resource_missing");
    expect((await api(merchant.key, "GET", "/v1/webhook_endpoints")).body.data).toEqual([]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe("POST /v1/webhook_endpoints/:id/rotate_secret", () => {
  it("should return a new secret once and sign the next deliveries with it, not with the old one", async () => {
    const merchant = await createMerchant();
    const { url, name } = hookUrl("rotated");
    const endpoint = await createEndpoint(merchant.key, { url });
    const rotated = await api(merchant.key, "POST", `/v1/webhook_endpoints/${endpoint.id}/rotate_secret`);
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body).toMatchObject({ id: endpoint.id, object: "webhook_endpoint", url });
    expect(rotated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect((await api(merchant.key, "GET", `/v1/webhook_endpoints/${endpoint.id}`)).text).not.toContain("whsec_");

    await createCustomer(merchant.key);
    const [delivery] = await receivedAtLeast(name, 1);
    expect(delivery).toBeDefined();
    expect(JSON.parse(delivery!.body).type).toBe("customer.created");
    expect(await signedWith(rotated.body.secret, delivery!)).toBe(true);
    expect(await signedWith(endpoint.secret, delivery!)).toBe(false);
  });
});

describe("the number of endpoints", () => {
  it(`should answer 409 webhook_endpoint_limit_reached and create nothing when a merchant holding ${CAP} endpoints adds one, and accept it after a deletion`, async () => {
    const merchant = await createMerchant();
    const created = await Promise.all(Array.from({ length: CAP }, () => createEndpoint(merchant.key)));
    const before = await endpointRows(merchant.id);
    const refused = await Promise.all(Array.from({ length: 3 }, () => api(merchant.key, "POST", "/v1/webhook_endpoints", { url: hookUrl("over").url })));
    for (const response of refused) expectProblem(response, 409, "webhook_endpoint_limit_reached");
    expect(refused[0]!.body.detail).toContain(String(CAP));
    expect(await endpointRows(merchant.id)).toBe(before);
    expect((await api(merchant.key, "DELETE", `/v1/webhook_endpoints/${created[0]!.id}`)).status).toBe(200);
    await createEndpoint(merchant.key);
  });
});

describe("GET /v1/webhook_endpoints pagination", () => {
  it("should page through 40 endpoints newest first with limit and starting_after, has_more and next", async () => {
    const merchant = await createMerchant();
    for (let index = 0; index < CAP; index += 1) await createEndpoint(merchant.key);
    // Endpoints registered before the cap existed: a merchant may hold more than it could create today.
    const at = Date.now();
    await env.DB.batch(
      Array.from({ length: 24 }, (_, index) =>
        env.DB.prepare("INSERT INTO webhook_endpoints (id, merchant_id, url, events, secret, status, start_seq, created_at) VALUES (?, ?, ?, NULL, 'whsec_x', 'disabled', 0, ?)")
          .bind(`we_${index.toString().padStart(2, "0")}${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`, merchant.id, "https://old.example.com/hook", new Date(at - (index + 1) * 60_000).toISOString()),
      ),
    );
    const { results } = await env.DB.prepare("SELECT id FROM webhook_endpoints WHERE merchant_id = ? ORDER BY created_at DESC, id DESC").bind(merchant.id).all<{ id: string }>();
    expect(results).toHaveLength(40);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = await api(merchant.key, "GET", `/v1/webhook_endpoints?limit=7${after ? `&starting_after=${after}` : ""}`);
      expect(page.status, page.text).toBe(200);
      pages += 1;
      seen.push(...page.body.data.map((endpoint: { id: string }) => endpoint.id));
      expect(page.body.has_more).toBe(seen.length < 40);
      expect(page.body.next).toBe(page.body.has_more ? seen.at(-1) : null);
      after = page.body.next;
    } while (after !== null && pages < 10);
    expect(pages).toBe(6);
    expect(seen).toEqual(results.map((row) => row.id));

    expect((await api(merchant.key, "GET", "/v1/webhook_endpoints")).body.data).toHaveLength(20);
    expectProblem(await api(merchant.key, "GET", "/v1/webhook_endpoints?limit=0"), 422, "parameter_invalid", "limit");
    expectProblem(await api(merchant.key, "GET", "/v1/webhook_endpoints?starting_after=we_unknown"), 422, "parameter_invalid", "starting_after");
    const stranger = await createMerchant();
    expectProblem(await api(stranger.key, "GET", `/v1/webhook_endpoints?starting_after=${seen[0]}`), 422, "parameter_invalid", "starting_after");
  });
});
