/** Planning reminders against the migrated D1: rows per step at issue, manual steps apart from policy offsets. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { utcDay } from "../../../shared/status";
import { listReminders, queueNextReminder } from "../../../worker/reminders/queries";
import { isManualStep, MANUAL_STEP_BASE, offsetsOf } from "../../../worker/reminders/schedule";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { createCustomer, createInvoice, createMerchant } from "../helpers";

describe("reminders/schedule", () => {
  it("should tell manual steps from policy offsets", () => {
    expect(isManualStep(MANUAL_STEP_BASE)).toBe(true);
    expect(isManualStep(MANUAL_STEP_BASE + 3)).toBe(true);
    expect(isManualStep(30)).toBe(false);
    expect(isManualStep(-3)).toBe(false);
  });

  it("should follow the invoice's own schedule over the policy, and nothing when the policy is off", () => {
    expect(offsetsOf(DEFAULT_SETTINGS.reminders, [2, 9])).toEqual([2, 9]);
    expect(offsetsOf({ ...DEFAULT_SETTINGS.reminders, enabled: false }, null)).toEqual([]);
    expect(offsetsOf(DEFAULT_SETTINGS.reminders, null)).toEqual(DEFAULT_SETTINGS.reminders.steps.map((step) => step.offset_days));
  });

  it("should plan one row per policy step dated from the due date when an invoice is issued", async () => {
    const merchant = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id, { due_date: "2090-03-10" });
    const rows = await listReminders(env.DB, invoice.id);
    expect(rows.map((row) => row.step)).toEqual(DEFAULT_SETTINGS.reminders.steps.map((step) => step.offset_days).sort((a, b) => a - b));
    const dueStep = rows.find((row) => row.step === 0);
    if (dueStep) expect(dueStep.send_on).toBe("2090-03-10");
    expect(rows.every((row) => row.status === "scheduled")).toBe(true);
  });

  it("should queue the next planned step first, then number manual reminders from MANUAL_STEP_BASE when none is left", async () => {
    const merchant = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id, { due_date: "2090-03-10" });
    const planned = (await listReminders(env.DB, invoice.id)).length;
    const now = new Date();
    const queued: (string | null)[] = [];
    const limits = { since: `${utcDay(now)}T00:00:00.000Z`, merchantCap: 1000, invoiceLimit: 1000 };
    for (let index = 0; index < planned + 2; index += 1) queued.push(await queueNextReminder(env.DB, merchant.id, invoice.id, utcDay(now), now, limits));
    expect(queued).not.toContain(null);
    const rows = await listReminders(env.DB, invoice.id);
    expect(new Set(queued).size).toBe(planned + 2);
    expect(rows.filter((row) => isManualStep(row.step)).map((row) => row.step).sort()).toEqual([MANUAL_STEP_BASE, MANUAL_STEP_BASE + 1]);
    expect(rows.every((row) => row.status === "queued")).toBe(true);
  });
});
