/**
 * The SMTP client (worker/reminders/smtp.ts) inside workerd, over cloudflare:sockets, against real
 * servers started in globalSetup (tests/support/smtp-servers.ts): a well-behaved smtp-server that
 * records and parses what arrives (read back over its HTTP side channel), greylisting and refusing
 * recipients, AUTH PLAIN and LOGIN, a STARTTLS server with an untrusted certificate, a server that
 * hangs up in the middle of DATA and one that never says a word.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { EmailSendError, type EmailMessage } from "../../../worker/reminders/email";
import { createSmtpTransport, type SmtpConfig } from "../../../worker/reminders/smtp";
// Types only: the servers themselves run in Node (globalSetup), never inside workerd.
import type { ConnectionStats, ReceivedMail } from "../../support/smtp-servers";

const ports = inject("smtpServers");
const control = `http://127.0.0.1:${ports.control}`;
const { user: SMTP_TEST_USER, password: SMTP_TEST_PASSWORD } = ports.auth;

function config(port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: "127.0.0.1", port, startTls: false, timeoutMs: 5_000, ...overrides };
}

function recipient(domain = "example.test"): string {
  return `client-${crypto.randomUUID()}@${domain}`;
}

const PAY_LINK = "https://quittance.example/pay/inv_123?t=abc&lang=fr";
const SIGNATURE = "Atelier Bérénice — 12 rue des Lilas, 75011 Paris";

function reminder(to: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: { name: "Atelier Bérénice", address: "factures@atelier.example" },
    to: { name: "Zoé Müller", address: to },
    replyTo: { name: "Compta", address: "compta@atelier.example" },
    subject: "Rappel : facture F-2026-001 échue — 1 234,56 €",
    text: `Bonjour Zoé,\n\nLa facture F-2026-001 (1 234,56 €) est échue depuis 7 jours.\nPayer en ligne : ${PAY_LINK}\n\nCordialement,\n-- \n${SIGNATURE}\n`,
    html: `<p>Bonjour Zoé,</p><p>La facture F-2026-001 (1&nbsp;234,56&nbsp;€) est échue depuis 7 jours.</p><p><a href="${PAY_LINK.replace(/&/g, "&amp;")}">Payer en ligne</a></p><p>Cordialement,<br>${SIGNATURE}</p>`,
    headers: {
      "List-Unsubscribe": "<https://quittance.example/u/tok_1>, <mailto:unsubscribe@atelier.example?subject=unsubscribe>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    ...overrides,
  };
}

async function messagesFor(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${control}/messages?to=${encodeURIComponent(address)}`);
  return (await response.json()) as ReceivedMail[];
}

async function stats(): Promise<{ drop: ConnectionStats; silent: ConnectionStats }> {
  return (await (await fetch(`${control}/stats`)).json()) as { drop: ConnectionStats; silent: ConnectionStats };
}

/** Polls until `check` holds (the server side of a close is seen a moment after the client's). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 3_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `promise` expecting an EmailSendError; returns it with the time it took. */
async function failure(promise: Promise<unknown>): Promise<{ error: EmailSendError; elapsedMs: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EmailSendError);
    return { error: error as EmailSendError, elapsedMs: Date.now() - started };
  }
  throw new Error("the send was expected to fail");
}

