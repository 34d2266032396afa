/** The log's own functions against the migrated D1: append, the invoice snapshot, ids as cursors, the feed query. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appendEvent, appendInvoiceEvent, eventId, seqOfEventId, serializeEvent, type EventRow } from "../../../worker/events/log";
import { listEvents } from "../../../worker/events/queries";
import { createCustomer, createInvoice, createMerchant } from "../helpers";

describe("events/log", () => {
  it("should give ids that sort by seq and read back the seq when an event is appended", async () => {
    const merchant = await createMerchant();
    const now = new Date("2026-11-30T10:00:00.000Z");
    await env.DB.batch([
      appendEvent(env.DB, { merchantId: merchant.id, type: "settings.updated", data: { fields: ["a"] }, now }),
      appendEvent(env.DB, { merchantId: merchant.id, type: "settings.updated", data: { fields: ["b"] }, now }),
    ]);
    const rows = await listEvents(env.DB, merchant.id, { afterSeq: 0, limit: 10 });
    expect(rows).toHaveLength(2);
    const [first, second] = rows.map(serializeEvent);
    expect(first!.id < second!.id).toBe(true);
    expect(seqOfEventId(first!.id)).toBe(rows[0]!.seq);
    expect(seqOfEventId("evt_not_ours")).toBeNull();
    expect(first).toMatchObject({ object: "event", type: "settings.updated", created: now.toISOString(), data: { fields: ["a"] }, invoice: null });
  });

  it("should snapshot the invoice as the same batch left it when an invoice event is appended", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const invoice = await createInvoice(merchant.key, customer);
    const now = new Date();
    await env.DB.batch([
      env.DB.prepare("UPDATE invoices SET memo = 'x', version = version + 1 WHERE id = ?").bind(invoice.id),
      appendInvoiceEvent(env.DB, { type: "invoice.viewed", invoiceId: invoice.id, now, extra: { reminder: "rem_1" } }),
    ]);
    const [row] = await listEvents(env.DB, merchant.id, { afterSeq: 0, type: "invoice.viewed", limit: 5 });
    expect(serializeEvent(row!)).toMatchObject({
      invoice: invoice.id,
      customer,
      data: { number: invoice.number, status: "open", total: invoice.total, amount_due: invoice.total, version: invoice.version + 1, reminder: "rem_1" },
    });
  });

  it("should filter by type and invoice and page with limit + 1 rows when the feed is read", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key)).id;
    const a = await createInvoice(merchant.key, customer);
    await createInvoice(merchant.key, customer);
    const ofA = await listEvents(env.DB, merchant.id, { afterSeq: 0, invoice: a.id, limit: 10 });
    expect(ofA.map((row: EventRow) => row.type)).toEqual(["invoice.created", "invoice.issued"]);
    const page = await listEvents(env.DB, merchant.id, { afterSeq: 0, limit: 2 });
    expect(page).toHaveLength(3); // limit + 1: the caller learns that more follow
    const after = await listEvents(env.DB, merchant.id, { afterSeq: page[1]!.seq, limit: 100 });
    expect(eventId(after[0]!)).toBe(eventId(page[2]!));
    expect(after.every((row) => row.seq > page[1]!.seq)).toBe(true);
  });
});
