/** Sending on time, once: racing cron runs, a message delivered twice, the unique (invoice, step). */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_POLICY } from "../../../shared/schemas/reminders";
import { addDays } from "../../../shared/status";
import worker from "../../../worker/index";
import { sendReminder } from "../../../worker/reminders/send";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { deliverAt, eventsOf, eventually, ofMerchant, outboxOf, remindersOf, runCronAt, simulatedNow, today } from "./support";

/** A merchant with `count` invoices all due on day 3 (their step 0 is due that day, step -3 on day 0). */
async function world(count: number) {
  const merchant = await createMerchant("Concurrence SARL");
  const customer = (await createCustomer(merchant.key, { locale: "fr" })).id;
  const start = today();
  const invoices = [];
  for (let index = 0; index < count; index += 1) invoices.push(await createInvoice(merchant.key, customer, { due_date: addDays(start, 3) }));
  return { merchant, invoices, start };
}

async function queuedIdsOf(merchantId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id FROM reminders WHERE merchant_id = ? AND status = 'queued' ORDER BY id").bind(merchantId).all<{ id: string }>();
  return results.map((row) => row.id);
}

describe("reminders sent once", () => {
  it("should queue each due reminder once when two cron runs start at once", async () => {
    const { merchant, invoices, start } = await world(6);
    const now = simulatedNow(start, 3);
    const [first, second] = await Promise.all([runCronAt(now), runCronAt(now)]);
    const queued = await queuedIdsOf(merchant.id);
    // One reminder per invoice (the latest due step, 0), queued by exactly one of the two runs.
    expect(queued).toHaveLength(invoices.length);
    const mine = (messages: { reminder: string }[]) => messages.map((message) => message.reminder).filter((id) => queued.includes(id));
    const handed = [...mine(first.messages), ...mine(second.messages)].sort();
    expect(handed).toEqual(queued);
    expect(new Set(handed).size).toBe(handed.length);
    for (const invoice of invoices) {
      const rows = await remindersOf(invoice.id);
      expect(rows.map((row) => `${row.step}:${row.status}`)).toEqual(["-3:skipped", "0:queued", "7:scheduled", "15:scheduled", "30:scheduled"]);
    }

    // Both runs' messages delivered (and each twice, as a redelivering queue may): one email per invoice.
    const all = [...first.messages, ...second.messages].filter((message) => queued.includes(message.reminder));
    const outcomes = await Promise.all([...all, ...all].map((message) => deliverAt(message, now)));
    expect(outcomes.filter((outcome) => outcome === "sent")).toHaveLength(invoices.length);
    expect(outcomes.filter((outcome) => outcome === "ignored")).toHaveLength(invoices.length);
    const outbox = await outboxOf(merchant.id);
    expect(outbox.map((message) => message.reminder_id).sort()).toEqual(queued);

    // A third run the same day finds nothing left to queue.
    const third = await runCronAt(now);
    expect(third.messages.filter((message) => queued.includes(message.reminder))).toEqual([]);
    expect(await queuedIdsOf(merchant.id)).toEqual([]);
  });

  it("should send one email when the same message is delivered twice at once", async () => {
    const { merchant, invoices, start } = await world(1);
    const now = simulatedNow(start, 3);
    const { messages } = await runCronAt(now);
    const [id] = await queuedIdsOf(merchant.id);
    const message = messages.find((candidate) => candidate.reminder === id)!;
    expect(message).toBeDefined();

    const outcomes = await Promise.all([deliverAt(message, now), deliverAt(message, now)]);
    expect(outcomes.sort()).toEqual(["ignored", "sent"]);
    // Delivered once more later: still nothing.
    expect(await deliverAt(message, now)).toBe("ignored");
    const outbox = await outboxOf(merchant.id);
    expect(outbox.map((row) => row.reminder_id)).toEqual([id]);
    expect(await eventsOf(invoices[0]!.id, "reminder.sent")).toHaveLength(1);
    const row = (await remindersOf(invoices[0]!.id)).find((candidate) => candidate.id === id)!;
    expect(row).toMatchObject({ status: "sent", sent_at: now.toISOString() });
  });

  it("should not send again when recording the sent reminder fails after the email went out", async () => {
    const { merchant, invoices, start } = await world(1);
    const now = simulatedNow(start, 3);
    const [message] = await ofMerchant(merchant.id, (await runCronAt(now)).messages);
    // D1 fails the batch that records the send (the email itself is already in the outbox).
    let failures = 0;
    const db = new Proxy(env.DB, {
      get(target, property) {
        if (property === "batch") {
          return async () => {
            failures += 1;
            throw new Error("D1_ERROR: simulated failure");
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const flaky = new Proxy(env, { get: (target, property) => (property === "DB" ? db : Reflect.get(target, property)) });
    const ctx = createExecutionContext();
    await sendReminder(flaky, ctx, message!, now).catch(() => "threw");
    await waitOnExecutionContext(ctx);
    expect(failures).toBe(1);
    expect(await outboxOf(merchant.id)).toHaveLength(1);

    // Redelivered (the queue retries what threw), or already handed back to the queue: never a second email.
    expect(await deliverAt(message!, now)).toBe("ignored");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await outboxOf(merchant.id)).toHaveLength(1);
    expect((await remindersOf(invoices[0]!.id)).find((row) => row.id === message!.reminder)!.status).not.toBe("queued");
  });

  it("should refuse a second row for the same invoice and step when one is inserted directly", async () => {
    const { merchant, invoices } = await world(1);
    const at = new Date().toISOString();
    const insert = env.DB.prepare(
      "INSERT INTO reminders (id, merchant_id, invoice_id, step, send_on, status, created_at, updated_at) VALUES ('rem_duplicate', ?, ?, 0, '2026-01-01', 'scheduled', ?, ?)",
    ).bind(merchant.id, invoices[0]!.id, at, at);
    await expect(insert.run()).rejects.toThrow(/UNIQUE/);
    expect((await remindersOf(invoices[0]!.id)).filter((row) => row.step === 0)).toHaveLength(1);
  });

  it("should queue no more than the daily cap when more reminders are due, and the rest the next day", async () => {
    const { merchant, invoices, start } = await world(3);
    const policy = { ...DEFAULT_REMINDER_POLICY, daily_cap: 2 };
    expect((await api(merchant.key, "PUT", "/v1/settings", { reminders: policy })).status).toBe(200);

    const day3 = simulatedNow(start, 3);
    const { report, messages } = await runCronAt(day3);
    const queued = await queuedIdsOf(merchant.id);
    expect(queued).toHaveLength(2);
    expect(report.deferred).toBeGreaterThanOrEqual(1);
    for (const message of messages.filter((candidate) => queued.includes(candidate.reminder))) expect(await deliverAt(message, day3)).toBe("sent");
    // The same day again: the cap is reached, nothing more.
    await runCronAt(day3);
    expect(await queuedIdsOf(merchant.id)).toEqual([]);

    // The next day the third invoice's reminder goes.
    const day4 = simulatedNow(start, 4);
    await runCronAt(day4);
    const next = await queuedIdsOf(merchant.id);
    expect(next).toHaveLength(1);
    const sentInvoices = new Set<string>();
    for (const invoice of invoices) for (const row of await remindersOf(invoice.id)) if (row.status === "sent" || row.status === "queued") sentInvoices.add(invoice.id);
    expect(sentInvoices.size).toBe(3);
  });
});

describe("the cron", () => {
  it("should find the due reminders through the reminders_due index when the cron runs", async () => {
    const { merchant, start } = await world(2);
    const statements: string[] = [];
    const db = new Proxy(env.DB, {
      get(target, property) {
        if (property === "prepare") {
          return (sql: string) => {
            statements.push(sql);
            return target.prepare(sql);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const spied = new Proxy(env, { get: (target, property) => (property === "DB" ? db : Reflect.get(target, property)) });
    const { runReminders } = await import("../../../worker/reminders/run");
    const report = await runReminders(spied, simulatedNow(start, 3), async () => undefined);
    expect(report.queued).toBeGreaterThanOrEqual(2);
    expect(await queuedIdsOf(merchant.id)).toHaveLength(2);

    const query = statements.find((sql) => /^\s*SELECT[\s\S]*FROM reminders r/.test(sql))!;
    expect(query).toBeDefined();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`).bind(addDays(start, 3), 1000).all<{ detail: string }>();
    const details = plan.results.map((row) => row.detail);
    // The reminders are searched by the partial index on send_on, never scanned.
    expect(details.some((detail) => /^SEARCH r USING INDEX reminders_due \(send_on<\?\)/.test(detail)), details.join("\n")).toBe(true);
    expect(details.some((detail) => /^SCAN (r|reminders)\b/.test(detail)), details.join("\n")).toBe(false);
    // Each invoice is found by its primary key.
    expect(details.some((detail) => /^SEARCH i USING (INDEX sqlite_autoindex_invoices_1|PRIMARY KEY|INTEGER PRIMARY KEY) \(id=\?\)/.test(detail)), details.join("\n")).toBe(true);
  });

  it("should queue today's reminders and the queue's consumer send them when the scheduled handler runs", async () => {
    const merchant = await createMerchant("Cron SARL");
    const customer = (await createCustomer(merchant.key, { locale: "en" })).id;
    const invoice = await createInvoice(merchant.key, customer, { due_date: today() });
    const controller = createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() });
    const ctx = createExecutionContext();
    worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    // Step 0 is due today (-3 was due three days ago: superseded, not sent as well).
    const rows = await eventually(() => remindersOf(invoice.id), (list) => list.find((row) => row.step === 0)?.status === "sent");
    expect(rows.map((row) => `${row.step}:${row.status}`)).toEqual(["-3:skipped", "0:sent", "7:scheduled", "15:scheduled", "30:scheduled"]);
    const outbox = await outboxOf(merchant.id);
    expect(outbox.map((message) => message.subject)).toEqual([`Invoice ${invoice.number} is due today`]);
  });
});
