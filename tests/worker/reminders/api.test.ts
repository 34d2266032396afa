/**
 * The reminder API: the policy's template check, one-click "remind now" and its minimum interval,
 * the timeline, per-invoice settings, drafts, the rendered email, and late fees on the invoice.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accruedLateFees } from "../../../shared/late-fees";
import { DEFAULT_REMINDER_POLICY, type ReminderPolicyValue } from "../../../shared/schemas/reminders";
import { DEFAULT_SETTINGS } from "../../../shared/schemas/settings";
import { addDays } from "../../../shared/status";
import { settleDisputed } from "../../../worker/payments/settle";
import { api, createCustomer, createInvoice, createMerchant, recordPayment } from "../helpers";
import { deliverAt, eventually, ofMerchant, outboxOf, remindersOf, runCronAt, simulatedNow, today } from "./support";

const policyWith = (change: (policy: ReminderPolicyValue) => void): ReminderPolicyValue => {
  const policy = structuredClone(DEFAULT_REMINDER_POLICY);
  change(policy);
  return policy;
};

/** An amount of euro cents as the customer's language writes it. */
const euros = (cents: number, locale: "fr" | "en") =>
  new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }).format(`${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}` as Intl.StringNumericLiteral);

async function world(locale: "fr" | "en" = "fr") {
  const merchant = await createMerchant("Relances SARL");
  const customer = (await createCustomer(merchant.key, { name: "Zoé Martin", email: "zoe@example.com", locale })).id;
  return { merchant, customer };
}

describe("the reminder policy in settings", () => {
  it("should answer 422 naming the field and the variable when a template uses an unknown variable", async () => {
    const { merchant } = await world();
    const before = await api(merchant.key, "GET", "/v1/settings");

    const body = await api(merchant.key, "PUT", "/v1/settings", { reminders: policyWith((policy) => (policy.steps[0]!.templates.fr.body = "Bonjour {client}, payez {amount_due}.")) });
    expect(body.status).toBe(422);
    expect(body.body).toMatchObject({ code: "parameter_invalid", param: "reminders.steps[0].templates.fr.body" });
    expect(body.body.detail).toContain("{client}");

    const subject = await api(merchant.key, "PUT", "/v1/settings", { reminders: policyWith((policy) => (policy.steps[2]!.templates.en.subject = "Invoice {invoice_number}: {montant}")) });
    expect(subject.status).toBe(422);
    expect(subject.body).toMatchObject({ code: "parameter_invalid", param: "reminders.steps[2].templates.en.subject" });
    expect(subject.body.detail).toContain("{montant}");

    // Nothing was saved.
    expect((await api(merchant.key, "GET", "/v1/settings")).body).toEqual(before.body);

    // Every documented variable is accepted.
    const all = "{customer_name} {invoice_number} {amount_due} {due_date} {days_late} {late_fees} {pay_link} {merchant_name}";
    const ok = await api(merchant.key, "PUT", "/v1/settings", { reminders: policyWith((policy) => (policy.steps[0]!.templates.en.body = all)) });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.reminders.steps[0].templates.en.body).toBe(all);
  });
});

