/**
 * ISO 11649 structured creditor references ("RF" + two check digits + up to 21 letters and
 * digits), the reference a SEPA credit transfer carries in `RmtInf/Strd/CdtrRefInf/Ref` and a
 * banking app fills in from an EPC QR code. Quittance derives an invoice's reference from its
 * number (the number's letters and digits, upper-cased), so the statement import finds the invoice
 * again by its number alone. A number whose letters and digits exceed 21 characters has no RF
 * reference: the invoice number then travels as unstructured remittance text.
 */

const BODY_MAX = 21;

/** Letters A–Z become 10–35, digits stay; the whole is reduced mod 97 piece by piece (no bigint needed). */
function mod97(alphanumeric: string): number {
  let remainder = 0;
  for (const char of alphanumeric) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** The letters and digits of an invoice number, upper-cased: `F2026-000042` → `F2026000042`. */
export function rfBodyOf(invoiceNumber: string): string {
  return invoiceNumber.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** `RF` + check digits + body, or null when the body is empty, too long or not alphanumeric. */
export function rfReference(body: string): string | null {
  if (body.length === 0 || body.length > BODY_MAX || !/^[A-Z0-9]+$/.test(body)) return null;
  const check = 98 - mod97(`${body}RF00`);
  return `RF${String(check).padStart(2, "0")}${body}`;
}

/** The RF reference of an invoice number, or null when its letters and digits exceed 21 characters. */
export function rfReferenceOfInvoice(invoiceNumber: string): string | null {
  return rfReference(rfBodyOf(invoiceNumber));
}

/**
 * The body of a well-formed RF reference (spaces ignored, any case), or null when the text is not
 * one or its check digits are wrong: `RF18 5390 0754 7034` → `539007547034`.
 */
export function parseRfReference(text: string): string | null {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(compact)) return null;
  // Check digits are 02–98: RF00/RF01/RF99 also pass mod 97 for some bodies but are never issued.
  const check = Number(compact.slice(2, 4));
  if (check < 2 || check > 98) return null;
  return mod97(`${compact.slice(4)}${compact.slice(0, 4)}`) === 1 ? compact.slice(4) : null;
}

/** `RF18539007547034` → `RF18 5390 0754 7034`, the grouping printed on paper (groups of four). */
export function formatRfReference(reference: string): string {
  return reference.replace(/(.{4})(?=.)/g, "$1 ");
}
