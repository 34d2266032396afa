/**
 * A simulated 60-day timeline: the cron runs once a day on a simulated clock (the consumer too, by
 * hand, so nothing follows the real clock), and every reminder that goes out is recorded with its
 * day. Six invoices, due on days 10–22, each living one story: plain, paid, paused then resumed,
 * a promise to pay, and the policy edited on day 28 (the +7 step's subject changed, +15 moved to +12).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_POLICY, type ReminderPolicyValue } from "../../../shared/schemas/reminders";
import { addDays } from "../../../shared/status";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { dayIndex, deliverAt, ofMerchant, runCronAt, simulatedNow, today } from "./support";

const EDITED_SUBJECT = { fr: "Relance (modifiée) : facture {invoice_number}", en: "Reminder (edited): invoice {invoice_number}" };

/** The policy after the day-28 edit: +7's subjects changed, +15 moved to +12 (same templates). */
function editedPolicy(): ReminderPolicyValue {
  const policy = structuredClone(DEFAULT_REMINDER_POLICY);
  const seven = policy.steps.find((step) => step.offset_days === 7)!;
  seven.templates.fr.subject = EDITED_SUBJECT.fr;
  seven.templates.en.subject = EDITED_SUBJECT.en;
  policy.steps.find((step) => step.offset_days === 15)!.offset_days = 12;
  return policy;
}

