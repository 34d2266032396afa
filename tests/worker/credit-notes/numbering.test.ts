/**
 * Credit notes' own series: gapless under concurrent issues, apart from the invoices' counter,
 * configurable in the settings, and immutable once issued (refused by the database itself).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createInvoice } from "../helpers";
import { issue, twoRateInvoice, world } from "./support";

const year = new Date().toISOString().slice(0, 4);

describe("the credit note series", () => {
  it("should number 30 credit notes issued at once on 30 invoices 1 to 30, with no gap and no duplicate", async () => {
    const w = await world();
    const invoices = [];
    for (let index = 0; index < 30; index += 1) invoices.push(await createInvoice(w.merchant.key, w.customer));
    const answers = await Promise.all(invoices.map((invoice) => issue(w, invoice.id, { amount: 1_000 })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(201));
    const numbers = answers.map((answer) => answer.body.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, index) => `AV${year}-${String(index + 1).padStart(6, "0")}`));
    const issued = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE merchant_id = ? AND type = 'credit_note.issued'").bind(w.merchant.id).first<{ n: number }>();
    expect(issued!.n).toBe(30);
  });

  it("should keep its counter apart from the invoices' even when both formats are the same", async () => {
    const w = await world();
    const saved = await api(w.merchant.key, "PUT", "/v1/settings", { numbering: { format: "F{YYYY}-{SEQ:6}", credit_note_format: "F{YYYY}-{SEQ:6}" } });
    expect(saved.status, saved.text).toBe(200);
    const invoice = await twoRateInvoice(w);
    expect(invoice.number).toBe(`F${year}-000001`);
    expect((await issue(w, invoice.id, { amount: 100 })).body.number).toBe(`F${year}-000001`);
    expect((await twoRateInvoice(w)).number).toBe(`F${year}-000002`);
  });

  it("should follow settings.numbering.credit_note_format and refuse a format that would repeat an issued number", async () => {
    const w = await world();
    expect((await api(w.merchant.key, "GET", "/v1/settings")).body.numbering).toEqual({ format: "F{YYYY}-{SEQ:6}", credit_note_format: "AV{YYYY}-{SEQ:6}" });
    expect((await api(w.merchant.key, "PUT", "/v1/settings", { numbering: { format: "F{YYYY}-{SEQ:6}", credit_note_format: "A{SEQ}" } })).status).toBe(200);
    const invoice = await twoRateInvoice(w);
    expect((await issue(w, invoice.id, { amount: 100 })).body.number).toBe("A1");
    const repeating = await api(w.merchant.key, "PUT", "/v1/settings", { numbering: { format: "F{YYYY}-{SEQ:6}", credit_note_format: "A{SEQ:1}" } });
    expect(repeating.body).toMatchObject({ status: 409, code: "credit_note_number_taken", param: "numbering.credit_note_format" });
  });
});

describe("an issued credit note", () => {
  it("should be refused any change, deletion or extra line by the database", async () => {
    const w = await world();
    const invoice = await twoRateInvoice(w);
    const note = (await issue(w, invoice.id, { amount: 100 })).body;
    const attempts = [
      env.DB.prepare("UPDATE credit_notes SET total = 1, subtotal = 1, tax = 0 WHERE id = ?").bind(note.id),
      env.DB.prepare("UPDATE credit_notes SET reason = 'autre' WHERE id = ?").bind(note.id),
      env.DB.prepare("DELETE FROM credit_notes WHERE id = ?").bind(note.id),
      env.DB.prepare("UPDATE credit_note_lines SET amount_subtotal = 0, amount_tax = 0, amount_total = 0 WHERE credit_note_id = ?").bind(note.id),
      env.DB.prepare("DELETE FROM credit_note_lines WHERE credit_note_id = ?").bind(note.id),
      env.DB.prepare(
        "INSERT INTO credit_note_lines (credit_note_id, position, description, quantity_milli, unit_amount, tax_rate, amount_subtotal, amount_tax, amount_total) VALUES (?, 9, 'x', 1000, 1, 0, 1, 0, 1)",
      ).bind(note.id),
    ];
    for (const statement of attempts) await expect(statement.run()).rejects.toThrow(/credit_note_immutable/);
    expect((await api(w.merchant.key, "GET", `/v1/credit_notes/${note.id}`)).body).toEqual(note);
  });
});
