/**
 * The console's invoice list in real Chromium against the running server, driven by keyboard:
 * remind two overdue invoices in bulk (they reach the outbox and their timelines), record one bank
 * transfer across three invoices (all paid), the list changing in place while a client pays, axe in
 * light and dark, and no write control for the accountant.
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

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A customer of this file's own with overdue invoices (due in the past), issued. */
async function overdueInvoices(name: string, amounts: number[]): Promise<{ customer: string; invoices: { id: string; number: string; total: number }[] }> {
  const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name, email: `${name.normalize("NFD").replace(/[^A-Za-z ]/g, "").replace(/ +/g, ".").toLowerCase()}@example.com`, locale: "fr" })).id;
  const invoices = [];
  for (const [index, amount] of amounts.entries()) {
    invoices.push(await expectCall<{ id: string; number: string; total: number }>(201, key(), "POST", "/v1/invoices", {
      customer, currency: "eur", due_date: day(-40 + index), lines: [{ description: `Livraison ${index + 1}`, quantity: 1, unit_amount: amount, tax_rate: 2000 }], issue: true,
    }));
  }
  return { customer, invoices };
}

/** Opens the invoice list filtered to one customer and waits for its rows. */
async function openList(customer: string, rows: number, options: { readOnly?: boolean } = {}): Promise<Page> {
  const page = await openConsole(context, { ...options, path: `/console/invoices?customer=${customer}` });
  await page.locator("qc-invoices h1").waitFor();
  await expect.poll(() => page.locator("qc-invoices tbody tr").count()).toBe(rows);
  return page;
}

