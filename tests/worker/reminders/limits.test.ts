/**
 * Limits on "remind now": `force` skips the minimum interval and nothing else; manual reminders
 * count against the merchant's daily cap, and each invoice has its own daily limit.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_POLICY, type ReminderPolicyValue } from "../../../shared/schemas/reminders";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { expectProblem } from "../security/support";

async function merchantWithPolicy(change: Partial<ReminderPolicyValue>) {
  const merchant = await createMerchant("Plafond SARL");
  const saved = await api(merchant.key, "PUT", "/v1/settings", { reminders: { ...DEFAULT_REMINDER_POLICY, ...change } });
  expect(saved.status, saved.text).toBe(200);
  const customer = (await createCustomer(merchant.key)).id;
  return { merchant, customer };
}

async function remindersOfMerchant(merchantId: string): Promise<{ status: string; step: number }[]> {
  const { results } = await env.DB.prepare("SELECT status, step FROM reminders WHERE merchant_id = ? AND status IN ('queued', 'sending', 'sent')").bind(merchantId).all<{ status: string; step: number }>();
  return results;
}

describe("POST /v1/invoices/:id/remind limits", () => {
  it("should accept 1 of 50 forced reminders and refuse the rest with 429 when the daily cap is 1", async () => {
    const { merchant, customer } = await merchantWithPolicy({ daily_cap: 1 });
    const invoices = await Promise.all(Array.from({ length: 5 }, () => createInvoice(merchant.key, customer, { net_days: 30 })));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) => api(merchant.key, "POST", `/v1/invoices/${invoices[index % invoices.length]!.id}/remind`, { force: true })),
    );
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status !== 202);
    expect(refused).toHaveLength(49);
    for (const answer of refused) {
      expectProblem(answer, 429, "reminder_daily_cap_reached");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(answer.headers.get("retry-after"))).toBeLessThanOrEqual(86_400);
    }
    // The refused calls queued nothing and created no manual reminder.
    expect(await remindersOfMerchant(merchant.id)).toHaveLength(1);
  });

  it("should still let force skip the minimum interval when the cap has room", async () => {
    const { merchant, customer } = await merchantWithPolicy({ daily_cap: 2, min_interval_days: 10 });
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {})).status).toBe(202);
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {}), 409, "reminder_too_soon");
    expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true })).status).toBe(202);
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true }), 429, "reminder_daily_cap_reached");
  });

  it("should refuse with 429 invoice_reminder_limit_reached when one invoice already got its daily limit, and leave other invoices free", async () => {
    const { merchant, customer } = await merchantWithPolicy({ invoice_daily_limit: 2, min_interval_days: 0 });
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    const other = await createInvoice(merchant.key, customer, { net_days: 30 });
    for (let sent = 0; sent < 2; sent += 1) expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true })).status).toBe(202);
    const refused = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true });
    expectProblem(refused, 429, "invoice_reminder_limit_reached");
    expect(refused.body.detail).toContain("invoice_daily_limit = 2");
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await api(merchant.key, "POST", `/v1/invoices/${other.id}/remind`, {})).status).toBe(202);
    expect(await remindersOfMerchant(merchant.id)).toHaveLength(3);
  });

  it("should not keep a 429 under its Idempotency-Key when a limit refused the reminder", async () => {
    const { merchant, customer } = await merchantWithPolicy({ daily_cap: 1 });
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {})).status).toBe(202);
    const key = { "idempotency-key": crypto.randomUUID() };
    expectProblem(await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true }, key), 429, "reminder_daily_cap_reached");
    const again = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true }, key);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("settings.reminders.invoice_daily_limit", () => {
  it("should answer 422 naming the field when the per-invoice limit is out of range, and save nothing", async () => {
    const merchant = await createMerchant();
    const before = (await api(merchant.key, "GET", "/v1/settings")).body;
    for (const value of [0, 21, 1.5, "3"]) {
      const response = await api(merchant.key, "PUT", "/v1/settings", { reminders: { ...DEFAULT_REMINDER_POLICY, invoice_daily_limit: value } });
      expectProblem(response, 422, "parameter_invalid", "reminders.invoice_daily_limit");
    }
    expect((await api(merchant.key, "GET", "/v1/settings")).body).toEqual(before);
    expect(before.reminders.invoice_daily_limit).toBe(3);
  });

  it("should read 3 when stored settings predate the field", async () => {
    const merchant = await createMerchant();
    const { invoice_daily_limit: _, ...older } = { ...DEFAULT_REMINDER_POLICY, daily_cap: 7 };
    await env.DB.prepare("UPDATE settings SET data = ? WHERE merchant_id = ?").bind(JSON.stringify({ ...DEFAULT_SETTINGS, reminders: older }), merchant.id).run();
    const settings = await api(merchant.key, "GET", "/v1/settings");
    expect(settings.body.reminders).toMatchObject({ daily_cap: 7, invoice_daily_limit: 3 });
  });
});
