/**
 * Signed checkpoints of the chain head: the cron signs them, the hub and D1 keep the same one, every
 * webhook delivery carries it (`Quittance-Chain-Head`), and `audit:verify` reports against it.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import worker from "../../../worker/index";
import { formatChainReport } from "../../../worker/cli/chain-report";
import { checkpointKey, checkpointValid, parseCheckpoint, type ChainReport } from "../../../worker/events/checkpoint";
import { api, createCustomer, createMerchant } from "../helpers";
import { poll } from "../realtime/support";

async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const testKey = () => checkpointKey((env as { QUITTANCE_ENCRYPTION_KEY?: string }).QUITTANCE_ENCRYPTION_KEY);

describe("chain checkpoints", () => {
  it("should sign the sealed head, kept alike in the hub and in D1, when the cron runs after new events", async () => {
    const merchant = await createMerchant("Checkpoint SARL");
    await createCustomer(merchant.key);
    await createCustomer(merchant.key, { email: "second@example.com" });
    await runCron();

    const head = await env.DB.prepare("SELECT seq, hash FROM events WHERE merchant_id = ? ORDER BY seq DESC LIMIT 1").bind(merchant.id).first<{ seq: number; hash: string }>();
    const kept = await env.HUB.getByName(merchant.id).chainCheckpoint();
    expect(kept).toMatchObject({ merchant: merchant.id, seq: head!.seq, hash: head!.hash, count: 2 });
    expect(await checkpointValid(await testKey(), merchant.id, kept!)).toBe(true);
    expect(await checkpointValid(await checkpointKey("another key"), merchant.id, kept!)).toBe(false);
    const row = await env.DB.prepare("SELECT merchant_id AS merchant, seq, hash, count, signed_at AS at, signature FROM chain_checkpoints WHERE merchant_id = ?").bind(merchant.id).first();
    expect(row).toEqual(kept);
    expect((await api(merchant.key, "GET", "/v1/audit/chain")).body).toMatchObject({ ok: true, checkpoint: { event_seq: head!.seq, count: 2, status: "holds" } });
  });

  it("should put the removed checkpoint row back from the hub's copy when the cron runs again", async () => {
    const merchant = await createMerchant("Checkpoint repair SARL");
    await createCustomer(merchant.key);
    await runCron();
    const kept = await env.HUB.getByName(merchant.id).chainCheckpoint();
    await env.DB.prepare("DELETE FROM chain_checkpoints WHERE merchant_id = ?").bind(merchant.id).run();
    await runCron();
    expect(await env.DB.prepare("SELECT signature FROM chain_checkpoints WHERE merchant_id = ?").bind(merchant.id).first()).toEqual({ signature: kept!.signature });
  });

  it("should send the latest signed checkpoint as Quittance-Chain-Head with a webhook delivery", async () => {
    const merchant = await createMerchant("Checkpoint hook SARL");
    const name = `chain-head-${crypto.randomUUID()}`;
    const created = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: `http://127.0.0.1:${inject("webhookReceiverPort")}/hook/${name}` });
    expect(created.status, created.text).toBe(201);
    await createCustomer(merchant.key);
    await runCron();
    await createCustomer(merchant.key, { email: "later@example.com" });

    const received = await poll(
      async () => (await (await fetch(`http://127.0.0.1:${inject("webhookReceiverPort")}/received/${name}`)).json()) as { headers: Record<string, string> }[],
      (list) => list.some((delivery) => delivery.headers["quittance-chain-head"] !== undefined),
    );
    const header = received.map((delivery) => delivery.headers["quittance-chain-head"]).find((value) => value !== undefined)!;
    const checkpoint = parseCheckpoint(header);
    expect(checkpoint).toEqual(await env.HUB.getByName(merchant.id).chainCheckpoint());
    expect(await checkpointValid(await testKey(), merchant.id, checkpoint!)).toBe(true);
  });
});

const holding: ChainReport = {
  ok: true, events_checked: 12, unsealed: 0, first_broken: null, rejected_checkpoints: [],
  checkpoint: { event_seq: 40, hash: "a".repeat(64), count: 12, signed_at: "2026-11-24T10:00:00.000Z", source: "database", status: "holds" },
};

describe("audit:verify's report", () => {
  it("should exit 0 and say the checkpoint holds when the chain links up to the signed checkpoint", () => {
    const { lines, exitCode } = formatChainReport(holding, { merchantId: "mer_x" });
    expect(exitCode).toBe(0);
    expect(lines[0]).toBe("OK: 12 events verified for mer_x.");
    expect(lines[1]).toContain("seq 40, 12 events");
  });

  it("should exit 1 and say TRUNCATED when fewer events than the checkpoint counted are left", () => {
    const { lines, exitCode } = formatChainReport({ ...holding, ok: false, events_checked: 10, checkpoint: { ...holding.checkpoint!, status: "truncated" } }, { merchantId: "mer_x" });
    expect(exitCode).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^TRUNCATED: .*counts 12 events up to seq 40/)]);
  });

  it("should exit 1 and name the first broken link, the resealing and the forged row when all three are found", () => {
    const report: ChainReport = {
      ...holding, ok: false, events_checked: 3,
      first_broken: { event: "evt_x", event_seq: 17, reason: "unsealed_before_checkpoint" },
      checkpoint: { ...holding.checkpoint!, source: "given", status: "resealed" },
      rejected_checkpoints: [{ source: "database", seq: 41, reason: "signature_invalid" }],
    };
    const { lines, exitCode } = formatChainReport(report, { merchantId: "mer_x" });
    expect(exitCode).toBe(1);
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["BROKEN", "FORGED", "RESEALED:"]);
  });

  it("should exit 2 when the chain links but no checkpoint could be checked without the key", () => {
    const { lines, exitCode } = formatChainReport({ ...holding, checkpoint: null }, { merchantId: "mer_x", keyMissing: true });
    expect(exitCode).toBe(2);
    expect(lines[1]).toMatch(/^NOT CHECKED/);
  });

  it("should exit 2 when old sealed events have no checkpoint row, and 0 before the first checkpoint is due", () => {
    expect(formatChainReport({ ...holding, checkpoint: null }, { merchantId: "mer_x", checkpointExpected: true }).exitCode).toBe(2);
    expect(formatChainReport({ ...holding, checkpoint: null }, { merchantId: "mer_x" }).exitCode).toBe(0);
  });
});
