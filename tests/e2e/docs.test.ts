/**
 * `/docs` in Chromium under its Content-Security-Policy: Swagger UI renders from our own origin with
 * no violation, and a secret key pasted into "Authorize" is never written to storage.
 */
import { runInNewContext } from "node:vm";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, shot } from "./browser";
import { base } from "./http";

let browser: BrowserContext;

beforeAll(async () => {
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("/docs", () => {
  it("should serve docs-init.js that never persists authorization and wipes a key an earlier page stored", async () => {
    const response = await fetch(`${base()}/docs-assets/docs-init.js`);
    expect(response.status).toBe(200);
    const stored = new Map([["authorized", '{"secretKey":{"value":"sk_test_old"}}']]);
    const configs: Record<string, unknown>[] = [];
    const window = { localStorage: { removeItem: (key: string) => stored.delete(key) } } as Record<string, unknown>;
    runInNewContext(await response.text(), { window, SwaggerUIBundle: (config: Record<string, unknown>) => configs.push(config) });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ url: "/openapi.json", persistAuthorization: false, validatorUrl: null });
    expect(stored.has("authorized")).toBe(false);
  });

  it("should render under its CSP with no violation, no third-party request, and keep a pasted key out of storage", async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(base()) && !request.url().startsWith("data:")) foreign.push(request.url());
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const response = await page.goto(`${base()}/docs`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.locator(".opblock").first().waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(30);

    const secretKey = inject("e2eSecretKey");
    await page.getByRole("button", { name: /authorize/i }).first().click();
    await page.locator(".modal-ux input").first().fill(secretKey);
    await page.locator(".modal-ux").getByRole("button", { name: /apply credentials/i }).first().click();
    await page.locator(".modal-ux").getByRole("button", { name: /remove authorization/i }).first().waitFor();
    await shot(page, "docs-authorized");
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie);
    expect(storage).not.toContain(secretKey);

    await page.reload();
    await page.locator(".opblock").first().waitFor();
    expect(await page.evaluate(() => localStorage.getItem("authorized"))).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });
});
