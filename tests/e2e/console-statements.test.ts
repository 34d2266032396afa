/**
 * The console's bank statements in real Chromium against the running server: import a camt.053
 * built here (one transfer naming an invoice, one only its amount, one nobody's, one debit), see
 * the counts, open the statement, confirm the suggestion by keyboard (the invoice is paid), allocate
 * a line by hand, ignore one, filter the lines; axe in light and dark; the accountant sees no write
 * control.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { camtFile } from "../support/statement-files";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

interface Invoice { id: string; number: string; total: number; status: string; amount_paid: number }

async function invoiceOf(customer: string, unitAmount: number): Promise<Invoice> {
  return expectCall<Invoice>(201, key(), "POST", "/v1/invoices", { customer, currency: "eur", net_days: 30, lines: [{ description: "Caisse de vin", quantity: 1, unit_amount: unitAmount, tax_rate: 0 }], issue: true });
}

const decimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
let statementId = "";

async function openDetail(page: Page, query = ""): Promise<void> {
  await page.goto(`${base()}/console/statements/${statementId}${query}`);
  await page.locator("qc-statement-detail h1").waitFor();
  await page.locator("qc-statement-detail nav.filters").waitFor();
}

describe("the console's bank statements", () => {
  it("should import a camt.053, confirm the suggested invoice by keyboard, allocate a line by hand and ignore one", async () => {
    const run = Date.now().toString(36);
    const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: `Cave Releve ${run}`, email: `cave.releve.${run}@example.com`, locale: "fr" })).id;
    // Odd amounts, so no other open invoice of the shared merchant has them.
    const named = await invoiceOf(customer, 21_000 + (Date.now() % 997));
    const suggested = await invoiceOf(customer, 31_000 + (Date.now() % 991));
    const byHand = await invoiceOf(customer, 41_000 + (Date.now() % 983));
    const file = camtFile([
      { amount: decimal(named.total), ref: `N-${run}`, payerName: "Quelqu'un", unstructured: `Paiement ${named.number}` },
      { amount: decimal(suggested.total), ref: `S-${run}`, payerName: "M. Dupont", unstructured: "merci" },
      { amount: "47.13", ref: `H-${run}`, payerName: "Autre payeur", unstructured: "acompte" },
      { amount: "12.71", ref: `I-${run}`, payerName: "Fournisseur", unstructured: "remboursement" },
      { amount: "9.99", ref: `D-${run}`, credit: false, unstructured: "frais bancaires" },
    ], { messageId: `MSG-${run}` });

    const page = await openConsole(context, { path: `/console/statements` });
    await page.locator("qc-statements h1").waitFor();
    await page.locator("qc-statements #statement-file").setInputFiles({ name: "releve.xml", mimeType: "application/xml", buffer: Buffer.from(file) });
    await page.locator("qc-statements button[type=submit]").click();
    const result = page.locator("qc-statements [data-result]", { hasText: "Relevé importé : 1 rapprochée(s), 3 à traiter, 1 ignorée(s), 0 déjà importée(s)" });
    await result.waitFor();
    const statements = await expectCall<{ data: { id: string; message_id: string }[] }>(200, key(), "GET", "/v1/bank_statements");
    statementId = statements.data.find((statement) => statement.message_id === `MSG-${run}`)!.id;
    await page.locator(`qc-statements tr[data-statement=${statementId}]`).waitFor();
    expect((await expectCall<Invoice>(200, key(), "GET", `/v1/invoices/${named.id}`)).status).toBe("paid");
    await shot(page, "console-statements-imported");
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });

    // The statement, filtered to the lines with a suggestion.
    await result.locator("a").click();
    await page.locator("qc-statement-detail h1").waitFor();
    await page.locator("qc-statement-detail nav.filters a", { hasText: "Avec suggestion" }).click();
    await expect.poll(() => page.url()).toContain("status=suggested");
    await expect.poll(() => page.locator("qc-statement-detail li[data-line]").count()).toBe(1);
    await page.locator("qc-statement-detail li[data-line='2'] [data-suggestion]", { hasText: suggested.number }).waitFor();
    await shot(page, "console-statements-suggested");
    expect(await axe(page)).toEqual([]);

    // Confirm it with the keyboard only.
    await tabTo(page, new RegExp(`Confirmer ${suggested.number} \\(ligne 2\\)`));
    await page.keyboard.press("Enter");
    await page.locator("qc-statement-detail [data-message]", { hasText: "Ligne 2 rapprochée" }).waitFor();
    await page.locator("qc-statement-detail li[data-line='2'][data-status=matched]", { hasText: suggested.number }).waitFor();
    await expect.poll(async () => (await expectCall<Invoice>(200, key(), "GET", `/v1/invoices/${suggested.id}`)).status).toBe("paid");

    // Line 3 by hand to the third invoice, found by its number.
    await openDetail(page, "?status=unmatched");
    const line3 = page.locator("qc-statement-detail li[data-line='3']");
    await line3.locator("button", { hasText: "Affecter à la main" }).click();
    await line3.locator("qc-statement-allocate #q").fill(byHand.number);
    await line3.locator("qc-statement-allocate button", { hasText: "Chercher" }).click();
    await line3.locator("qc-statement-allocate select option", { hasText: byHand.number }).waitFor({ state: "attached" });
    expect(await line3.locator("qc-statement-allocate #f-allocations-0-amount").inputValue()).toBe("47,13");
    await shot(page, "console-statements-by-hand");
    expect(await axe(page)).toEqual([]);
    await line3.locator("qc-statement-allocate button", { hasText: "Affecter le virement" }).click();
    await page.locator("qc-statement-detail [data-message]", { hasText: "Ligne 3 rapprochée" }).waitFor();
    expect(await expectCall<Invoice>(200, key(), "GET", `/v1/invoices/${byHand.id}`)).toMatchObject({ status: "partially_paid", amount_paid: 4713 });

    // Line 4 ignored.
    await page.locator("qc-statement-detail button[data-ignore]", { hasText: "Ignorer" }).first().click();
    await page.locator("qc-statement-detail [data-message]", { hasText: "Ligne 4 ignorée" }).waitFor();
    const ignored = await expectCall<{ data: { line: number; ignored_reason: string }[] }>(200, key(), "GET", `/v1/bank_statements/${statementId}/lines?status=ignored`);
    expect(ignored.data.map((line) => line.line)).toEqual([4, 5]);
    const counts = (await expectCall<{ counts: Record<string, number> }>(200, key(), "GET", `/v1/bank_statements/${statementId}`)).counts;
    expect(counts).toMatchObject({ matched: 3, unmatched: 0, ignored: 2 });

    await openDetail(page);
    await expect.poll(() => page.locator("qc-statement-detail li[data-line]").count()).toBe(5);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-statements-detail-dark");
    await page.close();
  }, 150_000);

  it("should show the accountant the statements and their lines with no write control", async () => {
    const page = await openConsole(context, { readOnly: true, path: `/console/statements` });
    await page.locator("qc-statements h1").waitFor();
    await page.locator("qc-statements tr[data-statement]").first().waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-statements input[type=file]").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-statements-readonly");
    await openDetail(page);
    await page.locator("qc-statement-detail li[data-line]").first().waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-statement-detail li button").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
