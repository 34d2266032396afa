/**
 * Console sign-in in real Chromium against the running server: the `__Host-` cookie is kept on
 * http://127.0.0.1, a page of another origin on the same site (where SameSite=Strict still sends the
 * cookie) cannot write with it, and sign-out and key rotation end the session.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { createMerchant, rotateKeys } from "../../worker/cli/merchant";
import { consoleLink, linkToken } from "./console-link";
import { openBrowser, shot } from "./browser";
import { base, call } from "./http";

let context: BrowserContext;
let attacker: Server;
let attackerOrigin = "";

/** Signs the page's browser in the way the console's sign-in screen does: a same-origin POST. */
async function signIn(page: Page, credential: { key: string } | { link: string }): Promise<{ status: number; body: any }> {
  await page.goto(`${base()}/health`);
  return page.evaluate(async (body) => {
    const response = await fetch("/v1/console/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }, credential);
}

async function sessionStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch("/v1/console/session")).status);
}

beforeAll(async () => {
  context = await openBrowser();
  // The attacker's page: same site as the API (127.0.0.1), another origin (port).
  attacker = createServer((request, response) => {
    const target = new URL(request.url ?? "/", "http://x").searchParams.get("target") ?? "";
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
<form id="f" method="POST" action="${target}/v1/customers" enctype="text/plain"><input name='{"name":"Forged","email":"forged@example.com","x":"' value='"}'></form>
<script>
window.results = [];
const forged = JSON.stringify({ name: "Forged", email: "forged@example.com" });
Promise.allSettled([
  fetch("${target}/v1/customers", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: forged }),
  fetch("${target}/v1/customers", { method: "POST", credentials: "include", headers: { "content-type": "application/json", "quittance-console": "1" }, body: forged }),
]).then((outcomes) => { window.results = outcomes.map((outcome) => outcome.status); document.getElementById("f").submit(); });
</script></body></html>`);
  });
  await new Promise<void>((done) => attacker.listen(0, "127.0.0.1", done));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await context?.close();
  await new Promise((done) => attacker?.close(done));
});

describe("console sign-in in Chromium", () => {
  it("should keep the __Host- cookie on http://127.0.0.1 out of reach of scripts, and sign in once with a link", async () => {
    const page = await context.newPage();
    const link = await consoleLink();
    const first = await signIn(page, { link: linkToken(link) });
    expect(first).toMatchObject({ status: 201, body: { object: "console_session", scope: "full", merchant: { id: inject("e2eMerchant") } } });
    const cookie = (await context.cookies(base())).find((entry) => entry.name === "__Host-quittance_console");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("quittance_console");
    expect(await sessionStatus(page)).toBe(200);
    const again = await signIn(page, { link: linkToken(link) });
    expect(again.status).toBe(401);
    await page.close();
  }, 60_000);

  it("should refuse a forged form post and forged fetches from another origin carrying the cookie, and create nothing", async () => {
    const page = await context.newPage();
    expect((await signIn(page, { key: inject("e2eSecretKey") })).status).toBe(201);
    const before = await call(inject("e2eSecretKey"), "GET", "/v1/customers?limit=100");
    const forgedPage = await context.newPage();
    const posted = forgedPage.waitForNavigation({ url: (url) => url.pathname === "/v1/customers" });
    await forgedPage.goto(`${attackerOrigin}/?target=${encodeURIComponent(base())}`);
    await posted;
    const answer = JSON.parse((await forgedPage.textContent("body")) ?? "{}");
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await shot(forgedPage, "console-auth-forged-post");
    const after = await call(inject("e2eSecretKey"), "GET", "/v1/customers?limit=100");
    expect(after.body.data.map((customer: { id: string }) => customer.id)).toEqual(before.body.data.map((customer: { id: string }) => customer.id));
    expect(JSON.stringify(after.body.data)).not.toContain("Forged");
    // The session itself is untouched.
    expect(await sessionStatus(page)).toBe(200);
    await forgedPage.close();
    await page.close();
  }, 60_000);

  it("should end the session at sign-out, and a sign-out needs the console's header", async () => {
    const page = await context.newPage();
    expect((await signIn(page, { key: inject("e2eSecretKey") })).status).toBe(201);
    const bare = await page.evaluate(async () => (await fetch("/v1/console/session", { method: "DELETE" })).status);
    expect(bare).toBe(403);
    expect(await sessionStatus(page)).toBe(200);
    const out = await page.evaluate(async () => (await fetch("/v1/console/session", { method: "DELETE", headers: { "quittance-console": "1" } })).status);
    expect(out).toBe(204);
    expect(await sessionStatus(page)).toBe(401);
    expect((await context.cookies(base())).some((entry) => entry.name === "__Host-quittance_console")).toBe(false);
    await page.close();
  }, 60_000);

  it("should end the session within a second or two when the merchant's keys are rotated", async () => {
    const target = inject("e2eD1Target");
    const merchant = await createMerchant("Rotation SARL", { livemode: false }, target);
    const page = await context.newPage();
    expect((await signIn(page, { key: merchant.secret_key })).body.merchant.id).toBe(merchant.merchant);
    expect(await sessionStatus(page)).toBe(200);
    await rotateKeys(merchant.merchant, { disableWebhooks: false }, target);
    const rotatedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - rotatedAt < 5000) {
      await new Promise((done) => setTimeout(done, 200));
      status = await sessionStatus(page);
    }
    expect(status).toBe(401);
    expect(Date.now() - rotatedAt).toBeLessThan(3000);
    await page.close();
  }, 60_000);
});
