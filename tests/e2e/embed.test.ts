/**
 * The widget embedded on a merchant's own site, on a second origin: the script, every API call and
 * the sandbox payment cross origins, as they do once a merchant follows the README.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { base, expectCall } from "./http";
import { openBrowser, shot, tabTo } from "./browser";
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

/** The widget's own scripts a page fetched, in order, with their CORS answer. Routing turns the page's HTTP cache off, so every fetch shows. */
async function recordScripts(page: Page): Promise<{ path: string; cors: string | undefined }[]> {
  const fetched: { path: string; cors: string | undefined }[] = [];
  await page.route(`${base()}/widget**`, (route) => route.continue());
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.origin === new URL(base()).origin && /^\/widget(\.js$|\/)/.test(url.pathname)) fetched.push({ path: url.pathname, cors: response.headers()["access-control-allow-origin"] });
  });
  return fetched;
}

const FLOW_CHUNK = /^\/widget\/flow-[\w-]+\.js$/;
const LIVE_CHUNK = /^\/widget\/live-connection-[\w-]+\.js$/;

async function issueInvoice(customer: string, description: string, unitAmount: number): Promise<{ id: string; number: string }> {
  return expectCall(201, key(), "POST", "/v1/invoices", { customer, currency: "eur", lines: [{ description, quantity: 1, unit_amount: unitAmount, tax_rate: 550 }], issue: true });
}

let customer: string;

beforeAll(async () => {
  customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Client Boutique", email: "boutique@example.com", locale: "fr" })).id;
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

  it("should serve the chunks widget.js imports to any origin with CORS and immutable caching, named relative to widget.js", async () => {
    const script = await (await fetch(`${base()}/widget.js`)).text();
    const chunks = [...script.matchAll(/import\(`\.\/(widget\/[\w-]+\.js)`\)/g)].map((match) => match[1]!);
    expect(chunks.map((chunk) => chunk.replace(/-[\w-]{8}\.js$/, ""))).toEqual(expect.arrayContaining(["widget/flow", "widget/live-connection"]));
    for (const chunk of chunks) {
      const response = await fetch(`${base()}/${chunk}`, { headers: { origin: "https://any-shop.example" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      // A chunk imports what it shares with widget.js from widget.js itself: one copy of Lit per page.
      const code = await response.text();
      expect(code).not.toContain("litHtmlVersions");
      expect([...code.matchAll(/\bfrom"([^"]+)"/g)].map((match) => match[1])).toEqual(code.startsWith("import") ? ["../widget.js"] : []);
    }
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

describe("the widget in parts on the merchant's own origin", () => {
  it("should fetch only widget.js, then the live connection, until the pointer reaches Pay, which preloads the pay flow's chunk that then pays across origins", async () => {
    const invoice = await issueInvoice(customer, "Brioches — 12 pièces", 3_600);
    const page = await browser.newPage();
    const problems = watch(page);
    const fetched = await recordScripts(page);
    await page.goto(`${site.origin}/account`);
    const widget = page.locator("quittance-invoices");
    const checkbox = widget.getByRole("checkbox", { name: new RegExp(invoice.number) });
    await until(problems, "the widget listed the invoice", checkbox.waitFor({ timeout: 15_000 }));

    // The list is on screen with widget.js alone; the live connection's chunk follows it.
    expect(fetched[0]?.path).toBe("/widget.js");
    await expect.poll(() => fetched.some(({ path }) => LIVE_CHUNK.test(path))).toBe(true);
    await checkbox.check();
    const pay = widget.getByRole("button", { name: /^Payer 1 facture — / });
    await expect.poll(() => pay.isEnabled()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fetched.map(({ path }) => path).filter((path) => FLOW_CHUNK.test(path))).toEqual([]);
    expect(fetched).toHaveLength(2);

    await pay.hover();
    await expect.poll(() => fetched.some(({ path }) => FLOW_CHUNK.test(path))).toBe(true);
    expect(await widget.getByRole("radio").count()).toBe(0); // preloaded, not opened
    await pay.click();
    await widget.getByRole("radio", { name: /Carte de test/ }).check();
    await widget.getByRole("button", { name: "Continuer" }).click();
    await widget.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await widget.getByRole("button", { name: /^Payer .*€$/ }).click();
    await until(problems, "the receipt showed", widget.getByRole("heading", { name: "Paiement reçu, merci !" }).waitFor({ timeout: 20_000 }));

    expect(fetched.map(({ path }) => path).filter((path) => FLOW_CHUNK.test(path))).toHaveLength(1);
    expect(fetched.every(({ cors }) => cors === "*")).toBe(true);
    expect(await expectCall(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).toMatchObject({ status: "paid" });
    expect(problems).toEqual([]);
    page.removeAllListeners();
    await page.close();
  });

  it("should preload the pay flow's chunk when the keyboard reaches a Details button, then open the detail from it", async () => {
    const invoice = await issueInvoice(customer, "Baguettes — 30 pièces", 3_300);
    const page = await browser.newPage();
    const problems = watch(page);
    const fetched = await recordScripts(page);
    await page.goto(`${site.origin}/account`);
    const widget = page.locator("quittance-invoices");
    await until(problems, "the widget listed the invoice", widget.getByRole("checkbox", { name: new RegExp(invoice.number) }).waitFor({ timeout: 15_000 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fetched.some(({ path }) => FLOW_CHUNK.test(path))).toBe(false);

    await tabTo(page, new RegExp(`Détails ${invoice.number}`));
    await expect.poll(() => fetched.some(({ path }) => FLOW_CHUNK.test(path))).toBe(true);
    expect(await widget.getByRole("dialog").count()).toBe(0);
    await page.keyboard.press("Enter");
    await widget.getByRole("dialog").getByRole("heading", { name: `Facture ${invoice.number}` }).waitFor();
    await shot(page, "36-embed-detail-from-chunk");
    expect(problems).toEqual([]);
    page.removeAllListeners();
    await page.close();
  });
});
