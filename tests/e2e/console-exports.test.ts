/**
 * The console's exports page in real Chromium against the running server: the invoices CSV
 * downloaded by keyboard holds an invoice issued today, the accountant's read-only session downloads
 * the payments CSV and the FEC (UTF-8 and ISO-8859-15), a refused range shows the API's problem
 * beside the field it names, and axe finds nothing in light and dark.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
beforeAll(async () => { context = await openBrowser(); }, 60_000);
afterAll(async () => { await context?.close(); });

const BOM = [0xef, 0xbb, 0xbf];
const FEC_HEADER = "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\r\n";

async function openExports(options: { readOnly?: boolean } = {}): Promise<Page> {
  const page = await openConsole(context, { ...options, path: `/console/exports` });
  await page.locator("qc-exports h1").waitFor();
  return page;
}

/** Runs `press` and answers the file the page saved: its suggested name and bytes. */
async function downloaded(page: Page, press: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 15_000 }), press()]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

describe("the console's exports", () => {
  it("should download the invoices CSV by keyboard: a BOM, the header row, and the invoice issued today", async () => {
    const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Export Clavier", email: "export.clavier@example.com" })).id;
    const invoice = await expectCall<{ number: string }>(201, key(), "POST", "/v1/invoices", { customer, currency: "eur", lines: [{ description: "Audit", quantity: 1, unit_amount: 10_000, tax_rate: 2000 }], issue: true });
    const page = await openExports();
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-exports");
    await tabTo(page, /Télécharger les factures/);
    const file = await downloaded(page, () => page.keyboard.press("Enter"));
    const today = new Date().toISOString().slice(0, 10);
    expect(file.name).toBe(`invoices_${today.slice(0, 4)}-01-01_${today}.csv`);
    expect([...file.bytes.subarray(0, 3)]).toEqual(BOM);
    const text = file.bytes.subarray(3).toString("utf8");
    expect(text.startsWith("invoice_number,invoice_id,issued_on,due_date,customer_id,customer_name,currency,")).toBe(true);
    expect(text).toContain(`${invoice.number},`);
    await page.locator("qc-exports [data-status]", { hasText: `${file.name} téléchargé` }).waitFor();
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-exports-dark");
    await page.close();
  }, 60_000);

  it("should let the read-only accountant download the payments CSV and the FEC in UTF-8 and ISO-8859-15, with no write control", async () => {
    const page = await openExports({ readOnly: true });
    expect(await writeControls(page)).toEqual([]);
    const payments = await downloaded(page, () => page.locator('qc-exports [data-export="payments"]').click());
    expect([...payments.bytes.subarray(0, 3)]).toEqual(BOM);
    expect(payments.bytes.subarray(3).toString("utf8").startsWith("payment_id,received_on,customer_id,customer_name,method,")).toBe(true);
    const year = new Date().getUTCFullYear();
    await page.locator("qc-exports #fec-year").fill(String(year));
    const fec = await downloaded(page, () => page.locator('qc-exports [data-export="fec"]').click());
    expect(fec.name).toBe(`123456789FEC${year}1231.txt`);
    expect(fec.bytes.toString("utf8").startsWith(FEC_HEADER)).toBe(true);
    expect(fec.bytes.toString("utf8").split("\r\n").length).toBeGreaterThan(2);
    await page.locator("qc-exports #fec-encoding").selectOption("latin9");
    const latin9 = await downloaded(page, () => page.locator('qc-exports [data-export="fec"]').click());
    expect(latin9.bytes.subarray(0, FEC_HEADER.length).toString("latin1")).toBe(FEC_HEADER);
    // The same records, one byte per character: é is 0xE9 in ISO-8859-15 (C3 A9 in UTF-8).
    const utf8Text = fec.bytes.toString("utf8");
    expect(latin9.bytes.length).toBe([...utf8Text].length);
    expect(latin9.bytes.toString("latin1").split("\r\n").length).toBe(utf8Text.split("\r\n").length);
    if (utf8Text.includes("é")) expect(latin9.bytes.includes(0xe9)).toBe(true);
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-exports-read-only");
    await page.close();
  }, 60_000);

  it("should show the API's refusal beside the end date when the range ends before it starts, and download nothing", async () => {
    const page = await openExports({ readOnly: true });
    await page.locator("qc-exports #csv-from").fill("2026-06-30");
    await page.locator("qc-exports #csv-to").fill("2026-01-01");
    let downloads = 0;
    page.on("download", () => (downloads += 1));
    await tabTo(page, /Télécharger les paiements/);
    await page.keyboard.press("Enter");
    const problem = page.locator('qc-exports [data-problem="to"][role="alert"]');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/Refusé \(422\) : .*2026-01-01 is before from \(2026-06-30\)/);
    expect(await page.locator("qc-exports #csv-to").getAttribute("aria-invalid")).toBe("true");
    // The focus moves to the field at fault.
    expect(await page.evaluate(() => document.querySelector("qc-app")?.shadowRoot?.querySelector("qc-exports")?.shadowRoot?.activeElement?.id)).toBe("csv-to");
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-exports-refused");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    expect(downloads).toBe(0);
    await page.close();
  }, 60_000);
});
