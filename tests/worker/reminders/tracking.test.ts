/**
 * Tracking: the open pixel, the click-tracked pay link, the invoice viewed (hosted page or client
 * API), one-click unsubscribe — each recorded once, and forged or altered links recording nothing.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../shared/status";
import { recordInvoiceViewed } from "../../../worker/reminders/activity";
import { api, createCustomer, createInvoice, createMerchant } from "../helpers";
import { deliverAt, eventsOf, eventually, ofMerchant, outboxOf, remindersOf, runCronAt, simulatedNow, today, type ReminderRow } from "./support";

interface Sent {
  invoiceId: string;
  reminderId: string;
  hostedToken: string;
  /** Paths (no origin) of the tracked links found in the email. */
  open: string;
  click: string;
  unsubscribe: string;
}

const path = (url: string) => new URL(url).pathname;

/** A GET that does not follow redirects (the helpers' `api` follows them, as fetch does). */
async function follow(link: string): Promise<Response> {
  const response: Response = await (exports as any).default.fetch(new Request(`http://127.0.0.1:8787${link}`, { redirect: "manual" }));
  await response.arrayBuffer();
  return response;
}

/** A merchant with two invoices due on day 3, whose step-0 reminders went out (simulated day 3). */
async function world() {
  const merchant = await createMerchant("Suivi SARL");
  const customer = (await createCustomer(merchant.key, { locale: "fr" })).id;
  const start = today();
  const invoices = [await createInvoice(merchant.key, customer, { due_date: addDays(start, 3) }), await createInvoice(merchant.key, customer, { due_date: addDays(start, 3) })];
  const now = simulatedNow(start, 3);
  const { messages } = await runCronAt(now);
  for (const message of await ofMerchant(merchant.id, messages)) expect(await deliverAt(message, now)).toBe("sent");
  const outbox = await outboxOf(merchant.id);
  expect(outbox).toHaveLength(2);
  const sent: Sent[] = [];
  for (const invoice of invoices) {
    const reminder = (await remindersOf(invoice.id)).find((row) => row.status === "sent")!;
    const email = outbox.find((message) => message.reminder_id === reminder.id)!;
    const hosted = await env.DB.prepare("SELECT hosted_token FROM invoices WHERE id = ?").bind(invoice.id).first<{ hosted_token: string }>();
    sent.push({
      invoiceId: invoice.id,
      reminderId: reminder.id,
      hostedToken: hosted!.hosted_token,
      open: path(/<img src="([^"]+\/t\/o\/[^"]+\.gif)"/.exec(email.html_body)![1]!),
      click: path(/(http\S+\/t\/c\/[0-9a-z_.]+)/.exec(email.text_body)![1]!),
      unsubscribe: path(/<(http[^>]+\/t\/u\/[^>]+)>/.exec((JSON.parse(email.headers) as Record<string, string>)["List-Unsubscribe"]!)![1]!),
    });
  }
  return { merchant, customer, sent: sent as [Sent, Sent] };
}

async function reminder(id: string): Promise<ReminderRow> {
  return (await env.DB.prepare("SELECT * FROM reminders WHERE id = ?").bind(id).first<ReminderRow>())!;
}

async function pausedOf(invoiceId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT paused FROM invoice_reminder_settings WHERE invoice_id = ?").bind(invoiceId).first<{ paused: number }>();
  return row?.paused ?? null;
}

/** One hex character of the signature flipped. */
function altered(trackingPath: string): string {
  return trackingPath.replace(/\.([0-9a-f])/, (_whole, char: string) => `.${char === "0" ? "1" : "0"}`);
}

/** `rem_X.<sig>` from a path `/t/x/rem_X.<sig>[.gif]`. */
const tokenOf = (trackingPath: string) => trackingPath.split("/")[3]!.replace(/\.gif$/, "");

