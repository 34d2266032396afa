/**
 * The console's invoice page in real Chromium against the running server: remind an overdue invoice
 * by keyboard, see the reminder sent on its timeline, open the email's tracked pixel as a mail client
 * would and see "opened" appear without a reload; pause and promise to pay; axe light and dark; the
 * accountant's page has no write control.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

async function overdueInvoice(name: string, email: string): Promise<{ id: string; number: string }> {
  const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name, email, locale: "fr" })).id;
  return expectCall<{ id: string; number: string }>(201, key(), "POST", "/v1/invoices", {
    customer, currency: "eur", due_date: new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10), lines: [{ description: "Croissants", quantity: 40, unit_amount: 120, tax_rate: 550 }], issue: true,
  });
}

describe("the console's invoice page", () => {
  it("should remind by keyboard, then show 'opened' on the timeline when the email's tracked pixel loads", async () => {
    const invoice = await overdueInvoice("Boulangerie Martin Détail", "martin.detail@example.com");
    const page = await openConsole(context, { path: `/console/invoices/${invoice.id}` });
    await page.locator("qc-invoice-detail h1", { hasText: invoice.number }).waitFor();
    await page.locator('[data-live="open"]').waitFor();
    await tabTo(page, /Relancer maintenant/);
    await page.keyboard.press("Enter");
    await page.locator("qc-invoice-detail [role=status]", { hasText: "Relance envoyée" }).waitFor();
    await page.locator('qc-invoice-detail [data-moment="sent"]').waitFor({ timeout: 15_000 });
    await shot(page, "console-invoice-reminded");
    // The email as the outbox holds it: its open pixel, fetched as a mail client would.
    const outbox = await fetch(`${base()}/dev/outbox`, { headers: { accept: "application/json" } }).then((r) => r.json() as Promise<{ data: { subject: string; html_body: string }[] }>);
    const email = outbox.data.find((m) => m.subject.includes(invoice.number))!;
    const pixel = /https?:\/\/[^"' ]+\/t\/o\/[^"' ]+\.gif/.exec(email.html_body)![0];
    const opened = await fetch(pixel.replace(/^https?:\/\/[^/]+/, base()));
    expect(opened.status).toBe(200);
    await page.locator('qc-invoice-detail [data-moment="opened"]').waitFor({ timeout: 5_000 });
    await shot(page, "console-invoice-opened");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-invoice-dark");
    await page.close();
  }, 90_000);

  it("should pause reminders and record a promise to pay, saying why reminders are held", async () => {
    const invoice = await overdueInvoice("Traiteur Promesse", "promesse@example.com");
    const page = await openConsole(context, { path: `/console/invoices/${invoice.id}` });
    await page.locator("qc-invoice-detail h1", { hasText: invoice.number }).waitFor();
    await page.locator("qc-invoice-detail button", { hasText: "Mettre en pause" }).click();
    await page.locator('qc-invoice-detail [data-held="paused"]').waitFor();
    const promise = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.locator("qc-invoice-detail #promise").fill(promise);
    await page.locator("qc-invoice-detail button", { hasText: "Enregistrer la promesse" }).click();
    await page.locator('qc-invoice-detail [data-held="promise"]').waitFor();
    const timeline = await expectCall<{ settings: { paused: boolean; promise_until: string } }>(200, key(), "GET", `/v1/invoices/${invoice.id}/reminders`);
    expect(timeline.settings).toMatchObject({ paused: true, promise_until: promise });
    await page.locator("qc-invoice-detail button", { hasText: "Reprendre les relances" }).click();
    await expect.poll(async () => (await expectCall<{ settings: { paused: boolean } }>(200, key(), "GET", `/v1/invoices/${invoice.id}/reminders`)).settings.paused).toBe(false);
    await page.close();
  }, 60_000);

  it("should show the accountant the invoice and its timeline with no write control", async () => {
    const invoice = await overdueInvoice("Cabinet Lecture", "lecture@example.com");
    const page = await openConsole(context, { readOnly: true, path: `/console/invoices/${invoice.id}` });
    await page.locator("qc-invoice-detail h1", { hasText: invoice.number }).waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-invoice-detail button").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
