import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../../worker/index";
import { linkHash, sealChain } from "../../../worker/events/chain";
import { checkpointKey, signChainCheckpoint, signCheckpoint } from "../../../worker/events/checkpoint";
import { eventId, type EventRow } from "../../../worker/events/log";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type TestMerchant } from "../helpers";

type Guarded = "events_seal_once" | "events_no_delete";

/** The trigger's SQL exactly as the migration creates it (the migrations the tests applied). */
function triggerSql(name: Guarded): string {
  const migrations = (env as unknown as { TEST_MIGRATIONS: { queries: string[] }[] }).TEST_MIGRATIONS;
  const query = migrations.flatMap((migration) => migration.queries).find((sql) => sql.includes(`CREATE TRIGGER ${name} `));
  if (query === undefined) throw new Error(`trigger ${name} not found in the migrations`);
  return query;
}

async function triggerExists(name: Guarded): Promise<boolean> {
  return (await env.DB.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?").bind(name).first()) !== null;
}

/**
 * Does what someone with raw database access would: drops the append-only trigger, edits, and puts
 * the trigger back, all in one transaction so concurrent tests never see the schema without it.
 */
async function withoutTrigger(name: Guarded, edits: D1PreparedStatement[]): Promise<void> {
  await env.DB.batch([env.DB.prepare(`DROP TRIGGER ${name}`), ...edits, env.DB.prepare(triggerSql(name))]);
}

afterAll(async () => {
  for (const name of ["events_seal_once", "events_no_delete"] as const) {
    if (!(await triggerExists(name))) await env.DB.prepare(triggerSql(name)).run();
  }
});

/** A merchant with a few changes behind it: customer, invoices, a batch payment, a refund. */
async function merchantWithHistory(name: string): Promise<TestMerchant> {
  const merchant = await createMerchant(name);
  const customer = (await createCustomer(merchant.key)).id;
  const a = await createInvoice(merchant.key, customer);
  const b = await createInvoice(merchant.key, customer);
  const payment = await recordPayment(merchant.key, [
    { invoice: a.id, amount: 12_000 },
    { invoice: b.id, amount: 3000 },
  ]);
  if (payment.status !== 201) throw new Error(payment.text);
  const refund = await api(merchant.key, "POST", `/v1/payments/${payment.body.id}/refund`, { amount: 500 });
  if (refund.status !== 200) throw new Error(refund.text);
  return merchant;
}

async function eventRows(merchantId: string): Promise<EventRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM events WHERE merchant_id = ? ORDER BY seq").bind(merchantId).all<EventRow>();
  return results;
}

const audit = (merchant: TestMerchant) => api(merchant.key, "GET", "/v1/audit/chain");

/** What the publisher does after each write (and the cron for anything left): seal the chain. Verification never seals. */
async function sealed(merchant: TestMerchant): Promise<TestMerchant> {
  await sealChain(env.DB, merchant.id);
  return merchant;
}

/** What the cron does: seal, then sign a checkpoint of the chain head. */
async function checkpointed(merchant: TestMerchant) {
  await sealChain(env.DB, merchant.id);
  const checkpoint = await signChainCheckpoint(env, merchant.id, new Date());
  if (checkpoint === null) throw new Error("no checkpoint signed");
  return checkpoint;
}

async function runCron(): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Every column of every event row of the merchant, to prove a verification wrote nothing. */
const snapshot = async (merchantId: string) => JSON.stringify(await eventRows(merchantId));

const NO_CHECKPOINT = { checkpoint: null, rejected_checkpoints: [] };

