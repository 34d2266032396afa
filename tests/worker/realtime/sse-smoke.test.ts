import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";

describe("GET /v1/events/stream", () => {
  it("should deliver an event within the same test when an offline payment is recorded", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const response: Response = await (exports as any).default.fetch(
      new Request("http://127.0.0.1:8787/v1/events/stream", { headers: { authorization: `Bearer ${merchant.key}` } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const first = await reader.read();
    text += decoder.decode(first.value);
    expect(text).toContain("retry:");
    await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }]);
    const deadline = Date.now() + 3000;
    while (!text.includes("event: payment.succeeded") && Date.now() < deadline) {
      const chunk = await reader.read();
      text += decoder.decode(chunk.value);
    }
    await reader.cancel();
    expect(text).toContain("event: invoice.paid");
    expect(text).toContain("event: payment.succeeded");
    expect(text).toMatch(/id: evt_\d{12}[0-9a-z]{26}/);
  });
});
