import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant, type ApiResponse } from "../helpers";
import { expectProblem, mintSession } from "../security/support";

/** The limit set in vitest.config.ts for tests (production: wrangler.toml). */
const TEST_LIMIT = 600;
const GIVE_UP_AFTER = 2500;
const PARALLEL = 25;

/** Sends `GET path` with one key until the first 429; returns it with the number of requests answered before. */
async function hammer(key: string, path: string): Promise<{ limited: ApiResponse | null; answered: number; otherStatuses: number[] }> {
  let answered = 0;
  const otherStatuses: number[] = [];
  while (answered < GIVE_UP_AFTER) {
    const responses = await Promise.all(Array.from({ length: PARALLEL }, () => api(key, "GET", path)));
    for (const response of responses) {
      if (response.status === 429) return { limited: response, answered, otherStatuses };
      if (response.status !== 200) otherStatuses.push(response.status);
      answered += 1;
    }
  }
  return { limited: null, answered, otherStatuses };
}

describe("rate limit per key", () => {
  it("should answer 429 rate_limited with Retry-After as problem+json when one key exceeds its limit, and leave other merchants unaffected", async () => {
    const noisy = await createMerchant("Noisy SARL");
    const quiet = await createMerchant("Quiet SARL");

    const { limited, answered, otherStatuses } = await hammer(noisy.key, "/v1/settings");
    expect(limited, `no 429 after ${answered} requests`).not.toBeNull();
    expect(otherStatuses).toEqual([]);
    // The window is aligned to the clock, so it may roll over once during the loop.
    expect(answered).toBeGreaterThanOrEqual(TEST_LIMIT - PARALLEL);
    expect(answered).toBeLessThan(2 * TEST_LIMIT + PARALLEL);

    expectProblem(limited!, 429, "rate_limited");
    const retryAfter = limited!.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(limited!.body.type).toMatch(/rate_limited$/);

    // Still limited: a write is refused too, and creates nothing.
    const write = await api(noisy.key, "POST", "/v1/customers", { name: "Late", email: "late@example.com" });
    expectProblem(write, 429, "rate_limited");

    // Another merchant's key has its own budget.
    const quietRead = await api(quiet.key, "GET", "/v1/settings");
    expect(quietRead.status).toBe(200);
    const quietWrite = await api(quiet.key, "POST", "/v1/customers", { name: "Calm", email: "calm@example.com" });
    expect(quietWrite.status).toBe(201);

    // The noisy merchant's read-only key is another key, with its own budget.
    expect((await api(noisy.readOnlyKey, "GET", "/v1/settings")).status).toBe(200);
    // No customer was created by the refused write.
    const list = await api(noisy.readOnlyKey, "GET", "/v1/customers");
    expect(list.body.data).toEqual([]);
  });

  it("should rate limit a client session on its own when it exceeds the limit", async () => {
    const merchant = await createMerchant("Session Limit SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const session = await mintSession(merchant.key, customer);
    const { limited, answered } = await hammer(session, "/v1/client/invoices?limit=1");
    expect(limited, `no 429 after ${answered} requests`).not.toBeNull();
    expectProblem(limited!, 429, "rate_limited");
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    // The merchant's own key is not affected by its client's session.
    expect((await api(merchant.key, "GET", "/v1/settings")).status).toBe(200);
  });

  it("should answer 429 on the status route, for 304 revalidations too, when the key counted alongside the read exceeds its limit", async () => {
    const merchant = await createMerchant("Status Limit SARL");
    const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
    const etag = (await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/status`)).headers.get("etag")!;
    const { limited, answered, otherStatuses } = await hammer(merchant.key, `/v1/invoices/${invoice.id}/status`);
    expect(limited, `no 429 after ${answered} requests`).not.toBeNull();
    expect(otherStatuses).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(TEST_LIMIT - PARALLEL);
    expectProblem(limited!, 429, "rate_limited");
    const revalidation = await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/status`, undefined, { "if-none-match": etag });
    expectProblem(revalidation, 429, "rate_limited");
    expect(revalidation.headers.get("retry-after")).toMatch(/^\d+$/);
    // A refused caller learns nothing about the invoice, not even that it is missing.
    expectProblem(await api(merchant.key, "GET", "/v1/invoices/inv_missing/status"), 429, "rate_limited");
  });
});
