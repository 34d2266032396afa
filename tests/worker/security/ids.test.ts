import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { prepareMerchant } from "../../../worker/auth/keys";
import { api, createCustomer, type TestMerchant } from "../helpers";
import { createWorld, mintSession, sha256Hex, type World } from "./support";

/** Crockford base32, lower-case: no i, l, o, u. */
const B32 = "[0-9a-hjkmnp-tv-z]";
const idPattern = (prefix: string) => new RegExp(`^${prefix}_${B32}{26}$`);

let world: World;
let merchant: TestMerchant;

beforeAll(async () => {
  world = await createWorld("Ids SARL");
  merchant = world.merchant;
});

describe("ids", () => {
  it("should give every object its type prefix and 26 base32 characters (at least 128 random bits) when it is created", async () => {
    expect(merchant.id).toMatch(idPattern("mer"));
    expect(world.customer).toMatch(idPattern("cus"));
    for (const id of [world.draft, world.open, world.partlyPaid]) expect(id).toMatch(idPattern("inv"));
    expect(world.payment).toMatch(idPattern("pay"));
    const refunded = await api(merchant.key, "POST", `/v1/payments/${world.payment}/refund`, { amount: 100 });
    expect(refunded.status).toBe(200);
    expect(refunded.body.refunds).toHaveLength(1);
    expect(refunded.body.refunds[0].id).toMatch(idPattern("re"));
    // 26 characters of 5 bits hold 130 bits; the generator draws 16 random bytes (128 bits).
    expect(26 * 5).toBeGreaterThanOrEqual(128);
  });

  it("should give events an evt_ id with their order and 26 base32 random characters when they are listed", async () => {
    const events = await api(merchant.key, "GET", "/v1/events?limit=100");
    expect(events.body.data.length).toBeGreaterThan(3);
    for (const event of events.body.data) expect(event.id).toMatch(new RegExp(`^evt_\\d{12}${B32}{26}$`));
    const ids = events.body.data.map((event: { id: string }) => event.id);
    expect([...ids].sort()).toEqual(ids);
  });

  it("should draw ids at random rather than from a clock or a counter when many are created in a row", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 20; index += 1) ids.push((await createCustomer(merchant.key, { email: `c${index}@example.com` })).id);
    expect(new Set(ids).size).toBe(ids.length);
    // A time-ordered id (ULID-like) shares its leading characters between ids made in the same
    // millisecond or second; random ids almost never share even their first four.
    const heads = new Set(ids.map((id) => id.slice(4, 8)));
    expect(heads.size).toBeGreaterThanOrEqual(18);
    // Every position varies across the ids (a counter would leave the leading ones constant).
    for (let position = 4; position < 4 + 25; position += 1) {
      expect(new Set(ids.map((id) => id[position])).size, `position ${position}`).toBeGreaterThan(1);
    }
  });

  it("should not let a hosted invoice URL reveal the invoice id when an invoice is issued", async () => {
    const invoice = await api(merchant.key, "GET", `/v1/invoices/${world.open}`);
    const token = /\/pay\/([0-9a-z]+)$/.exec(invoice.body.hosted_url)?.[1];
    expect(token).toMatch(new RegExp(`^${B32}{32}$`));
    expect(invoice.body.hosted_url).not.toContain(world.open.slice(4));
  });
});

describe("keys at rest", () => {
  it("should store each key only as its SHA-256 hash and a short visible prefix when a merchant is created", async () => {
    const { results } = await env.DB.prepare("SELECT * FROM api_keys WHERE merchant_id = ?").bind(merchant.id).all<Record<string, unknown>>();
    expect(results).toHaveLength(3);
    const keys = [merchant.key, merchant.readOnlyKey, merchant.publishableKey];
    const hashes = await Promise.all(keys.map((key) => sha256Hex(key)));
    for (const row of results) {
      for (const [column, value] of Object.entries(row)) {
        for (const key of keys) {
          expect(String(value), `api_keys.${column}`).not.toContain(key);
          // Nor the secret part of the key past its visible prefix.
          expect(String(value), `api_keys.${column}`).not.toContain(key.slice(-20));
        }
      }
      expect(row.id).toMatch(idPattern("key"));
      expect(hashes).toContain(row.key_hash);
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      const key = keys[hashes.indexOf(row.key_hash as string)]!;
      expect(key.startsWith(row.prefix as string)).toBe(true);
      expect(key.length - (row.prefix as string).length).toBeGreaterThanOrEqual(26);
    }
    expect(results.map((row) => row.scope).sort()).toEqual(["full", "publishable", "read_only"]);
  });

  it("should give keys their kind prefix and at least 128 random bits when they are issued", () => {
    expect(merchant.key).toMatch(new RegExp(`^sk_test_${B32}{32}$`));
    expect(merchant.readOnlyKey).toMatch(new RegExp(`^sk_test_ro_${B32}{32}$`));
    expect(merchant.publishableKey).toMatch(new RegExp(`^pk_test_${B32}{32}$`));
  });

  it("should store a client session only as its SHA-256 hash when it is minted", async () => {
    const token = await mintSession(merchant.key, world.customer);
    expect(token).toMatch(new RegExp(`^cs_${B32}{32}$`));
    const { results } = await env.DB.prepare("SELECT * FROM client_sessions WHERE merchant_id = ?").bind(merchant.id).all<Record<string, unknown>>();
    expect(results.map((row) => row.token_hash)).toContain(await sha256Hex(token));
    for (const row of results) for (const value of Object.values(row)) expect(String(value)).not.toContain(token.slice(3));
  });

  it("should never write a key or session token into any table when keys and sessions are used", async () => {
    const token = await mintSession(merchant.key, world.customer);
    await api(token, "GET", "/v1/client/invoices");
    await api(merchant.key, "POST", "/v1/customers", { name: "K", email: "k@example.com" }, { "idempotency-key": "ids-key-scan" });
    await api(merchant.key, "PUT", "/v1/settings", { email_signature: "Regards" });
    const secrets = [merchant.key, merchant.readOnlyKey, merchant.publishableKey, token].map((secret) => secret.slice(-26));
    const { results: tables } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
    ).all<{ name: string }>();
    expect(tables.length).toBeGreaterThan(5);
    for (const { name } of tables) {
      const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
      const dump = JSON.stringify(results);
      for (const secret of secrets) expect(dump, `table ${name}`).not.toContain(secret);
    }
  });

  it("should show the secret keys once, at creation, and never in any API answer afterwards", async () => {
    const created = await prepareMerchant({ name: "Once SARL", livemode: false, now: new Date(), settingsJson: JSON.stringify(DEFAULT_SETTINGS) });
    // What the merchant command writes holds no key, only hashes: nothing can show it again.
    const written = JSON.stringify(created.writes);
    for (const key of [created.secretKey, created.readOnlyKey, created.publishableKey]) expect(written).not.toContain(key.slice(-26));
    // And no read endpoint answers a key.
    const secrets = [merchant.key, merchant.readOnlyKey, merchant.publishableKey].map((key) => key.slice(-26));
    for (const path of ["/v1/settings", "/v1/customers", "/v1/invoices", "/v1/payments", "/v1/events?limit=100", `/v1/invoices/${world.open}`]) {
      const response = await api(merchant.key, "GET", path);
      expect(response.status).toBe(200);
      for (const secret of secrets) expect(response.text, path).not.toContain(secret);
    }
  });
});
