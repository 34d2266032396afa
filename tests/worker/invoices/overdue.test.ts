/** Invoices past due are announced once (`invoice.overdue`, by the cron), and a merchant can write one off. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import worker from "../../../worker/index";
import { announceOverdue } from "../../../worker/invoices/overdue";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { eventLog, mustOpenStream } from "../realtime/support";

async function runCron(now = new Date()): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: now.getTime() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const overdueEvents = async (key: string) => (await eventLog(key)).filter((event) => event.type === "invoice.overdue");

describe("invoice.overdue", () => {
  it("should append invoice.overdue once per invoice, on the merchant's stream, when the cron runs after the due date", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const late = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -3) });
    await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), 10) }); // not due yet
    const paidLate = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -5) });
    expect((await recordPayment(merchant.key, [{ invoice: paidLate.id, amount: paidLate.total }])).status).toBe(201);
    const stream = await mustOpenStream(merchant.key);
    await runCron();
    await runCron();
    const events = await overdueEvents(merchant.key);
    expect(events.map((event) => event.invoice)).toEqual([late.id]);
    expect(events[0].data).toMatchObject({ number: late.number, status: "open", amount_due: late.total, days_overdue: 3 });
    expect(await stream.until(() => stream.events.some((event) => event.event === "invoice.overdue"), 5000)).toBe(true);
    await stream.close();
  });

  it("should announce each invoice once when two cron runs race", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoices = await Promise.all(Array.from({ length: 5 }, () => createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -1) })));
    await Promise.all([announceOverdue(env.DB, new Date()), announceOverdue(env.DB, new Date()), announceOverdue(env.DB, new Date())]);
    expect((await overdueEvents(merchant.key)).map((event) => event.invoice).sort()).toEqual(invoices.map((invoice) => invoice.id).sort());
  });

  it("should deliver invoice.overdue to a webhook endpoint subscribed to it", async () => {
    const merchant = await createMerchant();
    const created = await api(merchant.key, "POST", "/v1/webhook_endpoints", { url: "http://127.0.0.1:9/overdue", events: ["invoice.overdue"] });
    expect(created.status).toBe(201);
    const customer = (await createCustomer(merchant.key)).id;
    await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -2) });
    await runCron();
    await env.HUB.getByName(merchant.id).notify(merchant.id);
    const deliveries = await api(merchant.key, "GET", `/v1/webhook_endpoints/${created.body.id}/deliveries`);
    expect(deliveries.body.data.map((delivery: { event_type: string }) => delivery.event_type)).toEqual(["invoice.overdue"]);
  });
});

describe("POST /v1/invoices/:id/mark_uncollectible", () => {
  it("should write the invoice off with an event, refuse payments and stop reminders when an open invoice is marked uncollectible", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -40) });
    const marked = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/mark_uncollectible`);
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ status: "uncollectible", overdue: false, amount_due: invoice.total });
    expect((await eventLog(merchant.key)).map((event) => event.type)).toContain("invoice.marked_uncollectible");
    const paid = await recordPayment(merchant.key, [{ invoice: invoice.id, amount: 100 }]);
    expect(paid.status).toBe(422);
    expect(paid.body).toMatchObject({ code: "invoice_not_payable", param: "allocations[0].invoice" });
    const remind = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {});
    expect(remind.body.code).toBe("invoice_not_payable");
  });

  it("should refuse with 409 invoice_not_open and change nothing when the invoice is paid, void or a draft", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const paid = await createInvoice(merchant.key, customer);
    await recordPayment(merchant.key, [{ invoice: paid.id, amount: paid.total }]);
    const draft = await createInvoice(merchant.key, customer, { issue: false });
    for (const id of [paid.id, draft.id]) {
      const before = await api(merchant.key, "GET", `/v1/invoices/${id}`);
      const refused = await api(merchant.key, "POST", `/v1/invoices/${id}/mark_uncollectible`);
      expect(refused.status).toBe(409);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      expect(refused.body.code).toBe("invoice_not_open");
      expect((await api(merchant.key, "GET", `/v1/invoices/${id}`)).body.version).toBe(before.body.version);
    }
  });

  it("should refuse a read-only key with 403 and another merchant with 404", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    expect((await api(merchant.readOnlyKey, "POST", `/v1/invoices/${invoice.id}/mark_uncollectible`)).status).toBe(403);
    expect((await api(other.key, "POST", `/v1/invoices/${invoice.id}/mark_uncollectible`)).status).toBe(404);
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.status).toBe("open");
  });
});
