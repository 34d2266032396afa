/**
 * POST /v1/bank_statements/:id/lines/:line/allocate: an unmatched line confirmed by hand (a
 * suggestion) or split over invoices, its checks, and its replay.
 */
import { describe, expect, it } from "vitest";
import { camtFile } from "../../support/statement-files";
import { api, createMerchant } from "../helpers";
import { customerNamed, invoice, invoiceOf, upload } from "./support";

async function unmatchedStatement(key: string, amount = "80.00") {
  const response = await upload(key, camtFile([{ amount, ref: `U-${Math.random()}`, payerName: "Somebody", unstructured: "merci" }]));
  expect(response.body.lines.data[0].status).toBe("unmatched");
  return response.body;
}

describe("POST /v1/bank_statements/:id/lines/:line/allocate", () => {
  it("should confirm a suggestion, record the payment once, and answer 409 to a second allocation", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Hand");
    const billed = await invoiceOf(merchant.key, customer, 8000);
    const statement = await unmatchedStatement(merchant.key);
    const read = await api(merchant.key, "GET", `/v1/bank_statements/${statement.id}`);
    expect(read.body.lines.data[0].suggestions).toEqual([{ invoice: billed.id, number: billed.number, customer, amount_due: 8000, reason: "same amount as the amount due" }]);
    const path = `/v1/bank_statements/${statement.id}/lines/1/allocate`;
    const confirmed = await api(merchant.key, "POST", path, { invoice: billed.id }, { "idempotency-key": "confirm-1" });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "matched", match_method: "manual", allocations: [{ invoice: billed.id, amount: 8000 }], suggestions: [] });
    expect((await invoice(merchant.key, billed.id)).status).toBe("paid");
    const replayed = await api(merchant.key, "POST", path, { invoice: billed.id }, { "idempotency-key": "confirm-1" });
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body).toEqual(confirmed.body);
    const again = await api(merchant.key, "POST", path, { invoice: billed.id });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("statement_line_not_open");
    expect((await api(merchant.key, "GET", "/v1/payments")).body.data).toHaveLength(1);
    const after = await api(merchant.key, "GET", `/v1/bank_statements/${statement.id}`);
    expect(after.body.counts).toMatchObject({ matched: 1, unmatched: 0 });
  });

  it("should split a line over two invoices and leave the rest as the customer's credit", async () => {
    const merchant = await createMerchant();
    const customer = await customerNamed(merchant.key, "Split");
    const a = await invoiceOf(merchant.key, customer, 3000);
    const b = await invoiceOf(merchant.key, customer, 6000);
    const statement = await unmatchedStatement(merchant.key, "100.00");
    const response = await api(merchant.key, "POST", `/v1/bank_statements/${statement.id}/lines/1/allocate`, { allocations: [{ invoice: a.id, amount: 3000 }, { invoice: b.id, amount: 5000 }] });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ amount_unallocated: 2000, allocations: [{ invoice: a.id, amount: 3000 }, { invoice: b.id, amount: 5000 }] });
    expect((await invoice(merchant.key, b.id))).toMatchObject({ status: "partially_paid", amount_paid: 5000 });
  });

  it("should refuse allocations beyond the line, another currency, another merchant's invoice, and change nothing", async () => {
    const merchant = await createMerchant();
    const stranger = await createMerchant();
    const customer = await customerNamed(merchant.key, "Checks");
    const other = await customerNamed(merchant.key, "Other");
    const big = await invoiceOf(merchant.key, customer, 50_000);
    const second = await invoiceOf(merchant.key, other, 1000);
    const yen = await invoiceOf(merchant.key, customer, 100, "jpy");
    const foreign = await invoiceOf(stranger.key, await customerNamed(stranger.key, "S"), 1000);
    const statement = await unmatchedStatement(merchant.key);
    const path = `/v1/bank_statements/${statement.id}/lines/1/allocate`;
    const cases: [unknown, number, string, string][] = [
      [{ allocations: [{ invoice: big.id, amount: 9000 }] }, 422, "allocation_exceeds_amount_due", "allocations"],
      [{ allocations: [{ invoice: big.id, amount: 7000 }, { invoice: second.id, amount: 1000 }] }, 422, "customer_mismatch", "allocations[1].invoice"],
      [{ invoice: yen.id }, 422, "currency_mismatch", "invoice"],
      [{ invoice: foreign.id }, 404, "resource_missing", "invoice"],
      [{ invoice: "nope" }, 422, "parameter_invalid", "invoice"],
      [{ invoice: big.id, allocations: [] }, 422, "parameter_invalid", ""],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await api(merchant.key, "POST", path, body);
      expect([response.status, response.body.code], JSON.stringify(body)).toEqual([status, code]);
      if (param !== "") expect(response.body.param).toBe(param);
    }
    expect((await api(merchant.key, "POST", `/v1/bank_statements/${statement.id}/lines/9/allocate`, { invoice: big.id })).status).toBe(404);
    expect((await api(stranger.key, "POST", path, { invoice: foreign.id })).status).toBe(404);
    expect((await api(merchant.key, "GET", "/v1/payments")).body.data).toHaveLength(0);
    expect((await invoice(merchant.key, big.id)).amount_paid).toBe(0);
  });
});