describe("POST /v1/invoices/:id/remind", () => {
  it("should send the next step now, refuse a second within the minimum interval with 409, and send it when forced", async () => {
    const { merchant, customer } = await world();
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });

    const first = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {});
    expect(first.status, first.text).toBe(202);
    expect(first.body).toMatchObject({ object: "reminder", step: -3, manual: false, status: "queued", send_on: today() });

    // At once, while the first is still on its way: too soon.
    const second = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {});
    expect(second.status, second.text).toBe(409);
    expect(second.body.code).toBe("reminder_too_soon");

    // The queue's consumer sends the first.
    const sent = await eventually(() => remindersOf(invoice.id), (rows) => rows.find((row) => row.step === -3)?.status === "sent");
    expect(sent.find((row) => row.step === -3)).toMatchObject({ status: "sent" });
    const third = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {});
    expect(third.status).toBe(409);
    expect(third.body.code).toBe("reminder_too_soon");

    const forced = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true });
    expect(forced.status, forced.text).toBe(202);
    expect(forced.body).toMatchObject({ step: 0, manual: false, status: "queued" });
    await eventually(() => outboxOf(merchant.id), (messages) => messages.length >= 2);
    const outbox = await outboxOf(merchant.id);
    expect(outbox).toHaveLength(2);
    expect(outbox.map((message) => message.subject).sort()).toEqual([`Facture ${invoice.number} : échéance le ${frDate(addDays(today(), 30))}`, `Facture ${invoice.number} à régler aujourd'hui`].sort());
  });

  it("should use the template of the step before the due date when a manual reminder goes out early", async () => {
    const { merchant, customer } = await world("en");
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    // No schedule at all for this invoice: "remind now" makes a manual reminder.
    expect((await api(merchant.key, "PUT", `/v1/invoices/${invoice.id}/reminder_settings`, { steps: [] })).status).toBe(200);
    expect(await remindersOf(invoice.id)).toEqual([]);

    const response = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {});
    expect(response.status, response.text).toBe(202);
    expect(response.body).toMatchObject({ step: null, manual: true });
    const [message] = await eventually(() => outboxOf(merchant.id), (messages) => messages.length > 0);
    // 30 days before the due date: the friendly "due on" reminder, not "due today".
    expect(message!.subject).toBe(`Invoice ${invoice.number}: due on ${enDate(addDays(today(), 30))}`);
  });

  it("should refuse with 422 when the invoice is paid", async () => {
    const { merchant, customer } = await world();
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);
    const response = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe("invoice_not_payable");
  });
});

describe("GET /v1/invoices/:id/reminders", () => {
  it("should list the timeline with its dates and states when reminders are scheduled, sent, opened and the invoice paid", async () => {
    const { merchant, customer } = await world();
    const start = today();
    const due = addDays(start, 3);
    const invoice = await createInvoice(merchant.key, customer, { due_date: due });

    const scheduled = await api(merchant.readOnlyKey, "GET", `/v1/invoices/${invoice.id}/reminders`);
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({ has_more: false, next: null, paid_at: null });
    expect(scheduled.body.data).toEqual(
      [-3, 0, 7, 15, 30].map((step) => ({
        id: expect.stringMatching(/^rem_[0-9a-f]{32}$/),
        object: "reminder",
        step,
        manual: false,
        send_on: addDays(due, step),
        status: "scheduled",
        skip_reason: null,
        sent_at: null,
        opened_at: null,
        clicked_at: null,
        viewed_at: null,
      })),
    );

    // Day 3: -3 is superseded by 0, which goes out; the client opens it; the invoice is paid.
    const day3 = simulatedNow(start, 3);
    const { messages } = await runCronAt(day3);
    for (const message of await ofMerchant(merchant.id, messages)) expect(await deliverAt(message, day3)).toBe("sent");
    const [email] = await outboxOf(merchant.id);
    const pixel = /<img src="http:\/\/[^/]+(\/t\/o\/[^"]+)"/.exec(email!.html_body)![1]!;
    expect((await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${pixel}`))).status).toBe(200);
    expect((await recordPayment(merchant.key, [{ invoice: invoice.id, amount: invoice.total }])).status).toBe(201);

    const timeline = await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/reminders`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.paid_at).toEqual(expect.any(String));
    expect(timeline.body.data.map((row: { step: number; status: string; skip_reason: string | null }) => [row.step, row.status, row.skip_reason])).toEqual([
      [-3, "skipped", "superseded by a later step"],
      [0, "sent", null],
      [7, "scheduled", null],
      [15, "scheduled", null],
      [30, "scheduled", null],
    ]);
    const zero = timeline.body.data[1];
    expect(zero.sent_at).toBe(day3.toISOString());
    expect(zero.opened_at).toEqual(expect.any(String));
    expect(zero.clicked_at).toBeNull();

    // Someone else's invoice: 404.
    const other = await createMerchant("Autre SARL");
    expect((await api(other.key, "GET", `/v1/invoices/${invoice.id}/reminders`)).status).toBe(404);
  });
});

