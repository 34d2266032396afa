/**
 * The console in real Chromium against the running server: signed in by a one-time link, the
 * dashboard's figures are the reports', it is accessible in light and dark and at phone width, the
 * accountant's session shows no write control, and sign-out returns to the sign-in screen.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { openBrowser, shot } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

describe("the console", () => {
  it("should sign in from the one-time link, drop it from the address bar and show the overdue total of GET /v1/reports/aging", async () => {
    const page = await openConsole(context);
    expect(new URL(page.url()).hash).toBe("");
    expect(new URL(page.url()).pathname).toBe("/console");
    const aging = await expectCall<{ currencies: { currency: string; total: number; buckets: Record<string, number> }[] }>(200, inject("e2eSecretKey"), "GET", "/v1/reports/aging?by=currency");
    const eur = aging.currencies.find((entry) => entry.currency === "eur")!;
    // (Earlier e2e files may have paid the seeded overdue invoices: the figure is whatever the report says.)
    const overdue = eur.total - (eur.buckets["current"] ?? 0);
    const shown = await page.locator('qc-dashboard [data-currency="eur"] [data-overdue]').textContent();
    const expected = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(overdue / 100);
    expect(shown?.replace(/\s/g, " ")).toBe(expected.replace(/\s/g, " "));
    const today = new Date();
    const lastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    const months = await expectCall<{ periods: { currencies: { currency: string; cash_received: { net: number } }[] }[] }>(200, inject("e2eSecretKey"), "GET", `/v1/reports/collections?from=${lastMonth}&to=${today.toISOString().slice(0, 10)}&interval=month`);
    const thisMonth = months.periods.at(-1)!.currencies.find((entry) => entry.currency === "eur")?.cash_received.net ?? 0;
    const collected = await page.locator('qc-dashboard [data-currency="eur"] [data-collected]').textContent();
    expect(collected?.replace(/\s/g, " ")).toBe(new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(thisMonth / 100).replace(/\s/g, " "));
    await page.locator('[data-live="open"]').waitFor();
    await shot(page, "console-dashboard");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "console-dashboard-dark");
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    await shot(page, "console-dashboard-phone");
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it("should change the outstanding total within a second when an invoice is issued and then paid, without a reload", async () => {
    const page = await openConsole(context);
    await page.locator('[data-live="open"]').waitFor();
    const outstanding = page.locator('qc-dashboard [data-currency="eur"] [data-outstanding]');
    const before = await outstanding.textContent();
    const key = inject("e2eSecretKey");
    const customer = await expectCall<{ id: string }>(201, key, "POST", "/v1/customers", { name: "Console Live SARL", email: "live@example.com" });
    const invoice = await expectCall<{ id: string; amount_due: number }>(201, key, "POST", "/v1/invoices", {
      customer: customer.id, currency: "eur", lines: [{ description: "Pain de campagne", quantity: 10, unit_amount: 450, tax_rate: 550 }], issue: true,
    });
    let started = Date.now();
    await page.waitForFunction((previous) => {
      const cell = document.querySelector("qc-app")?.shadowRoot?.querySelector("qc-dashboard")?.shadowRoot?.querySelector('[data-currency="eur"] [data-outstanding]');
      return cell !== null && cell !== undefined && cell.textContent !== previous;
    }, before, { timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    const raised = await outstanding.textContent();
    started = Date.now();
    await expectCall(201, key, "POST", "/v1/payments", { method: "bank_transfer", amount: invoice.amount_due, currency: "eur", allocations: [{ invoice: invoice.id, amount: invoice.amount_due }] });
    await page.waitForFunction((previous) => {
      const cell = document.querySelector("qc-app")?.shadowRoot?.querySelector("qc-dashboard")?.shadowRoot?.querySelector('[data-currency="eur"] [data-outstanding]');
      return cell !== null && cell !== undefined && cell.textContent !== previous;
    }, raised, { timeout: 1000 });
    expect(await outstanding.textContent()).toBe(before);
    await page.locator("qc-dashboard li", { hasText: /^Paiement reçu — 47,48.€ \(virement\)$/ }).waitFor();
    await page.locator("qc-dashboard li", { hasText: /^F\d{4}-\d+ payée — 47,48.€$/ }).waitFor();
    await shot(page, "console-dashboard-live");
    await page.close();
  }, 60_000);

  it("should move between pages through the navigation and in-page links without reloading, marking the current page and focusing its heading", async () => {
    const page = await openConsole(context);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
    await page.locator("qc-app nav").getByRole("link", { name: "Factures" }).click();
    await page.locator("qc-invoices h1").waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/invoices");
    expect(await page.locator("qc-app nav").getByRole("link", { name: "Factures" }).getAttribute("aria-current")).toBe("page");
    const first = page.locator("qc-invoices tbody th a").first();
    const href = await first.getAttribute("href");
    await first.click();
    await page.locator("qc-invoice-detail h1").waitFor();
    expect(new URL(page.url()).pathname).toBe(href);
    expect(await page.evaluate(() => {
      let element: Element | null = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return element?.tagName;
    })).toBe("H1");
    await page.goBack();
    await page.locator("qc-invoices h1").waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
    await page.close();
  }, 60_000);

  it("should show the accountant's read-only session with its badge and no write control", async () => {
    const page = await openConsole(context, { readOnly: true });
    await page.getByText(/Lecture seule/).waitFor();
    expect(await writeControls(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it("should keep the session on a deep-link reload and end it at sign-out, back on the sign-in screen", async () => {
    const page = await openConsole(context);
    await page.goto(`${base()}/console/invoices/inv_nope`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.getByRole("button", { name: "Se déconnecter" }).click();
    await page.getByRole("heading", { name: "Console marchand" }).waitFor();
    expect(await page.evaluate(async () => (await fetch("/v1/console/session")).status)).toBe(401);
    await shot(page, "console-sign-in");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-sign-in-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    await page.getByLabel(/Clé secrète/).fill(inject("e2eReadOnlyKey"));
    await page.keyboard.press("Enter");
    await page.locator("qc-dashboard h1").waitFor();
    await page.close();
  }, 60_000);
});
