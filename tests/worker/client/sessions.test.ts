/**
 * Revoking client sessions: one by id (DELETE /v1/client_sessions/:id), every session of a customer
 * (DELETE /v1/client_sessions?customer=), and all of a merchant's at key rotation. A revoked token
 * answers 401 at once; its open stream closes with `session_revoked` at the hub's next keep-alive
 * (1 s in tests).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { prepareRotation, toStatements } from "../../../worker/auth/keys";
import { api, authCacheLifetimeSince, createCustomer, createMerchant } from "../helpers";
import { mustOpenStream, type SseReader } from "../realtime/support";

async function mint(key: string, customer: string): Promise<{ id: string; token: string }> {
  const response = await api(key, "POST", "/v1/client_sessions", { customer });
  expect(response.status, response.text).toBe(201);
  expect(response.body.id).toMatch(/^sess_[0-9a-z]{26}$/);
  return response.body;
}

async function expectClosedRevoked(stream: SseReader): Promise<void> {
  expect(await stream.until(() => stream.ended, 5000)).toBe(true);
  expect(stream.messages.at(-1)).toMatchObject({ event: "close", json: { reason: "session_revoked" } });
}

describe("DELETE /v1/client_sessions/:id", () => {
  it("should answer 401 on the session's next use and close its open stream with session_revoked when the session is deleted", async () => {
    const merchant = await createMerchant("Sessions SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mint(merchant.key, customer);
    const other = await mint(merchant.key, customer);
    const stream = await mustOpenStream(session.token, "/v1/client/stream");
    const otherStream = await mustOpenStream(other.token, "/v1/client/stream");
    try {
      expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(200);

      const revoked = await api(merchant.key, "DELETE", `/v1/client_sessions/${session.id}`);

      expect(revoked.status, revoked.text).toBe(200);
      expect(revoked.body).toEqual({ object: "client_session", id: session.id, customer, expires_at: expect.any(String), revoked_at: expect.any(String) });
      const refused = await api(session.token, "GET", "/v1/client/invoices");
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe("api_key_invalid");
      await expectClosedRevoked(stream);
      // The customer's other session is untouched.
      expect((await api(other.token, "GET", "/v1/client/invoices")).status).toBe(200);
      expect(otherStream.ended).toBe(false);
      // Revoking again changes nothing.
      expect((await api(merchant.key, "DELETE", `/v1/client_sessions/${session.id}`)).body.revoked_at).toBe(revoked.body.revoked_at);
    } finally {
      await stream.close();
      await otherStream.close();
    }
  });

  it("should answer 404 and revoke nothing when the session belongs to another merchant", async () => {
    const merchant = await createMerchant("Sessions owner SARL");
    const session = await mint(merchant.key, (await createCustomer(merchant.key)).id);
    const stranger = await createMerchant("Sessions stranger SARL");

    const response = await api(stranger.key, "DELETE", `/v1/client_sessions/${session.id}`);

    expect(response.status).toBe(404);
    expect(response.body.code).toBe("resource_missing");
    expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(200);
  });

  it("should refuse a read-only key with 403 when it deletes a session", async () => {
    const merchant = await createMerchant("Sessions read-only SARL");
    const session = await mint(merchant.key, (await createCustomer(merchant.key)).id);
    expect((await api(merchant.readOnlyKey, "DELETE", `/v1/client_sessions/${session.id}`)).status).toBe(403);
  });
});

describe("DELETE /v1/client_sessions?customer=", () => {
  it("should revoke every live session of that customer and none of another's when a customer's sessions are revoked", async () => {
    const merchant = await createMerchant("Sessions customer SARL");
    const alice = (await createCustomer(merchant.key, { email: "alice@example.com" })).id;
    const bob = (await createCustomer(merchant.key, { email: "bob@example.com" })).id;
    const [first, second, bobs] = [await mint(merchant.key, alice), await mint(merchant.key, alice), await mint(merchant.key, bob)];

    const response = await api(merchant.key, "DELETE", `/v1/client_sessions?customer=${alice}`);

    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ object: "client_session_revocation", customer: alice, revoked: 2 });
    for (const session of [first, second]) expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(401);
    expect((await api(bobs.token, "GET", "/v1/client/invoices")).status).toBe(200);
    expect((await api(merchant.key, "DELETE", "/v1/client_sessions?customer=cus_00000000000000000000000000")).status).toBe(404);
  });
});

describe("key rotation (npm run merchant -- rotate-keys)", () => {
  it("should revoke the merchant's client sessions, close their streams and disable its webhook endpoints when keys are rotated with --disable-webhooks", async () => {
    const merchant = await createMerchant("Sessions rotation SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mint(merchant.key, customer);
    const endpoint = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: "https://hooks.example/quittance" });
    expect(endpoint.status, endpoint.text).toBe(201);
    const neighbour = await createMerchant("Sessions neighbour SARL");
    const neighbours = await mint(neighbour.key, (await createCustomer(neighbour.key)).id);
    const stream = await mustOpenStream(session.token, "/v1/client/stream");
    try {
      // The same writes the command runs through `wrangler d1 execute`, in one transaction.
      const rotation = await prepareRotation({ merchantId: merchant.id, livemode: false, now: new Date(), disableWebhooks: true });
      await env.DB.batch(toStatements(env.DB, rotation.writes));
      // Written outside the Worker: each isolate's credential cache lets it through for at most a second.
      await authCacheLifetimeSince(Date.now());

      expect((await api(merchant.key, "GET", "/v1/customers")).status).toBe(401);
      expect((await api(session.token, "GET", "/v1/client/invoices")).status).toBe(401);
      await expectClosedRevoked(stream);
      const endpoints = await api(rotation.secretKey, "GET", "/v1/webhook_endpoints");
      expect(endpoints.body.data.map((row: { status: string }) => row.status)).toEqual(["disabled"]);
      expect((await api(neighbours.token, "GET", "/v1/client/invoices")).status).toBe(200);
    } finally {
      await stream.close();
    }
  });
});
