/**
 * The console while a client pays: the owner's console (one browser) shows the invoice list and the
 * dashboard; the client (another browser, its own profile and cookies) pays in the widget embedded on
 * the merchant's own origin with the sandbox card. The console's list and totals change in place
 * within a second of the payment being answered, with no reload, and say so in the live region.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { openBrowser, shot } from "./browser";
import { openConsole } from "./console";
import { startMerchantSite, type MerchantSite } from "./merchant-site";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let owner: BrowserContext;
let client: BrowserContext;
let site: MerchantSite;
let customer: string;
let invoice: { id: string; number: string; total: number };

beforeAll(async () => {
  customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Epicerie Live", email: "epicerie.live@example.com", locale: "fr" })).id;
  invoice = await expectCall(201, key(), "POST", "/v1/invoices", {
    customer, currency: "eur", lines: [{ description: "Farine T65 — 25 kg", quantity: 2, unit_amount: 3_150, tax_rate: 550 }], issue: true,
  });
  const settings = await expectCall<{ allowed_origins: string[]; payment_methods: string[] }>(200, key(), "GET", "/v1/settings");
  site = await startMerchantSite(base(), key(), customer);
  await expectCall(200, key(), "PUT", "/v1/settings", {
    allowed_origins: [...settings.allowed_origins, site.origin],
    payment_methods: settings.payment_methods.includes("sandbox") ? settings.payment_methods : [...settings.payment_methods, "sandbox"],
  });
  owner = await openBrowser();
  client = await openBrowser();
}, 120_000);

afterAll(async () => {
  await owner?.close();
  await client?.close();
  await site?.stop();
});

/** Resolves with the time at which the element's text (through the console's shadow roots) first differs from `before`. */
function changed(page: Page, path: string[], before: string): Promise<number> {
  return page.waitForFunction(({ path, before }) => {
    let node: Element | ShadowRoot | null | undefined = document.querySelector("qc-app")?.shadowRoot;
    for (const [index, selector] of path.entries()) {
      const found: Element | null | undefined = node?.querySelector(selector);
      node = index < path.length - 1 ? found?.shadowRoot ?? found : found;
    }
    const text = (node as Element | null | undefined)?.textContent ?? null;
    return text !== null && text !== before;
  }, { path, before }, { timeout: 30_000, polling: "raf" }).then(() => Date.now());
}

describe("the console while a client pays in the widget", () => {
  it("should change the invoice list and the outstanding total within a second of the client's payment, without a reload", async () => {
    const list = await openConsole(owner, { path: `/console/invoices?customer=${customer}` });
    const row = list.locator(`qc-invoices tr[data-invoice="${invoice.id}"]`);
    await row.waitFor();
    await list.locator('[data-live="open"]').waitFor();
    const dashboard = await openConsole(owner);
    await dashboard.locator('[data-live="open"]').waitFor();
    await list.evaluate(() => ((window as unknown as { marker: string }).marker = "no reload"));
    const dueBefore = (await row.locator("[data-amount-due]").textContent())!;
    const outstandingBefore = (await dashboard.locator('qc-dashboard [data-currency="eur"] [data-outstanding]').textContent())!;
    const listChanged = changed(list, ["qc-invoices", `tr[data-invoice="${invoice.id}"] [data-amount-due]`], dueBefore);
    const totalChanged = changed(dashboard, ["qc-dashboard", '[data-currency="eur"] [data-outstanding]'], outstandingBefore);

    const shop = await client.newPage();
    await shop.goto(`${site.origin}/account`);
    const widget = shop.locator("quittance-invoices");
    await widget.getByRole("checkbox", { name: new RegExp(invoice.number) }).check({ timeout: 15_000 });
    await widget.getByRole("button", { name: /^Payer 1 facture — / }).click();
    await widget.getByRole("radio", { name: /Carte de test/ }).check();
    await widget.getByRole("button", { name: "Continuer" }).click();
    await widget.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    const answered = shop.waitForResponse((response) => /\/sandbox\/pay\//.test(response.url()) && response.request().method() === "POST").then(() => Date.now());
    await widget.getByRole("button", { name: /^Payer .*€$/ }).click();
    const paidAt = await answered;
    const [listAt, totalAt] = await Promise.all([listChanged, totalChanged]);
    expect({ list: listAt - paidAt < 1000, total: totalAt - paidAt < 1000, ms: [listAt - paidAt, totalAt - paidAt] }).toMatchObject({ list: true, total: true });
    await widget.getByRole("heading", { name: "Paiement reçu, merci !" }).waitFor({ timeout: 20_000 });
    await shot(shop, "console-live-widget-receipt");

    await expect.poll(() => row.locator("[data-amount-due]").textContent()).toMatch(/^0,00.€$/);
    await expect.poll(() => row.locator("qc-status-badge").getAttribute("status")).toBe("paid");
    const outstanding = await expectCall<{ currencies: { currency: string; total: number }[] }>(200, key(), "GET", "/v1/reports/aging?by=currency");
    const eur = outstanding.currencies.find((entry) => entry.currency === "eur")?.total ?? 0;
    await expect.poll(() => dashboard.locator('qc-dashboard [data-currency="eur"] [data-outstanding]').textContent().then((text) => text?.replace(/\s/g, " ")))
      .toBe(new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(eur / 100).replace(/\s/g, " "));
    expect(await list.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("no reload");
    await shot(list, "console-live-widget-list");
    await shot(dashboard, "console-live-widget-dashboard");
    await Promise.all([list.close(), dashboard.close(), shop.close()]);
  }, 120_000);
});
