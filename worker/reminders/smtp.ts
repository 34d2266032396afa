/**
 * A small SMTP client over Cloudflare's TCP sockets (`cloudflare:sockets`), for sending reminders
 * through any relay (host, port, optional STARTTLS and AUTH PLAIN/LOGIN).
 *
 * Why our own: `worker-mailer` 1.2.1 loops forever when the server closes the socket (its read loop
 * ignores end-of-stream), which stops the whole isolate from answering anything (see
 * shared/TOOLCHAIN.md). This client is written around three rules:
 *   1. End-of-stream is an error. A read that returns `done` while a reply is expected rejects at
 *      once with a retryable EmailSendError; nothing ever loops on it.
 *   2. Nothing waits without a deadline. The whole send has a budget of `timeoutMs`; connecting,
 *      every read and every write waits at most for what is left of it. A server that never answers
 *      costs one timer, not a spinning loop: the isolate keeps serving other requests meanwhile.
 *   3. The socket is always closed (finally), whatever happened.
 * The first two are kept by the connection (smtp-connection.ts); this file holds the dialogue.
 *
 * Errors: 4xx replies, timeouts and dropped connections are retryable (the caller — the queue — tries
 * again later); 5xx replies, protocol violations and messages that cannot be written safely are not.
 * Once the server has accepted the message (250 after the final "."), the send has succeeded: a
 * failure during QUIT is ignored, since retrying would deliver the message twice.
 */
import { EmailSendError, type EmailMessage, type EmailTransport } from "./email";
import { buildMimeMessage, checkAddress, MimeError } from "./mime";
import { SmtpConnection, type Reply } from "./smtp-connection";

export interface SmtpConfig {
  host: string;
  port: number;
  /** With `password`, authenticates (AUTH PLAIN, else LOGIN) when the server advertises AUTH. */
  user?: string;
  password?: string;
  /** Upgrade with STARTTLS after the first EHLO; refuses to go on in clear text if the server does not offer it. */
  startTls: boolean;
  /** The name sent with EHLO (default: the domain of the sender's address). */
  heloName?: string;
  /** The budget of the whole conversation, connection included (default 10,000 ms; not finite or ≤ 0 means the default). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** How long QUIT may take once the message is accepted: it only closes politely. */
const QUIT_TIMEOUT_MS = 1_000;

export function createSmtpTransport(config: SmtpConfig): EmailTransport {
  return { send: (message) => sendMail(config, message) };
}

/**
 * SMTP transparency (RFC 5321 §4.5.2): a line starting with "." gets one more ".", so that a line
 * holding a single "." in the body cannot end the message early and the server, which removes one
 * leading dot, restores the original text. Expects CRLF line endings (mime.ts produces them).
 */
export function dotStuff(raw: string): string {
  return raw
    .split("\r\n")
    .map((line) => (line.startsWith(".") ? `.${line}` : line))
    .join("\r\n");
}

async function sendMail(config: SmtpConfig, message: EmailMessage): Promise<{ messageId: string }> {
  let mime: { raw: string; messageId: string };
  let heloName: string;
  try {
    // Everything that can be refused without the network is checked before connecting.
    mime = buildMimeMessage(message);
    heloName = config.heloName ?? message.from.address.slice(message.from.address.lastIndexOf("@") + 1);
    if (!/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])$/.test(heloName)) throw new MimeError(`invalid EHLO name: ${JSON.stringify(heloName)}`);
    checkAddress(message.from.address);
    checkAddress(message.to.address);
  } catch (error) {
    throw toSendError(error);
  }

  // A misconfigured budget (NaN from an unset secret, 0, negative) would time every send out at once: use the default.
  const timeoutMs = config.timeoutMs !== undefined && Number.isFinite(config.timeoutMs) && config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_TIMEOUT_MS;
  const connection = new SmtpConnection(config, timeoutMs);
  try {
    await connection.open();
    await expectReply(connection, await connection.readReply("greeting"), [220], "greeting");
    let extensions = await ehlo(connection, heloName);

    if (config.startTls) {
      if (!extensions.has("STARTTLS")) throw new EmailSendError("SMTP server does not offer STARTTLS (refusing to send in clear text)", false);
      await command(connection, "STARTTLS", [220], "STARTTLS");
      connection.upgrade();
      // RFC 3207 §4.2: everything learnt before TLS is forgotten; ask again over the encrypted channel.
      extensions = await ehlo(connection, heloName);
    }

    if (config.user !== undefined && config.password !== undefined) {
      const mechanisms = extensions.get("AUTH");
      if (mechanisms !== undefined) await authenticate(connection, mechanisms, config.user, config.password);
    }

    await command(connection, `MAIL FROM:<${message.from.address}>`, [250], "MAIL FROM");
    await command(connection, `RCPT TO:<${message.to.address}>`, [250, 251], "RCPT TO");
    await command(connection, "DATA", [354], "DATA");
    const body = dotStuff(mime.raw);
    await connection.write(`${body}${body.endsWith("\r\n") ? "" : "\r\n"}.\r\n`, "message");
    await expectReply(connection, await connection.readReply("end of data"), [250], "end of data");
    // Accepted: from here on, nothing may fail the send (a retry would deliver the message twice).
    await quit(connection);
    return { messageId: mime.messageId };
  } catch (error) {
    throw toSendError(error);
  } finally {
    await connection.close();
  }
}