describe("the console's invoices", () => {
  it("should remind two overdue invoices in bulk by keyboard: both reach the outbox and their timelines", async () => {
    const { customer, invoices } = await overdueInvoices("Boulangerie Relance", [12_000, 8_000]);
    const page = await openList(customer, 2);
    await tabTo(page, new RegExp(`Choisir ${invoices[0]!.number}`));
    await page.keyboard.press("Space");
    await tabTo(page, new RegExp(`Choisir ${invoices[1]!.number}`));
    await page.keyboard.press("Space");
    await page.locator("qc-invoices", { hasText: "2 choisie(s)" }).waitFor();
    await tabTo(page, /Relancer la sélection/);
    await shot(page, "console-invoices-selected");
    await page.keyboard.press("Enter");
    for (const invoice of invoices) await page.locator("qc-invoices [data-results] li", { hasText: `${invoice.number} : relance envoyée` }).waitFor();
    await shot(page, "console-invoices-reminded");
    for (const invoice of invoices) {
      await expect.poll(async () => (await expectCall<{ data: { manual: boolean; status: string; sent_at: string | null }[] }>(200, key(), "GET", `/v1/invoices/${invoice.id}/reminders`)).data.filter((r) => r.sent_at !== null).map((r) => r.status), { timeout: 15_000 }).toEqual(["sent"]);
    }
    const outbox = await fetch(`${base()}/dev/outbox`, { headers: { accept: "application/json" } }).then((r) => r.json() as Promise<{ data: { subject: string; to_address: string }[] }>);
    for (const invoice of invoices) expect(outbox.data.some((m) => m.subject.includes(invoice.number) && m.to_address === "boulangerie.relance@example.com")).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 90_000);

  it("should record one bank transfer across three invoices by keyboard, from the oldest, and mark all three paid", async () => {
    const { customer, invoices } = await overdueInvoices("Épicerie Virement", [10_000, 2_550, 4_999]);
    const page = await openList(customer, 3);
    await tabTo(page, /Tout choisir sur la page/);
    await page.keyboard.press("Space");
    await page.locator("qc-invoices", { hasText: "3 choisie(s)" }).waitFor();
    await tabTo(page, /Enregistrer un virement/);
    await page.keyboard.press("Enter");
    const dialog = page.locator("qc-batch-transfer dialog");
    await dialog.waitFor();
    const total = invoices.reduce((sum, invoice) => sum + invoice.total, 0);
    expect(await page.locator("qc-batch-transfer #amount").inputValue()).toBe((total / 100).toFixed(2));
    // A smaller amount fills the oldest first and says what is left; back to the full amount balances.
    await page.locator("qc-batch-transfer #amount").fill(((invoices[0]!.total + 100) / 100).toFixed(2));
    expect(await page.locator(`qc-batch-transfer [data-allocation="${invoices[0]!.id}"]`).inputValue()).toBe((invoices[0]!.total / 100).toFixed(2));
    expect(await page.locator(`qc-batch-transfer [data-allocation="${invoices[1]!.id}"]`).inputValue()).toBe("1.00");
    expect(await page.locator(`qc-batch-transfer [data-allocation="${invoices[2]!.id}"]`).inputValue()).toBe("0.00");
    await page.locator(`qc-batch-transfer [data-allocation="${invoices[2]!.id}"]`).fill("5");
    await page.locator("qc-batch-transfer [data-balance]", { hasText: /Répartition supérieure/ }).waitFor();
    await page.locator("qc-batch-transfer #amount").fill((total / 100).toFixed(2).replace(".", ","));
    await page.locator("qc-batch-transfer [data-balance]", { hasText: "Équilibré" }).waitFor();
    await page.locator("qc-batch-transfer #reference").focus();
    await page.keyboard.type("VIR SEPA 2026-12 EPICERIE");
    await shot(page, "console-batch-transfer");
    expect(await axe(page)).toEqual([]);
    await tabTo(page, /Enregistrer le virement/);
    await page.keyboard.press("Enter");
    await page.locator("qc-invoices [data-results] li", { hasText: "Virement enregistré sur 3 facture(s)" }).waitFor();
    for (const invoice of invoices) expect((await expectCall<{ status: string }>(200, key(), "GET", `/v1/invoices/${invoice.id}/status`)).status).toBe("paid");
    await expect.poll(() => page.locator("qc-invoices .badge.paid").count()).toBe(3);
    const payments = await expectCall<{ data: { reference: string | null; amount: number; allocations: { invoice: string }[] }[] }>(200, key(), "GET", "/v1/payments?limit=5");
    const recorded = payments.data.find((p) => p.reference === "VIR SEPA 2026-12 EPICERIE")!;
    expect(recorded.amount).toBe(total);
    expect(recorded.allocations.map((a) => a.invoice).sort()).toEqual(invoices.map((i) => i.id).sort());
    await shot(page, "console-invoices-paid");
    await page.close();
  }, 90_000);

  it("should change the row within a second while a client pays through the client API, in light and dark without axe violation", async () => {
    const { customer, invoices } = await overdueInvoices("Client Live", [3_000]);
    const page = await openList(customer, 1);
    await page.locator('[data-live="open"]').waitFor();
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "console-invoices-dark");
    expect(await axe(page)).toEqual([]);
    const cs = (await expectCall<{ token: string }>(201, key(), "POST", "/v1/client_sessions", { customer })).token;
    const payment = await expectCall<{ action: { token: string } }>(201, cs, "POST", "/v1/client/payments", { invoices: [invoices[0]!.id], method: "sandbox" });
    await expectCall(200, null, "POST", `/sandbox/pay/${payment.action.token}`, { card_number: "4242 4242 4242 4242" });
    const started = Date.now();
    await page.locator("qc-invoices .badge.paid").waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await page.locator(`qc-invoices tr[data-invoice="${invoices[0]!.id}"] [data-amount-due]`).textContent())?.replace(/\s/g, " ")).toMatch(/^0,00.€$/);
    await page.close();
  }, 60_000);

  it("should show the accountant the list with no selection box and no bulk action", async () => {
    const { customer } = await overdueInvoices("Cabinet Comptable Vue", [1_000]);
    const page = await openList(customer, 1, { readOnly: true });
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-invoices input[type=checkbox][data-write]").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
