/**
 * The hosted pay page as a stranger reaches it: one client session per invoice and browser (kept
 * in a cookie scoped to the link), none for an invoice with nothing to pay, and a request budget
 * per address.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../worker/lib/crypto";
import { api, createCustomer, createInvoice, createMerchant, recordPayment, type ApiResponse } from "../helpers";
import { expectProblem } from "../security/support";

interface Page extends ApiResponse {
  session: string | null;
  setCookie: string | null;
}

async function openPage(path: string, headers: Record<string, string> = {}): Promise<Page> {
  const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers }));
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML page
  }
  return { status: response.status, headers: response.headers, body, text, session: /session="(cs_[0-9a-z]+)"/.exec(text)?.[1] ?? null, setCookie: response.headers.get("set-cookie") };
}

/** The `name=value` pair of a Set-Cookie header, as a browser sends it back. */
const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;

async function sessionsOf(invoiceId: string): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM client_sessions WHERE invoice_id = ?").bind(invoiceId).first<{ n: number }>())!.n;
}

async function payLink(status: "open" | "paid" | "void" = "open") {
  const merchant = await createMerchant("Lien SARL");
  const customer = (await createCustomer(merchant.key)).id;
  const invoice = await createInvoice(merchant.key, customer);
  if (status === "paid") expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
  if (status === "void") expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/void`)).status).toBe(200);
  const hosted = (await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`)).body.hosted_url as string;
  return { merchant, invoice, path: new URL(hosted).pathname };
}

describe("GET /pay/<token> sessions", () => {
  it("should mint one session and reuse it from the cookie when the same browser opens the page 20 times", async () => {
    const { invoice, path } = await payLink();
    const first = await openPage(path);
    expect(first.status).toBe(200);
    expect(first.session).not.toBeNull();
    expect(first.setCookie).toMatch(new RegExp(`^quittance_pay_session=${first.session}; `));
    expect(first.setCookie).toContain(`Path=${path}`);
    expect(first.setCookie).toContain("HttpOnly");
    expect(first.setCookie).toContain("SameSite=Lax");
    for (let view = 0; view < 19; view += 1) {
      const again = await openPage(path, { cookie: cookieOf(first.setCookie!) });
      expect(again.status).toBe(200);
      expect(again.session).toBe(first.session);
      expect(again.setCookie).toBeNull();
    }
    expect(await sessionsOf(invoice.id)).toBe(1);
    // The reused session works for the widget.
    expect((await api(first.session, "GET", "/v1/client/invoices")).body.data.map((row: { id: string }) => row.id)).toEqual([invoice.id]);
  });

  it("should mint a new session when the cookie's session expired, was revoked, is another invoice's or is garbage", async () => {
    const { invoice, path } = await payLink();
    const other = await payLink();
    const first = await openPage(path);
    const hash = await sha256Hex(first.session!);

    await env.DB.prepare("UPDATE client_sessions SET expires_at = ? WHERE token_hash = ?").bind(new Date(Date.now() - 1000).toISOString(), hash).run();
    const afterExpiry = await openPage(path, { cookie: cookieOf(first.setCookie!) });
    expect(afterExpiry.session).not.toBe(first.session);
    expect(afterExpiry.setCookie).toContain(afterExpiry.session!);

    await env.DB.prepare("UPDATE client_sessions SET revoked_at = ? WHERE token_hash = ?").bind(new Date().toISOString(), await sha256Hex(afterExpiry.session!)).run();
    const afterRevocation = await openPage(path, { cookie: cookieOf(afterExpiry.setCookie!) });
    expect(afterRevocation.session).not.toBe(afterExpiry.session);

    const elsewhere = await openPage(other.path, { cookie: cookieOf(afterRevocation.setCookie!) });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.session).not.toBe(afterRevocation.session);
    expect((await api(elsewhere.session, "GET", "/v1/client/invoices")).body.data.map((row: { id: string }) => row.id)).toEqual([other.invoice.id]);

    const garbage = await openPage(path, { cookie: "quittance_pay_session=cs_' OR 1=1 --" });
    expect(garbage.status).toBe(200);
    expect(garbage.session).toMatch(/^cs_[0-9a-z]{32}$/);
    expect(await sessionsOf(invoice.id)).toBe(4);
  });

  it.each(["paid", "void"] as const)("should show the invoice without minting a session when it is %s", async (status) => {
    const { invoice, path } = await payLink(status);
    for (let view = 0; view < 5; view += 1) {
      const page = await openPage(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(invoice.number!);
      expect(page.text).toContain(status === "paid" ? "Paid" : "Void");
      expect(page.text).toContain(`${path}/print`);
      expect(page.session).toBeNull();
      expect(page.text).not.toContain("cs_");
      expect(page.setCookie).toBeNull();
    }
    expect(await sessionsOf(invoice.id)).toBe(0);
  });
});

describe("GET /pay/<token> rate limit", () => {
  it("should answer 429 rate_limited with Retry-After when one address opens pay pages past its budget, and leave other addresses alone", async () => {
    const { path } = await payLink();
    const address = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const unknownLink = `/pay/${"0".repeat(32)}`;
    let limited: Page | null = null;
    let answered = 0;
    while (limited === null && answered < 2500) {
      const pages = await Promise.all(Array.from({ length: 25 }, () => openPage(unknownLink, { "cf-connecting-ip": address })));
      for (const page of pages) {
        if (page.status === 429) limited ??= page;
        else {
          expect(page.status).toBe(404);
          answered += 1;
        }
      }
    }
    expect(limited, `no 429 after ${answered} requests`).not.toBeNull();
    expectProblem(limited!, 429, "rate_limited");
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    // Valid links too are refused to that address; another address still gets its page.
    expect((await openPage(path, { "cf-connecting-ip": address })).status).toBe(429);
    expect((await openPage(path, { "cf-connecting-ip": "192.0.2.44" })).status).toBe(200);
  });
});