describe("reminder tracking", () => {
  it("should record the open once when the pixel is fetched twice", async () => {
    const { sent: [x] } = await world();
    const first = await follow(x.open);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/gif");
    const opened = (await reminder(x.reminderId)).opened_at;
    expect(opened).not.toBeNull();
    expect(await eventsOf(x.invoiceId, "reminder.opened")).toHaveLength(1);

    expect((await follow(x.open)).status).toBe(200);
    expect((await reminder(x.reminderId)).opened_at).toBe(opened);
    const events = await eventsOf(x.invoiceId, "reminder.opened");
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ reminder: x.reminderId });
  });

  it("should record the click once and redirect to the invoice's own pay page when each link is followed twice", async () => {
    const { sent: [x, y] } = await world();
    for (const target of [x, y]) {
      const first = await follow(target.click);
      expect(first.status).toBe(302);
      expect(first.headers.get("location")).toBe(`/pay/${target.hostedToken}`);
    }
    const clicked = (await reminder(x.reminderId)).clicked_at;
    expect(clicked).not.toBeNull();
    const again = await follow(x.click);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/pay/${x.hostedToken}`);
    expect((await reminder(x.reminderId)).clicked_at).toBe(clicked);
    expect(await eventsOf(x.invoiceId, "reminder.clicked")).toHaveLength(1);
    expect(await eventsOf(y.invoiceId, "reminder.clicked")).toHaveLength(1);
    // The pay page the link leads to exists.
    expect((await api(null, "GET", `/pay/${x.hostedToken}`)).status).toBe(200);
  });

  it("should record the view once when the invoice is shown by the hosted page and the client API", async () => {
    const { merchant, customer, sent: [x, y] } = await world();
    // x: first seen on the hosted page.
    expect((await api(null, "GET", `/pay/${x.hostedToken}`)).status).toBe(200);
    const viewed = await eventually(() => reminder(x.reminderId), (row) => row.viewed_at !== null);
    expect(viewed.viewed_at).not.toBeNull();
    expect(await eventually(() => eventsOf(x.invoiceId, "invoice.viewed"), (events) => events.length > 0)).toHaveLength(1);

    // y: first seen through the client API (the widget).
    const session = await api(merchant.key, "POST", "/v1/client_sessions", { customer });
    expect(session.status).toBe(201);
    expect((await api(session.body.token, "GET", `/v1/client/invoices/${y.invoiceId}`)).status).toBe(200);
    expect((await eventually(() => reminder(y.reminderId), (row) => row.viewed_at !== null)).viewed_at).not.toBeNull();

    // Seen again both ways: nothing more.
    expect((await api(null, "GET", `/pay/${x.hostedToken}`)).status).toBe(200);
    expect((await api(session.body.token, "GET", `/v1/client/invoices/${x.invoiceId}`)).status).toBe(200);
    expect((await api(session.body.token, "GET", `/v1/client/invoices/${y.invoiceId}`)).status).toBe(200);
    expect(await recordInvoiceViewed(env.DB, x.invoiceId)).toBeNull();
    expect(await recordInvoiceViewed(env.DB, y.invoiceId)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await reminder(x.reminderId)).viewed_at).toBe(viewed.viewed_at);
    expect(await eventsOf(x.invoiceId, "invoice.viewed")).toHaveLength(1);
    expect(await eventsOf(y.invoiceId, "invoice.viewed")).toHaveLength(1);
  });

  it("should record one view when an invoice without any reminder sent is shown twice", async () => {
    const merchant = await createMerchant("Vue SARL");
    const customer = (await createCustomer(merchant.key, { locale: "en" })).id;
    const invoice = await createInvoice(merchant.key, customer, { net_days: 30 });
    expect(await recordInvoiceViewed(env.DB, invoice.id)).toEqual({ merchantId: merchant.id });
    expect(await recordInvoiceViewed(env.DB, invoice.id)).toBeNull();
    expect(await eventsOf(invoice.id, "invoice.viewed")).toHaveLength(1);
  });

  it("should record nothing when a tracking token is forged or altered", async () => {
    const { sent: [x, y] } = await world();
    const xToken = tokenOf(x.click);
    const ySignature = tokenOf(y.click).split(".")[1]!;
    const forged = {
      // One hex character of the signature flipped.
      flippedOpen: altered(x.open),
      flippedClick: altered(x.click),
      flippedUnsubscribe: altered(x.unsubscribe),
      // The right token for another purpose.
      openAsClick: `/t/c/${tokenOf(x.open)}`,
      clickAsUnsubscribe: `/t/u/${xToken}`,
      unsubscribeAsOpen: `/t/o/${tokenOf(x.unsubscribe)}.gif`,
      // Another reminder's id with this signature.
      otherIdClick: `/t/c/${x.reminderId}.${ySignature}`,
      otherIdUnsubscribe: `/t/u/${x.reminderId}.${tokenOf(y.unsubscribe).split(".")[1]}`,
      otherIdOpen: `/t/o/${x.reminderId}.${tokenOf(y.open).split(".")[1]}.gif`,
    };
    expect(forged.flippedClick).not.toBe(x.click);

    expect((await follow(forged.flippedOpen)).status).toBe(200);
    expect((await follow(forged.unsubscribeAsOpen)).status).toBe(200);
    expect((await follow(forged.otherIdOpen)).status).toBe(200);
    for (const link of [forged.flippedClick, forged.openAsClick, forged.otherIdClick, "/t/c/not-a-token", `/t/c/${x.reminderId}`]) {
      const response = await follow(link);
      expect(response.status, link).toBe(404);
      expect(response.headers.get("location"), link).toBeNull();
    }
    for (const link of [forged.flippedUnsubscribe, forged.clickAsUnsubscribe, forged.otherIdUnsubscribe]) {
      expect((await api(null, "GET", link)).status, link).toBe(404);
      expect((await api(null, "POST", link)).status, link).toBe(404);
    }

    for (const target of [x, y]) {
      const row = await reminder(target.reminderId);
      expect(row).toMatchObject({ opened_at: null, clicked_at: null });
      expect(await pausedOf(target.invoiceId)).toBeNull();
      for (const type of ["reminder.opened", "reminder.clicked"]) expect(await eventsOf(target.invoiceId, type)).toHaveLength(0);
    }
  });

  it("should pause the invoice's reminders when the unsubscribe link is used", async () => {
    const { merchant, sent: [x, y] } = await world();
    // A GET (a person, or a link scanner) only asks; the form's POST stops the reminders.
    const page = await api(null, "GET", x.unsubscribe);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.text).toContain(`action="${x.unsubscribe}"`);
    expect(await pausedOf(x.invoiceId)).toBeFalsy(); // no settings row, or not paused
    const confirmed = await api(null, "POST", x.unsubscribe, "", { accept: "text/html", "content-type": "application/x-www-form-urlencoded" });
    expect(confirmed.status).toBe(200);
    expect(await pausedOf(x.invoiceId)).toBe(1);
    // One-click (RFC 8058) POST works too, and again changes nothing more.
    expect((await api(null, "POST", y.unsubscribe, "List-Unsubscribe=One-Click", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(204);
    expect((await api(null, "POST", y.unsubscribe, "List-Unsubscribe=One-Click", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(204);
    expect(await pausedOf(y.invoiceId)).toBe(1);

    // The next step (+7, day 10) is not sent.
    const start = today();
    const day10 = simulatedNow(start, 10);
    const { messages } = await runCronAt(day10);
    for (const message of await ofMerchant(merchant.id, messages)) await deliverAt(message, day10);
    for (const target of [x, y]) {
      const seven = (await remindersOf(target.invoiceId)).find((row) => row.step === 7)!;
      expect(seven).toMatchObject({ status: "skipped", skip_reason: "paused" });
    }
    expect(await outboxOf(merchant.id)).toHaveLength(2);
  });
});
