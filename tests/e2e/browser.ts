/** Debian's Chromium driven by playwright-core (no browser download works on this machine). */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const SCREENSHOTS = join(import.meta.dirname, "../.screenshots");

export async function openBrowser(): Promise<BrowserContext> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "quittance-e2e-")), {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1000, height: 1000 },
    locale: "fr-FR",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Presses Tab until the focused element (through shadow roots) has this accessible text; keyboard only. */
export async function tabTo(page: Page, text: RegExp, maxPresses = 60): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      let element: Element | null = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      // Only controls inside the widget count: the page body or a heading focused by script never match.
      if (!element || !(element.getRootNode() instanceof ShadowRoot) || !/^(INPUT|BUTTON|A|SELECT|TEXTAREA)$/.test(element.tagName)) return "";
      const label = element.id ? element.getRootNode() instanceof ShadowRoot ? (element.getRootNode() as ShadowRoot).querySelector(`label[for="${element.id}"]`)?.textContent : "" : "";
      return `${element.getAttribute("aria-label") ?? ""} ${label ?? ""} ${element.textContent ?? ""} ${(element as HTMLInputElement).value ?? ""}`.replace(/\s+/g, " ");
    });
    if (text.test(focused)) return;
  }
  throw new Error(`Tab never reached ${text}`);
}
