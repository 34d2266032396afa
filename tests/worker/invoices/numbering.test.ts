import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCustomer, createMerchant } from "../helpers";

async function createDrafts(key: string, customer: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await api(key, "POST", "/v1/invoices", {
      customer,
      currency: "eur",
      lines: [{ description: `Delivery ${index}`, quantity: 1, unit_amount: 1000 + index, tax_rate: 2000 }],
    });
    if (response.status !== 201) throw new Error(`draft ${index}: ${response.text}`);
    ids.push(response.body.id);
  }
  return ids;
}

async function nextNumber(merchantId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT next_number FROM number_series WHERE merchant_id = ?").bind(merchantId).first<{ next_number: number }>();
  return row?.next_number ?? null;
}

const year = () => new Date().toISOString().slice(0, 4);

describe("invoice numbering", () => {
  it("should assign exactly 1..50 with no gap or duplicate when 50 drafts are issued concurrently", async () => {
    const merchant = await createMerchant("Numbering SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const drafts = await createDrafts(merchant.key, customer, 50);

    const responses = await Promise.all(drafts.map((id) => api(merchant.key, "POST", `/v1/invoices/${id}/issue`)));
    expect(responses.map((response) => response.status)).toEqual(drafts.map(() => 200));

    const numbers = responses.map((response) => response.body.number as string);
    const expected = Array.from({ length: 50 }, (_, index) => `F${year()}-${String(index + 1).padStart(6, "0")}`);
    expect([...numbers].sort()).toEqual(expected);
    expect(new Set(numbers).size).toBe(50);

    const { results } = await env.DB.prepare("SELECT id, number, number_seq, status FROM invoices WHERE merchant_id = ? ORDER BY number_seq")
      .bind(merchant.id)
      .all<{ id: string; number: string; number_seq: number; status: string }>();
    expect(results.map((row) => row.number_seq)).toEqual(expected.map((_, index) => index + 1));
    expect(results.every((row) => row.status === "open")).toBe(true);
    expect(await nextNumber(merchant.id)).toBe(51);

    const issuedEvents = await api(merchant.key, "GET", "/v1/events?type=invoice.issued&limit=100");
    expect(issuedEvents.body.data).toHaveLength(50);
    expect(new Set(issuedEvents.body.data.map((event: { data: { number: string } }) => event.data.number))).toEqual(new Set(expected));
  });

  it("should answer 409 invoice_not_draft and leave the counter alone when an invoice is issued twice", async () => {
    const merchant = await createMerchant("Numbering twice SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const [first, second] = await createDrafts(merchant.key, customer, 2);

    const issued = await api(merchant.key, "POST", `/v1/invoices/${first}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body.number).toBe(`F${year()}-000001`);
    expect(await nextNumber(merchant.id)).toBe(2);

    const again = await api(merchant.key, "POST", `/v1/invoices/${first}/issue`);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    expect(again.body.code).toBe("invoice_not_draft");
    expect(await nextNumber(merchant.id)).toBe(2);
    expect((await api(merchant.key, "GET", `/v1/invoices/${first}`)).body).toMatchObject({ number: `F${year()}-000001`, version: issued.body.version });

    const next = await api(merchant.key, "POST", `/v1/invoices/${second}/issue`);
    expect(next.body.number).toBe(`F${year()}-000002`);
  });

  it("should issue once and refuse the other when the same draft is issued by two concurrent requests", async () => {
    const merchant = await createMerchant("Numbering race SARL");
    const customer = (await createCustomer(merchant.key)).id;
    const [draft] = await createDrafts(merchant.key, customer, 1);

    const responses = await Promise.all([1, 2, 3].map(() => api(merchant.key, "POST", `/v1/invoices/${draft}/issue`)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    expect(responses.filter((response) => response.status === 409).map((response) => response.body.code)).toEqual(["invoice_not_draft", "invoice_not_draft"]);
    expect(await nextNumber(merchant.id)).toBe(2);
    const events = await api(merchant.key, "GET", `/v1/events?invoice=${draft}&type=invoice.issued`);
    expect(events.body.data).toHaveLength(1);
  });
});
