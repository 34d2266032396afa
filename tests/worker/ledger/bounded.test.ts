import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../worker/index";
import { catchUpLedger } from "../../../worker/ledger/catch-up";
import { projectLedgers } from "../../../worker/ledger/current";
import { ledgerCursor, logHead } from "../../../worker/ledger/queries";
import { api, createCustomer, createInvoice, createMerchant, type TestMerchant } from "../helpers";

/** Calls the Worker with env overrides (the request bound), waiting for its `waitUntil` work. */
async function fetchWith(overrides: Partial<Env>, key: string, path: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: { authorization: `Bearer ${key}` } }), { ...env, ...overrides } as Env, ctx);
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { status: response.status, headers: response.headers, text, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : null };
}

async function merchantWithInvoices(count: number, siren = false): Promise<TestMerchant> {
  const merchant = await createMerchant();
  if (siren) expect((await api(merchant.key, "PUT", "/v1/settings", { seller: { legal_name: "Atelier SARL", siren: "123456789" } })).status).toBe(200);
  const customer = (await createCustomer(merchant.key)).id;
  for (let index = 0; index < count; index += 1) await createInvoice(merchant.key, customer);
  return merchant;
}

async function lineCount(merchantId: string): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM ledger_lines WHERE merchant_id = ?").bind(merchantId).first<{ n: number }>())!.n;
}

const small = { LEDGER_REQUEST_MAX_EVENTS: "2" } as Partial<Env>;

describe("the ledger's bounded catch-up", () => {
  it("should stop after maxBatches, say it is behind, and finish later without writing a line twice", async () => {
    const merchant = await merchantWithInvoices(5);
    const first = await catchUpLedger(env.DB, merchant.id, { batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ events: 2, lines: 6, batches: 1, behind: true });
    expect(first.cursor).toBeLessThan(first.head);
    expect(await ledgerCursor(env.DB, merchant.id)).toBe(first.cursor);
    const rest = await catchUpLedger(env.DB, merchant.id, { batchSize: 2 });
    expect(rest).toMatchObject({ events: 3, lines: 9, behind: false, cursor: await logHead(env.DB, merchant.id) });
    expect(await lineCount(merchant.id)).toBe(5 * 3);
  });

  it("should answer 503 ledger_catching_up with Retry-After and no figures when the backlog is past the request's bound, then the report once the cron has run", async () => {
    const merchant = await merchantWithInvoices(12, true);
    for (const path of ["/v1/reports/aging", "/v1/exports/fec.txt?year=2026"]) {
      const refused = await fetchWith(small, merchant.readOnlyKey, path);
      expect(refused.status, path).toBe(503);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      expect(refused.headers.get("retry-after")).toBe("60");
      expect(refused.body).toMatchObject({ status: 503, code: "ledger_catching_up" });
      expect(refused.body.currencies).toBeUndefined();
      expect(refused.text).not.toContain("JournalCode");
    }
    // Two requests (and their waitUntil), 2 events each: still 4 of 12 invoices behind.
    expect(await lineCount(merchant.id)).toBe(8 * 3);
    expect(await ledgerCursor(env.DB, merchant.id)).toBeLessThan(await logHead(env.DB, merchant.id));
    const cron = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, cron);
    await waitOnExecutionContext(cron);
    expect(await ledgerCursor(env.DB, merchant.id)).toBe(await logHead(env.DB, merchant.id));
    const report = await fetchWith(small, merchant.readOnlyKey, "/v1/reports/aging?by=currency");
    expect(report.status, report.text).toBe(200);
    expect(report.body.currencies).toMatchObject([{ currency: "eur", total: 12 * 12_000, invoices: 12 }]);
    const fec = await fetchWith(small, merchant.readOnlyKey, "/v1/exports/fec.txt?year=2026");
    expect(fec.status).toBe(200);
    expect(fec.text.trim().split("\n")).toHaveLength(1 + 12 * 3);
  });

  it("should answer the report at once, as before, when the backlog fits the default bound", async () => {
    const merchant = await merchantWithInvoices(3);
    const report = await api(merchant.readOnlyKey, "GET", "/v1/reports/aging?by=currency");
    expect(report.status).toBe(200);
    expect(report.body.currencies).toMatchObject([{ currency: "eur", total: 3 * 12_000, invoices: 3 }]);
    expect(await ledgerCursor(env.DB, merchant.id)).toBe(await logHead(env.DB, merchant.id));
  });

  it("should share the cron's budget: a merchant a little behind is brought current, the most behind gets the rest, and no more is read", async () => {
    await projectLedgers(env); // the other tests' merchants are current from here
    const big = await merchantWithInvoices(12);
    const little = await merchantWithInvoices(1);
    const run = await projectLedgers(env, { batchSize: 2, maxBatches: 3 });
    expect(run).toEqual({ merchants: 2, events: 1 + 4, batches: 3 });
    expect(await ledgerCursor(env.DB, little.id)).toBe(await logHead(env.DB, little.id));
    expect(await lineCount(big.id)).toBe(4 * 3);
    expect(await ledgerCursor(env.DB, big.id)).toBeLessThan(await logHead(env.DB, big.id));
  });

  it("should document the 503 and its Retry-After on the report and the export in the OpenAPI document", async () => {
    const document = (await api(null, "GET", "/openapi.json")).body;
    for (const path of ["/v1/reports/aging", "/v1/exports/fec.txt"]) {
      expect(document.paths[path].get.responses["503"].headers["Retry-After"], path).toBeDefined();
    }
  });
});
