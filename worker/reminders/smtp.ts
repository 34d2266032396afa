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
 *
 * Errors: 4xx replies, timeouts and dropped connections are retryable (the caller — the queue — tries
 * again later); 5xx replies, protocol violations and messages that cannot be written safely are not.
 * Once the server has accepted the message (250 after the final "."), the send has succeeded: a
 * failure during QUIT is ignored, since retrying would deliver the message twice.
 */
import { connect } from "cloudflare:sockets";
import { EmailSendError, type EmailMessage, type EmailTransport } from "./email";
import { buildMimeMessage, checkAddress, MimeError } from "./mime";

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
/** How long closing the socket may take before we stop waiting for it. */
const CLOSE_TIMEOUT_MS = 500;
/** A reply line longer than this (RFC 5321 §4.5.3.1.5 allows 512) is a broken or hostile server. */
const MAX_REPLY_LINE = 4_096;
const MAX_REPLY_LINES = 100;

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
  const session = new SmtpSession(config, timeoutMs);
  try {
    await session.open();
    await session.expect(await session.readReply("greeting"), [220], "greeting");
    let extensions = await session.ehlo(heloName);

    if (config.startTls) {
      if (!extensions.has("STARTTLS")) throw new EmailSendError("SMTP server does not offer STARTTLS (refusing to send in clear text)", false);
      await session.command("STARTTLS", [220], "STARTTLS");
      session.upgrade();
      // RFC 3207 §4.2: everything learnt before TLS is forgotten; ask again over the encrypted channel.
      extensions = await session.ehlo(heloName);
    }

    if (config.user !== undefined && config.password !== undefined) {
      const mechanisms = extensions.get("AUTH");
      if (mechanisms !== undefined) await session.authenticate(mechanisms, config.user, config.password);
    }

    await session.command(`MAIL FROM:<${message.from.address}>`, [250], "MAIL FROM");
    await session.command(`RCPT TO:<${message.to.address}>`, [250, 251], "RCPT TO");
    await session.command("DATA", [354], "DATA");
    const body = dotStuff(mime.raw);
    await session.write(`${body}${body.endsWith("\r\n") ? "" : "\r\n"}.\r\n`, "message");
    await session.expect(await session.readReply("end of data"), [250], "end of data");
    // Accepted: from here on, nothing may fail the send (a retry would deliver the message twice).
    await session.quit();
    return { messageId: mime.messageId };
  } catch (error) {
    throw toSendError(error);
  } finally {
    await session.close();
  }
}

interface Reply {
  code: number;
  /** The text of each line, without the code and separator. */
  lines: string[];
}

class SmtpSession {
  private socket: Socket | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  /** Bytes read but not yet consumed as lines. */
  private buffer = "";
  private decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private readonly deadline: number;

