/**
 * The console's reminders page in real Chromium against the running server: edit a template and
 * the signature and see the server-rendered preview change (without saving), save, axe light and
 * dark, and the accountant's page with no write control.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { openBrowser, shot } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

describe("the console's reminders", () => {
  it("should show the server's preview of an edited template and signature, then save them", async () => {
    const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Fromagerie Aperçu", email: "apercu@example.com", locale: "fr" })).id;
    await expectCall(201, key(), "POST", "/v1/invoices", { customer, currency: "eur", net_days: 30, lines: [{ description: "Comté", quantity: 2, unit_amount: 1800, tax_rate: 550 }], issue: true });
    const before = await expectCall<{ reminders: unknown; email_signature: string }>(200, key(), "GET", "/v1/settings");
    const page = await openConsole(context, { path: `/console/reminders` });
    await page.locator("qc-reminders h1").waitFor();
    await page.locator("qc-reminders [data-preview-text]").waitFor();
    const subject = page.locator("qc-reminders #subject-0-fr");
    await subject.fill("Un mot sur la facture {invoice_number}");
    await page.locator("qc-reminders [data-preview-subject]", { hasText: /^Un mot sur la facture F\d{4}-\d+$/ }).waitFor();
    await page.locator("qc-reminders #body-0-fr").fill("Bonjour ");
    await page.locator("qc-reminders #body-0-fr").press("End");
    await page.locator("qc-reminders button", { hasText: "{customer_name}" }).first().click();
    await page.locator("qc-reminders #signature").fill("Marie — Fromagerie du Marché");
    await page.locator("qc-reminders [data-preview-text]", { hasText: /Bonjour Fromagerie Aperçu[\s\S]*Marie — Fromagerie du Marché/ }).waitFor();
    // The HTML part rendered as it will look (its own shadow root), saying the same, the same sign-off.
    await page.locator("qc-reminders qc-email-preview", { hasText: /Bonjour Fromagerie Aperçu[\s\S]*Marie — Fromagerie du Marché/ }).waitFor();
    expect(await page.locator("qc-reminders qc-email-preview p").count()).toBeGreaterThan(0);
    // Nothing saved yet.
    expect((await expectCall<{ email_signature: string }>(200, key(), "GET", "/v1/settings")).email_signature).toBe(before.email_signature);
    await shot(page, "console-reminders-preview");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-reminders-dark");
    await page.locator("qc-reminders button[type=submit]").click();
    await page.locator("qc-reminders [role=status]", { hasText: "Relances enregistrées" }).waitFor();
    const after = await expectCall<{ reminders: { steps: { templates: { fr: { subject: string; body: string } } }[] }; email_signature: string }>(200, key(), "GET", "/v1/settings");
    expect(after.email_signature).toBe("Marie — Fromagerie du Marché");
    expect(after.reminders.steps[0]!.templates.fr).toEqual({ subject: "Un mot sur la facture {invoice_number}", body: "Bonjour {customer_name}" });
    // Put the shared e2e merchant back as it was.
    await expectCall(200, key(), "PUT", "/v1/settings", { reminders: before.reminders, email_signature: before.email_signature });
    await page.close();
  }, 90_000);

  it("should show the accountant the policy and the preview with no write control", async () => {
    const page = await openConsole(context, { readOnly: true, path: `/console/reminders` });
    await page.locator("qc-reminders h1").waitFor();
    await page.locator("qc-reminders fieldset").first().waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-reminders button").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