describe("PUT /v1/invoices/:id/reminder_settings", () => {
  it("should answer 422 naming the field when the settings are invalid", async () => {
    const { merchant, customer } = await world();
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    const put = (body: unknown) => api(merchant.key, "PUT", `/v1/invoices/${invoice.id}/reminder_settings`, body);
    const cases: [unknown, string, string][] = [
      [{ promise_until: `${today().slice(0, 4)}-02-30` }, "parameter_invalid", "promise_until"],
      [{ promise_until: "next week" }, "parameter_invalid", "promise_until"],
      [{ promise_until: addDays(today(), 400) }, "parameter_invalid", "promise_until"],
      [{ promise_until: "1999-12-31" }, "parameter_invalid", "promise_until"],
      [{ steps: [0, 400] }, "parameter_invalid", "steps[1]"],
      [{ steps: [1.5] }, "parameter_invalid", "steps[0]"],
      [{ paused: "yes" }, "parameter_invalid", "paused"],
      [{ snooze: true }, "parameter_unknown", "snooze"],
    ];
    for (const [body, code, param] of cases) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body, JSON.stringify(body)).toMatchObject({ code, param });
    }
    // Nothing was stored, nothing rescheduled.
    expect(await env.DB.prepare("SELECT 1 FROM invoice_reminder_settings WHERE invoice_id = ?").bind(invoice.id).first()).toBeNull();
    expect((await remindersOf(invoice.id)).map((row) => row.step)).toEqual([-3, 0, 7, 15, 30]);
    expect((await api(merchant.key, "PUT", "/v1/invoices/inv_missing/reminder_settings", { paused: true })).status).toBe(404);
  });

  it("should store pause, promise and a custom schedule, and return to the policy when steps is null", async () => {
    const { merchant, customer } = await world();
    const start = today();
    const due = addDays(start, 10);
    const invoice = await createInvoice(merchant.key, customer, { due_date: due });
    const put = (body: unknown) => api(merchant.key, "PUT", `/v1/invoices/${invoice.id}/reminder_settings`, body);
    const schedule = async () => (await remindersOf(invoice.id)).filter((row) => row.status === "scheduled").map((row) => `${row.step}@${row.send_on}`);

    const promise = addDays(start, 5);
    const set = await put({ paused: true, promise_until: promise, steps: [-8, 5] });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ paused: true, promise_until: promise, steps: [-8, 5] });
    // The timeline says so too (the console shows why reminders are held).
    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/reminders`)).body).toMatchObject({ settings: { paused: true, promise_until: promise, steps: [-8, 5] } });
    // -8 falls on day 2, before the promise: held to the day after it.
    expect(await schedule()).toEqual([`-8@${addDays(start, 6)}`, `5@${addDays(due, 5)}`]);

    // A partial change keeps the rest.
    const resumed = await put({ paused: false });
    expect(resumed.body).toEqual({ paused: false, promise_until: promise, steps: [-8, 5] });
    expect(await schedule()).toEqual([`-8@${addDays(start, 6)}`, `5@${addDays(due, 5)}`]);

    // The promise withdrawn: nothing is held any more, -8 is back on its own day.
    const withdrawn = await put({ promise_until: null });
    expect(withdrawn.body).toEqual({ paused: false, promise_until: null, steps: [-8, 5] });
    expect(await schedule()).toEqual([`-8@${addDays(start, 2)}`, `5@${addDays(due, 5)}`]);
    // A shorter promise holds only up to its own end.
    expect((await put({ promise_until: addDays(start, 1) })).status).toBe(200);
    expect((await put({ promise_until: addDays(start, 2) })).status).toBe(200);
    expect((await put({ promise_until: addDays(start, 1) })).status).toBe(200);
    expect(await schedule()).toEqual([`-8@${addDays(start, 2)}`, `5@${addDays(due, 5)}`]);

    expect((await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/reminders`)).body).toMatchObject({ settings: { paused: false, promise_until: addDays(start, 1), steps: [-8, 5] } });
    const back = await put({ steps: null });
    expect(back.body).toEqual({ paused: false, promise_until: addDays(start, 1), steps: null });
    expect(await schedule()).toEqual([-3, 0, 7, 15, 30].map((step) => `${step}@${addDays(due, step)}`));

    // The invoice's own schedule survives a change of the merchant's policy.
    expect((await put({ steps: [2] })).status).toBe(200);
    const edited = await api(merchant.key, "PUT", "/v1/settings", { reminders: policyWith((policy) => (policy.steps[1]!.offset_days = 1)) });
    expect(edited.status).toBe(200);
    expect(await schedule()).toEqual([`2@${addDays(due, 2)}`]);
  });
});

