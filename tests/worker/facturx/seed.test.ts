/** The demo data (worker/cli/seed.ts) makes valid Factur-X: what `npm start` shows a merchant. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../../../worker/cli/seed";
import { api, createMerchant } from "../helpers";
import { blocking, checkFacturx, VALIDATOR_TIMEOUT_MS } from "./check";
import { valueIn } from "./fixtures";

describe("the demo merchant's e-invoices", () => {
  it("should be valid Factur-X for its euro and yen invoices (open, overdue, partly paid, paid), and refused for the KWD one", { timeout: VALIDATOR_TIMEOUT_MS }, async () => {
    const merchant = await createMerchant("Atelier Quittance");
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => (exports as any).default.fetch(new Request(input, init))) as typeof fetch;
    let seeded;
    try {
      seeded = await seedDemo("http://127.0.0.1:8787", merchant.key);
    } finally {
      globalThis.fetch = realFetch;
    }
    const frames: Record<string, string> = {};
    for (const name of ["open", "overdue", "partially_paid", "paid", "jpy_paid"]) {
      const response = await api(merchant.key, "GET", `/v1/invoices/${seeded.invoices[name]}/facturx.xml`);
      expect(response.status, `${name}: ${response.text}`).toBe(200);
      expect(blocking(await checkFacturx(`demo-${name}.xml`, response.text)), name).toEqual([]);
      frames[name] = valueIn(response.text, "ram:BusinessProcessSpecifiedDocumentContextParameter", "ram:ID")!;
    }
    expect(frames).toEqual({ open: "M1", overdue: "M1", partially_paid: "M1", paid: "M2", jpy_paid: "M2" });
    const dinar = await api(merchant.key, "GET", `/v1/invoices/${seeded.invoices["kwd_overdue"]}/facturx.xml`);
    expect(dinar.body).toMatchObject({ status: 409, code: "einvoice_not_expressible", param: "currency" });
  });
});
