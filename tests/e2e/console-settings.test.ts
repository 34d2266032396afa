/**
 * The console's settings page in real Chromium against the running server: a section refused with
 * the error under its field, fixed by keyboard and saved on its own (seen through GET
 * /v1/settings, the other sections untouched); a webhook endpoint created (its secret shown once),
 * delivered to a local receiver, redelivered from its log, its secret rotated, disabled and
 * deleted after confirming; axe in light and dark; the accountant's page with no write control.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { openBrowser, shot, tabTo } from "./browser";
import { axe, openConsole, writeControls } from "./console";
import { base, call, expectCall } from "./http";

const key = () => inject("e2eSecretKey");
let context: BrowserContext;
let receiver: Server;
const received: { id: string; type: string }[] = [];
beforeAll(async () => {
  context = await openBrowser();
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      try { received.push({ id: String(request.headers["webhook-id"]), type: (JSON.parse(body) as { type: string }).type }); } catch { /* not an event */ }
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
}, 60_000);
afterAll(async () => {
  await context?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

interface SettingsBody { seller: Record<string, unknown>; numbering: unknown; default_terms: unknown; allowed_origins: string[]; bank_account: unknown }

async function openSettings(options: { readOnly?: boolean } = {}) {
  const page = await openConsole(context, { ...options, path: `/console/settings` });
  await page.locator("qc-settings section[data-section=seller]").waitFor();
  return page;
}

describe("the console's settings", () => {
  it("should show a refused field's error under it, then save that section alone by keyboard", async () => {
    const before = await expectCall<SettingsBody>(200, key(), "GET", "/v1/settings");
    const page = await openSettings();
    const seller = page.locator("qc-settings section[data-section=seller]");
    await seller.locator("#f-seller-legal-name").fill("Fromagerie Réglages SAS");
    await seller.locator("#f-seller-siren").fill("12345");
    await seller.locator("#f-seller-address-line1").fill("3 rue des Caves");
    await seller.locator("#f-seller-address-postal-code").fill("69001");
    await seller.locator("#f-seller-address-city").fill("Lyon");
    await seller.locator("#f-seller-address-country").fill("fr");
    await seller.locator("button[type=submit]").click();
    const error = seller.locator("[data-error-for='seller.siren'][role=alert]");
    await error.waitFor();
    expect(await error.textContent()).toContain("seller.siren");
    expect(await seller.locator("#f-seller-siren").getAttribute("aria-invalid")).toBe("true");
    await shot(page, "console-settings-error");
    expect(await axe(page)).toEqual([]);
    // The refused field has the focus: fix it and save with the keyboard only.
    expect(await page.evaluate(() => {
      let element: Element | null = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return element?.id;
    })).toBe("f-seller-siren");
    await page.keyboard.press("Control+A");
    const siren = String(before.seller.siren ?? "732829320");
    await page.keyboard.type(siren);
    await tabTo(page, /Enregistrer/);
    await page.keyboard.press("Enter");
    await seller.locator("[data-saved]", { hasText: "Identité du vendeur : enregistré" }).waitFor();
    expect(await seller.locator("[role=alert]").count()).toBe(0);
    const after = await expectCall<SettingsBody>(200, key(), "GET", "/v1/settings");
    expect(after.seller).toMatchObject({ legal_name: "Fromagerie Réglages SAS", siren, address: { line1: "3 rue des Caves", postal_code: "69001", city: "Lyon", country: "FR" } });
    expect([after.numbering, after.default_terms, after.allowed_origins, after.bank_account]).toEqual([before.numbering, before.default_terms, before.allowed_origins, before.bank_account]);
    await shot(page, "console-settings-saved");

    // Another section, saved alone: the terms (the late-fee policy kept as it was apart from the margin).
    const terms = page.locator("qc-settings section[data-section=terms]");
    await terms.locator("#f-default-terms-net-days").fill("45");
    await terms.locator("#f-late-fees-margin-bp").fill("10,5");
    await terms.locator("button[type=submit]").click();
    await terms.locator("[data-saved]", { hasText: "enregistré" }).waitFor();
    const withTerms = await expectCall<SettingsBody & { late_fees: Record<string, unknown> }>(200, key(), "GET", "/v1/settings");
    expect((withTerms.default_terms as { net_days: number }).net_days).toBe(45);
    expect(withTerms.late_fees.margin_bp).toBe(1050);
    expect(withTerms.seller).toMatchObject({ legal_name: "Fromagerie Réglages SAS" });
    await expectCall(200, key(), "PUT", "/v1/settings", { default_terms: before.default_terms, late_fees: (before as unknown as { late_fees: unknown }).late_fees });
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-settings-dark");
    // Put the shared e2e merchant back as it was.
    await expectCall(200, key(), "PUT", "/v1/settings", { seller: before.seller });
    await page.close();
  }, 90_000);

  it("should create a webhook endpoint, show its delivery log and redeliver, rotate its secret, disable and delete it", async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${Date.now()}`;
    const page = await openSettings();
    const hooks = page.locator("qc-settings-webhooks");
    await hooks.locator("#f-url").fill(url);
    await hooks.locator("input[name=scope][value=some]").check();
    await hooks.locator("input[name=events][value='customer.created']").check();
    await hooks.locator("button[type=submit]").click();
    const secret = hooks.locator("[data-secret]");
    await secret.waitFor();
    const firstSecret = (await secret.textContent())!;
    expect(firstSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const listed = await expectCall<{ data: { id: string; url: string; events: string[] | null; status: string }[] }>(200, key(), "GET", "/v1/webhook_endpoints?limit=100");
    const endpoint = listed.data.find((candidate) => candidate.url === url)!;
    expect(endpoint).toMatchObject({ events: ["customer.created"], status: "active" });
    const card = hooks.locator(`[data-endpoint=${endpoint.id}]`);
    await card.waitFor();

    // An event it subscribes to reaches the receiver, then shows in the log; redeliver sends it again.
    const customer = (await expectCall<{ id: string }>(201, key(), "POST", "/v1/customers", { name: "Crémerie Webhook", email: "cremerie.webhook@example.com" })).id;
    await expect.poll(() => received.filter((event) => event.type === "customer.created").length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const eventId = received.find((event) => event.type === "customer.created")!.id;
    await card.locator("button", { hasText: "Journal des envois" }).click();
    const delivery = card.locator("[data-delivery]", { hasText: eventId });
    await delivery.waitFor();
    await expect.poll(async () => (await delivery.textContent()) ?? "").toContain("réussi");
    await shot(page, "console-settings-webhooks");
    expect(await axe(page)).toEqual([]);
    await delivery.locator("button", { hasText: "Renvoyer" }).click();
    await hooks.locator("[role=status]", { hasText: "Envoi customer.created relancé" }).waitFor();
    await expect.poll(() => received.filter((event) => event.id === eventId).length, { timeout: 15_000 }).toBe(2);
    expect(customer).toMatch(/^cus_/);

    // Rotate by keyboard: a new secret, shown once.
    await tabTo(page, /Renouveler le secret/);
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await secret.textContent()) ?? "").not.toBe(firstSecret);
    expect(await secret.textContent()).toMatch(/^whsec_/);
    await hooks.locator("[role=status]", { hasText: "Nouveau secret créé" }).waitFor();

    await card.locator("button[data-action=toggle]", { hasText: "Désactiver" }).click();
    await card.locator(".badge", { hasText: "désactivé" }).waitFor();
    expect((await expectCall<{ status: string }>(200, key(), "GET", `/v1/webhook_endpoints/${endpoint.id}`)).status).toBe("disabled");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axe(page)).toEqual([]);

    await card.locator("button[data-action=delete]").click();
    const confirm = hooks.locator("qc-dialog button[data-confirm-delete]");
    await confirm.waitFor();
    await shot(page, "console-settings-delete-dialog");
    await confirm.click();
    await hooks.locator("[role=status]", { hasText: "Point de terminaison supprimé" }).waitFor();
    await card.waitFor({ state: "detached" });
    expect((await call(key(), "GET", `/v1/webhook_endpoints/${endpoint.id}`)).status).toBe(404);
    await page.close();
  }, 120_000);

  it("should show the accountant every section and the providers' status with no write control", async () => {
    const endpoint = await expectCall<{ id: string }>(201, key(), "POST", "/v1/webhook_endpoints", { url: "http://127.0.0.1:9/readonly-view" });
    const page = await openSettings({ readOnly: true });
    await page.locator(`qc-settings-webhooks [data-endpoint=${endpoint.id}]`).waitFor();
    await page.locator("qc-settings [data-provider=stripe]").waitFor();
    expect(await writeControls(page)).toEqual([]);
    expect(await page.locator("qc-settings button[type=submit]").count()).toBe(0);
    expect(await page.locator("qc-settings-webhooks form").count()).toBe(0);
    expect(await page.locator("qc-settings #f-seller-siren").getAttribute("readonly")).not.toBeNull();
    // No secret anywhere on the page.
    expect(await page.locator("qc-settings").evaluate((element) => element.shadowRoot?.innerHTML ?? "")).not.toMatch(/whsec_|sk_(test|live)_/);
    expect(await axe(page)).toEqual([]);
    await shot(page, "console-settings-readonly");
    await expectCall(200, key(), "DELETE", `/v1/webhook_endpoints/${endpoint.id}`);
    await page.close();
  }, 60_000);
});