describe("what is not reminded", () => {
  it("should send nothing when the invoice is void or disputed", async () => {
    const { merchant, customer } = await world();
    const start = today();
    const voided = await createInvoice(merchant.key, customer, { due_date: addDays(start, 3) });
    const disputed = await createInvoice(merchant.key, customer, { due_date: addDays(start, 3) });
    expect((await api(merchant.key, "POST", `/v1/invoices/${voided.id}/void`)).status).toBe(200);
    const payment = await recordPayment(merchant.key, [{ invoice: disputed.id, amount: 5000 }]);
    expect(payment.status).toBe(201);
    // The payer disputes the payment: the money is taken back and the invoice is payable again.
    expect(await settleDisputed(env.DB, merchant.id, payment.body.id, 5000, { provider: "stripe", id: "evt_dispute_test", kind: "disputed" }, new Date())).toBe("applied");
    expect((await api(merchant.key, "GET", `/v1/invoices/${disputed.id}`)).body).toMatchObject({ status: "open", amount_paid: 0 });

    const day3 = simulatedNow(start, 3);
    const { messages } = await runCronAt(day3);
    for (const message of await ofMerchant(merchant.id, messages)) await deliverAt(message, day3);
    expect(await outboxOf(merchant.id)).toEqual([]);
    expect((await remindersOf(voided.id)).find((row) => row.step === 0)).toMatchObject({ status: "skipped", skip_reason: "invoice void" });
    expect((await remindersOf(disputed.id)).find((row) => row.step === 0)).toMatchObject({ status: "skipped", skip_reason: "disputed" });
    // Nor when asked by hand.
    const remind = await api(merchant.key, "POST", `/v1/invoices/${voided.id}/remind`, { force: true });
    expect(remind.status).toBe(422);
  });
});

