/** Console helpers for end-to-end tests: sign in through a one-time link, axe-core, write controls. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { consoleLink } from "./console-link";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Opens the console signed in as the e2e demo merchant (full access, or the accountant's read-only
 * key) through a one-time sign-in link, on the dashboard or straight on `path` (a link opened on a
 * console page signs in there), and waits for the page's heading.
 * @example const page = await openConsole(context, { readOnly: true, path: "/console/invoices" })
 */
export async function openConsole(context: BrowserContext, options: { readOnly?: boolean; path?: string } = {}): Promise<Page> {
  const page = await context.newPage();
  const link = new URL(await consoleLink({ readOnly: options.readOnly ?? false }));
  await page.goto(options.path ? `${new URL(options.path, link).href}${link.hash}` : link.href);
  await page.locator(options.path ? "qc-app main h1" : "qc-dashboard h1").waitFor();
  return page;
}

export interface Violation { id: string; impact: string | null; help: string; nodes: string[] }

/**
 * axe-core's WCAG 2.0–2.2 A/AA rules over the page, open shadow roots included. Evaluated through
 * the DevTools protocol, so the console's CSP (no inline script) does not stop it.
 * @example expect(await axe(page)).toEqual([])
 */
export async function axe(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const results = await (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    return results.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => JSON.stringify(node.target)) }));
  });
}

/**
 * The accessible names of visible controls that write (pages mark each with `data-write`), through shadow roots.
 * @example expect(await writeControls(page)).toEqual([])
 */
export async function writeControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll<HTMLElement>("*")) {
        if (element.hasAttribute("data-write") && element.offsetParent !== null) found.push(element.getAttribute("aria-label") ?? element.textContent?.trim() ?? element.tagName);
        if (element.shadowRoot) walk(element.shadowRoot);
      }
    };
    walk(document);
    return found;
  });
}
