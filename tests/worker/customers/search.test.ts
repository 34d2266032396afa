/** GET /v1/customers?q=: the console's customer picker searches by name or email as you type. */
import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant } from "../helpers";

describe("customer search", () => {
  it("should answer the customers whose name or email contains q, case-insensitive, when q is given", async () => {
    const merchant = await createMerchant();
    const martin = await createCustomer(merchant.key, { name: "Boulangerie Martin", email: "compta@martin.example" });
    const durand = await createCustomer(merchant.key, { name: "Garage Durand", email: "contact@durand.example" });
    await createCustomer(merchant.key, { name: "Fleuriste", email: "fleurs@ailleurs.example" });
    const byName = await api(merchant.key, "GET", "/v1/customers?q=boulang");
    expect(byName.status).toBe(200);
    expect(byName.body.data.map((c: { id: string }) => c.id)).toEqual([martin.id]);
    const byEmail = await api(merchant.key, "GET", "/v1/customers?q=DURAND.EX");
    expect(byEmail.body.data.map((c: { id: string }) => c.id)).toEqual([durand.id]);
  });

  it("should match LIKE wildcards literally when q holds % or _", async () => {
    const merchant = await createMerchant();
    await createCustomer(merchant.key, { name: "Alpha", email: "alpha@x.example" });
    const literal = await createCustomer(merchant.key, { name: "100% Bio", email: "bio@x.example" });
    expect((await api(merchant.key, "GET", "/v1/customers?q=%25")).body.data.map((c: { id: string }) => c.id)).toEqual([literal.id]);
    expect((await api(merchant.key, "GET", "/v1/customers?q=_")).body.data).toEqual([]);
  });

  it("should not find another merchant's customer when searching", async () => {
    const mine = await createMerchant();
    const theirs = await createMerchant();
    await createCustomer(theirs.key, { name: "Secret Client", email: "secret@x.example" });
    expect((await api(mine.key, "GET", "/v1/customers?q=secret")).body.data).toEqual([]);
  });

  it("should refuse a q longer than 64 characters with 422 naming q", async () => {
    const merchant = await createMerchant();
    const response = await api(merchant.key, "GET", `/v1/customers?q=${"a".repeat(65)}`);
    expect(response.status).toBe(422);
    expect(response.body.param).toBe("q");
  });
});
