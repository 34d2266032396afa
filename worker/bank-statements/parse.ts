/**
 * From the uploaded bytes to a parsed statement: the text decoded in the charset the file declares
 * (UTF-8 by default; ISO-8859-1 / Windows-1252 as OFX 1.x files and some camt files say), the
 * format detected from the content (the Content-Type only refuses what is plainly not a statement),
 * then the format's parser. Unknown formats answer 415, unreadable files 422.
 */
import { ApiError } from "../errors";
import { parseCamt } from "./camt";
import { parseOfx } from "./ofx";
import { finishReferences, malformed, type ParsedStatement } from "./statement";

/** camt.053 and camt.054 versions this import reads (namespace `…camt.05x.001.NN`). */
const CAMT_VERSIONS = { min: 2, max: 13 };

const unsupported = (detail: string) => new ApiError("statement_format_unsupported", detail, "Content-Type");

const ACCEPTED_HINT = "Send an ISO 20022 camt.053 or camt.054 XML file, or an OFX file, as the raw request body.";

function declaredCharset(head: string): string {
  const xml = /<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/i.exec(head)?.[1];
  if (xml !== undefined) return xml.toLowerCase();
  const ofx = /^\s*CHARSET:\s*([A-Za-z0-9-]+)/im.exec(head)?.[1];
  const encoding = /^\s*ENCODING:\s*([A-Za-z0-9-]+)/im.exec(head)?.[1];
  if (encoding !== undefined && /utf-?8|unicode/i.test(encoding)) return "utf-8";
  if (ofx !== undefined && /^(1252|ISO-8859-1|8859-1|LATIN1)$/i.test(ofx)) return "windows-1252";
  return "utf-8";
}

/** The file's text, decoded as it says it is encoded. */
export function decodeStatement(bytes: ArrayBuffer): string {
  const head = String.fromCharCode(...new Uint8Array(bytes, 0, Math.min(1024, bytes.byteLength)));
  const charset = declaredCharset(head);
  const label = /^(iso-?8859-1|latin-?1|windows-1252|cp1252)$/.test(charset) ? "windows-1252" : charset === "utf-8" || charset === "utf8" ? "utf-8" : null;
  if (label === null) throw malformed(`The file is encoded in ${charset}; Quittance reads UTF-8, ISO-8859-1 and Windows-1252.`);
  try {
    return new TextDecoder(label, { fatal: label === "utf-8", ignoreBOM: false }).decode(bytes);
  } catch {
    throw malformed("The file is not valid UTF-8 (declare its encoding, e.g. <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>).");
  }
}

/** Refuses content types that cannot be a statement (JSON, forms, multipart, images, PDF…). */
export function checkContentType(header: string | undefined): void {
  const media = (header ?? "").split(";")[0]!.trim().toLowerCase();
  if (media === "" || /^(application|text)\/([\w.+-]*xml|x-ofx|ofx|vnd\.intu\.qfx|x-qfx|plain|octet-stream)$/.test(media)) return;
  if (media === "multipart/form-data") throw unsupported(`Multipart uploads are not read. ${ACCEPTED_HINT}`);
  throw unsupported(`A ${media} body is not a bank statement. ${ACCEPTED_HINT}`);
}

/** Detects the format from the text and parses it. */
export function parseStatement(content: string): ParsedStatement {
  const text = content.replace(/^\uFEFF/, "");
  if (text.trim() === "") throw malformed("The body is empty: send the statement file as the request body.");
  const head = text.slice(0, 4096);
  if (/^\s*OFXHEADER\s*:/i.test(head) || /<\?OFX\b/i.test(head) || /^\s*(<\?xml[^>]*\?>\s*)?<OFX>/i.test(head)) {
    return finish(parseOfx(text));
  }
  if (!/^\s*</.test(text)) throw unsupported(`The file is neither XML nor OFX. ${ACCEPTED_HINT}`);
  const namespace = /urn:iso:std:iso:20022:tech:xsd:(camt\.05[2-9])\.001\.(\d{2})/.exec(head);
  if (namespace === null) {
    if (/<(\w+:)?BkToCstmrStmt[\s>]/.test(head)) return finish(parseCamt(text, "camt.053"));
    if (/<(\w+:)?BkToCstmrDbtCdtNtfctn[\s>]/.test(head)) return finish(parseCamt(text, "camt.054"));
    throw unsupported(`The XML is not an ISO 20022 camt.053 or camt.054 document. ${ACCEPTED_HINT}`);
  }
  const [, kind, version] = namespace;
  if (kind !== "camt.053" && kind !== "camt.054") throw unsupported(`${kind} documents are not imported; send the camt.053 statement or camt.054 notification.`);
  if (Number(version) < CAMT_VERSIONS.min || Number(version) > CAMT_VERSIONS.max) {
    throw unsupported(`${kind}.001.${version} is not supported; versions 001.02 to 001.13 are.`);
  }
  return finish(parseCamt(text, kind));
}

function finish(statement: ParsedStatement): ParsedStatement {
  return { ...statement, lines: finishReferences(statement.lines) };
}
