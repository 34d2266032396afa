import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, authCacheLifetimeSince, createMerchant } from "../helpers";
import { mintSignInLink } from "../../../worker/auth/console-sessions";

const ORIGIN = "http://127.0.0.1:8787";

async function keyId(merchantId: string, scope: string): Promise<string> {
  return (await env.DB.prepare("SELECT id FROM api_keys WHERE merchant_id = ? AND kind = 'secret' AND scope = ?").bind(merchantId, scope).first<{ id: string }>())!.id;
}

describe("console sign-in links", () => {
  it("should sign in once with a link and refuse it the second time", async () => {
    const merchant = await createMerchant();
    const link = await mintSignInLink(env.DB, { merchantId: merchant.id, keyId: await keyId(merchant.id, "read_only"), scope: "read_only" }, new Date());
    const first = await api(null, "POST", "/v1/console/session", { link }, { origin: ORIGIN, "cf-connecting-ip": "10.1.0.1" });
    expect(first.status).toBe(201);
    expect(first.body.scope).toBe("read_only");
    const second = await api(null, "POST", "/v1/console/session", { link }, { origin: ORIGIN, "cf-connecting-ip": "10.1.0.1" });
    expect(second.body).toMatchObject({ status: 401, param: "link" });
  });

  it("should end the sessions of a revoked key within a second", async () => {
    const merchant = await createMerchant();
    const signIn = await api(null, "POST", "/v1/console/session", { key: merchant.key }, { origin: ORIGIN, "cf-connecting-ip": "10.1.0.2" });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await api(null, "GET", "/v1/customers", undefined, { cookie })).status).toBe(200);
    const since = Date.now();
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE merchant_id = ?").bind(new Date().toISOString(), merchant.id).run();
    await authCacheLifetimeSince(since);
    expect((await api(null, "GET", "/v1/customers", undefined, { cookie })).status).toBe(401);
  });
});
