/** D1 batches as transactions: the version guard refuses stale writes, and retries end in a 409. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runBatch, StaleReadError, versionGuard, withRetries } from "../../../worker/db/batch";
import { ApiError } from "../../../worker/errors";
import { findInvoice } from "../../../worker/invoices/queries";
import { createCustomer, createInvoice, createMerchant } from "../helpers";

async function openInvoice() {
  const merchant = await createMerchant();
  const invoice = await createInvoice(merchant.key, (await createCustomer(merchant.key)).id);
  return { merchant, row: (await findInvoice(env.DB, merchant.id, invoice.id))! };
}

describe("db/batch", () => {
  it("should apply the batch when the row is still at the version read", async () => {
    const { merchant, row } = await openInvoice();
    await runBatch(env.DB, [versionGuard(env.DB, "invoices", row), env.DB.prepare("UPDATE invoices SET memo = 'kept', version = version + 1 WHERE id = ?").bind(row.id)]);
    expect((await findInvoice(env.DB, merchant.id, row.id))!.memo).toBe("kept");
  });

  it("should refuse the whole batch with StaleReadError and change nothing when the row moved since it was read", async () => {
    const { merchant, row } = await openInvoice();
    await env.DB.prepare("UPDATE invoices SET version = version + 1 WHERE id = ?").bind(row.id).run();
    await expect(
      runBatch(env.DB, [versionGuard(env.DB, "invoices", row), env.DB.prepare("UPDATE invoices SET memo = 'lost' WHERE id = ?").bind(row.id)]),
    ).rejects.toBeInstanceOf(StaleReadError);
    expect((await findInvoice(env.DB, merchant.id, row.id))!.memo).toBeNull();
  });

  it("should answer 409 concurrent_update when other writers keep winning", async () => {
    let attempts = 0;
    const failure = await withRetries(async () => {
      attempts += 1;
      throw new StaleReadError();
    }, 3).catch((error: unknown) => error);
    expect(attempts).toBe(3);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe("concurrent_update");
    expect((failure as ApiError).status).toBe(409);
  });
});
