/**
 * The console's customer list and customer page in real Chromium against the running server: the
 * owner creates a customer by keyboard (a refused SIREN shown beside its field first), the page's
 * balances equal the ageing report's and the customer's credit, they change live while a transfer
 * is recorded, the owner edits the customer, axe in light and dark, and no write control for the
 * accountant.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** EUR text ("144,00 €") → minor units (14400); "—" → 0. */
const minor = async (locator: Locator) => Number(((await locator.textContent()) ?? "").replace(/\D/g, "") || "0");

/** The id of the focused element, through shadow roots. */
const focusedId = (page: Page) => page.evaluate(() => {
  let element: Element | null = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element?.id ?? "";
});

interface Aging { customers: { customer: string; currency: string; total: number; buckets: Record<string, number>; unallocated_credit: number }[] }

/** A customer with an overdue invoice (14 400), one not yet due (6 000), and a paid one credited 1 000 (their credit). */
async function customerWithBalances(name: string): Promise<{ customer: string; overdue: { id: string; total: number } }> {
  const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name, email: `${name.replace(/ /g, ".").toLowerCase()}@example.com`, locale: "fr" })).id;
  const invoice = (due: string, unit: number) => expectCall<{ id: string; total: number }>(201, key(), "POST", "/v1/invoices", {
    customer, currency: "eur", due_date: due, lines: [{ description: "Prestation", quantity: 1, unit_amount: unit, tax_rate: 2000 }], issue: true,
  });
  const overdue = await invoice(day(-40), 12_000);
  await invoice(day(10), 5_000);
  const paid = await invoice(day(5), 2_500);
  await expectCall(201, key(), "POST", "/v1/payments", { method: "bank_transfer", amount: paid.total, currency: "eur", allocations: [{ invoice: paid.id, amount: paid.total }] });
  await expectCall(201, key(), "POST", `/v1/invoices/${paid.id}/credit_notes`, { reason: "Geste commercial", amount: 1_000 });
  return { customer, overdue };
}

/** The API's figures for one customer in EUR: outstanding, overdue, credit available. */
async function apiFigures(customer: string): Promise<{ total: number; overdue: number; credit: number }> {
  const report = await expectCall<Aging>(200, key(), "GET", `/v1/reports/aging?customer=${customer}`);
  const row = report.customers.find((r) => r.currency === "eur")!;
  const credit = (await expectCall<{ credit_balances: { currency: string; amount: number }[] }>(200, key(), "GET", `/v1/customers/${customer}`)).credit_balances.find((c) => c.currency === "eur")?.amount ?? 0;
  return { total: row.total, overdue: row.total - (row.buckets.current ?? 0), credit };
}

async function pageFigures(page: Page): Promise<{ total: number; overdue: number; credit: number }> {
  const row = page.locator('qc-customer-detail tr[data-currency="eur"]');
  return { total: await minor(row.locator("[data-outstanding]")), overdue: await minor(row.locator("[data-overdue]")), credit: await minor(row.locator("[data-credit]")) };
}

async function openCustomer(customer: string, options: { readOnly?: boolean } = {}): Promise<Page> {
  const page = await openConsole(context, { ...options, path: `/console/customers/${customer}` });
  await page.locator("qc-customer-detail [data-balances]").waitFor();
  return page;
}

