/**
 * Just enough X.509 to verify a PayPal webhook: find the first certificate of a PEM bundle, walk
 * its DER to the SubjectPublicKeyInfo (which WebCrypto imports as "spki") and read the validity
 * period. workerd has no X509Certificate class and a full ASN.1 library would be a large
 * dependency for four fields; the walk below reads the fixed order of RFC 5280's TBSCertificate:
 *
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 *                                 validity SEQUENCE { notBefore, notAfter }, subject,
 *                                 subjectPublicKeyInfo, ... }
 *
 * Any deviation from DER (indefinite lengths, truncated elements, unexpected tags) is an error:
 * the caller turns it into a refused webhook.
 */

export class CertificateFormatError extends Error {}

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;
const TAG_UTC_TIME = 0x17;
const TAG_GENERALIZED_TIME = 0x18;
const TAG_VERSION = 0xa0; // [0] EXPLICIT, constructed

interface Element {
  tag: number;
  /** Offset of the tag byte: `bytes.subarray(start, end)` is the whole element. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads one DER element at `offset` that must end by `limit`. */
function readElement(bytes: Uint8Array, offset: number, limit: number): Element {
  if (offset + 2 > limit) throw new CertificateFormatError("truncated DER element");
  const tag = bytes[offset]!;
  // High-tag-number form never occurs in the fields we walk; refusing it keeps the reader simple.
  if ((tag & 0x1f) === 0x1f) throw new CertificateFormatError("unsupported DER tag");
  const first = bytes[offset + 1]!;
  let length: number;
  let contentStart: number;
  if (first < 0x80) {
    length = first;
    contentStart = offset + 2;
  } else {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length (not DER); more than 4 length bytes cannot fit a certificate.
    if (count === 0 || count > 4) throw new CertificateFormatError("unsupported DER length");
    if (offset + 2 + count > limit) throw new CertificateFormatError("truncated DER length");
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + bytes[offset + 2 + index]!;
    contentStart = offset + 2 + count;
  }
  const end = contentStart + length;
  if (end > limit) throw new CertificateFormatError("DER element overruns its container");
  return { tag, start: offset, contentStart, end };
}

function expectTag(element: Element, tag: number, what: string): Element {
  if (element.tag !== tag) throw new CertificateFormatError(`expected ${what}`);
  return element;
}

function readTime(bytes: Uint8Array, element: Element): Date {
  const text = String.fromCharCode(...bytes.subarray(element.contentStart, element.end));
  let match: RegExpExecArray | null;
  let year: number;
  if (element.tag === TAG_UTC_TIME && (match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    // RFC 5280 §4.1.2.5.1: two-digit years 50–99 are 19xx, 00–49 are 20xx.
    const short = Number(match[1]);
    year = short >= 50 ? 1900 + short : 2000 + short;
  } else if (element.tag === TAG_GENERALIZED_TIME && (match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    year = Number(match[1]);
  } else {
    throw new CertificateFormatError("unsupported certificate time");
  }
  const [, , month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year, month! - 1, day!, hour!, minute!, second!));
}

export interface CertificateFacts {
  /** The DER SubjectPublicKeyInfo, ready for `crypto.subtle.importKey("spki", …)`. */
  spki: Uint8Array<ArrayBuffer>;
  notBefore: Date;
  notAfter: Date;
}

/** Reads the public key and validity period of a DER certificate. */
export function readCertificate(der: Uint8Array<ArrayBuffer>): CertificateFacts {
  const certificate = expectTag(readElement(der, 0, der.length), TAG_SEQUENCE, "a certificate SEQUENCE");
  if (certificate.end !== der.length) throw new CertificateFormatError("trailing bytes after the certificate");
  const tbs = expectTag(readElement(der, certificate.contentStart, certificate.end), TAG_SEQUENCE, "a TBSCertificate SEQUENCE");
  let element = readElement(der, tbs.contentStart, tbs.end);
  if (element.tag === TAG_VERSION) element = readElement(der, element.end, tbs.end);
  expectTag(element, TAG_INTEGER, "the serial number");
  const signature = expectTag(readElement(der, element.end, tbs.end), TAG_SEQUENCE, "the signature algorithm");
  const issuer = expectTag(readElement(der, signature.end, tbs.end), TAG_SEQUENCE, "the issuer");
  const validity = expectTag(readElement(der, issuer.end, tbs.end), TAG_SEQUENCE, "the validity");
  const notBefore = readElement(der, validity.contentStart, validity.end);
  const notAfter = readElement(der, notBefore.end, validity.end);
  const subject = expectTag(readElement(der, validity.end, tbs.end), TAG_SEQUENCE, "the subject");
  const spki = expectTag(readElement(der, subject.end, tbs.end), TAG_SEQUENCE, "the SubjectPublicKeyInfo");
  return { spki: der.slice(spki.start, spki.end), notBefore: readTime(der, notBefore), notAfter: readTime(der, notAfter) };
}

/**
 * The DER bytes of the first certificate in a PEM text. PayPal serves the signing certificate
 * first, followed by its chain; only the first one signs webhooks.
 */
export function firstPemCertificate(pem: string): Uint8Array<ArrayBuffer> {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new CertificateFormatError("no PEM certificate found");
  let binary: string;
  try {
    binary = atob(match[1]!.replace(/\s+/g, ""));
  } catch {
    throw new CertificateFormatError("the PEM certificate is not valid base64");
  }
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}
