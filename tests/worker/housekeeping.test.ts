import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { appendEvent } from "../../worker/events/log";
import { ledgerCursor, logHead } from "../../worker/ledger/queries";
import { createCustomer, createInvoice, createMerchant, recordPayment } from "./helpers";

async function runCron(at: Date): Promise<void> {
  const controller = createScheduledController({ cron: "* * * * *", scheduledTime: at.getTime() });
  const ctx = createExecutionContext();
  worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the cron", () => {
  it("should drop idempotency records older than 48 h and keep younger ones when it runs", async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 49 * 3_600_000).toISOString();
    const young = new Date(now.getTime() - 47 * 3_600_000).toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO idempotency_keys (scope, key, request_hash, status, response_body, locked_until, created_at) VALUES ('hk', 'old', 'h', 200, '', ?, ?)").bind(old, old),
      env.DB.prepare("INSERT INTO idempotency_keys (scope, key, request_hash, status, response_body, locked_until, created_at) VALUES ('hk', 'young', 'h', 200, '', ?, ?)").bind(young, young),
    ]);
    await runCron(now);
    const { results } = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE scope = 'hk'").all<{ key: string }>();
    expect(results.map((row) => row.key)).toEqual(["young"]);
  });

  it("should delete client sessions expired for more than a day when it runs", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const now = new Date();
    const longExpired = new Date(now.getTime() - 25 * 3_600_000).toISOString();
    const justExpired = new Date(now.getTime() - 60_000).toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO client_sessions (token_hash, merchant_id, customer_id, expires_at, created_at) VALUES ('hk-long', ?, ?, ?, ?)").bind(merchant.id, customer, longExpired, longExpired),
      env.DB.prepare("INSERT INTO client_sessions (token_hash, merchant_id, customer_id, expires_at, created_at) VALUES ('hk-just', ?, ?, ?, ?)").bind(merchant.id, customer, justExpired, justExpired),
    ]);
    await runCron(now);
    const { results } = await env.DB.prepare("SELECT token_hash FROM client_sessions WHERE token_hash LIKE 'hk-%'").all<{ token_hash: string }>();
    expect(results.map((row) => row.token_hash)).toEqual(["hk-just"]);
  });

  it("should delete console sessions and sign-in links expired for more than a day when it runs", async () => {
    const merchant = await createMerchant();
    const key = (await env.DB.prepare("SELECT id FROM api_keys WHERE merchant_id = ? AND scope = 'full'").bind(merchant.id).first<{ id: string }>())!.id;
    const now = new Date();
    const longExpired = new Date(now.getTime() - 25 * 3_600_000).toISOString();
    const justExpired = new Date(now.getTime() - 60_000).toISOString();
    const session = "INSERT INTO console_sessions (id, token_hash, merchant_id, key_id, scope, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, 'full', ?, ?, ?)";
    const link = "INSERT INTO console_sign_in_links (id, token_hash, merchant_id, key_id, scope, created_at, expires_at) VALUES (?, ?, ?, ?, 'full', ?, ?)";
    await env.DB.batch([
      env.DB.prepare(session).bind("hk-long", "hk-long", merchant.id, key, longExpired, longExpired, longExpired),
      env.DB.prepare(session).bind("hk-just", "hk-just", merchant.id, key, justExpired, justExpired, justExpired),
      env.DB.prepare(link).bind("hk-long", "hk-long", merchant.id, key, longExpired, longExpired),
      env.DB.prepare(link).bind("hk-just", "hk-just", merchant.id, key, justExpired, justExpired),
    ]);
    await runCron(now);
    for (const table of ["console_sessions", "console_sign_in_links"]) {
      const { results } = await env.DB.prepare(`SELECT id FROM ${table} WHERE id LIKE 'hk-%'`).all<{ id: string }>();
      expect(results.map((row) => row.id), table).toEqual(["hk-just"]);
    }
  });

  it("should seal events left unsealed when it runs", async () => {
    const merchant = await createMerchant();
    await env.DB.batch([appendEvent(env.DB, { merchantId: merchant.id, type: "settings.updated", data: { fields: [] }, now: new Date() })]);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ? AND hash IS NULL").bind(merchant.id).first<{ n: number }>();
    expect(before!.n).toBeGreaterThan(0);
    await runCron(new Date());
    const after = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ? AND hash IS NULL").bind(merchant.id).first<{ n: number }>();
    expect(after!.n).toBe(0);
  });

  it("should project a merchant's backlog into the ledger when it runs, without any report being read", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoices = [await createInvoice(merchant.key, customer), await createInvoice(merchant.key, customer)];
    expect((await recordPayment(merchant.key, [{ invoice: invoices[0]!.id, amount: 5_000 }])).status).toBe(201);
    expect(await ledgerCursor(env.DB, merchant.id)).toBe(0);
    await runCron(new Date());
    expect(await ledgerCursor(env.DB, merchant.id)).toBe(await logHead(env.DB, merchant.id));
    const lines = await env.DB.prepare("SELECT count(*) AS n FROM ledger_lines WHERE merchant_id = ?").bind(merchant.id).first<{ n: number }>();
    expect(lines!.n).toBe(2 * 3 + 2);
  });
});
