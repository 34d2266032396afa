/**
 * The MIME builder (worker/reminders/mime.ts), checked with decoders written here independently:
 * RFC 2047 encoded-words, quoted-printable, CRLF line endings and line lengths, the multipart
 * structure, the Message-ID and Date, extra headers, and refusal of header injection.
 */
import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../../../worker/reminders/email";
import { buildMimeMessage, encodeQuotedPrintable, encodeWords, formatDate, MimeError } from "../../../worker/reminders/mime";
import { dotStuff } from "../../../worker/reminders/smtp";

const BOUNDARY = "=_test-boundary";

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: { name: "Atelier Dupont", address: "factures@atelier.example" },
    to: { name: "Client", address: "client@example.test" },
    subject: "Invoice F-1 is due",
    text: "Hello,\nplease pay.\n",
    html: "<p>Hello,</p><p>please pay.</p>",
    ...overrides,
  };
}

function build(overrides: Partial<EmailMessage> = {}) {
  return buildMimeMessage(message(overrides), { date: new Date(Date.UTC(2026, 10, 24, 9, 5, 7)), messageIdLocal: "abc123", boundary: BOUNDARY });
}

/** Header block, unfolded, as name (lower case) → value. */
function headersOf(raw: string): Map<string, string> {
  const block = raw.slice(0, raw.indexOf("\r\n\r\n"));
  const map = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    map.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return map;
}

/** RFC 2047 decoding (B and Q), joining adjacent encoded-words as §6.2 says; fatal on invalid UTF-8. */
function decodeWords(value: string): string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return value
    .replace(/(\?=)\s+(=\?)/g, "$1$2")
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, data: string) => {
      const bytes =
        kind.toUpperCase() === "B"
          ? Uint8Array.from(atob(data), (char) => char.charCodeAt(0))
          : Uint8Array.from(data.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), (char) => char.charCodeAt(0));
      return decoder.decode(bytes);
    });
}