describe("drafts", () => {
  it("should have no reminders when the invoice is a draft, and get them when it is issued", async () => {
    const { merchant, customer } = await world();
    const draft = await createInvoice(merchant.key, customer, { issue: false, net_days: 30 });
    expect(draft.status).toBe("draft");
    expect(await remindersOf(draft.id)).toEqual([]);
    expect((await api(merchant.key, "GET", `/v1/invoices/${draft.id}/reminders`)).body.data).toEqual([]);
    const remind = await api(merchant.key, "POST", `/v1/invoices/${draft.id}/remind`, { force: true });
    expect(remind.status).toBe(422);
    expect(remind.body.code).toBe("invoice_not_payable");
    const settings = await api(merchant.key, "PUT", `/v1/invoices/${draft.id}/reminder_settings`, { paused: true });
    expect(settings.status).toBe(409);
    expect(settings.body.code).toBe("invoice_not_open");
    // A policy change does not give a draft reminders either.
    expect((await api(merchant.key, "PUT", "/v1/settings", { reminders: DEFAULT_REMINDER_POLICY })).status).toBe(200);
    expect(await remindersOf(draft.id)).toEqual([]);
    expect(await outboxOf(merchant.id)).toEqual([]);

    const issued = await api(merchant.key, "POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status, issued.text).toBe(200);
    expect((await remindersOf(draft.id)).map((row) => `${row.step}@${row.send_on}`)).toEqual([-3, 0, 7, 15, 30].map((step) => `${step}@${addDays(issued.body.due_date, step)}`));
  });
});

describe("the reminder email", () => {
  const SIGNATURE = "Atelier Bérénice\n12 rue des Lilas, 75011 Paris";

  /** An overdue invoice (due 20 days ago) of 1 200,00 € to a customer in `locale`, and its reminder sent now. */
  async function sendOverdue(locale: "fr" | "en") {
    const { merchant, customer } = await world(locale);
    const policy = { ...DEFAULT_REMINDER_POLICY, sender_name: "Atelier Bérénice", reply_to: "compta@atelier.example" };
    expect((await api(merchant.key, "PUT", "/v1/settings", { email_signature: SIGNATURE, reminders: policy })).status).toBe(200);
    const due = addDays(today(), -20);
    const invoice = await createInvoice(merchant.key, customer, { due_date: due, lines: [{ description: "Atelier", quantity: 1, unit_amount: 100_000, tax_rate: 2000 }] });
    expect(invoice.total).toBe(120_000);
    const now = new Date();
    const { messages } = await runCronAt(now);
    const rows = await remindersOf(invoice.id);
    const reminder = rows.find((row) => row.status === "queued")!;
    // The latest step due (+15) goes; the older ones are superseded.
    expect(reminder.step).toBe(15);
    expect(await deliverAt(messages.find((message) => message.reminder === reminder.id)!, now)).toBe("sent");
    const [email] = await outboxOf(merchant.id);
    const fees = accruedLateFees({ amountDue: 120_000, currency: "eur", dueDate: due, today: today(), policy: DEFAULT_SETTINGS.late_fees, customerType: "business" });
    return { merchant, invoice, reminder, email: email!, fees, due };
  }

  it("should contain the signature, the amount in French, the late fees, a tracked pay link and List-Unsubscribe when the customer writes French", async () => {
    const { invoice, reminder, email, fees } = await sendOverdue("fr");
    expect(fees).toMatchObject({ daysLate: 20, indemnity: 4000 });
    expect(fees.interest).toBeGreaterThan(0);

    expect(email.to_address).toBe("zoe@example.com");
    expect(email.subject).toBe(`Deuxième relance : facture ${invoice.number}`);
    // The amount as French writes it: narrow no-break space for thousands, comma, no-break space before €.
    expect(euros(120_000, "fr")).toBe("1\u202f200,00\u00a0€");
    expect(email.text_body).toContain(`facture ${invoice.number} (1\u202f200,00\u00a0€) reste impayée depuis 20 jours`);
    expect(email.text_body).toContain(`Pénalités et indemnité forfaitaire à ce jour : ${euros(fees.interest, "fr")} + 40,00\u00a0€.`);
    expect(email.text_body).toContain("Bonjour Zoé Martin,");

    // The signature closes both parts.
    expect(email.text_body.endsWith(`\n-- \n${SIGNATURE}`)).toBe(true);
    expect(email.html_body).toContain("Atelier Bérénice<br>12 rue des Lilas, 75011 Paris");

    // The pay link is the tracked one, in both parts; the hosted token never shows in clear.
    const link = new RegExp(`http://127\\.0\\.0\\.1:8787/t/c/${reminder.id}\\.[0-9a-f]{32}`);
    const tracked = link.exec(email.text_body)![0];
    expect(email.html_body).toContain(`<a href="${tracked}">${tracked}</a>`);
    const hosted = await env.DB.prepare("SELECT hosted_token FROM invoices WHERE id = ?").bind(invoice.id).first<{ hosted_token: string }>();
    expect(email.text_body).not.toContain(hosted!.hosted_token);
    expect(email.html_body).toMatch(new RegExp(`<img src="http://127\\.0\\.0\\.1:8787/t/o/${reminder.id}\\.[0-9a-f]{32}\\.gif"`));
    expect(email.html_body).toContain('<html lang="fr">');

    const headers = JSON.parse(email.headers) as Record<string, string>;
    expect(headers["List-Unsubscribe"]).toMatch(new RegExp(`^<http://127\\.0\\.0\\.1:8787/t/u/${reminder.id}\\.[0-9a-f]{32}>, <mailto:compta@atelier\\.example\\?subject=unsubscribe>$`));
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("should write the amount and the fees in English when the customer writes English", async () => {
    const { invoice, email, fees } = await sendOverdue("en");
    expect(email.subject).toBe(`Second reminder: invoice ${invoice.number}`);
    expect(email.text_body).toContain(`invoice ${invoice.number} (€1,200.00) has been unpaid for 20 days`);
    expect(email.text_body).toContain(`Fees and the fixed indemnity so far: ${euros(fees.interest, "en")} + €40.00.`);
    expect(email.html_body).toContain('<html lang="en">');
  });

  it("should write the indemnity in the invoice's currency when the policy sets it in pounds", async () => {
    const { merchant, customer } = await world("en");
    const lateFees = { kind: "fixed_rate", fixed_rate_bp: 1200, recovery_indemnity: 4000, recovery_indemnity_currency: "gbp" };
    const saved = await api(merchant.key, "PUT", "/v1/settings", { late_fees: lateFees });
    expect(saved.status, saved.text).toBe(200);
    const due = addDays(today(), -10);
    const invoice = await createInvoice(merchant.key, customer, { currency: "gbp", due_date: due, lines: [{ description: "Workshop", quantity: 1, unit_amount: 100_000, tax_rate: 0 }] });
    const now = new Date();
    const { messages } = await runCronAt(now);
    const reminder = (await remindersOf(invoice.id)).find((row) => row.status === "queued")!;
    expect(reminder.step).toBe(7);
    expect(await deliverAt(messages.find((message) => message.reminder === reminder.id)!, now)).toBe("sent");
    const [email] = await outboxOf(merchant.id);
    const fees = accruedLateFees({ amountDue: 100_000, currency: "gbp", dueDate: due, today: today(), policy: { ...lateFees, kind: "fixed_rate", reference_rates: [], margin_bp: 0 } as never, customerType: "business" });
    expect(fees).toMatchObject({ daysLate: 10, indemnity: 4000 });
    const pounds = (pence: number) => new Intl.NumberFormat("en", { style: "currency", currency: "GBP" }).format(pence / 100);
    expect(email!.text_body).toContain(`invoice ${invoice.number} for £1,000.00`);
    expect(email!.text_body).toContain(`Late-payment fees accrue from the due date: ${pounds(fees.interest)} + £40.00 so far.`);
    // The same figures as the invoice shows.
    const shown = await api(merchant.key, "GET", `/v1/invoices/${invoice.id}`);
    expect(shown.body.late_fees).toEqual({ days_late: 10, interest: fees.interest, indemnity: 4000, total: fees.total });
  });

  it("should show the late fees on GET /v1/invoices/:id when the invoice is overdue", async () => {
    const { merchant, customer } = await world();
    const due = addDays(today(), -45);
    const overdue = await createInvoice(merchant.key, customer, { due_date: due, lines: [{ description: "Atelier", quantity: 3, unit_amount: 33_333, tax_rate: 2000 }] });
    const fetched = await api(merchant.key, "GET", `/v1/invoices/${overdue.id}`);
    expect(fetched.status).toBe(200);
    const expected = accruedLateFees({ amountDue: overdue.total, currency: "eur", dueDate: due, today: today(), policy: DEFAULT_SETTINGS.late_fees, customerType: "business" });
    expect(expected.interest).toBeGreaterThan(0);
    expect(fetched.body.late_fees).toEqual({ days_late: 45, interest: expected.interest, indemnity: 4000, total: expected.total });
    expect(fetched.body).toMatchObject({ overdue: true, days_overdue: 45 });

    // Partly paid: the fees follow what remains due.
    expect((await recordPayment(merchant.key, [{ invoice: overdue.id, amount: 50_000 }])).status).toBe(201);
    const partly = await api(merchant.key, "GET", `/v1/invoices/${overdue.id}`);
    const remaining = accruedLateFees({ amountDue: overdue.total - 50_000, currency: "eur", dueDate: due, today: today(), policy: DEFAULT_SETTINGS.late_fees, customerType: "business" });
    expect(partly.body.late_fees).toEqual({ days_late: 45, interest: remaining.interest, indemnity: 4000, total: remaining.total });

    // Not yet due: none.
    const current = await createInvoice(merchant.key, customer, { net_days: 30 });
    expect((await api(merchant.key, "GET", `/v1/invoices/${current.id}`)).body.late_fees).toBeNull();
    // A consumer's invoice accrues nothing under the statutory default.
    const consumer = await createInvoice(merchant.key, customer, { due_date: due, terms: { customer_type: "consumer" } });
    expect((await api(merchant.key, "GET", `/v1/invoices/${consumer.id}`)).body.late_fees).toMatchObject({ interest: 0, indemnity: 0, total: 0 });
  });
});

function frDate(day: string): string {
  return new Intl.DateTimeFormat("fr", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

function enDate(day: string): string {
  return new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

describe("POST /v1/invoices/:id/remind on a paused invoice", () => {
  it("should refuse with 409 reminders_paused and queue nothing when the invoice's reminders are paused", async () => {
    const merchant = await createMerchant();
    const customer = (await createCustomer(merchant.key, { locale: "fr" })).id;
    const invoice = await createInvoice(merchant.key, customer);
    expect((await api(merchant.key, "PUT", `/v1/invoices/${invoice.id}/reminder_settings`, { paused: true })).status).toBe(200);
    const refused = await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, { force: true });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("reminders_paused");
    const queued = await env.DB.prepare("SELECT count(*) AS n FROM reminders WHERE invoice_id = ? AND status IN ('queued', 'sending', 'sent')").bind(invoice.id).first<{ n: number }>();
    expect(queued!.n).toBe(0);
  });
});