describe("GET /v1/audit/chain", () => {
  it("should report ok with every event sealed and linked when nothing was tampered with", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain ok SARL"));
    const report = await audit(merchant);
    expect(report.status).toBe(200);
    const rows = await eventRows(merchant.id);
    expect(rows.map((row) => row.type)).toEqual([
      "customer.created", "invoice.created", "invoice.issued", "invoice.created", "invoice.issued",
      "invoice.paid", "invoice.partially_paid", "payment.succeeded", "invoice.reopened", "payment.refunded",
    ]);
    expect(report.body).toEqual({ ok: true, events_checked: rows.length, unsealed: 0, first_broken: null, ...NO_CHECKPOINT });
    expect(rows[0]!.prev_hash).toBe("0".repeat(64));
    rows.slice(1).forEach((row, index) => expect(row.prev_hash).toBe(rows[index]!.hash));
  });

  it("should keep one unforked chain when many writers append events concurrently", async () => {
    const merchant = await createMerchant("Chain concurrent SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const invoices = await Promise.all(Array.from({ length: 6 }, () => createInvoice(merchant.key, customer)));
    await Promise.all(invoices.map((invoice) => recordPayment(merchant.key, [{ invoice: invoice.id, amount: 1000 }])));
    const report = await audit(await sealed(merchant));
    expect(report.body).toMatchObject({ ok: true, unsealed: 0, first_broken: null });
    expect(report.body.events_checked).toBe((await eventRows(merchant.id)).length);
  });

  it("should be refused by the database when an event row is edited or deleted with the triggers in place", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain guarded SARL"));
    expect((await audit(merchant)).body.ok).toBe(true);
    const [row] = await eventRows(merchant.id);
    await expect(env.DB.prepare("UPDATE events SET data = '{}' WHERE seq = ?").bind(row!.seq).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE events SET hash = ? WHERE seq = ?").bind("f".repeat(64), row!.seq).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM events WHERE seq = ?").bind(row!.seq).run()).rejects.toThrow(/append-only/);
    expect((await audit(merchant)).body.ok).toBe(true);
  });

  it("should name the edited event with hash_mismatch when an event's data is changed in D1", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain tampered SARL"));
    expect((await audit(merchant)).body.ok).toBe(true);
    const rows = await eventRows(merchant.id);
    const index = rows.findIndex((row) => row.type === "invoice.paid");
    const target = rows[index]!;
    const forged = JSON.stringify({ ...JSON.parse(target.data), amount_paid: 1, amount_due: 11_999 });

    await withoutTrigger("events_seal_once", [env.DB.prepare("UPDATE events SET data = ? WHERE seq = ?").bind(forged, target.seq)]);
    expect(await triggerExists("events_seal_once")).toBe(true);
    expect((await env.DB.prepare("SELECT data FROM events WHERE seq = ?").bind(target.seq).first<{ data: string }>())?.data).toBe(forged);

    const report = await audit(merchant);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      ok: false,
      events_checked: index,
      unsealed: 0,
      first_broken: { event: eventId(target), event_seq: target.seq, reason: "hash_mismatch" },
      ...NO_CHECKPOINT,
    });
  });

  it("should name the following event with prev_hash_mismatch when an edited event's hash is recomputed too", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain rehashed SARL"));
    expect((await audit(merchant)).body.ok).toBe(true);
    const rows = await eventRows(merchant.id);
    const index = rows.findIndex((row) => row.type === "payment.succeeded");
    const target = rows[index]!;
    const forgedRow = { ...target, data: JSON.stringify({ ...JSON.parse(target.data), amount: 1 }) };
    const forgedHash = await linkHash(target.prev_hash!, forgedRow);

    await withoutTrigger("events_seal_once", [
      env.DB.prepare("UPDATE events SET data = ?, hash = ? WHERE seq = ?").bind(forgedRow.data, forgedHash, target.seq),
    ]);

    const next = rows[index + 1]!;
    expect((await audit(merchant)).body).toMatchObject({
      ok: false,
      events_checked: index + 1,
      first_broken: { event: eventId(next), event_seq: next.seq, reason: "prev_hash_mismatch" },
    });
  });

  it("should name the event after the gap with prev_hash_mismatch when an event row is deleted", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain deleted SARL"));
    expect((await audit(merchant)).body.ok).toBe(true);
    const rows = await eventRows(merchant.id);
    const index = rows.findIndex((row) => row.type === "payment.refunded" || row.type === "invoice.reopened");
    const removed = rows[index]!;
    const following = rows[index + 1]!;

    await withoutTrigger("events_no_delete", [env.DB.prepare("DELETE FROM events WHERE seq = ?").bind(removed.seq)]);
    expect(await triggerExists("events_no_delete")).toBe(true);
    expect(await eventRows(merchant.id)).toHaveLength(rows.length - 1);

    expect((await audit(merchant)).body).toEqual({
      ok: false,
      events_checked: index,
      unsealed: 0,
      first_broken: { event: eventId(following), event_seq: following.seq, reason: "prev_hash_mismatch" },
      ...NO_CHECKPOINT,
    });
  });

  it("should leave other merchants' chains ok when one merchant's log was tampered with", async () => {
    const merchant = await sealed(await merchantWithHistory("Chain neighbour SARL"));
    expect((await audit(merchant)).body).toMatchObject({ ok: true, first_broken: null });
  });

  it("should answer ok false and change no row when an event is edited and every hash after it nulled for resealing", async () => {
    const merchant = await merchantWithHistory("Chain resealed SARL");
    const signed = await checkpointed(merchant);
    const rows = await eventRows(merchant.id);
    const index = rows.findIndex((row) => row.type === "invoice.paid");
    const target = rows[index]!;
    const forged = JSON.stringify({ ...JSON.parse(target.data), amount_paid: 1, amount_due: 11_999 });
    await withoutTrigger("events_seal_once", [
      env.DB.prepare("UPDATE events SET data = ? WHERE seq = ?").bind(forged, target.seq),
      env.DB.prepare("UPDATE events SET hash = NULL, prev_hash = NULL WHERE merchant_id = ? AND seq >= ?").bind(merchant.id, target.seq),
    ]);
    const tampered = await snapshot(merchant.id);

    const report = await audit(merchant);

    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      ok: false,
      events_checked: index,
      first_broken: { event: eventId(target), event_seq: target.seq, reason: "unsealed_before_checkpoint" },
      checkpoint: { event_seq: signed.seq, hash: signed.hash, count: rows.length, source: "hub", status: "resealed" },
    });
    expect(await snapshot(merchant.id)).toBe(tampered); // verifying sealed nothing

    // The cron's sealer links the forged rows again; the signed checkpoint still tells, and the cron signs no new one over them.
    await runCron();
    expect((await eventRows(merchant.id)).every((row) => row.hash !== null)).toBe(true);
    expect((await audit(merchant)).body).toMatchObject({ ok: false, first_broken: null, checkpoint: { event_seq: signed.seq, hash: signed.hash, status: "resealed" } });
    expect(await env.DB.prepare("SELECT seq, hash FROM chain_checkpoints WHERE merchant_id = ?").bind(merchant.id).first()).toEqual({ seq: signed.seq, hash: signed.hash });
  });

  it("should report truncated against the signed checkpoint when the newest events are deleted", async () => {
    const merchant = await merchantWithHistory("Chain truncated SARL");
    const signed = await checkpointed(merchant);
    const rows = await eventRows(merchant.id);
    await withoutTrigger("events_no_delete", [env.DB.prepare("DELETE FROM events WHERE merchant_id = ? AND seq >= ?").bind(merchant.id, rows.at(-2)!.seq)]);

    expect((await audit(merchant)).body).toEqual({
      ok: false,
      events_checked: rows.length - 2,
      unsealed: 0,
      first_broken: null,
      checkpoint: { event_seq: signed.seq, hash: signed.hash, count: rows.length, signed_at: signed.at, source: "hub", status: "truncated" },
      rejected_checkpoints: [],
    });
  });

  it("should reject a checkpoint row forged without the key and still report the truncation when a writer deletes the tail and rewrites the row", async () => {
    const merchant = await merchantWithHistory("Chain forged SARL");
    const signed = await checkpointed(merchant);
    const rows = await eventRows(merchant.id);
    const kept = rows.at(-3)!;
    // The writer's checkpoint for the shortened log, signed with a key of its own.
    const forged = await signCheckpoint(await checkpointKey("not-the-deployment-key"), { merchant: merchant.id, seq: kept.seq, hash: kept.hash!, count: rows.length - 2, at: new Date().toISOString() });
    await withoutTrigger("events_no_delete", [env.DB.prepare("DELETE FROM events WHERE merchant_id = ? AND seq > ?").bind(merchant.id, kept.seq)]);
    await env.DB.prepare("UPDATE chain_checkpoints SET seq = ?, hash = ?, count = ?, signed_at = ?, signature = ? WHERE merchant_id = ?")
      .bind(forged.seq, forged.hash, forged.count, forged.at, forged.signature, merchant.id)
      .run();

    expect((await audit(merchant)).body).toMatchObject({
      ok: false,
      first_broken: null,
      checkpoint: { event_seq: signed.seq, source: "hub", status: "truncated" },
      rejected_checkpoints: [{ source: "database", seq: kept.seq, reason: "signature_invalid" }],
    });
  });

  it("should report ok with the checkpoint holding when events were appended after it", async () => {
    const merchant = await merchantWithHistory("Chain grows SARL");
    const signed = await checkpointed(merchant);
    await createCustomer(merchant.key);
    const report = await audit(await sealed(merchant));
    expect(report.body).toMatchObject({ ok: true, first_broken: null, checkpoint: { event_seq: signed.seq, status: "holds" }, rejected_checkpoints: [] });
    expect(report.body.events_checked).toBe((await eventRows(merchant.id)).length);
  });
});
