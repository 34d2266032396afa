import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { numberCollision } from "../../../worker/invoices/numbering";
import { api, createCustomer, createMerchant, databaseFingerprint } from "../helpers";

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

async function setFormat(key: string, format: string) {
  return api(key, "PUT", "/v1/settings", { numbering: { format } });
}

async function issueDrafts(key: string, customer: string, count: number): Promise<string[]> {
  const numbers: string[] = [];
  for (const id of await createDrafts(key, customer, count)) {
    const issued = await api(key, "POST", `/v1/invoices/${id}/issue`);
    expect(issued.status, issued.text).toBe(200);
    numbers.push(issued.body.number);
  }
  return numbers;
}

describe("invoice numbering: format changes that would repeat a number", () => {
  it("should refuse with 409 invoice_number_taken naming numbering.format and change nothing when the new format would issue an existing number", async () => {
    const merchant = await createMerchant("Numbering collide SARL");
    const customer = (await createCustomer(merchant.key)).id;
    expect((await setFormat(merchant.key, "A{SEQ}")).status).toBe(200);
    expect(await issueDrafts(merchant.key, customer, 2)).toEqual(["A1", "A2"]);
    const before = await databaseFingerprint();

    const refused = await setFormat(merchant.key, "A{SEQ:1}");

    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "invoice_number_taken", param: "numbering.format" });
    expect(refused.body.detail).toContain("A1");
    expect(await databaseFingerprint()).toBe(before);
    expect(await issueDrafts(merchant.key, customer, 1)).toEqual(["A3"]);
  });

  it("should answer 409 invoice_number_taken, never 500, and leave the draft and the counters as they were when an issue hits a number another invoice has", async () => {
    const merchant = await createMerchant("Numbering legacy SARL");
    const customer = (await createCustomer(merchant.key)).id;
    expect((await setFormat(merchant.key, "A{SEQ}")).status).toBe(200);
    await issueDrafts(merchant.key, customer, 2);
    // A format stored before formats were checked (or written straight to the database).
    await env.DB.prepare("UPDATE settings SET data = json_set(data, '$.numbering.format', 'A{SEQ:1}') WHERE merchant_id = ?").bind(merchant.id).run();
    const [draft] = await createDrafts(merchant.key, customer, 1);
    const before = await databaseFingerprint();

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await api(merchant.key, "POST", `/v1/invoices/${draft}/issue`);
      expect(response.status, response.text).toBe(409);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(response.body.code).toBe("invoice_number_taken");
      expect(response.body.detail).toContain("settings.numbering.format");
    }
    expect(await databaseFingerprint()).toBe(before);
    expect((await api(merchant.key, "GET", `/v1/invoices/${draft}`)).body.status).toBe("draft");
  });

  it("should accept a new prefix, and a return to a series whose counter is past the numbers, when the format changes", async () => {
    const merchant = await createMerchant("Numbering switch SARL");
    const customer = (await createCustomer(merchant.key)).id;
    expect((await setFormat(merchant.key, "A{SEQ}")).status).toBe(200);
    expect(await issueDrafts(merchant.key, customer, 2)).toEqual(["A1", "A2"]);
    expect((await setFormat(merchant.key, "B{SEQ:1}")).status).toBe(200);
    expect(await issueDrafts(merchant.key, customer, 1)).toEqual(["B1"]);
    expect((await setFormat(merchant.key, "A{SEQ}")).status).toBe(200);
    expect(await issueDrafts(merchant.key, customer, 1)).toEqual(["A3"]);
  });

  it("should tell which past numbers a format can no longer issue when dates are part of it", () => {
    const issued = [{ number: "F2025-1", number_series: "F2025-{SEQ}", number_seq: 1 }];
    expect(numberCollision("F{YYYY}-{SEQ:1}", issued, new Map(), "2026-03-01")).toBeNull(); // 2025 is over
    expect(numberCollision("F{YYYY}-{SEQ:1}", issued, new Map(), "2025-12-31")).toBe("F2025-1");
    expect(numberCollision("F{YYYY}-{SEQ:2}", issued, new Map(), "2025-12-31")).toBeNull(); // it would write F2025-01
    expect(numberCollision("F{YYYY}-{SEQ}", issued, new Map([["F2025-{SEQ}", 2]]), "2025-12-31")).toBeNull(); // that invoice itself
    expect(numberCollision("{MM}{SEQ}", [{ number: "013", number_series: "X", number_seq: 3 }], new Map(), "2026-11-24")).toBe("013"); // every January
  });
});
