import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_POLICY } from "../../../shared/schemas/reminders";
import { addDays, utcDay } from "../../../shared/status";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { deliverAt, ofMerchant, outboxOf, runCronAt } from "./support";

describe("a reminder that goes out after the due date", () => {
  it("should use the first overdue step's words, not 'due today', when an invoice issued late gets its due-date step", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key, { locale: "en" })).id;
    const invoice = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -3) });
    const now = new Date();
    const { messages } = await runCronAt(now);
    for (const message of await ofMerchant(merchant.id, messages)) await deliverAt(message, now);
    const sent = await outboxOf(merchant.id);
    expect(sent).toHaveLength(1);
    const overdueSubject = DEFAULT_REMINDER_POLICY.steps.find((step) => step.offset_days === 7)!.templates.en.subject.replace("{invoice_number}", invoice.number!);
    expect(sent[0]!.subject).toBe(overdueSubject);
    expect(sent[0]!.text_body).toContain("3 days late");
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/reminders`)).body.data.find((row: { status: string }) => row.status === "sent").step).toBe(0);
  });
});
