/** Changing settings through the update logic: nothing to change records nothing; a new policy reschedules. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { listEvents } from "../../../worker/events/queries";
import { listReminders } from "../../../worker/reminders/queries";
import { updateSettings } from "../../../worker/settings/update";
import { createCustomer, createInvoice, createMerchant } from "../helpers";

describe("settings/update", () => {
  it("should record nothing and answer no log moved when the update is empty", async () => {
    const merchant = await createMerchant();
    const outcome = await updateSettings(env, merchant.id, {}, new Date());
    expect(outcome.moved).toBeNull();
    expect(await listEvents(env.DB, merchant.id, { afterSeq: 0, limit: 5 })).toEqual([]);
  });

  it("should append settings.updated naming the fields and answer the log moved when a field changes", async () => {
    const merchant = await createMerchant();
    const outcome = await updateSettings(env, merchant.id, { email_signature: "Marie, Atelier Martin" }, new Date());
    expect(outcome.moved).toEqual({ merchantId: merchant.id });
    expect(outcome.settings.email_signature).toBe("Marie, Atelier Martin");
    const [event] = await listEvents(env.DB, merchant.id, { afterSeq: 0, type: "settings.updated", limit: 5 });
    expect(JSON.parse(event!.data)).toEqual({ fields: ["email_signature"] });
  });

  it("should reschedule the unsent steps of open invoices in the same batch when the reminder policy changes", async () => {
    const merchant = await createMerchant();
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id, { net_days: 30 });
    const before = (await listReminders(env.DB, invoice.id)).map((row) => row.step);
    expect(before.length).toBeGreaterThan(0);
    const steps = [{ ...DEFAULT_SETTINGS.reminders.steps[0]!, offset_days: 5 }];
    await updateSettings(env, merchant.id, { reminders: { ...DEFAULT_SETTINGS.reminders, steps } }, new Date());
    expect((await listReminders(env.DB, invoice.id)).map((row) => row.step)).toEqual([5]);
  });

  it("should refuse the sandbox with 422 naming payment_methods[i] and store nothing in production", async () => {
    const merchant = await createMerchant();
    const error = await updateSettings({ ...env, ENVIRONMENT: "production" } as Env, merchant.id, { payment_methods: ["card", "sandbox"] }, new Date()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 422, param: "payment_methods[1]" });
    expect(await listEvents(env.DB, merchant.id, { afterSeq: 0, limit: 5 })).toEqual([]);
  });
});
