/**
 * The whole pipeline against a real SMTP server: the cron plans, the consumer renders a reminder
 * and sends it through our SMTP client (SMTP_* configured as a deployment would), and the server
 * started by the tests receives it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { addDays, utcDay } from "../../../shared/status";
import { sendReminder } from "../../../worker/reminders/send";
import type { ReceivedMail } from "../../support/smtp-servers";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { ofMerchant, runCronAt } from "./support";

const ports = inject("smtpServers");

async function received(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`http://127.0.0.1:${ports.control}/messages?to=${encodeURIComponent(address)}`);
  return (await response.json()) as ReceivedMail[];
}

describe("a reminder sent over SMTP", () => {
  it("should reach a real SMTP server with its subject, both parts, the signature and the tracked pay link", async () => {
    const merchant = await createMerchant();
    await api(merchant.key, "PUT", "/v1/settings", {
      email_signature: "Camille Martin\nAtelier Bérénice — 04 72 00 00 00",
      seller: { legal_name: "Atelier Bérénice SARL" },
      reminders: { ...(await api(merchant.key, "GET", "/v1/settings")).body.reminders, sender_name: "Atelier Bérénice", reply_to: "compta@atelier.example" },
    });
    const address = `client-${crypto.randomUUID()}@example.test`;
    const customer = (await createCustomer(merchant.key, { email: address, locale: "fr", name: "Zoé Müller" })).id;
    const invoice = await createInvoice(merchant.key, customer, { due_date: addDays(utcDay(new Date()), -7) });

    const now = new Date();
    const { messages } = await runCronAt(now);
    const mine = await ofMerchant(merchant.id, messages);
    expect(mine).toHaveLength(1);
    const smtpEnv = { ...env, SMTP_HOST: "127.0.0.1", SMTP_PORT: String(ports.smtp), SMTP_STARTTLS: "false", SMTP_FROM: "relances@atelier.example", SMTP_TIMEOUT_MS: "5000" } as Env;
    const ctx = createExecutionContext();
    expect(await sendReminder(smtpEnv, ctx, mine[0]!, now)).toBe("sent");
    await waitOnExecutionContext(ctx);

    const [mail] = await received(address);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe(`Retard de paiement : facture ${invoice.number}`);
    expect(mail!.envelope.from).toBe("relances@atelier.example");
    expect(mail!.replyTo).toContain("compta@atelier.example");
    expect(mail!.text).toContain("Bonjour Zoé Müller");
    expect(mail!.text).toContain("7 jours de retard");
    expect(mail!.text).toContain("Atelier Bérénice — 04 72 00 00 00");
    expect(mail!.html).toContain("Camille Martin");
    const payLink = /https?:\/\/\S+\/t\/c\/rem_[0-9a-f]+\.[0-9a-f]{32}/.exec(mail!.text ?? "")?.[0];
    expect(payLink).toBeDefined();
    expect(mail!.html).toContain(`href="${payLink}"`);
    expect(mail!.headers["list-unsubscribe"]).toMatch(/\/t\/u\/rem_/);
    const timeline = (await api(merchant.key, "GET", `/v1/invoices/${invoice.id}/reminders`)).body.data as { status: string; sent_at: string | null }[];
    expect(timeline.filter((row) => row.status === "sent")).toHaveLength(1);
  });
});