describe("SMTP transport", () => {
  it("should deliver subject, both parts, signature, pay link and List-Unsubscribe when the server accepts the message", async () => {
    const to = recipient();
    const message = reminder(to);
    const { messageId } = await createSmtpTransport(config(ports.smtp)).send(message);

    const [mail, ...others] = await messagesFor(to);
    expect(others).toHaveLength(0);
    expect(mail).toBeDefined();
    if (!mail) return;
    expect(mail.envelope).toEqual({ from: "factures@atelier.example", to: [to] });
    expect(mail.subject).toBe(message.subject);
    expect(mail.from).toBe('"Atelier Bérénice" <factures@atelier.example>');
    expect(mail.to).toBe(`"Zoé Müller" <${to}>`);
    expect(mail.replyTo).toBe('"Compta" <compta@atelier.example>');
    expect(mail.headers["reply-to"]).toBe("Compta <compta@atelier.example>");
    expect(mail.messageId).toBe(messageId);
    expect(messageId).toMatch(/^<[0-9a-f]{32}@atelier\.example>$/);
    expect(mail.headers["content-type"]).toMatch(/^multipart\/alternative; boundary=/);
    // Both parts, decoded by mailparser.
    expect(mail.text?.replace(/\r\n/g, "\n")).toBe(message.text);
    expect(mail.text).toContain(SIGNATURE);
    expect(mail.text).toContain(PAY_LINK);
    expect(mail.html).toContain(`<a href="${PAY_LINK.replace(/&/g, "&amp;")}">Payer en ligne</a>`);
    expect(mail.html).toContain(SIGNATURE);
    expect(mail.headers["list-unsubscribe"]).toBe(message.headers?.["List-Unsubscribe"]);
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    // On the wire: 7-bit, CRLF, no line over 998 characters.
    expect(mail.raw).toMatch(/^[\x00-\x7f]*$/);
    for (const line of mail.raw.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
  });

  it("should keep body lines that start with a dot intact when sending (dot-stuffing)", async () => {
    const to = recipient();
    const text = "First line\n.hidden line\n..two dots\n.\nafter a lone dot\n";
    const html = "<p>x</p>\n.<p>dot first</p>\n.\n<p>end</p>";
    await createSmtpTransport(config(ports.smtp)).send(reminder(to, { text, html }));

    const [mail] = await messagesFor(to);
    // Without stuffing, the lone "." would end the message early and the server would strip one dot from the others.
    expect(mail?.text?.replace(/\r\n/g, "\n")).toBe(text);
    expect(mail?.html?.replace(/\r\n/g, "\n")).toBe(html);
    expect(mail?.raw).toContain("\r\n.hidden line\r\n..two dots\r\n.\r\nafter a lone dot\r\n");
  });

  it("should surface a retryable error and succeed on a second send when the server answers 451 the first time", async () => {
    const to = recipient("flaky.test");
    const transport = createSmtpTransport(config(ports.smtp));
    const { error } = await failure(transport.send(reminder(to)));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("451");
    expect(await messagesFor(to)).toHaveLength(0);

    // The retry is the caller's (the queue's): a second send goes through.
    const { messageId } = await transport.send(reminder(to));
    const received = await messagesFor(to);
    expect(received).toHaveLength(1);
    expect(received[0]?.messageId).toBe(messageId);
  });

  it("should fall back to the default timeout when timeoutMs is not a usable number", async () => {
    // transport.ts builds timeoutMs with Number(env.SMTP_TIMEOUT_MS…): a bad secret gives NaN, which must not time every send out at once.
    for (const timeoutMs of [Number.NaN, 0]) {
      const to = recipient();
      await createSmtpTransport(config(ports.smtp, { timeoutMs })).send(reminder(to));
      expect(await messagesFor(to), String(timeoutMs)).toHaveLength(1);
    }
  });

  it("should reject with a non-retryable error when the server refuses the recipient with 550", async () => {
    const to = recipient("reject.test");
    const { error } = await failure(createSmtpTransport(config(ports.smtp)).send(reminder(to)));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("550");
    expect(error.message).toContain("RCPT TO");
  });

  it("should authenticate with AUTH PLAIN when credentials are configured and the server offers PLAIN", async () => {
    const to = recipient();
    await createSmtpTransport(config(ports.authPlain, { user: SMTP_TEST_USER, password: SMTP_TEST_PASSWORD })).send(reminder(to));
    const [mail] = await messagesFor(to);
    expect(mail?.server).toBe("authPlain");
    expect(mail?.user).toBe(SMTP_TEST_USER);
  });

  it("should authenticate with AUTH LOGIN when the server offers only LOGIN", async () => {
    const to = recipient();
    await createSmtpTransport(config(ports.authLogin, { user: SMTP_TEST_USER, password: SMTP_TEST_PASSWORD })).send(reminder(to));
    const [mail] = await messagesFor(to);
    expect(mail?.server).toBe("authLogin");
    expect(mail?.user).toBe(SMTP_TEST_USER);
  });

  it("should fail without retry and deliver nothing when the password is wrong", async () => {
    const to = recipient();
    const { error } = await failure(createSmtpTransport(config(ports.authPlain, { user: SMTP_TEST_USER, password: "wrong" })).send(reminder(to)));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("535");
    expect(error.message).not.toContain("wrong");
    expect(await messagesFor(to)).toHaveLength(0);
  });

  it("should refuse to send in clear text when STARTTLS is required and the server does not offer it", async () => {
    const to = recipient();
    const { error } = await failure(createSmtpTransport(config(ports.smtp, { startTls: true })).send(reminder(to)));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("STARTTLS");
    expect(await messagesFor(to)).toHaveLength(0);
  });

  it("should fail and never fall back to clear text when the STARTTLS certificate is not trusted", async () => {
    const to = recipient();
    const { error, elapsedMs } = await failure(createSmtpTransport(config(ports.startTls, { startTls: true, timeoutMs: 3_000 })).send(reminder(to)));
    expect(elapsedMs).toBeLessThan(4_000);
    expect(error.message).toMatch(/SMTP/);
    expect(await messagesFor(to)).toHaveLength(0);
  });

  it("should fail with a retryable error when nothing listens on the port", async () => {
    const { error, elapsedMs } = await failure(createSmtpTransport(config(1, { timeoutMs: 3_000 })).send(reminder(recipient())));
    expect(error.retryable).toBe(true);
    expect(elapsedMs).toBeLessThan(4_000);
  });

  it("should refuse without connecting when an address would inject an SMTP command", async () => {
    const before = await stats();
    const { error } = await failure(
      createSmtpTransport(config(ports.silent, { timeoutMs: 1_500 })).send(reminder("a@example.test>\r\nRCPT TO:<victim@example.test")),
    );
    expect(error.retryable).toBe(false);
    expect((await stats()).silent.connections).toBe(before.silent.connections);
  });

  it("should fail promptly with a retryable error and close the socket when the server hangs up in the middle of DATA", async () => {
    const before = await stats();
    const timeoutMs = 5_000;
    const { error, elapsedMs } = await failure(createSmtpTransport(config(ports.drop, { timeoutMs })).send(reminder(recipient())));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/closed the connection|connection/i);
    // End-of-stream is noticed at once, not after the timeout (and never spun on).
    expect(elapsedMs).toBeLessThan(timeoutMs);
    const after = await eventually(stats, (value) => value.drop.open === 0);
    expect(after.drop.connections).toBe(before.drop.connections + 1);
    expect(after.drop.open).toBe(0);
    // The isolate is not stuck: the Worker answers at once.
    const response: Response = await (exports as unknown as { default: { fetch: (request: Request) => Promise<Response> } }).default.fetch(new Request("http://127.0.0.1:8787/health"));
    expect(response.status).toBe(200);
  });

  it("should fail within its timeout and keep the Worker answering when the server never says a word", async () => {
    const before = await stats();
    const timeoutMs = 1_500;
    const started = Date.now();
    const sending = failure(createSmtpTransport(config(ports.silent, { timeoutMs })).send(reminder(recipient())));

    // While the send hangs, other requests are served at once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const workerExports = exports as unknown as { default: { fetch: (request: Request) => Promise<Response> } };
    for (let index = 0; index < 3; index++) {
      const requestStarted = Date.now();
      const response = await workerExports.default.fetch(new Request("http://127.0.0.1:8787/health"));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(Date.now() - requestStarted).toBeLessThan(500);
    }
    expect(Date.now() - started).toBeLessThan(timeoutMs);
    expect((await stats()).silent.open).toBe(before.silent.open + 1);

    const { error, elapsedMs } = await sending;
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("timeout");
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsedMs).toBeLessThan(timeoutMs + 1_000);
    // The client closed its socket: the server sees the connection go.
    const after = await eventually(stats, (value) => value.silent.open === before.silent.open);
    expect(after.silent.open).toBe(before.silent.open);
    expect(after.silent.connections).toBe(before.silent.connections + 1);
  });
});
