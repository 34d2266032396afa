/**
 * POST /v1/bank_statements/:id/lines/:line/ignore: an unmatched line set aside by hand — no
 * payment, counted as ignored, refused once matched or ignored, and a duplicate when imported again.
 */
import { describe, expect, it } from "vitest";
import { camtFile } from "../../support/statement-files";
import { api, createMerchant } from "../helpers";
import { customerNamed, invoice, invoiceOf, upload } from "./support";

describe("POST /v1/bank_statements/:id/lines/:line/ignore", () => {
  it("should set an unmatched line aside with its reason and record no payment", async () => {
    const merchant = await createMerchant();
    const billed = await invoiceOf(merchant.key, await customerNamed(merchant.key, "Aside"), 8000);
    const file = camtFile([{ amount: "80.00", ref: "IGN-1", payerName: "Somebody", unstructured: "remboursement fournisseur" }]);
    const statement = (await upload(merchant.key, file)).body;
    expect(statement.lines.data[0].status).toBe("unmatched");
    const path = `/v1/bank_statements/${statement.id}/lines/1/ignore`;
    const ignored = await api(merchant.key, "POST", path, { reason: "remboursement fournisseur" });
    expect(ignored.status, ignored.text).toBe(200);
    expect(ignored.body).toMatchObject({ line: 1, status: "ignored", ignored_reason: "remboursement fournisseur", payment: null, suggestions: [] });
    expect((await api(merchant.key, "GET", `/v1/bank_statements/${statement.id}`)).body.counts).toMatchObject({ unmatched: 0, ignored: 1, matched: 0 });
    expect((await api(merchant.key, "GET", "/v1/payments")).body.data).toHaveLength(0);
    expect((await invoice(merchant.key, billed.id)).amount_paid).toBe(0);
    const again = await upload(merchant.key, file);
    expect(again.body.counts).toMatchObject({ duplicate: 1, matched: 0 });
  });

  it("should give the default reason, and refuse a line no longer unmatched, another merchant, and a read-only key", async () => {
    const merchant = await createMerchant();
    const stranger = await createMerchant();
    const statement = (await upload(merchant.key, camtFile([{ amount: "12.00", ref: "IGN-2", payerName: "X" }]))).body;
    const path = `/v1/bank_statements/${statement.id}/lines/1/ignore`;
    expect((await api(merchant.readOnlyKey, "POST", path, {})).status).toBe(403);
    expect((await api(stranger.key, "POST", path, {})).status).toBe(404);
    expect((await api(merchant.key, "POST", `/v1/bank_statements/${statement.id}/lines/7/ignore`, {})).status).toBe(404);
    expect((await api(merchant.key, "POST", path, { reason: "" })).body.param).toBe("reason");
    const ignored = await api(merchant.key, "POST", path, {});
    expect(ignored.body).toMatchObject({ status: "ignored", ignored_reason: "ignored by hand" });
    const twice = await api(merchant.key, "POST", path, {});
    expect([twice.status, twice.body.code]).toEqual([409, "statement_line_not_open"]);
    const allocate = await api(merchant.key, "POST", `/v1/bank_statements/${statement.id}/lines/1/allocate`, { invoice: "inv_00000000000000000000000000" });
    expect(allocate.status).toBe(409);
  });
});
