/**
 * Figures, not assertions on speed: how long the Worker takes to make a PDF and how large it is, for
 * 3, 20 and 100 lines (printed; README "E-invoices" quotes them). Timed across the route, so workerd's
 * clock (which stands still during synchronous work) has moved.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createInvoice } from "../helpers";
import { b2bCustomer, einvoiceMerchant } from "./fixtures";

describe("PDF figures", () => {
  it("prints generation time and size per invoice", { timeout: 120_000 }, async () => {
    const merchant = await einvoiceMerchant();
    const customer = await b2bCustomer(merchant.key);
    const rows: string[] = [];
    for (const count of [3, 20, 100]) {
      const lines = Array.from({ length: count }, (_, i) => ({ description: `Prestation ${i + 1}`, quantity: 1, unit_amount: 1_000 + i, tax_rate: i % 2 ? 550 : 2000 }));
      const invoice = await createInvoice(merchant.key, customer.id, { lines });
      const times: number[] = [];
      let size = 0;
      for (let run = 0; run < 6; run++) {
        const started = performance.now();
        const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787/v1/invoices/${invoice.id}/pdf`, { headers: { authorization: `Bearer ${merchant.key}` } }));
        size = (await response.arrayBuffer()).byteLength;
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the clock move past the synchronous work
        times.push(performance.now() - started);
        expect(response.status).toBe(200);
      }
      const warm = times.slice(1).sort((a, b) => a - b);
      rows.push(`${count} lines: first ${times[0]!.toFixed(0)} ms, median warm ${warm[Math.floor(warm.length / 2)]!.toFixed(0)} ms (route incl. D1 reads and XML), ${(size / 1024).toFixed(1)} KiB`);
    }
    console.log(`PDF figures:\n${rows.join("\n")}`);
  });
});