  constructor(
    private readonly config: SmtpConfig,
    private readonly timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  async open(): Promise<void> {
    this.socket = connect({ hostname: this.config.host, port: this.config.port }, { secureTransport: this.config.startTls ? "starttls" : "off", allowHalfOpen: false });
    // A refused connection rejects `opened`: that is a retryable network failure.
    await this.withDeadline(this.socket.opened, "connection");
    this.attach(this.socket);
  }

  /** Switches to TLS after a 220 to STARTTLS. The certificate is checked against `config.host` (the name given to connect()). */
  upgrade(): void {
    // Anything the server sent after its 220 arrived in clear text and could have been injected by a
    // man in the middle (the STARTTLS command injection class of bugs): refuse rather than act on it.
    if (this.buffer.length > 0) throw new EmailSendError("SMTP server sent data after accepting STARTTLS", false);
    if (this.socket === null) throw new Error("not connected");
    this.reader?.releaseLock();
    this.writer?.releaseLock();
    // No `expectedServerHostname`: workerd ignores it (and logs so); it verifies against the connect() hostname.
    this.socket = this.socket.startTls();
    this.decoder = new TextDecoder();
    this.attach(this.socket);
  }

  async ehlo(name: string): Promise<Map<string, string>> {
    await this.write(`EHLO ${name}\r\n`, "EHLO");
    const reply = await this.readReply("EHLO");
    if (reply.code >= 500 && reply.code < 600) {
      // An old server without ESMTP: HELO, and no extensions.
      await this.command(`HELO ${name}`, [250], "HELO");
      return new Map();
    }
    await this.expect(reply, [250], "EHLO");
    // "250-host greets you", then one extension per line: "STARTTLS", "AUTH PLAIN LOGIN", "AUTH=LOGIN" (old form).
    const extensions = new Map<string, string>();
    for (const line of reply.lines.slice(1)) {
      const match = /^([A-Za-z0-9-]+)(?:[ =](.*))?$/.exec(line.trim());
      if (match?.[1]) extensions.set(match[1].toUpperCase(), (match[2] ?? "").trim().toUpperCase());
    }
    return extensions;
  }

  async authenticate(mechanisms: string, user: string, password: string): Promise<void> {
    const offered = mechanisms.split(/\s+/);
    if (offered.includes("PLAIN")) {
      await this.command(`AUTH PLAIN ${base64Utf8(`\0${user}\0${password}`)}`, [235], "AUTH PLAIN");
    } else if (offered.includes("LOGIN")) {
      await this.command("AUTH LOGIN", [334], "AUTH LOGIN");
      await this.command(base64Utf8(user), [334], "AUTH LOGIN user");
      await this.command(base64Utf8(password), [235], "AUTH LOGIN password");
    } else {
      throw new EmailSendError(`SMTP server offers no supported AUTH mechanism (${mechanisms})`, false);
    }
  }

  /** Sends one command line and checks its reply. `stage` names it in errors (never the line itself: it may hold credentials). */
  async command(line: string, expected: number[], stage: string): Promise<Reply> {
    await this.write(`${line}\r\n`, stage);
    const reply = await this.readReply(stage);
    await this.expect(reply, expected, stage);
    return reply;
  }

  /** Throws the EmailSendError matching an unexpected reply, after a best-effort QUIT. */
  async expect(reply: Reply, expected: number[], stage: string): Promise<void> {
    if (expected.includes(reply.code)) return;
    const text = reply.lines.join(" ").slice(0, 300);
    // 4xx: transient (RFC 5321 §4.2.1), try again later. 5xx: permanent. Anything else: a server
    // that does not follow the protocol, which retrying will not fix.
    const retryable = reply.code >= 400 && reply.code < 500;
    await this.quit();
    throw new EmailSendError(`SMTP ${stage} failed: ${reply.code} ${text}`, retryable);
  }

  async write(text: string, stage: string): Promise<void> {
    const writer = this.writer;
    if (writer === null) throw new Error("not connected");
    await this.withDeadline(writer.write(this.encoder.encode(text)), stage);
  }

  /** One reply, which may span several lines ("250-first", "250-second", "250 last"). */
  async readReply(stage: string): Promise<Reply> {
    const lines: string[] = [];
    let code: number | null = null;
    for (;;) {
      const line = await this.readLine(stage);
      const match = /^([2-5]\d\d)([ -]|$)(.*)$/.exec(line);
      if (!match) throw new EmailSendError(`SMTP ${stage}: malformed reply ${JSON.stringify(line.slice(0, 100))}`, false);
      const lineCode = Number(match[1]);
      if (code !== null && lineCode !== code) throw new EmailSendError(`SMTP ${stage}: inconsistent multi-line reply`, false);
      code = lineCode;
      lines.push(match[3] ?? "");
      if (match[2] !== "-") return { code, lines };
      if (lines.length >= MAX_REPLY_LINES) throw new EmailSendError(`SMTP ${stage}: reply too long`, false);
    }
  }

  /** A line without its CRLF (a bare LF is tolerated). */
  private async readLine(stage: string): Promise<string> {
    const reader = this.reader;
    if (reader === null) throw new Error("not connected");
    for (;;) {
      const end = this.buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, "");
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      if (this.buffer.length > MAX_REPLY_LINE) throw new EmailSendError(`SMTP ${stage}: reply line too long`, false);
      const { done, value } = await this.withDeadline(reader.read(), stage);
      // The bug this client exists for: end-of-stream means the server hung up. Fail now, never read again.
      if (done) throw new EmailSendError(`SMTP server closed the connection during ${stage}`, true);
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Best effort, bounded by QUIT_TIMEOUT_MS: the outcome of the send is already decided. */
  async quit(): Promise<void> {
    try {
      await this.withDeadline(this.writer?.write(this.encoder.encode("QUIT\r\n")) ?? Promise.resolve(), "QUIT", QUIT_TIMEOUT_MS);
      await this.withDeadline(this.readReply("QUIT"), "QUIT", QUIT_TIMEOUT_MS);
    } catch {
      // Ignored: closing follows anyway.
    }
  }

  /** Always called (finally). Never waits long: a server that does not acknowledge the close is not our problem. */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.reader = null;
    this.writer = null;
    if (socket === null) return;
    try {
      await this.withDeadline(socket.close(), "close", CLOSE_TIMEOUT_MS, true);
    } catch {
      // Already closed or reset: nothing left to release.
    }
  }

  /**
   * Waits for `promise` at most until the send's deadline (or `capMs` if shorter), else rejects with
   * a retryable timeout. The timer is cleared either way, and a late rejection of `promise` (a read
   * cut short by close()) is swallowed instead of surfacing as an unhandled rejection.
   */
  private withDeadline<T>(promise: Promise<T>, stage: string, capMs?: number, ignoreBudget = false): Promise<T> {
    promise.catch(() => undefined);
    const left = ignoreBudget ? (capMs ?? 0) : Math.min(this.deadline - Date.now(), capMs ?? Number.POSITIVE_INFINITY);
    if (left <= 0) return Promise.reject(this.timeoutError(stage));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timeoutError(stage)), left);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private timeoutError(stage: string): EmailSendError {
    return new EmailSendError(`SMTP timeout (${this.timeoutMs} ms) during ${stage} with ${this.config.host}:${this.config.port}`, true);
  }

  private attach(socket: Socket): void {
    this.reader = socket.readable.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    this.writer = socket.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
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