describe("the reminders timeline", () => {
  it("should send exactly the expected reminders on the expected days when 60 days are simulated with payment, pause, promise and a policy edit", async () => {
    const merchant = await createMerchant("Timeline SARL");
    const fr = (await createCustomer(merchant.key, { name: "Client FR", email: "fr@example.com", locale: "fr" })).id;
    const en = (await createCustomer(merchant.key, { name: "Client EN", email: "en@example.com", locale: "en" })).id;
    const start = today();

    // Day 0: six invoices, due on days 10 to 22.
    const plan = { A: [fr, 10], B: [en, 12], C: [fr, 14], D: [en, 16], E: [fr, 18], F: [en, 22] } as const;
    const invoices: Record<string, { id: string; total: number; number: string | null }> = {};
    for (const [label, [customer, dueDay]] of Object.entries(plan)) {
      invoices[label] = await createInvoice(merchant.key, customer, { due_date: addDays(start, dueDay) });
    }
    const labelOf = new Map(Object.entries(invoices).map(([label, invoice]) => [invoice.id, label]));

    let sentBeforeEdit: unknown[] = [];
    const actions: Record<number, () => Promise<void>> = {
      // D promises to pay by day 25: its steps due until then wait for day 26.
      15: async () => {
        const response = await api(merchant.key, "PUT", `/v1/invoices/${invoices.D!.id}/reminder_settings`, { promise_until: addDays(start, 25) });
        expect(response.status, response.text).toBe(200);
      },
      // C paused on day 16, resumed on day 30.
      16: async () => {
        const response = await api(merchant.key, "PUT", `/v1/invoices/${invoices.C!.id}/reminder_settings`, { paused: true });
        expect(response.status, response.text).toBe(200);
      },
      30: async () => {
        const response = await api(merchant.key, "PUT", `/v1/invoices/${invoices.C!.id}/reminder_settings`, { paused: false });
        expect(response.status, response.text).toBe(200);
      },
      // B paid in full (bank transfer) on day 20.
      20: async () => {
        const response = await recordPayment(merchant.key, [{ invoice: invoices.B!.id, amount: invoices.B!.total }]);
        expect(response.status, response.text).toBe(201);
      },
      // The policy edited on day 28, before that day's cron.
      28: async () => {
        sentBeforeEdit = await sentRows(merchant.id);
        const response = await api(merchant.key, "PUT", "/v1/settings", { reminders: editedPolicy() });
        expect(response.status, response.text).toBe(200);
      },
    };

    const outcomes: string[] = [];
    for (let day = 0; day < 60; day += 1) {
      await actions[day]?.();
      const now = simulatedNow(start, day);
      const { messages } = await runCronAt(now);
      for (const message of await ofMerchant(merchant.id, messages)) outcomes.push(`${day}:${await deliverAt(message, now)}`);
    }

    const { results } = await env.DB.prepare(
      `SELECT r.invoice_id, r.step, r.sent_at, o.subject, o.to_address FROM reminders r JOIN outbox_messages o ON o.reminder_id = r.id
       WHERE r.merchant_id = ? ORDER BY r.sent_at, r.invoice_id`,
    )
      .bind(merchant.id)
      .all<{ invoice_id: string; step: number; sent_at: string; subject: string; to_address: string }>();
    const sent = results.map((row) => `${labelOf.get(row.invoice_id)} ${row.step} @${dayIndex(start, row.sent_at)}`).sort(byDay);

    expect(sent).toEqual(
      [
        // A, due 10: every step; its +15 went out before the edit, so the new +12 must not follow it.
        "A -3 @7", "A 0 @10", "A 7 @17", "A 15 @25", "A 30 @40",
        // B, due 12, paid on day 20: nothing after.
        "B -3 @9", "B 0 @12", "B 7 @19",
        // C, due 14, paused days 16–30: +7 (21) and the new +12 (26, met on day 28) are skipped; +30 after the resume.
        "C -3 @11", "C 0 @14", "C 30 @44",
        // D, due 16, promise until 25: 0 (16) and +7 (23) held to day 26, where only the latest goes; then the new +12 on 28.
        "D -3 @13", "D 7 @26", "D 12 @28", "D 30 @46",
        // E, due 18: +7 before the edit; the new +12 on day 30, not +15 on 33.
        "E -3 @15", "E 0 @18", "E 7 @25", "E 12 @30", "E 30 @48",
        // F, due 22: +7 after the edit, with its new subject.
        "F -3 @19", "F 0 @22", "F 7 @29", "F 12 @34", "F 30 @52",
      ].sort(byDay),
    );
    // One message per reminder: the consumer never answered anything but "sent".
    expect(outcomes.every((outcome) => outcome.endsWith(":sent"))).toBe(true);
    expect(outcomes).toHaveLength(sent.length);

    // Subjects: the customer's language, the old +7 subject before the edit and the new one after.
    const subjectOf = (label: string, step: number) => results.find((row) => labelOf.get(row.invoice_id) === label && row.step === step)!.subject;
    const number = (label: string) => invoices[label]!.number!;
    expect(subjectOf("A", 7)).toBe(`Retard de paiement : facture ${number("A")}`);
    expect(subjectOf("B", 7)).toBe(`Overdue: invoice ${number("B")}`);
    expect(subjectOf("D", 7)).toBe(`Overdue: invoice ${number("D")}`);
    expect(subjectOf("E", 7)).toBe(`Retard de paiement : facture ${number("E")}`);
    expect(subjectOf("F", 7)).toBe(`Reminder (edited): invoice ${number("F")}`);
    expect(subjectOf("A", 15)).toBe(`Deuxième relance : facture ${number("A")}`);
    expect(subjectOf("E", 12)).toBe(`Deuxième relance : facture ${number("E")}`);
    expect(subjectOf("F", 12)).toBe(`Second reminder: invoice ${number("F")}`);
    expect(results.filter((row) => ["A", "C", "E"].includes(labelOf.get(row.invoice_id)!)).every((row) => row.to_address === "fr@example.com")).toBe(true);

    // What had gone out before the edit is exactly as it was.
    const after = await sentRows(merchant.id);
    expect(after.slice(0, sentBeforeEdit.length)).toEqual(sentBeforeEdit);
    expect(sentBeforeEdit.length).toBe(sent.filter((entry) => Number(entry.split("@")[1]) < 28).length);

    // The reasons recorded for what was not sent.
    const skipped = await env.DB.prepare("SELECT invoice_id, step, skip_reason FROM reminders WHERE merchant_id = ? AND status = 'skipped' ORDER BY invoice_id, step")
      .bind(merchant.id)
      .all<{ invoice_id: string; step: number; skip_reason: string }>();
    const reasons = skipped.results.map((row) => `${labelOf.get(row.invoice_id)} ${row.step} ${row.skip_reason}`).sort();
    expect(reasons).toEqual(["B 15 invoice paid", "C 12 paused", "C 7 paused", "D 0 superseded by a later step"]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM reminders WHERE merchant_id = ? AND status NOT IN ('sent', 'skipped')").bind(merchant.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

function byDay(a: string, b: string): number {
  const day = (entry: string) => Number(entry.split("@")[1]);
  return day(a) - day(b) || a.localeCompare(b);
}

async function sentRows(merchantId: string) {
  const { results } = await env.DB.prepare("SELECT id, invoice_id, step, send_on, status, sent_at, message_id FROM reminders WHERE merchant_id = ? AND status = 'sent' ORDER BY sent_at, id")
    .bind(merchantId)
    .all();
  return results;
}
