/**
 * The socket under the SMTP client (smtp.ts): one TCP connection (`cloudflare:sockets`), optionally
 * upgraded with STARTTLS, that writes command text and reads SMTP replies line by line. It knows
 * nothing of the dialogue; it enforces the two rules the client exists for (see smtp.ts):
 *   1. End-of-stream is an error: a read that returns `done` while a reply is expected rejects at
 *      once with a retryable EmailSendError, and nothing reads again.
 *   2. Nothing waits without a deadline: connecting, every read and every write wait at most for
 *      what is left of the send's budget, and closing waits at most CLOSE_TIMEOUT_MS.
 */
import { connect } from "cloudflare:sockets";
import { EmailSendError } from "./email";

/** How long closing the socket may take before we stop waiting for it. */
const CLOSE_TIMEOUT_MS = 500;
/** A reply line longer than this (RFC 5321 §4.5.3.1.5 allows 512) is a broken or hostile server. */
const MAX_REPLY_LINE = 4_096;
const MAX_REPLY_LINES = 100;

/** Where to connect; `startTls` opens the socket ready to be upgraded later. */
export interface SmtpEndpoint {
  host: string;
  port: number;
  startTls: boolean;
}

export interface Reply {
  code: number;
  /** The text of each line, without the code and separator. */
  lines: string[];
}

/**
 * One SMTP connection with a budget of `timeoutMs` from its construction. Errors it raises itself
 * are EmailSendErrors; the socket's own (refused, reset, TLS) pass through for the caller to classify.
 */
export class SmtpConnection {
  private socket: Socket | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  /** Bytes read but not yet consumed as lines. */
  private buffer = "";
  private decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private readonly deadline: number;

  constructor(
    private readonly endpoint: SmtpEndpoint,
    private readonly timeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  async open(): Promise<void> {
    this.socket = connect({ hostname: this.endpoint.host, port: this.endpoint.port }, { secureTransport: this.endpoint.startTls ? "starttls" : "off", allowHalfOpen: false });
    // A refused connection rejects `opened`: that is a retryable network failure.
    await this.withDeadline(this.socket.opened, "connection");
    this.attach(this.socket);
  }

  /** Switches to TLS after a 220 to STARTTLS. The certificate is checked against `endpoint.host` (the name given to connect()). */
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

  /** Writes `text` as is; `stage` names it in errors. `capMs` bounds the wait below what is left of the budget. */
  async write(text: string, stage: string, capMs?: number): Promise<void> {
    const writer = this.writer;
    if (writer === null) throw new Error("not connected");
    await this.withDeadline(writer.write(this.encoder.encode(text)), stage, capMs);
  }

  /**
   * One reply, which may span several lines ("250-first", "250-second", "250 last"). `capMs` bounds
   * the wait for the whole reply, below what is left of the budget.
   */
  readReply(stage: string, capMs?: number): Promise<Reply> {
    const reply = this.readReplyLines(stage);
    return capMs === undefined ? reply : this.withDeadline(reply, stage, capMs);
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

  private async readReplyLines(stage: string): Promise<Reply> {
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
    return new EmailSendError(`SMTP timeout (${this.timeoutMs} ms) during ${stage} with ${this.endpoint.host}:${this.endpoint.port}`, true);
  }

  private attach(socket: Socket): void {
    this.reader = socket.readable.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    this.writer = socket.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
  }
}