describe("the console's customers", () => {
  it("should create a customer from the form by keyboard, showing a refused SIREN beside its field first, and find it through the API", async () => {
    const page = await openConsole(context, { path: `/console/customers` });
    await page.locator("qc-customers h1").waitFor();
    await tabTo(page, /Nouveau client/);
    await page.keyboard.press("Enter");
    // The form opens with the focus on its first field.
    await page.locator("qc-customer-form #cf-name").waitFor();
    await page.keyboard.type("Fromagerie Clavier");
    await tabTo(page, /E-mail/);
    await page.keyboard.type("compta@fromagerie-clavier.example");
    await tabTo(page, /^\s*Adresse\s*$/);
    await page.keyboard.type("8 rue des Halles");
    await tabTo(page, /Code postal/);
    await page.keyboard.type("21000");
    await tabTo(page, /Ville/);
    await page.keyboard.type("Dijon");
    await tabTo(page, /Pays/);
    await page.keyboard.type("fr");
    await tabTo(page, /SIREN/);
    await page.keyboard.type("12345");
    await page.keyboard.press("Enter");
    const error = page.locator('qc-customer-form [data-field-error="siren"][role="alert"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/siren/i);
    expect(await focusedId(page)).toBe("cf-siren");
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customers-form-error");
    for (let i = 0; i < 5; i += 1) await page.keyboard.press("Backspace");
    await page.keyboard.type("552100554");
    await page.keyboard.press("Enter");
    const created = page.locator("qc-customers [data-created]");
    await created.waitFor();
    const id = (await created.getAttribute("data-created"))!;
    const stored = await expectCall<{ name: string; email: string; locale: string; siren: string; address: { city: string; country: string } }>(200, key(), "GET", `/v1/customers/${id}`);
    expect(stored).toMatchObject({ name: "Fromagerie Clavier", email: "compta@fromagerie-clavier.example", locale: "fr", siren: "552100554", address: { city: "Dijon", country: "FR" } });
    await page.locator(`qc-customers tr[data-customer="${id}"]`).waitFor();
    await shot(page, "console-customers-created");
    // Search by part of the email finds it alone.
    await page.locator("qc-customers #q").fill("fromagerie-clavier");
    await page.locator("qc-customers #q").press("Enter");
    await expect.poll(() => page.locator("qc-customers tbody tr").count()).toBe(1);
    expect(page.url()).toContain("q=fromagerie-clavier");
    await page.close();
  }, 90_000);

  it("should show the ageing report's outstanding and overdue and the customer's credit, in the list and on the page, and follow a transfer live", async () => {
    const { customer, overdue } = await customerWithBalances("Cave Soldes");
    const expected = await apiFigures(customer);
    expect(expected).toEqual({ total: 14_400 + 6_000, overdue: 14_400, credit: 1_000 });
    const page = await openCustomer(customer);
    expect(await pageFigures(page)).toEqual(expected);
    await expect.poll(() => page.locator("qc-customer-detail tr[data-invoice]").count()).toBe(3);
    expect(await page.locator("qc-customer-detail [data-credit-note]").count()).toBe(1);
    await page.locator('[data-live="open"]').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customer-detail");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customer-detail-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await expectCall(201, key(), "POST", "/v1/payments", { method: "bank_transfer", amount: overdue.total, currency: "eur", allocations: [{ invoice: overdue.id, amount: overdue.total }] });
    await expect.poll(() => pageFigures(page), { timeout: 5_000 }).toEqual({ total: 6_000, overdue: 0, credit: 1_000 });
    expect(await pageFigures(page)).toEqual(await apiFigures(customer));
    // The list shows the same figures for this customer.
    await page.goto(`${base()}/console/customers?q=Cave%20Soldes`);
    const row = page.locator(`qc-customers tr[data-customer="${customer}"]`);
    await row.waitFor();
    await expect.poll(() => minor(row.locator("[data-outstanding]"))).toBe(6_000);
    expect(await minor(row.locator("[data-overdue]"))).toBe(0);
    expect(await minor(row.locator("[data-credit]"))).toBe(1_000);
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customers-dark");
    await page.close();
  }, 90_000);

  it("should let the owner edit the customer by keyboard and show the change, stored through the API", async () => {
    const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Atelier Modif", email: "avant@atelier-modif.example", locale: "fr" })).id;
    const page = await openCustomer(customer);
    await tabTo(page, /Modifier le client/);
    await page.keyboard.press("Enter");
    await page.locator("qc-customer-form #cf-email").waitFor();
    await tabTo(page, /E-mail/);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("apres@atelier-modif.example");
    await tabTo(page, /N° de TVA/);
    await page.keyboard.type("FR32552100554");
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customer-edit");
    await page.keyboard.press("Enter");
    await page.locator('qc-customer-detail [data-field="email"]', { hasText: "apres@atelier-modif.example" }).waitFor();
    await page.locator("qc-customer-detail [role=status]", { hasText: "Client enregistré" }).waitFor();
    const stored = await expectCall<{ email: string; vat_number: string; locale: string }>(200, key(), "GET", `/v1/customers/${customer}`);
    expect(stored).toMatchObject({ email: "apres@atelier-modif.example", vat_number: "FR32552100554", locale: "fr" });
    await shot(page, "console-customer-edited");
    await page.close();
  }, 60_000);

  it("should page the search results 20 at a time with the pager, keeping the search in the address bar", async () => {
    const tag = `pagin${Date.now().toString(36)}`;
    for (let index = 0; index < 21; index += 1) await expectCall(201, key(), "POST", "/v1/customers", { name: `Client ${tag} ${index}`, email: `${tag}.${index}@example.com` });
    const page = await openConsole(context, { path: `/console/customers?q=${tag}` });
    await expect.poll(() => page.locator("qc-customers tbody tr").count()).toBe(20);
    await tabTo(page, /Page suivante/);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("qc-customers tbody tr").count()).toBe(1);
    expect(await page.locator("qc-customers tbody tr th").textContent()).toBe(`Client ${tag} 0`);
    expect(page.url()).toMatch(new RegExp(`q=${tag}.*starting_after=cus_`));
    expect(await page.locator("qc-pager button").count()).toBe(0);
    await page.close();
  }, 60_000);

  it("should show the accountant the list and the customer page with no write control", async () => {
    const { customer } = await customerWithBalances("Cabinet Lecture");
    const page = await openCustomer(customer, { readOnly: true });
    expect(await writeControls(page)).toEqual([]);
    expect(await pageFigures(page)).toEqual(await apiFigures(customer));
    expect(await axe(page)).toEqual([]);
    await page.goto(`${base()}/console/customers`);
    await page.locator("qc-customers tbody tr").first().waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-customers [data-action=new]").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-customers-read-only");
    await page.close();
  }, 60_000);
});
