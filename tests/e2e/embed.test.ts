/**
 * The widget embedded on a merchant's own site, on a second origin: the script, every API call and
 * the sandbox payment cross origins, as they do once a merchant follows the README.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { base, expectCall } from "./http";
import { openBrowser, shot } from "./browser";
import { startMerchantSite, type MerchantSite } from "./merchant-site";

const key = () => inject("e2eSecretKey");
let browser: BrowserContext;
let site: MerchantSite;
let invoices: { id: string; number: string }[];

/** What went wrong in a page: console errors, uncaught exceptions, failed or refused requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ""}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`status ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return problems;
}

/** Waits; on a timeout, fails with what the page reported instead of a bare timeout. */
async function until(problems: string[], what: string, wait: Promise<unknown>): Promise<void> {
  await wait.catch((error: unknown) => {
    throw new Error(`never ${what}; the page reported: ${problems.join(" | ") || "nothing"}`, { cause: error });
  });
}

beforeAll(async () => {
  const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Client Boutique", email: "boutique@example.com", locale: "fr" })).id;
  invoices = [];
  for (const [description, unitAmount] of [["Pain de campagne — 40 pièces", 9_600], ["Viennoiseries — plateau", 4_250]] as const) {
    invoices.push(
      await expectCall<{ id: string; number: string }>(201, key(), "POST", "/v1/invoices", {
        customer,
        currency: "eur",
        lines: [{ description, quantity: 1, unit_amount: unitAmount, tax_rate: 550 }],
        issue: true,
      }),
    );
  }
  site = await startMerchantSite(base(), key(), customer);
  // The README's step: the page's origin goes into allowed_origins (the demo's origins stay).
  const { allowed_origins } = await expectCall<{ allowed_origins: string[] }>(200, key(), "GET", "/v1/settings");
  await expectCall(200, key(), "PUT", "/v1/settings", { allowed_origins: [...allowed_origins, site.origin] });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

describe("the widget's assets", () => {
  it("should serve widget.js to any origin with CORS, a cross-origin resource policy, public caching and nosniff", async () => {
    const response = await fetch(`${base()}/widget.js`, { headers: { origin: "https://any-shop.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=[1-9]\d*/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    await response.body?.cancel();
  });
});

describe("the widget embedded on the merchant's own origin", () => {
  it("should load, pay two invoices with the sandbox card and show them paid when the page is on another origin than the API", async () => {
    expect(new URL(site.origin).origin).not.toBe(new URL(base()).origin);
    const page = await browser.newPage();
    const problems = watch(page);
    let scriptCors: string | undefined;
    page.on("response", (response) => {
      if (response.url() === `${base()}/widget.js`) scriptCors = response.headers()["access-control-allow-origin"];
    });
    await page.goto(`${site.origin}/account`);

    const widget = page.locator("quittance-invoices");
    await until(problems, "the widget listed both invoices", Promise.all(invoices.map((invoice) => widget.getByRole("checkbox", { name: new RegExp(invoice.number) }).waitFor({ timeout: 15_000 }))));
    expect(scriptCors).toBe("*");
    expect(site.sessionsMinted).toBe(1);
    await shot(page, "31-embed-list");

    for (const invoice of invoices) await widget.getByRole("checkbox", { name: new RegExp(invoice.number) }).check();
    const pay = widget.getByRole("button", { name: /^Payer 2 factures — / });
    await expect.poll(() => pay.isEnabled()).toBe(true);
    await shot(page, "32-embed-selected");
    await pay.click();
    await widget.getByRole("radio", { name: /Carte de test/ }).check();
    await widget.getByRole("button", { name: "Continuer" }).click();
    await widget.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await shot(page, "33-embed-card");
    await widget.getByRole("button", { name: /^Payer .*€$/ }).click();

    await until(problems, "the receipt showed", widget.getByRole("heading", { name: "Paiement reçu, merci !" }).waitFor({ timeout: 20_000 }));
    await shot(page, "34-embed-receipt");
    await widget.getByRole("button", { name: "Terminé" }).click();
    const paidGroup = widget.locator("section", { has: page.getByRole("heading", { name: "Payées" }) });
    for (const invoice of invoices) await paidGroup.getByText(invoice.number).waitFor({ timeout: 10_000 });
    await shot(page, "35-embed-paid");

    for (const invoice of invoices) {
      expect(await expectCall(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).toMatchObject({ status: "paid", amount_due: 0, processing: false });
    }
    expect(problems).toEqual([]);
    page.removeAllListeners();
    await page.close();
  });
});