/** EHLO, falling back to HELO for a server without ESMTP; the extensions it advertises, by keyword. */
async function ehlo(connection: SmtpConnection, name: string): Promise<Map<string, string>> {
  await connection.write(`EHLO ${name}\r\n`, "EHLO");
  const reply = await connection.readReply("EHLO");
  if (reply.code >= 500 && reply.code < 600) {
    // An old server without ESMTP: HELO, and no extensions.
    await command(connection, `HELO ${name}`, [250], "HELO");
    return new Map();
  }
  await expectReply(connection, reply, [250], "EHLO");
  // "250-host greets you", then one extension per line: "STARTTLS", "AUTH PLAIN LOGIN", "AUTH=LOGIN" (old form).
  const extensions = new Map<string, string>();
  for (const line of reply.lines.slice(1)) {
    const match = /^([A-Za-z0-9-]+)(?:[ =](.*))?$/.exec(line.trim());
    if (match?.[1]) extensions.set(match[1].toUpperCase(), (match[2] ?? "").trim().toUpperCase());
  }
  return extensions;
}

async function authenticate(connection: SmtpConnection, mechanisms: string, user: string, password: string): Promise<void> {
  const offered = mechanisms.split(/\s+/);
  if (offered.includes("PLAIN")) {
    await command(connection, `AUTH PLAIN ${base64Utf8(`\0${user}\0${password}`)}`, [235], "AUTH PLAIN");
  } else if (offered.includes("LOGIN")) {
    await command(connection, "AUTH LOGIN", [334], "AUTH LOGIN");
    await command(connection, base64Utf8(user), [334], "AUTH LOGIN user");
    await command(connection, base64Utf8(password), [235], "AUTH LOGIN password");
  } else {
    throw new EmailSendError(`SMTP server offers no supported AUTH mechanism (${mechanisms})`, false);
  }
}

/** Sends one command line and checks its reply. `stage` names it in errors (never the line itself: it may hold credentials). */
async function command(connection: SmtpConnection, line: string, expected: number[], stage: string): Promise<Reply> {
  await connection.write(`${line}\r\n`, stage);
  const reply = await connection.readReply(stage);
  await expectReply(connection, reply, expected, stage);
  return reply;
}

/** Throws the EmailSendError matching an unexpected reply, after a best-effort QUIT. */
async function expectReply(connection: SmtpConnection, reply: Reply, expected: number[], stage: string): Promise<void> {
  if (expected.includes(reply.code)) return;
  const text = reply.lines.join(" ").slice(0, 300);
  // 4xx: transient (RFC 5321 §4.2.1), try again later. 5xx: permanent. Anything else: a server
  // that does not follow the protocol, which retrying will not fix.
  const retryable = reply.code >= 400 && reply.code < 500;
  await quit(connection);
  throw new EmailSendError(`SMTP ${stage} failed: ${reply.code} ${text}`, retryable);
}

/** Best effort, bounded by QUIT_TIMEOUT_MS: the outcome of the send is already decided. */
async function quit(connection: SmtpConnection): Promise<void> {
  try {
    await connection.write("QUIT\r\n", "QUIT", QUIT_TIMEOUT_MS);
    await connection.readReply("QUIT", QUIT_TIMEOUT_MS);
  } catch {
    // Ignored: closing follows anyway.
  }
}

/** Maps anything thrown during a send to an EmailSendError. */
function toSendError(error: unknown): EmailSendError {
  if (error instanceof EmailSendError) return error;
  // The message itself cannot be written safely: retrying will produce the same message.
  if (error instanceof MimeError) return new EmailSendError(error.message, false);
  // Socket errors (refused, reset, "Network connection lost", TLS failures…): the network, so retryable.
  const detail = error instanceof Error ? error.message : String(error);
  return new EmailSendError(`SMTP connection failed: ${detail}`, true);
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