function decodeQuotedPrintable(encoded: string): string {
  const binary = encoded.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The parts between the boundaries: [headers, body] each. */
function partsOf(raw: string, boundary: string): { headers: Map<string, string>; body: string }[] {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  const closing = `\r\n--${boundary}--\r\n`;
  expect(body.endsWith(closing)).toBe(true);
  const sections = body.slice(0, -closing.length).split(`\r\n--${boundary}\r\n`);
  return sections.slice(1).map((section) => ({ headers: headersOf(section), body: section.slice(section.indexOf("\r\n\r\n") + 4) }));
}

describe("MIME message builder", () => {
  it("should encode the subject as RFC 2047 UTF-8 words when it has accents", () => {
    const subject = "Rappel : facture F-2026-001 échue — 1 234,56 € à régler";
    const { raw } = build({ subject });
    const value = headersOf(raw).get("subject") ?? "";
    expect(value).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(value)).toBe(subject);
    expect(raw).not.toContain("é");
  });

  it("should keep the subject as plain text when it is printable ASCII", () => {
    const { raw } = build({ subject: "Invoice F-1 is due" });
    expect(raw).toContain("\r\nSubject: Invoice F-1 is due\r\n");
  });

  it("should cut encoded-words on character boundaries within 75 characters when the subject is long and multi-byte", () => {
    const subject = "Relance 🧾 ".repeat(12) + "ééééééééééééééééééééééééééééééé";
    const words = encodeWords(subject);
    expect(words.length).toBeGreaterThan(3);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      // Each word alone must decode to whole characters (fatal decoder throws on a cut sequence).
      expect(() => decodeWords(word)).not.toThrow();
    }
    const { raw } = build({ subject });
    const block = raw.slice(0, raw.indexOf("\r\n\r\n"));
    // RFC 2047 §2: a line holding encoded-words is at most 76 characters, the first one included.
    for (const line of block.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeWords(headersOf(raw).get("subject") ?? "")).toBe(subject);
  });

  it("should fold a long ASCII subject on spaces when it exceeds 78 characters", () => {
    const subject = Array.from({ length: 30 }, (_, index) => `word${index}`).join(" ");
    const { raw } = build({ subject });
    const block = raw.slice(0, raw.indexOf("\r\n\r\n")).split("\r\n");
    const start = block.findIndex((line) => line.startsWith("Subject:"));
    expect(block[start + 1]).toMatch(/^ \S/);
    for (const line of block) expect(line.length).toBeLessThanOrEqual(78);
    expect(headersOf(raw).get("subject")).toBe(subject);
  });

  it("should encode display names when they are not ASCII and quote them when they hold specials", () => {
    const { raw } = build({
      from: { name: "Atelier Bérénice", address: "factures@atelier.example" },
      to: { name: "Dupont, Jean", address: "jean@example.test" },
      replyTo: { name: 'Compta "Paris"', address: "compta@atelier.example" },
    });
    const headers = headersOf(raw);
    expect(headers.get("from")).toMatch(/^=\?UTF-8\?B\?\S+\?= <factures@atelier\.example>$/);
    expect(decodeWords(headers.get("from") ?? "")).toBe("Atelier Bérénice <factures@atelier.example>");
    expect(headers.get("to")).toBe('"Dupont, Jean" <jean@example.test>');
    expect(headers.get("reply-to")).toBe('"Compta \\"Paris\\"" <compta@atelier.example>');
  });

  it("should write a bare address when the mailbox has no name", () => {
    const { raw } = build({ to: { address: "client@example.test" } });
    expect(headersOf(raw).get("to")).toBe("client@example.test");
  });

  it("should use CRLF line endings only when the bodies use LF, CR or CRLF", () => {
    const { raw } = build({ text: "one\ntwo\rthree\r\nfour", html: "<p>a</p>\n<p>b</p>\r<p>c</p>" });
    expect(raw.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(raw.endsWith("\r\n")).toBe(true);
    const [text] = partsOf(raw, BOUNDARY);
    expect(decodeQuotedPrintable(text?.body ?? "")).toBe("one\r\ntwo\r\nthree\r\nfour");
  });

  it("should keep every line within 76 characters when a body line is very long", () => {
    const longLine = "é".repeat(3000) + " " + "x".repeat(5000) + " ";
    const html = `<p>${"<b>gras</b> ".repeat(900)}</p>`;
    const { raw } = build({ text: longLine, html });
    for (const line of raw.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    const [text, htmlPart] = partsOf(raw, BOUNDARY);
    for (const line of (text?.body ?? "").split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(text?.body ?? "")).toBe(longLine);
    expect(decodeQuotedPrintable(htmlPart?.body ?? "")).toBe(html);
  });

  it("should escape a trailing space and literal equals signs when quoted-printable encoding", () => {
    expect(encodeQuotedPrintable("a = b \nc\t")).toBe("a =3D b=20\r\nc=09");
    expect(encodeQuotedPrintable("café")).toBe("caf=C3=A9");
  });

  it("should never cut an =XX escape when soft-breaking a line", () => {
    const encoded = encodeQuotedPrintable("aé".repeat(200));
    for (const line of encoded.split("\r\n")) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line).toMatch(/^(?:[^=]|=[0-9A-F]{2})*=?$/);
    }
    expect(decodeQuotedPrintable(encoded)).toBe("aé".repeat(200));
  });

  it("should build multipart/alternative with a text and an HTML part when given both", () => {
    const { raw } = build({ text: "Bonjour Zoé,\n\nPayez ici : https://pay.example/p/1", html: "<p>Bonjour Zoé</p><a href=\"https://pay.example/p/1\">Payer</a>" });
    const headers = headersOf(raw);
    expect(headers.get("mime-version")).toBe("1.0");
    expect(headers.get("content-type")).toBe(`multipart/alternative; boundary="${BOUNDARY}"`);
    expect(raw.split(`--${BOUNDARY}\r\n`).length - 1).toBe(2);
    expect(raw.split(`--${BOUNDARY}--\r\n`).length - 1).toBe(1);
    const parts = partsOf(raw, BOUNDARY);
    expect(parts.map((part) => part.headers.get("content-type"))).toEqual(["text/plain; charset=utf-8", "text/html; charset=utf-8"]);
    expect(parts.map((part) => part.headers.get("content-transfer-encoding"))).toEqual(["quoted-printable", "quoted-printable"]);
    expect(decodeQuotedPrintable(parts[0]?.body ?? "")).toBe("Bonjour Zoé,\r\n\r\nPayez ici : https://pay.example/p/1");
    expect(decodeQuotedPrintable(parts[1]?.body ?? "")).toBe("<p>Bonjour Zoé</p><a href=\"https://pay.example/p/1\">Payer</a>");
  });

  it("should pick a random boundary that never appears in quoted-printable content when none is given", () => {
    const first = buildMimeMessage(message({ text: "=_ =_ =_" }));
    const second = buildMimeMessage(message());
    const boundaryOf = (raw: string) => /boundary="([^"]+)"/.exec(raw)?.[1] ?? "";
    expect(boundaryOf(first.raw)).toMatch(/^=_[0-9a-f]{32}$/);
    expect(boundaryOf(first.raw)).not.toBe(boundaryOf(second.raw));
    // The body's "=_" is escaped (=3D_), so after the header block "=_" only occurs on the 3 delimiter lines.
    const body = first.raw.slice(first.raw.indexOf("\r\n\r\n"));
    expect(body.split("=_").length - 1).toBe(3);
  });

  it("should write Message-ID on the sender's domain and an RFC 5322 date when building", () => {
    const { raw, messageId } = build();
    const headers = headersOf(raw);
    expect(messageId).toBe("<abc123@atelier.example>");
    expect(headers.get("message-id")).toBe(messageId);
    expect(headers.get("date")).toBe("Tue, 24 Nov 2026 09:05:07 +0000");
    expect(formatDate(new Date(Date.UTC(2024, 1, 29, 23, 59, 0)))).toBe("Thu, 29 Feb 2024 23:59:00 +0000");
    const random = buildMimeMessage(message()).messageId;
    expect(random).toMatch(/^<[0-9a-f]{32}@atelier\.example>$/);
    expect(random).not.toBe(buildMimeMessage(message()).messageId);
  });

  it("should add List-Unsubscribe headers when given as extra headers", () => {
    const { raw } = build({
      headers: { "List-Unsubscribe": "<https://quittance.example/u/tok>, <mailto:unsubscribe@atelier.example>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    const headers = headersOf(raw);
    expect(headers.get("list-unsubscribe")).toBe("<https://quittance.example/u/tok>, <mailto:unsubscribe@atelier.example>");
    expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    // Extra headers sit in the header block, before the body.
    expect(raw.indexOf("List-Unsubscribe:")).toBeLessThan(raw.indexOf("\r\n\r\n"));
  });

  it("should refuse header injection when a value, a name or an address holds a line break", () => {
    expect(() => build({ subject: "Hello\r\nBcc: victim@example.test" })).toThrow(MimeError);
    expect(() => build({ from: { name: "Evil\nBcc: x@example.test", address: "a@example.test" } })).toThrow(MimeError);
    expect(() => build({ to: { address: "a@example.test\r\nRCPT TO:<b@example.test>" } })).toThrow(MimeError);
    expect(() => build({ headers: { "X-Test": "a\r\nBcc: x@example.test" } })).toThrow(MimeError);
    expect(() => build({ headers: { "Bad Name": "x" } })).toThrow(MimeError);
  });

  it("should refuse an extra header when it would override one the builder writes", () => {
    expect(() => build({ headers: { "Content-Type": "text/plain" } })).toThrow(MimeError);
    expect(() => build({ headers: { bcc: "x@example.test" } })).toThrow(MimeError);
  });

  it("should refuse an address when it is not a plain ASCII addr-spec", () => {
    for (const address of ["no-at-sign", "a@b@c.example", "a <b@c.example>", "zoé@example.test", "a@", "@example.test"]) {
      expect(() => build({ to: { address } }), address).toThrow(MimeError);
    }
  });

  it("should leave a leading dot in the body to the SMTP layer when encoding", () => {
    const { raw } = build({ text: ".hidden\n..two\n." });
    expect(raw).toContain("\r\n.hidden\r\n..two\r\n.\r\n");
    expect(dotStuff(".a\r\nb\r\n..c\r\n.\r\n")).toBe("..a\r\nb\r\n...c\r\n..\r\n");
  });
});
