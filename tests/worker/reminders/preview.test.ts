/**
 * POST /v1/reminders/preview: the email an invoice's reminder would be now, rendered by the send's
 * own composer — the same words as the real send, an unsaved template and signature, 422 naming the
 * field, another merchant's invoice 404, read-only allowed, a client refused, and nothing written.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { eventually, outboxOf } from "./support";

async function world() {
  const merchant = await createMerchant("Aperçu SARL");
  const customer = (await createCustomer(merchant.key, { name: "Zoé Martin", email: "zoe@example.com", locale: "en" })).id;
  const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
  return { merchant, customer, invoice };
}

const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
/** Tracked links differ between two renderings only by their signed token. */
const untracked = (text: string) => text.replace(/\/t\/[ocu]\/[\w.-]+/g, "/t/…");

describe("POST /v1/reminders/preview", () => {
  it("should render the same email as 'remind now' sends, then write nothing", async () => {
    const { merchant, invoice } = await world();
    const before = await Promise.all(["reminders", "outbox_messages", "events"].map(count));
    const preview = await api(merchant.key, "POST", "/v1/reminders/preview", { invoice: invoice.id });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ object: "reminder_preview", invoice: invoice.id, locale: "en", to: "zoe@example.com" });
    expect(preview.body.html).toContain("<");
    expect(await Promise.all(["reminders", "outbox_messages", "events"].map(count))).toEqual(before);
    // A preview's tracked pixel records nothing and answers the pixel.
    const pixel = /\/t\/o\/[\w.-]+\.gif/.exec(preview.body.html as string)![0];
    const opened = await api(null, "GET", pixel);
    expect(opened.status).toBe(200);
    expect(await Promise.all(["reminders", "outbox_messages", "events"].map(count))).toEqual(before);

    expect((await api(merchant.key, "PUT", `/v1/invoices/${invoice.id}/reminder_settings`, { steps: [] })).status).toBe(200);
    expect((await api(merchant.key, "POST", `/v1/invoices/${invoice.id}/remind`, {})).status).toBe(202);
    const [sent] = await eventually(() => outboxOf(merchant.id), (messages) => messages.length > 0);
    expect(preview.body.subject).toBe(sent!.subject);
    expect(untracked(preview.body.text as string)).toBe(untracked(sent!.text_body));
  });

  it("should render an unsaved template and signature in the chosen language", async () => {
    const { merchant, invoice } = await world();
    const preview = await api(merchant.key, "POST", "/v1/reminders/preview", {
      invoice: invoice.id, locale: "fr", signature: "Jeanne, Aperçu SARL — 01 23 45 67 89",
      template: { subject: "Votre facture {invoice_number}", body: "Bonjour {customer_name}, il reste {amount_due}. {pay_link}" },
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.locale).toBe("fr");
    expect(preview.body.subject).toBe(`Votre facture ${invoice.number}`);
    expect(preview.body.text).toContain("Bonjour Zoé Martin, il reste");
    expect(preview.body.text).toContain("Jeanne, Aperçu SARL — 01 23 45 67 89");
    // The saved settings did not change.
    expect((await api(merchant.key, "GET", "/v1/settings")).body.email_signature).toBe("");
  });

  it("should answer 4xx problem+json naming the field for bad input, a stranger's invoice, a client session, and a huge body", async () => {
    const { merchant, customer, invoice } = await world();
    const unknown = await api(merchant.key, "POST", "/v1/reminders/preview", { invoice: invoice.id, template: { subject: "x", body: "Bonjour {client}" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: "parameter_invalid", param: "template.body" });
    const extra = await api(merchant.key, "POST", "/v1/reminders/preview", { invoice: invoice.id, send: true });
    expect(extra.status).toBe(422);
    expect(extra.body.param).toBe("send");
    const other = await createMerchant("Autre SARL");
    const stranger = await api(other.key, "POST", "/v1/reminders/preview", { invoice: invoice.id });
    expect(stranger.status).toBe(404);
    expect(stranger.body.param).toBe("invoice");
    expect((await api(merchant.readOnlyKey, "POST", "/v1/reminders/preview", { invoice: invoice.id })).status).toBe(200);
    const session = await api(merchant.key, "POST", "/v1/client_sessions", { customer });
    expect((await api(session.body.token, "POST", "/v1/reminders/preview", { invoice: invoice.id })).status).toBe(403);
    const huge = await api(merchant.key, "POST", "/v1/reminders/preview", { invoice: invoice.id, signature: "x".repeat(2_000_000) });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
  });
});
