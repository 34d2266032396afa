/**
 * The console's new-invoice page in real Chromium against the running server: a keyboard-only
 * invoice of two lines whose totals are the server's draft's, issued; a bad line refused with the
 * server's message on that very field and nothing created; axe in light and dark; the accountant
 * sees a notice and no write control.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

interface Invoice { id: string; status: string; due_date: string | null; number: string | null; subtotal: number; tax: number; total: number; lines: { description: string; quantity: number; unit_amount: number; tax_rate: number }[] }

async function customer(name: string, email: string): Promise<string> {
  return (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name, email, locale: "fr" })).id;
}

async function invoicesOf(id: string): Promise<Invoice[]> {
  return (await expectCall<{ data: Invoice[] }>(200, key(), "GET", `/v1/invoices?customer=${id}`)).data;
}

/** Text as a person reads it: the non-breaking spaces Intl puts in amounts become plain ones. */
const plain = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();

async function openNew(path: string, options: { readOnly?: boolean } = {}): Promise<Page> {
  const page = await openConsole(context, { ...options, path: `${path}` });
  await page.locator("qc-invoice-new h1").waitFor();
  return page;
}

describe("the console's new invoice", () => {
  it("should create an invoice of two lines by keyboard only, show the server's totals and issue it", async () => {
    const id = await customer("Atelier Clavier Nouveau", "atelier.clavier@example.com");
    // From the list, as the owner finds it: the "New invoice" link, by keyboard.
    const page = await openConsole(context, { path: `/console/invoices` });
    await page.locator("qc-invoices h1").waitFor();
    await tabTo(page, /Nouvelle facture/);
    await page.keyboard.press("Enter");
    await page.locator("qc-invoice-new h1").waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/invoices/new");

    await tabTo(page, /^\s*Client\s*$/);
    await page.keyboard.type("Clavier Nouv");
    const option = page.locator(`qc-customer-picker [role=option][data-customer="${id}"]`);
    await option.waitFor();
    await page.keyboard.press("ArrowDown");
    expect(await option.getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("qc-customer-picker input[role=combobox]").getAttribute("aria-activedescendant")).toBe(await option.getAttribute("id"));
    await shot(page, "console-invoice-new-picker");
    await page.keyboard.press("Enter");
    await page.locator("qc-customer-picker #customer-help", { hasText: "atelier.clavier@example.com" }).waitFor();

    await tabTo(page, /Désignation/);
    await page.keyboard.type("Réparation de vélo");
    await page.keyboard.press("Tab"); // quantity
    await page.keyboard.press("Control+A");
    await page.keyboard.type("2");
    await page.keyboard.press("Tab"); // unit price
    await page.keyboard.type("150,50");
    await page.keyboard.press("Tab"); // VAT: 20 % stays
    await tabTo(page, /Ajouter une ligne/);
    await page.keyboard.press("Enter");
    // Focus lands on the new line's description.
    await page.keyboard.type("Chambre à air");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("3");
    await page.keyboard.press("Tab");
    await page.keyboard.type("12");
    await page.keyboard.press("Tab"); // VAT select of line 2: 20 → 10 → 5,5 %
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.locator("qc-invoice-new fieldset[data-line='1'] select").inputValue()).toBe("550");

    const totals = page.locator("qc-invoice-new section[data-state=saved]");
    await totals.waitFor();
    const [draft, ...others] = await invoicesOf(id);
    expect(others).toEqual([]);
    expect(draft!.status).toBe("draft");
    expect(draft!.lines.map((l) => [l.description, l.quantity, l.unit_amount, l.tax_rate])).toEqual([["Réparation de vélo", 2, 15050, 2000], ["Chambre à air", 3, 1200, 550]]);
    // 2 × 150,50 + 3 × 12 = 337,00 HT; VAT 60,20 + 1,98.
    expect([draft!.subtotal, draft!.tax, draft!.total]).toEqual([33700, 6218, 39918]);
    expect(plain(await totals.locator("[data-subtotal]").textContent())).toBe("337,00 €");
    expect(plain(await totals.locator("[data-tax]").textContent())).toBe("62,18 €");
    expect(plain(await totals.locator("[data-total]").textContent())).toBe("399,18 €");
    await shot(page, "console-invoice-new-filled");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "console-invoice-new-dark");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });

    await tabTo(page, /Émettre la facture/);
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/console/invoices/${draft!.id}`);
    const issued = await expectCall<Invoice>(200, key(), "GET", `/v1/invoices/${draft!.id}`);
    expect(issued.status).toBe("open");
    expect(issued.number).toBeTruthy();
    await page.locator("qc-invoice-detail h1", { hasText: issued.number! }).waitFor();
    expect(issued.total).toBe(39918);
    expect(await invoicesOf(id)).toHaveLength(1);
    await shot(page, "console-invoice-new-issued");
    await page.close();
  }, 120_000);

  it("should show the server's refusal of a bad line on that field and create nothing", async () => {
    const id = await customer("Quincaillerie Erreur", "quincaillerie.erreur@example.com");
    const page = await openNew(`/console/invoices/new?customer=${id}`);
    // Pre-selected from ?customer=.
    await page.locator("qc-customer-picker #customer-help", { hasText: "quincaillerie.erreur@example.com" }).waitFor();
    const line = page.locator("qc-invoice-new fieldset[data-line='0']");
    await line.locator("input[id$=-description]").fill("Vis inox");
    // Four decimals: the page sends it, the API refuses lines[0].quantity (at most three).
    await line.locator("input[id$=-quantity]").fill("1,2345");
    await line.locator("input[id$=-unit]").fill("0,10");
    const error = line.locator('[role=alert][data-error-for="lines[0].quantity"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("3 decimals");
    expect(await line.locator("input[id$=-quantity]").getAttribute("aria-invalid")).toBe("true");
    expect(await line.locator("input[id$=-quantity]").getAttribute("aria-describedby")).toBe(await error.getAttribute("id"));
    expect(await page.locator("qc-invoice-new section[data-state=failed]").count()).toBe(1);
    // Issuing now stays on the page: focus goes to the field at fault.
    await page.locator("qc-invoice-new button", { hasText: "Émettre la facture" }).click();
    await expect.poll(() => page.evaluate(() => document.querySelector("qc-app")?.shadowRoot?.querySelector("qc-invoice-new")?.shadowRoot?.activeElement?.id ?? "")).toMatch(/-quantity$/);
    expect(new URL(page.url()).pathname).toBe("/console/invoices/new");
    expect(await invoicesOf(id)).toEqual([]);
    await shot(page, "console-invoice-new-error");
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 380, height: 800 });
    await shot(page, "console-invoice-new-narrow");
    await page.setViewportSize({ width: 1000, height: 1000 });
    // Fixed: the draft is created and the alert goes; a due date of its own; saved as a draft.
    await line.locator("input[id$=-quantity]").fill("1,5");
    await page.locator("qc-invoice-new section[data-state=saved]").waitFor();
    expect(await error.count()).toBe(0);
    expect((await invoicesOf(id)).map((invoice) => [invoice.status, invoice.subtotal])).toEqual([["draft", 15]]);
    await page.locator("qc-invoice-new #terms").selectOption("date");
    await page.locator("qc-invoice-new #due_date").fill("2027-01-15");
    await page.locator("qc-invoice-new section[data-state=saved]").waitFor();
    await page.locator("qc-invoice-new button", { hasText: "Enregistrer le brouillon" }).click();
    const [draft, ...others] = await invoicesOf(id);
    expect(others).toEqual([]);
    await page.waitForURL(`**/console/invoices/${draft!.id}`);
    await page.locator("qc-invoice-detail h1", { hasText: "Brouillon" }).waitFor();
    expect([draft!.status, draft!.due_date]).toEqual(["draft", "2027-01-15"]);
    // The list filtered to this customer offers a new invoice for that customer.
    await page.goto(`${base()}/console/invoices?customer=${id}`);
    await page.locator("qc-invoices h1").waitFor();
    expect(await page.locator("qc-invoices a", { hasText: "Nouvelle facture" }).getAttribute("href")).toBe(`/console/invoices/new?customer=${id}`);
    await page.close();
  }, 90_000);

  it("should show the accountant a read-only notice and no form", async () => {
    const page = await openNew("/console/invoices/new", { readOnly: true });
    await page.locator("qc-invoice-new [data-readonly]").waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-invoice-new form, qc-invoice-new input, qc-invoice-new select, qc-invoice-new button").count()).toBe(0);
    await page.goto(`${base()}/console/invoices`);
    await page.locator("qc-invoices h1").waitFor();
    expect(await page.locator("qc-invoices a", { hasText: "Nouvelle facture" }).count()).toBe(0);
    await page.goto(`${base()}/console/invoices/new`);
    await page.locator("qc-invoice-new [data-readonly]").waitFor();
    await shot(page, "console-invoice-new-readonly");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
