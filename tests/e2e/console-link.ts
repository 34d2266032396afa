/** One-time console sign-in links for the e2e server's demo merchant, made the way the CLI makes them. */
import { inject } from "vitest";
import { makeConsoleLink } from "../../worker/cli/console-link";

/**
 * A full URL `<base>/console/sign-in#link=qcl_…` (full access, or the accountant's read-only).
 * @example await page.goto(await consoleLink({ readOnly: true }))
 */
export async function consoleLink(options: { readOnly?: boolean; merchant?: string } = {}): Promise<string> {
  const link = await makeConsoleLink(options.merchant ?? inject("e2eMerchant"), { readOnly: options.readOnly ?? false, base: inject("e2eBase") }, inject("e2eD1Target"));
  return link.url;
}

/** The token of a sign-in link URL. */
export function linkToken(url: string): string {
  return new URL(url).hash.replace(/^#link=/, "");
}
