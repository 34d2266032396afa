/**
 * Builds the RFC 5322 / MIME text of a reminder email from an `EmailMessage`.
 *
 * Pure functions: the date, the Message-ID's random part and the multipart boundary can be passed
 * in (tests do), and default to the clock and crypto.randomUUID() otherwise.
 *
 * The output is 7-bit ASCII with CRLF line endings and no line longer than 998 characters (RFC 5322
 * §2.1.1), so any relay accepts it without 8BITMIME or SMTPUTF8:
 *   - non-ASCII in the subject and display names becomes RFC 2047 encoded-words (UTF-8, base64),
 *     split on character boundaries so no word exceeds 75 characters and no character is cut in two;
 *   - both bodies are UTF-8 quoted-printable, whose lines never exceed 76 characters whatever the
 *     input (a 10 kB line of HTML is soft-broken);
 *   - the boundary starts with "=_", which quoted-printable output can never contain ("=" is always
 *     followed by two hex digits or a line break there), so it cannot collide with the content.
 * Header injection is refused: a CR or LF in any header value, name or address throws.
 *
 * A line of the body starting with "." is left as is: dot-stuffing belongs to the SMTP transport
 * (smtp.ts), which applies it to the whole message on the wire.
 */
import type { EmailMessage, Mailbox } from "./email";

export interface MimeOptions {
  /** The Date header (default: now). */
  date?: Date;
  /** The local part of the Message-ID (default: a random UUID without dashes). */
  messageIdLocal?: string;
  /** The multipart boundary (default: "=_" followed by random hex). */
  boundary?: string;
}

export interface MimeMessage {
  /** The whole message, headers and body, CRLF line endings, ending with CRLF. */
  raw: string;
  /** The Message-ID header value, angle brackets included: `<random@sender-domain>`. */
  messageId: string;
}

/** A message that cannot be written safely (an injection attempt, a malformed address): never retry. */
export class MimeError extends Error {}

const CRLF = "\r\n";
/** RFC 2047 §2: an encoded-word is at most 75 characters. */
const ENCODED_WORD_MAX = 75;
/** RFC 2047 §2: a header line holding an encoded-word is at most 76 characters. */
const ENCODED_LINE_MAX = 76;
/** RFC 5322 §2.1.1: lines SHOULD be at most 78 characters (excluding CRLF). */
const SOFT_LINE_MAX = 78;
/** RFC 2045 §6.7: quoted-printable lines are at most 76 characters. */
const QP_LINE_MAX = 76;

/** Headers the builder writes itself; an extra header with one of these names would duplicate or override them. */
const RESERVED_HEADERS = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "sender",
  "return-path",
]);

const encoder = new TextEncoder();

