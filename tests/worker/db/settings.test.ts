/** The settings store: defaults for what was never stored, and the CORS origin index kept with the document. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { originAllowed } from "../../../worker/auth/queries";
import { getSettings, mergeSettings, saveSettingsStatements } from "../../../worker/db/settings";
import { createMerchant } from "../helpers";

describe("db/settings", () => {
  it("should answer the defaults and no date when a merchant has no settings row", async () => {
    expect(await getSettings(env.DB, "mer_00000000000000000000nothing")).toEqual({ settings: DEFAULT_SETTINGS, updatedAt: null });
  });

  it("should fill fields added later with their defaults when the stored document predates them", async () => {
    const merchant = await createMerchant();
    await env.DB.prepare("UPDATE settings SET data = ? WHERE merchant_id = ?").bind(JSON.stringify({ email_signature: "Ancien" }), merchant.id).run();
    const { settings } = await getSettings(env.DB, merchant.id);
    expect(settings.email_signature).toBe("Ancien");
    expect(settings.reminders).toEqual(DEFAULT_SETTINGS.reminders);
  });

  it("should replace the allowed-origin index when settings are saved", async () => {
    const merchant = await createMerchant();
    const now = new Date();
    const first = mergeSettings(DEFAULT_SETTINGS, { allowed_origins: ["https://a.example", "https://b.example"] });
    await env.DB.batch(saveSettingsStatements(env.DB, merchant.id, first, now));
    expect(await originAllowed(env.DB, "https://b.example", merchant.id)).toBe(true);
    await env.DB.batch(saveSettingsStatements(env.DB, merchant.id, mergeSettings(first, { allowed_origins: ["https://a.example"] }), now));
    expect(await originAllowed(env.DB, "https://a.example", merchant.id)).toBe(true);
    expect(await originAllowed(env.DB, "https://b.example", merchant.id)).toBe(false);
    expect((await getSettings(env.DB, merchant.id)).updatedAt).toBe(now.toISOString());
  });
});