/** Builds the full message. Throws MimeError when the message cannot be written safely. */
export function buildMimeMessage(message: EmailMessage, options: MimeOptions = {}): MimeMessage {
  const fromAddress = checkAddress(message.from.address);
  checkAddress(message.to.address);
  if (message.replyTo) checkAddress(message.replyTo.address);

  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1);
  const local = options.messageIdLocal ?? crypto.randomUUID().replaceAll("-", "");
  if (!/^[A-Za-z0-9._-]+$/.test(local)) throw new MimeError("invalid Message-ID local part");
  const messageId = `<${local}@${domain}>`;
  const boundary = options.boundary ?? `=_${randomHex(16)}`;
  if (!/^[A-Za-z0-9'()+_,\-./:=?]{1,69}$/.test(boundary)) throw new MimeError("invalid MIME boundary");

  const headers: string[] = [
    headerLine("From", formatMailbox(message.from, "From")),
    headerLine("To", formatMailbox(message.to, "To")),
  ];
  if (message.replyTo) headers.push(headerLine("Reply-To", formatMailbox(message.replyTo, "Reply-To")));
  headers.push(
    headerLine("Subject", encodeUnstructured(message.subject, "Subject")),
    headerLine("Date", formatDate(options.date ?? new Date())),
    headerLine("Message-ID", messageId),
    headerLine("MIME-Version", "1.0"),
  );
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!/^[!-9;-~]+$/.test(name)) throw new MimeError(`invalid header name: ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new MimeError(`header ${name} is set by the message builder`);
    // Extra headers are structured (List-Unsubscribe holds <URL>s that clients parse): ASCII stays as
    // is — a long URL may exceed the 78-character soft limit, never the 998 hard one — and only text
    // outside ASCII becomes encoded-words.
    if (isPrintableAscii(value) && value.length > 900) throw new MimeError(`the ${name} header is too long`);
    headers.push(headerLine(name, isPrintableAscii(value) ? value : encodeUnstructured(value, name)));
  }
  headers.push(headerLine("Content-Type", `multipart/alternative; boundary="${boundary}"`));

  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, "Content-Transfer-Encoding: quoted-printable", "", encodeQuotedPrintable(body)].join(CRLF);

  const raw =
    headers.join(CRLF) +
    CRLF +
    CRLF +
    "This is a multi-part message in MIME format." +
    CRLF +
    part("text/plain", message.text) +
    CRLF +
    part("text/html", message.html) +
    CRLF +
    `--${boundary}--` +
    CRLF;
  return { raw, messageId };
}

/**
 * `Name <address>`: the name as an atom sequence when it is plain ASCII words, a quoted-string when
 * it holds RFC 5322 specials (a comma would otherwise split the address list), encoded-words when
 * it is not ASCII.
 */
export function formatMailbox(mailbox: Mailbox, headerName: string): string {
  const address = checkAddress(mailbox.address);
  const name = (mailbox.name ?? "").trim();
  if (name === "") return address;
  rejectLineBreaks(name);
  return `${encodePhrase(name, headerName)} <${address}>`;
}

/** A display name: atoms, a quoted-string, or encoded-words (the first one sized to fit after `headerName: `). */
export function encodePhrase(text: string, headerName: string): string {
  if (!isPrintableAscii(text) || text.includes("=?")) return encodeWords(text, firstWordMax(headerName)).join(" ");
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(text)) return text;
  return `"${text.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * An unstructured header value (Subject, extra headers): kept as is when it is printable ASCII with
 * no "=?" (which a reader would try to decode), otherwise RFC 2047 encoded-words. Folding is done
 * by headerLine.
 */
export function encodeUnstructured(text: string, headerName: string): string {
  rejectLineBreaks(text);
  // A single word longer than a line could not be folded: encoded-words can be split anywhere.
  const longestWord = Math.max(0, ...text.split(/[ \t]+/).map((word) => word.length));
  if (isPrintableAscii(text) && !text.includes("=?") && longestWord <= SOFT_LINE_MAX - 20) return text;
  return encodeWords(text, firstWordMax(headerName)).join(" ");
}

/**
 * RFC 2047 §2: a line holding encoded-words is at most 76 characters, so the first word shares its
 * line with `Name: `. Later words start continuation lines (a space + at most 75).
 */
function firstWordMax(headerName: string): number {
  // 20 characters hold at least one 4-byte character; a longer header name than that leaves would be odd.
  return Math.max(20, Math.min(ENCODED_WORD_MAX, ENCODED_LINE_MAX - headerName.length - 2));
}

/**
 * RFC 2047 "B" encoded-words in UTF-8, each at most 75 characters: 45 bytes of UTF-8 give 60 base64
 * characters, plus the 12 of `=?UTF-8?B?` and `?=`. Chunks end on character boundaries (code
 * points), as §5 requires: a word must decode to whole characters.
 */
export function encodeWords(text: string, firstMax = ENCODED_WORD_MAX): string[] {
  const bytesFor = (length: number) => Math.floor((length - "=?UTF-8?B??=".length) / 4) * 3;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const character of text) {
    const bytes = encoder.encode(character);
    if (chunk.length + bytes.length > bytesFor(words.length === 0 ? firstMax : ENCODED_WORD_MAX)) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0 || words.length === 0) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(bytes: number[]): string {
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}

/**
 * `Name: value`, folded at spaces (CRLF + the space) so lines stay within 78 characters (76 with
 * encoded-words) where the value allows it; encoded-words are separated by spaces, so they fold the
 * same way.
 */
export function headerLine(name: string, value: string): string {
  rejectLineBreaks(value);
  const max = value.includes("=?") ? ENCODED_LINE_MAX : SOFT_LINE_MAX;
  const words = value.split(" ");
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    // Never fold before an empty word (a run of spaces): a continuation line must not be all whitespace.
    if (line.length + 1 + word.length > max && word !== "" && line !== `${name}:`) {
      lines.push(line);
      line = "";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** RFC 5322 §3.3 date-time in UTC with a numeric zone (`GMT` is obsolete syntax). */
export function formatDate(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/**
 * UTF-8 quoted-printable (RFC 2045 §6.7). Any line break in the input (CRLF, LF or CR) becomes a
 * hard CRLF; encoded lines are at most 76 characters, with "=" soft breaks that never cut an =XX
 * escape. Trailing spaces and tabs are escaped (transports may strip them). A leading "." is kept:
 * the SMTP layer dot-stuffs it.
 */
export function encodeQuotedPrintable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => encodeQuotedPrintableLine(line))
    .join(CRLF);
}

function encodeQuotedPrintableLine(line: string): string {
  const bytes = encoder.encode(line);
  const tokens: string[] = [];
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    const last = index === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    tokens.push(literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`);
  }
  const out: string[] = [];
  let current = "";
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as string;
    const isLast = index === tokens.length - 1;
    // Room for the token, plus the "=" of a soft break unless this token ends the line.
    const limit = isLast ? QP_LINE_MAX : QP_LINE_MAX - 1;
    if (current.length + token.length > limit) {
      // A space or tab before the soft break is safe: the "=" follows it, so it is not trailing.
      out.push(`${current}=`);
      current = "";
    }
    current += token;
  }
  out.push(current);
  return out.join(CRLF);
}

/** A bare address, checked: ASCII, one "@", no spaces, angle brackets or line breaks (which would inject headers or SMTP commands). */
export function checkAddress(address: string): string {
  if (!/^[!#-'*+\-/-9=?A-Z^-~]+(\.[!#-'*+\-/-9=?A-Z^-~]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(address) || address.length > 254) {
    throw new MimeError(`invalid email address: ${JSON.stringify(address)}`);
  }
  return address;
}

function rejectLineBreaks(value: string): void {
  if (/[\r\n\0]/.test(value)) throw new MimeError("header values must not contain line breaks");
}

function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
